"""Turn a checked corpus into RDF: one nanopublication per claim.

Each claim becomes four named graphs (nanopublication schema):

- ``…/np/ID#Head`` links the parts;
- ``…/np/ID#assertion`` holds the plain triple ``subject predicate object``
  (left out when the claim is negated, so "no herpes zoster was seen" never
  reads as "causes herpes zoster") and the claim node with every qualifier;
- ``…/np/ID#provenance`` says which paper the claim was read in, which study
  it is attributed to, its ECO evidence type and the quote as a W3C Web
  Annotation with TextQuote and TextPosition selectors;
- ``…/np/ID#pubinfo`` says when (``dcterms:created``) and by whom
  (``dcterms:creator``) the claim was curated, as its claims file records it,
  where (file and line), and under which licence.

Entities, papers, studies, cohorts and patients go in one shared graph
(``…/graph/corpus``). No blank nodes are made, so output is deterministic.

The builder writes N-Quads text, not rdflib terms: formatting a line costs
well under a microsecond, where adding an rdflib term costs several, and
stores (Oxigraph) and validators parse N-Quads in bulk at about a million
quads a second. The text is kept in parts -- the records every paper shares
(entities, studies) and one part per paper (its cohorts, patients and
claims) -- so a later stage can validate or cache paper by paper.
:func:`build_dataset` parses the same text into an rdflib Dataset for the
reference engines and the tests.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Dataset, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV

from . import __version__, biolink
from .identifiers import DATA, VOCAB, expand
from .load import CachedRecord, Corpus
from .model import AGENTS, Claim, Cohort, Entity, Measurement, Patient, PValue, Stat, Study

JAKKG = Namespace(VOCAB)
JAKDM = Namespace(DATA)
NP = Namespace("http://www.nanopub.org/nschema#")
OA = Namespace("http://www.w3.org/ns/oa#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
CORPUS_GRAPH = JAKDM["graph/corpus"]
ECO_OWN_STUDY = "ECO:0007121"  # clinical study evidence used in manual assertion
ECO_REFERENCED = "ECO:0006017"  # author statement supported from referenced clinical study used in manual assertion
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
STAT_FIELDS = ("value", "baseline", "followup", "follow_up_duration", "time_to_effect", "dose")
STAT_PROPERTIES = {
    "value": JAKKG.value,
    "baseline": JAKKG.baseline,
    "followup": JAKKG.followUpValue,
    "follow_up_duration": JAKKG.followUpDuration,
    "time_to_effect": JAKKG.timeToEffect,
    "dose": JAKKG.dose,
}
STAT_NUMBERS = {
    "value": JAKKG.singleValue,
    "mean": JAKKG.mean,
    "sd": JAKKG.sd,
    "median": JAKKG.median,
    "q1": JAKKG.q1,
    "q3": JAKKG.q3,
    "min": JAKKG.min,
    "max": JAKKG.max,
    "above": JAKKG.above,  # strict bounds (> and <); min and max are inclusive
    "below": JAKKG.below,
    "out_of": JAKKG.outOf,
}
PREFIXES = {
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "xsd": Namespace(str(XSD)),
    "jakkg": JAKKG,
    "jakdm": JAKDM,
    "claim": JAKDM["claim/"],
    "cohort": JAKDM["cohort/"],
    "patient": JAKDM["patient/"],
    "study": JAKDM["study/"],
    "quote": JAKDM["quote/"],
    "np": NP,
    "oa": OA,
    "prov": PROV,
    "dcterms": DCTERMS,
    "skos": SKOS,
    "bibo": BIBO,
    "owl": OWL,
    "obo": OBO,
    "biolink": Namespace("https://w3id.org/biolink/vocab/"),
    # Biolink's prefixes and IRIs (src/jakkg/prefixes.json), so files join other Biolink graphs
    "HGNC": Namespace("http://identifiers.org/hgnc/"),
    "MESH": Namespace("http://id.nlm.nih.gov/mesh/"),
    "DRUGBANK": Namespace("http://identifiers.org/drugbank/"),
    "EFO": Namespace("http://www.ebi.ac.uk/efo/EFO_"),
}


def _safe(text: str) -> str:
    """An IRI-safe local name for keys such as ``CDASI@P3M``."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def study_label(study: Study) -> str:
    """'Landon-Cardinal et al. 2022': first author's surname and year."""
    surname = study.citation.split(",")[0].split(" ")[0].rstrip(".")
    return f"{surname} et al. {study.year}" if study.year else f"{surname} et al."


def claim_iri(claim_id: str) -> URIRef:
    return JAKDM[f"claim/{claim_id}"]


def nanopub_iri(claim_id: str) -> URIRef:
    return JAKDM[f"np/{claim_id}"]


def part_iri(claim_id: str, part: str) -> URIRef:
    """The IRI of a nanopublication part: Head, assertion, provenance or pubinfo."""
    return URIRef(f"{nanopub_iri(claim_id)}#{part}")


def agent_iri(key: str) -> URIRef:
    """The IRI of a named curator without an ORCID iD (:data:`jakkg.model.AGENTS`)."""
    return JAKDM[f"agent/{key}"]


def creator_iri(curator: str) -> str:
    """A curator as an N-Triples term: the ORCID iD's IRI as written, or the named agent's IRI."""
    return T(agent_iri(curator)) if curator in AGENTS else iri(curator)


def study_iri(study_id: str) -> URIRef:
    return JAKDM[f"study/{study_id}"]


def cohort_iri(cohort_id: str) -> URIRef:
    return JAKDM[f"cohort/{cohort_id}"]


def patient_iri(patient_id: str) -> URIRef:
    return JAKDM[f"patient/{patient_id}"]


# -- N-Triples terms ------------------------------------------------------------
def iri(value: str) -> str:
    """An IRI as an N-Triples term."""
    return f"<{value}>"


_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


def literal(text: str, datatype: str | None = None) -> str:
    """A literal as an N-Triples term; plain strings are xsd:string."""
    quoted = '"' + text.translate(_ESCAPES) + '"'
    return f"{quoted}^^<{datatype}>" if datatype else quoted


def decimal(value: Decimal | int) -> str:
    """A typed xsd:decimal literal in canonical form ('27.0', '0.0001').

    The canonical form always has a decimal point, so Turtle, TriG and
    N-Triples carry the same lexical value (Turtle's decimal shorthand needs it).
    """
    text = format(Decimal(value), "f")
    return literal(text if "." in text else text + ".0", str(XSD.decimal))


def count(value: int) -> str:
    return literal(str(value), str(XSD.nonNegativeInteger))


def boolean(value: bool) -> str:
    return literal("true" if value else "false", str(XSD.boolean))


def triple_line(quad_line: str) -> str:
    """An N-Quads line ``S P O G .`` as the N-Triples line ``S P O .`` (the graph is the last ``<...>``)."""
    return quad_line[: quad_line.rindex(" <", 0, -3)] + " .\n"


@cache
def term(node: URIRef) -> str:
    """An rdflib IRI (vocabulary terms) as an N-Triples term, formatted once."""
    return f"<{node}>"


T = term  # short alias: vocabulary IRI -> N-Triples term
TYPE, LABEL = T(RDF.type), T(RDFS.label)
CORPUS = T(CORPUS_GRAPH)
BL_T = {name: iri(biolink.BIOLINK + name) for name in (
    "category", "Association", "subject", "predicate", "object", "negated", "knowledge_level", "agent_type", "publications")}
STAT_FIELDS_T = {name: T(prop) for name, prop in STAT_PROPERTIES.items()}
STAT_NUMBERS_T = {name: T(prop) for name, prop in STAT_NUMBERS.items()}
SHARED = ""  # the part key of the records every paper shares (entities, studies)


@dataclass
class Part:
    """One paper's lines, its records' line ranges (record term -> (first line, end)) and their links."""

    lines: list[str]
    records: dict[str, tuple[int, int]]
    links: dict[str, set[str]]


@dataclass
class BuiltGraph:
    """The corpus as N-Quads text, in parts: shared records and one part per paper.

    Each part is a list of lines ``S P O G .``; the whole graph is their
    concatenation, in any order (a graph is a set).
    """

    parts: dict[str, list[str]] = field(default_factory=dict)
    records: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # record term -> (part, first line, end)
    links: dict[str, set[str]] = field(default_factory=dict)  # record term -> the terms it refers to
    contents: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # paper -> claims, cohorts, patients (ids)
    claims: int = 0
    cohorts: int = 0
    patients: int = 0
    papers: int = 0
    used: dict[str, set[str]] = field(default_factory=dict)  # part -> keys its records resolved (GraphBuilder.uses)

    def nquads(self, part: str | None = None) -> str:
        """N-Quads text of one part, or of the whole graph."""
        keys = [part] if part is not None else sorted(self.parts)
        return "".join(line for key in keys for line in self.parts.get(key, ()))

    def __len__(self) -> int:
        return sum(len(lines) for lines in self.parts.values())

    def record_lines(self, term: str) -> list[str]:
        part, start, end = self.records[term]
        return self.parts[part][start:end]

    def partitions(self) -> dict[str, list[str]]:
        """Per part, its own lines and, as context, the lines of every record of another part it
        refers to or that refers to one of its records (one hop).

        A SHACL shape on a record looks at that record's nodes and at what it
        names (a cohort's type, a source paper's DOI) or what names it (the
        patients of a cohort), never further, and no shape on an entity or a
        study looks at what names it (the shared part has no such context); so the results of a part's own
        records are the same in its partition as in the whole graph. The tests
        hold the partitioned validation to pySHACL on the whole graph.
        """
        owner = {term: part for term, (part, _, _) in self.records.items()}
        context: dict[str, set[str]] = {part: set() for part in self.parts}
        for source, targets in self.links.items():
            for target in targets:
                if target in owner and owner[target] != owner[source]:
                    context[owner[source]].add(target)
                    if owner[target] != SHARED:  # entities and studies: no shape looks at who names them
                        context[owner[target]].add(source)
        return {part: lines + [line for term in sorted(context[part]) for line in self.record_lines(term)]
                for part, lines in self.parts.items()}

    def paper_parts(self, keys: Iterable[str]) -> dict[str, Part]:
        """Parts ``keys`` with their records' line ranges and links: what the build cache keeps of each paper.

        One pass over the records for all the parts: a pass per paper made
        the cache's write quadratic (66 s of a 100k-claim build).
        """
        records: dict[str, dict[str, tuple[int, int]]] = {key: {} for key in keys}
        links: dict[str, dict[str, set[str]]] = {key: {} for key in records}
        for t, (part, start, end) in self.records.items():
            if part in records:
                records[part][t] = (start, end)
                if t in self.links:
                    links[part][t] = self.links[t]
        return {key: Part(self.parts[key], records[key], links[key]) for key in records}

    def add_part(self, key: str, part: Part) -> None:
        """Put a paper's part, built by an earlier build (see :mod:`jakkg.buildcache`), in this graph."""
        self.parts[key] = part.lines
        self.records.update((t, (key, start, end)) for t, (start, end) in part.records.items())
        self.links.update(part.links)

    def owner(self, term: str) -> str | None:
        """The part whose record ``term`` is."""
        found = self.records.get(term)
        return found[0] if found else None


class GraphBuilder:
    """Writes a corpus as N-Quads lines; one method per kind of record."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.built = BuiltGraph()
        self.used: dict[str, set[str]] = {}  # part -> the keys its records resolved (see :meth:`uses`)
        self.used_here: set[str] = set()
        self.lines: list[str] = self.part(SHARED)
        self.owned: list[str] = []  # lines of nodes a record owns, written after the record's own
        self.current: str | None = None  # the record being written
        self._nodes: dict[str, str] = {}
        self._levels: dict[str, str | None] = {}
        self.studies = corpus.all_studies()  # once: merging the two dicts per claim cost seconds at 100k claims

    def part(self, key: str) -> list[str]:
        """Direct the following lines to part ``key`` (a paper id, or SHARED)."""
        self.lines = self.built.parts.setdefault(key, [])
        self.used_here = self.used.setdefault(key, set())
        return self.lines

    def uses(self, key: str) -> None:
        """Note that the part being written depends on what ``key`` names (a cohort, patient, claim or entity).

        A paper's cached part (:mod:`jakkg.buildcache`) is reused only while
        every key it used still names the same kind of record with the same
        label: another paper adding a cohort named like an entity, or
        renaming a cohort this paper's claims are about, rebuilds it.
        """
        self.used_here.add(key)

    def add(self, g: str, s: str, p: str, o: str) -> None:
        self.lines.append(f"{s} {p} {o} {g} .\n")

    @contextmanager
    def owned_node(self) -> Iterator[None]:
        """Write the block's lines after the current record's own, so each subject's lines stay together.

        Serializers then write every subject once per graph without the
        builder's output having to be grouped or sorted.
        """
        lines, self.lines = self.lines, self.owned
        try:
            yield
        finally:
            self.lines = lines

    def end_record(self) -> None:
        self.lines.extend(self.owned)
        self.owned.clear()

    # -- references --------------------------------------------------------
    def node(self, key: str) -> URIRef:
        """The IRI of whatever a key names: entity, cohort or patient."""
        return URIRef(self.ref(key)[1:-1])

    def ref(self, key: str) -> str:
        """:meth:`node` as an N-Triples term, resolved once per key."""
        self.used_here.add(key)
        if (found := self._nodes.get(key)) is not None:
            return self.to(found)
        c = self.corpus
        if key in c.cohorts:
            found = T(cohort_iri(key))
        elif key in c.patients:
            found = T(patient_iri(key))
        else:
            entity = c.resolve(key)
            assert entity is not None, key  # guaranteed by load_corpus
            found = iri(expand(entity.curie))  # type: ignore[arg-type]
        self._nodes[key] = found
        return self.to(found)

    # -- records and the references between them ---------------------------------
    def to(self, target: str) -> str:
        """A reference from the record being written to ``target``; returns ``target``.

        Validation checks a paper with the records it refers to, and those that
        refer to it, as context (see :meth:`BuiltGraph.partition`).
        """
        if self.current is not None and target != self.current:
            self.built.links.setdefault(self.current, set()).add(target)
        return target

    @contextmanager
    def record(self, term: str, part: str) -> Iterator[None]:
        """Write one record (entity, study, cohort, patient, claim) into ``part`` and index its lines."""
        self.part(part)
        self.current, start = term, len(self.lines)
        try:
            yield
        finally:
            self.built.records[term] = (part, start, len(self.lines))
            self.current = None

    # -- shared records ------------------------------------------------------
    def add_entities(self) -> None:
        for entity in self.corpus.entities.values():
            with self.record(iri(expand(entity.curie)), SHARED):  # type: ignore[arg-type]
                self.add_entity(entity)

    def add_entity(self, entity: Entity) -> None:
        g, add, s = CORPUS, self.add, self.current or ""  # s: the entity's IRI (see add_entities)
        cls = self.corpus.vocab.categories[entity.category]
        add(g, s, TYPE, T(cls))
        self.add_category(g, s, str(cls))
        add(g, s, LABEL, literal(entity.label))
        add(g, s, T(DCTERMS.identifier), literal(entity.curie))
        add(g, s, T(JAKKG.curationKey), literal(entity.key))
        add(g, s, T(JAKKG.verificationStatus), literal("verified" if entity.verified else "unverified"))
        for syn in entity.synonyms:
            add(g, s, T(SKOS.altLabel), literal(syn))
        for xref in entity.xrefs:
            if (x := expand(xref)) is not None:
                add(g, s, T(SKOS.closeMatch), iri(x))
        if entity.curie.startswith("jakkg:") and (broader := biolink.local_broad_match(str(cls))):
            add(g, s, T(SKOS.broadMatch), iri(broader))  # a local term still joins a standard one
        if entity.note:
            add(g, s, T(SKOS.editorialNote), literal(entity.note))
        self.add_located(g, s, entity)

    def add_agents(self) -> None:
        """Each named curator once, in the shared graph: what the pubinfo's ``dcterms:creator`` points to."""
        for key, label in AGENTS.items():
            with self.record(T(agent_iri(key)), SHARED):
                s = self.current or ""
                self.add(CORPUS, s, TYPE, T(PROV.Agent))
                self.add(CORPUS, s, TYPE, T(FOAF.Organization))
                self.add(CORPUS, s, LABEL, literal(label))

    def add_studies(self) -> None:
        for study in self.corpus.all_studies().values():
            with self.record(T(study_iri(study.id)), SHARED):
                self.add_study(study)

    def add_study(self, study: Study) -> None:
        g, add, s = CORPUS, self.add, self.current or ""
        in_corpus = study.id in self.corpus.papers
        add(g, s, TYPE, T(JAKKG.SourcePaper if in_corpus else JAKKG.Study))
        add(g, s, TYPE, T(JAKKG.Study))
        if in_corpus:
            self.add_category(g, s, str(JAKKG.SourcePaper))
        self.add_category(g, s, str(JAKKG.Study))
        add(g, s, T(DCTERMS.bibliographicCitation), literal(study.citation))
        add(g, s, LABEL, literal(study_label(study)))
        if study.year:
            add(g, s, T(DCTERMS.date), literal(str(study.year), str(XSD.gYear)))
        if study.doi:
            add(g, s, T(BIBO.doi), literal(study.doi))
            add(g, s, T(DCTERMS.identifier), literal(f"doi:{study.doi}"))
        for design in study.design:
            add(g, s, T(JAKKG.studyDesign), self.ref(design))
        if study.publication_type:
            add(g, s, T(DCTERMS.type), literal(study.publication_type))
        if study.seed:
            add(g, s, T(JAKKG.seedText), literal(study.seed))
        if study.license:
            add(g, s, T(DCTERMS.license), literal(study.license))
        if in_corpus:
            add(g, s, T(JAKKG.reportsStudy), s)

    def add_cohort(self, cohort: Cohort) -> None:
        g, add = CORPUS, self.add
        s = T(cohort_iri(cohort.id))
        add(g, s, TYPE, T(JAKKG.Cohort))
        self.add_category(g, s, str(JAKKG.Cohort))
        add(g, s, LABEL, literal(cohort.label))
        if cohort.size is not None:  # a population named but not counted has no size
            add(g, s, T(JAKKG.sampleSize), count(cohort.size))
        add(g, s, T(JAKKG.diagnosis), self.ref(cohort.disease))
        for drug in cohort.drugs:
            add(g, s, T(JAKKG.treatedWith), self.ref(drug))
        for design in cohort.design:
            add(g, s, T(JAKKG.studyDesign), self.ref(design))
        add(g, s, T(JAKKG.studiedIn), self.to(T(study_iri(cohort.attributed_to or self.corpus.source_of[cohort.id]))))
        self.add_located(g, s, cohort)
        self.add_quotes(g, s, cohort.id, cohort.quote)

    def add_patient(self, patient: Patient) -> None:
        g, add = CORPUS, self.add
        base = str(patient_iri(patient.id))
        s = iri(base)
        add(g, s, TYPE, T(JAKKG.Patient))
        self.add_category(g, s, str(JAKKG.Patient))
        add(g, s, LABEL, literal(patient.label or f"patient {patient.id}"))
        self.uses(patient.cohort)
        add(g, s, T(JAKKG.memberOf), self.to(T(cohort_iri(patient.cohort))))
        add(g, s, T(JAKKG.diagnosis), self.ref(patient.disease))
        if patient.age_years is not None:
            add(g, s, T(JAKKG.ageYears), decimal(patient.age_years))
        if patient.sex:
            add(g, s, T(JAKKG.sex), literal(patient.sex))
        if patient.disease_duration_years is not None:
            add(g, s, T(JAKKG.diseaseDurationYears), decimal(patient.disease_duration_years))
        if patient.seronegative:
            add(g, s, T(JAKKG.seronegative), boolean(True))
        for antigen in patient.autoantibodies:
            add(g, s, T(JAKKG.hasAutoantibodyAgainst), self.ref(antigen))
        for drug in patient.previous_treatments:
            add(g, s, T(JAKKG.previouslyTreatedWith), self.ref(drug))
        for drug in patient.drugs:
            add(g, s, T(JAKKG.treatedWith), self.ref(drug))
        if patient.dose:
            self.add_stat(g, base, "dose", patient.dose)
        for m in patient.measurements:
            node = iri(f"{base}/measurement/{_safe(m.instrument)}-{_safe(m.time)}")
            add(g, s, T(JAKKG.measurement), node)
            with self.owned_node():
                self.add_measurement(g, node, m)
        if patient.attributed_to:
            add(g, s, T(JAKKG.attributedTo), self.to(T(study_iri(patient.attributed_to))))
        add(g, s, T(PROV.wasDerivedFrom), self.to(T(study_iri(self.corpus.source_of[patient.id]))))
        self.add_located(g, s, patient)
        self.end_record()
        self.add_quotes(g, s, patient.id, patient.quote)

    def add_measurement(self, g: str, node: str, m: Measurement) -> None:
        add = self.add
        add(g, node, TYPE, T(JAKKG.PatientMeasurement))
        add(g, node, T(JAKKG.instrument), self.ref(m.instrument))
        self.add_time(g, node, T(JAKKG.statisticTime), m.time)
        add(g, node, T(JAKKG.singleValue), decimal(m.value))
        if m.sd is not None:
            add(g, node, T(JAKKG.sd), decimal(m.sd))
        if m.out_of is not None:
            add(g, node, T(JAKKG.outOf), decimal(m.out_of))
        if m.unit:
            add(g, node, T(JAKKG.unit), literal(m.unit))

    # -- claims ----------------------------------------------------------------
    def add_claim(self, claim: Claim) -> None:
        c, vocab, add = self.corpus, self.corpus.vocab, self.add
        np_iri, s = T(nanopub_iri(claim.id)), T(claim_iri(claim.id))
        head, a, provenance, pubinfo = (T(part_iri(claim.id, part)) for part in ("Head", "assertion", "provenance", "pubinfo"))

        add(head, np_iri, TYPE, T(NP.Nanopublication))
        add(head, np_iri, T(NP.hasAssertion), a)
        add(head, np_iri, T(NP.hasProvenance), provenance)
        add(head, np_iri, T(NP.hasPublicationInfo), pubinfo)

        subj, obj = self.ref(claim.subject), self.ref(claim.object)
        pred = T(vocab.predicates[claim.predicate].iri)
        if not claim.negated:
            add(a, subj, pred, obj)
        add(a, s, TYPE, T(JAKKG.Claim))
        add(a, s, TYPE, T(vocab.claim_categories[claim.category]))
        add(a, s, T(RDF.subject), subj)
        add(a, s, T(RDF.predicate), pred)
        add(a, s, T(RDF.object), obj)
        add(a, s, LABEL, literal(self.claim_label(claim)))
        add(a, s, T(JAKKG.negated), boolean(claim.negated))
        add(a, s, T(JAKKG.hedging), T(vocab.hedging[claim.hedging]))
        if claim.direction:
            add(a, s, T(JAKKG.direction), T(vocab.directions[claim.direction]))
        if claim.population:
            add(a, s, T(JAKKG.population), self.ref(claim.population))
        if claim.instrument:
            add(a, s, T(JAKKG.instrument), self.ref(claim.instrument))
        if claim.n is not None:
            add(a, s, T(JAKKG.responders), count(claim.n))
        if claim.N is not None:
            add(a, s, T(JAKKG.sampleSize), count(claim.N))
        if claim.percent is not None:
            add(a, s, T(JAKKG.percentage), decimal(claim.percent))
        base = str(claim_iri(claim.id))
        for name in STAT_FIELDS:
            if (stat := getattr(claim, name)) is not None:
                self.add_stat(a, base, name, stat)
        if claim.p_value is not None:
            self.add_p_value(a, base, claim.p_value)
        if claim.time_point:
            self.add_time(a, s, T(JAKKG.timePoint), claim.time_point)
        for other in claim.disagrees_with:
            self.uses(other)
            add(a, s, T(JAKKG.disagreesWith), self.to(T(claim_iri(other))))
        if claim.note:
            add(a, s, T(SKOS.editorialNote), literal(claim.note))
        self.add_association(a, s, claim, subj, pred, obj)
        self.end_record()

        paper = self.to(T(study_iri(c.source_of[claim.id])))
        for subject in (a, s):
            add(provenance, subject, T(PROV.wasDerivedFrom), paper)
        add(provenance, s, T(DCTERMS.source), paper)
        if claim.attributed_to:
            add(provenance, s, T(JAKKG.attributedTo), self.to(T(study_iri(claim.attributed_to))))
        evidence = claim.evidence or (ECO_REFERENCED if claim.attributed_to else ECO_OWN_STUDY)
        add(provenance, s, T(JAKKG.evidenceType), iri(expand(evidence)))  # type: ignore[arg-type]
        if (level := self.evidence_level(claim.attributed_to or c.source_of[claim.id])) is not None:
            add(provenance, s, T(JAKKG.evidenceLevel), level)
        add(provenance, s, BL_T["publications"], self.publication(c.source_of[claim.id]))
        self.add_quotes(provenance, s, claim.id, claim.quote)

        self.add_curation(pubinfo, np_iri, claim)
        add(pubinfo, np_iri, T(DCTERMS.license), T(LICENSE))
        add(pubinfo, np_iri, T(PROV.wasGeneratedBy), SOFTWARE)
        self.add_located(pubinfo, np_iri, claim)
        self.add_located(pubinfo, s, claim)

    def add_curation(self, g: str, np_iri: str, claim: Claim) -> None:
        """When and by whom the claim was curated, from its claims file's ``curation:`` block.

        ``dcterms:created`` is an ``xsd:dateTime`` -- the recorded date at the
        start of the day, without a time zone since the data records none --
        because nanopub-java's timestamp check reads only that datatype;
        ``dcterms:creator`` is one of the creator properties its creator check
        accepts (as ``prov:wasAttributedTo`` is; one suffices).
        """
        curation = self.corpus.curation[claim.file]
        self.add(g, np_iri, T(DCTERMS.created), literal(f"{claim.created or curation.created}T00:00:00", str(XSD.dateTime)))
        for curator in curation.curators:
            self.add(g, np_iri, T(DCTERMS.creator), self.to(creator_iri(curator)))

    def evidence_level(self, study_id: str) -> str | None:
        """The OCEBM 2011 level (N-Triples term) of a study's designs, once per study (issue 14, :mod:`jakkg.evidence`)."""
        study = self.studies[study_id]
        for design in study.design:  # every record that shows the level refers to the designs, whichever is built first
            self.ref(design)
        if study_id not in self._levels:
            from .evidence import level_of

            found = level_of(str(self.node(design)) for design in study.design)
            self._levels[study_id] = iri(found[1]) if found else None
        return self._levels[study_id]

    def add_category(self, g: str, s: str, cls: str) -> None:
        """``biolink:category`` of a node of class ``cls``, so a Biolink reader does not see a bare NamedThing."""
        if (category := biolink.category(cls)) is not None:
            self.add(g, s, BL_T["category"], iri(category))

    def add_association(self, g: str, s: str, claim: Claim, subj: str, pred: str, obj: str) -> None:
        """The claim node as a ``biolink:Association``: what a Biolink or KGX reader takes for the edge.

        ``biolink:negated`` is what such readers know of negation (``jakkg:negated``
        means nothing to them), and the Biolink predicate is the one they index;
        the jakkg predicate stays in ``rdf:predicate``. Counts, quotes and the
        other qualifiers are jakkg's own properties; the KGX export
        (:mod:`jakkg.kgx`) writes them as Biolink edge properties.
        """
        add = self.add
        add(g, s, TYPE, BL_T["Association"])
        add(g, s, BL_T["subject"], subj)
        add(g, s, BL_T["predicate"], iri(biolink.predicate(pred[1:-1], claim.direction) or biolink.BIOLINK + "related_to"))
        add(g, s, BL_T["object"], obj)
        add(g, s, BL_T["negated"], boolean(claim.negated))
        add(g, s, BL_T["knowledge_level"], literal(biolink.KNOWLEDGE_LEVEL))
        add(g, s, BL_T["agent_type"], literal(biolink.AGENT_TYPE))

    def publication(self, study_id: str) -> str:
        """The paper as Biolink wants a publication: its DOI IRI (``doi:`` CURIE), else its jakkg IRI."""
        study = self.studies[study_id]
        return iri(f"https://doi.org/{study.doi}") if study.doi else T(study_iri(study_id))

    def claim_label(self, claim: Claim) -> str:
        """A readable one-line label: 'baricitinib inhibits JAK1 (not observed)'."""
        def name(key: str) -> str:
            ent = self.corpus.resolve(key)
            if ent is not None:
                return ent.label
            rec = self.corpus.cohorts.get(key) or self.corpus.patients.get(key)
            return getattr(rec, "label", None) or key

        pred = self.corpus.vocab.predicates[claim.predicate].label
        text = f"{name(claim.subject)} {'NOT ' if claim.negated else ''}{pred} {name(claim.object)}"
        return text + (f" ({claim.direction.replace('_', ' ')})" if claim.direction else "")

    # -- pieces -------------------------------------------------------------------
    def add_stat(self, g: str, owner: str, name: str, stat: Stat) -> None:
        """A statistic as its own node ``OWNER/NAME`` (``owner`` is a bare IRI)."""
        node = iri(f"{owner}/{name}")
        self.add(g, iri(owner), STAT_FIELDS_T[name], node)
        with self.owned_node():
            self.add(g, node, TYPE, T(JAKKG.StatisticalSummary))
            for field_name, prop in STAT_NUMBERS_T.items():
                if (v := getattr(stat, field_name)) is not None:
                    self.add(g, node, prop, decimal(v))
            if stat.unit:
                self.add(g, node, T(JAKKG.unit), literal(stat.unit))
            if stat.frequency:
                self.add(g, node, T(JAKKG.frequency), literal(stat.frequency))
            if stat.time:
                self.add_time(g, node, T(JAKKG.statisticTime), stat.time)

    def add_p_value(self, g: str, owner: str, p: PValue) -> None:
        node = iri(f"{owner}/p-value")
        self.add(g, iri(owner), T(JAKKG.pValue), node)
        with self.owned_node():
            self.add(g, node, TYPE, T(JAKKG.PValue))
            self.add(g, node, T(JAKKG.singleValue), decimal(p.value))
            self.add(g, node, T(JAKKG.comparator), literal(p.comparator))

    def add_time(self, g: str, owner: str, prop: str, value: str) -> None:
        """A named time point (baseline ...) or the paper's xsd:duration as written."""
        if value in self.corpus.vocab.time_points:
            self.add(g, owner, T(JAKKG.timePointLabel), T(self.corpus.vocab.time_points[value]))
        else:
            self.add(g, owner, prop, literal(value, str(XSD.duration)))

    def add_located(self, g: str, s: str, record: Claim | Cohort | Patient | Entity) -> None:
        self.add(g, s, T(JAKKG.curationFile), literal(record.file))
        self.add(g, s, T(JAKKG.curationLine), literal(str(record.line), str(XSD.positiveInteger)))

    def add_quotes(self, g: str, target: str, record_id: str, quotes: Iterable[str]) -> None:
        """Each quote as a Web Annotation whose body is the record and target the passage."""
        add = self.add
        paper = T(study_iri(self.corpus.source_of[record_id]))
        for i, quote in enumerate(quotes):
            match = self.corpus.quotes[(record_id, i)]
            base = f"{JAKDM}quote/{_safe(record_id)}-{i + 1}"
            ann, tgt, tqs, tps = iri(base), iri(f"{base}/target"), iri(f"{base}/quote"), iri(f"{base}/position")
            add(g, ann, TYPE, T(OA.Annotation))
            add(g, ann, T(OA.motivatedBy), T(OA.describing))
            add(g, ann, T(OA.hasBody), target)
            add(g, ann, T(OA.hasTarget), tgt)
            add(g, ann, T(RDF.value), literal(quote))
            add(g, tgt, TYPE, T(OA.SpecificResource))
            add(g, tgt, T(OA.hasSource), paper)
            add(g, tgt, T(OA.hasSelector), tqs)
            add(g, tgt, T(OA.hasSelector), tps)
            add(g, tqs, TYPE, T(OA.TextQuoteSelector))
            add(g, tqs, T(OA.exact), literal(match.exact))
            add(g, tqs, T(OA.prefix), literal(match.prefix))
            add(g, tqs, T(OA.suffix), literal(match.suffix))
            add(g, tps, TYPE, T(OA.TextPositionSelector))
            add(g, tps, T(OA.start), literal(str(match.start), str(XSD.nonNegativeInteger)))
            add(g, tps, T(OA.end), literal(str(match.end), str(XSD.nonNegativeInteger)))


SOFTWARE = iri(f"https://w3id.org/jakkg/software/jakkg/{__version__}")


def build_graph(corpus: Corpus, cached: dict[str, Part] | None = None) -> BuiltGraph:
    """The whole corpus as N-Quads text: shared records, then one part per paper, every record indexed.

    ``cached``: the parts of papers an earlier build made from the same inputs
    (see :mod:`jakkg.buildcache`); their records are in ``corpus`` only as
    :class:`jakkg.load.CachedRecord` stand-ins (ids and labels), which other
    papers' records may refer to, and are not built again.
    """
    b = GraphBuilder(corpus)
    b.add_entities()
    b.add_agents()
    b.add_studies()
    for cohort in _fresh(corpus.cohorts.values()):
        with b.record(T(cohort_iri(cohort.id)), corpus.source_of[cohort.id]):
            b.add_cohort(cohort)
    for patient in _fresh(corpus.patients.values()):
        with b.record(T(patient_iri(patient.id)), corpus.source_of[patient.id]):
            b.add_patient(patient)
    for claim in _fresh(corpus.claims.values()):
        with b.record(T(claim_iri(claim.id)), corpus.source_of[claim.id]):
            b.add_claim(claim)
    built = b.built
    for paper, part in (cached or {}).items():
        built.add_part(paper, part)
    built.used = {key: keys for key, keys in b.used.items() if key in built.parts}
    for kind, records in (("claims", corpus.claims), ("cohorts", corpus.cohorts), ("patients", corpus.patients)):
        for record_id in records:
            built.contents.setdefault(corpus.source_of[record_id], {}).setdefault(kind, []).append(record_id)
    built.claims, built.cohorts, built.patients, built.papers = (
        len(corpus.claims), len(corpus.cohorts), len(corpus.patients), len(corpus.papers))
    return built


def _fresh(records: Iterable[Any]) -> Iterator[Any]:
    """The records loaded from their files in this build (not stand-ins for a cached paper's)."""
    return (r for r in records if not isinstance(r, CachedRecord))


def to_dataset(built: BuiltGraph) -> Dataset:
    """An rdflib Dataset of the built text, with jakkg's prefixes bound (reference path, tests)."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns, override=True)
    ds.parse(data=built.nquads(), format="nquads")
    return ds


def build_dataset(corpus: Corpus) -> Dataset:
    """The whole corpus as an rdflib Dataset of named graphs."""
    return to_dataset(build_graph(corpus))
