"""SHACL validation: the shapes accept correct graphs, reject every kind of error, and agree with the ontology.

The negative tests start from a small corpus built by the real loader and
builder (tests/fixtures/validate/), break it one error at a time as a curator
could, and check that the shape meant for that error reports it, on the
expected property path. A meta-test checks that every constraint of every
shape has such a test.
"""
from __future__ import annotations

import functools
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from jakkg.build import build_dataset
from jakkg.export import merged_graph
from jakkg.identifiers import DATA
from jakkg.load import load_corpus
from jakkg.resources import ontology_file
from jakkg.validate import Finding, load_shapes, read_graph, validate_file, validate_graph
from jakkg.vocab import default_vocabulary

from .conftest import DATA as REAL_DATA
from .conftest import ROOT, mark_uncurated, run_cli

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: pytest probes module attributes, rdflib.XSD warns
JKS = Namespace("https://w3id.org/jakkg/shapes/")
JAKKG = Namespace("https://w3id.org/jakkg/vocab/")
OA = Namespace("http://www.w3.org/ns/oa#")
NP = Namespace("http://www.nanopub.org/nschema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
PROV = Namespace("http://www.w3.org/ns/prov#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
FIXTURE = ROOT / "tests" / "fixtures" / "validate"

# Terms of well-known vocabularies that the shapes use and ontology/jakkg.ttl
# (which imports nothing) does not declare.
EXTERNAL_TERMS = {
    RDF.type, RDF.subject, RDF.predicate, RDF.object, RDF.value, RDFS.label,
    SKOS.editorialNote, SKOS.altLabel, SKOS.closeMatch, SKOS.broadMatch,
    DCTERMS.source, DCTERMS.identifier, DCTERMS.bibliographicCitation, DCTERMS.date, DCTERMS.type, DCTERMS.license,
    PROV.wasDerivedFrom, PROV.wasGeneratedBy, BIBO.doi,
    OA.Annotation, OA.SpecificResource, OA.TextQuoteSelector, OA.TextPositionSelector, OA.hasBody, OA.hasTarget,
    OA.hasSource, OA.hasSelector, OA.motivatedBy, OA.describing, OA.exact, OA.prefix, OA.suffix, OA.start, OA.end,
    NP.Nanopublication, NP.hasAssertion, NP.hasProvenance, NP.hasPublicationInfo,
    DCTERMS.created, DCTERMS.creator, PROV.Agent, FOAF.Organization,
}
# Shape parameters -> the constraint component a violation of them reports.
COMPONENTS = {
    SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.datatype: "Datatype", SH.nodeKind: "NodeKind",
    SH.pattern: "Pattern", SH["in"]: "In", SH["class"]: "Class", SH.hasValue: "HasValue",
    SH.minInclusive: "MinInclusive", SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive", SH.lessThan: "LessThan", SH.lessThanOrEquals: "LessThanOrEquals",
    SH.equals: "Equals", SH.disjoint: "Disjoint", SH.minLength: "MinLength", SH.maxLength: "MaxLength",
    SH["or"]: "Or", SH["and"]: "And", SH["not"]: "Not", SH.xone: "Xone", SH.node: "Node",
    SH.qualifiedMinCount: "QualifiedMinCount", SH.qualifiedMaxCount: "QualifiedMaxCount", SH.closed: "Closed",
    SH.sparql: "SPARQL",
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)


# -- the fixture corpus ----------------------------------------------------------
def make_fixture_data(target: Path) -> Path:
    """A data/ directory: the curated sources and entities, and the test claims.

    The test's own entities go in only where the curated ones lack their
    CURIE, so the fixture keeps loading as curators add entities.
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe")
    target.mkdir(parents=True)
    shutil.copy(REAL_DATA / "sources.yaml", target / "sources.yaml")
    shutil.copytree(REAL_DATA / "entities", target / "entities")
    known = {str(e.get("curie")) for f in sorted((target / "entities").glob("*.yaml")) for e in (yaml.load(f) or {}).values()}
    own = yaml.load(FIXTURE / "entities" / "validate-test.yaml")
    with (target / "entities" / "zz-validate-test.yaml").open("w", encoding="utf-8") as fh:
        yaml.dump({k: v for k, v in own.items() if v["curie"] not in known} or {}, fh)
    shutil.copytree(FIXTURE / "claims", target / "claims")
    mark_uncurated(target)
    return target


def yaml_line(file: str, record_id: str) -> int:
    """The line of ``- id: RECORD`` in a fixture claims file: where the loader locates a record."""
    lines = (FIXTURE / "claims" / file).read_text(encoding="utf-8").splitlines()
    return next(i for i, text in enumerate(lines, start=1) if re.match(rf"\s*- id: {re.escape(record_id)}\s*$", text))


@pytest.fixture(scope="module")
def fixture_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_fixture_data(tmp_path_factory.mktemp("validate") / "data")


@pytest.fixture(scope="module")
def base_graph(fixture_data: Path, seeds_dir: Path) -> Graph:
    return merged_graph(build_dataset(load_corpus(fixture_data, seeds_dir)))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file(), format="turtle")


def copy(graph: Graph) -> Graph:
    g = Graph()
    for t in graph:
        g.add(t)
    return g


def verdicts(report) -> list[tuple]:
    """What a SHACL report says, engine-independently: severity, focus, path, value, source shape, component."""
    return sorted((f.severity, f.focus, f.path or "", f.value or "", f.shape, f.component) for f in report.findings)


def same_verdicts(graph: Graph, shapes: Graph | None = None, **kwargs):
    """The fast engine's report, after checking that pySHACL (the reference) says exactly the same."""
    fast = validate_graph(graph, shapes, engine="turbo", **kwargs)
    reference = validate_graph(graph, shapes, engine="pyshacl", **kwargs)
    assert verdicts(fast) == verdicts(reference), "pyshacl-turbo and pySHACL disagree"
    assert [(f.kind, f.item, f.file, f.line) for f in sorted(fast.findings, key=Finding.sort_key)] == \
        [(f.kind, f.item, f.file, f.line) for f in sorted(reference.findings, key=Finding.sort_key)]
    return fast


# -- (a) correct graphs conform --------------------------------------------------------
def test_curated_graph_conforms(dataset) -> None:
    report = same_verdicts(merged_graph(dataset))
    assert report.violations == [], report.text()
    assert len(report.warnings) > 0, "the curated graph has known warnings (unverified identifiers): both engines must see them"


def test_fast_path_on_text_agrees_with_reference(built: Path) -> None:
    """What `jakkg build` and `jakkg validate` run (pyshacl-turbo on the file's text) equals pySHACL on the parsed graph."""
    for name in ("jakdm.nt", "jakdm.ttl", "jakdm.trig"):
        fast = validate_file(built / name, engine="turbo")
        reference = validate_file(built / name, engine="pyshacl")
        assert verdicts(fast) == verdicts(reference), name
        located = [sorted((f.kind, f.item, f.file or "", f.line or 0) for f in r.findings) for r in (fast, reference)]
        assert located[0] == located[1] and located[0], name  # the curated graph has warnings, located alike


def test_built_files_conform_and_trig_is_merged(built: Path, shapes: Graph) -> None:
    ttl = validate_file(built / "jakdm.ttl")
    trig = validate_file(built / "jakdm.trig")
    assert ttl.conforms and trig.conforms, ttl.text() + trig.text()
    assert len(read_graph(built / "jakdm.trig")) == len(read_graph(built / "jakdm.ttl"))
    assert sorted(f.sort_key() for f in ttl.findings) == sorted(f.sort_key() for f in trig.findings)


def test_fixture_corpus_conforms_with_only_identifier_warnings(base_graph: Graph) -> None:
    """The fixture's claims, cohorts and patients are clean: what remains are warnings on curated entities."""
    report = validate_graph(base_graph)
    assert report.conforms, report.text()
    assert {f.kind for f in report.findings} == {"entity"}, report.text()
    unverified = {str(s) for s, o in base_graph.subject_objects(JAKKG.verificationStatus) if str(o) == "unverified"}
    assert {f.focus for f in report.findings if f.shape == "jks:Entity-verified"} == unverified


# -- (c) negative tests: one error at a time ------------------------------------------------
def n(local: str) -> URIRef:
    return URIRef(DATA + local)


def claim(claim_id: str) -> URIRef:
    return n(f"claim/{claim_id}")


def dec(x: object) -> Literal:
    return Literal(str(x), datatype=XSD.decimal)


def count(x: int) -> Literal:
    return Literal(str(x), datatype=XSD.nonNegativeInteger)


def integer(x: int) -> Literal:
    return Literal(str(x), datatype=XSD.integer)


def dur(x: str) -> Literal:
    return Literal(x, datatype=XSD.duration)


BARICITINIB = OBO.CHEBI_95341
TOFACITINIB = OBO.CHEBI_71200
JAK1 = URIRef("http://identifiers.org/hgnc/6190")
TRIM33 = URIRef("http://identifiers.org/hgnc/16290")
TYPE_I_IFN = OBO.GO_0060337
ADULT_DM = OBO.MONDO_0001907
SKIN_RASH = OBO.HP_0000988
OPEN_LABEL = OBO.NCIT_C49659  # a study design: no predicate takes one
PAPER_002 = n("study/landon-cardinal-2022")
PAPER_000 = n("study/allenbach-2019")
PAPADOPOULOU = n("study/papadopoulou-2019")
COHORT = n("cohort/TV-LC")
P1, P6 = n("patient/TV-LC-P1"), n("patient/TV-LC-P6")
P1_CDASI = n("patient/TV-LC-P1/measurement/cdasi-P0D")
P6_MMT8 = n("patient/TV-LC-P6/measurement/mmt8-P0D")
C1, C2 = claim("TV-C001"), claim("TV-C002")
C1_BASE, C1_FOLLOW, C1_P = n("claim/TV-C001/baseline"), n("claim/TV-C001/followup"), n("claim/TV-C001/p-value")
D01_BASE = n("claim/TV-D01/baseline")
D03_DURATION = n("claim/TV-D03/follow_up_duration")
C3_DURATION = n("claim/TV-C003/follow_up_duration")
C7_DOSE = n("claim/TV-C007/dose")
C11_EFFECT = n("claim/TV-C011/time_to_effect")
Q1 = n("quote/TV-C001-1")
Q1_TARGET, Q1_QUOTE, Q1_POSITION = n("quote/TV-C001-1/target"), n("quote/TV-C001-1/quote"), n("quote/TV-C001-1/position")
NP1 = n("np/TV-C001")
NP1_ASSERTION = URIRef(f"{NP1}#assertion")
TEAM = n("agent/jakkg-curation-team")
NOWHERE = n("claim/NO-SUCH-CLAIM")  # an IRI nothing describes

Mutation = Callable[[Graph], None]


def put(node: URIRef, prop: URIRef, *values: object) -> Mutation:
    """Replace every value of ``prop`` on ``node``."""
    def apply(g: Graph) -> None:
        g.remove((node, prop, None))
        for v in values:
            g.add((node, prop, v))  # type: ignore[arg-type]
    return apply


def add(node: URIRef, prop: URIRef, value: object) -> Mutation:
    return lambda g: g.add((node, prop, value))  # type: ignore[arg-type]


def drop(node: URIRef, prop: URIRef, value: object = None) -> Mutation:
    return lambda g: g.remove((node, prop, value))  # type: ignore[arg-type]


def both(*mutations: Mutation) -> Mutation:
    def apply(g: Graph) -> None:
        for m in mutations:
            m(g)
    return apply


@dataclass(frozen=True)
class Case:
    """A curator's error, and the shape, component and path that must report it."""

    name: str
    shape: str
    component: str
    path: str | None
    focus: URIRef
    mutate: Mutation
    severity: str = "Violation"

    def matches(self, f: Finding) -> bool:
        return (f.shape == f"jks:{self.shape}" and f.component == f"sh:{self.component}ConstraintComponent"
                and f.path == self.path and f.focus == str(self.focus) and f.severity == self.severity)


def c(shape: str, component: str, path: str | None, focus: URIRef, mutate: Mutation, name: str = "", severity: str = "Violation") -> Case:
    return Case(name or f"{shape}:{component}", shape, component, path, focus, mutate, severity)


NUMBERS = "(jakkg:singleValue|jakkg:mean|jakkg:median|jakkg:min|jakkg:max|jakkg:above|jakkg:below)"
ALL_NUMBERS = "(jakkg:singleValue|jakkg:mean|jakkg:median|jakkg:q1|jakkg:q3|jakkg:min|jakkg:max)"
QUOTE_SOURCE = "^oa:hasBody/oa:hasTarget/oa:hasSource"
W = "Warning"

CASES: list[Case] = [
    # claims: structure
    c("Claim-category", "MinCount", "rdf:type", C1, drop(C1, RDF.type, JAKKG.EfficacyClaim), "claim without a category"),
    c("Claim-category", "MaxCount", "rdf:type", C1, add(C1, RDF.type, JAKKG.SafetyClaim), "claim with two categories"),
    c("Claim-category", "In", "rdf:type", C1, both(drop(C1, RDF.type, JAKKG.EfficacyClaim), add(C1, RDF.type, JAKKG.Cohort))),
    c("Claim-subject", "MinCount", "rdf:subject", C1, drop(C1, RDF.subject)),
    c("Claim-subject", "MaxCount", "rdf:subject", C1, add(C1, RDF.subject, BARICITINIB)),
    c("Claim-subject", "NodeKind", "rdf:subject", C1, put(C1, RDF.subject, Literal("jak-inhibitor"))),
    c("Claim-predicate", "MinCount", "rdf:predicate", C1, drop(C1, RDF.predicate)),
    c("Claim-predicate", "MaxCount", "rdf:predicate", C1, add(C1, RDF.predicate, OBO.RO_0002449)),
    c("Claim-predicate", "In", "rdf:predicate", C1, put(C1, RDF.predicate, OBO.RO_0002434), "unknown predicate"),
    c("Claim-object", "MinCount", "rdf:object", C1, drop(C1, RDF.object)),
    c("Claim-object", "MaxCount", "rdf:object", C1, add(C1, RDF.object, SKIN_RASH)),
    c("Claim-object", "NodeKind", "rdf:object", C1, put(C1, RDF.object, Literal("CDASI"))),
    c("Claim-label", "MinCount", "rdfs:label", C1, drop(C1, RDFS.label)),
    c("Claim-label", "MaxCount", "rdfs:label", C1, add(C1, RDFS.label, Literal("another label"))),
    c("Claim-label", "Datatype", "rdfs:label", C1, put(C1, RDFS.label, integer(5))),
    c("Claim-label", "MinLength", "rdfs:label", C1, put(C1, RDFS.label, Literal(""))),
    c("Claim-negated", "MinCount", "jakkg:negated", C1, drop(C1, JAKKG.negated)),
    c("Claim-negated", "MaxCount", "jakkg:negated", C1, add(C1, JAKKG.negated, Literal(True))),
    c("Claim-negated", "Datatype", "jakkg:negated", C1, put(C1, JAKKG.negated, Literal("no"))),
    # the claim as a biolink:Association says what the claim says (src/jakkg/biolink.py)
    c("Claim-biolinkSubject", "MinCount", "biolink:subject", C1, drop(C1, BIOLINK.subject)),
    c("Claim-biolinkSubject", "MaxCount", "biolink:subject", C1, add(C1, BIOLINK.subject, JAK1)),
    c("Claim-biolinkSubject", "Equals", "biolink:subject", C1, put(C1, BIOLINK.subject, JAK1), "Biolink subject is not the claim's"),
    c("Claim-biolinkObject", "MinCount", "biolink:object", C1, drop(C1, BIOLINK.object)),
    c("Claim-biolinkObject", "MaxCount", "biolink:object", C1, add(C1, BIOLINK.object, SKIN_RASH)),
    c("Claim-biolinkObject", "Equals", "biolink:object", C1, put(C1, BIOLINK.object, SKIN_RASH), "Biolink object is not the claim's"),
    c("Claim-biolinkPredicate", "MinCount", "biolink:predicate", C1, drop(C1, BIOLINK.predicate)),
    c("Claim-biolinkPredicate", "MaxCount", "biolink:predicate", C1, add(C1, BIOLINK.predicate, BIOLINK.related_to)),
    c("Claim-biolinkPredicate", "NodeKind", "biolink:predicate", C1, put(C1, BIOLINK.predicate, Literal("treats"))),
    c("Claim-biolinkPredicate", "Pattern", "biolink:predicate", C1, put(C1, BIOLINK.predicate, JAKKG.treatedWith), "a jakkg predicate"),
    c("Claim-biolinkNegated", "MinCount", "biolink:negated", C1, drop(C1, BIOLINK.negated), "negation hidden from Biolink readers"),
    c("Claim-biolinkNegated", "MaxCount", "biolink:negated", C1, add(C1, BIOLINK.negated, Literal(True))),
    c("Claim-biolinkNegated", "Datatype", "biolink:negated", C1, put(C1, BIOLINK.negated, Literal("no"))),
    c("Claim-biolinkNegated", "Equals", "biolink:negated", C1, put(C1, BIOLINK.negated, Literal(True)),
      "asserted claim that Biolink readers see negated"),
    c("Claim-knowledgeLevel", "MinCount", "biolink:knowledge_level", C1, drop(C1, BIOLINK.knowledge_level)),
    c("Claim-knowledgeLevel", "MaxCount", "biolink:knowledge_level", C1, add(C1, BIOLINK.knowledge_level, Literal("prediction"))),
    c("Claim-knowledgeLevel", "In", "biolink:knowledge_level", C1, put(C1, BIOLINK.knowledge_level, Literal("prediction"))),
    c("Claim-agentType", "MinCount", "biolink:agent_type", C1, drop(C1, BIOLINK.agent_type)),
    c("Claim-agentType", "MaxCount", "biolink:agent_type", C1, add(C1, BIOLINK.agent_type, Literal("text_mining_agent"))),
    c("Claim-agentType", "In", "biolink:agent_type", C1, put(C1, BIOLINK.agent_type, Literal("text_mining_agent"))),
    c("Claim-publications", "MinCount", "biolink:publications", C1, drop(C1, BIOLINK.publications)),
    c("Claim-publications", "NodeKind", "biolink:publications", C1, put(C1, BIOLINK.publications, Literal("doi:10.1/x"))),
    c("Node-category", "NodeKind", "biolink:category", BARICITINIB, put(BARICITINIB, BIOLINK.category, Literal("biolink:Drug"))),
    c("Node-category", "Pattern", "biolink:category", BARICITINIB, put(BARICITINIB, BIOLINK.category, JAKKG.DrugClass),
      "a jakkg class as Biolink category"),
    c("Claim-hedging", "MinCount", "jakkg:hedging", C1, drop(C1, JAKKG.hedging)),
    c("Claim-hedging", "MaxCount", "jakkg:hedging", C1, add(C1, JAKKG.hedging, JAKKG.Suggested)),
    c("Claim-hedging", "In", "jakkg:hedging", C1, put(C1, JAKKG.hedging, JAKKG.Improved)),
    c("Claim-direction", "MaxCount", "jakkg:direction", C1, add(C1, JAKKG.direction, JAKKG.Worsened)),
    c("Claim-direction", "In", "jakkg:direction", C1, put(C1, JAKKG.direction, JAKKG.Asserted)),
    c("Claim-population", "MaxCount", "jakkg:population", C1, add(C1, JAKKG.population, P1)),
    c("Claim-population", "NodeKind", "jakkg:population", C1, put(C1, JAKKG.population, Literal("TV-LC"))),
    c("Claim-populationType", "MinCount", "jakkg:population/rdf:type", C1, put(C1, JAKKG.population, NOWHERE), "population names nothing"),
    c("Claim-populationType", "In", "jakkg:population/rdf:type", C1, put(C1, JAKKG.population, BARICITINIB), "a drug as population"),
    c("Claim-instrument", "MaxCount", "jakkg:instrument", C1, add(C1, JAKKG.instrument, JAKKG.CATBM)),
    c("Claim-instrument", "Class", "jakkg:instrument", C1, put(C1, JAKKG.instrument, BARICITINIB)),
    # claims: counts, percentages, statistics
    c("Claim-responders", "MaxCount", "jakkg:responders", C2, add(C2, JAKKG.responders, count(13))),
    c("Claim-responders", "Datatype", "jakkg:responders", C2, put(C2, JAKKG.responders, dec(14))),
    c("Claim-responders", "MinInclusive", "jakkg:responders", C2, put(C2, JAKKG.responders, integer(-1)), "negative count"),
    c("Claim-responders", "LessThanOrEquals", "jakkg:responders", C2, put(C2, JAKKG.responders, count(20)), "responders > N"),
    c("Claim-sampleSize", "MaxCount", "jakkg:sampleSize", C2, add(C2, JAKKG.sampleSize, count(17))),
    c("Claim-sampleSize", "Datatype", "jakkg:sampleSize", C2, put(C2, JAKKG.sampleSize, Literal("16"))),
    c("Claim-sampleSize", "MinInclusive", "jakkg:sampleSize", C2, put(C2, JAKKG.sampleSize, integer(-16))),
    c("Claim-percentage", "MaxCount", "jakkg:percentage", C2, add(C2, JAKKG.percentage, dec(87.5))),
    c("Claim-percentage", "Datatype", "jakkg:percentage", C2, put(C2, JAKKG.percentage, Literal("88%"))),
    c("Claim-percentage", "MinInclusive", "jakkg:percentage", C2, put(C2, JAKKG.percentage, dec(-88))),
    c("Claim-percentage", "MaxInclusive", "jakkg:percentage", C2, put(C2, JAKKG.percentage, dec(880)), "percentage above 100"),
    c("Claim-percentMatchesCounts", "SPARQL", "jakkg:percentage", C2, put(C2, JAKKG.percentage, dec(50)), "percent inconsistent with n/N"),
    c("Claim-value", "MaxCount", "jakkg:value", claim("TV-D05"), add(claim("TV-D05"), JAKKG.value, C1_BASE)),
    c("Claim-value", "Class", "jakkg:value", claim("TV-D05"), put(claim("TV-D05"), JAKKG.value, COHORT)),
    c("Claim-baseline", "MaxCount", "jakkg:baseline", C1, add(C1, JAKKG.baseline, C1_FOLLOW)),
    c("Claim-baseline", "Class", "jakkg:baseline", C1, put(C1, JAKKG.baseline, Literal(27))),
    c("Claim-followUpValue", "MaxCount", "jakkg:followUpValue", C1, add(C1, JAKKG.followUpValue, C1_BASE)),
    c("Claim-followUpValue", "Class", "jakkg:followUpValue", C1, put(C1, JAKKG.followUpValue, C1_P)),
    c("Claim-followUpDuration", "MaxCount", "jakkg:followUpDuration", claim("TV-C003"), add(claim("TV-C003"), JAKKG.followUpDuration, D03_DURATION)),
    c("Claim-followUpDuration", "Class", "jakkg:followUpDuration", claim("TV-C003"), put(claim("TV-C003"), JAKKG.followUpDuration, dur("P1.8Y"))),
    c("Claim-timeToEffect", "MaxCount", "jakkg:timeToEffect", claim("TV-C011"), add(claim("TV-C011"), JAKKG.timeToEffect, C3_DURATION)),
    c("Claim-timeToEffect", "Class", "jakkg:timeToEffect", claim("TV-C011"), put(claim("TV-C011"), JAKKG.timeToEffect, NOWHERE)),
    c("Claim-dose", "MaxCount", "jakkg:dose", claim("TV-C007"), add(claim("TV-C007"), JAKKG.dose, n("patient/TV-LC-P1/dose"))),
    c("Claim-dose", "Class", "jakkg:dose", claim("TV-C007"), put(claim("TV-C007"), JAKKG.dose, Literal("5 mg/d"))),
    c("Claim-pValue", "MaxCount", "jakkg:pValue", C1, add(C1, JAKKG.pValue, n("claim/TV-D01/p-value"))),
    c("Claim-pValue", "Class", "jakkg:pValue", C1, put(C1, JAKKG.pValue, dec("0.0001"))),
    c("Claim-timePoint", "MaxCount", "jakkg:timePoint", C1, add(C1, JAKKG.timePoint, dur("P6M"))),
    c("Claim-timePoint", "Datatype", "jakkg:timePoint", C1, put(C1, JAKKG.timePoint, Literal("P3M"))),
    c("Claim-timePoint", "Pattern", "jakkg:timePoint", C1, put(C1, JAKKG.timePoint, dur("-P3M")), "negative time point"),
    c("Claim-timePointLabel", "MaxCount", "jakkg:timePointLabel", C2, add(C2, JAKKG.timePointLabel, JAKKG.LastFollowUp)),
    c("Claim-timePointLabel", "In", "jakkg:timePointLabel", C2, put(C2, JAKKG.timePointLabel, JAKKG.Improved)),
    c("Claim-disagreesWith", "Class", "jakkg:disagreesWith", claim("TV-C005"), put(claim("TV-C005"), JAKKG.disagreesWith, COHORT)),
    c("Claim-note", "MaxCount", "skos:editorialNote", claim("TV-D01"), add(claim("TV-D01"), SKOS.editorialNote, Literal("more"))),
    c("Claim-note", "Datatype", "skos:editorialNote", claim("TV-D01"), put(claim("TV-D01"), SKOS.editorialNote, integer(1))),
    # claims: provenance
    c("Claim-source", "MinCount", "dcterms:source", C1, drop(C1, DCTERMS.source)),
    c("Claim-source", "MaxCount", "dcterms:source", C1, add(C1, DCTERMS.source, PAPER_000)),
    c("Claim-source", "Class", "dcterms:source", C1, put(C1, DCTERMS.source, PAPADOPOULOU), "source is not a paper of the corpus"),
    c("Claim-sourceDoi", "MinCount", "dcterms:source/bibo:doi", C1, drop(PAPER_002, BIBO.doi), "source paper without DOI"),
    c("Claim-sourceDoi", "Datatype", "dcterms:source/bibo:doi", C1,
      put(PAPER_002, BIBO.doi, Literal("10.1016/j.jaad.2022.10.055", datatype=XSD.anyURI))),
    c("Claim-sourceDoi", "Pattern", "dcterms:source/bibo:doi", C1,
      put(PAPER_002, BIBO.doi, Literal("doi:10.1016/j.jaad.2022.10.055")), "malformed DOI"),
    c("Claim-derivedFrom", "MinCount", "prov:wasDerivedFrom", C1, drop(C1, PROV.wasDerivedFrom)),
    c("Claim-derivedFrom", "MaxCount", "prov:wasDerivedFrom", C1, add(C1, PROV.wasDerivedFrom, PAPER_000)),
    c("Claim-derivedFrom", "Equals", "prov:wasDerivedFrom", C1, put(C1, PROV.wasDerivedFrom, PAPER_000)),
    c("Claim-attributedTo", "MaxCount", "jakkg:attributedTo", claim("TV-C010"), add(claim("TV-C010"), JAKKG.attributedTo, PAPADOPOULOU)),
    c("Claim-attributedTo", "Class", "jakkg:attributedTo", claim("TV-C010"), put(claim("TV-C010"), JAKKG.attributedTo, COHORT)),
    c("Claim-attributedTo", "Disjoint", "jakkg:attributedTo", C1, add(C1, JAKKG.attributedTo, PAPER_002), "attributed to its own paper"),
    c("Claim-evidenceType", "MinCount", "jakkg:evidenceType", C1, drop(C1, JAKKG.evidenceType)),
    c("Claim-evidenceType", "MaxCount", "jakkg:evidenceType", C1, add(C1, JAKKG.evidenceType, OBO.ECO_0006017)),
    c("Claim-evidenceType", "NodeKind", "jakkg:evidenceType", C1, put(C1, JAKKG.evidenceType, Literal("ECO:0007121"))),
    c("Claim-evidenceType", "Pattern", "jakkg:evidenceType", C1, put(C1, JAKKG.evidenceType, OBO.OBI_0000070)),
    c("Claim-evidenceLevel", "MaxCount", "jakkg:evidenceLevel", C1, add(C1, JAKKG.evidenceLevel, JAKKG.OCEBMLevel5)),
    c("Claim-evidenceLevel", "In", "jakkg:evidenceLevel", C1, put(C1, JAKKG.evidenceLevel, JAKKG.Improved)),
    c("Claim-quoteSource", "Equals", QUOTE_SOURCE, C1, put(Q1_TARGET, OA.hasSource, PAPER_000), "quote located in another paper"),
    c("Quoted-quote", "MinCount", "^oa:hasBody", claim("TV-C004"), drop(n("quote/TV-C004-1"), OA.hasBody), "drop the quote"),
    c("Quoted-quote", "Class", "^oa:hasBody", C1, add(n("quote/untyped"), OA.hasBody, C1)),
    c("Curated-file", "MinCount", "jakkg:curationFile", C1, drop(C1, JAKKG.curationFile)),
    c("Curated-file", "MaxCount", "jakkg:curationFile", C1, add(C1, JAKKG.curationFile, Literal("data/claims/999.yaml"))),
    c("Curated-file", "Datatype", "jakkg:curationFile", C1, put(C1, JAKKG.curationFile, URIRef("file:///data/claims/900.yaml"))),
    c("Curated-file", "MinLength", "jakkg:curationFile", P1, put(P1, JAKKG.curationFile, Literal(""))),
    c("Curated-line", "MinCount", "jakkg:curationLine", NP1, drop(NP1, JAKKG.curationLine)),
    c("Curated-line", "MaxCount", "jakkg:curationLine", C1, add(C1, JAKKG.curationLine, Literal("7", datatype=XSD.positiveInteger))),
    c("Curated-line", "Datatype", "jakkg:curationLine", COHORT, put(COHORT, JAKKG.curationLine, Literal("3"))),
    c("Curated-line", "MinInclusive", "jakkg:curationLine", C1, put(C1, JAKKG.curationLine, integer(0))),
    # claims: conditional rules
    c("ClaimWithFollowUp-baseline", "MinCount", "jakkg:baseline", C1, drop(C1, JAKKG.baseline), "follow-up without baseline"),
    c("ClaimWithFollowUp-pValue", "MinCount", "jakkg:pValue", C1, drop(C1, JAKKG.pValue), "change without p-value", W),
    c("ClaimWithResponders-sampleSize", "MinCount", "jakkg:sampleSize", C2, drop(C2, JAKKG.sampleSize), "n without N"),
    c("ClaimWithTimePoint-label", "MaxCount", "jakkg:timePointLabel", C1, add(C1, JAKKG.timePointLabel, JAKKG.Baseline)),
    c("NotObservedClaim-negated", "SPARQL", "jakkg:negated", claim("TV-C005"), put(claim("TV-C005"), JAKKG.negated, Literal(False)),
      "not observed but not negated"),
    c("Category-isClaim", "HasValue", "rdf:type", C1, drop(C1, RDF.type, JAKKG.Claim)),
    c("EfficacyClaim-direction", "MinCount", "jakkg:direction", C1, drop(C1, JAKKG.direction), severity=W),
    c("SafetyClaim-direction", "MinCount", "jakkg:direction", claim("TV-C004"), drop(claim("TV-C004"), JAKKG.direction), severity=W),
    c("DoseClaim-dose", "MinCount", "jakkg:dose", claim("TV-C007"), drop(claim("TV-C007"), JAKKG.dose), severity=W),
    c("FollowUpClaim-duration", "MinCount", "(jakkg:followUpDuration|jakkg:timePoint|jakkg:timePointLabel)", claim("TV-C003"),
      drop(claim("TV-C003"), JAKKG.followUpDuration), severity=W),
    # predicates: the ones the brief names; every predicate is also tested below, generated from the ontology
    c("Inhibits-subject", "SPARQL", "rdf:subject", claim("TV-A01"),
      both(put(claim("TV-A01"), RDF.subject, JAK1), put(claim("TV-A01"), RDF.object, BARICITINIB)), "swap subject and object"),
    c("Inhibits-object", "SPARQL", "rdf:object", claim("TV-A01"),
      both(put(claim("TV-A01"), RDF.subject, JAK1), put(claim("TV-A01"), RDF.object, BARICITINIB)), "swap subject and object (object)"),
    c("InvolvedIn-object", "SPARQL", "rdf:object", claim("TV-A02"), put(claim("TV-A02"), RDF.object, BARICITINIB), "a drug as a pathway"),
    # statistical summaries
    c("Stat-hasNumber", "MinCount", NUMBERS, C1_BASE, both(drop(C1_BASE, JAKKG.mean), drop(C1_BASE, JAKKG.sd)), "statistic without a number"),
    c("Stat-mean", "MaxCount", "jakkg:mean", C1_BASE, add(C1_BASE, JAKKG.mean, dec(28))),
    c("Stat-mean", "Datatype", "jakkg:mean", C1_BASE, put(C1_BASE, JAKKG.mean, Literal("27"))),
    c("Stat-sd", "MaxCount", "jakkg:sd", C1_BASE, add(C1_BASE, JAKKG.sd, dec(12))),
    c("Stat-sd", "Datatype", "jakkg:sd", C1_BASE, put(C1_BASE, JAKKG.sd, Literal(13.0))),
    c("Stat-sd", "MinInclusive", "jakkg:sd", C1_BASE, put(C1_BASE, JAKKG.sd, dec(-13)), "negative SD"),
    c("Stat-median", "MaxCount", "jakkg:median", D01_BASE, add(D01_BASE, JAKKG.median, dec(360))),
    c("Stat-median", "Datatype", "jakkg:median", D01_BASE, put(D01_BASE, JAKKG.median, Literal("361.5"))),
    c("Stat-median", "LessThanOrEquals", "jakkg:median", D01_BASE, put(D01_BASE, JAKKG.median, dec(500)), "median above q3"),
    c("Stat-median", "LessThanOrEquals", "jakkg:median", D03_DURATION, put(D03_DURATION, JAKKG.median, dec(30)), "median above max"),
    c("Stat-q1", "MaxCount", "jakkg:q1", D01_BASE, add(D01_BASE, JAKKG.q1, dec(300))),
    c("Stat-q1", "Datatype", "jakkg:q1", D01_BASE, put(D01_BASE, JAKKG.q1, Literal("306.3"))),
    c("Stat-q1", "LessThanOrEquals", "jakkg:q1", D01_BASE, put(D01_BASE, JAKKG.q1, dec(400)), "q1 above the median"),
    c("Stat-q1", "LessThanOrEquals", "jakkg:q1", D01_BASE, put(D01_BASE, JAKKG.q3, dec(300)), "q1 above q3"),
    c("Stat-q3", "MaxCount", "jakkg:q3", D01_BASE, add(D01_BASE, JAKKG.q3, dec(470))),
    c("Stat-q3", "Datatype", "jakkg:q3", D01_BASE, put(D01_BASE, JAKKG.q3, Literal("463.3"))),
    c("Stat-min", "MaxCount", "jakkg:min", D03_DURATION, add(D03_DURATION, JAKKG.min, dec(2))),
    c("Stat-min", "Datatype", "jakkg:min", D03_DURATION, put(D03_DURATION, JAKKG.min, Literal("3"))),
    c("Stat-min", "LessThanOrEquals", "jakkg:min", D03_DURATION, put(D03_DURATION, JAKKG.min, dec(25)), "min above max"),
    c("Stat-min", "LessThanOrEquals", "jakkg:min", D03_DURATION, put(D03_DURATION, JAKKG.min, dec(10)), "min above the median"),
    c("Stat-max", "MaxCount", "jakkg:max", D03_DURATION, add(D03_DURATION, JAKKG.max, dec(22))),
    # strict bounds (issue 11: "> 5 mg/day" is above 5, not min 5)
    c("Stat-above", "MaxCount", "jakkg:above", D03_DURATION, both(add(D03_DURATION, JAKKG.above, dec(1)), add(D03_DURATION, JAKKG.above, dec(2)))),
    c("Stat-above", "Datatype", "jakkg:above", D03_DURATION, add(D03_DURATION, JAKKG.above, Literal("1"))),
    c("Stat-below", "MaxCount", "jakkg:below", D03_DURATION, both(add(D03_DURATION, JAKKG.below, dec(30)), add(D03_DURATION, JAKKG.below, dec(31)))),
    c("Stat-below", "Datatype", "jakkg:below", D03_DURATION, add(D03_DURATION, JAKKG.below, Literal("30"))),
    c("Stat-oneLowerBound", "MaxCount", "jakkg:min", D03_DURATION, add(D03_DURATION, JAKKG.above, dec(2)), "strict and inclusive lower bound"),
    c("Stat-oneUpperBound", "MaxCount", "jakkg:max", D03_DURATION, add(D03_DURATION, JAKKG.below, dec(30)), "strict and inclusive upper bound"),
    c("Stat-max", "Datatype", "jakkg:max", D03_DURATION, put(D03_DURATION, JAKKG.max, Literal("21"))),
    c("Stat-max", "LessThanOrEquals", "jakkg:max", P6_MMT8, add(P6_MMT8, JAKKG.max, dec(200)), "max above the scale"),
    c("Stat-singleValue", "MaxCount", "jakkg:singleValue", P6_MMT8, add(P6_MMT8, JAKKG.singleValue, dec(140))),
    c("Stat-singleValue", "Datatype", "jakkg:singleValue", P6_MMT8, put(P6_MMT8, JAKKG.singleValue, Literal("150"))),
    c("Stat-singleValue", "LessThanOrEquals", "jakkg:singleValue", P6_MMT8, put(P6_MMT8, JAKKG.singleValue, dec(160)), "value above out_of"),
    c("Stat-outOf", "MaxCount", "jakkg:outOf", P6_MMT8, add(P6_MMT8, JAKKG.outOf, dec(80))),
    c("Stat-outOf", "Datatype", "jakkg:outOf", P6_MMT8, put(P6_MMT8, JAKKG.outOf, Literal("150"))),
    c("Stat-outOf", "MinExclusive", "jakkg:outOf", P6_MMT8, put(P6_MMT8, JAKKG.outOf, dec(0))),
    c("Stat-unit", "MaxCount", "jakkg:unit", D01_BASE, add(D01_BASE, JAKKG.unit, Literal("IU/L"))),
    c("Stat-unit", "Datatype", "jakkg:unit", D01_BASE, put(D01_BASE, JAKKG.unit, URIRef("http://unitsofmeasure.org/U/L"))),
    c("Stat-unit", "MinLength", "jakkg:unit", D01_BASE, put(D01_BASE, JAKKG.unit, Literal(""))),
    c("Stat-frequency", "MaxCount", "jakkg:frequency", C7_DOSE,
      both(add(C7_DOSE, JAKKG.frequency, Literal("once daily")), add(C7_DOSE, JAKKG.frequency, Literal("twice daily")))),
    c("Stat-frequency", "Datatype", "jakkg:frequency", C7_DOSE, add(C7_DOSE, JAKKG.frequency, integer(2))),
    c("Stat-frequency", "MinLength", "jakkg:frequency", C7_DOSE, add(C7_DOSE, JAKKG.frequency, Literal(""))),
    c("Stat-statisticTime", "MaxCount", "jakkg:statisticTime", C1_FOLLOW, add(C1_FOLLOW, JAKKG.statisticTime, dur("P6M"))),
    c("Stat-statisticTime", "Datatype", "jakkg:statisticTime", C1_FOLLOW, put(C1_FOLLOW, JAKKG.statisticTime, Literal("P3M"))),
    c("Stat-statisticTime", "Pattern", "jakkg:statisticTime", C1_FOLLOW, put(C1_FOLLOW, JAKKG.statisticTime, dur("PT3H"))),
    c("Stat-timePointLabel", "MaxCount", "jakkg:timePointLabel", n("claim/TV-C006/followup"),
      add(n("claim/TV-C006/followup"), JAKKG.timePointLabel, JAKKG.Baseline)),
    c("Stat-timePointLabel", "In", "jakkg:timePointLabel", n("claim/TV-C006/followup"),
      put(n("claim/TV-C006/followup"), JAKKG.timePointLabel, JAKKG.Observed)),
    c("StatWithSd-centre", "MinCount", "(jakkg:mean|jakkg:singleValue)", C1_BASE, drop(C1_BASE, JAKKG.mean), "sd without mean"),
    c("StatWithQ1-q3", "MinCount", "jakkg:q3", D01_BASE, drop(D01_BASE, JAKKG.q3), "q1 without q3"),
    c("StatWithQ3-q1", "MinCount", "jakkg:q1", D01_BASE, drop(D01_BASE, JAKKG.q1), "q3 without q1"),
    c("FollowUpDuration-positive", "MinExclusive", ALL_NUMBERS, D03_DURATION, put(D03_DURATION, JAKKG.min, dec(0)), "follow-up of 0 months"),
    c("FollowUpDuration-unit", "MinCount", "jakkg:unit", C3_DURATION, drop(C3_DURATION, JAKKG.unit), severity=W),
    c("FollowUpDuration-unit", "In", "jakkg:unit", C3_DURATION, put(C3_DURATION, JAKKG.unit, Literal("mg")), severity=W),
    c("TimeToEffect-nonNegative", "MinInclusive", ALL_NUMBERS, C11_EFFECT, put(C11_EFFECT, JAKKG.max, dec(-3))),
    c("TimeToEffect-unit", "MinCount", "jakkg:unit", C11_EFFECT, drop(C11_EFFECT, JAKKG.unit), severity=W),
    c("TimeToEffect-unit", "In", "jakkg:unit", C11_EFFECT, put(C11_EFFECT, JAKKG.unit, Literal("months")), severity=W),
    c("FollowUpValue-time", "Pattern", "jakkg:statisticTime", C1_FOLLOW, put(C1_FOLLOW, JAKKG.statisticTime, dur("P0D")), "follow-up at baseline"),
    c("Dose-nonNegative", "MinInclusive", ALL_NUMBERS, C7_DOSE, put(C7_DOSE, JAKKG.max, dec(-5)), "negative dose"),
    c("Dose-unit", "MinCount", "jakkg:unit", C7_DOSE, drop(C7_DOSE, JAKKG.unit), severity=W),
    c("PValue-value", "MinCount", "jakkg:singleValue", C1_P, drop(C1_P, JAKKG.singleValue)),
    c("PValue-value", "MaxCount", "jakkg:singleValue", C1_P, add(C1_P, JAKKG.singleValue, dec("0.001"))),
    c("PValue-value", "Datatype", "jakkg:singleValue", C1_P, put(C1_P, JAKKG.singleValue, Literal("<0.0001"))),
    c("PValue-value", "MinInclusive", "jakkg:singleValue", C1_P, put(C1_P, JAKKG.singleValue, dec("-0.01"))),
    c("PValue-value", "MaxInclusive", "jakkg:singleValue", C1_P, put(C1_P, JAKKG.singleValue, dec("1.5")), "p > 1"),
    c("PValue-comparator", "MinCount", "jakkg:comparator", C1_P, drop(C1_P, JAKKG.comparator)),
    c("PValue-comparator", "MaxCount", "jakkg:comparator", C1_P, add(C1_P, JAKKG.comparator, Literal("="))),
    c("PValue-comparator", "In", "jakkg:comparator", C1_P, put(C1_P, JAKKG.comparator, Literal("~"))),
    # entities
    c("Entity-category", "QualifiedMaxCount", "rdf:type", BARICITINIB, add(BARICITINIB, RDF.type, BIOLINK.Gene), "entity in two categories"),
    c("Entity-label", "MinCount", "rdfs:label", BARICITINIB, drop(BARICITINIB, RDFS.label)),
    c("Entity-label", "MaxCount", "rdfs:label", BARICITINIB, add(BARICITINIB, RDFS.label, Literal("Olumiant"))),
    c("Entity-label", "Datatype", "rdfs:label", BARICITINIB, put(BARICITINIB, RDFS.label, Literal("baricitinib", lang="en"))),
    c("Entity-label", "MinLength", "rdfs:label", BARICITINIB, put(BARICITINIB, RDFS.label, Literal(""))),
    c("Entity-identifier", "MinCount", "dcterms:identifier", BARICITINIB, drop(BARICITINIB, DCTERMS.identifier)),
    c("Entity-identifier", "MaxCount", "dcterms:identifier", BARICITINIB, add(BARICITINIB, DCTERMS.identifier, Literal("DRUGBANK:DB11817"))),
    c("Entity-identifier", "Datatype", "dcterms:identifier", BARICITINIB, put(BARICITINIB, DCTERMS.identifier, integer(95341))),
    c("Entity-identifier", "Pattern", "dcterms:identifier", BARICITINIB, put(BARICITINIB, DCTERMS.identifier, Literal("CHEBI 95341"))),
    c("Entity-curationKey", "MinCount", "jakkg:curationKey", BARICITINIB, drop(BARICITINIB, JAKKG.curationKey)),
    c("Entity-curationKey", "MaxCount", "jakkg:curationKey", BARICITINIB, add(BARICITINIB, JAKKG.curationKey, Literal("olumiant"))),
    c("Entity-curationKey", "Datatype", "jakkg:curationKey", BARICITINIB, put(BARICITINIB, JAKKG.curationKey, integer(1))),
    c("Entity-verificationStatus", "MinCount", "jakkg:verificationStatus", BARICITINIB, drop(BARICITINIB, JAKKG.verificationStatus)),
    c("Entity-verificationStatus", "MaxCount", "jakkg:verificationStatus", BARICITINIB,
      add(BARICITINIB, JAKKG.verificationStatus, Literal("unverified"))),
    c("Entity-verificationStatus", "In", "jakkg:verificationStatus", BARICITINIB, put(BARICITINIB, JAKKG.verificationStatus, Literal("checked"))),
    c("Entity-verified", "In", "jakkg:verificationStatus", BARICITINIB, put(BARICITINIB, JAKKG.verificationStatus, Literal("unverified")),
      "unverified identifier", W),
    c("Entity-altLabel", "Datatype", "skos:altLabel", BARICITINIB, add(BARICITINIB, SKOS.altLabel, Literal("Olumiant", lang="en"))),
    c("Entity-closeMatch", "NodeKind", "skos:closeMatch", BARICITINIB, add(BARICITINIB, SKOS.closeMatch, Literal("DRUGBANK:DB11817"))),
    c("Entity-broadMatch", "NodeKind", "skos:broadMatch", BARICITINIB, add(BARICITINIB, SKOS.broadMatch, Literal("CHEBI:23888"))),
    c("Entity-broadMatch", "Pattern", "skos:broadMatch", BARICITINIB, add(BARICITINIB, SKOS.broadMatch, JAKKG.DrugClass),
      "a local term as broad match"),
    c("Entity-note", "MaxCount", "skos:editorialNote", BARICITINIB, add(BARICITINIB, SKOS.editorialNote, Literal("another note"))),
    c("Entity-note", "Datatype", "skos:editorialNote", BARICITINIB, put(BARICITINIB, SKOS.editorialNote, integer(1))),
    # papers and studies
    c("Study-label", "MinCount", "rdfs:label", PAPADOPOULOU, drop(PAPADOPOULOU, RDFS.label)),
    c("Study-label", "MaxCount", "rdfs:label", PAPADOPOULOU, add(PAPADOPOULOU, RDFS.label, Literal("Papadopoulou 2019"))),
    c("Study-label", "Datatype", "rdfs:label", PAPADOPOULOU, put(PAPADOPOULOU, RDFS.label, integer(2019))),
    c("Study-citation", "MinCount", "dcterms:bibliographicCitation", PAPADOPOULOU, drop(PAPADOPOULOU, DCTERMS.bibliographicCitation)),
    c("Study-citation", "MaxCount", "dcterms:bibliographicCitation", PAPADOPOULOU,
      add(PAPADOPOULOU, DCTERMS.bibliographicCitation, Literal("another citation"))),
    c("Study-citation", "Datatype", "dcterms:bibliographicCitation", PAPADOPOULOU,
      put(PAPADOPOULOU, DCTERMS.bibliographicCitation, URIRef("https://doi.org/10.1093/brain/awz005"))),
    c("Study-citation", "MinLength", "dcterms:bibliographicCitation", PAPADOPOULOU, put(PAPADOPOULOU, DCTERMS.bibliographicCitation, Literal(""))),
    c("Study-date", "MaxCount", "dcterms:date", PAPADOPOULOU, add(PAPADOPOULOU, DCTERMS.date, Literal("2018", datatype=XSD.gYear))),
    c("Study-date", "Datatype", "dcterms:date", PAPADOPOULOU, put(PAPADOPOULOU, DCTERMS.date, Literal("2019"))),
    c("Study-doi", "MaxCount", "bibo:doi", PAPADOPOULOU, add(PAPADOPOULOU, BIBO.doi, Literal("10.1093/brain/awz006"))),
    c("Study-doi", "Datatype", "bibo:doi", PAPADOPOULOU, put(PAPADOPOULOU, BIBO.doi, Literal("10.1093/brain/awz005", datatype=XSD.anyURI))),
    c("Study-doi", "Pattern", "bibo:doi", PAPADOPOULOU, put(PAPADOPOULOU, BIBO.doi, Literal("https://doi.org/10.1093/brain/awz005")),
      "DOI written as a URL"),
    c("Study-identifier", "MaxCount", "dcterms:identifier", PAPADOPOULOU, add(PAPADOPOULOU, DCTERMS.identifier, Literal("pmid:1"))),
    c("Study-identifier", "Datatype", "dcterms:identifier", PAPADOPOULOU, put(PAPADOPOULOU, DCTERMS.identifier, integer(1))),
    c("Study-design", "Class", "jakkg:studyDesign", PAPADOPOULOU, add(PAPADOPOULOU, JAKKG.studyDesign, ADULT_DM)),
    c("Study-type", "MaxCount", "dcterms:type", PAPER_002, add(PAPER_002, DCTERMS.type, Literal("letter"))),
    c("Study-type", "Datatype", "dcterms:type", PAPER_002, put(PAPER_002, DCTERMS.type, integer(1))),
    c("Study-license", "MaxCount", "dcterms:license", PAPER_002, add(PAPER_002, DCTERMS.license, Literal("CC BY 4.0"))),
    c("Study-seedText", "MaxCount", "jakkg:seedText", PAPER_002, add(PAPER_002, JAKKG.seedText, Literal("other.txt"))),
    c("Study-seedText", "Datatype", "jakkg:seedText", PAPER_002, put(PAPER_002, JAKKG.seedText, integer(2))),
    c("Study-reportsStudy", "Class", "jakkg:reportsStudy", PAPER_002, add(PAPER_002, JAKKG.reportsStudy, COHORT)),
    c("SourcePaper-isStudy", "HasValue", "rdf:type", PAPER_002, drop(PAPER_002, RDF.type, JAKKG.Study)),
    c("SourcePaper-doi", "MinCount", "bibo:doi", PAPER_002, drop(PAPER_002, BIBO.doi)),
    c("SourcePaper-seedText", "MinCount", "jakkg:seedText", PAPER_002, drop(PAPER_002, JAKKG.seedText)),
    c("SourcePaper-reportsStudy", "MinCount", "jakkg:reportsStudy", PAPER_002, drop(PAPER_002, JAKKG.reportsStudy)),
    # cohorts
    c("Cohort-label", "MinCount", "rdfs:label", COHORT, drop(COHORT, RDFS.label)),
    c("Cohort-label", "MaxCount", "rdfs:label", COHORT, add(COHORT, RDFS.label, Literal("another"))),
    c("Cohort-label", "Datatype", "rdfs:label", COHORT, put(COHORT, RDFS.label, integer(16))),
    # no MinCount: a population a paper names without counting it has no size (issue 11)
    c("Cohort-sampleSize", "MaxCount", "jakkg:sampleSize", COHORT, add(COHORT, JAKKG.sampleSize, count(17))),
    c("Cohort-sampleSize", "Datatype", "jakkg:sampleSize", COHORT, put(COHORT, JAKKG.sampleSize, dec(16))),
    c("Cohort-sampleSize", "MinInclusive", "jakkg:sampleSize", COHORT, put(COHORT, JAKKG.sampleSize, integer(-1))),
    c("Cohort-diagnosis", "MinCount", "jakkg:diagnosis", COHORT, drop(COHORT, JAKKG.diagnosis)),
    c("Cohort-diagnosis", "MaxCount", "jakkg:diagnosis", COHORT, add(COHORT, JAKKG.diagnosis, OBO.MONDO_0016367)),
    c("Cohort-diagnosis", "Or", "jakkg:diagnosis", COHORT, put(COHORT, JAKKG.diagnosis, SKIN_RASH), "a phenotype as diagnosis"),
    c("Cohort-drug", "Or", "jakkg:treatedWith", COHORT, add(COHORT, JAKKG.treatedWith, JAK1), "a gene as drug"),
    c("Cohort-design", "Class", "jakkg:studyDesign", COHORT, add(COHORT, JAKKG.studyDesign, BARICITINIB)),
    c("Cohort-studiedIn", "MinCount", "jakkg:studiedIn", COHORT, drop(COHORT, JAKKG.studiedIn)),
    c("Cohort-studiedIn", "MaxCount", "jakkg:studiedIn", COHORT, add(COHORT, JAKKG.studiedIn, PAPADOPOULOU)),
    c("Cohort-studiedIn", "Class", "jakkg:studiedIn", COHORT, put(COHORT, JAKKG.studiedIn, P1)),
    c("Cohort-patientsWithinSize", "SPARQL", "^jakkg:memberOf", COHORT, put(COHORT, JAKKG.sampleSize, count(1)), "more patients than the cohort's size"),
    # patients
    c("Patient-label", "MinCount", "rdfs:label", P1, drop(P1, RDFS.label)),
    c("Patient-label", "MaxCount", "rdfs:label", P1, add(P1, RDFS.label, Literal("another"))),
    c("Patient-label", "Datatype", "rdfs:label", P1, put(P1, RDFS.label, integer(1))),
    c("Patient-memberOf", "MinCount", "jakkg:memberOf", P1, drop(P1, JAKKG.memberOf)),
    c("Patient-memberOf", "MaxCount", "jakkg:memberOf", P1, add(P1, JAKKG.memberOf, n("cohort/TV-DI"))),
    c("Patient-memberOf", "Class", "jakkg:memberOf", P1, put(P1, JAKKG.memberOf, PAPER_002)),
    c("Patient-diagnosis", "MinCount", "jakkg:diagnosis", P1, drop(P1, JAKKG.diagnosis)),
    c("Patient-diagnosis", "MaxCount", "jakkg:diagnosis", P1, add(P1, JAKKG.diagnosis, OBO.MONDO_0016367)),
    c("Patient-diagnosis", "Or", "jakkg:diagnosis", P1, put(P1, JAKKG.diagnosis, BARICITINIB)),
    c("Patient-age", "MaxCount", "jakkg:ageYears", P1, add(P1, JAKKG.ageYears, dec(60))),
    c("Patient-age", "Datatype", "jakkg:ageYears", P1, put(P1, JAKKG.ageYears, Literal("59"))),
    c("Patient-age", "MinInclusive", "jakkg:ageYears", P1, put(P1, JAKKG.ageYears, dec(-1))),
    c("Patient-age", "MaxInclusive", "jakkg:ageYears", P1, put(P1, JAKKG.ageYears, dec(159)), "implausible age"),
    c("Patient-sex", "MaxCount", "jakkg:sex", P1, add(P1, JAKKG.sex, Literal("M"))),
    c("Patient-sex", "In", "jakkg:sex", P1, put(P1, JAKKG.sex, Literal("female"))),
    c("Patient-diseaseDuration", "MaxCount", "jakkg:diseaseDurationYears", P1, add(P1, JAKKG.diseaseDurationYears, dec(4))),
    c("Patient-diseaseDuration", "Datatype", "jakkg:diseaseDurationYears", P1, put(P1, JAKKG.diseaseDurationYears, Literal("5"))),
    c("Patient-diseaseDuration", "MinInclusive", "jakkg:diseaseDurationYears", P1, put(P1, JAKKG.diseaseDurationYears, dec(-5))),
    c("Patient-diseaseDuration", "MaxInclusive", "jakkg:diseaseDurationYears", P1, put(P1, JAKKG.diseaseDurationYears, dec(125))),
    c("Patient-diseaseDuration", "LessThanOrEquals", "jakkg:diseaseDurationYears", P1, put(P1, JAKKG.diseaseDurationYears, dec(60)),
      "disease longer than life"),
    c("Patient-seronegative", "MaxCount", "jakkg:seronegative", P6, add(P6, JAKKG.seronegative, Literal(False))),
    c("Patient-seronegative", "In", "jakkg:seronegative", P6, put(P6, JAKKG.seronegative, Literal(False))),
    c("Patient-autoantibody", "Or", "jakkg:hasAutoantibodyAgainst", P1, add(P1, JAKKG.hasAutoantibodyAgainst, ADULT_DM)),
    c("Patient-previousTreatment", "Or", "jakkg:previouslyTreatedWith", P1, add(P1, JAKKG.previouslyTreatedWith, SKIN_RASH)),
    c("Patient-drug", "Or", "jakkg:treatedWith", P1, add(P1, JAKKG.treatedWith, TYPE_I_IFN)),
    c("Patient-drugInCohort", "SPARQL", "jakkg:treatedWith", P1, put(P1, JAKKG.treatedWith, TOFACITINIB), "patient drug not in cohort"),
    c("Patient-dose", "MaxCount", "jakkg:dose", P1, add(P1, JAKKG.dose, n("patient/TV-LC-P6/dose"))),
    c("Patient-dose", "Class", "jakkg:dose", P1, put(P1, JAKKG.dose, dec(30))),
    c("Patient-measurement", "Class", "jakkg:measurement", P1, add(P1, JAKKG.measurement, COHORT)),
    c("Patient-attributedTo", "MaxCount", "jakkg:attributedTo", P1,
      both(add(P1, JAKKG.attributedTo, PAPADOPOULOU), add(P1, JAKKG.attributedTo, n("study/huang-2022")))),
    c("Patient-attributedTo", "Class", "jakkg:attributedTo", P1, add(P1, JAKKG.attributedTo, COHORT)),
    c("Patient-attributedTo", "Disjoint", "jakkg:attributedTo", P1, add(P1, JAKKG.attributedTo, PAPER_002)),
    c("Patient-derivedFrom", "MinCount", "prov:wasDerivedFrom", P1, drop(P1, PROV.wasDerivedFrom)),
    c("Patient-derivedFrom", "MaxCount", "prov:wasDerivedFrom", P1, add(P1, PROV.wasDerivedFrom, PAPER_000)),
    c("Patient-derivedFrom", "Class", "prov:wasDerivedFrom", P1, put(P1, PROV.wasDerivedFrom, PAPADOPOULOU)),
    c("Patient-quoteSource", "Equals", QUOTE_SOURCE, P1, put(n("quote/TV-LC-P1-1/target"), OA.hasSource, PAPER_000)),
    c("SeronegativePatient-autoantibody", "MaxCount", "jakkg:hasAutoantibodyAgainst", P6, add(P6, JAKKG.hasAutoantibodyAgainst, TRIM33),
      "seronegative with an autoantibody"),
    c("PatientMeasurement-instrument", "MinCount", "jakkg:instrument", P1_CDASI, drop(P1_CDASI, JAKKG.instrument)),
    c("PatientMeasurement-instrument", "MaxCount", "jakkg:instrument", P1_CDASI, add(P1_CDASI, JAKKG.instrument, OBO.OBI_0003739)),
    c("PatientMeasurement-instrument", "Class", "jakkg:instrument", P1_CDASI, put(P1_CDASI, JAKKG.instrument, SKIN_RASH)),
    c("PatientMeasurement-value", "MinCount", "jakkg:singleValue", P1_CDASI, drop(P1_CDASI, JAKKG.singleValue)),
    c("PatientMeasurement-time", "MinCount", "(jakkg:statisticTime|jakkg:timePointLabel)", P1_CDASI, drop(P1_CDASI, JAKKG.statisticTime)),
    c("PatientMeasurement-time", "MaxCount", "(jakkg:statisticTime|jakkg:timePointLabel)", P1_CDASI,
      add(P1_CDASI, JAKKG.timePointLabel, JAKKG.Baseline)),
    # quotes
    c("Annotation-body", "MinCount", "oa:hasBody", Q1, drop(Q1, OA.hasBody)),
    c("Annotation-body", "MaxCount", "oa:hasBody", Q1, add(Q1, OA.hasBody, C2)),
    c("Annotation-body", "NodeKind", "oa:hasBody", Q1, put(Q1, OA.hasBody, Literal("TV-C001"))),
    c("Annotation-bodyType", "MinCount", "oa:hasBody/rdf:type", Q1, put(Q1, OA.hasBody, NOWHERE)),
    c("Annotation-bodyType", "In", "oa:hasBody/rdf:type", Q1, put(Q1, OA.hasBody, BARICITINIB), "a quote about an entity"),
    c("Annotation-target", "MinCount", "oa:hasTarget", Q1, drop(Q1, OA.hasTarget)),
    c("Annotation-target", "MaxCount", "oa:hasTarget", Q1, add(Q1, OA.hasTarget, n("quote/TV-C001-2/target"))),
    c("Annotation-target", "Class", "oa:hasTarget", Q1, put(Q1, OA.hasTarget, PAPER_002)),
    c("Annotation-text", "MinCount", "rdf:value", Q1, drop(Q1, RDF.value)),
    c("Annotation-text", "MaxCount", "rdf:value", Q1, add(Q1, RDF.value, Literal("another quote"))),
    c("Annotation-text", "Datatype", "rdf:value", Q1, put(Q1, RDF.value, integer(27))),
    c("Annotation-text", "MinLength", "rdf:value", Q1, put(Q1, RDF.value, Literal(""))),
    c("Annotation-motivation", "MaxCount", "oa:motivatedBy", Q1, add(Q1, OA.motivatedBy, OA.commenting)),
    c("Annotation-motivation", "In", "oa:motivatedBy", Q1, put(Q1, OA.motivatedBy, OA.commenting)),
    c("SpecificResource-source", "MinCount", "oa:hasSource", Q1_TARGET, drop(Q1_TARGET, OA.hasSource)),
    c("SpecificResource-source", "MaxCount", "oa:hasSource", Q1_TARGET, add(Q1_TARGET, OA.hasSource, PAPER_000)),
    c("SpecificResource-source", "Class", "oa:hasSource", Q1_TARGET, put(Q1_TARGET, OA.hasSource, PAPADOPOULOU)),
    c("SpecificResource-selector", "MinCount", "oa:hasSelector", Q1_TARGET, drop(Q1_TARGET, OA.hasSelector, Q1_POSITION)),
    c("SpecificResource-selector", "MaxCount", "oa:hasSelector", Q1_TARGET, add(Q1_TARGET, OA.hasSelector, n("quote/TV-C001-2/quote"))),
    c("SpecificResource-selectorType", "HasValue", "oa:hasSelector/rdf:type", Q1_TARGET,
      put(Q1_QUOTE, RDF.type, OA.TextPositionSelector), "no TextQuoteSelector"),
    c("SpecificResource-selectorType", "HasValue", "oa:hasSelector/rdf:type", Q1_TARGET,
      put(Q1_POSITION, RDF.type, OA.TextQuoteSelector), "no TextPositionSelector"),
    c("SpecificResource-selectorType", "In", "oa:hasSelector/rdf:type", Q1_TARGET, add(Q1_POSITION, RDF.type, OA.CssSelector)),
    c("TextQuoteSelector-exact", "MinCount", "oa:exact", Q1_QUOTE, drop(Q1_QUOTE, OA.exact)),
    c("TextQuoteSelector-exact", "MaxCount", "oa:exact", Q1_QUOTE, add(Q1_QUOTE, OA.exact, Literal("another"))),
    c("TextQuoteSelector-exact", "Datatype", "oa:exact", Q1_QUOTE, put(Q1_QUOTE, OA.exact, integer(1))),
    c("TextQuoteSelector-exact", "MinLength", "oa:exact", Q1_QUOTE, put(Q1_QUOTE, OA.exact, Literal(""))),
    c("TextQuoteSelector-prefix", "MaxCount", "oa:prefix", Q1_QUOTE, add(Q1_QUOTE, OA.prefix, Literal("another"))),
    c("TextQuoteSelector-prefix", "Datatype", "oa:prefix", Q1_QUOTE, put(Q1_QUOTE, OA.prefix, integer(1))),
    c("TextQuoteSelector-suffix", "MaxCount", "oa:suffix", Q1_QUOTE, add(Q1_QUOTE, OA.suffix, Literal("another"))),
    c("TextQuoteSelector-suffix", "Datatype", "oa:suffix", Q1_QUOTE, put(Q1_QUOTE, OA.suffix, integer(1))),
    c("TextPositionSelector-start", "MinCount", "oa:start", Q1_POSITION, drop(Q1_POSITION, OA.start)),
    c("TextPositionSelector-start", "MaxCount", "oa:start", Q1_POSITION, add(Q1_POSITION, OA.start, count(1))),
    c("TextPositionSelector-start", "Datatype", "oa:start", Q1_POSITION, put(Q1_POSITION, OA.start, Literal("6112"))),
    c("TextPositionSelector-start", "LessThan", "oa:start", Q1_POSITION, put(Q1_POSITION, OA.start, count(99999)), "quote ends before it starts"),
    c("TextPositionSelector-end", "MinCount", "oa:end", Q1_POSITION, drop(Q1_POSITION, OA.end)),
    c("TextPositionSelector-end", "MaxCount", "oa:end", Q1_POSITION, add(Q1_POSITION, OA.end, count(99999))),
    c("TextPositionSelector-end", "Datatype", "oa:end", Q1_POSITION, put(Q1_POSITION, OA.end, Literal("6156"))),
    # nanopublications
    *[c(f"Nanopublication-{part}", comp, f"np:{prop}", NP1, mutate)
      for part, prop in (("assertion", "hasAssertion"), ("provenance", "hasProvenance"), ("pubinfo", "hasPublicationInfo"))
      for comp, mutate in (
          ("MinCount", drop(NP1, NP[prop])),
          ("MaxCount", add(NP1, NP[prop], URIRef(f"{DATA}np/TV-C002#{part}"))),
          ("NodeKind", put(NP1, NP[prop], Literal(f"{NP1}#{part}"))),
          ("Pattern", put(NP1, NP[prop], URIRef(f"{NP1}#{part}-graph"))),
      )],
    c("Nanopublication-license", "MinCount", "dcterms:license", NP1, drop(NP1, DCTERMS.license)),
    c("Nanopublication-license", "MaxCount", "dcterms:license", NP1, add(NP1, DCTERMS.license, URIRef("https://creativecommons.org/publicdomain/zero/1.0/"))),
    c("Nanopublication-license", "NodeKind", "dcterms:license", NP1, put(NP1, DCTERMS.license, Literal("CC BY 4.0"))),
    c("Nanopublication-generatedBy", "MinCount", "prov:wasGeneratedBy", NP1, drop(NP1, PROV.wasGeneratedBy)),
    c("Nanopublication-generatedBy", "MaxCount", "prov:wasGeneratedBy", NP1, add(NP1, PROV.wasGeneratedBy, URIRef("https://example.org/tool"))),
    c("Nanopublication-generatedBy", "NodeKind", "prov:wasGeneratedBy", NP1, put(NP1, PROV.wasGeneratedBy, Literal("jakkg 0.1.0"))),
    c("Nanopublication-created", "MinCount", "dcterms:created", NP1, drop(NP1, DCTERMS.created), "pubinfo without a date"),
    c("Nanopublication-created", "MaxCount", "dcterms:created", NP1,
      add(NP1, DCTERMS.created, Literal("2027-01-05T00:00:00", datatype=XSD.dateTime))),
    c("Nanopublication-created", "Datatype", "dcterms:created", NP1, put(NP1, DCTERMS.created, Literal("2026-11-21", datatype=XSD.date))),
    c("Nanopublication-creator", "MinCount", "dcterms:creator", NP1, drop(NP1, DCTERMS.creator), "pubinfo without a curator"),
    c("Nanopublication-creator", "NodeKind", "dcterms:creator", NP1, put(NP1, DCTERMS.creator, Literal("jakkg curation team"))),
    c("Nanopublication-creator", "Pattern", "dcterms:creator", NP1, put(NP1, DCTERMS.creator, URIRef("https://example.org/someone")),
      "a curator neither ORCID nor jakkg agent"),
    c("Agent-label", "MinCount", "rdfs:label", TEAM, drop(TEAM, RDFS.label)),
    c("Agent-label", "MaxCount", "rdfs:label", TEAM, add(TEAM, RDFS.label, Literal("another name"))),
    c("Agent-label", "Datatype", "rdfs:label", TEAM, put(TEAM, RDFS.label, integer(1))),
    c("Assertion-derivedFrom", "MinCount", "prov:wasDerivedFrom", NP1_ASSERTION, drop(NP1_ASSERTION, PROV.wasDerivedFrom)),
    c("Assertion-derivedFrom", "MaxCount", "prov:wasDerivedFrom", NP1_ASSERTION, add(NP1_ASSERTION, PROV.wasDerivedFrom, PAPER_000)),
    c("Assertion-derivedFrom", "Class", "prov:wasDerivedFrom", NP1_ASSERTION, put(NP1_ASSERTION, PROV.wasDerivedFrom, PAPADOPOULOU)),
]


def camel(key: str) -> str:
    return "".join(w.capitalize() for w in key.split("_"))


def predicate_cases() -> list[Case]:
    """For every predicate of the ontology: a claim whose subject, then object, is of a category it does not take."""
    cases = []
    target = claim("TV-A01")
    for key, pred in sorted(default_vocabulary().predicates.items()):
        for role, prop in (("subject", RDF.subject), ("object", RDF.object)):
            cases.append(c(f"{camel(key)}-{role}", "SPARQL", f"rdf:{role}", target,
                           both(put(target, RDF.predicate, pred.iri), put(target, prop, OPEN_LABEL)),
                           f"{key} with a study design as {role}"))
    return cases


IDENTIFIER_SHAPES = {  # category class -> the shape that expects its identifiers
    BIOLINK.Drug: "Drug", JAKKG.DrugClass: "DrugClass", BIOLINK.Procedure: "Procedure", BIOLINK.Gene: "Gene",
    BIOLINK.Protein: "Protein", BIOLINK.BiologicalProcess: "BiologicalProcess", BIOLINK.Disease: "Disease",
    BIOLINK.PhenotypicFeature: "PhenotypicFeature", JAKKG.OutcomeMeasure: "OutcomeMeasure",
    BIOLINK.AnatomicalEntity: "AnatomicalEntity", BIOLINK.Cell: "Cell", OBO.OBI_0500000: "StudyDesign",
}


def identifier_cases() -> list[Case]:
    """For every category: an entity whose CURIE comes from an ontology the category does not use (a warning)."""
    node = URIRef("https://example.org/entity/1")
    return [c(f"{name}-identifier", "Pattern", "dcterms:identifier", node,
              both(add(node, RDF.type, cls), add(node, DCTERMS.identifier, Literal("FOO:0001"))),
              f"{name} identified by FOO", W)
            for cls, name in IDENTIFIER_SHAPES.items()]


ALL_CASES = CASES + predicate_cases() + identifier_cases()


@pytest.fixture(scope="module")
def base_findings(base_graph: Graph, shapes: Graph) -> Callable[[str], list[Finding]]:
    """The findings of one shape on the unbroken graph."""
    @functools.cache
    def of(shape: str) -> list[Finding]:
        return validate_graph(base_graph, shapes, only=[JKS[shape]]).findings
    return of


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda k: k.name)
def test_error_is_reported_by_its_shape(case: Case, base_graph: Graph, shapes: Graph, base_findings) -> None:
    """Each mutation breaks a correct graph the way a curator could; the shape meant for it reports it.

    Only the shape under test runs (with the helper shapes it refers to): all
    the shapes on each of these mutations would take minutes. The end-to-end
    tests below run every shape on the errors the issue names.
    """
    assert not any(case.matches(f) for f in base_findings(case.shape)), "the unbroken graph already fails this way"
    broken = copy(base_graph)
    case.mutate(broken)
    report = same_verdicts(broken, shapes, only=[JKS[case.shape]])
    got = [(f.shape, f.component, f.path, f.focus, f.severity) for f in report.findings]
    assert any(case.matches(f) for f in report.findings), got
    assert report.conforms == (case.severity != "Violation")


def shape_constraints(shapes: Graph) -> set[tuple[str, str]]:
    """(shape, component) for every constraint of every targeted shape."""
    found = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        for shape in shapes.subjects(RDF.type, kind):
            if not any((shape, t, None) in shapes for t in TARGETS):
                continue
            name = str(shape).removeprefix(str(JKS))
            for param, component in COMPONENTS.items():
                if (shape, param, None) in shapes:
                    found.add((name, component))
    return found


def test_every_constraint_has_a_negative_test(shapes: Graph) -> None:
    constraints = shape_constraints(shapes)
    assert len(constraints) > 250
    tested = {(k.shape, k.component) for k in ALL_CASES}
    assert constraints - tested == set(), "constraints without a negative test"
    assert tested - constraints == set(), "tests of constraints that do not exist"


def test_every_constraint_shape_is_named(shapes: Graph) -> None:
    """A blank-node shape with a target could not be named by a report or a test."""
    for t in TARGETS:
        assert [s for s in shapes.subjects(t, None) if isinstance(s, BNode)] == []


# Terms of SHACL Advanced Features (a W3C Note) and SHACL-JS. Apache Jena and TopBraid refuse a parameterised
# SPARQL target ("Missing required parameter"): the shapes keep to SHACL 1.0, Core and SHACL-SPARQL.
SHACL_AF_TERMS = {
    SH.target, SH.SPARQLTarget, SH.SPARQLTargetType, SH.SPARQLFunction, SH.rule, SH.SPARQLRule, SH.TripleRule,
    SH.condition, SH.entailment, SH.JSTarget, SH.JSTargetType, SH.JSConstraint, SH.JSFunction, SH.JSRule,
    SH.js, SH.expression, SH.filterShape,
}


def test_shapes_use_no_shacl_af_extension(shapes: Graph) -> None:
    """Any SHACL engine runs the shapes: none uses a SHACL-AF target, rule, function or node expression."""
    used = {term for term in SHACL_AF_TERMS for triple in ((None, term, None), (None, RDF.type, term)) if triple in shapes}
    assert used == set()


def test_predicate_rules_read_what_they_check(shapes: Graph) -> None:
    """The reading of the predicate rules that the agreement test relies on sees all of them, both roles each."""
    rules = predicate_rules(shapes)
    assert len(rules) == len(default_vocabulary().predicates)
    assert all(set(roles) == {"subject", "object"} for roles in rules.values())
    assert rules[OBO.RO_0002449] == {"subject": {BIOLINK.Drug, JAKKG.DrugClass}, "object": {BIOLINK.Gene, BIOLINK.Protein}}


def test_predicate_rules_use_the_untyped_patterns(shapes: Graph) -> None:
    """The IRI patterns in the predicate rules' SPARQL are those of the jks:Untyped* shapes, character for character."""
    untyped = {str(p) for s, p in shapes.subject_objects(SH.pattern) if str(s).startswith(f"{JKS}Untyped")}
    used = set()
    for shape in shapes.subjects(SH.targetSubjectsOf, RDF.predicate):
        select = str(shapes.value(shapes.value(shape, SH.sparql), SH.select))
        used |= {s.replace("\\\\", "\\") for s in re.findall(r'regex\(STR\(\?value\), "((?:[^"\\]|\\.)*)"\)', select)}
    assert len(untyped) == 8 and used == untyped


# end to end: the whole shapes file on the broken graph, and the report locates the record
E2E = {
    "drop the quote": (lambda g: g.remove((n("quote/TV-C004-1"), None, None)), "jks:Quoted-quote", "^oa:hasBody",
                       ("claim", "TV-C004", "900.yaml")),
    "swap subject and object": (both(put(claim("TV-A01"), RDF.subject, JAK1), put(claim("TV-A01"), RDF.object, BARICITINIB)),
                                "jks:Inhibits-subject", "rdf:subject", ("claim", "TV-A01", "901.yaml")),
    "a drug as a pathway": (put(claim("TV-A02"), RDF.object, BARICITINIB), "jks:InvolvedIn-object", "rdf:object",
                            ("claim", "TV-A02", "901.yaml")),
    "responders > N": (put(C2, JAKKG.responders, count(20)), "jks:Claim-responders", "jakkg:responders", ("claim", "TV-C002", "900.yaml")),
    "percent inconsistent": (put(C2, JAKKG.percentage, dec(50)), "jks:Claim-percentMatchesCounts", "jakkg:percentage",
                             ("claim", "TV-C002", "900.yaml")),
    "malformed DOI": (put(PAPER_002, BIBO.doi, Literal("doi:10.1016/j.jaad.2022.10.055")), "jks:Claim-sourceDoi",
                      "dcterms:source/bibo:doi", ("claim", "TV-C001", "900.yaml")),
    "negative SD (on a statistic)": (put(C1_BASE, JAKKG.sd, dec(-13)), "jks:Stat-sd", "jakkg:sd", ("claim", "TV-C001", "900.yaml")),
    "p > 1 (on a p-value)": (put(n("claim/TV-D01/p-value"), JAKKG.singleValue, dec("1.5")), "jks:PValue-value", "jakkg:singleValue",
                             ("claim", "TV-D01", "902.yaml")),
    "follow-up without baseline": (drop(C1, JAKKG.baseline), "jks:ClaimWithFollowUp-baseline", "jakkg:baseline",
                                   ("claim", "TV-C001", "900.yaml")),
    "follow-up of zero months": (put(D03_DURATION, JAKKG.min, dec(0)), "jks:FollowUpDuration-positive", ALL_NUMBERS,
                                 ("claim", "TV-D03", "902.yaml")),
    "patient drug not in cohort": (put(P1, JAKKG.treatedWith, TOFACITINIB), "jks:Patient-drugInCohort", "jakkg:treatedWith",
                                   ("patient", "TV-LC-P1", "900.yaml")),
    "measurement above its scale": (put(P6_MMT8, JAKKG.singleValue, dec(160)), "jks:Stat-singleValue", "jakkg:singleValue",
                                    ("patient", "TV-LC-P6", "900.yaml")),
    "quote ends before it starts (on a selector)": (put(Q1_POSITION, OA.start, count(99999)), "jks:TextPositionSelector-start",
                                                    "oa:start", ("claim", "TV-C001", "900.yaml")),
    "nanopublication without provenance": (drop(NP1, NP.hasProvenance), "jks:Nanopublication-provenance", "np:hasProvenance",
                                           ("claim", "TV-C001", "900.yaml")),
}


@pytest.mark.parametrize("name", sorted(E2E))
def test_full_validation_reports_error_at_its_record(name: str, base_graph: Graph, shapes: Graph) -> None:
    mutate, shape, path, (kind, item, file) = E2E[name]
    broken = copy(base_graph)
    mutate(broken)
    report = same_verdicts(broken, shapes)
    assert not report.conforms
    hits = [f for f in report.findings if f.shape == shape and f.path == path and f.item == item]
    assert hits, report.text()
    f = hits[0]
    assert (f.kind, f.file.endswith(f"claims/{file}"), f.line) == (kind, True, yaml_line(file, item))
    block = report.text().split(f"\n{kind} {item}  ")[1].split("\n\n")[0]
    assert f"claims/{file}:{f.line}" in block and shape in block and path in block


def test_untyped_entities_are_judged_by_their_iri(base_graph: Graph, shapes: Graph) -> None:
    """Where the graph asserts no class, the standard IRI pattern stands in for it."""
    only = [JKS["Inhibits-object"], JKS["InvolvedIn-subject"], JKS["InvolvedIn-object"]]
    untyped = copy(base_graph)
    untyped.remove((JAK1, RDF.type, None))
    untyped.remove((TYPE_I_IFN, RDF.type, None))
    assert validate_graph(untyped, shapes, only=only).findings == []  # an HGNC gene, a GO process: accepted
    untyped.remove((BARICITINIB, RDF.type, None))
    untyped.set((claim("TV-A02"), RDF.object, BARICITINIB))  # an untyped CHEBI drug as a pathway
    findings = validate_graph(untyped, shapes, only=only).findings
    assert [(f.shape, f.item) for f in findings] == [("jks:InvolvedIn-object", "TV-A02")]


# -- (b) shapes and ontology agree -------------------------------------------------------------
def shape_nodes(shapes: Graph) -> set:
    nodes = set()
    for kind in (SH.NodeShape, SH.PropertyShape):
        nodes.update(shapes.subjects(RDF.type, kind))
    for param in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape):
        nodes.update(shapes.objects(None, param))
    for param in (SH["or"], SH["and"], SH.xone):
        for lst in shapes.objects(None, param):
            nodes.update(Collection(shapes, lst))
    return nodes


def path_terms(shapes: Graph, path) -> set:
    if isinstance(path, URIRef):
        return {path}
    if (path, RDF.first, None) in shapes:
        return set().union(*(path_terms(shapes, p) for p in Collection(shapes, path)))
    terms: set = set()
    for param in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        if (inner := shapes.value(path, param)) is not None:
            terms |= path_terms(shapes, inner)
    if (alt := shapes.value(path, SH.alternativePath)) is not None:
        terms |= path_terms(shapes, alt)
    return terms


def terms_used(shapes: Graph) -> dict[URIRef, set[str]]:
    """Every class, property and individual of the data that a shape names, with the shapes naming it."""
    used: dict[URIRef, set[str]] = {}

    def note(term, shape) -> None:
        if isinstance(term, URIRef):
            used.setdefault(term, set()).add(str(shape))

    for shape in shape_nodes(shapes):
        for param in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH["class"], SH.hasValue,
                      SH.lessThan, SH.lessThanOrEquals, SH.equals, SH.disjoint):
            for term in shapes.objects(shape, param):
                note(term, shape)
        for path in shapes.objects(shape, SH.path):
            for term in path_terms(shapes, path):
                note(term, shape)
        for lst in shapes.objects(shape, SH["in"]):
            for term in Collection(shapes, lst):
                note(term, shape)
    for select in shapes.objects(None, SH.select):  # SPARQL constraints
        for local in re.findall(r"\bjakkg:(\w+)", str(select)):
            note(JAKKG[local], "SPARQL")
    return used


def undeclared_terms(shapes: Graph, ontology: Graph) -> dict[URIRef, set[str]]:
    declared = set(ontology.subjects(RDF.type, None)) | EXTERNAL_TERMS
    return {t: s for t, s in terms_used(shapes).items() if t not in declared and not str(t).startswith(str(SH))}


def classes_without_shapes(shapes: Graph, classes: set) -> set:
    targeted = set(shapes.objects(None, SH.targetClass))
    return {cls for cls in classes if cls not in targeted}


def ontology_classes_for_data(ontology: Graph, *graphs: Graph) -> set:
    """Classes the data instantiates, and every category a curator may use."""
    used = {o for g in graphs for o in g.objects(None, RDF.type)}
    keyed = {s for s in ontology.subjects(JAKKG.curationKey, None) if (s, RDF.type, OWL.Class) in ontology}
    return used | keyed


def test_shapes_name_only_declared_terms(shapes: Graph, ontology: Graph) -> None:
    assert undeclared_terms(shapes, ontology) == {}


def test_every_class_of_the_data_has_a_shape(shapes: Graph, ontology: Graph, dataset, base_graph: Graph) -> None:
    classes = ontology_classes_for_data(ontology, merged_graph(dataset), base_graph)
    assert JAKKG.Claim in classes and JAKKG.PatientMeasurement in classes and OA.TextPositionSelector in classes
    declared = set(ontology.subjects(RDF.type, OWL.Class)) | EXTERNAL_TERMS
    assert classes - declared == set(), "the data uses classes that neither the ontology nor the external list declares"
    assert classes_without_shapes(shapes, classes) == set()


def test_every_property_of_the_data_has_a_shape(shapes: Graph, dataset, base_graph: Graph) -> None:
    """Each property used on a typed node is a path of a shape that targets the node's class or the property."""
    claim_predicates = {p.iri for p in default_vocabulary().predicates.values()}
    paths: dict[URIRef, set] = {}  # target (class, or property for targetSubjectsOf) -> terms of the paths
    for shape in shape_nodes(shapes):
        terms = set().union(set(), *(path_terms(shapes, p) for p in shapes.objects(shape, SH.path)))
        for param in (SH.targetClass, SH.targetSubjectsOf):
            for target in shapes.objects(shape, param):
                paths.setdefault(target, set()).update(terms)
    missing = set()
    for g in (merged_graph(dataset), base_graph):
        for s, p, _ in g:
            types = set(g.objects(s, RDF.type))
            if p == RDF.type or not types:
                continue  # untyped nodes (a nanopublication's graphs) are checked through sh:targetObjectsOf
            if p in claim_predicates and JAKKG.Claim not in types:
                continue  # the plain "subject predicate object" triple of a claim is checked on the claim node
            if not any(p in paths.get(t, set()) for t in types) and p not in paths.get(p, set()):
                missing.add((", ".join(sorted(map(str, types))), str(p)))
    assert missing == set()


def predicate_rules(shapes: Graph) -> dict[URIRef, dict[str, set]]:
    """Predicate IRI -> {"subject": classes, "object": classes}, read from the SPARQL of the predicate shapes.

    Each rule selects its claims with ``$this rdf:predicate P`` and lists the
    classes it takes in ``NOT IN (...)``; prefixed names expand with the
    shapes file's sh:declare.
    """
    declared = {str(shapes.value(d, SH.prefix)): str(shapes.value(d, SH.namespace)) for d in shapes.objects(None, SH.declare)}

    def expand(curie: str) -> URIRef:
        prefix, _, local = curie.partition(":")
        return URIRef(declared[prefix] + local)

    rules: dict[URIRef, dict[str, set]] = {}
    for shape in shapes.subjects(SH.targetSubjectsOf, RDF.predicate):
        select = str(shapes.value(shapes.value(shape, SH.sparql), SH.select))
        pred = re.search(r"\$this rdf:predicate (\S+) ;", select)
        classes = re.search(r"NOT IN \(([^)]*)\)", select)
        assert pred and classes, shape
        role = str(shapes.value(shape, SH.path)).rsplit("#", 1)[1]
        rules.setdefault(expand(pred.group(1)), {})[role] = {expand(c.strip()) for c in classes.group(1).split(",")}
    return rules


def test_predicate_shapes_match_the_ontology(shapes: Graph) -> None:
    vocab = default_vocabulary()
    by_predicate = predicate_rules(shapes)
    assert set(by_predicate) == {p.iri for p in vocab.predicates.values()}
    for p in vocab.predicates.values():
        assert by_predicate[p.iri] == {"subject": set(p.subject_classes), "object": set(p.object_classes)}, p.key
    claim_predicates = set(Collection(shapes, shapes.value(JKS["Claim-predicate"], SH["in"])))
    assert claim_predicates == {p.iri for p in vocab.predicates.values()}


def test_value_sets_match_the_ontology(shapes: Graph) -> None:
    vocab = default_vocabulary()

    def listed(shape: str) -> set:
        return set(Collection(shapes, shapes.value(JKS[shape], SH["in"])))

    assert listed("Claim-hedging") == set(vocab.hedging.values())
    assert listed("Claim-direction") == set(vocab.directions.values())
    assert listed("Claim-timePointLabel") == listed("Stat-timePointLabel") == set(vocab.time_points.values())
    assert listed("Claim-category") == {JAKKG.Claim, BIOLINK.Association, *vocab.claim_categories.values()}
    assert set(shapes.objects(JKS["Category-isClaim"], SH.targetClass)) == set(vocab.claim_categories.values())
    assert listed("Annotation-bodyType") == {JAKKG.Claim, BIOLINK.Association, JAKKG.Cohort, JAKKG.Patient, *vocab.claim_categories.values()}
    assert set(shapes.objects(JKS["Entity-label"], SH.targetClass)) == set(vocab.categories.values())
    qualified = shapes.value(JKS["Entity-category"], SH.qualifiedValueShape)
    assert set(Collection(shapes, shapes.value(qualified, SH["in"]))) == set(vocab.categories.values())
    assert set(IDENTIFIER_SHAPES) == set(vocab.categories.values())


def test_agreement_checks_catch_drift(shapes: Graph, ontology: Graph) -> None:
    """The agreement tests above would fail on a shape for an undeclared term or a class left without a shape."""
    drifted = copy(shapes)
    drifted.add((JKS["Claim-typo"], RDF.type, SH.PropertyShape))
    drifted.add((JKS["Claim-typo"], SH.targetClass, JAKKG.Claimm))
    drifted.add((JKS["Claim-typo"], SH.path, JAKKG.respondrs))
    assert set(undeclared_terms(drifted, ontology)) == {JAKKG.Claimm, JAKKG.respondrs}
    for shape in list(drifted.subjects(SH.targetClass, JAKKG.Cohort)):
        drifted.remove((shape, SH.targetClass, JAKKG.Cohort))
    assert classes_without_shapes(drifted, {JAKKG.Cohort, JAKKG.Claim}) == {JAKKG.Cohort}


# -- (d) the command line ------------------------------------------------------------------
def write_broken(base_graph: Graph, path: Path) -> Path:
    broken = copy(base_graph)
    broken.set((C2, JAKKG.responders, count(20)))
    broken.serialize(path, format="turtle")
    return path


def test_cli_validate_conforming_graph_exits_0_and_prints_warnings(built: Path) -> None:
    result = run_cli("validate", built / "jakdm.ttl")
    assert result.exit_code == 0, result.output
    assert "conforms" in result.stdout and "does not conform" not in result.stdout
    assert "Warning" in result.stdout and "jks:Entity-verified" in result.stdout


def test_cli_validate_broken_graph_names_claim_file_and_line(base_graph: Graph, tmp_path: Path) -> None:
    result = run_cli("validate", write_broken(base_graph, tmp_path / "broken.ttl"))
    assert result.exit_code == 1, result.output
    line = yaml_line("900.yaml", "TV-C002")
    block = result.stdout.split("\nclaim TV-C002  ")[1].split("\n\n")[0]
    assert re.match(rf"\S*claims/900\.yaml:{line}\n", block), block
    assert "Violation jakkg:responders = 20" in block and "<jks:Claim-responders>" in block
    assert "percent 88" in block and "20/16" in block  # the SPARQL rule says which numbers disagree
    assert "Traceback" not in result.output


def test_cli_validate_machine_reports(base_graph: Graph, tmp_path: Path) -> None:
    broken = write_broken(base_graph, tmp_path / "broken.ttl")
    result = run_cli("validate", broken, "--format", "json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["conforms"] is False and doc["violations"] == 2
    hit = next(r for r in doc["results"] if r["shape"] == "jks:Claim-responders")
    assert (hit["kind"], hit["item"], hit["line"], hit["path"], hit["value"]) == ("claim", "TV-C002", yaml_line("900.yaml", "TV-C002"),
                                                                                 "jakkg:responders", "20")
    out = tmp_path / "report.ttl"
    result = run_cli("validate", broken, "--format", "turtle", "--output", out)
    assert result.exit_code == 1 and "claim TV-C002" in result.stdout and f"wrote {out}" in result.stdout
    report = Graph().parse(out, format="turtle")
    assert (None, SH.conforms, Literal(False)) in report
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) == len(doc["results"])


def test_cli_validate_warnings_alone_exit_0(base_graph: Graph, tmp_path: Path) -> None:
    weaker = copy(base_graph)
    weaker.remove((C1, JAKKG.pValue, None))  # a change without its p-value: weaker, not wrong
    weaker.serialize(tmp_path / "weaker.nt", format="nt", encoding="utf-8")
    result = run_cli("validate", tmp_path / "weaker.nt")
    assert result.exit_code == 0, result.output
    assert "jks:ClaimWithFollowUp-pValue" in result.stdout and "claim TV-C001" in result.stdout


@pytest.mark.parametrize("name, content, expected", [
    ("missing.ttl", None, r"missing\.ttl: file not found"),
    ("bad.ttl", '@prefix ex: <http://e/> .\nex:a ex:b ex:c .\nex:a ex:b "open .\n', r"bad\.ttl:3: cannot parse as turtle"),
    ("bad.trig", "<http://e/g> {\n <http://e/a> <http://e/b> .\n}\n", r"bad\.trig:2: cannot parse as trig"),
    ("bad.nt", "<http://e/a> <http://e/b> <http://e/c> .\n<http://e/a> <http://e/b> oops .\n", r"bad\.nt:2: cannot parse as nt"),
    ("bad.rdf", '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n<x>\n</rdf:RDF>\n', r"bad\.rdf:3:\d+: cannot parse as xml"),
    ("graph.csv", "a,b\n", r"graph\.csv: unknown RDF format '\.csv'"),
])
def test_cli_validate_unusable_input_exits_2(name: str, content: str | None, expected: str, tmp_path: Path) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_text(content, encoding="utf-8")
    result = run_cli("validate", path)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and re.search(expected, lines[0]), result.stderr
    assert "Traceback" not in result.output


def test_cli_validate_broken_shapes_exit_2(built: Path, tmp_path: Path) -> None:
    text = (ROOT / "shapes" / "jakkg.shapes.ttl").read_text(encoding="utf-8")
    syntax = tmp_path / "syntax.ttl"
    syntax.write_text(text.replace("sh:path rdf:subject ;", 'sh:path rdf:subject "unclosed ;', 1), encoding="utf-8")
    bad_line = next(i for i, t in enumerate(syntax.read_text().splitlines(), start=1) if '"unclosed' in t)
    result = run_cli("validate", built / "jakdm.ttl", "--shapes", syntax)
    assert result.exit_code == 2, result.output
    assert re.fullmatch(rf"error: \S*syntax\.ttl:{bad_line}: shapes file is not valid Turtle: .+", result.stderr.strip())
    invalid = tmp_path / "invalid.ttl"
    invalid.write_text(text.replace('sh:minInclusive 0 ; sh:maxInclusive 1 ;', 'sh:minInclusive 0 ; sh:maxInclusive 1 ; sh:minCount "one" ;'),
                       encoding="utf-8")
    shape_line = next(i for i, t in enumerate(text.splitlines(), start=1) if t.startswith("jks:PValue-value "))
    result = run_cli("validate", built / "jakdm.ttl", "--shapes", invalid)
    assert result.exit_code == 2, result.output
    assert re.fullmatch(rf"error: \S*invalid\.ttl:{shape_line}: invalid shape jks:PValue-value: .*minCount.*", result.stderr.strip())
    assert "Traceback" not in result.output


def test_build_refuses_non_conforming_graph_and_keeps_previous_build(tmp_path: Path, seeds_dir: Path) -> None:
    data = make_fixture_data(tmp_path / "data")
    out = tmp_path / "build"
    first = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out)
    assert first.exit_code == 0, first.output
    assert "conforms" in first.stdout
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}  # .cache/ holds validation results, not outputs
    claims = data / "claims" / "900.yaml"
    text = claims.read_text(encoding="utf-8")
    # passes every load-time check, but the patient's drug is not one of its cohort's
    claims.write_text(text.replace("    drugs: [ruxolitinib]\n", "    drugs: [tofacitinib]\n", 1), encoding="utf-8")
    refused = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out)
    assert refused.exit_code == 1, refused.output
    assert "patient TV-LC-P1" in refused.stderr and f"900.yaml:{yaml_line('900.yaml', 'TV-LC-P1')}" in refused.stderr
    assert "jks:Patient-drugInCohort" in refused.stderr and "nothing written" in refused.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before  # untouched, no temporary files left
    forced = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out, "--no-validate")
    assert forced.exit_code == 0, forced.output
    assert "obo:CHEBI_71200" in (out / "jakdm.ttl").read_text(encoding="utf-8")
    assert run_cli("validate", out / "jakdm.ttl").exit_code == 1


# -- the build's validation: paper by paper, cached --------------------------------------
def test_partitioned_validation_equals_pyshacl_on_the_whole_graph(corpus, dataset) -> None:
    """What `jakkg build` runs (pyshacl-turbo, one partition per paper, 2 processes) says what pySHACL says on the merged graph."""
    from jakkg.build import build_graph
    from jakkg.validate import validate_built

    built = build_graph(corpus)
    partitioned = validate_built(built, jobs=2)
    reference = validate_graph(merged_graph(dataset), engine="pyshacl")
    assert verdicts(partitioned) == verdicts(reference)
    assert sorted((f.kind, f.item, f.file, f.line) for f in partitioned.findings) == \
        sorted((f.kind, f.item, f.file, f.line) for f in reference.findings)
    assert partitioned.checked == len(built.parts) and partitioned.reused == 0


def test_partition_holds_what_its_records_refer_to(corpus) -> None:
    """A claim's partition carries the entities, studies and other papers' records it names, and the records that name it."""
    from jakkg.build import SHARED, build_graph, claim_iri, term

    built = build_graph(corpus)
    partitions = built.partitions()
    c023, c008 = term(claim_iri("AL19-C023")), term(claim_iri("LC19-C008"))  # 000 and 001 disagree on a case's drug
    own_000, own_001 = built.owner(c023), built.owner(c008)
    assert own_000 != own_001
    assert set(built.record_lines(c008)) <= set(partitions[own_000]), "the disagreeing claim of the other paper"
    assert set(built.record_lines(c023)) <= set(partitions[own_001]), "and the other way round"
    assert not any(line.startswith(c023.replace(">", "/")) for line in partitions[SHARED])
    assert len(partitions[SHARED]) == len(built.parts[SHARED]), "entities and studies need no context"


def test_rebuild_validates_only_what_changed(tmp_path: Path, seeds_dir: Path) -> None:
    """The second build reuses every cached partition; editing one paper revalidates that paper (and those naming it)."""
    from .conftest import copy_data

    data, out = copy_data(tmp_path), tmp_path / "build"
    first = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out, "--report", out / "report.ttl")
    assert first.exit_code == 0, first.output
    report = (out / "report.ttl").read_bytes()
    second = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out, "--report", out / "report.ttl")
    assert "validated 0 of 6 partitions" in second.output and (out / "report.ttl").read_bytes() == report
    claims = data / "claims" / "004.yaml"
    claims.write_text(claims.read_text(encoding="utf-8").replace("direction: improved", "direction: worsened", 1), encoding="utf-8")
    third = run_cli("build", "--data", data, "--sources", seeds_dir, "--out", out)
    assert third.exit_code == 0, third.output
    assert "validated 1 of 6 partitions" in third.output, third.output
    assert len(list((out / ".cache" / "validation").glob("*.json"))) == 6, "stale entries are removed"


def test_report_says_conforms_false_when_any_result_exists_but_warnings_exit_0(built: Path, tmp_path: Path) -> None:
    """SHACL 1.0 §3.6.1: sh:conforms is true only without results; jakkg's policy (warnings pass) is stated, not encoded in it."""
    out = tmp_path / "validation-report.ttl"
    result = run_cli("validate", built / "jakdm.ttl", "--format", "turtle", "--output", out)
    assert result.exit_code == 0, result.output
    assert "warnings do not fail jakkg" in result.stdout
    report = Graph().parse(out, format="turtle")
    assert len(list(report.subjects(RDF.type, SH.ValidationResult))) > 0
    assert list(report.objects(None, SH.conforms)) == [Literal(False)]
    assert any("only sh:Violation results fail" in str(c) for c in report.objects(None, RDFS.comment))
