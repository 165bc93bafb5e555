"""Counts of a built graph: instances per class, claims per source paper.

Computed with SPARQL on the graph itself, so the figures describe what was
written, not what the loader believes it wrote.
"""
from __future__ import annotations

from pathlib import Path

from rdflib import Dataset
from rdflib.util import guess_format

from .errors import UsageError, display_path
from .identifiers import compress

CLASS_COUNTS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH ?g { ?s a ?class } }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""
SOURCE_COUNTS = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT ?label (COUNT(DISTINCT ?claim) AS ?claims) (COUNT(DISTINCT ?attributed) AS ?attributed_claims) WHERE {
  GRAPH ?g { ?claim dcterms:source ?paper }
  GRAPH ?h { ?paper <http://www.w3.org/2000/01/rdf-schema#label> ?label }
  OPTIONAL { GRAPH ?k { ?claim jakkg:attributedTo ?study } BIND(?claim AS ?attributed) }
} GROUP BY ?label ORDER BY ?label
"""


def read_dataset(path: Path) -> Dataset:
    """Parse an RDF file into a Dataset; a clear UsageError when that is impossible."""
    if not path.is_file():
        raise UsageError(f"{display_path(path)}: file not found (run `jakkg build` first?)")
    fmt = guess_format(str(path)) or ("turtle" if path.suffix == ".ttl" else None)
    if fmt is None:
        raise UsageError(f"{display_path(path)}: unknown RDF format (use .trig, .nq, .ttl, .nt, .rdf or .jsonld)")
    ds = Dataset(default_union=True)
    try:
        ds.parse(path, format=fmt)
    except Exception as exc:  # rdflib raises many kinds; all mean "unparseable"
        raise UsageError(f"{display_path(path)}: cannot parse as {fmt}: {str(exc).splitlines()[0][:300]}") from None
    return ds


def _short(ds: Dataset, iri) -> str:
    """A CURIE using the file's own prefixes, else the Bioregistry's, else the IRI."""
    try:
        return ds.namespace_manager.curie(iri, generate=False)
    except (KeyError, ValueError):
        return compress(str(iri)) or str(iri)


def graph_stats(ds: Dataset) -> dict[str, list[tuple[str, int]]]:
    """Instances per class and claims per source paper."""
    classes = [(_short(ds, r[0]), int(r[1])) for r in ds.query(CLASS_COUNTS)]
    sources = []
    for label, claims, attributed in ds.query(SOURCE_COUNTS):
        sources.append((f"{label} (claims)", int(claims)))
        sources.append((f"{label} (attributed to another study)", int(attributed)))
    total = sum(1 for _ in ds.quads((None, None, None, None)))
    return {"instances per class": classes, "claims per source": sources, "size": [("quads", total)]}
