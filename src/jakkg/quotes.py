"""Find a curator's verbatim quote in the PDF-extracted text of its paper.

The seed texts carry PDF noise (see shared/seeds/README.md): running line
numbers, hyphenation at line ends, LaTeX-like math (``$n = 17$``, ``\\pm``),
markup (``**``, ``<sup>``), superscript citation marks, and words glued
together (``theILD``). Both the paper and the quote are reduced to a
canonical form that drops exactly that noise -- whitespace, hyphens and
dashes, markup, citation superscripts -- and keeps every letter, digit and
symbol in order, so the words still have to match. Each canonical character
remembers its offset in the original text, which gives the character span
recorded in the graph as a W3C Web Annotation TextPositionSelector.
"""
from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_LATEX = {
    r"\pm": "±",
    r"\geq": "≥",
    r"\leq": "≤",
    r"\ge": "≥",
    r"\le": "≤",
    r"\times": "×",
    r"\alpha": "α",
    r"\beta": "β",
    r"\gamma": "γ",
    r"\kappa": "κ",
    r"\mu": "μ",
    r"\%": "%",
    r"\_": "_",
    r"\&": "&",
}
_LATEX_RE = re.compile("|".join(re.escape(k) + (r"(?![A-Za-z])" if k[-1].isalpha() else "") for k in sorted(_LATEX, key=len, reverse=True)))
# Citation superscripts and tags carry no words of the claim.
_DROP_RE = re.compile(
    r"<sup>.*?</sup>"  # html superscripts (citation numbers)
    r"|\^\{[^}]*\}"  # latex superscripts
    r"|</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?>"  # other tags
    r"|[\u00b9\u00b2\u00b3\u2070-\u209f]"  # unicode super/subscripts
    r"|[*$|#`\\-]"  # markdown and math markup; ASCII hyphens (the other dashes go in _emit_plain)
    r"|\s+"  # whitespace, including line breaks
)
_LINE_NUMBER_RE = re.compile(r"(?m)^[ \t]*\d{1,4}[ \t]+(?=\S)")
_EQUIVALENT = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "ʼ": "'"})
_DASHES = set("-‐‑‒–—―−\u00ad")


@dataclass(frozen=True)
class Canonical:
    """A canonical string and, for each of its characters, the original offset."""

    text: str
    offsets: array  # type: ignore[type-arg]  # array('l'): 8 bytes a character, not a Python int each


@dataclass(frozen=True)
class QuoteMatch:
    """Where a quote was found: character offsets into the original text."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def is_line_numbered(text: str) -> bool:
    """Whether most lines start with a manuscript line number (paper 002 does)."""
    lines = [ln for ln in text.splitlines() if ln.strip()]
    numbered = sum(1 for ln in lines if _LINE_NUMBER_RE.match(ln))
    return bool(lines) and numbered / len(lines) >= 0.3


def canonical(text: str, strip_line_numbers: bool = False) -> Canonical:
    """Reduce ``text`` to its canonical form, keeping a map back to offsets."""
    spans: list[tuple[int, int, str]] = []  # (start, end, replacement)
    if strip_line_numbers:
        spans += [(m.start(), m.end(), "") for m in _LINE_NUMBER_RE.finditer(text)]
    spans += [(m.start(), m.end(), _LATEX[m.group()]) for m in _LATEX_RE.finditer(text)]
    spans.sort()
    chars: list[str] = []
    offsets = array("l")
    pos = 0

    def emit(segment: str, base: int) -> None:
        # Drop noise inside a plain segment, then normalise what is left.
        last = 0
        for m in _DROP_RE.finditer(segment):
            _emit_plain(segment[last : m.start()], base + last, chars, offsets)
            last = m.end()
        _emit_plain(segment[last:], base + last, chars, offsets)

    for start, end, replacement in spans:
        if start < pos:  # overlapping span (a line number inside latex): skip
            continue
        emit(text[pos:start], pos)
        _emit_plain(replacement, start, chars, offsets)
        pos = end
    emit(text[pos:], pos)
    return Canonical("".join(chars), offsets)


def _emit_plain(segment: str, base: int, chars: list[str], offsets: array) -> None:  # type: ignore[type-arg]
    """Append the canonical characters of ``segment`` and their offsets (runs at a time for ASCII)."""
    if segment.isascii():  # NFKC changes no ASCII character; hyphens and spaces are already gone
        chars.append(segment)
        offsets.extend(range(base, base + len(segment)))
        return
    for i, ch in enumerate(segment.translate(_EQUIVALENT)):
        for c in unicodedata.normalize("NFKC", ch):
            if c in _DASHES or c.isspace():
                continue
            chars.append(c)
            offsets.append(base + i)


class PaperText:
    """A paper's text, canonicalised once, in which quotes are looked up."""

    def __init__(self, text: str):
        self.text = text
        self.canonical = canonical(text, strip_line_numbers=is_line_numbered(text))

    def find(self, quote: str) -> QuoteMatch | None:
        """The first place the quote occurs, or None when it does not."""
        needle = canonical(quote).text
        if not needle:
            return None
        at = self.canonical.text.find(needle)
        if at < 0:
            return None
        start = self.canonical.offsets[at]
        end = self.canonical.offsets[at + len(needle) - 1] + 1
        return QuoteMatch(
            start=start,
            end=end,
            exact=self.text[start:end],
            prefix=self.text[max(0, start - 32) : start],
            suffix=self.text[end : end + 32],
        )


@lru_cache(maxsize=8)
def paper_text(path: Path) -> PaperText:
    """The canonicalised text of a seed file, read once per process while it is in use.

    Callers go paper by paper (a corpus of thousands of papers would not fit
    a cache of every text), so a small cache serves them.
    """
    return PaperText(path.read_text(encoding="utf-8"))
