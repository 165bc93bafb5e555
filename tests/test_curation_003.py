"""Paper 003 (Mastrolia et al., baricitinib in refractory JDM with calcinosis) against its text.

The build already checks that every quote is in the paper. These tests check
that the numbers a claim carries are the numbers printed in its own quote
(read out of the located quote text with a regular expression, never typed
here), that the case-report patient record matches the paper, that the
results the letter reports from other studies are attributed to them, and
that the built graph carries the negations and statistics end to end.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Dataset, Namespace, URIRef

from jakkg.load import Corpus
from jakkg.model import Claim, check_time_point

PAPER = "mastrolia"
SEED = "003_b0a1c8a39bb6b0ac.txt"
JAKKG = Namespace("https://w3id.org/jakkg/vocab/")
JAKDM = "https://w3id.org/jakkg/jakdm/"
WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "nine": 9}


def number(text: str) -> Decimal:
    """A number as printed: digits, or a small number written as a word."""
    return Decimal(WORD_NUMBERS[text.lower()]) if text.lower() in WORD_NUMBERS else Decimal(text)


def months(text: str) -> str:
    """Months as the model stores them: canonical xsd:duration (27 months is P2Y3M)."""
    return check_time_point(f"P{int(number(text))}M")


def weeks(text: str) -> str:
    """Weeks as the model stores them: xsd:duration has no weeks, so P9W is kept as P63D."""
    return check_time_point(f"P{int(number(text))}W")


def field(record: Any, path: str) -> Any:
    """Follow a dotted attribute path (``followup.out_of``) through a record."""
    for part in path.split("."):
        record = getattr(record, part)
    return record


# claim id, quote index, pattern over the quote's located text,
# {group: (field path, conversion from the printed text)}
NUMBER_CASES: list[tuple[str, int, str, dict[str, tuple[str, Callable[[str], Any]]]]] = [
    ("MA-C008", 0, r"scores were (?P<v>\d+)/(?P<o>\d+) and", {"v": ("value.value", number), "o": ("value.out_of", number)}),
    ("MA-C009", 0, r"and (?P<v>\d+)/(?P<o>\d+), respectively", {"v": ("value.value", number), "o": ("value.out_of", number)}),
    ("MA-C010", 0, r"\((?P<v>\d+) IU/L\)", {"v": ("value.value", number)}),
    ("MA-C016", 0, r"(?P<n>\d+) steroid pulses \(methylprednisolone (?P<d>\d+) g/day\)",
     {"n": ("value.value", number), "d": ("dose.value", number)}),
    ("MA-C018", 0, r"methotrexate \((?P<d>\d+) mg/m", {"d": ("dose.value", number)}),
    ("MA-C019", 0, r"Over the next (?P<y>\w+) years", {"y": ("follow_up_duration.value", number)}),
    ("MA-C038", 0, r"up to (?P<d>\d+) mg per day", {"d": ("dose.max", number)}),
    ("MA-C039", 0, r"prednisone dose \((?P<d>[\d.]+) mg/kg/day\)", {"d": ("dose.value", number)}),
    ("MA-C040", 0, r"After (?P<w>\d+) weeks", {"w": ("time_to_effect.value", number), "w2": ("time_point", weeks)}),
    ("MA-C041", 0, r"After (?P<w>\d+) weeks.*MMT score (?P<v>\d+)/(?P<o>\d+)",
     {"w": ("time_point", weeks), "v": ("value.value", number), "o": ("value.out_of", number)}),
    ("MA-C042", 0, r"suspension after (?P<w>\d+) weeks", {"w": ("time_to_effect.value", number), "w2": ("time_point", weeks)}),
    ("MA-C044", 0, r"performed (?P<m>\d+) months after.*inflammation degree \((?P<f>\d+)/(?P<fo>\d+) vs\. (?P<b>\d+)/(?P<bo>\d+)\)",
     {"m": ("followup.time", months), "f": ("followup.value", number), "fo": ("followup.out_of", number),
      "b": ("baseline.value", number), "bo": ("baseline.out_of", number)}),
    ("MA-C045", 0, r"performed (?P<m>\d+) months after.*muscle groups \((?P<f>\d+)/(?P<fo>\d+) vs\. (?P<b>\d+)/(?P<bo>\d+)\)",
     {"m": ("time_point", months), "f": ("followup.value", number), "fo": ("followup.out_of", number),
      "b": ("baseline.value", number), "bo": ("baseline.out_of", number)}),
    ("MA-C049", 0, r"At (?P<m>\d+)-month follow-up", {"m": ("follow_up_duration.value", number), "m2": ("time_point", months)}),
    ("MA-C050", 0, r"involving (?P<N>\d+) JDM patients.*median follow-up period of (?P<med>\d+) months",
     {"N": ("N", int), "med": ("follow_up_duration.median", number)}),
    ("MA-C051", 0, r"reported that (?P<p>[\d.]+)% improved rash.*median follow-up period of (?P<med>\d+) months",
     {"p": ("percent", number), "med": ("follow_up_duration.median", number)}),  # no N: 65.5% is no k/101
    ("MA-C052", 0, r"involving (?P<N>\d+) JDM.*and (?P<p>[\d.]+)% eliminated glucocorticoids",
     {"N": ("N", int), "p": ("percent", number)}),
]


def expected_values(match: re.Match[str], fields: dict[str, tuple[str, Callable[[str], Any]]]) -> dict[str, Any]:
    """What each field should hold, read from the text (a group ``x2`` reuses group ``x``)."""
    out = {}
    for group, (path, convert) in fields.items():
        printed = match.group(group.rstrip("0123456789") if group not in match.re.groupindex else group)
        out[path] = convert(printed)
    return out


def mismatches(claim: Claim, quote_text: str, pattern: str, fields: dict[str, tuple[str, Callable[[str], Any]]]) -> list[str]:
    """Fields of ``claim`` that differ from the numbers printed in its quote."""
    match = re.search(pattern, " ".join(quote_text.split()), re.DOTALL)
    if match is None:
        return [f"pattern {pattern!r} not found in the quote"]
    return [
        f"{path}: recorded {field(claim, path)!r}, text says {want!r}"
        for path, want in expected_values(match, fields).items()
        if field(claim, path) != want
    ]


@pytest.fixture(scope="module")
def seed_text(seeds_dir: Path) -> str:
    return " ".join((seeds_dir / SEED).read_text(encoding="utf-8").split())


@pytest.fixture(scope="module")
def claims(corpus: Corpus) -> dict[str, Claim]:
    return {cid: c for cid, c in corpus.claims.items() if corpus.source_of[cid] == PAPER}


# -- numbers ---------------------------------------------------------------------------------
@pytest.mark.parametrize("claim_id, index, pattern, fields", NUMBER_CASES, ids=[f"{c[0]}-{'-'.join(c[3])}" for c in NUMBER_CASES])
def test_claim_numbers_are_those_of_its_quote(corpus: Corpus, claims: dict[str, Claim], claim_id: str, index: int, pattern: str, fields: dict) -> None:
    assert mismatches(claims[claim_id], corpus.quotes[(claim_id, index)].exact, pattern, fields) == []


@pytest.mark.parametrize(
    "claim_id, change",
    [
        ("MA-C051", {"percent": Decimal("65.0")}),
        ("MA-C052", {"N": 48}),  # 19/48 is 39.6% too, but the text says 101
        ("MA-C041", {"time_point": "P8W"}),
        ("MA-C038", {"dose": {"max": 4, "unit": "mg/d"}}),
    ],
)
def test_number_check_catches_a_wrong_number(corpus: Corpus, claims: dict[str, Claim], claim_id: str, change: dict) -> None:
    """The checker above must fail on a mis-curated copy of a correct claim."""
    case = next(c for c in NUMBER_CASES if c[0] == claim_id)
    data = claims[claim_id].model_dump() | change
    wrong = Claim.model_validate(data)
    assert mismatches(wrong, corpus.quotes[(claim_id, case[1])].exact, case[2], case[3]) != []


def test_number_cases_cover_enough_claims() -> None:
    assert len({c[0] for c in NUMBER_CASES}) >= 8


def test_claims_are_numbered_in_text_order(corpus: Corpus, claims: dict[str, Claim]) -> None:
    every = sorted(claims, key=lambda cid: int(cid.split("-C")[1]))
    assert every == [f"MA-C{i:03d}" for i in range(1, len(every) + 1)]
    ids = [cid for cid in every if int(cid.split("-C")[1]) <= 60]  # MA-C061 on were added by the audit of issue 11
    starts = [corpus.quotes[(cid, 0)].start for cid in ids]
    assert starts == sorted(starts), "claim numbers should follow the order of their quotes in the text"


# -- the case-report patient -------------------------------------------------------------------
# entity key -> how the text names it
PATIENT_DRUGS = {
    "previous_treatments": {
        "methylprednisolone": "methylprednisolone",
        "corticosteroids": "oral steroids",
        "methotrexate": "methotrexate",
        "ivig": "intravenous immunoglobulins",
        "mycophenolate-mofetil": "mycophenolate mofetil",
        "abatacept": "abatacept",
        "infliximab": "infliximab",
        "rituximab": "rituximab",
    },
    "drugs": {"baricitinib": "baricitinib", "prednisone": "prednisone"},
}


def test_patient_demographics_match_the_text(corpus: Corpus, seed_text: str) -> None:
    patient = corpus.patients["MA-P1"]
    age = re.search(r"at the age of (\d+) years", seed_text)
    assert age and patient.age_years == Decimal(age.group(1))
    assert "in a girl affected by" in seed_text and patient.sex == "F"
    assert "anti-NXP2" in seed_text and patient.autoantibodies == ["MORC3"]
    assert patient.disease == "juvenile-dermatomyositis" and "juvenile dermatomyositis (JDM)" in seed_text
    assert corpus.cohorts[patient.cohort].size == 1


@pytest.mark.parametrize("field_name", sorted(PATIENT_DRUGS))
def test_patient_drugs_match_the_text(corpus: Corpus, seed_text: str, field_name: str) -> None:
    patient = corpus.patients["MA-P1"]
    expected = PATIENT_DRUGS[field_name]
    assert sorted(getattr(patient, field_name)) == sorted(expected)
    missing = [name for name in expected.values() if name not in seed_text]
    assert missing == []


def test_patient_dose_matches_the_text(corpus: Corpus, seed_text: str) -> None:
    dose = corpus.patients["MA-P1"].dose
    printed = re.search(r"escalated dose, up to (\d+) mg per day", seed_text)
    assert printed and dose is not None and dose.max == Decimal(printed.group(1)) and dose.unit == "mg/d"


@pytest.mark.parametrize(
    "instrument, time, pattern",
    [
        ("mmt8", "baseline", r"scores were (?P<v>\d+)/(?P<o>\d+) and \d+/\d+, respectively"),
        ("cmas", "baseline", r"scores were \d+/\d+ and (?P<v>\d+)/(?P<o>\d+), respectively"),
        ("mmt8", "P63D", r"MMT score (?P<v>\d+)/(?P<o>\d+)"),
        ("wbmri-muscle-inflammation-score", "P6M", r"inflammation degree \((?P<v>\d+)/(?P<o>\d+) vs\."),
        ("wbmri-muscle-inflammation-score", "baseline", r"inflammation degree \(\d+/\d+ vs\. (?P<v>\d+)/(?P<o>\d+)\)"),
        ("wbmri-involved-muscle-groups", "P6M", r"muscle groups \((?P<v>\d+)/(?P<o>\d+) vs\."),
        ("wbmri-involved-muscle-groups", "baseline", r"muscle groups \(\d+/\d+ vs\. (?P<v>\d+)/(?P<o>\d+)\)"),
        ("creatine-kinase-measurement", "baseline", r"elevated \((?P<v>\d+) IU/L\)"),
    ],
)
def test_patient_measurements_match_the_text(corpus: Corpus, seed_text: str, instrument: str, time: str, pattern: str) -> None:
    found = [m for m in corpus.patients["MA-P1"].measurements if m.instrument == instrument and m.time == time]
    assert len(found) == 1
    printed = re.search(pattern, seed_text)
    assert printed is not None
    assert found[0].value == Decimal(printed.group("v"))
    if "o" in printed.groupdict():
        assert found[0].out_of == Decimal(printed.group("o"))


def test_huang_cohort_size_matches_the_text(corpus: Corpus, seed_text: str) -> None:
    printed = re.search(r"retrospective study involving (\d+) JDM patients", seed_text)
    cohort = corpus.cohorts["MA-HU22"]
    assert printed and cohort.size == int(printed.group(1)) and cohort.attributed_to == "huang-2022"


# -- attribution, safety, hedging ------------------------------------------------------------
def _between(text: str, start: str, end: str) -> tuple[int, int]:
    return text.index(start), text.index(end)


def test_claims_from_the_huang_paragraph_are_attributed(corpus: Corpus, claims: dict[str, Claim], seeds_dir: Path) -> None:
    """Everything quoted between 'Recently, a retrospective study' and 'Our patient' is another group's result."""
    raw = (seeds_dir / SEED).read_text(encoding="utf-8")
    lo, hi = _between(raw, "Recently, a retrospective study", "Our patient, also anti-NXP2")
    inside = [cid for cid in claims if lo <= corpus.quotes[(cid, 0)].start < hi]
    assert len(inside) >= 5
    # "(2-5)" cites Huang, Kim, Le Voyer and Paik jointly: one claim per study (issue 11).
    joint = {"huang-2022", "kim-2021", "le-voyer-2021", "paik-2022"}
    assert all(claims[cid].attributed_to == "huang-2022" or (claims[cid].attributed_to in joint and "(2-5)" in claims[cid].quote[0]) for cid in inside)
    outside_case = [cid for cid in claims if corpus.quotes[(cid, 0)].start < raw.index("Since JDM may be considered")]
    assert all(claims[cid].attributed_to is None for cid in outside_case)


def test_cited_interferonopathy_rationale_is_attributed_and_hedged(corpus: Corpus, claims: dict[str, Claim]) -> None:
    cited = [cid for cid in claims if "acquired interferonopathy" in corpus.quotes[(cid, 0)].exact]
    assert len(cited) == 4  # JDM as interferonopathy + IFN signature in muscle, blood, skin
    assert {claims[c].attributed_to for c in cited} == {"baechler-2007"}
    assert {claims[c].object for c in cited if claims[c].predicate == "activated_in"} == {"skeletal-muscle-tissue", "blood", "skin-of-body"}
    # "acquired interferonopathy": type I IFN signalling contributes to JDM, speculative; not MONDO's
    # genetic "type 1 interferonopathy" group (issue 11).
    jdm = [claims[c] for c in cited if claims[c].object == "juvenile-dermatomyositis"]
    assert [(c.subject, c.predicate, c.hedging) for c in jdm] == [("type-i-interferon-signalling", "contributes_to", "speculative")]


def test_events_reported_absent_are_negated(corpus: Corpus, claims: dict[str, Claim]) -> None:
    absent = [cid for cid in claims if re.match(r"No (serious )?adverse events", corpus.quotes[(cid, 0)].exact)]
    assert len(absent) == 3
    for cid in absent:
        assert claims[cid].predicate == "has_adverse_event"
        assert claims[cid].negated and claims[cid].direction == "not_observed"


def test_steroid_side_effects_are_observed_not_negated(claims: dict[str, Claim]) -> None:
    events = {c.object for c in claims.values() if c.subject == "corticosteroids" and c.predicate == "has_adverse_event"}
    assert events == {"cortical-cataract", "osteoporosis"}
    assert all(not c.negated for c in claims.values() if c.subject == "corticosteroids")


def test_every_body_sentence_is_claimed_or_skipped(corpus: Corpus, seeds_dir: Path) -> None:
    """Coverage: each sentence of the letter body is mostly covered by a claim quote or a skipped entry."""
    path = (seeds_dir / SEED).resolve()
    from jakkg.quotes import paper_text

    text = paper_text(path)
    spans = [(m.start, m.end) for (rid, _), m in corpus.quotes.items() if corpus.source_of.get(rid) == PAPER]
    for skip in corpus.skipped[PAPER]:
        for quote in skip.quote:
            found = text.find(quote)
            assert found is not None
            spans.append((found.start, found.end))
    body_start = text.text.index("we report the efficacy")
    body_end = text.text.index("M.V. MASTROLIA")
    uncovered = []
    for m in re.finditer(r"[^.]+?(?:\.(?=\s)|$)", text.text[body_start:body_end], re.DOTALL):
        a, b = body_start + m.start(), body_start + m.end()
        if len(m.group().strip()) < 20:
            continue
        covered = sum(max(0, min(b, e) - max(a, s)) for s, e in spans)
        if covered < 0.6 * (b - a):
            uncovered.append(" ".join(m.group().split())[:80])
    assert uncovered == []


# -- end to end: the built graph ---------------------------------------------------------------
@pytest.fixture(scope="module")
def graph(built: Path) -> Dataset:
    ds = Dataset()
    ds.parse(built / "jakdm.trig", format="trig")
    return ds


def _assertion(ds: Dataset, claim_id: str):
    return ds.graph(URIRef(f"{JAKDM}np/{claim_id}#assertion"))


def test_built_graph_does_not_assert_negated_events(graph: Dataset, corpus: Corpus) -> None:
    g = _assertion(graph, "MA-C048")
    claim = URIRef(f"{JAKDM}claim/MA-C048")
    subject, predicate, obj = (g.value(claim, URIRef(f"http://www.w3.org/1999/02/22-rdf-syntax-ns#{p}")) for p in ("subject", "predicate", "object"))
    assert None not in (subject, predicate, obj)
    assert (subject, predicate, obj) not in g
    assert str(g.value(claim, JAKKG.negated)).lower() == "true"
    # and a plain claim's triple is asserted
    g2 = _assertion(graph, "MA-C021")
    c2 = URIRef(f"{JAKDM}claim/MA-C021")
    triple = tuple(g2.value(c2, URIRef(f"http://www.w3.org/1999/02/22-rdf-syntax-ns#{p}")) for p in ("subject", "predicate", "object"))
    assert triple in g2


def test_built_graph_carries_mri_before_and_after(graph: Dataset) -> None:
    rows = list(graph.query(
        """
        PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
        SELECT ?b ?bo ?f ?fo WHERE {
          GRAPH ?g {
            <https://w3id.org/jakkg/jakdm/claim/MA-C044> jakkg:baseline ?bn ; jakkg:followUpValue ?fn .
            ?bn jakkg:singleValue ?b ; jakkg:outOf ?bo .
            ?fn jakkg:singleValue ?f ; jakkg:outOf ?fo .
          }
        }
        """
    ))
    assert [tuple(Decimal(str(x)) for x in r) for r in rows] == [(Decimal(48), Decimal(84), Decimal(19), Decimal(84))]


def test_built_graph_attributes_huang_results(graph: Dataset) -> None:
    rows = {str(r[0]).rsplit("/", 1)[-1] for r in graph.query(
        """
        PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
        SELECT ?c WHERE { GRAPH ?g { ?c jakkg:attributedTo <https://w3id.org/jakkg/jakdm/study/huang-2022> } }
        """
    )}
    assert {"MA-C050", "MA-C051", "MA-C052", "MA-C053", "MA-C054"} <= rows
