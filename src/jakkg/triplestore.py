"""Push the built graph into a triple store through the SPARQL 1.1 Graph Store HTTP Protocol.

Two ways to send the named graphs (every claim's Head, assertion, provenance
and pubinfo graphs, and the shared corpus graph):

- ``graphs`` (default, works with any Graph Store Protocol endpoint): one
  ``PUT <endpoint>?graph=<IRI>`` per named graph, in N-Triples. PUT replaces
  that graph, so loading twice gives the same store, and nothing outside
  jakkg's graphs is touched.
- ``dataset``: one ``POST <endpoint>`` of the whole TriG file, which
  Oxigraph (``/store``), Fuseki (``/<dataset>/data``) and GraphDB
  (``/repositories/<id>/statements``) accept as an extension of the protocol.
  Faster; it adds to the store rather than replacing graphs.

Then, unless told not to, the merged graph (``jakdm.ttl``, or the reasoned
``jakdm-reasoned.ttl``) is PUT into the store's default graph
(``?default``), so that the competency queries -- written without GRAPH
clauses -- give the same answers on the store as on the embedded engines,
whether or not the store treats its default graph as the union of the named
graphs.

A reload leaves jakkg's part of the store equal to the build: the named
graphs under ``https://w3id.org/jakkg/jakdm/`` that the store holds but the
build no longer has (the graphs of a claim that was deleted or renamed) are
removed with ``DELETE ?graph=IRI``, and named in the report. Before writing
anything, the store's SPARQL query service is asked which of jakkg's graphs
it holds; its URL is found from the Graph Store URL for Oxigraph, Fuseki and
GraphDB, or given with ``--query-endpoint``. Graphs outside that namespace
are never touched. With ``--mode dataset`` the POST would add to graphs that
are already there, so every jakkg graph the store holds is deleted first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError, display_path
from .identifiers import DATA

MODES = ("graphs", "dataset")
NTRIPLES = "application/n-triples"
TRIG = "application/trig"
TURTLE = "text/turtle"
OWN_GRAPHS = DATA  # jakkg's named graphs: every one is under this namespace, and only they are replaced or removed
# Graph Store URL -> SPARQL query URL of the same dataset: Oxigraph, Fuseki, GraphDB (graphs and dataset modes)
QUERY_URLS = ((r"/store$", "/query"), (r"/data$", "/sparql"), (r"/rdf-graphs/service$", ""), (r"/statements$", ""))


class StoreError(UsageError):
    """The store refused a request or cannot be reached (exit 2)."""


@dataclass(frozen=True)
class LoadReport:
    """What was sent: named graphs and their triples, and triples put in the default graph."""

    named_graphs: int
    quads: int
    default_triples: int
    removed: tuple[tuple[str, int], ...] = ()  # jakkg graphs the store held but the build no longer has, with their triples


def read_dataset(path: Path) -> Any:
    """Parse TriG / N-Quads into an rdflib Dataset, keeping every literal as written."""
    import rdflib
    from rdflib import Dataset
    from rdflib.util import guess_format

    if not path.is_file():
        raise StoreError(f"{display_path(path)}: file not found (run `jakkg build` first?)")
    fmt = guess_format(str(path))
    if fmt not in ("trig", "nquads"):
        raise StoreError(f"{display_path(path)}: expected TriG or N-Quads (named graphs), got {fmt or 'an unknown format'}")
    ds = Dataset()
    normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        ds.parse(str(path), format=fmt)
    except Exception as exc:  # noqa: BLE001 -- rdflib raises many kinds
        raise StoreError(f"{display_path(path)}: cannot parse as {fmt}: {str(exc).splitlines()[0][:200]}") from None
    finally:
        rdflib.NORMALIZE_LITERALS = normalize
    return ds


def _ntriples(triples: Any) -> bytes:
    """Sorted N-Triples of an iterable of rdflib triples (deterministic request bodies)."""
    from rdflib import Graph

    g = Graph()
    for t in triples:
        g.add(t)
    lines = g.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return ("\n".join(sorted(ln for ln in lines if ln.strip())) + "\n").encode("utf-8")


def _check_endpoint(endpoint: str) -> str:
    if not re.match(r"^https?://[^\s]+$", endpoint):
        raise StoreError(f"--endpoint {endpoint!r}: expected an http:// or https:// URL of a Graph Store Protocol service")
    return endpoint


def query_endpoint(endpoint: str, given: str | None = None) -> str:
    """The SPARQL query URL of the store behind a Graph Store URL: ``given``, or derived for known stores."""
    if given:
        if not re.match(r"^https?://[^\s]+$", given):
            raise StoreError(f"--query-endpoint {given!r}: expected an http:// or https:// URL of a SPARQL query service")
        return given
    for pattern, replacement in QUERY_URLS:
        if re.search(pattern, endpoint):
            return re.sub(pattern, replacement, endpoint)
    raise StoreError(f"--endpoint {endpoint}: cannot tell where this store answers SPARQL queries, which `jakkg load` "
                     "asks which graphs of claims no longer in the build to remove; give --query-endpoint URL")


def stored_graphs(session: Any, query_url: str, timeout: float | None) -> dict[str, int]:
    """jakkg's named graphs in the store (IRI under OWN_GRAPHS) with their number of triples, empty graphs too."""
    import requests

    sparql = ("SELECT ?g (COUNT(?s) AS ?n) WHERE { GRAPH ?g { OPTIONAL { ?s ?p ?o } } "
              f'FILTER(STRSTARTS(STR(?g), "{OWN_GRAPHS}")) }} GROUP BY ?g')
    try:
        response = session.post(query_url, data={"query": sparql}, timeout=timeout,
                                headers={"Accept": "application/sparql-results+json"})
    except requests.RequestException as exc:
        raise StoreError(f"{query_url}: cannot reach the store's query service: {exc.__class__.__name__}: {str(exc)[:200]}") from None
    if response.status_code != 200:
        raise StoreError(f"{query_url}: listing jakkg's graphs refused: HTTP {response.status_code}: {response.text.strip()[:300]}")
    try:
        rows = response.json()["results"]["bindings"]
        return {row["g"]["value"]: int(row["n"]["value"]) for row in rows}
    except (ValueError, KeyError, TypeError) as exc:
        raise StoreError(f"{query_url}: not a SPARQL JSON result listing graphs ({exc.__class__.__name__}); "
                         "is this the store's query service? (--query-endpoint)") from None


def _send(session: Any, method: str, url: str, *, params: dict[str, str] | None, body: bytes, content_type: str,
          timeout: float | None, what: str) -> None:
    import requests

    try:
        response = session.request(method, url, params=params, data=body,
                                   headers={"Content-Type": f"{content_type}; charset=utf-8"}, timeout=timeout)
    except requests.RequestException as exc:
        raise StoreError(f"{url}: cannot reach the store: {exc.__class__.__name__}: {str(exc)[:200]}") from None
    if response.status_code not in (200, 201, 204) and not (method == "DELETE" and response.status_code == 404):
        raise StoreError(f"{url}: {method} {what} refused: HTTP {response.status_code}: {response.text.strip()[:300]}")


def push(
    endpoint: str,
    dataset_file: Path,
    default_graph_file: Path | None,
    *,
    mode: str = "graphs",
    timeout: float | None = 60.0,
    query_url: str | None = None,
) -> LoadReport:
    """Send the named graphs of ``dataset_file`` and the triples of ``default_graph_file`` to a store,
    and remove jakkg's graphs that the build no longer has."""
    import requests
    from rdflib import URIRef

    endpoint = _check_endpoint(endpoint)
    if mode not in MODES:
        raise StoreError(f"unknown mode {mode!r} (one of {', '.join(MODES)})")
    query_url = query_endpoint(endpoint, query_url)
    ds = read_dataset(Path(dataset_file))
    graphs = sorted((g for g in ds.graphs() if len(g) and isinstance(g.identifier, URIRef)),
                    key=lambda g: str(g.identifier))
    built = {str(g.identifier) for g in graphs}
    quads = sum(len(g) for g in graphs)
    default_body: bytes | None = None
    default_triples = 0
    if default_graph_file is not None:
        from .query import RdflibEngine

        merged = RdflibEngine(Path(default_graph_file)).graph
        default_triples = len(merged)
        default_body = _ntriples(merged)
    with requests.Session() as session:
        held = stored_graphs(session, query_url, timeout)
        stale = sorted(g for g in held if g not in built)
        if mode == "dataset":
            # POST adds to a graph already there, so jakkg's graphs go first (a changed claim would keep its old triples)
            _delete(session, endpoint, sorted(held), timeout)
            body = Path(dataset_file).read_bytes()
            _send(session, "POST", endpoint, params=None, body=body, content_type=TRIG, timeout=timeout,
                  what=f"the dataset {display_path(dataset_file)}")
        else:
            for g in graphs:
                _send(session, "PUT", endpoint, params={"graph": str(g.identifier)}, body=_ntriples(g),
                      content_type=NTRIPLES, timeout=timeout, what=f"graph <{g.identifier}>")
            _delete(session, endpoint, stale, timeout)  # after the new graphs are in: a failure leaves more, not less
        if default_body is not None:
            default_url = endpoint + ("&" if "?" in endpoint else "?") + "default"
            _send(session, "PUT", default_url, params=None, body=default_body, content_type=NTRIPLES,
                  timeout=timeout, what=f"the default graph ({display_path(default_graph_file)})")  # type: ignore[arg-type]
    return LoadReport(len(graphs), quads, default_triples, tuple((g, held[g]) for g in stale))


def _delete(session: Any, endpoint: str, graphs: list[str], timeout: float | None) -> None:
    """``DELETE ?graph=IRI`` for each graph (one the store no longer has counts as deleted)."""
    for iri in graphs:
        _send(session, "DELETE", endpoint, params={"graph": iri}, body=b"", content_type=NTRIPLES,
              timeout=timeout, what=f"graph <{iri}>")
