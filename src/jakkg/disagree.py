"""Disagreements found by the graph (issue 14): rules propose candidates, curators' links and verdicts judge them.

Each rule is a readable SPARQL file in ``rules/disagreements/`` (as Mondo
keeps its QC checks in ``src/sparql/qc/``), returning ``?claimA ?claimB``
and whatever context explains the candidate:

- ``opposite-direction``: the same subject (or a JAK inhibitor and the
  class, or two JAK inhibitors), predicate and outcome, opposite signs,
  different studies, the same kind of population;
- ``different-targets``: two papers give one drug different target lists;
- ``same-study-different-facts``: two papers credit the same study with a
  different drug or different numbers.

A candidate is *confirmed* when the curated data link the two claims with
``jakkg:disagreesWith``, *rejected* when ``data/rejected-disagreements.yaml``
lists the pair with a reason (a curator's verdict is data), and *open*
otherwise. Curated links no rule proposes are reported too, so the rules'
recall on the curated set is visible. Rules run on Oxigraph, on the reasoned
graph when given one (class membership from HermiT) and else on the asserted
graph (membership from the asserted "inhibits JAKn" claims).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError, display_path
from .resources import package_path
from .store import select

CURATED = """PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT DISTINCT ?a ?b WHERE { ?a jakkg:disagreesWith ?b }"""
CLAIMS = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT ?claim ?label ?paper WHERE { ?claim a jakkg:Claim ; rdfs:label ?label ; dcterms:source ?paper }"""


@dataclass(frozen=True)
class Candidate:
    rule: str
    a: str
    b: str
    detail: str


def rule_files() -> list[Path]:
    return sorted(package_path("rules", "disagreements").glob("*.rq"))


def run_rules(store: Any) -> list[Candidate]:
    """Every candidate of every rule, each pair once per rule (claims in IRI order)."""
    found: dict[tuple[str, str, str], Candidate] = {}
    for path in rule_files():
        solutions = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            values = {n: (row[n].value if row[n] is not None else "") for n in names}
            a, b = sorted((values["claimA"], values["claimB"]))
            detail = "; ".join(f"{n}={_short(values[n])}" for n in names if n not in ("claimA", "claimB") and values[n])
            found.setdefault((path.stem, a, b), Candidate(path.stem, a, b, detail))
    return [found[k] for k in sorted(found)]


def read_rejected(path: Path | None) -> dict[tuple[str, str], str]:
    """Pairs a curator rejected, with the reason: a YAML list of {claims: [A, B], reason: ...}."""
    if path is None or not path.is_file():
        return {}
    import yaml

    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UsageError(f"{display_path(path)}:{mark.line + 1 if mark else '?'}: not YAML: {getattr(exc, 'problem', exc)}") from None
    rejected = {}
    for i, entry in enumerate(entries, 1):
        claims, reason = (entry or {}).get("claims"), (entry or {}).get("reason")
        if not (isinstance(claims, list) and len(claims) == 2 and reason):
            raise UsageError(f"{display_path(path)}: entry {i}: needs `claims: [ID, ID]` and a `reason`")
        a, b = sorted(_claim(c) for c in claims)
        rejected[(a, b)] = str(reason)
    return rejected


def compare(store: Any, rejected_file: Path | None = None) -> tuple[list[dict[str, str]], dict[str, int]]:
    """Candidate rows with their verdict, then the curated links no rule found; and the counts."""
    candidates = run_rules(store)
    curated = {tuple(sorted(pair)) for pair in select(store, CURATED)}
    rejected = read_rejected(rejected_file)
    claims = {c: (label, paper) for c, label, paper in select(store, CLAIMS)}
    rows, proposed = [], set()
    for c in candidates:
        pair = (c.a, c.b)
        proposed.add(pair)
        verdict = "confirmed" if pair in curated else ("rejected: " + rejected[pair] if pair in rejected else "open")
        rows.append(_row(c.rule, c.a, c.b, c.detail, verdict, claims))
    missed = sorted(curated - proposed)
    for a, b in missed:
        rows.append(_row("", a, b, "", "curated, found by no rule", claims))
    counts = {"candidates": len(proposed), "confirmed": len(proposed & curated),
              "rejected": len(proposed & set(rejected)), "curated": len(curated), "curated missed": len(missed)}
    return rows, counts


COLUMNS = ["rule", "claim_a", "claim_b", "verdict", "label_a", "label_b", "paper_a", "paper_b", "detail"]


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def _row(rule: str, a: str, b: str, detail: str, verdict: str, claims: dict[str, tuple[str, str]]) -> dict[str, str]:
    la, pa = claims.get(a, ("", ""))
    lb, pb = claims.get(b, ("", ""))
    return {"rule": rule, "claim_a": _short(a), "claim_b": _short(b), "verdict": verdict, "label_a": la, "label_b": lb,
            "paper_a": _short(pa), "paper_b": _short(pb), "detail": detail}


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1] if iri.startswith(("http://", "https://")) else iri


def _claim(key: str) -> str:
    return key if key.startswith("http") else f"https://w3id.org/jakkg/jakdm/claim/{key}"
