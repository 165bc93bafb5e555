"""`jakkg reason`: HermiT on the ontology and the entity-level facts (issue 5).

Most tests run on a copy of data/ plus two claims files (below) whose quotes
are real sentences of papers 000 and 001: the mechanism claims that the
reasoner needs. The real curation of those papers may add more claims; the
assertions hold for any correct curation (supersets, not equalities, where
more data could add more answers). Contradictions are made by editing a
built graph, since data/ cannot express them (the loader refuses them).
"""
from __future__ import annotations

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import RDF, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from jakkg import reason
from jakkg.reason import JAVA_HINT, InconsistentGraph, Schema, entity_facts, load_ontology, reason_dataset, target_profiles
from jakkg.vocab import load_vocabulary
from tests.conftest import SEEDS, copy_data, run_cli

OBO = Namespace("http://purl.obolibrary.org/obo/")
JAKKG = Namespace("https://w3id.org/jakkg/vocab/")
JAKDM = Namespace("https://w3id.org/jakkg/jakdm/")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
HGNC = Namespace("http://identifiers.org/hgnc/")
BARICITINIB, RUXOLITINIB, TOFACITINIB = OBO.CHEBI_95341, OBO.CHEBI_66919, OBO.CHEBI_71200
JAK1, JAK2, JAK3 = HGNC["6190"], HGNC["6192"], HGNC["6193"]
GROWTH_HORMONE, INTERFERON, IL6 = OBO.GO_0060396, OBO.GO_0140888, OBO.GO_0070102
HERPES_ZOSTER = OBO.MONDO_0005609
JAK_CLASSES = {JAKKG[c] for c in ("JAKInhibitor", "JAK1JAK2Inhibitor", "JAK1JAK3Inhibitor", "SelectiveJAK1Inhibitor", "JAK2SparingInhibitor")}

CLAIMS_000 = """\
source: allenbach-2019
curation: {created: 2026-11-21, curators: [jakkg-curation-team]}
claims:
  - {id: RT000-M1, category: mechanism, subject: baricitinib, predicate: inhibits, object: JAK1, quote: "Since baricitinib is a JAK1/2 inhibitor"}
  - {id: RT000-M2, category: mechanism, subject: baricitinib, predicate: inhibits, object: JAK2, quote: "Since baricitinib is a JAK1/2 inhibitor"}
  - {id: RT000-M3, category: mechanism, subject: ruxolitinib, predicate: inhibits, object: JAK1, quote: "ruxolitinib, another JAK1/2 inhibitor"}
  - {id: RT000-M4, category: mechanism, subject: ruxolitinib, predicate: inhibits, object: JAK2, quote: "ruxolitinib, another JAK1/2 inhibitor"}
  - {id: RT000-M5, category: mechanism, subject: tofacitinib, predicate: inhibits, object: JAK1, quote: "tofacitinib (JAK1/2/3 inhibitor)"}
  - {id: RT000-M6, category: mechanism, subject: tofacitinib, predicate: inhibits, object: JAK2, quote: "tofacitinib (JAK1/2/3 inhibitor)"}
  - {id: RT000-M7, category: mechanism, subject: tofacitinib, predicate: inhibits, object: JAK3, quote: "tofacitinib (JAK1/2/3 inhibitor)"}
  - {id: RT000-M8, category: mechanism, subject: JAK2, predicate: involved_in, object: growth-hormone-receptor-signalling, quote: "JAK2 also transduces growth hormone signal"}
  - {id: RT000-M9, category: mechanism, subject: JAK1, predicate: involved_in, object: interferon-signalling, quote: "JAK1 proteins mediate intracellular signalling from IFN transmembrane receptor"}
  - {id: RT000-M10, category: mechanism, subject: JAK1, predicate: involved_in, object: il-6-mediated-signalling, quote: "JAK 1 and 2 proteins are involved in signalling of other cytokines other than IFN (e.g. IL-2, IL-4 or IL-6)"}
  - {id: RT000-M11, category: mechanism, subject: JAK2, predicate: involved_in, object: il-6-mediated-signalling, quote: "JAK 1 and 2 proteins are involved in signalling of other cytokines other than IFN (e.g. IL-2, IL-4 or IL-6)"}
  - id: RT000-S1
    category: safety
    subject: baricitinib
    predicate: has_adverse_event
    object: herpes-zoster
    direction: not_observed
    negated: true
    attributed_to: papadopoulou-2019
    quote: "The patient did not develop infectious adverse event including herpes zoster"
"""
CLAIMS_001 = """\
source: landon-cardinal-2019
curation: {created: 2026-11-21, curators: [jakkg-curation-team]}
claims:
  - {id: RT001-M1, category: mechanism, subject: tofacitinib, predicate: inhibits, object: JAK1, quote: "a Janus Kinase 1 and 3 (JAK 1/3) inhibitor (tofacitinib)"}
  - {id: RT001-M2, category: mechanism, subject: tofacitinib, predicate: inhibits, object: JAK3, quote: "a Janus Kinase 1 and 3 (JAK 1/3) inhibitor (tofacitinib)"}
  - {id: RT001-M3, category: mechanism, subject: JAK2, predicate: involved_in, object: growth-hormone-receptor-signalling, quote: "JAK2 also transduces the growth hormone signals"}
"""


# -- fixtures --------------------------------------------------------------------
@pytest.fixture(scope="module")
def mechanism_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """data/ + the mechanism claims of papers 000 and 001, built and reasoned by the CLI."""
    root = tmp_path_factory.mktemp("reason")
    data = copy_data(root)
    (data / "claims" / "000-reason-test.yaml").write_text(CLAIMS_000, encoding="utf-8")
    (data / "claims" / "001-reason-test.yaml").write_text(CLAIMS_001, encoding="utf-8")
    out = root / "build"
    result = run_cli("build", "--data", data, "--sources", SEEDS, "--out", out)
    assert result.exit_code == 0, result.output
    result = run_cli("reason", "--in", out / "jakdm.trig", "--out", out)
    assert result.exit_code == 0, result.output
    (out / "reason-output.txt").write_text(result.stdout, encoding="utf-8")  # progress goes to stderr
    (out / "reason-progress.txt").write_text(result.stderr, encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def reasoned(mechanism_build: Path) -> Graph:
    return Graph().parse(mechanism_build / "jakdm-reasoned.ttl", format="turtle")


@pytest.fixture(scope="module")
def asserted(mechanism_build: Path) -> Graph:
    return Graph().parse(mechanism_build / "jakdm.ttl", format="turtle")


def jak_classes(g: Graph, drug: URIRef) -> set[URIRef]:
    return set(g.objects(drug, RDF.type)) & JAK_CLASSES


def profile_classes(g: Graph, drug: URIRef, paper: str) -> set[URIRef]:
    rows = g.query(
        """SELECT ?class WHERE { ?p a jakkg:TargetProfile ; jakkg:profileOf ?drug ; dcterms:source ?paper ; jakkg:inferredClass ?class }""",
        initNs={"jakkg": JAKKG, "dcterms": DCTERMS},
        initBindings={"drug": drug, "paper": JAKDM[f"study/{paper}"]},
    )
    return {r[0] for r in rows}


def mutated(build: Path, target: Path, *triples: tuple) -> Path:
    """A copy of the built TriG with extra triples in the shared corpus graph."""
    ds = Dataset()
    ds.parse(build / "jakdm.trig", format="trig")
    corpus = ds.graph(JAKDM["graph/corpus"])
    for t in triples:
        corpus.add(t)
    ds.serialize(target, format="trig")
    return target


# -- inferences on the curated claims ------------------------------------------------
def test_each_drug_gets_its_jak_class(reasoned: Graph, asserted: Graph) -> None:
    expected = {
        BARICITINIB: {JAKKG.JAKInhibitor, JAKKG.JAK1JAK2Inhibitor},
        RUXOLITINIB: {JAKKG.JAKInhibitor, JAKKG.JAK1JAK2Inhibitor},
        TOFACITINIB: {JAKKG.JAKInhibitor, JAKKG.JAK1JAK2Inhibitor, JAKKG.JAK1JAK3Inhibitor},
    }
    for drug, classes in expected.items():
        assert jak_classes(reasoned, drug) >= classes, drug
        assert not jak_classes(asserted, drug), "the JAK classes must come from the reasoner, not the build"
        # open world: the union of all papers never closes a drug's target list
        assert not jak_classes(reasoned, drug) & {JAKKG.SelectiveJAK1Inhibitor, JAKKG.JAK2SparingInhibitor}, drug
    assert (JAK2, RDF.type, JAKKG.JanusKinase) in reasoned


def test_each_drug_gets_the_pathways_of_its_kinases(reasoned: Graph, asserted: Graph) -> None:
    for drug in (BARICITINIB, RUXOLITINIB, TOFACITINIB):
        pathways = set(reasoned.objects(drug, JAKKG.modulatesPathway))
        # JAK2 carries the growth hormone signal: the growth concern in children
        assert {GROWTH_HORMONE, INTERFERON, IL6} <= pathways, drug
        assert (GROWTH_HORMONE, JAKKG.pathwayModulatedBy, drug) in reasoned
        assert not set(asserted.objects(drug, JAKKG.modulatesPathway))
    # the chain needs the kinase: JAK1 carries interferon, not growth hormone, and nothing inhibits only JAK1 here
    assert (JAK1, JAKKG.activityInhibitedBy, BARICITINIB) in reasoned


def test_tofacitinib_class_under_each_papers_target_claims(reasoned: Graph) -> None:
    paper_000 = profile_classes(reasoned, TOFACITINIB, "allenbach-2019")  # "tofacitinib (JAK1/2/3 inhibitor)"
    paper_001 = profile_classes(reasoned, TOFACITINIB, "landon-cardinal-2019")  # "JAK 1/3 inhibitor (tofacitinib)"
    assert {JAKKG.JAKInhibitor, JAKKG.JAK1JAK2Inhibitor, JAKKG.JAK1JAK3Inhibitor} <= paper_000
    assert JAKKG.JAK2SparingInhibitor not in paper_000
    assert {JAKKG.JAKInhibitor, JAKKG.JAK1JAK3Inhibitor, JAKKG.JAK2SparingInhibitor} <= paper_001
    assert JAKKG.JAK1JAK2Inhibitor not in paper_001
    assert JAKKG.SelectiveJAK1Inhibitor not in paper_000 | paper_001
    assert JAKKG.JAK1JAK2Inhibitor in profile_classes(reasoned, BARICITINIB, "allenbach-2019")


def test_command_reports_consistency_and_per_paper_classes(mechanism_build: Path) -> None:
    output = (mechanism_build / "reason-output.txt").read_text(encoding="utf-8")
    assert output.startswith("consistent: HermiT found no contradiction")
    assert "tofacitinib according to landon-cardinal-2019: " in output
    line = next(ln for ln in output.splitlines() if "tofacitinib according to landon-cardinal-2019" in ln)
    assert "jakkg:JAK2SparingInhibitor" in line and "jakkg:JAK1JAK2Inhibitor" not in line


def test_progress_goes_to_stderr_one_line_per_step(mechanism_build: Path) -> None:
    """Not on a terminal (CI, CliRunner): one plain line per finished step on stderr, stdout keeps the results."""
    progress = (mechanism_build / "reason-progress.txt").read_text(encoding="utf-8").splitlines()
    assert [ln.split(" ", 1)[0] for ln in progress] == ["read", "entity-level", "HermiT", "write"], progress
    assert all(re.search(r": \d+\.\d s \(peak [\d,]+ MB\)$", ln) for ln in progress), progress
    assert "everything" in progress[2], "a graph this small goes to one HermiT run"
    output = (mechanism_build / "reason-output.txt").read_text(encoding="utf-8")
    assert not set(progress) & set(output.splitlines())


def test_reasoned_file_answers_a_query_the_asserted_graph_cannot(mechanism_build: Path) -> None:
    """A plain SPARQL store (Oxigraph, no reasoner) finds the drugs that may act on growth hormone signalling."""
    import pyoxigraph

    query = """PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
    SELECT DISTINCT ?drug WHERE { ?drug a jakkg:JAK1JAK2Inhibitor ; jakkg:modulatesPathway <http://purl.obolibrary.org/obo/GO_0060396> }"""

    def answers(path: Path) -> set[str]:
        store = pyoxigraph.Store()
        store.load(path.read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
        return {row["drug"].value for row in store.query(query)}

    assert answers(mechanism_build / "jakdm-reasoned.ttl") >= {str(BARICITINIB), str(RUXOLITINIB), str(TOFACITINIB)}
    assert answers(mechanism_build / "jakdm.ttl") == set()


def test_inferred_triples_are_new_and_marked(mechanism_build: Path, asserted: Graph, reasoned: Graph) -> None:
    inferred = Graph().parse(mechanism_build / "jakdm-inferred.ttl", format="turtle")
    marked = {(inferred.value(st, RDF.subject), inferred.value(st, RDF.predicate), inferred.value(st, RDF.object))
              for st in inferred.subjects(RDF.type, JAKKG.InferredStatement)}
    statements = set(inferred.subjects(RDF.type, JAKKG.InferredStatement))
    activity = JAKDM["reasoning/hermit"]
    content = {t for t in inferred if t[0] not in statements and t[0] != activity}
    assert content and content == marked
    assert not content & set(asserted), "the inferred file must hold only new triples"
    assert set(asserted) <= set(reasoned) and set(inferred) <= set(reasoned)
    # a SPARQL user drops the inferred triples with FILTER NOT EXISTS and gets the asserted ones back
    asserted_only = reasoned.query(
        """SELECT ?d WHERE { ?d a jakkg:JAK1JAK2Inhibitor
           FILTER NOT EXISTS { ?st a jakkg:InferredStatement ; rdf:subject ?d ; rdf:predicate rdf:type ; rdf:object jakkg:JAK1JAK2Inhibitor } }""",
        initNs={"jakkg": JAKKG, "rdf": RDF},
    )
    assert list(asserted_only) == []
    assert (activity, JAKKG.consistent, Literal(True)) in inferred


def test_negated_adverse_event_is_neither_asserted_nor_lost(reasoned: Graph, mechanism_build: Path) -> None:
    """'The patient did not develop ... herpes zoster' is not 'baricitinib causes herpes zoster'."""
    assert not list(reasoned.predicates(BARICITINIB, HERPES_ZOSTER))
    assert not list(reasoned.predicates(HERPES_ZOSTER, BARICITINIB))
    inferred = Graph().parse(mechanism_build / "jakdm-inferred.ttl", format="turtle")
    assert not list(inferred.subjects(RDF.object, HERPES_ZOSTER))
    claim = JAKDM["claim/RT000-S1"]
    assert (claim, JAKKG.negated, Literal(True)) in reasoned
    assert (claim, JAKKG.direction, JAKKG.NotObserved) in reasoned
    assert (claim, RDF.subject, BARICITINIB) in reasoned and (claim, RDF.object, HERPES_ZOSTER) in reasoned


def test_outputs_are_deterministic_and_independent_of_the_input_format(mechanism_build: Path, tmp_path: Path) -> None:
    again = run_cli("reason", "--in", mechanism_build / "jakdm.trig", "--out", tmp_path / "trig")
    assert again.exit_code == 0, again.output
    from_turtle = run_cli("reason", "--in", mechanism_build / "jakdm.ttl", "--out", tmp_path / "ttl")
    assert from_turtle.exit_code == 0, from_turtle.output
    for name in ("jakdm-inferred.ttl", "jakdm-reasoned.ttl"):
        assert (tmp_path / "trig" / name).read_bytes() == (mechanism_build / name).read_bytes(), name
    # the same graph read from TriG or Turtle (multi-line quote literals included) gives the same files
    for name in ("jakdm-inferred.ttl", "jakdm-reasoned.ttl"):
        assert (tmp_path / "ttl" / name).read_bytes() == (mechanism_build / name).read_bytes(), name
    assert not list((tmp_path / "trig").glob(".*.tmp"))


def test_real_build_is_consistent(built: Path, tmp_path: Path) -> None:
    result = run_cli("reason", "--in", built / "jakdm.trig", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("consistent:")
    # strictly more triples than the build (not a larger file: Oxigraph writes Turtle tighter than rdflib)
    asserted = _triples(built / "jakdm.ttl", pyoxigraph.RdfFormat.TURTLE)
    assert asserted < _triples(tmp_path / "jakdm-reasoned.ttl", pyoxigraph.RdfFormat.TURTLE)


# -- open world: "no other JAK" only from a closed, per-paper list -----------------------------
SMALL = """\
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix biolink: <https://w3id.org/biolink/vocab/> .
@prefix jakkg: <https://w3id.org/jakkg/vocab/> .
@prefix hgnc: <http://identifiers.org/hgnc/> .
@prefix claim: <https://w3id.org/jakkg/jakdm/claim/> .
@prefix study: <https://w3id.org/jakkg/jakdm/study/> .
obo:CHEBI_66919 a biolink:Drug ; rdfs:label "ruxolitinib" ; dcterms:identifier "CHEBI:66919" .
hgnc:6190 a biolink:Gene ; rdfs:label "JAK1" ; dcterms:identifier "HGNC:6190" .
hgnc:6192 a biolink:Gene ; rdfs:label "JAK2" ; dcterms:identifier "HGNC:6192" .
study:paper-a rdfs:label "Paper A" .
"""


def small_graph(extra: str) -> Graph:
    return Graph().parse(data=SMALL + extra, format="turtle")


def claim(cid: str, s: str, o: str, paper: str, negated: bool = False) -> str:
    plain = "" if negated else f"{s} obo:RO_0002449 {o} .\n"
    return (plain + f"claim:{cid} a jakkg:Claim ; rdf:subject {s} ; rdf:predicate obo:RO_0002449 ; rdf:object {o} ; "
            f"jakkg:negated {'true' if negated else 'false'} ; dcterms:source study:{paper} .\n")


def test_selective_jak1_is_concluded_from_one_papers_closed_list_only() -> None:
    g = small_graph(claim("A1", "obo:CHEBI_66919", "hgnc:6190", "paper-a")
                    + claim("A2", "obo:CHEBI_66919", "hgnc:6192", "paper-a", negated=True))
    result = reason_dataset(g)
    (profile,) = result.profiles
    assert profile.targets == (JAK1,), "a negated claim names no target"
    classes = set(result.entailed.profile_classes[profile.iri])
    assert {JAKKG.SelectiveJAK1Inhibitor, JAKKG.JAK2SparingInhibitor, JAKKG.JAKInhibitor} <= classes
    assert JAKKG.JAK1JAK2Inhibitor not in classes
    drug_classes = {c for s, c in result.entailed.types if s == RUXOLITINIB}
    assert JAKKG.JAKInhibitor in drug_classes
    assert not drug_classes & {JAKKG.SelectiveJAK1Inhibitor, JAKKG.JAK2SparingInhibitor}, "open world: the drug itself stays open"
    assert (RUXOLITINIB, OBO.RO_0002449, JAK2) not in result.reasoned


def test_facts_do_not_grow_with_the_number_of_claims(mechanism_build: Path) -> None:
    """A thousand claims repeating the same mechanism are the same facts for the reasoner."""
    ds = Dataset(default_union=True)
    ds.parse(mechanism_build / "jakdm.trig", format="trig")
    onto = load_ontology()
    schema = Schema.of(onto)
    before = entity_facts(ds, schema)
    profiles_before = target_profiles(ds, before, schema)
    for i in range(1000):
        a = ds.graph(URIRef(f"https://w3id.org/jakkg/jakdm/np/DUP-{i}#assertion"))
        c = JAKDM[f"claim/DUP-{i}"]
        a.add((BARICITINIB, OBO.RO_0002449, JAK2))
        a.add((c, RDF.type, JAKKG.Claim))
        a.add((c, RDF.subject, BARICITINIB))
        a.add((c, RDF.predicate, OBO.RO_0002449))
        a.add((c, RDF.object, JAK2))
        a.add((c, DCTERMS.source, JAKDM["study/allenbach-2019"]))
    after = entity_facts(ds, schema)
    assert after.triples() == before.triples()
    profiles_after = target_profiles(ds, after, schema)
    assert [(p.iri, p.targets) for p in profiles_after] == [(p.iri, p.targets) for p in profiles_before]


# -- the ontology ---------------------------------------------------------------------
def test_domains_and_ranges_restate_the_curation_categories() -> None:
    """The reasoner and the loader must agree on what each predicate connects."""
    onto = load_ontology()
    explainer = reason.Explainer(onto, reason.Facts(), Graph())
    vocab = load_vocabulary()
    assert vocab.predicates
    for key, pred in vocab.predicates.items():
        domain = onto.graph.value(pred.iri, reason.RDFS.domain)
        range_ = onto.graph.value(pred.iri, reason.RDFS.range)
        assert domain is not None and range_ is not None, key
        assert explainer.union(domain) == pred.subject_classes, key
        assert explainer.union(range_) == pred.object_classes, key


def test_ontology_uses_no_imports() -> None:
    onto = load_ontology()
    assert not list(onto.graph.triples((None, reason.OWL.imports, None)))
    assert {p.name for p in onto.files} == {"jakkg.ttl", "jakkg-axioms.ttl"}


# -- inconsistency is explained ---------------------------------------------------------------
def test_a_drug_that_is_also_a_pathway_is_named_with_the_axiom(mechanism_build: Path, tmp_path: Path) -> None:
    bad = mutated(mechanism_build, tmp_path / "bad.trig", (BARICITINIB, RDF.type, BIOLINK.BiologicalProcess))
    out = tmp_path / "out"
    out.mkdir()
    (out / "jakdm-inferred.ttl").write_text("previous\n", encoding="utf-8")
    result = run_cli("reason", "--in", bad, "--out", out)
    assert result.exit_code == 1, result.output
    first = next(ln for ln in result.output.splitlines() if "asserted a biolink:Drug" in ln)
    assert "CHEBI:95341 (baricitinib)" in first and "biolink:BiologicalProcess" in first
    assert "AllDisjointClasses 'entity categories are pairwise disjoint' (jakkg-axioms.ttl)" in first
    assert "rdfs:domain is biolink:Drug or jakkg:DrugClass" in result.output  # baricitinib inhibits JAK1
    assert (out / "jakdm-inferred.ttl").read_text(encoding="utf-8") == "previous\n"
    assert not (out / "jakdm-reasoned.ttl").exists()


def test_a_pathway_used_as_an_inhibitor_is_named_with_the_domain(mechanism_build: Path, tmp_path: Path) -> None:
    bad = mutated(mechanism_build, tmp_path / "bad.trig", (GROWTH_HORMONE, OBO.RO_0002449, JAK1))
    result = run_cli("reason", "--in", bad, "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    assert "GO:0060396 (growth hormone receptor signaling pathway) is asserted a biolink:BiologicalProcess" in result.output
    assert "the subject of obo:RO_0002449" in result.output and "whose rdfs:domain is" in result.output


def test_a_functional_property_with_two_values_is_named(mechanism_build: Path, tmp_path: Path) -> None:
    patient, cohort = JAKDM["patient/X1"], JAKDM["cohort/X"]
    bad = mutated(
        mechanism_build, tmp_path / "bad.trig",
        (patient, RDF.type, JAKKG.Patient),
        (patient, JAKKG.ageYears, Literal("9", datatype=XSD.decimal)),
        (patient, JAKKG.ageYears, Literal("10", datatype=XSD.decimal)),
        (cohort, RDF.type, JAKKG.Cohort),
        (patient, JAKKG.memberOf, cohort),
        (patient, JAKKG.memberOf, JAKDM["cohort/LC22"]),
    )
    result = run_cli("reason", "--in", bad, "--out", tmp_path / "out")
    assert result.exit_code == 1, result.output
    age = next(ln for ln in result.output.splitlines() if "ageYears" in ln)
    assert "patient:X1 has 2 values of jakkg:ageYears" in age and "owl:FunctionalProperty (jakkg.ttl)" in age
    member = next(ln for ln in result.output.splitlines() if "memberOf" in ln)
    assert "cohort:LC22" in member and "cohort:X" in member
    assert "AllDifferent 'cohorts with different ids are different cohorts'" in member


def test_other_contradictions_are_isolated_by_hermit() -> None:
    """Asserting a JAK2 inhibitor 'selective JAK1': no disjointness explains it; QuickXplain finds the two facts."""
    g = small_graph("obo:CHEBI_66919 obo:RO_0002449 hgnc:6190, hgnc:6192 ; a jakkg:SelectiveJAK1Inhibitor .\n")
    with pytest.raises(InconsistentGraph) as info:
        reason_dataset(g)
    (message,) = info.value.problems
    assert message.startswith("these 2 facts contradict the ontology together:")
    assert "CHEBI:66919 (ruxolitinib) a jakkg:SelectiveJAK1Inhibitor" in message
    assert "CHEBI:66919 (ruxolitinib) obo:RO_0002449 HGNC:6192 (JAK2)" in message
    assert "HGNC:6190" not in message.split("axioms on their terms")[0], "JAK1 is not part of the contradiction"
    assert "jakkg:SelectiveJAK1Inhibitor EquivalentTo" in message


# -- bad input ------------------------------------------------------------------------------
def test_no_java_is_one_clear_line(mechanism_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import owlready2

    monkeypatch.setattr(owlready2, "JAVA_EXE", str(tmp_path / "no-such-java"))
    result = run_cli("reason", "--in", mechanism_build / "jakdm.trig", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.output == f"error: {JAVA_HINT}\n"
    assert not (tmp_path / "out").exists()


def test_no_java_on_path_from_the_installed_command(mechanism_build: Path, tmp_path: Path) -> None:
    jakkg = Path(sys.executable).with_name("jakkg")
    env = {**os.environ, "PATH": str(tmp_path)}  # a directory without java
    run = subprocess.run([str(jakkg), "reason", "--in", str(mechanism_build / "jakdm.trig"), "--out", str(tmp_path / "out")],
                         check=False, capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 2, run.stderr
    assert run.stderr.strip() == f"error: {JAVA_HINT}"


def test_corrupt_ontology_names_file_and_position(mechanism_build: Path, tmp_path: Path) -> None:
    from jakkg.resources import package_path

    lines = package_path("ontology", "jakkg-axioms.ttl").read_text(encoding="utf-8").splitlines()
    at = next(i for i, ln in enumerate(lines) if ln.startswith("jakkg:JAK1JAK2Inhibitor"))
    lines.insert(at, "jakkg:Broken a owl:Class ; rdfs:label \"unterminated .")
    broken = tmp_path / "broken.ttl"
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("reason", "--in", mechanism_build / "jakdm.trig", "--out", tmp_path / "out",
                     "--ontology", package_path("ontology", "jakkg.ttl"), "--ontology", broken)
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"error: {broken}:{at + 1}:"), result.output
    assert "invalid Turtle" in result.output and "\n" not in result.output.rstrip("\n")


def test_missing_input_graph(tmp_path: Path) -> None:
    result = run_cli("reason", "--in", tmp_path / "nothing.trig", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "nothing.trig: file not found" in result.output


def test_java_older_than_11_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import owlready2

    fake = tmp_path / "java"
    fake.write_text('#!/bin/sh\necho \'java version "1.8.0_292"\' >&2\n', encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(owlready2, "JAVA_EXE", str(fake))
    with pytest.raises(reason.UsageError) as info:
        reason.check_java()
    assert str(info.value) == f"{JAVA_HINT} (found Java 8)"


def test_importing_the_module_does_not_start_owlready2() -> None:
    code = "import sys, jakkg.reason, jakkg.cli; assert 'owlready2' not in sys.modules, 'owlready2 imported eagerly'"
    run = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr


def test_readme_queries_run_on_the_reasoned_file(reasoned: Graph) -> None:
    """The SPARQL examples of the README's reasoning section answer on jakdm-reasoned.ttl."""
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reasoning (`jakkg reason`)", 1)[1].split("\n## ", 1)[0]
    queries = re.findall(r"```sparql\n(.*?)```", section, flags=re.DOTALL)
    assert len(queries) == 2
    profile_rows = {(str(r[0]).rsplit("/", 1)[-1], str(r[1]).rsplit("/", 1)[-1]) for r in reasoned.query(queries[0])}
    assert ("landon-cardinal-2019", "JAK2SparingInhibitor") in profile_rows
    assert ("allenbach-2019", "JAK1JAK2Inhibitor") in profile_rows
    flagged = {(str(r[0]), str(r[1]), r[2].toPython()) for r in reasoned.query(queries[1])}
    assert (str(BARICITINIB), str(GROWTH_HORMONE), True) in flagged


def test_real_data_reasoning(built: Path, tmp_path: Path) -> None:
    """On the curated papers: each drug's JAK class, its pathways, tofacitinib per paper, open world."""
    r = run_cli("reason", "--in", built / "jakdm.trig", "--out", tmp_path)
    assert r.exit_code == 0, r.output
    g = Graph().parse(tmp_path / "jakdm-reasoned.ttl", format="turtle")
    assert jak_classes(g, BARICITINIB) >= {JAKKG.JAKInhibitor, JAKKG.JAK1JAK2Inhibitor}
    assert jak_classes(g, RUXOLITINIB) >= {JAKKG.JAKInhibitor, JAKKG.JAK1JAK2Inhibitor}
    assert jak_classes(g, TOFACITINIB) >= {JAKKG.JAK1JAK2Inhibitor, JAKKG.JAK1JAK3Inhibitor}
    for drug in (BARICITINIB, RUXOLITINIB, TOFACITINIB):  # JAK2 carries growth hormone signals
        assert GROWTH_HORMONE in set(g.objects(drug, JAKKG.modulatesPathway)), drug
    assert JAKKG.JAK1JAK2Inhibitor in profile_classes(g, TOFACITINIB, "allenbach-2019")
    p001 = profile_classes(g, TOFACITINIB, "landon-cardinal-2019")
    assert JAKKG.JAK2SparingInhibitor in p001 and JAKKG.JAK1JAK2Inhibitor not in p001
    assert not list(g.predicates(BARICITINIB, HERPES_ZOSTER))  # 000: "did not develop ... herpes zoster"


# -- the same answers as before the scale rewrite (issue 10) ------------------------------------
SNAPSHOTS = Path(__file__).resolve().parent / "data"


def _triples(path: Path, fmt: pyoxigraph.RdfFormat) -> set[pyoxigraph.Triple]:
    """The triples of an RDF file (named graphs merged), as written (a Store would widen some datatypes)."""
    return {q.triple for q in pyoxigraph.parse(path=str(path), format=fmt)}


def test_seed_inferences_match_the_snapshot_taken_before_the_scale_rewrite(tmp_path: Path) -> None:
    """The committed seed build (sorted N-Quads) reasons to exactly the committed inferred triples.

    tests/data/seed-inferred.nt.gz was written by the rdflib-based `jakkg reason`
    before reasoning was made bounded (issue 10); any change to what the
    reasoner concludes on the curated papers shows up here as a set difference.
    """
    seed = tmp_path / "seed.nq"
    seed.write_bytes(gzip.decompress((SNAPSHOTS / "seed-build.nq.gz").read_bytes()))
    expected = tmp_path / "expected.nt"
    expected.write_bytes(gzip.decompress((SNAPSHOTS / "seed-inferred.nt.gz").read_bytes()))
    result = run_cli("reason", "--in", seed, "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    inferred = _triples(tmp_path / "out" / "jakdm-inferred.ttl", pyoxigraph.RdfFormat.TURTLE)
    want = _triples(expected, pyoxigraph.RdfFormat.N_TRIPLES)
    assert len(want) > 1000
    assert sorted(map(str, inferred - want)) == [] and sorted(map(str, want - inferred)) == []
    asserted = _triples(seed, pyoxigraph.RdfFormat.N_QUADS)
    reasoned = _triples(tmp_path / "out" / "jakdm-reasoned.ttl", pyoxigraph.RdfFormat.TURTLE)
    assert reasoned == asserted | want


# -- bounded reasoning: patients and cohorts by representative, checked against one run on everything ----
def _grown(copies: int) -> reason.Asserted:
    """``copies`` copies of the committed seed build (new papers, patients and cohorts; a quarter of the claims swapped)."""
    from tests.graph_support import replicate_seed_build

    store = pyoxigraph.Store()
    data = replicate_seed_build(copies).encode("utf-8")
    store.load(data, format=pyoxigraph.RdfFormat.N_QUADS)
    return reason.Asserted(store, [], lambda: pyoxigraph.parse(data, format=pyoxigraph.RdfFormat.N_QUADS))


def _bounded_plan(copies: int) -> tuple[reason.Facts, reason.Plan]:
    """The facts of ``copies`` copies of the seed build and the bounded plan the stage would run on them."""
    onto = load_ontology()
    schema = Schema.of(onto)
    grown = _grown(copies)
    facts = entity_facts(grown, schema)
    lists = reason.target_lists(target_profiles(grown, facts, schema))
    return facts, reason.plan_runs(onto, facts, lists, schema, single=False)


def test_representatives_conclude_what_one_run_on_everything_concludes() -> None:
    """On 3 copies of the seed (about 1k claims): the bounded plan's outputs equal the single run's, as sets."""
    grown = _grown(3)
    bounded = reason_dataset(grown, single=False)
    single = reason_dataset(grown, single=True)
    assert len(bounded.runs) == 2 and len(single.runs) == 1, "the bounded plan must be the one tested"
    members = reason.group_members(bounded.facts)
    assert len(members) > 150
    assert bounded.runs[1] < single.runs[0], "the classifying run must be smaller than everything"
    assert set(bounded.inferred_triples) == set(single.inferred_triples)
    assert bounded.reasoned_turtle() == single.reasoned_turtle()
    member_triples = [t for t in single.new if t[0] in members or t[2] in members]
    assert len(member_triples) > 100, "patients and cohorts must get inferences for the comparison to mean something"


def test_classifying_run_does_not_grow_with_papers() -> None:
    """Patients and cohorts of new papers add representatives only for new kinds: the classifying input stays put."""
    sizes = []
    for copies in (2, 6):
        _, plan = _bounded_plan(copies)
        assert [r.name for r in plan.runs] == ["consistency", "entities and representatives"]
        sizes.append((len(plan.members), len(set(plan.representative.values())), plan.runs[1].triples))
    (m2, r2, t2), (m6, r6, t6) = sizes
    assert m6 > 2.5 * m2
    assert r6 <= r2 + 5 and t6 < 1.3 * t2, sizes


def test_an_ontology_that_lets_patients_reach_entities_gets_one_run(mechanism_build: Path) -> None:
    """The derivation holds only for ontologies of the checked shape; otherwise everything goes to one run."""
    ds = Dataset(default_union=True)
    ds.parse(mechanism_build / "jakdm.trig", format="trig")
    onto = load_ontology()
    schema = Schema.of(onto)
    facts = entity_facts(ds, schema)
    members = reason.group_members(facts)
    assert members and reason.derivation_problem(onto, facts, members) is None
    restricted = load_ontology()
    extra = Graph().parse(data="""
        @prefix jakkg: <https://w3id.org/jakkg/vocab/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix biolink: <https://w3id.org/biolink/vocab/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        jakkg:TreatedPatient a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty jakkg:treatedWith ;
            owl:someValuesFrom biolink:Drug ] .""", format="turtle")
    restricted.graph += extra
    problem = reason.derivation_problem(restricted, facts, members)
    assert problem is not None and "treatedWith" in problem and "onProperty" in problem
    plan = reason.plan_runs(restricted, facts, reason.target_lists(target_profiles(ds, facts, schema)), schema, single=False)
    assert [r.name for r in plan.runs] == ["everything"]
    transitive = load_ontology()
    transitive.graph.add((JAKKG.memberOf, RDF.type, reason.OWL.TransitiveProperty))
    assert "TransitiveProperty" in (reason.derivation_problem(transitive, facts, members) or "")


def _bounded_problems(build: Path, *triples: tuple) -> list[str]:
    """The problems the bounded plan reports on the build plus ``triples`` (in the shared graph)."""
    ds = Dataset(default_union=True)
    ds.parse(build / "jakdm.trig", format="trig")
    corpus = ds.graph(JAKDM["graph/corpus"])
    for t in triples:
        corpus.add(t)
    onto = load_ontology()
    schema = Schema.of(onto)
    facts = entity_facts(ds, schema)
    lists = reason.target_lists(target_profiles(ds, facts, schema))
    assert reason.plan_runs(onto, facts, lists, schema, single=False).runs[0].name == "consistency"
    with pytest.raises(InconsistentGraph) as info:
        reason_dataset(ds, onto, single=False)
    return info.value.problems


def test_a_patient_that_is_also_a_drug_is_found_by_the_consistency_check(mechanism_build: Path) -> None:
    """Patients are classified by representative, but the whole graph is still checked: the contradiction is named."""
    patient = JAKDM["patient/X1"]
    problems = _bounded_problems(mechanism_build, (patient, RDF.type, JAKKG.Patient), (patient, RDF.type, BIOLINK.Drug),
                                 (patient, JAKKG.treatedWith, BARICITINIB))
    line = next(ln for ln in problems if "patient:X1" in ln)
    assert "biolink:Drug" in line and "jakkg:Patient" in line and "disjoint" in line


def test_entities_contradicted_by_patients_of_different_papers_are_found(mechanism_build: Path) -> None:
    """A protein that one paper's patient is treated with and another's has autoantibodies against: a drug-or-class and
    a gene at once. Neither paper contradicts the ontology alone; together they do, and the check sees it."""
    p1, p2, protein = JAKDM["patient/X1"], JAKDM["patient/Y1"], URIRef("https://identifiers.org/uniprot:P99999")
    problems = _bounded_problems(mechanism_build, (protein, RDF.type, BIOLINK.Protein),
                                 (p1, RDF.type, JAKKG.Patient), (p1, JAKKG.treatedWith, protein),
                                 (p2, RDF.type, JAKKG.Patient), (p2, JAKKG.hasAutoantibodyAgainst, protein))
    assert any("P99999" in ln for ln in problems), problems
