"""Paper 001 (Landon-Cardinal et al. 2019, reply to Sabbagh et al.) checked against its text.

The expected values are read from the seed text itself -- from the exact text
each quote matched (``corpus.quotes[(id, i)].exact``) or from the paper -- so
a test fails when a curated number, target, cytokine or attribution drifts
from what the letter prints. The letter writes its numbers as words ("two",
"three others", "a single patient", "both patients").
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from jakkg.build import JAKKG, claim_iri
from jakkg.load import Corpus

PAPER = "landon-cardinal-2019"
SEED = "001_9fd483e06a273bc1.txt"
WORDS = {"one": 1, "single": 1, "other": 1, "two": 2, "both": 2, "three": 3, "four": 4}


def flat(text: str) -> str:
    """Collapse the PDF's whitespace and LaTeX so a regex sees one line of prose."""
    text = text.replace("$\\alpha$", "α").replace("$\\gamma$", "γ").replace("*", "")
    return re.sub(r"\s+", " ", text)


def word_number(pattern: str, text: str) -> int:
    """The number a regex's first group names in ``text`` ("three" -> 3)."""
    m = re.search(pattern, flat(text))
    assert m, f"pattern {pattern!r} not found in {flat(text)[:120]!r}"
    return WORDS[m.group(1).lower()]


def quote_text(corpus: Corpus, claim_id: str, i: int = 0) -> str:
    return corpus.quotes[(claim_id, i)].exact


@pytest.fixture(scope="module")
def seed_text(seeds_dir: Path) -> str:
    return (seeds_dir / SEED).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def body(seed_text: str) -> str:
    """The letter from 'Sir,' to the reference list."""
    return flat(seed_text[seed_text.index("Sir,") : seed_text.index("## References")])


def own_claims(corpus: Corpus):
    return [c for c in corpus.claims.values() if corpus.source_of[c.id] == PAPER]


# -- counts: n and N of a sample of claims, read from the words of the text -----------
# (claim id, quote index and pattern for n, pattern over the letter body for N)
COUNTS = [
    ("LC19-C003", (0, r"report (\w+) refractory juvenile"), r"report (\w+) refractory juvenile"),
    ("LC19-C007", (1, r"in (\w+) cases of anti-MDA5 JDM"), r"report (\w+) refractory juvenile"),
    ("LC19-C017", (0, r"in (\w+) cases of anti-MDA5 JDM"), r"report (\w+) refractory juvenile"),
    ("LC19-C026", (0, r"treated (\w+) adult anti-MDA5"), r"treated (\w+) adult anti-MDA5"),
    ("LC19-C028", (1, r"only a (\w+) patient improved"), r"treated (\w+) adult anti-MDA5"),
    ("LC19-C029", (0, r"while (\w+) others worsened"), r"treated (\w+) adult anti-MDA5"),
    ("LC19-C030", (0, r"(\w+) others worsened and died"), r"treated (\w+) adult anti-MDA5"),
    ("LC19-C032", (0, r"(\w+) of these \w+ patients were treated"), r"(?:two|one) of these (\w+) patients"),
    ("LC19-C033", (0, r"(\w+) of them improved"), r"(\w+) of these four patients were treated"),
    ("LC19-C034", (0, r"while the (other) died"), r"(\w+) of these four patients were treated"),
    ("LC19-C046", (0, r"(\w+) other adult DM cases treated with tofacitinib"), r"(\w+) other adult DM cases treated"),
    ("LC19-C049", (0, r"in (both) patients treated with tofacitinib"), r"report (\w+) refractory juvenile"),
    ("LC19-C061", (0, r"(\w+) of the patients reported by Sabbagh"), r"report (\w+) refractory juvenile"),
]


@pytest.mark.parametrize(("claim_id", "n_source", "N_pattern"), COUNTS, ids=[c[0] for c in COUNTS])
def test_counts_match_the_words_of_the_letter(corpus, body, claim_id, n_source, N_pattern):
    claim = corpus.claims[claim_id]
    index, n_pattern = n_source
    assert claim.n == word_number(n_pattern, quote_text(corpus, claim_id, index))
    assert claim.N == word_number(N_pattern, body)


@pytest.mark.parametrize(
    ("cohort_id", "pattern"),
    [
        ("LC19-SA-cases", r"report (\w+) refractory juvenile"),
        ("LC19-own", r"treated (\w+) adult anti-MDA5"),
        ("LC19-own-ICU", r"(\w+) of these four patients were treated"),
        ("LC19-VA-cases", r"(\w+) other adult DM cases treated"),
    ],
)
def test_cohort_sizes_match_the_text(corpus, cohort_id, pattern):
    cohort = corpus.cohorts[cohort_id]
    assert cohort.size == word_number(pattern, corpus.quotes[(cohort_id, 0)].exact)


def test_subgroup_counts_add_up(corpus):
    """1 improved + 3 worsened = the 4 treated; in the ICU, 1 improved + 1 died = 2."""
    improved, worsened = corpus.claims["LC19-C028"], corpus.claims["LC19-C029"]
    assert improved.n + worsened.n == corpus.cohorts["LC19-own"].size == improved.N == worsened.N
    icu_better, icu_died = corpus.claims["LC19-C033"], corpus.claims["LC19-C034"]
    assert icu_better.n + icu_died.n == corpus.cohorts["LC19-own-ICU"].size
    assert corpus.cohorts["LC19-own-ICU"].size == corpus.claims["LC19-C032"].n


# -- mechanism: the targets and cytokines the letter names -----------------------------
def test_tofacitinib_targets_are_the_ones_the_letter_names(corpus):
    """'a Janus Kinase 1 and 3 (JAK 1/3) inhibitor (tofacitinib)' -> JAK1 and JAK3, nothing else."""
    m = re.search(r"JAK (\d)/(\d)\) inhibitor \((\w+)\)", flat(quote_text(corpus, "LC19-C001")))
    assert m
    expected = {f"JAK{m.group(1)}", f"JAK{m.group(2)}"}
    curated = {c.object for c in own_claims(corpus) if c.subject == m.group(3) and c.predicate == "inhibits"}
    assert curated == expected


CYTOKINE_PATHWAY = {
    "IFN α": "type-i-interferon-signalling",
    "IL-6": "il-6-mediated-signalling",
    "IL-21": "il-21-mediated-signalling",
    "IFN γ": "type-ii-interferon-signalling",
}


def test_stat1_cytokines_are_the_ones_sabbagh_stimulated_with(corpus):
    text = flat(quote_text(corpus, "LC19-C049"))
    listed = re.search(r"multiple cytokines \(([^)]*)\)", text).group(1)
    cytokines = [re.sub(r"^and ", "", part.strip()) for part in listed.split(",")]
    expected = {CYTOKINE_PATHWAY[c] for c in cytokines}
    curated = [
        c for c in own_claims(corpus)
        if c.subject == "tofacitinib" and c.predicate == "negatively_regulates" and c.object != "stat1-phosphorylation"
    ]
    assert {c.object for c in curated} == expected
    both = word_number(r"in (both) patients", text)
    assert all(c.n == c.N == both and c.attributed_to == "sabbagh-2019" for c in curated)


def test_jak2_carries_growth_hormone_signals(corpus):
    text = flat(quote_text(corpus, "LC19-C064"))
    assert re.search(r"JAK2 also transduces the growth hormone signals", text)
    claim = corpus.claims["LC19-C064"]
    assert (claim.subject, claim.predicate) == ("JAK2", "involved_in")
    assert corpus.entities[claim.object].curie.startswith("GO:")
    assert "growth hormone" in corpus.entities[claim.object].label


# -- attribution and hedging -------------------------------------------------------------
def ascii_lower(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()


def test_every_attribution_is_named_in_its_quote_or_its_population(corpus):
    """A claim credited to a study names that study in its quote, or is about that study's patients."""
    for claim in own_claims(corpus):
        if claim.attributed_to is None:
            continue
        surname = claim.attributed_to.split("-")[0]
        quotes = " ".join(corpus.quotes[(claim.id, i)].exact for i in range(len(claim.quote)))
        population = corpus.cohorts.get(claim.population or "") or corpus.patients.get(claim.population or "")
        named = surname in ascii_lower(quotes)
        via_population = population is not None and population.attributed_to == claim.attributed_to
        assert named or via_population, f"{claim.id}: {claim.attributed_to} neither quoted nor its population"
        for year in re.findall(rf"{surname} et al\.,? (\d{{4}})", ascii_lower(flat(quotes))):
            assert claim.attributed_to.endswith(year), f"{claim.id}: cites {surname} {year}"


def test_growth_delay_absence_is_credited_to_each_cited_study(corpus):
    text = ascii_lower(flat(quote_text(corpus, "LC19-C065")))
    assert "have not reported growth delays" in text
    cited = {f"{name}-{year}" for name, year in re.findall(r"(\w+) et al\., (\d{4})", text)}
    claims = [c for c in own_claims(corpus) if c.object == "growth-delay"]
    assert {c.attributed_to for c in claims} == cited
    assert all(c.negated and c.direction == "not_observed" and c.predicate == "has_adverse_event" for c in claims)


# "in line with previously published cases in adult anti-MDA5 DM patients (Kurasawa; Kato)"
# reports what those cases showed: asserted (issue 11).
REPORTED_RESULTS = {"LC19-C018", "LC19-C019"}
HEDGES = {
    "speculative": ("may ", "remain to be", "raise the question", "needed to clarify"),
    "suggested": ("in line with", "suggest", "promising", "an association"),
}


def test_hedged_wording_is_never_asserted(corpus):
    for claim in own_claims(corpus):
        text = " ".join(flat(corpus.quotes[(claim.id, i)].exact) for i in range(len(claim.quote))).lower()
        if any(w in text for w in HEDGES["speculative"]):
            assert claim.hedging == "speculative", claim.id
        elif any(w in text for w in HEDGES["suggested"]) and claim.id not in REPORTED_RESULTS:
            assert claim.hedging in ("suggested", "speculative"), claim.id


# -- patients -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("patient_id", "drug_pattern", "study"),
    [
        ("LC19-SA-P1", r"JAK 1/3\) inhibitor \((\w+)\)", "sabbagh-2019"),
        ("LC19-SA-P2", r"JAK 1/3\) inhibitor \((\w+)\)", "sabbagh-2019"),
        ("LC19-AE-P1", r"another JAK inhibitor \((\w+)\)", "aeschlimann-2018"),
        ("LC19-PA-P1", r"another JAK inhibitor \((\w+)\)", "papadopoulou-2019"),
    ],
)
def test_patient_records_match_the_text(corpus, body, patient_id, drug_pattern, study):
    patient = corpus.patients[patient_id]
    text = flat(corpus.quotes[(patient_id, 0)].exact)
    assert patient.drugs == [re.search(drug_pattern, text).group(1)]
    assert patient.attributed_to == study
    assert patient.disease == "juvenile-dermatomyositis" and re.search(r"juvenile (?:dermatomyositis|DM)", text)
    if "anti-MDA5" in text:
        assert patient.autoantibodies == ["IFIH1"]
    # The letter gives no age, sex or dose for any patient: the records must not invent them.
    assert not re.search(r"\d+[- ]year|\bgirl\b|\bboy\b|\bmg\b", body)
    assert patient.age_years is None and patient.sex is None and patient.dose is None


def test_second_sabbagh_patient_outcomes(corpus):
    """Digital ulcers resolved and calcinosis improved -- both on patient 2, not on the cohort."""
    ulcers, calcinosis = corpus.claims["LC19-C039"], corpus.claims["LC19-C042"]
    assert re.search(r"the (second) patient.*complete resolution of digital ulcers", flat(quote_text(corpus, "LC19-C039")))
    assert re.search(r"the (second) JDM case displayed an improvement of the calcinosis", flat(quote_text(corpus, "LC19-C042")))
    assert (ulcers.population, ulcers.object, ulcers.direction) == ("LC19-SA-P2", "digital-ulcer", "resolved")
    assert (calcinosis.population, calcinosis.object, calcinosis.direction) == ("LC19-SA-P2", "calcinosis", "improved")
    meningitis = corpus.claims["LC19-C061"]
    assert meningitis.population == "LC19-SA-cases"  # the letter does not say which patient


# -- end to end: the disagreement and the negation reach the graph -------------------------
def test_disagreement_and_negation_in_the_built_graph(built):
    graph = Graph().parse(built / "jakdm.nt", format="nt")
    sabbagh, own = claim_iri("LC19-C007"), claim_iri("LC19-C029")
    assert (own, JAKKG.disagreesWith, sabbagh) in graph
    assert (sabbagh, JAKKG.disagreesWith, own) in graph
    assert (claim_iri("LC19-C065"), JAKKG.negated, Literal(True)) in graph
    attributed = set(graph.objects(claim_iri("LC19-C046"), JAKKG.attributedTo))
    assert attributed == {URIRef("https://w3id.org/jakkg/jakdm/study/valenzuela-2014")}
