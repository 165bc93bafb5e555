"""Which sentences of each paper's body are covered by a claim, skipped, or missed.

A reviewer reads the report to see at a glance what was left out and why.
The body of a paper is delimited in sources.yaml (``body: [first words,
first words after it]``); it is split into sentences on the original text,
and a sentence is covered when the character span of any quote (of a claim,
cohort or patient) overlaps it, or skipped when a ``skipped:`` quote does.
The overlap test sweeps sorted spans, so the cost grows with the number of
sentences and quotes, not with their product.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from pathlib import Path

from .load import Corpus
from .quotes import _LINE_NUMBER_RE, is_line_numbered, paper_text

ABBREVIATIONS = ("al.", "e.g.", "i.e.", "vs.", "Fig.", "et.", "approx.", "Dr.", "ref.", "no.", "n.")
_END = re.compile(r"[.!?](?:\)|\*+|<sup>[^<]*</sup>|\^\{[^}]*\}|[\u00b9\u00b2\u00b3\u2070-\u209f,–0-9]+(?=\s))*(?=\s)")


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    claims: list[str] = field(default_factory=list)
    skipped: str | None = None

    @property
    def status(self) -> str:
        return "covered" if self.claims else ("skipped" if self.skipped else "missing")


@dataclass
class PaperCoverage:
    paper: str
    seed: str
    sentences: list[Sentence]

    def count(self, status: str) -> int:
        return sum(1 for s in self.sentences if s.status == status)


def split_sentences(text: str, start: int, end: int) -> list[Sentence]:
    """Sentences of text[start:end] with their offsets; short fragments (headings) dropped."""
    numbered = is_line_numbered(text)
    sentences, pos = [], start
    for m in _END.finditer(text, start, end):
        before = text[max(start, m.start() - 8) : m.start() + 1].split()[-1:] or [""]
        if before[0].endswith(ABBREVIATIONS):
            continue
        nxt = text[m.end() : m.end() + 12].lstrip()
        if numbered:
            nxt = _LINE_NUMBER_RE.sub("", nxt, count=1)
        if nxt and not (nxt[0].isupper() or nxt[0] in "(*"):
            continue
        sentences.append((pos, m.end()))
        pos = m.end()
    if pos < end:
        sentences.append((pos, end))
    result = []
    for s, e in sentences:
        chunk = text[s:e]
        if numbered:
            chunk = _LINE_NUMBER_RE.sub("", chunk)
        display = re.sub(r"\s+", " ", chunk).strip()
        if len(re.findall(r"[A-Za-z]{2,}", display)) >= 4:
            lead = len(text[s:e]) - len(text[s:e].lstrip())
            result.append(Sentence(s + lead, e, display))
    return result


def _assign(sentences: list[Sentence], spans: list[tuple[int, int, str]], attr: str) -> None:
    starts = [s.start for s in sentences]
    for qs, qe, label in spans:
        i = max(0, bisect.bisect_right(starts, qs) - 1)
        while i < len(sentences) and sentences[i].start < qe:
            sent = sentences[i]
            if sent.end > qs:
                if attr == "claims":
                    if label not in sent.claims:
                        sent.claims.append(label)
                elif sent.skipped is None:
                    sent.skipped = label
            i += 1


def paper_coverage(corpus: Corpus, paper_id: str, quotes: list[tuple[int, int, str]] | None = None) -> PaperCoverage:
    """Every body sentence of one paper with the records that quote it (``quotes``: that paper's spans, when known)."""
    paper = corpus.papers[paper_id]
    text = paper_text((corpus.sources_dir / (paper.seed or "")).resolve())
    start, end = 0, len(text.text)
    if paper.body:
        first = text.find(paper.body[0])
        last = text.find(paper.body[1]) if len(paper.body) > 1 else None
        start = first.start if first else 0
        end = last.start if last else end
    sentences = split_sentences(text.text, start, end)
    spans = sorted(quotes if quotes is not None else quote_spans(corpus).get(paper_id, []))
    _assign(sentences, spans, "claims")
    skips = sorted((m.start, m.end, reason) for m, reason in corpus.skip_matches.get(paper_id, []))
    _assign(sentences, skips, "skipped")
    for s in sentences:
        s.claims.sort()
    return PaperCoverage(paper_id, paper.seed or "", sentences)


def quote_spans(corpus: Corpus) -> dict[str, list[tuple[int, int, str]]]:
    """Per paper, the (start, end, record id) of every quote: one pass over the corpus, not one per paper."""
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for (rec_id, _), m in corpus.quotes.items():
        if (paper := corpus.source_of.get(rec_id)) is not None:
            spans.setdefault(paper, []).append((m.start, m.end, rec_id))
    return spans


def corpus_coverage(corpus: Corpus) -> list[PaperCoverage]:
    spans = quote_spans(corpus)
    return [paper_coverage(corpus, pid, spans.get(pid, [])) for pid in sorted(corpus.papers, key=lambda p: corpus.papers[p].seed or "")]


def format_report(reports: list[PaperCoverage], missing_only: bool = False, width: int = 110) -> str:
    lines = []
    for r in reports:
        lines.append(
            f"{r.paper} ({r.seed}): {len(r.sentences)} sentences, {r.count('covered')} covered, "
            f"{r.count('skipped')} skipped, {r.count('missing')} without a claim"
        )
        for s in r.sentences:
            if missing_only and s.status != "missing":
                continue
            text = s.text if len(s.text) <= width else s.text[: width - 3] + "..."
            tag = {"covered": ", ".join(s.claims), "skipped": f"skipped: {s.skipped}", "missing": "MISSING"}[s.status]
            lines.append(f"  [{tag}] {text}")
        lines.append("")
    return "\n".join(lines)


def write_report(path: Path, content: str) -> None:
    from .export import atomic_outputs

    with atomic_outputs(path.parent) as stage:
        stage(path.name, content)
