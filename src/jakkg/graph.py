"""Project the RDF knowledge graph onto a networkx MultiDiGraph of evidence.

The RDF graph is claim-centred (one nanopublication per claim); a network
view is entity-centred. The projection reads the built graph
(``build/jakdm.trig`` or ``.ttl``) with SPARQL, so what it shows is what was
written, and its counts can be checked against SPARQL counts.

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

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .export import atomic_outputs
from .identifiers import DATA, compress

if TYPE_CHECKING:  # networkx and rdflib are imported where they are used
    import networkx as nx
    from rdflib import Dataset, Graph

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
# One row per claim; single-valued qualifiers are OPTIONAL.
CLAIMS_QUERY = PREFIXES + """
SELECT ?claim ?s ?p ?o ?label ?negated ?direction ?hedging ?population ?instrument
       ?n ?N ?percentage ?timePoint ?timePointLabel ?paper ?attributed
WHERE {
  ?claim a jakkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o .
  OPTIONAL { ?claim rdfs:label ?label }
  OPTIONAL { ?claim jakkg:negated ?negated }
  OPTIONAL { ?claim jakkg:direction ?direction }
  OPTIONAL { ?claim jakkg:hedging ?hedging }
  OPTIONAL { ?claim jakkg:population ?population }
  OPTIONAL { ?claim jakkg:instrument ?instrument }
  OPTIONAL { ?claim jakkg:responders ?n }
  OPTIONAL { ?claim jakkg:sampleSize ?N }
  OPTIONAL { ?claim jakkg:percentage ?percentage }
  OPTIONAL { ?claim jakkg:timePoint ?timePoint }
  OPTIONAL { ?claim jakkg:timePointLabel ?timePointLabel }
  OPTIONAL { ?claim dcterms:source ?paper }
  OPTIONAL { ?claim jakkg:attributedTo ?attributed }
}
"""
CLAIM_CLASSES_QUERY = PREFIXES + """
SELECT ?claim ?class WHERE { ?claim a jakkg:Claim , ?class . FILTER(?class != jakkg:Claim) }
"""
QUOTES_QUERY = PREFIXES + """
SELECT ?claim ?annotation ?quote ?start ?end WHERE {
  ?annotation a oa:Annotation ; oa:hasBody ?claim ; rdf:value ?quote .
  ?claim a jakkg:Claim .
  OPTIONAL { ?annotation oa:hasTarget/oa:hasSelector ?sel . ?sel a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }
}
"""
DISAGREES_QUERY = PREFIXES + """
SELECT ?a ?b WHERE { ?a jakkg:disagreesWith ?b }
"""
# Labels, types and status of everything a claim connects, and of the studies.
NODES_QUERY = PREFIXES + """
SELECT ?node ?type ?label ?status WHERE {
  { ?c a jakkg:Claim ; rdf:subject ?node } UNION { ?c a jakkg:Claim ; rdf:object ?node }
  OPTIONAL { ?node a ?type }
  OPTIONAL { ?node rdfs:label ?label }
  OPTIONAL { ?node jakkg:verificationStatus ?status }
}
"""
# The curated CURIE of every entity (dcterms:identifier keeps the curator's spelling, HGNC:6190).
ENTITY_IDS_QUERY = PREFIXES + """
SELECT ?entity ?identifier WHERE { ?entity jakkg:curationKey ?key ; dcterms:identifier ?identifier }
"""
STUDIES_QUERY = PREFIXES + """
SELECT ?study ?label ?doi ?citation WHERE {
  ?study a jakkg:Study .
  OPTIONAL { ?study rdfs:label ?label }
  OPTIONAL { ?study bibo:doi ?doi }
  OPTIONAL { ?study dcterms:bibliographicCitation ?citation }
}
"""


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
    """The node id of a resource: its CURIE (``CHEBI:95341``, ``jakdm:cohort/X``), else the IRI."""
    return compress(iri) or iri


def _local(iri: str, prefix: str) -> str:
    return iri.removeprefix(prefix)


def _number(value: Any) -> int | float | None:
    """A typed literal as int (counts) or float (decimals); None when absent."""
    if value is None:
        return None
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


def project(ds: Graph | Dataset, vocab: Any = None, style: GraphStyle | None = None) -> nx.MultiDiGraph:
    """The evidence network of a built graph (see the module docstring for the mapping).

    Each SPARQL query returns rows linear in the number of claims; they are
    joined in dictionaries keyed by claim, so the projection is linear too.
    Nodes and edges are added in sorted order, so exports are deterministic.
    """
    import networkx as nx

    from .vocab import COHORT, PATIENT, default_vocabulary

    vocab = vocab or default_vocabulary()
    style = style or graph_style()
    pred_by_iri = {str(p.iri): p for p in vocab.predicates.values()}
    key_of = {str(iri): key for table in (vocab.directions, vocab.hedging, vocab.time_points, vocab.claim_categories) for key, iri in table.items()}
    category_of_class = {str(iri): key for key, iri in vocab.categories.items()}
    category_of_class[str(COHORT)] = "cohort"
    category_of_class[str(PATIENT)] = "patient"
    claim_prefix = DATA + "claim/"
    study_prefix = DATA + "study/"
    curie_of = {str(row.entity): str(row.identifier) for row in ds.query(ENTITY_IDS_QUERY)}

    def nid(iri: str) -> str:
        """The curated CURIE of an entity, else the compact IRI (cohorts, patients)."""
        return curie_of.get(iri) or node_id(iri)

    studies: dict[str, dict[str, str]] = {}
    for row in ds.query(STUDIES_QUERY):
        sid = _local(str(row.study), study_prefix)
        rec = studies.setdefault(sid, {"id": sid})
        for name in ("label", "doi", "citation"):
            if getattr(row, name) is not None:
                rec[name] = str(getattr(row, name))

    nodes: dict[str, dict[str, Any]] = {}
    for row in ds.query(NODES_QUERY):
        iri = str(row.node)
        rec = nodes.setdefault(iri, {"types": set(), "label": None, "status": None})
        if row.type is not None:
            rec["types"].add(str(row.type))
        for name in ("label", "status"):
            if getattr(row, name) is not None and rec[name] is None:
                rec[name] = str(getattr(row, name))

    claims: dict[str, dict[str, Any]] = {}
    for row in ds.query(CLAIMS_QUERY):
        cid = _local(str(row.claim), claim_prefix)
        if cid in claims:  # a functional property given twice would duplicate rows; keep the first
            continue
        pred = pred_by_iri.get(str(row.p))
        tp = str(row.timePoint) if row.timePoint is not None else (key_of.get(str(row.timePointLabel)) if row.timePointLabel is not None else None)
        paper = _local(str(row.paper), study_prefix) if row.paper is not None else None
        attributed = _local(str(row.attributed), study_prefix) if row.attributed is not None else None
        claims[cid] = {
            "id": cid,
            "s": str(row.s),
            "o": str(row.o),
            "predicate": pred.key if pred else node_id(str(row.p)),
            "predicate_label": pred.label if pred else node_id(str(row.p)),
            "predicate_iri": str(row.p),
            "label": str(row.label) if row.label is not None else cid,
            "negated": row.negated is not None and row.negated.toPython() is True,
            "direction": key_of.get(str(row.direction)) if row.direction is not None else None,
            "hedging": key_of.get(str(row.hedging), "asserted") if row.hedging is not None else "asserted",
            "population": nid(str(row.population)) if row.population is not None else None,
            "instrument": nid(str(row.instrument)) if row.instrument is not None else None,
            "n": _number(row.n),
            "N": _number(row.N),
            "percentage": _number(row.percentage),
            "time_point": tp,
            "paper": paper,
            "attributed_to": attributed,
            "category": None,
            "quotes": [],
            "disagrees_with": [],
        }
    for row in ds.query(CLAIM_CLASSES_QUERY):
        cid = _local(str(row.claim), claim_prefix)
        if cid in claims and str(row["class"]) in key_of:
            claims[cid]["category"] = key_of[str(row["class"])]
    quotes: dict[str, list[tuple[list[Any], dict[str, Any]]]] = defaultdict(list)
    for row in ds.query(QUOTES_QUERY):
        cid = _local(str(row.claim), claim_prefix)
        q: dict[str, Any] = {"text": str(row.quote)}
        if row.start is not None:
            q["start"], q["end"] = int(row.start), int(row.end)
        quotes[cid].append((_natural(str(row.annotation)), q))
    for cid, found in quotes.items():
        if cid in claims:
            claims[cid]["quotes"] = [q for _, q in sorted(found, key=lambda t: t[0])]
    for row in ds.query(DISAGREES_QUERY):
        a, b = _local(str(row.a), claim_prefix), _local(str(row.b), claim_prefix)
        for x, y in ((a, b), (b, a)):  # symmetric even when only one direction was written
            if x in claims and y not in claims[x]["disagrees_with"]:
                claims[x]["disagrees_with"].append(y)

    G = nx.MultiDiGraph(name=GRAPH_NAME)
    for iri in sorted(nodes, key=nid):
        rec = nodes[iri]
        category = next((category_of_class[t] for t in sorted(rec["types"]) if t in category_of_class), "other")
        attrs = {
            "label": rec["label"] or nid(iri),
            "category": category,
            "category_label": category.replace("_", " "),
            "curie": nid(iri),
            "iri": iri,
            "verified": rec["status"] != "unverified",
            "layer": style.layer(category),
        }
        G.add_node(nid(iri), **attrs)

    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = defaultdict(list)
    for c in claims.values():
        groups[(nid(c["s"]), nid(c["o"]), edge_key(c["predicate"], c["direction"], c["negated"]))].append(c)
    for (u, v, key) in sorted(groups):
        members = sorted(groups[(u, v, key)], key=lambda c: _natural(c["id"]))
        first = members[0]
        G.add_edge(u, v, key=key, **_edge_attributes(members, first, studies, style))
    return G


def _edge_attributes(members: list[dict[str, Any]], first: dict[str, Any], studies: dict[str, dict[str, str]], style: GraphStyle) -> dict[str, Any]:
    """The attributes of one edge from the claims grouped on it."""

    def unique(values: Any) -> list[Any]:
        return sorted({v for v in values if v is not None}, key=lambda x: _natural(str(x)))

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
    from .validate import read_dataset

    return project(read_dataset(path))


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


def graphml_text(G: nx.MultiDiGraph) -> str:
    import networkx as nx

    return XML_DECLARATION + "\n".join(nx.generate_graphml(flatten(G), named_key_ids=True)) + "\n"


def gexf_text(G: nx.MultiDiGraph) -> str:
    """GEXF without its last-modified date, so the same data gives the same bytes."""
    import networkx as nx

    text = XML_DECLARATION + "\n".join(nx.generate_gexf(flatten(G))) + "\n"
    return re.sub(r'<meta lastmodifieddate="[^"]*">', "<meta>", text, count=1)


def nodelink_text(G: nx.MultiDiGraph) -> str:
    import networkx as nx

    data = nx.node_link_data(G, edges="edges")
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def read_export(path: Path) -> nx.MultiDiGraph:
    """Read an export back with networkx (used by the tests and by users)."""
    import networkx as nx

    if path.suffix == ".graphml":
        return nx.read_graphml(path, force_multigraph=True)
    if path.suffix == ".gexf":
        G = nx.read_gexf(path)
        G.graph.pop("mode", None)  # GEXF's own bookkeeping, not ours
        return G
    data = json.loads(path.read_text(encoding="utf-8"))
    return nx.node_link_graph(data, directed=True, multigraph=True, edges="edges")


def write_exports(G: nx.MultiDiGraph, out_dir: Path) -> dict[str, Path]:
    """Write GraphML, GEXF and node-link JSON into ``out_dir``, all or nothing."""
    with atomic_outputs(out_dir) as stage:
        stage(EXPORTS["graphml"], graphml_text(G))
        stage(EXPORTS["gexf"], gexf_text(G))
        stage(EXPORTS["nodelink"], nodelink_text(G))
    return {fmt: out_dir / name for fmt, name in EXPORTS.items()}
