"""What jakkg's terms are in the Biolink Model, so Biolink and KGX readers keep their meaning.

A generic reader of reified statements (KGX's RDF reader, for one) takes
``rdf:subject/predicate/object`` for an edge and knows negation only as
``biolink:negated``. So every claim node is also a ``biolink:Association``
with ``biolink:subject``, ``biolink:predicate`` (a Biolink predicate),
``biolink:object`` and ``biolink:negated``, and every node carries a
``biolink:category``. Which Biolink predicate and category a jakkg term
becomes is stated in the ontology (``jakkg:biolinkPredicate``,
``jakkg:biolinkCategory``), not here; a term in Biolink's namespace is its
own mapping.

Biolink 4 has ``ameliorates_condition`` but no predicate for "got worse" or
"did not change": an ``ameliorates`` claim whose direction is not an
improvement is written with ``biolink:affects`` (its direction stays in the
claim), so no reader takes a worsening for an amelioration.
"""
from __future__ import annotations

from functools import lru_cache

from .identifiers import VOCAB

BIOLINK = "https://w3id.org/biolink/vocab/"
RO_AMELIORATES = "http://purl.obolibrary.org/obo/RO_0003307"
IMPROVEMENTS = frozenset({"improved", "resolved", "no_progression"})
KNOWLEDGE_LEVEL = "knowledge_assertion"  # a paper's authors assert it; curators only transcribe
AGENT_TYPE = "manual_agent"  # read and curated by a person


@lru_cache(maxsize=1)
def mappings() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(jakkg predicate -> Biolink predicate, class -> Biolink category, category -> broad match of its local terms).

    All IRIs, read from the ontology's annotations.
    """
    from rdflib import Graph, URIRef

    from .resources import ontology_file

    graph = Graph().parse(ontology_file(), format="turtle")

    def annotation(name: str) -> dict[str, str]:
        return {str(s): str(o) for s, o in graph.subject_objects(URIRef(VOCAB + name))}

    return annotation("biolinkPredicate"), annotation("biolinkCategory"), annotation("localTermBroadMatch")


def local_broad_match(category_iri: str) -> str | None:
    """The standard term a jakkg: entity of this category is narrower than (``jakkg:localTermBroadMatch``)."""
    return mappings()[2].get(category_iri)


def predicate(iri: str, direction: str | None = None) -> str | None:
    """The Biolink predicate IRI of a claim with predicate ``iri`` and ``direction``, or None if unmapped."""
    if iri == RO_AMELIORATES and direction not in IMPROVEMENTS:
        return BIOLINK + "affects"
    if iri.startswith(BIOLINK):
        return iri
    return mappings()[0].get(iri)


def category(iri: str) -> str | None:
    """The Biolink category IRI of instances of class ``iri``, or None if unmapped."""
    return iri if iri.startswith(BIOLINK) else mappings()[1].get(iri)
