"""Counts of a built graph: instances per class, claims per source paper.

Computed with SPARQL on the graph itself, so the figures describe what was
written, not what the loader believes it wrote. The queries run on Oxigraph
(:mod:`jakkg.store`): a few seconds for millions of triples.
"""
from __future__ import annotations

from pathlib import Path

from .identifiers import compress
from .store import load_store, select

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""
TRIPLES = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
SOURCE_COUNTS = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT ?label (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?attributed) AS ?attributed_claims) WHERE {
  ?claim a jakkg:Claim ; dcterms:source ?paper .
  ?paper <http://www.w3.org/2000/01/rdf-schema#label> ?label .
  OPTIONAL { ?claim jakkg:attributedTo ?study BIND(?claim AS ?attributed) }
} GROUP BY ?label ORDER BY ?label
"""


def _short(iri: str) -> str:
    """A CURIE from the project's prefix map, else with a prefix the build writes, else the IRI."""
    from .build import PREFIXES

    if curie := compress(iri):
        return curie
    prefix, ns = max(((p, str(ns)) for p, ns in PREFIXES.items() if iri.startswith(str(ns))), key=lambda x: len(x[1]), default=("", ""))
    return f"{prefix}:{iri[len(ns):]}" if ns else iri


def graph_stats(path: Path) -> dict[str, list[tuple[str, int]]]:
    """Instances per class and claims per source paper of a built file (named graphs merged)."""
    store = load_store(path)
    classes = [(_short(cls), n) for cls, n in select(store, CLASS_COUNTS)]
    sources = []
    for label, claims, attributed in select(store, SOURCE_COUNTS):
        sources.append((f"{label} (claims)", claims))
        sources.append((f"{label} (attributed to another study)", attributed))
    return {"instances per class": classes, "claims per source": sources, "size": [("triples", select(store, TRIPLES)[0][0])]}
