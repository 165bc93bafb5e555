"""Load a built graph file into an in-memory Oxigraph store: the one fast reader of the later stages.

Oxigraph parses about a million triples a second and answers SPARQL in
Rust, where rdflib parses about 33 thousand a second and evaluates queries
triple by triple in Python. The store keeps each named graph; queries run
with the union of all graphs as their default graph, so a TriG file and its
merged Turtle answer alike.

Oxigraph canonicalizes literals it stores (``"98"^^xsd:positiveInteger``
reads back as the integer 98, ``"27.0"`` as ``27``): the store is for
answering questions, never for writing files that are published.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import UsageError, display_path

RDF_FORMATS = {".trig": "TRIG", ".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS",
               ".n3": "N3", ".rdf": "RDF_XML", ".owl": "RDF_XML", ".xml": "RDF_XML", ".jsonld": "JSON_LD", ".json": "JSON_LD"}


def load_store(path: Path) -> Any:
    """Bulk-load an RDF file into an in-memory Oxigraph store (parsed in Rust, about 0.4M quads/s).

    An unusable file is a UsageError naming the file and, for a syntax
    error, the line and column the parser stopped at.
    """
    import pyoxigraph as ox

    if not path.is_file():
        raise UsageError(f"{display_path(path)}: file not found (run `jakkg build` first?)")
    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"{display_path(path)}: unknown RDF format {path.suffix or '(no extension)'!r} "
                         "(use .ttl, .trig, .nt, .nq, .rdf, .owl, .n3 or .jsonld)")
    name = fmt.lower().replace("_", "-")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, fmt))
    except SyntaxError as exc:
        where = f"{exc.lineno}:{exc.offset}:" if exc.lineno else ""
        reason = re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", str(exc).splitlines()[0])
        raise UsageError(f"{display_path(path)}:{where} cannot parse as {name}: {reason[:200]}") from None
    except (ValueError, OSError) as exc:
        raise UsageError(f"{display_path(path)}: cannot read as {name}: {str(exc).splitlines()[0][:200]}") from None
    return store


def select(store: Any, query: str) -> list[tuple[Any, ...]]:
    """Rows of a SELECT over the union of the store's graphs, as Python values (str, int, float)."""
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [tuple(_value(row[n]) for n in names) for row in solutions]


def _value(term: Any) -> Any:
    if term is None:
        return None
    datatype = getattr(getattr(term, "datatype", None), "value", "")
    if datatype.endswith(("#integer", "#nonNegativeInteger", "#positiveInteger", "#long", "#int")):
        return int(term.value)
    return term.value
