"""Turn a checked corpus into RDF: one nanopublication per claim.

Each claim becomes four named graphs (nanopublication schema):

- ``…/np/ID#Head`` links the parts;
- ``…/np/ID#assertion`` holds the plain triple ``subject predicate object``
  (left out when the claim is negated, so "no herpes zoster was seen" never
  reads as "causes herpes zoster") and the claim node with every qualifier;
- ``…/np/ID#provenance`` says which paper the claim was read in, which study
  it is attributed to, its ECO evidence type and the quote as a W3C Web
  Annotation with TextQuote and TextPosition selectors;
- ``…/np/ID#pubinfo`` says where the claim was curated (file and line) and
  under which licence.

Entities, papers, studies, cohorts and patients go in one shared graph
(``…/graph/corpus``). No blank nodes are made, so output is deterministic.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Iterable

from rdflib import OWL, RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV

from . import __version__
from .identifiers import DATA, VOCAB, expand
from .load import Corpus
from .model import Claim, Cohort, Entity, Patient, PValue, Stat, Study
from .quotes import QuoteMatch

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
    "hgnc": Namespace("https://identifiers.org/hgnc:"),
    "mesh": Namespace("https://identifiers.org/mesh:"),
    "drugbank": Namespace("https://identifiers.org/drugbank:"),
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


def study_iri(study_id: str) -> URIRef:
    return JAKDM[f"study/{study_id}"]


def cohort_iri(cohort_id: str) -> URIRef:
    return JAKDM[f"cohort/{cohort_id}"]


def patient_iri(patient_id: str) -> URIRef:
    return JAKDM[f"patient/{patient_id}"]


def decimal(value: Decimal | int) -> Literal:
    """A typed xsd:decimal literal in canonical form ('27.0', '0.0001').

    The canonical form always has a decimal point, so Turtle, TriG and
    N-Triples carry the same lexical value (Turtle's decimal shorthand needs it).
    """
    text = format(Decimal(value), "f")
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def count(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.nonNegativeInteger)


class GraphBuilder:
    """Adds a corpus to an rdflib Dataset; one method per kind of record."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.ds = Dataset()
        for prefix, ns in PREFIXES.items():
            self.ds.bind(prefix, ns, override=True)
        self.shared = self.ds.graph(CORPUS_GRAPH)

    # -- references --------------------------------------------------------
    def node(self, key: str) -> URIRef:
        """The IRI of whatever a key names: entity, cohort or patient."""
        c = self.corpus
        if key in c.cohorts:
            return cohort_iri(key)
        if key in c.patients:
            return patient_iri(key)
        entity = c.resolve(key)
        assert entity is not None, key  # guaranteed by load_corpus
        return URIRef(expand(entity.curie))  # type: ignore[arg-type]

    # -- shared records ------------------------------------------------------
    def add_entities(self) -> None:
        g = self.shared
        for entity in self.corpus.entities.values():
            iri = URIRef(expand(entity.curie))  # type: ignore[arg-type]
            g.add((iri, RDF.type, self.corpus.vocab.categories[entity.category]))
            g.add((iri, RDFS.label, Literal(entity.label)))
            g.add((iri, DCTERMS.identifier, Literal(entity.curie)))
            g.add((iri, JAKKG.curationKey, Literal(entity.key)))
            g.add((iri, JAKKG.verificationStatus, Literal("verified" if entity.verified else "unverified")))
            for syn in entity.synonyms:
                g.add((iri, SKOS.altLabel, Literal(syn)))
            for xref in entity.xrefs:
                if (x := expand(xref)) is not None:
                    g.add((iri, SKOS.closeMatch, URIRef(x)))
            if entity.note:
                g.add((iri, SKOS.editorialNote, Literal(entity.note)))
            self.add_located(g, iri, entity)

    def add_studies(self) -> None:
        g = self.shared
        for study in self.corpus.all_studies().values():
            iri = study_iri(study.id)
            in_corpus = study.id in self.corpus.papers
            g.add((iri, RDF.type, JAKKG.SourcePaper if in_corpus else JAKKG.Study))
            g.add((iri, RDF.type, JAKKG.Study))
            g.add((iri, DCTERMS.bibliographicCitation, Literal(study.citation)))
            g.add((iri, RDFS.label, Literal(study_label(study))))
            if study.year:
                g.add((iri, DCTERMS.date, Literal(str(study.year), datatype=XSD.gYear)))
            if study.doi:
                g.add((iri, BIBO.doi, Literal(study.doi)))
                g.add((iri, DCTERMS.identifier, Literal(f"doi:{study.doi}")))
            for design in study.design:
                g.add((iri, JAKKG.studyDesign, self.node(design)))
            if study.publication_type:
                g.add((iri, DCTERMS.type, Literal(study.publication_type)))
            if study.seed:
                g.add((iri, JAKKG.seedText, Literal(study.seed)))
            if study.license:
                g.add((iri, DCTERMS.license, Literal(study.license)))
            if in_corpus:
                g.add((iri, JAKKG.reportsStudy, iri))

    def add_cohort(self, cohort: Cohort) -> None:
        g = self.shared
        iri = cohort_iri(cohort.id)
        g.add((iri, RDF.type, JAKKG.Cohort))
        g.add((iri, RDFS.label, Literal(cohort.label)))
        if cohort.size is not None:  # a population named but not counted has no size
            g.add((iri, JAKKG.sampleSize, count(cohort.size)))
        g.add((iri, JAKKG.diagnosis, self.node(cohort.disease)))
        for drug in cohort.drugs:
            g.add((iri, JAKKG.treatedWith, self.node(drug)))
        for design in cohort.design:
            g.add((iri, JAKKG.studyDesign, self.node(design)))
        g.add((iri, JAKKG.studiedIn, study_iri(cohort.attributed_to or self.corpus.source_of[cohort.id])))
        self.add_located(g, iri, cohort)
        self.add_quotes(g, iri, cohort.id, cohort.quote)

    def add_patient(self, patient: Patient) -> None:
        g = self.shared
        iri = patient_iri(patient.id)
        g.add((iri, RDF.type, JAKKG.Patient))
        g.add((iri, RDFS.label, Literal(patient.label or f"patient {patient.id}")))
        g.add((iri, JAKKG.memberOf, cohort_iri(patient.cohort)))
        g.add((iri, JAKKG.diagnosis, self.node(patient.disease)))
        if patient.age_years is not None:
            g.add((iri, JAKKG.ageYears, decimal(patient.age_years)))
        if patient.sex:
            g.add((iri, JAKKG.sex, Literal(patient.sex)))
        if patient.disease_duration_years is not None:
            g.add((iri, JAKKG.diseaseDurationYears, decimal(patient.disease_duration_years)))
        if patient.seronegative:
            g.add((iri, JAKKG.seronegative, Literal(True)))
        for antigen in patient.autoantibodies:
            g.add((iri, JAKKG.hasAutoantibodyAgainst, self.node(antigen)))
        for drug in patient.previous_treatments:
            g.add((iri, JAKKG.previouslyTreatedWith, self.node(drug)))
        for drug in patient.drugs:
            g.add((iri, JAKKG.treatedWith, self.node(drug)))
        if patient.dose:
            self.add_stat(g, iri, "dose", patient.dose)
        for m in patient.measurements:
            node = URIRef(f"{iri}/measurement/{_safe(m.instrument)}-{_safe(m.time)}")
            g.add((iri, JAKKG.measurement, node))
            g.add((node, RDF.type, JAKKG.PatientMeasurement))
            g.add((node, JAKKG.instrument, self.node(m.instrument)))
            self.add_time(g, node, JAKKG.statisticTime, m.time)
            g.add((node, JAKKG.singleValue, decimal(m.value)))
            if m.sd is not None:
                g.add((node, JAKKG.sd, decimal(m.sd)))
            if m.out_of is not None:
                g.add((node, JAKKG.outOf, decimal(m.out_of)))
            if m.unit:
                g.add((node, JAKKG.unit, Literal(m.unit)))
        if patient.attributed_to:
            g.add((iri, JAKKG.attributedTo, study_iri(patient.attributed_to)))
        g.add((iri, PROV.wasDerivedFrom, study_iri(self.corpus.source_of[patient.id])))
        self.add_located(g, iri, patient)
        self.add_quotes(g, iri, patient.id, patient.quote)

    # -- claims ----------------------------------------------------------------
    def add_claim(self, claim: Claim) -> None:
        c, vocab = self.corpus, self.corpus.vocab
        np_iri, iri = nanopub_iri(claim.id), claim_iri(claim.id)
        head = self.ds.graph(part_iri(claim.id, "Head"))
        assertion = self.ds.graph(part_iri(claim.id, "assertion"))
        provenance = self.ds.graph(part_iri(claim.id, "provenance"))
        pubinfo = self.ds.graph(part_iri(claim.id, "pubinfo"))

        head.add((np_iri, RDF.type, NP.Nanopublication))
        head.add((np_iri, NP.hasAssertion, assertion.identifier))
        head.add((np_iri, NP.hasProvenance, provenance.identifier))
        head.add((np_iri, NP.hasPublicationInfo, pubinfo.identifier))

        s, o = self.node(claim.subject), self.node(claim.object)
        p = vocab.predicates[claim.predicate].iri
        if not claim.negated:
            assertion.add((s, p, o))
        a = assertion
        a.add((iri, RDF.type, JAKKG.Claim))
        a.add((iri, RDF.type, vocab.claim_categories[claim.category]))
        a.add((iri, RDF.subject, s))
        a.add((iri, RDF.predicate, p))
        a.add((iri, RDF.object, o))
        a.add((iri, RDFS.label, Literal(self.claim_label(claim))))
        a.add((iri, JAKKG.negated, Literal(claim.negated)))
        a.add((iri, JAKKG.hedging, vocab.hedging[claim.hedging]))
        if claim.direction:
            a.add((iri, JAKKG.direction, vocab.directions[claim.direction]))
        if claim.population:
            a.add((iri, JAKKG.population, self.node(claim.population)))
        if claim.instrument:
            a.add((iri, JAKKG.instrument, self.node(claim.instrument)))
        if claim.n is not None:
            a.add((iri, JAKKG.responders, count(claim.n)))
        if claim.N is not None:
            a.add((iri, JAKKG.sampleSize, count(claim.N)))
        if claim.percent is not None:
            a.add((iri, JAKKG.percentage, decimal(claim.percent)))
        for name in STAT_FIELDS:
            if (stat := getattr(claim, name)) is not None:
                self.add_stat(a, iri, name, stat)
        if claim.p_value is not None:
            self.add_p_value(a, iri, claim.p_value)
        if claim.time_point:
            self.add_time(a, iri, JAKKG.timePoint, claim.time_point)
        for other in claim.disagrees_with:
            a.add((iri, JAKKG.disagreesWith, claim_iri(other)))
        if claim.note:
            a.add((iri, SKOS.editorialNote, Literal(claim.note)))

        paper = study_iri(c.source_of[claim.id])
        for subject in (assertion.identifier, iri):
            provenance.add((subject, PROV.wasDerivedFrom, paper))
        provenance.add((iri, DCTERMS.source, paper))
        if claim.attributed_to:
            provenance.add((iri, JAKKG.attributedTo, study_iri(claim.attributed_to)))
        evidence = claim.evidence or (ECO_REFERENCED if claim.attributed_to else ECO_OWN_STUDY)
        provenance.add((iri, JAKKG.evidenceType, URIRef(expand(evidence))))  # type: ignore[arg-type]
        self.add_quotes(provenance, iri, claim.id, claim.quote)

        pubinfo.add((np_iri, DCTERMS.license, LICENSE))
        pubinfo.add((np_iri, PROV.wasGeneratedBy, URIRef(f"https://w3id.org/jakkg/software/jakkg/{__version__}")))
        self.add_located(pubinfo, np_iri, claim)
        self.add_located(pubinfo, iri, claim)

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
    def add_stat(self, g: Graph, owner: URIRef, name: str, stat: Stat) -> None:
        node = URIRef(f"{owner}/{name}")
        g.add((owner, STAT_PROPERTIES[name], node))
        g.add((node, RDF.type, JAKKG.StatisticalSummary))
        for field_name, prop in STAT_NUMBERS.items():
            if (v := getattr(stat, field_name)) is not None:
                g.add((node, prop, decimal(v)))
        if stat.unit:
            g.add((node, JAKKG.unit, Literal(stat.unit)))
        if stat.frequency:
            g.add((node, JAKKG.frequency, Literal(stat.frequency)))
        if stat.time:
            self.add_time(g, node, JAKKG.statisticTime, stat.time)

    def add_p_value(self, g: Graph, owner: URIRef, p: PValue) -> None:
        node = URIRef(f"{owner}/p-value")
        g.add((owner, JAKKG.pValue, node))
        g.add((node, RDF.type, JAKKG.PValue))
        g.add((node, JAKKG.singleValue, decimal(p.value)))
        g.add((node, JAKKG.comparator, Literal(p.comparator)))

    def add_time(self, g: Graph, owner: URIRef, prop: URIRef, value: str) -> None:
        if value in self.corpus.vocab.time_points:
            g.add((owner, JAKKG.timePointLabel, self.corpus.vocab.time_points[value]))
        else:
            # normalize=False: rdflib would rewrite the lexical form through isodate,
            # which turns P1.8Y into P1Y and P0M into P0D; keep what the paper says.
            g.add((owner, prop, Literal(value, datatype=XSD.duration, normalize=False)))

    def add_located(self, g: Graph, iri: URIRef, record: Claim | Cohort | Patient | Entity) -> None:
        g.add((iri, JAKKG.curationFile, Literal(record.file)))
        g.add((iri, JAKKG.curationLine, Literal(str(record.line), datatype=XSD.positiveInteger)))

    def add_quotes(self, g: Graph, target: URIRef, record_id: str, quotes: Iterable[str]) -> None:
        """Each quote as a Web Annotation whose body is the record and target the passage."""
        paper = study_iri(self.corpus.source_of[record_id])
        for i, quote in enumerate(quotes):
            match: QuoteMatch = self.corpus.quotes[(record_id, i)]
            ann = JAKDM[f"quote/{_safe(record_id)}-{i + 1}"]
            tgt, tqs, tps = URIRef(f"{ann}/target"), URIRef(f"{ann}/quote"), URIRef(f"{ann}/position")
            g.add((ann, RDF.type, OA.Annotation))
            g.add((ann, OA.motivatedBy, OA.describing))
            g.add((ann, OA.hasBody, target))
            g.add((ann, OA.hasTarget, tgt))
            g.add((ann, RDF.value, Literal(quote)))
            g.add((tgt, RDF.type, OA.SpecificResource))
            g.add((tgt, OA.hasSource, paper))
            g.add((tgt, OA.hasSelector, tqs))
            g.add((tgt, OA.hasSelector, tps))
            g.add((tqs, RDF.type, OA.TextQuoteSelector))
            g.add((tqs, OA.exact, Literal(match.exact)))
            g.add((tqs, OA.prefix, Literal(match.prefix)))
            g.add((tqs, OA.suffix, Literal(match.suffix)))
            g.add((tps, RDF.type, OA.TextPositionSelector))
            g.add((tps, OA.start, Literal(str(match.start), datatype=XSD.nonNegativeInteger)))
            g.add((tps, OA.end, Literal(str(match.end), datatype=XSD.nonNegativeInteger)))


def build_dataset(corpus: Corpus) -> Dataset:
    """The whole corpus as an rdflib Dataset of named graphs."""
    b = GraphBuilder(corpus)
    b.add_entities()
    b.add_studies()
    for cohort in corpus.cohorts.values():
        b.add_cohort(cohort)
    for patient in corpus.patients.values():
        b.add_patient(patient)
    for claim in corpus.claims.values():
        b.add_claim(claim)
    return b.ds
