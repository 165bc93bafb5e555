"""Curation-guide rules (data/README.md, "Rules a curator checks") as tests.

Each rule is a function from the loaded corpus to a list of violations, run
on the real data (no violation) and on a copy of the data broken the way an
independent audit found it broken (issue 11), so the rule is known to catch
that kind of error and the next curator cannot repeat it silently.
"""
from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import pytest

from jakkg.load import Corpus, load_corpus
from jakkg.model import Claim

from .conftest import ROOT, copy_data

Rule = Callable[[Corpus], list[str]]

# -- 1. a joint citation credits every cited study ---------------------------------------
# Paper 003 cites by number; its reference list (in the text) maps numbers to studies.
NUMBERED_REFERENCES = {"mastrolia": {1: "baechler-2007", 2: "huang-2022", 3: "kim-2021", 4: "le-voyer-2021", 5: "paik-2022"}}
AUTHOR_YEAR = re.compile(r"([A-Z][\w'\u00C0-\u017F-]+)\s+et al\.,?\s+(\d{4})")


def cited_groups(corpus: Corpus, claim: Claim) -> list[set[str]]:
    """The study ids of each parenthesised citation group of the claim's quotes."""
    studies = corpus.all_studies()
    by_name = {(s.citation.split(",")[0].split(" ")[0].lower(), s.year): s.id for s in studies.values()}
    groups = []
    for quote in claim.quote:
        for inside in re.findall(r"\(([^()]*\d{4}[^()]*)\)", quote):
            ids = {by_name.get((name.lower(), int(year))) for name, year in AUTHOR_YEAR.findall(inside)}
            groups.append({i for i in ids if i})
        refs = NUMBERED_REFERENCES.get(corpus.source_of[claim.id], {})
        for lo, hi in re.findall(r"\((\d)(?:\s*[-\u2013]\s*(\d))?\)", quote):
            groups.append({refs[n] for n in range(int(lo), int(hi or lo) + 1) if n in refs})
    return [g for g in groups if len(g) > 1]


def joint_citation_credits_every_study(corpus: Corpus) -> list[str]:
    """A claim credited to one study of a joint citation has a sibling credited to each other one."""
    credited = defaultdict(set)  # (subject, predicate, object, quote) -> studies
    for c in corpus.claims.values():
        credited[(c.subject, c.predicate, c.object, tuple(c.quote))].add(c.attributed_to)
    bad = []
    for c in corpus.claims.values():
        for group in cited_groups(corpus, c):
            if c.attributed_to in group and (missing := group - credited[(c.subject, c.predicate, c.object, tuple(c.quote))]):
                bad.append(f"{c.id}: cited jointly with {sorted(missing)}, credited only to {c.attributed_to}")
    return bad


# -- 2. claims on the same triple that contradict are told apart ------------------------
POLARITY = {"improved": 1, "resolved": 1, "increased": 1, "observed": 1, None: 1, "no_progression": 0,
            "unchanged": -1, "worsened": -1, "decreased": -1, "not_observed": -1}  # as src/jakkg/graph.yaml


def polarity(c: Claim) -> int:
    return -1 if c.negated else POLARITY[c.direction]


def same_triple_claims_are_told_apart(corpus: Corpus) -> list[str]:
    """Two claims on one triple, population, instrument and time with opposite polarity, or
    with the same polarity and N but another n, either disagree (disagrees_with) or are a
    modelling error: a lost population (East-Asian vs Caucasian anti-MDA5 JDM), a
    co-occurrence read as a second count ("7 of 16 had both")."""
    groups = defaultdict(list)
    for c in corpus.claims.values():
        groups[(c.subject, c.predicate, c.object, c.population, c.instrument, c.time_point)].append(c)
    bad = []
    for claims in groups.values():
        for i, a in enumerate(claims):
            for b in claims[i + 1:]:
                if a.population in corpus.patients:
                    continue  # one patient's course: relapse after remission is a sequence, not a contradiction
                if None not in (a.n, b.n) and a.N == b.N and a.direction != b.direction and a.n + b.n <= a.N:  # type: ignore[operator]
                    continue  # disjoint parts of one population: 1 of 4 improved, 3 of 4 worsened
                opposite = polarity(a) * polarity(b) < 0
                recount = a.direction == b.direction and a.negated == b.negated and a.N == b.N and a.n != b.n and None not in (a.n, b.n)
                if not (opposite or recount):
                    continue
                if b.id in a.disagrees_with or a.id in b.disagrees_with:
                    continue
                bad.append(f"{a.id} and {b.id}: same triple, population and time, {'opposite' if opposite else 'another count'}, not linked")
    return bad


# -- 3. "is associated" is suggested ------------------------------------------------------
def association_is_suggested(corpus: Corpus) -> list[str]:
    return [f"{c.id}: an association ('associat...') is hedged suggested, not asserted"
            for c in corpus.claims.values()
            if c.predicate == "correlated_with" and c.hedging == "asserted" and re.search(r"associat", " ".join(c.quote), re.IGNORECASE)]


# -- 4. n = N only when the paper says all ----------------------------------------------
ALL_WORDS = re.compile(r"\b(all|both|every|each|none|no)\b|100\s*%", re.IGNORECASE)


def all_of_n_is_printed(corpus: Corpus) -> list[str]:
    """n == N needs the paper to say all of them (or N is the whole of a reported cohort):
    "patients (n = 17) who improved" counts the improved, it is not 17 of 17."""
    bad = []
    for c in corpus.claims.values():
        if c.n is None or c.n != c.N:
            continue
        text = " ".join(c.quote)
        cohort = corpus.cohorts.get(c.population or c.subject)
        whole_cohort = cohort is not None and cohort.size == c.N and not re.search(rf"\(\s*\$?\s*n\s*=\s*{c.N}\b", text)
        if not (ALL_WORDS.search(text) or re.search(rf"\b{c.n}\s*(/|of)\s*{c.N}\b", text) or whole_cohort):
            bad.append(f"{c.id}: n = N = {c.N} but the quote does not say all of them")
    return bad


# -- 5. an unlabelled spread is min/max unless the paper shows it is an IQR -------------
def iqr_is_justified(corpus: Corpus) -> list[str]:
    bad = []
    for c in corpus.claims.values():
        stats = [getattr(c, f) for f in ("value", "baseline", "followup", "follow_up_duration", "time_to_effect", "dose")]
        if any(s is not None and s.q1 is not None for s in stats) and \
                not re.search(r"\bIQR\b|interquartile", " ".join(c.quote) + " " + (c.note or ""), re.IGNORECASE):
            bad.append(f"{c.id}: q1/q3 without 'IQR' in the quote or the reason in the note")
    return bad


# -- 6. a split joint mechanism keeps only the pairs that hold --------------------------
# Which kinases carry which cytokine signals (receptor-associated JAKs; Schwartz et al. 2017,
# Nat Rev Drug Discov 16:843, Fig. 1): the reference a split "JAK1 and 2 ... IL-2, IL-4, IL-6" is checked against.
KINASE_SIGNALS = {
    "il-2-mediated-signalling": {"JAK1", "JAK3"},
    "il-4-mediated-signalling": {"JAK1", "JAK3"},
    "il-6-mediated-signalling": {"JAK1", "JAK2", "TYK2"},
    "growth-hormone-receptor-signalling": {"JAK2"},
}


def kinase_cytokine_pairs_hold(corpus: Corpus) -> list[str]:
    return [f"{c.id}: {c.subject} does not carry {c.object} (carried by {sorted(KINASE_SIGNALS[c.object])})"
            for c in corpus.claims.values()
            if c.predicate == "involved_in" and not c.negated and c.object in KINASE_SIGNALS and c.subject not in KINASE_SIGNALS[c.object]]


# -- 7. one pattern for a drug stopped or tapered ---------------------------------------
DRUG_USE_MEASURES = {"prednisone-dose", "glucocorticoid-use-measurement"}


def drug_stopped_or_tapered_pattern(corpus: Corpus) -> list[str]:
    """Stopped: negated treated_with, direction decreased; tapered: treated_with, decreased, the dose."""
    bad = []
    for c in corpus.claims.values():
        if c.object in DRUG_USE_MEASURES or c.instrument in DRUG_USE_MEASURES:
            bad.append(f"{c.id}: a drug stopped or tapered is '<population> treated_with <drug>', direction decreased, not {c.object}")
        if c.predicate == "treated_with" and c.negated and c.direction not in ("decreased", "not_observed"):
            bad.append(f"{c.id}: negated treated_with is a drug stopped (decreased) or never given (not_observed)")
    return bad


# -- 8. a scale with two versions carries its top ---------------------------------------
MULTI_SCALE = {"mmt8"}  # 0-80 and 0-150


def multi_scale_values_carry_out_of(corpus: Corpus) -> list[str]:
    bad = []
    for c in corpus.claims.values():
        if c.instrument in MULTI_SCALE:
            for f in ("value", "baseline", "followup"):
                if (s := getattr(c, f)) is not None and s.out_of is None and s.unit != "%":  # a % change has no scale
                    bad.append(f"{c.id}: {f} on {c.instrument} without out_of")
    for p in corpus.patients.values():
        bad += [f"{p.id}: {m.instrument}@{m.time} without out_of" for m in p.measurements if m.instrument in MULTI_SCALE and m.out_of is None]
    return bad


# -- 9. thresholds of criteria and endpoints are fields, not notes ----------------------
THRESHOLD = re.compile(r"(?:≥|≤|>|<|\\geq|\\leq|at least|more than)\s*\$?\s*(\d+(?:\.\d+)?)")


def thresholds_are_fields(corpus: Corpus) -> list[str]:
    """Every threshold printed in a criterion or endpoint sentence is a field of a claim quoting it."""
    fields = defaultdict(set)  # quote -> bound values of the claims quoting it
    for c in corpus.claims.values():
        fields[tuple(c.quote)] |= {float(v) for f in ("value", "dose") if (s := getattr(c, f)) is not None
                                   for v in (s.value, s.min, s.max, s.above, s.below) if v is not None}
    bad = []
    for c in corpus.claims.values():
        if c.category != "study_design":
            continue
        quote = " ".join(c.quote)
        printed = {float(x) for x in THRESHOLD.findall(quote)}
        if printed - fields[tuple(c.quote)]:
            bad.append(f"{c.id}: threshold(s) {sorted(printed - fields[tuple(c.quote)])} of the quote are in no field")
    return bad


# -- 10. one case reported with two drugs is a disagreement -----------------------------
def same_case_different_drug_is_linked(corpus: Corpus) -> list[str]:
    bad = []
    by_study = defaultdict(list)
    for co in corpus.cohorts.values():
        if co.attributed_to and co.size == 1:
            by_study[co.attributed_to].append(co)
    for study, cohorts in by_study.items():
        for i, a in enumerate(cohorts):
            for b in cohorts[i + 1:]:
                if set(a.drugs) <= set(b.drugs) or set(b.drugs) <= set(a.drugs):
                    continue  # one paper names fewer of the drugs: no contradiction
                members = lambda co: {co.id} | {p.id for p in corpus.patients.values() if p.cohort == co.id}
                ca = [c for c in corpus.claims.values() if c.population in members(a)]
                cb = {c.id for c in corpus.claims.values() if c.population in members(b)}
                if not any(set(c.disagrees_with) & cb for c in ca):
                    bad.append(f"{a.id} ({a.drugs}) and {b.id} ({b.drugs}): the case of {study} with two drugs, no disagrees_with between their claims")
    return bad


# -- 11. synonyms are whole names ---------------------------------------------------------
def synonyms_are_whole_names(corpus: Corpus) -> list[str]:
    return [f"{e.key}: synonym {s!r} is a fragment (unbalanced parentheses or a leftover of a split)"
            for e in corpus.entities.values() for s in e.synonyms
            if s.count("(") != s.count(")") or re.match(r"^(\d+\)|[)/,;])", s) or s.rstrip().endswith(("/", ","))]


RULES: dict[str, Rule] = {r.__name__: r for r in (
    joint_citation_credits_every_study, same_triple_claims_are_told_apart, association_is_suggested,
    all_of_n_is_printed, iqr_is_justified, kinase_cytokine_pairs_hold, drug_stopped_or_tapered_pattern,
    multi_scale_values_carry_out_of, thresholds_are_fields, same_case_different_drug_is_linked, synonyms_are_whole_names)}


@pytest.mark.parametrize("name", sorted(RULES))
def test_rule_holds_on_the_data(name: str, corpus: Corpus) -> None:
    assert RULES[name](corpus) == []


# -- negative tests: each audit finding, put back into a copy of data/ ---------------------
def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {path.name}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def drop_claim(path: Path, claim_id: str) -> None:
    lines = path.read_text(encoding="utf-8").split("\n")
    start = lines.index(f"  - id: {claim_id}")
    end = start + 1
    while end < len(lines) and lines[end].startswith("    "):
        end += 1
    path.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")


JAK2_IL2 = """  - id: AL19-C050
    category: mechanism
    subject: JAK2
    predicate: involved_in
    object: il-2-mediated-signalling
    quote: *S13
"""
BREAKS: list[tuple[str, Callable[[Path], None], str]] = [
    ("joint_citation_credits_every_study", lambda d: drop_claim(d / "claims/001.yaml", "LC19-C079"), "LC19-C064: cited jointly with ['schwartz-2017']"),
    ("joint_citation_credits_every_study", lambda d: drop_claim(d / "claims/003.yaml", "MA-C061"), "MA-C055: cited jointly with ['kim-2021']"),
    ("same_triple_claims_are_told_apart", lambda d: replace(d / "claims/002.yaml", "    subject: LC22-both\n    predicate: has_phenotype\n    object: myositis\n    population: LC22\n",
                                                            "    subject: LC22\n    predicate: has_phenotype\n    object: myositis\n"), "LC22-C010 and LC22-C011"),
    ("same_triple_claims_are_told_apart", lambda d: replace(d / "claims/001.yaml", "    population: LC19-CA-TA14\n", ""), "LC19-C023"),
    ("association_is_suggested", lambda d: replace(d / "claims/000.yaml", "    attributed_to: valenzuela-2014\n    hedging: suggested\n",
                                                   "    attributed_to: valenzuela-2014\n"), "AL19-C067"),
    ("all_of_n_is_printed", lambda d: replace(d / "claims/000.yaml", "    population: AL19-ALL18\n    direction: improved\n",
                                              "    population: AL19-ALL18\n    direction: improved\n    n: 17\n    N: 17\n"), "AL19-C026"),
    ("iqr_is_justified", lambda d: replace(d / "claims/004.yaml", "Unlabelled spread read as IQR", "Unlabelled spread"), "DI21-C038"),
    ("kinase_cytokine_pairs_hold", lambda d: replace(d / "claims/000.yaml", "  - id: AL19-C052\n", JAK2_IL2 + "  - id: AL19-C052\n"), "AL19-C050"),
    ("drug_stopped_or_tapered_pattern", lambda d: replace(d / "claims/003.yaml", "    predicate: treated_with\n    object: corticosteroids\n    negated: true\n    population: MA-P1",
                                                          "    predicate: has_measurement\n    object: glucocorticoid-use-measurement\n    population: MA-P1"), "MA-C042"),
    ("multi_scale_values_carry_out_of", lambda d: replace(d / "claims/002.yaml", "{mean: 120, sd: 31, out_of: 150, time: baseline}",
                                                          "{mean: 120, sd: 31, time: baseline}"), "LC22-C013"),
    ("thresholds_are_fields", lambda d: replace(d / "claims/002.yaml", "    value: {min: 5}\n", ""), "LC22-C006"),
    ("same_case_different_drug_is_linked", lambda d: (replace(d / "claims/000.yaml", "    disagrees_with: [LC19-C008]\n", ""),
                                                      replace(d / "claims/001.yaml", "    disagrees_with: [AL19-C023]\n", "")), "AL19-AE-case"),
    ("synonyms_are_whole_names", lambda d: replace(d / "entities/reference.yaml", "  - open-label pilot study\n", "  - 002)\n"), "non-randomized-clinical-trial"),
]


@pytest.mark.parametrize("name,break_data,expected", BREAKS, ids=[f"{b[0]}-{i}" for i, b in enumerate(BREAKS)])
def test_rule_catches_the_audited_error(name: str, break_data: Callable[[Path], None], expected: str, tmp_path: Path, seeds_dir: Path) -> None:
    data = copy_data(tmp_path)
    break_data(data)
    violations = RULES[name](load_corpus(data, seeds_dir))
    assert any(expected in v for v in violations), violations


# -- the reference import splits mentions into whole names -------------------------------
@pytest.mark.parametrize("mentioned_as,expected", [
    ("Manual Muscle Testing 8 (MMT8 / MMT)", ["MMT", "MMT8", "Manual Muscle Testing 8"]),
    ("open-label pilot study (paper 002; STIR, papers 000/002)", ["open-label pilot study"]),
    ("case report (papers 003; reported cases in 000/001)", ["case report"]),
    ("2016 ACR/EULAR minimal/moderate/major clinical response criteria (paper 000)",
     ["2016 ACR/EULAR minimal/moderate/major clinical response criteria"]),
    ("corticosteroids / steroids / glucocorticoids (CS)", ["CS", "corticosteroids", "glucocorticoids", "steroids"]),
    ("IFN pathway activation / IFN signalling (unspecified type)", ["IFN pathway activation", "IFN signalling"]),
])
def test_import_reference_splits_mentions_into_whole_names(mentioned_as: str, expected: list[str]) -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from import_reference import split_mentions
    finally:
        sys.path.pop(0)
    assert split_mentions(mentioned_as) == expected
