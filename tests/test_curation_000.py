"""Paper 000 (Allenbach et al. 2019, reply letter on Papadopoulou et al. 2019) against its text.

The build already checks that every quote is in the letter; these tests check
that what the claims *say* is what the quoted text says. Expected numbers,
drug targets, drug lists and negations are read from the seed text itself
(regular expressions over the matched quote or the whole letter), never
typed into the test, so a claim that drifts from the letter fails here.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, Dataset, URIRef

from jakkg.build import claim_iri, part_iri
from jakkg.identifiers import DATA, VOCAB, expand
from jakkg.load import Corpus
from tests.conftest import copy_data, run_cli

PAPER = "allenbach-2019"
PREFIX = "AL19-"
SEED = "000_318a5eed6a80bcdd.txt"
WORD_NUMBERS = {"second": 2, "both": 2}  # number words the letter uses for counts
WORD_PERCENTS = {"half": 50, "all": 100}


# -- helpers ----------------------------------------------------------------
def flat(text: str) -> str:
    """The letter's text without PDF markup, on one line (as the quote matcher sees words)."""
    return re.sub(r"\s+", " ", re.sub(r"[*$#]", "", text)).strip()


def quote(corpus: Corpus, record_id: str, i: int = 0) -> str:
    """The text a record's i-th quote matched in the letter (not the curator's copy)."""
    return flat(corpus.quotes[(record_id, i)].exact)


def one(pattern: str, text: str) -> re.Match[str]:
    m = re.search(pattern, text)
    assert m, f"pattern {pattern!r} not found in {text!r}"
    return m


def words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"[a-z0-9]+", text.lower()))


def entity_key_for(corpus: Corpus, name: str) -> str:
    """The entity a drug name of the letter denotes: same words as its key, label or a synonym."""
    target = words(name)
    hits = {
        key
        for key, ent in corpus.entities.items()
        if target in {words(key.replace("-", " ")), words(ent.label), *(words(s) for s in ent.synonyms)}
    }
    assert len(hits) == 1, f"{name!r} names {sorted(hits) or 'no entity'}"
    return hits.pop()


def split_list(text: str) -> list[str]:
    """'a, b and c' -> ['a', 'b', 'c']."""
    return [p.strip() for p in re.split(r",\s*|\s+and\s+", text) if p.strip()]


@pytest.fixture(scope="module")
def letter(seeds_dir: Path) -> str:
    return flat((seeds_dir / SEED).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def claims(corpus: Corpus):
    return {cid: c for cid, c in corpus.claims.items() if corpus.source_of[cid] == PAPER}


# -- the file as a whole --------------------------------------------------------
RETIRED = {50, 51}  # AL19-C050, C051 (JAK2 -> IL-2, IL-4) removed in the audit of issue 11; ids are never reused


def test_every_claim_of_the_letter_has_its_prefix_and_the_ids_follow_the_text(corpus: Corpus, claims) -> None:
    assert len(claims) >= 60
    assert all(cid.startswith(PREFIX + "C") for cid in claims)
    ordered = sorted(claims, key=lambda cid: int(cid.rsplit("C", 1)[1]))
    numbers = [int(cid.rsplit("C", 1)[1]) for cid in ordered]
    assert numbers == [i for i in range(1, len(ordered) + len(RETIRED) + 1) if i not in RETIRED]
    starts = [corpus.quotes[(cid, 0)].start for cid in ordered]
    assert starts == sorted(starts), "claim ids must be numbered in the order of the letter"


def test_every_sentence_of_the_letter_body_is_claimed_or_skipped(corpus: Corpus, claims, letter: str) -> None:
    body = one(r"Sir, (.*?) Data availability (.*?) Competing interests (.*?) References", letter)
    covered = [flat(q.exact) for (rid, _), q in corpus.quotes.items() if corpus.source_of.get(rid) == PAPER]
    covered += [flat(q) for s in corpus.skipped.get(PAPER, []) for q in s.quote]
    for part in body.groups():
        for sentence in re.split(r"(?<=[a-z0-9)]\.) (?=[A-Z])", part):
            assert any(sentence in c or c in sentence for c in covered), f"neither claimed nor skipped: {sentence!r}"


# -- numbers -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("claim_id", "pattern"),
    [
        ("AL19-C031", r"All patients \( ?n = (\d+) ?\) met the primary endpoint"),
    ],
)
def test_all_reported_patients_responded(corpus: Corpus, claims, claim_id: str, pattern: str) -> None:
    n = int(one(pattern, quote(corpus, claim_id)).group(1))
    assert (claims[claim_id].n, claims[claim_id].N) == (n, n)


def test_patients_who_improved_are_counted_not_n_of_n(corpus: Corpus, claims) -> None:
    """'patients (n = 17) who improved' counts the improved: the cohort's size, not 17 of 17."""
    n = int(one(r"patients \( ?n = (\d+) ?\) who improved", quote(corpus, "AL19-C026")).group(1))
    claim = claims["AL19-C026"]
    assert (claim.n, claim.N) == (None, None)
    assert corpus.cohorts[claim.population].size == n


def test_half_of_the_tofacitinib_patients_had_a_moderate_acr_eular_response(corpus: Corpus, claims) -> None:
    text = quote(corpus, "AL19-C032")
    n = int(one(r"\( ?n = (\d+) ?\)", text).group(1))
    share = one(r"and (\w+) of them demonstrated a moderate improvement", text).group(1)
    claim = claims["AL19-C032"]
    assert corpus.cohorts[claim.population].size == n
    assert claim.percent == Decimal(WORD_PERCENTS[share])
    assert claim.n is None and claim.N is None, "half of an odd number is no whole count, so 50% is not k/N"
    assert claim.instrument == "acr-eular-myositis-response-criteria"


def test_two_published_jdm_cases(corpus: Corpus, claims) -> None:
    ordinal = one(r"This is the (\w+) report of a JDM case", quote(corpus, "AL19-C021", 0)).group(1)
    assert "no other published cases" in quote(corpus, "AL19-C021", 1)
    assert claims["AL19-C021"].value.value == WORD_NUMBERS[ordinal]


@pytest.mark.parametrize(("cohort_id", "i"), [("AL19-ALL18", 0), ("AL19-PAIK18", 1)])
def test_cohort_sizes(corpus: Corpus, cohort_id: str, i: int) -> None:
    n = int(one(r"\( ?n = (\d+) ?\)", quote(corpus, cohort_id, i)).group(1))
    assert corpus.cohorts[cohort_id].size == n


# -- mechanism: drug targets and the signals the JAKs carry ----------------------------
@pytest.mark.parametrize(
    ("drug", "pattern"),
    [
        ("baricitinib", r"\(JAK([\d/]+)\) inhibitor \(baricitinib\)"),
        ("ruxolitinib", r"ruxolitinib, another JAK([\d/]+) inhibitor"),
        ("tofacitinib", r"tofacitinib \(JAK([\d/]+) inhibitor\)"),
    ],
)
def test_one_inhibits_claim_per_drug_target_pair(corpus: Corpus, claims, letter: str, drug: str, pattern: str) -> None:
    phrase = one(pattern, letter)
    expected = {f"JAK{d}" for d in phrase.group(1).split("/")}
    found = {cid: c.object for cid, c in claims.items() if c.subject == drug and c.predicate == "inhibits"}
    assert set(found.values()) == expected
    assert len(found) == len(expected), "one claim per target"
    for cid in found:
        assert phrase.group(0) in quote(corpus, cid)


def test_tofacitinib_is_a_jak1_2_3_inhibitor_in_this_letter(claims) -> None:
    """Papers disagree on tofacitinib's targets; this letter's side must stay JAK1, JAK2 and JAK3."""
    targets = {c.object for c in claims.values() if c.subject == "tofacitinib" and c.predicate == "inhibits"}
    assert targets == {"JAK1", "JAK2", "JAK3"}


def test_jak1_and_jak2_carry_the_named_interleukins(corpus: Corpus, claims, letter: str) -> None:
    m = one(r"JAK (\d) and (\d) proteins are involved in signalling of other cytokines other than IFN "
            r"\(e\.g\. IL-(\d+), IL-(\d+) or IL-(\d+)\)", letter)
    named = {(f"JAK{j}", f"interleukin-{il}-mediated signaling pathway") for j in m.groups()[:2] for il in m.groups()[2:]}
    # Only the pairs that hold are kept: IL-2 and IL-4 signal through JAK1/JAK3, not JAK2 (issue 11).
    expected = named - {("JAK2", "interleukin-2-mediated signaling pathway"), ("JAK2", "interleukin-4-mediated signaling pathway")}
    found = {
        (c.subject, corpus.entities[c.object].label)
        for cid, c in claims.items()
        if c.predicate == "involved_in" and "interleukin" in corpus.entities[c.object].label
    }
    assert found == expected


def test_the_jak_family_carries_cytokine_and_growth_factor_signals(claims, letter: str) -> None:
    members = one(r"the JAK family \(encompassing JAK (\d), (\d) and (\d)\)", letter).groups()
    for process in ("cytokine-mediated-signalling", "cellular-response-to-growth-factor-stimulus"):
        genes = {c.subject for c in claims.values() if c.predicate == "involved_in" and c.object == process}
        assert genes == {f"JAK{d}" for d in members}


def test_jak2_transduces_growth_hormone_signal(corpus: Corpus, claims) -> None:
    claim = claims["AL19-C058"]
    assert (claim.subject, claim.predicate, claim.object) == ("JAK2", "involved_in", "growth-hormone-receptor-signalling")
    assert "JAK2 also transduces growth hormone signal" in quote(corpus, "AL19-C058")


def test_jak1_mediates_ifn_signalling_leading_to_stat1_phosphorylation(corpus: Corpus, claims) -> None:
    text = quote(corpus, "AL19-C043")
    assert "JAK1 proteins mediate intracellular signalling from IFN transmembrane receptor, leading to STAT1 phosphorylation" in text
    objects = {c.object for c in claims.values() if c.subject == "JAK1" and c.predicate == "involved_in" and flat(c.quote[0]) in text}
    assert {"interferon-signalling", "stat1-phosphorylation"} <= objects


@pytest.mark.parametrize(
    ("claim_id", "object_", "phrase"),
    [
        ("AL19-C045", "response-to-type-i-interferon", "IFN stimulated gene expression significantly decreased"),
        ("AL19-C046", "stat1-phosphorylation", "as well as STAT1 phosphorylation"),
    ],
)
def test_baricitinib_lowered_ifn_biomarkers(corpus: Corpus, claims, claim_id: str, object_: str, phrase: str) -> None:
    claim = claims[claim_id]
    assert (claim.subject, claim.predicate, claim.object, claim.direction) == ("baricitinib", "negatively_regulates", object_, "decreased")
    assert phrase in quote(corpus, claim_id)
    assert claim.attributed_to == "papadopoulou-2019"


# -- safety: events looked for and not seen ---------------------------------------------
@pytest.mark.parametrize(
    ("claim_id", "object_", "pattern"),
    [
        ("AL19-C054", "infections", r"did not develop infectious adverse event"),
        ("AL19-C055", "herpes-zoster", r"did not develop infectious adverse event including herpes zoster"),
        ("AL19-C057", "growth-delay", r"the patient growth was normal during baricitinib exposure"),
    ],
)
def test_adverse_events_not_seen_are_negated(corpus: Corpus, claims, claim_id: str, object_: str, pattern: str) -> None:
    claim = claims[claim_id]
    one(pattern, quote(corpus, claim_id))
    assert (claim.subject, claim.predicate, claim.object) == ("baricitinib", "has_adverse_event", object_)
    assert claim.negated and claim.direction == "not_observed"
    assert claim.population == "AL19-PA-P1"


def test_herpes_zoster_specific_to_jak_inhibitors_is_hedged(corpus: Corpus, claims) -> None:
    claim = claims["AL19-C056"]
    assert "which seems specific to JAK inhibitor therapy (Cohen et al., 2014)" in quote(corpus, "AL19-C056")
    assert (claim.subject, claim.object, claim.hedging, claim.negated) == ("jak-inhibitor", "herpes-zoster", "suggested", False)
    assert claim.attributed_to == "cohen-2014"


# -- calcinosis: no progression, but no improvement, in both JDM cases -------------------
def test_calcinosis_in_both_jdm_cases(corpus: Corpus, claims) -> None:
    cases = one(r"in (\w+) cases, JAK inhibitors failed to improve the calcinosis", quote(corpus, "AL19-C068")).group(1)
    failed = {cid: c for cid, c in claims.items() if c.object == "calcinosis" and c.negated}
    stable = {cid: c for cid, c in claims.items() if c.object == "calcinosis" and c.direction == "no_progression"}
    assert len(failed) == len(stable) == WORD_NUMBERS[cases]
    assert {c.population for c in failed.values()} == {c.population for c in stable.values()} == {"AL19-PA-P1", "AL19-AE-P1"}
    for cid, c in failed.items():
        assert c.direction == "unchanged" and c.predicate == "ameliorates"
        assert "failed to improve the calcinosis" in quote(corpus, cid)
    for cid, c in stable.items():
        assert not c.negated
        assert "absence of progression of calcification" in quote(corpus, cid)
    # each case keeps its own drug: the patient's record says which JAK inhibitor it got
    for c in [*failed.values(), *stable.values()]:
        assert c.subject in corpus.patients[c.population].drugs


# -- patients ------------------------------------------------------------------------
def test_papadopoulou_patient_record(corpus: Corpus, claims) -> None:
    patient = corpus.patients["AL19-PA-P1"]
    s1, s3 = quote(corpus, "AL19-PA-P1", 0), quote(corpus, "AL19-PA-P1", 1)
    lists = one(r"immunosuppressants \(([^)]*)\), biological agents \(([^)]*)\) and (intravenous immunoglobulins)", s1).groups()
    expected = {entity_key_for(corpus, name) for part in lists for name in split_list(part)}
    assert set(patient.previous_treatments) == expected and len(patient.previous_treatments) == len(expected) == 10
    refractory = {c.object for c in claims.values() if c.subject == "AL19-PA-P1" and c.predicate == "refractory_to"}
    assert refractory == expected
    current = split_list(one(r"his medications \(([^)]*)\)", s3).group(1))
    assert set(patient.drugs) == {entity_key_for(corpus, name) for name in current}
    assert patient.sex == ("M" if re.search(r"\bhis\b", s3) else "F")
    assert patient.age_years is None, "the letter gives no age"
    assert patient.disease == "juvenile-dermatomyositis" and patient.attributed_to == "papadopoulou-2019"


def test_aeschlimann_patient_record(corpus: Corpus) -> None:
    patient = corpus.patients["AL19-AE-P1"]
    drug = one(r"dramatically improved by (\w+), another JAK1/2 inhibitor", quote(corpus, "AL19-AE-P1")).group(1)
    assert patient.drugs == [entity_key_for(corpus, drug)]
    assert patient.sex is None and patient.age_years is None
    assert patient.attributed_to == "aeschlimann-2018"


@pytest.mark.parametrize(("patient_id", "study"), [("AL19-PA-P1", "papadopoulou-2019"), ("AL19-AE-P1", "aeschlimann-2018")])
def test_asserted_results_about_a_reported_patient_credit_its_report(claims, patient_id: str, study: str) -> None:
    about = [c for c in claims.values() if c.population == patient_id and c.hedging == "asserted"]
    assert about
    assert {c.attributed_to for c in about} == {study}


# -- end to end: the command line's output --------------------------------------------
def test_built_nanopublications_of_the_letter(built: Path) -> None:
    ds = Dataset()
    ds.parse(built / "jakdm.trig", format="trig")
    jakkg = lambda name: URIRef(VOCAB + name)
    ro_inhibits = URIRef(expand("RO:0002449"))
    tofacitinib, jak3 = URIRef(expand("CHEBI:71200")), URIRef(expand("HGNC:6193"))
    assertion = ds.graph(part_iri("AL19-C030", "assertion"))
    assert (tofacitinib, ro_inhibits, jak3) in assertion
    # a negated claim keeps its claim node but never the plain triple
    negated = ds.graph(part_iri("AL19-C055", "assertion"))
    baricitinib, zoster = URIRef(expand("CHEBI:95341")), URIRef(expand("MONDO:0005609"))
    assert (claim_iri("AL19-C055"), RDF.subject, baricitinib) in negated
    assert not any(negated.triples((baricitinib, None, zoster)))
    provenance = ds.graph(part_iri("AL19-C055", "provenance"))
    assert (claim_iri("AL19-C055"), jakkg("attributedTo"), URIRef(DATA + "study/papadopoulou-2019")) in provenance


def test_an_edited_target_list_breaks_the_build(tmp_path: Path, seeds_dir: Path) -> None:
    """Someone 'correcting' tofacitinib to JAK1/3 in the quote must be stopped: the letter says JAK1/2/3."""
    data = copy_data(tmp_path)
    claims_file = data / "claims" / "000.yaml"
    text = claims_file.read_text(encoding="utf-8")
    assert "tofacitinib (JAK1/2/3 inhibitor)" in text
    claims_file.write_text(text.replace("tofacitinib (JAK1/2/3 inhibitor)", "tofacitinib (JAK1/3 inhibitor)"), encoding="utf-8")
    out = tmp_path / "build"
    result = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out)
    assert result.exit_code == 1
    assert "000.yaml" in result.output and "AL19-PAIK18" in result.output and "quote not found" in result.output
    assert not (out / "jakdm.trig").exists()
