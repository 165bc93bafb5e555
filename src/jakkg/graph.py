"""Project the RDF knowledge graph onto a networkx MultiDiGraph of evidence.

The RDF graph is claim-centred (one nanopublication per claim); a network
view is entity-centred. The projection reads the built graph
(``build/jakdm.trig`` or ``.ttl``) with SPARQL, so what it shows is what was
written, and its counts can be checked against SPARQL counts. The file is
bulk-loaded into an in-memory Oxigraph store and a handful of graph-wide
queries are grouped by claim in Python, so the projection is linear in the
corpus (one query per claim on rdflib took 54 s at 1,000 claims).

Mapping (also in the README, section *Evidence network*)
--------------------------------------------------------
Nodes
    Every resource that is the ``rdf:subject`` or ``rdf:object`` of a
    ``jakkg:Claim``: an entity (node id its CURIE, e.g. ``CHEBI:95341``) or a
    cohort or patient that a claim is about (node id ``jakdm:cohort/ID`` or
    ``jakdm:patient/ID``). Attributes: ``label`` (rdfs:label), ``category``
    (curation key of its class: drug, gene, pathway ...; ``cohort`` or
    ``patient``), ``category_label``, ``iri``, ``curie``, ``verified``
    (jakkg:verificationStatus; cohorts and patients are ``True``) and
    ``layer`` (its column in the layered drawing, from ``graph.yaml``).
Edges
    One edge per group of claims that say the same thing: same subject,
    predicate, object, direction and negation. The edge key is
    ``predicate[|direction][|negated]`` (``ameliorates|improved``,
    ``has_adverse_event|not_observed|negated``), so a MultiDiGraph keeps
    "improved" and "worsened" evidence on the same pair apart. Attributes:
    ``predicate`` (curation key), ``predicate_label``, ``predicate_iri``,
    ``direction``, ``negated``, ``polarity`` (+1 for, -1 against, 0
    neither; ``graph.yaml``), ``evidence_kind`` (colour class),
    ``claims`` (claim ids), ``n_claims``, ``sources`` (ids of the papers the
    claims were read in, dcterms:source), ``dois`` (their DOIs),
    ``attributed_to`` (studies the papers credit, jakkg:attributedTo),
    ``studies`` (for each claim the attributed study, else the paper itself),
    ``n_sources`` (number of distinct ``studies``: the *independent sources*,
    so two letters commenting on the same case count once), ``hedging``,
    ``categories`` (claim categories), ``populations``, ``n_of_N`` (``"9/9"``
    for each claim with n and N), ``quotes`` (the verbatim quotes) and
    ``evidence``: one record per claim with its label, paper, DOI, attributed
    study, direction, negation, hedging, n, N, percentage, population,
    instrument, time point and quotes with their character offsets in the
    paper (oa:TextPositionSelector), so every edge can be traced back to the
    sentences it was read in.

Negated claims are never dropped: they become edges with ``negated=True``
(and polarity -1), never merged with the positive evidence of the same pair.

Exports (``jakkg graph --out DIR``): GraphML and GEXF need scalar attribute
values, so lists are joined with ``"; "`` in their stored (sorted or curated)
order, the per-claim ``evidence`` records become one canonical JSON string
(``evidence_json``), and absent values are left out; node-link JSON keeps
the lists and records as they are. Each export re-imports with networkx to
the graph it was written from (:func:`flatten` of the projection for GraphML
and GEXF, the projection itself for node-link JSON).
"""
from __future__ import annotations

import gc
import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache, wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .export import atomic_outputs
from .identifiers import DATA, VOCAB, compress

if TYPE_CHECKING:  # networkx and pyoxigraph are imported where they are used
    import networkx as nx
    from pyoxigraph import Store

LIST_SEPARATOR = "; "
EXPORTS = {"graphml": "jakdm.graphml", "gexf": "jakdm.gexf", "nodelink": "jakdm.nodelink.json"}
GRAPH_NAME = "jakkg evidence network"
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX bibo: <http://purl.org/ontology/bibo/>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
"""
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
DCTERMS = "http://purl.org/dc/terms/"
BIBO = "http://purl.org/ontology/bibo/"
JAKKG = "https://w3id.org/jakkg/vocab/"
# The properties of a claim the projection reads, by the name it files them under.
CLAIM_PROPERTIES = {
    RDF_NS + "type": "class", RDF_NS + "subject": "s", RDF_NS + "predicate": "p", RDF_NS + "object": "o",
    RDFS_NS + "label": "label", JAKKG + "negated": "negated", JAKKG + "direction": "direction",
    JAKKG + "hedging": "hedging", JAKKG + "population": "population", JAKKG + "instrument": "instrument",
    JAKKG + "responders": "n", JAKKG + "sampleSize": "N", JAKKG + "percentage": "percentage",
    JAKKG + "timePoint": "timePoint", JAKKG + "timePointLabel": "timePointLabel",
    DCTERMS + "source": "paper", JAKKG + "attributedTo": "attributed",
}
NODE_PROPERTIES = {RDF_NS + "type": "types", RDFS_NS + "label": "label", JAKKG + "verificationStatus": "status"}
XSD = "http://www.w3.org/2001/XMLSchema#"
DECIMAL_TYPES = {XSD + "decimal", XSD + "double", XSD + "float"}
STUDY_PROPERTIES = {RDFS_NS + "label": "label", BIBO + "doi": "doi", DCTERMS + "bibliographicCitation": "citation"}


def _one_of(properties: dict[str, str]) -> str:
    """A FILTER keeping ``?p`` to ``properties``.

    A FILTER rather than a VALUES block: Oxigraph joins VALUES with every
    row of ``?s ?p ?o``, and the claims query took three to four times as
    long that way (1.1 s against 0.3 s at 10k claims), for the same rows.
    """
    return "FILTER(?p IN (" + ", ".join(f"<{p}>" for p in properties) + "))"


# Every property of every claim, one row per (claim, property, value): grouped by claim in Python.
# A triple written in two named graphs comes twice; the grouping does not mind (it takes the
# smallest value), and leaving out DISTINCT saves 40% of the query at 10k claims.
CLAIMS_QUERY = PREFIXES + f"""
SELECT ?claim ?p ?o WHERE {{ ?claim a jakkg:Claim ; ?p ?o . {_one_of(CLAIM_PROPERTIES)} }}
"""
# Types, labels and status of everything a claim connects. The nodes are found first in a
# subquery: joined with the UNION directly, Oxigraph took 12 s at 1,000 claims instead of 10 ms.
NODES_QUERY = PREFIXES + f"""
SELECT DISTINCT ?node ?p ?o WHERE {{
  {{ SELECT DISTINCT ?node WHERE {{ ?c a jakkg:Claim . {{ ?c rdf:subject ?node }} UNION {{ ?c rdf:object ?node }} }} }}
  ?node ?p ?o . {_one_of(NODE_PROPERTIES)}
}}
"""
QUOTES_QUERY = PREFIXES + """
SELECT DISTINCT ?claim ?annotation ?quote ?start ?end WHERE {
  ?annotation a oa:Annotation ; oa:hasBody ?claim ; rdf:value ?quote .
  ?claim a jakkg:Claim .
  OPTIONAL { ?annotation oa:hasTarget/oa:hasSelector ?sel . ?sel a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }
}
"""
DISAGREES_QUERY = PREFIXES + """
SELECT DISTINCT ?a ?b WHERE { ?a jakkg:disagreesWith ?b }
"""
# The curated CURIE of every entity (dcterms:identifier keeps the curator's spelling, HGNC:6190).
ENTITY_IDS_QUERY = PREFIXES + """
SELECT DISTINCT ?entity ?identifier WHERE { ?entity jakkg:curationKey ?key ; dcterms:identifier ?identifier }
"""
STUDIES_QUERY = PREFIXES + f"""
SELECT DISTINCT ?study ?p ?o WHERE {{ ?study a jakkg:Study ; ?p ?o . {_one_of(STUDY_PROPERTIES)} }}
"""


F = TypeVar("F", bound=Callable[..., Any])


def without_gc(func: F) -> F:
    """Run ``func`` with Python's cyclic garbage collector paused (and restored after, as it was).

    Projecting and exporting make millions of small dicts, lists and
    strings, none of them in reference cycles (refcounting frees them), but
    every so many allocations the collector walks all live objects again:
    at 10k claims that was a third of the projection and half of the
    GraphML export. Pausing it changes no output, only when memory held by
    cycles (there are none here) would be reclaimed.
    """

    @wraps(func)
    def paused(*args: Any, **kwargs: Any) -> Any:
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if was_enabled:
                gc.enable()

    return paused  # type: ignore[return-value]


# -- style and layers (graph.yaml) ---------------------------------------------
@dataclass(frozen=True)
class GraphStyle:
    """The contents of graph.yaml: layers, colours, polarities, evidence kinds."""

    layers: tuple[dict[str, Any], ...]
    layer_of: dict[str, int]
    drug_categories: frozenset[str]
    kinase_categories: frozenset[str]
    category_colours: dict[str, str]
    direction_polarity: dict[str, int]
    evidence_kinds: tuple[dict[str, Any], ...]

    def layer(self, category: str) -> int:
        return self.layer_of.get(category, self.layer_of["other"])

    def evidence_kind(self, predicate: str, direction: str | None, negated: bool) -> str:
        """The first rule of ``evidence_kinds`` that matches an edge."""
        for rule in self.evidence_kinds:
            m = rule.get("match") or {}
            if "negated" in m and bool(m["negated"]) != negated:
                continue
            if "predicates" in m and predicate not in m["predicates"]:
                continue
            if "directions" in m and direction not in m["directions"]:
                continue
            return str(rule["key"])
        return "context"

    def kind_styles(self) -> dict[str, dict[str, Any]]:
        """Evidence kind -> its title, colour and dash (first rule giving each)."""
        out: dict[str, dict[str, Any]] = {}
        for rule in self.evidence_kinds:
            if rule["key"] not in out and "title" in rule:
                out[rule["key"]] = {"title": rule["title"], "colour": rule["colour"], "dashed": bool(rule.get("dashed"))}
        return out

    def polarity(self, direction: str | None, negated: bool) -> int:
        if negated:
            return -1
        if direction is None:
            return 1
        return int(self.direction_polarity.get(direction, 0))


@lru_cache(maxsize=1)
def graph_style() -> GraphStyle:
    """Read the packaged graph.yaml once."""
    from importlib.resources import files

    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(files("jakkg").joinpath("graph.yaml").read_text(encoding="utf-8"))
    layers = tuple(doc["layers"])
    layer_of = {cat: i for i, layer in enumerate(layers) for cat in layer["categories"]}
    return GraphStyle(
        layers=layers,
        layer_of=layer_of,
        drug_categories=frozenset(doc["drug_categories"]),
        kinase_categories=frozenset(doc["kinase_categories"]),
        category_colours=dict(doc["category_colours"]),
        direction_polarity={k: int(v) for k, v in doc["direction_polarity"].items()},
        evidence_kinds=tuple(doc["evidence_kinds"]),
    )


# -- projection ------------------------------------------------------------------
def node_id(iri: str) -> str:
    """The node id of a resource: its CURIE (``CHEBI:95341``, ``jakdm:cohort/X``), else the IRI.

    Our own namespaces (cohorts, patients, vocabulary terms) are compressed
    here, as the converter would, without loading the Bioregistry (5 s).
    """
    for prefix, namespace in (("jakdm", DATA), ("jakkg", VOCAB)):
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return compress(iri) or iri


def _local(iri: str, prefix: str) -> str:
    return iri.removeprefix(prefix)


def _number(value: Any) -> int | float | None:
    """A typed literal as int (counts) or float (decimals); None when absent."""
    if value is None or isinstance(value, float):
        return value
    text = str(value)
    try:
        return int(text)
    except ValueError:
        return float(text)


def _natural(text: str) -> list[Any]:
    """Sort key that puts 'quote-2' before 'quote-10'."""
    return [int(t) if t.isdigit() else t for t in re.split(r"(\d+)", text)]


def edge_key(predicate: str, direction: str | None, negated: bool) -> str:
    """``predicate[|direction][|negated]``: the key of an edge in the MultiDiGraph."""
    return "|".join([predicate] + ([direction] if direction else []) + (["negated"] if negated else []))


@without_gc
def project(store: Store, vocab: Any = None, style: GraphStyle | None = None) -> nx.MultiDiGraph:
    """The evidence network of a built graph (see the module docstring for the mapping).

    Six graph-wide SPARQL queries on the Oxigraph store, each linear in the
    size of the graph; their rows are grouped by claim, node or study in
    dictionaries in one pass, so the projection is linear too. When a
    property that should have one value has several, the smallest is taken,
    so the result never depends on the order of rows. Nodes and edges are
    added in sorted order, so exports are deterministic.
    """
    import networkx as nx

    from .vocab import default_vocabulary

    vocab = vocab or default_vocabulary()
    style = style or graph_style()
    curie_of = {entity: identifier for entity, identifier in sorted(_rows(store, ENTITY_IDS_QUERY), reverse=True)}
    ids: dict[str, str] = {}

    def nid(iri: str) -> str:
        """The curated CURIE of an entity, else the compact IRI (cohorts, patients); computed once per IRI."""
        if iri not in ids:
            ids[iri] = curie_of.get(iri) or node_id(iri)
        return ids[iri]

    studies = _studies(store)
    claims, nodes = _claims(store, vocab, nid)
    G = nx.MultiDiGraph(name=GRAPH_NAME)
    _add_nodes(G, store, nodes, nid, vocab, style)
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for c in claims.values():
        groups[(nid(c["s"]), nid(c["o"]), edge_key(c["predicate"], c["direction"], c["negated"]))].append(c)
    for (u, v, key) in sorted(groups):
        members = groups[(u, v, key)]
        if len(members) > 1:
            members.sort(key=lambda c: _natural(c["id"]))
        G.add_edge(u, v, key=key, **_edge_attributes(members, members[0], studies, style))
    return G


def _rows(store: Store, query: str) -> Iterator[tuple[str | None, ...]]:
    """The rows of a SELECT on the union of all graphs, each term as its IRI or lexical form (None when unbound)."""
    for solution in store.query(query, use_default_graph_as_union=True):
        yield tuple(map(_value, solution))


@lru_cache(maxsize=1)
def _decimal_types() -> frozenset[Any]:
    """The decimal datatypes as Oxigraph terms, so a literal's datatype is looked up without making its IRI a string."""
    from pyoxigraph import NamedNode

    return frozenset(NamedNode(iri) for iri in DECIMAL_TYPES)


def _value(term: Any) -> Any:
    """A term's IRI or lexical form; a decimal as a float, since Oxigraph writes 50.0 as "50" but it is not a count."""
    if term is None:
        return None
    datatype = getattr(term, "datatype", None)
    if datatype is not None and datatype in _decimal_types():
        return float(term.value)
    return term.value


def _studies(store: Store) -> dict[str, dict[str, str]]:
    """Study id -> its label, DOI and citation."""
    study_prefix = DATA + "study/"
    studies: dict[str, dict[str, str]] = {}
    for study, p, o in sorted(_rows(store, STUDIES_QUERY), reverse=True):  # the smallest value wins
        sid = _local(study, study_prefix)
        studies.setdefault(sid, {"id": sid})[STUDY_PROPERTIES[p]] = o
    return studies


def _claims(store: Store, vocab: Any, nid: Any) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """Every claim as a record (with its quotes and disagreements), and the IRIs of the nodes claims connect."""
    claim_prefix = DATA + "claim/"
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for claim, p, o in store.query(CLAIMS_QUERY, use_default_graph_as_union=True):  # 120k rows at 10k claims: only ?o can be a literal
        props[claim.value][CLAIM_PROPERTIES[p.value]].append(_value(o))
    pred_by_iri = {str(p.iri): p for p in vocab.predicates.values()}
    key_of = {str(iri): key for table in (vocab.directions, vocab.hedging, vocab.time_points, vocab.claim_categories) for key, iri in table.items()}
    claims: dict[str, dict[str, Any]] = {}
    nodes: set[str] = set()
    for iri, values in props.items():
        nodes.update(values["s"] + values["o"])
        if values["s"] and values["p"] and values["o"]:
            claims[_local(iri, claim_prefix)] = _claim_record(_local(iri, claim_prefix), values, pred_by_iri, key_of, nid)
    quotes: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
    for claim, annotation, quote, start, end in _rows(store, QUOTES_QUERY):
        q: dict[str, Any] = {"text": quote}
        if start is not None:
            q["start"], q["end"] = int(start), int(end)
        quotes[_local(claim, claim_prefix)].append((annotation, q))
    for cid, found in quotes.items():
        if cid in claims:  # a claim's quotes in natural order of their annotations (most claims have one)
            claims[cid]["quotes"] = [q for _, q in (sorted(found, key=lambda t: _natural(t[0])) if len(found) > 1 else found)]
    for a, b in _rows(store, DISAGREES_QUERY):
        a, b = _local(a, claim_prefix), _local(b, claim_prefix)
        for x, y in ((a, b), (b, a)):  # symmetric even when only one direction was written
            if x in claims and y not in claims[x]["disagrees_with"]:
                claims[x]["disagrees_with"].append(y)
    return claims, nodes


def _claim_record(cid: str, values: dict[str, list[str]], pred_by_iri: dict[str, Any], key_of: dict[str, str], nid: Any) -> dict[str, Any]:
    """One claim's fields from its property values (the smallest value of each)."""

    def one(name: str) -> str | None:
        return min(values[name]) if values.get(name) else None

    study_prefix = DATA + "study/"
    p = one("p") or ""
    pred = pred_by_iri.get(p)
    tp = one("timePoint")
    if tp is None and one("timePointLabel") is not None:
        tp = key_of.get(one("timePointLabel") or "")
    hedging, paper, attributed = one("hedging"), one("paper"), one("attributed")
    population, instrument = one("population"), one("instrument")
    return {
        "id": cid,
        "s": one("s"),
        "o": one("o"),
        "predicate": pred.key if pred else node_id(p),
        "predicate_label": pred.label if pred else node_id(p),
        "predicate_iri": p,
        "label": one("label") or cid,
        "negated": one("negated") in ("true", "1"),
        "direction": key_of.get(one("direction") or ""),
        "hedging": key_of.get(hedging, "asserted") if hedging is not None else "asserted",
        "population": nid(population) if population is not None else None,
        "instrument": nid(instrument) if instrument is not None else None,
        "n": _number(one("n")),
        "N": _number(one("N")),
        "percentage": _number(one("percentage")),
        "time_point": tp,
        "paper": _local(paper, study_prefix) if paper is not None else None,
        "attributed_to": _local(attributed, study_prefix) if attributed is not None else None,
        "category": next((key_of[c] for c in sorted(values.get("class", [])) if c in key_of), None),
        "quotes": [],
        "disagrees_with": [],
    }


def _add_nodes(G: nx.MultiDiGraph, store: Store, nodes: set[str], nid: Any, vocab: Any, style: GraphStyle) -> None:
    """Add every node claims connect, with its label, category, status and layer."""
    from .vocab import COHORT, PATIENT

    category_of_class = {str(iri): key for key, iri in vocab.categories.items()}
    category_of_class[str(COHORT)] = "cohort"
    category_of_class[str(PATIENT)] = "patient"
    props: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for node, p, o in _rows(store, NODES_QUERY):
        props[node][NODE_PROPERTIES[p]].append(o)
    for iri in sorted(nodes, key=nid):
        rec = props.get(iri, {})
        category = next((category_of_class[t] for t in sorted(rec.get("types", [])) if t in category_of_class), "other")
        label = min(rec["label"]) if rec.get("label") else None
        status = min(rec["status"]) if rec.get("status") else None
        G.add_node(nid(iri), label=label or nid(iri), category=category, category_label=category.replace("_", " "),
                   curie=nid(iri), iri=iri, verified=status != "unverified", layer=style.layer(category))


def _edge_attributes(members: list[dict[str, Any]], first: dict[str, Any], studies: dict[str, dict[str, str]], style: GraphStyle) -> dict[str, Any]:
    """The attributes of one edge from the claims grouped on it."""

    def unique(values: Any) -> list[Any]:
        found = {v for v in values if v is not None}
        if len(found) < 2:  # most edges have one paper, one study ...: nothing to sort
            return list(found)
        return sorted(found, key=lambda x: _natural(str(x)))

    credited = [c["attributed_to"] or c["paper"] for c in members]
    evidence = []
    for c in members:
        paper = studies.get(c["paper"] or "", {})
        credit = studies.get(c["attributed_to"] or "", {})
        rec = {
            "claim": c["id"],
            "label": c["label"],
            "category": c["category"],
            "paper": c["paper"],
            "paper_label": paper.get("label"),
            "doi": paper.get("doi"),
            "attributed_to": c["attributed_to"],
            "attributed_label": credit.get("label"),
            "attributed_doi": credit.get("doi"),
            "direction": c["direction"],
            "negated": c["negated"],
            "hedging": c["hedging"],
            "n": c["n"],
            "N": c["N"],
            "percentage": c["percentage"],
            "population": c["population"],
            "instrument": c["instrument"],
            "time_point": c["time_point"],
            "disagrees_with": sorted(c["disagrees_with"], key=_natural),
            "quotes": c["quotes"],
        }
        evidence.append({k: v for k, v in rec.items() if v is not None})
    return {
        "predicate": first["predicate"],
        "predicate_label": first["predicate_label"],
        "predicate_iri": first["predicate_iri"],
        "direction": first["direction"] or "",
        "negated": first["negated"],
        "polarity": style.polarity(first["direction"], first["negated"]),
        "evidence_kind": style.evidence_kind(first["predicate"], first["direction"], first["negated"]),
        "claims": [c["id"] for c in members],
        "n_claims": len(members),
        "sources": unique(c["paper"] for c in members),
        "dois": unique(studies.get(c["paper"] or "", {}).get("doi") for c in members),
        "attributed_to": unique(c["attributed_to"] for c in members),
        "studies": unique(credited),
        "n_sources": len({s for s in credited if s is not None}),
        "hedging": unique(c["hedging"] for c in members),
        "categories": unique(c["category"] for c in members),
        "populations": unique(c["population"] for c in members),
        "n_of_N": [f"{c['n']}/{c['N']}" for c in members if c["n"] is not None and c["N"] is not None],
        "disagrees_with": unique(x for c in members for x in c["disagrees_with"]),
        "quotes": [q["text"] for c in members for q in c["quotes"]],
        "evidence": evidence,
    }


def load_projection(path: Path) -> nx.MultiDiGraph:
    """Read a built graph file (TriG, Turtle, N-Triples ...) and project it."""
    from .store import load_store

    return project(load_store(path, on_disk=False))  # the projection's queries are faster in memory


# Oxigraph's parser for each file suffix rdflib's guess_format knows.
# -- exports ------------------------------------------------------------------------
def _scalar(value: Any) -> Any:
    """A GraphML/GEXF-safe value: lists '; '-joined, records as canonical JSON."""
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, (dict, list, tuple)) for v in value):
            return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return LIST_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return value


def flatten(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with scalar attributes only, as written to GraphML and GEXF.

    Lists become ``'; '``-joined strings (kept in their order), the
    ``evidence`` records become ``evidence_json``, empty values are left
    out (GraphML has no null), and every edge gets a stable ``id``
    (``e1``, ``e2`` ... in edge order) that GEXF needs and keeps.
    """
    import networkx as nx

    H = nx.MultiDiGraph(name=G.graph.get("name", GRAPH_NAME))
    for n, data in G.nodes(data=True):
        H.add_node(n, **{k: _scalar(v) for k, v in data.items() if v is not None and v != [] and v != ""})
    for i, (u, v, k, data) in enumerate(G.edges(keys=True, data=True), start=1):
        attrs = {("evidence_json" if a == "evidence" else a): _scalar(x) for a, x in data.items() if x is not None and x != [] and x != ""}
        attrs["id"] = f"e{i}"
        H.add_edge(u, v, key=k, **attrs)
    return H


def graphml_text(G: nx.MultiDiGraph, flat: nx.MultiDiGraph | None = None) -> str:
    """GraphML of ``G`` (``flat``: its :func:`flatten`, when already made): networkx's bytes, written faster.

    :func:`fast_graphml_lines` writes what ``nx.generate_graphml`` would,
    four times faster; a graph it does not mirror goes to networkx itself.
    """
    flat = flatten(G) if flat is None else flat
    lines = fast_graphml_lines(flat)
    return XML_DECLARATION + (lines if lines is not None else networkx_graphml_lines(flat)) + "\n"


def networkx_graphml_lines(flat: nx.MultiDiGraph) -> str:
    """``nx.generate_graphml`` joined by newlines: the reference :func:`fast_graphml_lines` is tested against."""
    import networkx as nx

    return "\n".join(nx.generate_graphml(flat, named_key_ids=True))


def fast_graphml_lines(G: nx.MultiDiGraph) -> str | None:
    """What :func:`networkx_graphml_lines` returns, built from strings; None for a graph this does not mirror.

    networkx builds an ElementTree element per node, edge and value, and
    ElementTree serialises them one write at a time: 12 s for the 129 MB of
    GraphML at 100k claims. This is the same document for the graphs
    :func:`flatten` makes (a directed multigraph with str, int, float and
    bool values, no graph ``id``, no default attributes), in the same order:
    networkx's ``named_key_ids`` keys, each ``<key>`` put first when its
    (name, type, scope) is first seen, so they come out newest first (the
    graph's own values are seen first but written after its edges); its
    own type table; ElementTree's own escaping and its pretty-printing (two
    spaces a level, ``<x />`` when empty); non-ASCII as character
    references, as ElementTree's default US-ASCII output has them; and the
    lines split and joined as ``generate_graphml`` does. Anything else
    returns None. tests/test_graph_writers.py compares the two on awkward
    values (markup, quotes, non-ASCII, line breaks, empty strings, floats,
    booleans).
    """
    from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # type: ignore[attr-defined]

    from networkx.readwrite.graphml import GraphMLWriter

    if not (G.is_directed() and G.is_multigraph()) or {"id", "node_default", "edge_default"} & set(G.graph):
        return None
    writer = GraphMLWriter(named_key_ids=True)  # its type table and namespaces, nothing written
    xml_type = writer.xml_type
    keys: dict[tuple[str, str, str], str] = {}
    key_lines: list[str] = []
    out: list[str] = []

    def data(scope: str, attrs: dict[Any, Any], indent: str, sink: list[str]) -> bool:
        for k, v in attrs.items():
            kind = xml_type.get(type(v))
            if kind is None:
                raise _Unmirrored(v)
            name = str(k)
            if (name, kind, scope) not in keys:
                keys[(name, kind, scope)] = name
                key_lines.append(f'  <key id="{_escape_attrib(name)}" for="{scope}" attr.name="{_escape_attrib(name)}" attr.type="{kind}" />')
            text = str(v)
            sink.append(f'{indent}<data key="{_escape_attrib(name)}">{_escape_cdata(text)}</data>' if text
                        else f'{indent}<data key="{_escape_attrib(name)}" />')
        return bool(attrs)

    try:
        graph_data: list[str] = []  # its keys come first, its values after the edges
        data("graph", G.graph, "    ", graph_data)
        for n, attrs in G.nodes(data=True):
            head = f'    <node id="{_escape_attrib(str(n))}"'
            out.append(head + ">")
            if data("node", attrs, "      ", out):
                out.append("    </node>")
            else:
                out[-1] = head + " />"
        for u, v, k, attrs in G.edges(keys=True, data=True):
            head = f'    <edge source="{_escape_attrib(str(u))}" target="{_escape_attrib(str(v))}" id="{_escape_attrib(str(k))}"'
            out.append(head + ">")
            if data("edge", attrs, "      ", out):
                out.append("    </edge>")
            else:
                out[-1] = head + " />"
    except _Unmirrored:
        return None
    out += graph_data
    root = (f'<graphml xmlns="{_escape_attrib(writer.NS_GRAPHML)}" xmlns:xsi="{_escape_attrib(writer.NS_XSI)}" '
            f'xsi:schemaLocation="{_escape_attrib(writer.SCHEMALOCATION)}">')
    graph = ['  <graph edgedefault="directed">', *out, "  </graph>"] if out else ['  <graph edgedefault="directed" />']
    text = "\n".join([root, *reversed(key_lines), *graph, "</graphml>"])
    out.clear()  # the lines go before the text is copied again: one copy of the document at a time
    graph.clear()
    return _generated_lines(text)


# Line breaks str.splitlines() knows in ASCII text besides "\n".
_OTHER_BREAKS = re.compile(r"[\r\x0b\x0c\x1c\x1d\x1e]")


def _generated_lines(text: str) -> str:
    """``text`` as networkx's ``generate_graphml``/``generate_gexf`` joined by newlines would give it.

    ElementTree's default output is US-ASCII, so non-ASCII characters
    become character references (``xmlcharrefreplace``); networkx then splits
    the document with ``splitlines()`` and we join the lines with newlines,
    which turns every other line break Python knows into a newline and drops
    a last one. Each step is taken only when it changes something (the
    checks copy nothing), so the usual ASCII document is not copied three
    more times (some 400 MB at 100k claims).
    """
    if not text.isascii():
        text = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    if _OTHER_BREAKS.search(text) or text.endswith("\n"):
        return "\n".join(text.splitlines())
    return text


class _Unmirrored(Exception):
    """A value the fast writers do not write as networkx would (a type outside its table): networkx writes the graph."""


def gexf_text(G: nx.MultiDiGraph, flat: nx.MultiDiGraph | None = None) -> str:
    """GEXF without its last-modified date, so the same data gives the same bytes.

    :func:`fast_gexf_lines` writes what ``nx.generate_gexf`` would; a graph
    it does not mirror goes to networkx itself.
    """
    flat = flatten(G) if flat is None else flat
    lines = fast_gexf_lines(flat)
    text = XML_DECLARATION + (lines if lines is not None else networkx_gexf_lines(flat)) + "\n"
    return re.sub(r'<meta lastmodifieddate="[^"]*">', "<meta>", text, count=1)


def networkx_gexf_lines(flat: nx.MultiDiGraph) -> str:
    """``nx.generate_gexf`` joined by newlines: the reference :func:`fast_gexf_lines` is tested against."""
    import networkx as nx

    return "\n".join(nx.generate_gexf(flat))


# Node and edge attributes GEXF writes as XML attributes or elements of their own (ids, labels,
# times, hierarchy, visualisation) and a multigraph key's name: the fast writer leaves them to networkx.
GEXF_SPECIAL = frozenset({"id", "label", "pid", "start", "end", "parents", "spells", "slices", "viz",
                          "weight", "type", "key", "networkx_key"})


def fast_gexf_lines(G: nx.MultiDiGraph) -> str | None:
    """What :func:`networkx_gexf_lines` returns, built from strings; None for a graph this does not mirror.

    The GEXF counterpart of :func:`fast_graphml_lines` (8.5 s for the
    160 MB at 100k claims through ElementTree), for what :func:`flatten`
    makes: a directed multigraph whose edges all have an ``id``, static
    str, int, float and bool values, no graph ``mode`` or default
    attributes, no node ``id`` and no GEXF time, hierarchy or
    visualisation attributes. As networkx does it: node ``label`` becomes
    the node's label (else its id), the edge key an attribute
    ``networkx_key`` after the others, attribute ids count up across nodes
    and edges as first seen, each class's ``<attributes>`` block put first
    when it is made (so edges' before nodes'), booleans lower case and
    infinities and NaN as GEXF spells them; the ``<meta>`` date and creator
    are read from networkx's own writer.
    """
    from xml.etree.ElementTree import _escape_attrib, _escape_cdata  # type: ignore[attr-defined]

    from networkx.readwrite.gexf import GEXFWriter

    if (not (G.is_directed() and G.is_multigraph()) or {"mode", "node_default", "edge_default"} & set(G.graph)
            or not isinstance(G.graph.get("name", ""), str)):
        return None
    writer = GEXFWriter(version="1.2draft")  # its type table, namespaces and <meta>, nothing written
    xml_type = writer.xml_type
    meta = writer.xml.find("meta")
    ids: dict[str, dict[str, str]] = {"node": {}, "edge": {}}
    declared: dict[str, list[str]] = {}  # class -> its <attribute> lines, blocks in the order they were made
    special = {"inf": "INF", "nan": "NaN", "-inf": "-INF"}
    out: list[str] = []

    def attvalues(cls: str, attrs: dict[Any, Any], indent: str) -> None:
        if not attrs:
            return
        out.append(indent + "<attvalues>")
        for k, v in attrs.items():
            kind = xml_type.get(type(v))
            if kind is None or isinstance(v, list):
                raise _Unmirrored(v)
            title = str(k)
            if title not in ids[cls]:
                ids[cls][title] = str(len(ids["node"]) + len(ids["edge"]))
                declared.setdefault(cls, []).append(f'      <attribute id="{ids[cls][title]}" title="{_escape_attrib(title)}" type="{kind}" />')
            value = str(v).lower() if isinstance(v, bool) else str(v)
            if type(v) is float:
                value = special.get(value, value)
            out.append(f'{indent}  <attvalue for="{ids[cls][title]}" value="{_escape_attrib(value)}" />')
        out.append(indent + "</attvalues>")

    def element(head: str, cls: str, attrs: dict[Any, Any], indent: str, tag: str) -> None:
        out.append(head + ">")
        mark = len(out)
        attvalues(cls, attrs, indent + "  ")
        if len(out) == mark:
            out[-1] = head + " />"
        else:
            out.append(f"{indent}</{tag}>")

    try:
        nodes: list[str] = []
        for n, attrs in G.nodes(data=True):
            if GEXF_SPECIAL.intersection(attrs.keys() - {"label"}):
                raise _Unmirrored(n)
            rest = {k: v for k, v in attrs.items() if k != "label"}
            element(f'      <node id="{_escape_attrib(str(n))}" label="{_escape_attrib(str(attrs.get("label", n)))}"', "node", rest, "      ", "node")
        nodes, out = out, []
        for u, v, key, attrs in G.edges(keys=True, data=True):
            if "id" not in attrs or GEXF_SPECIAL.intersection(attrs.keys() - {"id"}):
                raise _Unmirrored((u, v, key))
            rest = {k: x for k, x in attrs.items() if k != "id"}
            rest["networkx_key"] = key
            element(f'      <edge source="{_escape_attrib(str(u))}" target="{_escape_attrib(str(v))}" id="{_escape_attrib(str(attrs["id"]))}"',
                    "edge", rest, "      ", "edge")
        edges = out
    except _Unmirrored:
        return None
    lines = [(f'<gexf xmlns="{_escape_attrib(writer.NS_GEXF)}" xmlns:xsi="{_escape_attrib(writer.NS_XSI)}" '
              f'xsi:schemaLocation="{_escape_attrib(writer.SCHEMALOCATION)}" version="{_escape_attrib(writer.VERSION)}">'),
             f'  <meta lastmodifieddate="{_escape_attrib(meta.get("lastmodifieddate"))}">',
             f'    <creator>{_escape_cdata(meta.find("creator").text)}</creator>',
             "  </meta>",
             f'  <graph defaultedgetype="directed" mode="static" name="{_escape_attrib(str(G.graph.get("name", "")))}">']
    for cls in reversed(declared):
        lines += [f'    <attributes mode="static" class="{cls}">', *declared[cls], "    </attributes>"]
    lines += ["    <nodes>", *nodes, "    </nodes>"] if nodes else ["    <nodes />"]
    lines += ["    <edges>", *edges, "    </edges>"] if edges else ["    <edges />"]
    lines += ["  </graph>", "</gexf>"]
    text = "\n".join(lines)
    for done in (lines, nodes, edges):  # the lines go before the text is copied again
        done.clear()
    return _generated_lines(text)


def nodelink_text(G: nx.MultiDiGraph) -> str:
    """Node-link JSON: ``json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)``, through :func:`indented_json`."""
    import networkx as nx

    data = nx.node_link_data(G, edges="edges")
    try:
        return indented_json(data) + "\n"
    except TypeError:  # a key or value indented_json leaves to json, which converts or refuses it
        return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _json_float(o: float) -> str:
    """A float as json writes it (``allow_nan``: NaN and Infinity as JavaScript spells them)."""
    if math.isnan(o):
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == float("-inf"):
        return "-Infinity"
    return float.__repr__(o)


def indented_json(value: Any) -> str:
    """``json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)``, 1.6 times faster.

    With an indent, json leaves its C encoder for a Python generator that
    yields every token through several layers (3 s for the 139 MB of
    node-link JSON at 100k claims). This writes the same text (json's own C
    string escaping, ``float.__repr__`` and ``int.__repr__``, keys sorted,
    ``[]``/``{}`` for empty containers, one space a level) into lists,
    each node and edge (the containers two levels down) joined on its own
    so that the pieces of only one are held at a time. It takes dicts with
    str keys, lists, tuples, str, int, float, bool and None, and raises
    TypeError on anything else, for json to handle (:func:`nodelink_text`).
    tests/test_graph_writers.py compares it with json on random nested
    values.
    """
    return _indented(value, "\n")


_json_string = json.encoder.encode_basestring  # json's own string escaping (its C function when there is one)
_CHUNK_INDENT = len("\n  ")  # the newline and indent of a node or edge of node-link data


def _json_scalar(o: Any) -> str | None:
    """A str, number, boolean or None as json writes it; None for a container or anything else."""
    kind = type(o)
    if kind is str:
        return str(_json_string(o))
    if o is None:
        return "null"
    if o is True:
        return "true"
    if o is False:
        return "false"
    if kind is int:
        return int.__repr__(o)
    if kind is float:
        return _json_float(o)
    if isinstance(o, str):
        return str(_json_string(o))
    if isinstance(o, int):
        return int.__repr__(o)
    if isinstance(o, float):
        return _json_float(o)
    return None


def _indented(value: Any, newline: str) -> str:
    """:func:`indented_json` of ``value`` written at the indent ``newline`` (a newline and one space a level)."""
    parts: list[str] = []
    append = parts.append
    enc = _json_string
    scalar = _json_scalar

    def nested(v: Any, inner: str) -> None:
        if len(inner) == _CHUNK_INDENT:
            append(_indented(v, inner))
        else:
            walk(v, inner)

    def walk(o: Any, nl: str) -> None:
        if isinstance(o, dict):
            if not o:
                append("{}")
                return
            inner = nl + " "
            sep = "," + inner
            append("{" + inner)
            first = True
            for k, v in sorted(o.items()):
                if type(k) is not str:
                    raise TypeError(f"key {k!r} is not a str")
                s = scalar(v)
                head = enc(k) + ": " if first else sep + enc(k) + ": "
                first = False
                if s is not None:
                    append(head + s)
                else:
                    append(head)
                    nested(v, inner)
            append(nl + "}")
        elif isinstance(o, (list, tuple)):
            if not o:
                append("[]")
                return
            inner = nl + " "
            sep = "," + inner
            append("[" + inner)
            first = True
            for v in o:
                s = scalar(v)
                if s is not None:
                    append(s if first else sep + s)
                else:
                    if not first:
                        append(sep)
                    nested(v, inner)
                first = False
            append(nl + "]")
        else:
            s = scalar(o)
            if s is None:
                raise TypeError(f"{type(o).__name__} is not JSON serialisable here")
            append(s)

    walk(value, newline)
    return "".join(parts)


def read_export(path: Path) -> nx.MultiDiGraph:
    """Read an export back with networkx (used by the tests and by users)."""
    import networkx as nx

    if path.suffix == ".graphml":
        G = nx.read_graphml(path, force_multigraph=True)
        for _, _, data in G.edges(data=True):
            if GRAPHML_EDGE_ID in data:
                data["id"] = data.pop(GRAPHML_EDGE_ID)
        return G
    if path.suffix == ".gexf":
        G = nx.read_gexf(path)
        G.graph.pop("mode", None)  # GEXF's own bookkeeping, not ours
        return G
    data = json.loads(path.read_text(encoding="utf-8"))
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")


GRAPHML_EDGE_ID = "edge_id"  # the flat edges' ``id``, renamed in GraphML where ``id`` is the format's own edge id


def strict_graphml(text: str) -> str:
    """GraphML as strict readers (rustworkx, igraph, the GraphML XML Schema) want it.

    networkx writes booleans as Python's ``True``/``False``, which XML
    Schema's boolean type (``true``/``false``) rejects, and an edge attribute
    named ``id``, which clashes with GraphML's own edge id in igraph. Both are
    rewritten; :func:`read_export` maps ``edge_id`` back to ``id``.
    """
    booleans = re.findall(r'<key id="([^"]+)" for="\w+" attr\.name="[^"]*" attr\.type="boolean"', text)
    for key in booleans:
        text = re.sub(rf'(<data key="{re.escape(key)}">)(True|False)(</data>)',
                      lambda m: m.group(1) + m.group(2).lower() + m.group(3), text)
    text = text.replace('<key id="id" for="edge" attr.name="id"', f'<key id="{GRAPHML_EDGE_ID}" for="edge" attr.name="{GRAPHML_EDGE_ID}"')
    return text.replace('<data key="id">', f'<data key="{GRAPHML_EDGE_ID}">')


@without_gc
def write_exports(G: nx.MultiDiGraph, out_dir: Path) -> dict[str, Path]:
    """Write GraphML, GEXF and node-link JSON into ``out_dir``, all or nothing."""
    flat = flatten(G)  # once for both XML formats
    with atomic_outputs(out_dir) as stage:
        stage(EXPORTS["graphml"], strict_graphml(graphml_text(G, flat)))
        stage(EXPORTS["gexf"], gexf_text(G, flat))
        stage(EXPORTS["nodelink"], nodelink_text(G))
    return {fmt: out_dir / name for fmt, name in EXPORTS.items()}
