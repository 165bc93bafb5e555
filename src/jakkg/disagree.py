"""Disagreements found by the graph (issue 14): rules propose candidate groups, curators' links and verdicts judge them.

Each rule is a readable SPARQL file in ``rules/disagreements/`` (as Mondo
keeps its QC checks in ``src/sparql/qc/``) that returns one row per claim
(its group key, side and context), never pairs of claims: a literature has
groups of hundreds of claims on one drug and outcome, and listing all pairs
made the output and the work quadratic (27,920 pairs and 8 s at 10k
synthetic claims, killed at 100k). Python groups the rows, and a candidate
is a *group*: one per rule and key with claims on two or more sides.

- ``opposite-direction``: the same subject (or the JAK-inhibitor class),
  predicate, outcome and kind of population; sides negative and positive;
  a pair is two claims of different studies;
- ``different-targets``: one drug; sides are the papers' target lists;
- ``same-study-different-facts``: one attributed study, predicate and
  outcome; sides are the drugs, or for one drug the n or the N, that
  different papers give;
- ``same-subtype-opposite-course``: populations sharing an autoantibody
  subtype (any age); sides a good course on a JAK inhibitor (improved or
  resolved) and a bad one (worsened, or death or respiratory failure in a
  treated population); a pair is two claims of different studies.

Verdicts stay pair-level data: ``jakkg:disagreesWith`` links and the pairs
of ``data/rejected-disagreements.yaml``. A group's pairs are *counted*
(products of side sizes, minus the pairs a rule excludes), the curated and
rejected pairs found in it by a claim-to-groups index, and open = pairs -
confirmed - rejected. A group is *confirmed* when it holds a curated pair,
*rejected* when a curator rejected all its pairs, else *open (k of n
pairs)*. Curated links no rule proposes are reported too, so the rules'
recall on the curated set is visible. Rules run on Oxigraph, on the
reasoned graph when given one (class membership from HermiT) and else on
the asserted graph (membership from the asserted "inhibits JAKn" claims).
"""
from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from .errors import UsageError, display_path
from .resources import package_path
from .store import select

CURATED = """PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT DISTINCT ?a ?b WHERE { ?a jakkg:disagreesWith ?b }"""
CLAIMS = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT ?claim ?paper WHERE { ?claim a jakkg:Claim ; dcterms:source ?paper }"""
CLASS = "http://id.nlm.nih.gov/mesh/D000075242"


@dataclass(frozen=True)
class Member:
    """One claim on one side of a group. ``apart`` holds the values two claims must not share to make a pair
    (their study, or their paper; in the class group also their drug); ``target`` is for different-targets."""
    claim: str
    side: str
    paper: str
    apart: tuple[str, ...] = ()
    target: str = ""


@dataclass
class Group:
    """A candidate: the claims of one rule and key, by side, and how many pairs of claims it stands for."""
    rule: str
    key: tuple[str, ...]
    members: list[Member]
    detail: str = ""
    pairs: int = 0
    lists: dict[str, frozenset[str]] = field(default_factory=dict)  # different-targets: side -> its targets

    def sides(self) -> list[str]:
        return sorted({m.side for m in self.members})

    def is_pair(self, a: Member, b: Member) -> bool:
        """Would the rule have proposed this pair? (The test the counts stand for, applied to one pair.)"""
        if a.side == b.side:
            return False
        if self.lists:
            return a.target not in self.lists[b.side] or b.target not in self.lists[a.side]
        return all(x != y for x, y in zip(a.apart, b.apart, strict=True))


def rule_files() -> list[Path]:
    return sorted(package_path("rules", "disagreements").glob("*.rq"))


def run_rules(store: Any) -> list[Group]:
    """Every candidate group of every rule, sorted by rule and key; each group's claims sorted and counted."""
    groups: list[Group] = []
    for path in rule_files():
        solutions = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        names = [v.value for v in solutions.variables]
        rows = [{n: (row[n].value if row[n] is not None else "") for n in names} for row in solutions]
        groups.extend(GROUPERS[path.stem](rows))
    for g in groups:
        g.members = sorted(set(g.members), key=lambda m: (m.side, m.claim, m.apart))
        found = partners(g)
        g.pairs = sum(found) // 2
        g.members = [m for m, k in zip(g.members, found, strict=True) if k]
    return sorted((g for g in groups if g.pairs), key=lambda g: (g.rule, g.key))


# -- grouping the rows of each rule -------------------------------------------
def _opposite(rows: list[dict[str, str]]) -> list[Group]:
    """By subject (or class), predicate, outcome, population kind and axis; sides negative and positive.
    A pair must come from two studies; in the class group, also from two subjects (same-drug pairs belong to
    that drug's group), unless the claim's subject is the class itself."""
    by_key: dict[tuple[str, ...], list[Member]] = defaultdict(list)
    for r in rows:
        key = (r["key"], r["predicate"], r["object"], r["population"], r["axis"])
        drug = r["subject"] if r["subject"] != r["key"] else r["claim"]  # a unique value excludes nothing
        by_key[key].append(Member(r["claim"], r["side"], r["paper"], (r["study"], drug)))
    return [Group("opposite-direction", key, ms, "level=" + ("class" if key[0] == CLASS else "subject"))
            for key, ms in by_key.items()]


def _targets(rows: list[dict[str, str]]) -> list[Group]:
    """By drug; each paper's target list is a side (papers with the same list share it)."""
    lists: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in rows:
        lists[(r["drug"], r["paper"])].add(r["target"])
    by_drug: dict[str, Group] = {}
    for r in rows:
        targets = frozenset(lists[(r["drug"], r["paper"])])
        side = " ".join(sorted(_short(t) for t in targets))
        g = by_drug.setdefault(r["drug"], Group("different-targets", (r["drug"],), []))
        g.lists[side] = targets
        g.members.append(Member(r["claim"], side, r["paper"], target=r["target"]))
    return list(by_drug.values())


def _subtype(rows: list[dict[str, str]]) -> list[Group]:
    """By autoantibody subtype; sides good and bad course on a JAK inhibitor. A pair is two claims of different
    studies (a study's own good and bad patients are its own result, not a disagreement)."""
    by_key: dict[tuple[str, ...], list[Member]] = defaultdict(list)
    for r in rows:
        by_key[(r["key"],)].append(Member(r["claim"], r["side"], r["paper"], (r["study"],)))
    return [Group("same-subtype-opposite-course", key, ms, "sides=bad|good") for key, ms in by_key.items()]


def _same_study(rows: list[dict[str, str]]) -> list[Group]:
    """By study, predicate and outcome: the drug named (named drugs only); for one subject, n and N.
    A pair is two claims of different papers."""
    by_key: dict[tuple[str, ...], list[Member]] = defaultdict(list)
    for r in rows:
        base = (r["study"], r["predicate"], r["object"])
        if r["drug"] == "true":
            by_key[(*base, "subject")].append(Member(r["claim"], _short(r["subject"]), r["paper"], (r["paper"],)))
        for fact in ("n", "N"):
            if r[fact]:
                by_key[(*base, r["subject"], fact)].append(Member(r["claim"], r[fact], r["paper"], (r["paper"],)))
    return [Group("same-study-different-facts", key, ms, "fact=" + key[-1]) for key, ms in by_key.items()]


GROUPERS: dict[str, Callable[[list[dict[str, str]]], list[Group]]] = {
    "different-targets": _targets, "opposite-direction": _opposite, "same-study-different-facts": _same_study,
    "same-subtype-opposite-course": _subtype}


# -- counting pairs without listing them ----------------------------------------
def partners(g: Group) -> list[int]:
    """For each member, how many pairs it makes in its group, by arithmetic: linear in the group's size."""
    return _target_partners(g) if g.lists else _apart_partners(g)


def _apart_partners(g: Group) -> list[int]:
    """Claims on other sides, minus those sharing a value the pair must not share (inclusion-exclusion over
    the subsets of ``apart``: with study and drug, minus same study, minus same drug, plus both)."""
    width = len(g.members[0].apart) if g.members else 0
    found = [0] * len(g.members)
    for r in range(width + 1):
        for dims in combinations(range(width), r):
            keys = [tuple(m.apart[d] for d in dims) for m in g.members]
            everyone, same_side = Counter(keys), Counter(zip(keys, (m.side for m in g.members), strict=True))
            for i, (k, m) in enumerate(zip(keys, g.members, strict=True)):
                found[i] += (-1) ** r * (everyone[k] - same_side[(k, m.side)])
    return found


def _target_partners(g: Group) -> list[int]:
    """A claim of list L pairs with every claim of another list M if M lacks its target, else with M's claims
    whose target L lacks."""
    size = Counter(m.side for m in g.members)
    lacking = Counter((m.side, s) for m in g.members for s in g.lists if m.target not in g.lists[s])
    return [sum(size[t] if m.target not in g.lists[t] else lacking[(t, m.side)] for t in g.lists if t != m.side)
            for m in g.members]


# -- verdicts: pair-level data, looked up per group -------------------------------
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


def groups_of_pair(index: dict[str, list[tuple[int, Member]]], groups: list[Group], a: str, b: str) -> list[int]:
    """The groups (by position) in which the rule would pair a with b: found through the claim-to-groups index."""
    found = {i for i, ma in index.get(a, ()) for j, mb in index.get(b, ()) if i == j and groups[i].is_pair(ma, mb)}
    return sorted(found)


def compare(store: Any, rejected_file: Path | None = None) -> tuple[list[dict[str, str]], dict[str, int]]:
    """One row per candidate group with its pair counts and verdict, then the curated links no rule found;
    and the totals (pairs summed over groups: a pair two rules propose counts for each)."""
    groups = run_rules(store)
    curated = sorted({tuple(sorted(pair)) for pair in select(store, CURATED)})
    rejected = read_rejected(rejected_file)
    index: dict[str, list[tuple[int, Member]]] = defaultdict(list)
    for i, g in enumerate(groups):
        for m in g.members:
            index[m.claim].append((i, m))
    confirmed: Counter[int] = Counter()
    reasons: dict[int, list[str]] = defaultdict(list)
    missed = []
    for a, b in curated:
        hits = groups_of_pair(index, groups, a, b)
        confirmed.update(hits)
        if not hits:
            missed.append((a, b))
    for (a, b), reason in sorted(rejected.items()):
        for i in groups_of_pair(index, groups, a, b):
            reasons[i].append(reason)
    papers = dict(select(store, CLAIMS)) if missed else {}
    rows = [_group_row(g, confirmed[i], reasons[i]) for i, g in enumerate(groups)]
    rows += [_missed_row(a, b, papers) for a, b in missed]
    pairs = sum(g.pairs for g in groups)
    n_confirmed, n_rejected = sum(confirmed.values()), sum(len(r) for r in reasons.values())
    counts = {"groups": len(groups), "candidates": pairs, "confirmed": n_confirmed, "rejected": n_rejected,
              "open": sum(int(r["open"]) for r in rows[:len(groups)]), "curated": len(curated), "curated missed": len(missed),
              "groups confirmed": sum(r["verdict"] == "confirmed" for r in rows[:len(groups)]),
              "groups rejected": sum(r["verdict"].startswith("rejected") for r in rows[:len(groups)])}
    return rows, counts


def verdict(pairs: int, confirmed: int, reasons: list[str]) -> str:
    """Confirmed if a curated link is among the pairs; rejected if a curator rejected every pair; else open."""
    if confirmed:
        return "confirmed"
    if len(reasons) >= pairs:
        return "rejected: " + " / ".join(sorted(set(reasons)))
    return f"open ({pairs - len(reasons)} of {pairs} pairs)"


COLUMNS = ["rule", "key", "sides", "side_a", "side_b", "papers_a", "papers_b", "pairs", "confirmed", "rejected", "open",
           "verdict", "detail"]


def _group_row(g: Group, confirmed: int, reasons: list[str]) -> dict[str, str]:
    """Side a is the first side (negative, or the first list or value); side b the others, separated by ' | '."""
    sides = g.sides()
    claims = {s: " ".join(_short(m.claim) for m in g.members if m.side == s) for s in sides}
    papers = {s: " ".join(sorted({_short(m.paper) for m in g.members if m.side == s})) for s in sides}
    open_pairs = max(g.pairs - confirmed - len(reasons), 0)
    return {"rule": g.rule, "key": " ".join(_short(k) for k in g.key), "sides": " | ".join(sides),
            "side_a": claims[sides[0]], "side_b": " | ".join(claims[s] for s in sides[1:]),
            "papers_a": papers[sides[0]], "papers_b": " | ".join(papers[s] for s in sides[1:]),
            "pairs": str(g.pairs), "confirmed": str(confirmed), "rejected": str(len(reasons)), "open": str(open_pairs),
            "verdict": verdict(g.pairs, confirmed, reasons), "detail": g.detail}


def _missed_row(a: str, b: str, papers: dict[str, str]) -> dict[str, str]:
    return {"rule": "", "key": "", "sides": "", "side_a": _short(a), "side_b": _short(b),
            "papers_a": _short(papers.get(a, "")), "papers_b": _short(papers.get(b, "")), "pairs": "1", "confirmed": "1",
            "rejected": "0", "open": "0", "verdict": "curated, found by no rule", "detail": ""}


def to_csv(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    w = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    return out.getvalue()


def _short(iri: str) -> str:
    return iri.rsplit("/", 1)[-1] if iri.startswith(("http://", "https://")) else iri


def _claim(key: str) -> str:
    return key if key.startswith("http") else f"https://w3id.org/jakkg/jakdm/claim/{key}"
