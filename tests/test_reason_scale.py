"""`jakkg reason` at scale (issue 10, part 4): the whole-graph consistency check stays linear, answers stay the same.

The check used to say "cohorts with different ids are different cohorts"
with one owl:AllDifferent, which HermiT expands to n(n-1)/2 inequalities
(34M at 100k claims: out of heap). It now gives each cohort its own value
of a fresh functional data property (:func:`jakkg.reason.distinct_cohorts`).
These tests hold the new form to the old one: same verdicts on a planted
contradiction that only the distinctness reveals, same outputs as the old
single run on a synthetic corpus, and the old form whenever the property
would not be fresh.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from jakkg import reason
from jakkg.reason import InconsistentGraph, Schema, load_ontology, reason_dataset, reason_file
from tests.conftest import ROOT, run_cli
from tests.test_reason import _bounded_plan, _grown

JAKKG = Namespace("https://w3id.org/jakkg/vocab/")
JAKDM = Namespace("https://w3id.org/jakkg/jakdm/")
OWL = Namespace("http://www.w3.org/2002/07/owl#")


def _two_cohorts(patient_in_both: bool) -> reason.Facts:
    c1, c2, p = JAKDM["cohort/A"], JAKDM["cohort/B"], JAKDM["patient/A1"]
    facts = reason.Facts(individuals={c1, c2, p}, types={(c1, JAKKG.Cohort), (c2, JAKKG.Cohort), (p, JAKKG.Patient)})
    facts.relations = {(p, JAKKG.memberOf, c1)} | ({(p, JAKKG.memberOf, c2)} if patient_in_both else set())
    return facts


def _all_differents(data: bytes) -> int:
    """owl:AllDifferent axioms in an N-Triples input besides the ontology's own (the four JAKs)."""
    return data.count(f"<{OWL.AllDifferent}>".encode()) - 1


def _consistent(facts: reason.Facts, onto: reason.Ontology | None = None) -> tuple[bool, bytes]:
    onto = onto or load_ontology()
    data = reason.hermit_input(reason.background_graph(onto, facts, [], Schema.of(onto)), facts)
    return reason.hermit_consistent_data(data), data


def test_cohort_keys_make_a_patient_in_two_cohorts_a_contradiction(monkeypatch: pytest.MonkeyPatch) -> None:
    """memberOf is functional: a patient in two cohorts makes them equal, which only the distinctness forbids."""
    ok, data = _consistent(_two_cohorts(patient_in_both=False))
    assert ok, "the keys alone must not contradict anything"
    bad, data = _consistent(_two_cohorts(patient_in_both=True))
    assert not bad
    assert data.count(str(reason.COHORT_ID).encode()) == 2 + 3  # one value per cohort, and its three declarations
    assert _all_differents(data) == 0
    monkeypatch.setattr(reason, "UNIQUE_NAMES", "all-different")
    bad, data = _consistent(_two_cohorts(patient_in_both=True))
    assert not bad and _all_differents(data) == 1, "the old form says the same"
    monkeypatch.setattr(reason, "distinct_cohorts", lambda *args: None)
    merged, _ = _consistent(_two_cohorts(patient_in_both=True))
    assert merged, "without the distinctness the two cohorts are merely equal: the check above tests the keys"


def test_an_ontology_that_uses_the_key_property_gets_the_all_different() -> None:
    """The keys are only equivalent when their property is fresh; otherwise the AllDifferent is written."""
    onto = load_ontology()
    onto.graph.add((reason.COHORT_ID, RDF.type, OWL.ObjectProperty))
    bad, data = _consistent(_two_cohorts(patient_in_both=True), onto)
    assert not bad
    assert _all_differents(data) == 1 and f"> <{reason.COHORT_ID}> \"".encode() not in data


def test_a_patient_put_in_a_cohort_of_another_paper_is_found_and_named() -> None:
    """Only visible across two papers: a patient of one copy also in a cohort of another. The bounded plan sees the
    two values of the functional memberOf, gives everything to one run, and the contradiction is named."""
    grown = _grown(2)
    facts = reason.entity_facts(grown, Schema.of(load_ontology()))
    members = [(s, o) for s, p, o in sorted(facts.relations) if p == JAKKG.memberOf]
    (patient, own), other = members[0], next(o for _, o in members if o != members[0][1] and "-k1" in str(o))
    assert "-k1" not in str(patient) and "-k1" not in str(own), "the two cohorts must come from different papers"
    grown.store.add(pyoxigraph.Quad(*map(reason._oxigraph_term, (patient, JAKKG.memberOf, other))))
    with pytest.raises(InconsistentGraph) as info:
        reason_dataset(grown, single=False)
    line = next(ln for ln in info.value.problems if "memberOf" in ln)
    assert str(other).rsplit("/", 1)[-1] in line and str(own).rsplit("/", 1)[-1] in line
    assert "AllDifferent 'cohorts with different ids are different cohorts'" in line


@pytest.fixture(scope="module")
def synthetic_build(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A 1,000-claim corpus from benchmarks/synthetic.py (15 papers, their cohorts and patient tables), built."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import synthetic

    root = tmp_path_factory.mktemp("reason-synthetic")
    synthetic.generate(1000, root / "corpus", seed=0, seeds_dir=seeds_dir)
    result = run_cli("build", "--no-validate", "--data", root / "corpus" / "data", "--sources", root / "corpus" / "sources",
                     "--out", root / "build")
    assert result.exit_code == 0, result.output
    return root / "build" / "jakdm.trig"


def test_synthetic_corpus_reasons_as_the_old_single_run(synthetic_build: Path, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded plan with cohort keys == one run on everything with the AllDifferent (the reference before issue 10),
    byte for byte, on a corpus whose patients and cohorts come from tables and YAML as in real curation."""
    bounded = reason_file(synthetic_build, tmp_path / "bounded", single=False)
    assert len(bounded.runs) == 2, "the bounded plan must be the one tested"
    cohorts = sum(1 for _, c in bounded.facts.types if c == JAKKG.Cohort)
    assert cohorts > 30
    monkeypatch.setattr(reason, "UNIQUE_NAMES", "all-different")
    single = reason_file(synthetic_build, tmp_path / "single", single=True)
    assert len(single.runs) == 1
    for name in (reason.INFERRED_FILE, reason.REASONED_FILE):
        assert (tmp_path / "bounded" / name).read_bytes() == (tmp_path / "single" / name).read_bytes(), name
    assert len(bounded.new) > 500


def test_consistency_input_has_one_key_per_cohort_and_grows_linearly() -> None:
    """Three times the papers, about three times the check's input, and no AllDifferent in it."""
    sizes = []
    for copies in (2, 6):
        facts, plan = _bounded_plan(copies)
        check = plan.runs[0]
        assert check.name == "consistency" and _all_differents(check.data) == 0
        cohorts = sum(1 for _, c in facts.types if c == JAKKG.Cohort)
        assert check.data.count(f"> <{reason.COHORT_ID}> \"".encode()) == cohorts
        sizes.append((cohorts, check.triples))
    (c2, t2), (c6, t6) = sizes
    assert c6 == 3 * c2 and t6 < 3.2 * t2, sizes


def test_keys_are_plain_literals_of_the_cohort_iri() -> None:
    g = Graph()
    reason.distinct_cohorts(g, [JAKDM["cohort/A"], JAKDM["cohort/B"]])
    assert set(g.objects(JAKDM["cohort/A"], reason.COHORT_ID)) == {Literal(str(JAKDM["cohort/A"]))}
    assert (reason.COHORT_ID, RDF.type, OWL.FunctionalProperty) in g
    assert not isinstance(next(iter(g.objects(JAKDM["cohort/B"], reason.COHORT_ID))), URIRef)


def test_reasoned_file_sorted_in_runs_is_the_file_sorted_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """jakdm-reasoned.ttl is sorted in bounded memory at 100k claims (sort(1), or the Python merge of runs without
    it): with the Python merge in runs of 997 triples (about 24 runs, duplicates across runs) the bytes are those
    of sort(1), and each triple is there once."""
    result = reason_dataset(_grown(1), single=True)
    whole = result.reasoned_turtle()
    monkeypatch.setattr(reason, "SORT_RUN", 997)
    monkeypatch.setattr(reason, "SORT_COMMAND", None)
    assert result.reasoned_turtle() == whole
    triples = [q.triple for q in pyoxigraph.parse(whole, format=pyoxigraph.RdfFormat.TURTLE)]
    assert len(triples) == len(set(triples)) > 20 * 997
    assert [str(t) for t in triples] == sorted(map(str, triples))
