"""Counts of a built graph: instances per class, claims per source paper.

Computed with SPARQL on the graph itself, so the figures describe what was
written, not what the loader believes it wrote.
"""
from __future__ import annotations

from rdflib import Graph

from .identifiers import compress

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""
SOURCE_COUNTS = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT ?label (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?attributed) AS ?attributed_claims) WHERE {
  ?claim a jakkg:Claim ; dcterms:source ?paper .
  ?paper <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  OPTIONAL { ?claim jakkg:attributedTo ?study BIND(?claim AS ?attributed) }
} GROUP BY ?label ORDER BY ?label
"""


def _short(graph: Graph, iri) -> str:
    """A CURIE using the file's own prefixes, else the Bioregistry's, else the IRI."""
    try:
        return graph.namespace_manager.curie(iri, generate=False)
    except (KeyError, ValueError):
        return compress(str(iri)) or str(iri)


def graph_stats(graph: Graph) -> dict[str, list[tuple[str, int]]]:
    """Instances per class and claims per source paper of a (merged) graph."""
    classes = [(_short(graph, r[0]), int(r[1])) for r in graph.query(CLASS_COUNTS)]
    sources = []
    for label, claims, attributed in graph.query(SOURCE_COUNTS):
        sources.append((f"{label} (claims)", int(claims)))
        sources.append((f"{label} (attributed to another study)", int(attributed)))
    return {"instances per class": classes, "claims per source": sources, "size": [("triples", len(graph))]}
