"""Paper 004 (Ding et al. 2021) as curated in data/claims/004.yaml, checked against its text.

Every expected number is read from the paper itself -- from the text each
claim's quote matched in the seed (``corpus.quotes[(id, i)].exact``) -- never
typed into the test, so a wrong number in the curation or a quote moved to
the wrong sentence fails here.
"""
from __future__ import annotations

import re
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from rdflib import Literal, Namespace, URIRef

from jakkg.identifiers import expand
from jakkg.load import Corpus

PAPER = "ding-2021"
JAKKG = Namespace("https://w3id.org/jakkg/vocab/")
JAKDM = Namespace("https://w3id.org/jakkg/jakdm/")
NUM = r"(\d+(?:\.\d+)?)"
WORDS = {"one": 1, "two": 2, "seven": 7, "ninety-six": 96}


def plain(text: str) -> str:
    """The seed's PDF/LaTeX noise removed, so a regex can read the numbers as printed."""
    text = text.replace(r"\geq", "≥").replace(r"\pm", "±").replace("$", "").replace("**", "")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\(\s+", "(", re.sub(r"\s+([,)])", r"\1", text))


def quote_text(corpus: Corpus, claim_id: str, index: int = 0) -> str:
    """The paper's own text that quote ``index`` of a record matched."""
    return plain(corpus.quotes[(claim_id, index)].exact)


def field(record: Any, path: str) -> Any:
    """A dotted field of a record (``baseline.median``, ``p_value.value``)."""
    value = record
    for part in path.split("."):
        value = getattr(value, part)
    return value


def read(text: str, pattern: str) -> tuple[str, ...]:
    m = re.search(pattern, text)
    assert m, f"pattern {pattern!r} not found in {text!r}"
    return m.groups()


# (claim id, quote index, regex over the matched text, fields filled by the regex groups in order)
NUMBERS = [
    ("DI21-C016", 0, rf"{NUM}% \({NUM}/{NUM}\) patients were female", ["percent", "n", "N"]),
    ("DI21-C017", 0, rf"mean age of onset was {NUM} ± {NUM} years", ["value.mean", "value.sd"]),
    ("DI21-C018", 0, rf"age to start add-on JAKi treatment was {NUM} ± {NUM} years", ["value.mean", "value.sd"]),
    ("DI21-C019", 0, rf"of the {NUM} JDM patients before JAKi treatment is {NUM} months \(range: {NUM}–{NUM}\)",
     ["N", "value.mean", "value.min", "value.max"]),
    ("DI21-C020", 0, rf"{NUM}% \({NUM}/{NUM}\) ineffective patients", ["percent", "n", "N"]),
    ("DI21-C021", 0, rf"{NUM}% \({NUM}/{NUM}\) glucocorticoid-dependent", ["percent", "n", "N"]),
    ("DI21-C022", 0, rf"received JAKi for {NUM}–{NUM} months", ["follow_up_duration.min", "follow_up_duration.max"]),
    ("DI21-C023", 0, rf"{NUM}% \({NUM}/{NUM}\) used tofacitinib", ["percent", "n", "N"]),
    ("DI21-C024", 0, rf"{NUM}% \({NUM}/{NUM}\) used ruxolitinib", ["percent", "n", "N"]),
    ("DI21-C025", 0, rf"<\s?25 kg \(n={NUM}\), the initial dosage was {NUM} mg twice daily", ["N", "dose.value"]),
    ("DI21-C026", 0, rf"≥\s?25 kg \(n={NUM}\), the initial dosage was {NUM} mg twice daily", ["N", "dose.value"]),
    ("DI21-C027", 0, rf"maximum dosage of {NUM} mg twice daily", ["dose.max"]),
    ("DI21-C028", 0, rf"The {NUM} patients were followed for a median of {NUM} months \(range: {NUM}–{NUM} months\)",
     ["N", "follow_up_duration.median", "follow_up_duration.min", "follow_up_duration.max"]),
    ("DI21-C029", 0, rf"\({NUM}/{NUM}\) had rash", ["n", "N"]),
    ("DI21-C030", 0, rf"initial dose of {NUM} mg twice daily .* maximum dose of {NUM} mg twice daily", ["dose.min", "dose.max"]),
    ("DI21-C031", 0, rf"maximum dose of {NUM} mg twice daily", ["dose.value"]),
    ("DI21-C031", 1, rf"this dose for {NUM} months", ["follow_up_duration.value"]),
    ("DI21-C036", 1, rf"\(\d+/{NUM}\) cases", ["N"]),
    ("DI21-C037", 0, rf"{NUM}% \({NUM}/{NUM}\) cases of complete resolution", ["percent", "n", "N"]),
    ("DI21-C038", 0, rf"started to improve after {NUM} \({NUM}–{NUM}\) weeks",
     ["time_to_effect.median", "time_to_effect.q1", "time_to_effect.q3"]),
    ("DI21-C039", 0, rf"obvious improvement after {NUM} \({NUM}–{NUM}\) weeks",
     ["time_to_effect.median", "time_to_effect.q1", "time_to_effect.q3"]),
    ("DI21-C040", 0, rf"seen after {NUM} \({NUM}–{NUM}\) weeks",
     ["time_to_effect.median", "time_to_effect.q1", "time_to_effect.q3"]),
    ("DI21-C041", 0, rf"from {NUM} \({NUM}–{NUM}\) to {NUM} \({NUM}–{NUM}\) \(p < {NUM}\)",
     ["baseline.median", "baseline.q1", "baseline.q3", "followup.median", "followup.q1", "followup.q3", "p_value.value"]),
    ("DI21-C042", 0, rf"JAKi dose to {NUM} mg twice daily", ["dose.max"]),
    ("DI21-C043", 0, rf"{NUM}% \({NUM}/{NUM}\) patients discontinued glucocorticoids", ["percent", "n", "N"]),
    ("DI21-C045", 0, rf"disappeared after {NUM} weeks", ["time_to_effect.value"]),
    ("DI21-C046", 0, rf"recurred {NUM} weeks later", ["time_to_effect.value"]),
    ("DI21-C047", 0, rf"stopped at {NUM} weeks", ["follow_up_duration.value"]),
    ("DI21-C048", 0, rf"{NUM}/{NUM} \({NUM}%\) patients had decreased muscle strength", ["n", "N", "percent"]),
    ("DI21-C049", 0, rf"{NUM}% \({NUM}/{NUM}\) had continuous high levels of muscle enzymes", ["percent", "n", "N"]),
    ("DI21-C050", 0, rf"{NUM}/\d+ \(\d+%\) patients had decreased muscle strength", ["N"]),
    ("DI21-C051", 0, rf"from {NUM} ± {NUM} to {NUM} ± {NUM}, p = {NUM}",
     ["baseline.mean", "baseline.sd", "followup.mean", "followup.sd", "p_value.value"]),
    ("DI21-C052", 0, rf"score={NUM}", ["baseline.value"]),
    ("DI21-C052", 0, rf"score={NUM}", ["followup.value"]),
    ("DI21-C056", 0, rf"abnormal in {NUM} patients", ["n"]),
    ("DI21-C058", 0, rf"from {NUM} \({NUM}–{NUM}\) U/L to {NUM} \({NUM}–{NUM}\) U/L \(p = {NUM}\) in {NUM} patients",
     ["baseline.median", "baseline.q1", "baseline.q3", "followup.median", "followup.q1", "followup.q3", "p_value.value", "N"]),
    ("DI21-C059", 0, rf"from {NUM} to {NUM} U/L and", ["baseline.value", "followup.value"]),
    ("DI21-C060", 0, rf"and from {NUM} to {NUM} U/L", ["baseline.value", "followup.value"]),
]


@pytest.mark.parametrize(("claim_id", "index", "pattern", "fields"), NUMBERS, ids=[f"{c[0]}-{'+'.join(c[3])}" for c in NUMBERS])
def test_claim_numbers_are_the_papers(corpus: Corpus, claim_id: str, index: int, pattern: str, fields: list[str]) -> None:
    claim = corpus.claims[claim_id]
    assert corpus.source_of[claim_id] == PAPER
    numbers = read(quote_text(corpus, claim_id, index), pattern)
    for name, printed in zip(fields, numbers):
        assert Decimal(str(field(claim, name))) == Decimal(printed), f"{claim_id}.{name}: paper says {printed}"


# Counts the paper spells out in words.
WORD_COUNTS = [
    ("DI21-C029", 0, r"^(\w+(?:-\w+)?) per cent", "percent"),
    ("DI21-C050", 1, r"(\w+) cases improved in childhood myositis", "n"),
    ("DI21-C052", 0, r"^(\w+) patients did not change", "n"),
    ("DI21-C053", 0, r"^(\w+) patients did not change", "n"),
    ("DI21-C054", 0, r"^(\w+) patients did not change", "n"),
    ("DI21-C055", 0, r"^(\w+) patient was unevaluable", "n"),
    ("DI21-C027", 0, r"and (\w+) patient required the maximum", "n"),
]


@pytest.mark.parametrize(("claim_id", "index", "pattern", "name"), WORD_COUNTS, ids=[c[0] for c in WORD_COUNTS])
def test_counts_in_words(corpus: Corpus, claim_id: str, index: int, pattern: str, name: str) -> None:
    (word,) = read(quote_text(corpus, claim_id, index), pattern)
    assert getattr(corpus.claims[claim_id], name) == WORDS[word.lower()]


def test_p_value_comparators_follow_the_text(corpus: Corpus) -> None:
    """p < 0.001 is an upper bound, p = 0.018 an exact value: the comparator says which."""
    for claim in corpus.claims.values():
        if corpus.source_of[claim.id] != PAPER or claim.p_value is None:
            continue
        text = " ".join(quote_text(corpus, claim.id, i) for i in range(len(claim.quote)))
        (comparator,) = read(text, r"p ([<=>]) " + re.escape(str(claim.p_value.value)))
        assert claim.p_value.comparator == comparator, claim.id


COHORTS = [
    ("DI21", r"experiences of {N} refractory JDM cases"),
    ("DI21-lt25kg", r"<\s?25 kg \(n={N}\)"),
    ("DI21-ge25kg", r"≥\s?25 kg \(n={N}\)"),
    ("DI21-rash", r"\({N}/\d+\) had rash"),
    ("DI21-weak", r"{N}/\d+ \(\d+%\) patients had decreased muscle strength"),
    ("DI21-ckldh", r"abnormal in {N} patients"),
]


@pytest.mark.parametrize(("cohort_id", "pattern"), COHORTS, ids=[c[0] for c in COHORTS])
def test_cohort_sizes_are_the_papers(corpus: Corpus, cohort_id: str, pattern: str) -> None:
    cohort = corpus.cohorts[cohort_id]
    (size,) = read(quote_text(corpus, cohort_id, 0), pattern.replace("{N}", r"(\d+)"))
    assert cohort.size == int(size)
    assert cohort.disease == "juvenile-dermatomyositis"


def test_cmas_improvers_cohort_is_the_seven(corpus: Corpus) -> None:
    (word,) = read(quote_text(corpus, "DI21-cmas-improved", 0), r"(\w+) cases improved")
    assert corpus.cohorts["DI21-cmas-improved"].size == WORDS[word]


def test_sub_cohorts_add_up(corpus: Corpus) -> None:
    """The weight groups partition the series; the muscle subgroups fit inside the weak group."""
    size = {k: c.size for k, c in corpus.cohorts.items() if corpus.source_of[k] == PAPER}
    assert size["DI21-lt25kg"] + size["DI21-ge25kg"] == size["DI21"]
    assert corpus.claims["DI21-C050"].n + corpus.claims["DI21-C052"].n + corpus.claims["DI21-C055"].n == size["DI21-weak"]
    assert corpus.claims["DI21-C020"].n + corpus.claims["DI21-C021"].n == size["DI21"]
    assert corpus.claims["DI21-C023"].n + corpus.claims["DI21-C024"].n == size["DI21"]


# --- patients ----------------------------------------------------------------------------


def test_figure_1_girl(corpus: Corpus) -> None:
    girl = corpus.patients["DI21-P-fig1"]
    caption = quote_text(corpus, "DI21-P-fig1", 0)
    assert "a girl" in caption and girl.sex == "F"
    low, high = read(caption, rf"initial dose of {NUM} mg twice daily .* maximum dose of {NUM} mg twice daily")
    assert girl.dose is not None
    assert (girl.dose.min, girl.dose.max) == (Decimal(low), Decimal(high))
    assert girl.dose.frequency == "twice daily" and girl.dose.unit == "mg"
    (weight,) = read(caption, rf">\s?{NUM} kg")
    ge25 = corpus.cohorts[girl.cohort]
    assert girl.cohort == "DI21-ge25kg" and "25 kg or more" in ge25.label and Decimal(weight) >= 25
    assert girl.drugs == ["jak-inhibitor"]
    assert "glucocorticoids were also tapered" in quote_text(corpus, "DI21-P-fig1", 2)
    assert "corticosteroids" in girl.previous_treatments
    assert "growth rate" in quote_text(corpus, "DI21-P-fig1", 2)


@pytest.mark.parametrize(("patient_id", "which"), [("DI21-P-ldh1", 0), ("DI21-P-ldh2", 1)])
def test_ldh_patients(corpus: Corpus, patient_id: str, which: int) -> None:
    patient = corpus.patients[patient_id]
    pairs = re.findall(rf"from {NUM} to {NUM} U/L", quote_text(corpus, patient_id, 0))
    before, after = pairs[which]
    values = {m.time: m for m in patient.measurements}
    assert values["baseline"].value == Decimal(before) and values["baseline"].instrument == "ldh-measurement"
    assert values["last_follow_up"].value == Decimal(after) and values["last_follow_up"].unit == "U/L"
    claim = next(c for c in corpus.claims.values() if c.population == patient_id)
    assert (claim.baseline.value, claim.followup.value) == (Decimal(before), Decimal(after))
    assert claim.direction == "worsened"


def test_relapse_patient(corpus: Corpus) -> None:
    text = quote_text(corpus, "DI21-P-relapse", 0)
    gone, back, stop = (Decimal(x) for x in read(text, rf"after {NUM} weeks of JAKi but recurred {NUM} weeks later and JAKi was stopped at {NUM} weeks"))
    claims = [c for c in corpus.claims.values() if c.population == "DI21-P-relapse"]
    by_direction = {c.direction: c for c in claims}
    assert by_direction["resolved"].time_to_effect.value == gone
    assert by_direction["worsened"].time_to_effect.value == back
    assert by_direction[None].follow_up_duration.value == stop
    assert all(c.time_to_effect is None or c.time_to_effect.unit == "wk" for c in claims)


# --- safety: events looked for and not seen ----------------------------------------------

SAFETY = [
    ("DI21-C061", "Epstein-Barr virus", "MONDO:0005111"),
    ("DI21-C062", "cytomegalovirus", "MONDO:0005132"),
    ("DI21-C063", "varicella-zoster virus", "MONDO:0005608"),
    ("DI21-C064", "tuberculosis", "MONDO:0018076"),
    ("DI21-C065", "thromboembolic", "HP:0001907"),
    ("DI21-C070", "no obvious side effects", "MESH:D064420"),
]


@pytest.mark.parametrize(("claim_id", "words", "curie"), SAFETY, ids=[s[0] for s in SAFETY])
def test_events_not_seen(corpus: Corpus, dataset, claim_id: str, words: str, curie: str) -> None:
    claim = corpus.claims[claim_id]
    text = quote_text(corpus, claim_id, 0)
    assert words in text and re.search(r"\b(no|No)\b", text)
    # "no increase in the infection rates" is a rate that did not rise (unchanged), not "no infection" (issue 11)
    expected = "unchanged" if "no increase in the infection rates" in text else "not_observed"
    assert claim.predicate == "has_adverse_event" and claim.negated and claim.direction == expected
    entity = corpus.resolve(claim.object)
    assert entity is not None and entity.curie == curie and entity.verified
    # In the graph: the claim node says negated, and the plain triple is not asserted.
    assertion = dataset.graph(URIRef(f"{JAKDM}np/{claim_id}#assertion"))
    node = URIRef(f"{JAKDM}claim/{claim_id}")
    assert (node, JAKKG.negated, Literal(True)) in assertion
    drug, event = URIRef(expand(corpus.resolve(claim.subject).curie)), URIRef(expand(curie))
    assert not list(assertion.triples((drug, None, event)))


# --- curation policy ---------------------------------------------------------------------


def test_unlabelled_spreads_are_q1_q3_and_say_so(corpus: Corpus) -> None:
    """The paper's unlabelled "median (a-b)" are recorded as q1/q3, each with a note; "range" as min/max."""
    seen = 0
    for claim in corpus.claims.values():
        if corpus.source_of[claim.id] != PAPER:
            continue
        text = " ".join(quote_text(corpus, claim.id, i) for i in range(len(claim.quote)))
        stats = [getattr(claim, f) for f in ("value", "baseline", "followup", "follow_up_duration", "time_to_effect")]
        for stat in filter(None, stats):
            if stat.q1 is not None:
                seen += 1
                assert "range" not in text, f"{claim.id}: the paper says range, use min/max"
                assert claim.note and "q1/q3" in claim.note, f"{claim.id}: say why q1/q3 in the note"
            if stat.min is not None and stat.max is not None and stat.median is not None:
                assert "range" in text, f"{claim.id}: a median with min/max needs the paper's 'range'"
    assert seen >= 5


def test_every_claim_of_paper_004_is_numbered_in_order(corpus: Corpus) -> None:
    ids = [c.id for c in sorted(corpus.claims.values(), key=lambda c: c.line) if corpus.source_of[c.id] == PAPER]
    assert ids == [f"DI21-C{i:03d}" for i in range(1, len(ids) + 1)]
    starts = [corpus.quotes[(cid, 0)].start for cid in ids]
    # Text order. One step back is allowed: the Figure 1 caption splits the sentence
    # "Ninety-six per cent (24/25) had rash when / JAKi was added", so the first rash-outcome
    # claim after the caption claims starts before the caption.
    assert sum(a > b for a, b in pairwise(starts)) <= 1


def test_attributed_claims_name_studies_the_paper_cites(corpus: Corpus) -> None:
    cited = {"bohan-1975": "Bohan", "bellutti-enders-2017": "Bellutti Enders",
             "papadopoulou-2019": "Papadopoulou", "aeschlimann-2018": "Aeschlimann"}
    seed = plain((corpus.sources_dir / corpus.papers[PAPER].seed).read_text(encoding="utf-8"))
    references = seed[seed.index("REFERENCES"):]
    attributed = {c.attributed_to for c in corpus.claims.values() if corpus.source_of[c.id] == PAPER and c.attributed_to}
    assert attributed == set(cited)
    for study in attributed:
        assert cited[study] in references
