"""The curation vocabulary, read from the ontology rather than kept in code.

Curators write short keys (``inhibits``, ``drug``, ``improved``); the ontology
annotates each term it accepts with ``jakkg:curationKey``, and for predicates
with the categories they may connect. Adding a predicate or a category is an
edit of ontology/jakkg.ttl, not of Python.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef

from .identifiers import VOCAB
from .resources import ontology_file

JAKKG = VOCAB
CURATION_KEY = URIRef(JAKKG + "curationKey")
SUBJECT_CATEGORY = URIRef(JAKKG + "subjectCategory")
OBJECT_CATEGORY = URIRef(JAKKG + "objectCategory")
COHORT = URIRef(JAKKG + "Cohort")
PATIENT = URIRef(JAKKG + "Patient")


@dataclass(frozen=True)
class Predicate:
    """A relation curators may use between a claim's subject and object."""

    key: str
    iri: URIRef
    label: str
    subject_classes: frozenset[URIRef]
    object_classes: frozenset[URIRef]


@dataclass
class Vocabulary:
    """Every keyed term of the ontology, grouped by what it is for."""

    predicates: dict[str, Predicate] = field(default_factory=dict)
    categories: dict[str, URIRef] = field(default_factory=dict)
    claim_categories: dict[str, URIRef] = field(default_factory=dict)
    directions: dict[str, URIRef] = field(default_factory=dict)
    hedging: dict[str, URIRef] = field(default_factory=dict)
    time_points: dict[str, URIRef] = field(default_factory=dict)
    labels: dict[URIRef, str] = field(default_factory=dict)

    def category_key(self, iri: URIRef) -> str | None:
        """The curation key of an entity category class."""
        return next((k for k, v in self.categories.items() if v == iri), None)


def load_vocabulary(path: Path | None = None) -> Vocabulary:
    """Read the keyed terms of the ontology at ``path`` (default: the packaged one)."""
    graph = Graph().parse(path or ontology_file(), format="turtle")
    return vocabulary_from_graph(graph)


@lru_cache(maxsize=1)
def default_vocabulary() -> Vocabulary:
    """The vocabulary of the packaged ontology, read once per process."""
    return load_vocabulary()


def vocabulary_from_graph(graph: Graph) -> Vocabulary:
    vocab = Vocabulary()
    claim = URIRef(JAKKG + "Claim")
    direction = URIRef(JAKKG + "Direction")
    hedging = URIRef(JAKKG + "Hedging")
    time_point = URIRef(JAKKG + "TimePoint")
    for term, key in sorted(graph.subject_objects(CURATION_KEY)):
        key = str(key)
        label = str(graph.value(term, RDFS.label) or key)
        vocab.labels[term] = label
        types = set(graph.objects(term, RDF.type))
        if OWL.ObjectProperty in types:
            vocab.predicates[key] = Predicate(
                key,
                term,
                label,
                frozenset(graph.objects(term, SUBJECT_CATEGORY)),
                frozenset(graph.objects(term, OBJECT_CATEGORY)),
            )
        elif direction in types:
            vocab.directions[key] = term
        elif hedging in types:
            vocab.hedging[key] = term
        elif time_point in types:
            vocab.time_points[key] = term
        elif (term, RDFS.subClassOf, claim) in graph:
            vocab.claim_categories[key] = term
        elif OWL.Class in types:
            vocab.categories[key] = term
    return vocab
