"""Write the graph as KGX nodes and edges TSV, the exchange format of the Biolink ecosystem.

KGX (https://github.com/biolink/kgx, format spec in its docs/kgx_format.md)
is a pair of tab-separated files, ``*_nodes.tsv`` and ``*_edges.tsv``, whose
columns are Biolink slots and whose list values are joined by ``|``.
Translator, Monarch and RTX-KG2 load it directly. jakkg writes:

- CURIEs from the project's prefix map (Biolink's spelling: HGNC, MESH,
  DRUGBANK, EFO, doi), and ``jakdm.claim:``, ``jakdm.cohort:``,
  ``jakdm.patient:``, ``jakdm.study:`` for jakkg's own records;
- one node per node with a ``biolink:category`` (entities, cohorts,
  patients, papers), with its label, synonyms and cross-references;
- one edge per claim, never merged with another claim of the same subject,
  predicate and object (KGX's own RDF reader merges them): ``id`` is the
  claim, ``predicate`` its Biolink predicate, ``original_predicate`` the
  jakkg/RO one, ``negated``, ``publications`` (the paper's DOI),
  ``supporting_text`` (the verbatim quotes), ``has_count`` and ``has_total``
  (n and N), ``has_percentage``, ``has_evidence`` (the ECO code),
  ``knowledge_level``, ``agent_type`` and ``primary_knowledge_source``.
  ``direction``, ``hedging`` and ``population`` are jakkg's qualifiers
  under their own names (Biolink's direction qualifier has no "improved" or
  "not observed").

``negated`` is written only when true (Biolink's default is false): KGX
2.3's TSV reader reads every column as text and turns any non-empty
``negated`` into ``True`` (``bool("false")``), which would make every
asserted claim negated. KGX's TSV has no escape for its list delimiter: a ``|`` inside a quote (the
rows of a paper's table) is written as ``¦`` (U+00A6), and tabs or line
breaks as spaces. Everything else is verbatim.

The graph is read with Oxigraph and a few SPARQL queries (:mod:`jakkg.store`),
not triple by triple in Python, and rows are sorted, so the same build gives
byte-identical files.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .identifiers import DATA, compress
from .store import load_store, select

NODES_FILE, EDGES_FILE = "jakdm_nodes.tsv", "jakdm_edges.tsv"
# jakkg's record namespaces get a prefix each: a KGX CURIE has no "/" in its local part.
RECORD_PREFIXES = {f"jakdm.{kind}": f"{DATA}{kind}/" for kind in ("claim", "cohort", "patient", "study")}
PRIMARY_KNOWLEDGE_SOURCE = "infores:jakkg"
NODE_COLUMNS = ("id", "category", "name", "synonym", "xref", "iri", "provided_by")
EDGE_COLUMNS = ("id", "subject", "predicate", "object", "negated", "category", "original_predicate", "knowledge_level",
                "agent_type", "primary_knowledge_source", "publications", "supporting_text", "has_evidence", "has_count",
                "has_total", "has_percentage", "direction", "hedging", "population")

PREFIXES = """
PREFIX bl: <https://w3id.org/biolink/vocab/>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
NODES = PREFIXES + "SELECT DISTINCT ?node ?category ?label WHERE { ?node bl:category ?category OPTIONAL { ?node rdfs:label ?label } }"
NODE_LISTS = {
    "synonym": PREFIXES + "SELECT DISTINCT ?node ?v WHERE { ?node bl:category ?c ; skos:altLabel ?v }",
    "xref": PREFIXES + "SELECT DISTINCT ?node ?v WHERE { ?node bl:category ?c ; skos:closeMatch ?v }",
}
EDGES = PREFIXES + """
SELECT ?claim ?s ?p ?o ?negated ?orig ?level ?agent ?n ?N ?pct ?direction ?hedging ?population WHERE {
  ?claim a jakkg:Claim ; bl:subject ?s ; bl:predicate ?p ; bl:object ?o ; bl:negated ?negated ; rdf:predicate ?orig ;
         bl:knowledge_level ?level ; bl:agent_type ?agent .
  OPTIONAL { ?claim jakkg:responders ?n }
  OPTIONAL { ?claim jakkg:sampleSize ?N }
  OPTIONAL { ?claim jakkg:percentage ?pct }
  OPTIONAL { ?claim jakkg:direction/rdfs:label ?direction }
  OPTIONAL { ?claim jakkg:hedging/rdfs:label ?hedging }
  OPTIONAL { ?claim jakkg:population ?population }
}"""
EDGE_LISTS = {
    "publications": PREFIXES + "SELECT DISTINCT ?claim ?v WHERE { ?claim a jakkg:Claim ; bl:publications ?v }",
    "supporting_text": PREFIXES + "SELECT DISTINCT ?claim ?v WHERE { ?claim a jakkg:Claim . ?q oa:hasBody ?claim ; rdf:value ?v }",
    "has_evidence": PREFIXES + "SELECT DISTINCT ?claim ?v WHERE { ?claim a jakkg:Claim ; jakkg:evidenceType ?v }",
}


def curie(iri: str) -> str:
    """The CURIE of an IRI: a record prefix (``jakdm.claim:ID``), else the project's prefix map, else the IRI."""
    for prefix, namespace in RECORD_PREFIXES.items():
        if iri.startswith(namespace) and "/" not in iri[len(namespace):]:
            return f"{prefix}:{iri[len(namespace):]}"
    return compress(iri) or iri


def field(value: Any) -> str:
    """One TSV field: lists joined by ``|`` (a ``|`` inside a value becomes ``¦``), booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return "|".join(field(v) for v in value)
    return " ".join(str(value).replace("\t", " ").splitlines()).replace("|", "\u00a6")


def _lists(store: Any, queries: dict[str, str], as_curie: set[str]) -> dict[str, dict[str, list[str]]]:
    """{column: {subject IRI: sorted values}} for the multi-valued columns."""
    found: dict[str, dict[str, list[str]]] = {}
    for column, query in queries.items():
        values: dict[str, set[str]] = defaultdict(set)
        for subject, value in select(store, query):
            values[subject].add(curie(value) if column in as_curie else str(value))
        found[column] = {s: sorted(v) for s, v in values.items()}
    return found


def node_rows(store: Any) -> list[dict[str, Any]]:
    """One row per node with a Biolink category, sorted by id."""
    nodes: dict[str, dict[str, Any]] = {}
    for node, category, label in select(store, NODES):
        row = nodes.setdefault(node, {"id": curie(node), "category": set(), "name": label, "iri": node,
                                      "provided_by": [PRIMARY_KNOWLEDGE_SOURCE]})
        row["category"].add(curie(category))
    lists = _lists(store, NODE_LISTS, {"xref"})
    for node, row in nodes.items():
        row["category"] = sorted(row["category"])
        for column, values in lists.items():
            row[column] = values.get(node, [])
    return sorted(nodes.values(), key=lambda r: r["id"])


def edge_rows(store: Any) -> list[dict[str, Any]]:
    """One row per claim, sorted by claim id."""
    lists = _lists(store, EDGE_LISTS, {"publications", "has_evidence"})
    rows = []
    for claim, s, p, o, negated, orig, level, agent, n, total, pct, direction, hedging, population in select(store, EDGES):
        rows.append({
            "id": curie(claim), "subject": curie(s), "predicate": curie(p), "object": curie(o),
            "negated": True if negated in (True, "true") else None, "category": ["biolink:Association"], "original_predicate": curie(orig),
            "knowledge_level": level, "agent_type": agent, "primary_knowledge_source": PRIMARY_KNOWLEDGE_SOURCE,
            **{column: values.get(claim, []) for column, values in lists.items()},
            "has_count": n, "has_total": total, "has_percentage": pct, "direction": direction, "hedging": hedging,
            "population": curie(population) if population else None,
        })
    return sorted(rows, key=lambda r: r["id"])


def tsv(columns: Iterable[str], rows: Iterable[dict[str, Any]]) -> str:
    columns = list(columns)
    return "".join("\t".join(field(row.get(c)) for c in columns) + "\n" for row in [dict(zip(columns, columns)), *rows])


def export_kgx(graph_file: Path, out_dir: Path) -> dict[str, Path]:
    """Write jakdm_nodes.tsv and jakdm_edges.tsv for ``graph_file`` into ``out_dir``, both or neither."""
    from .export import atomic_outputs

    store = load_store(graph_file)
    nodes, edges = node_rows(store), edge_rows(store)
    with atomic_outputs(out_dir) as stage:
        stage(NODES_FILE, tsv(NODE_COLUMNS, nodes))
        stage(EDGES_FILE, tsv(EDGE_COLUMNS, edges))
    return {"nodes": out_dir / NODES_FILE, "edges": out_dir / EDGES_FILE}
