"""Pictures of the evidence network: a static figure (PNG, SVG) and an
interactive page (one self-contained HTML file).

The static figure uses the layered layout of :mod:`jakkg.layout`: drugs |
kinases | pathways | diseases and phenotypes | outcome measures, left to
right, so a reader follows each drug to each outcome. Graphviz ``dot`` orders
and places the boxes (one rank per column); we route and draw the edges.
On the seed figure dot's order has 766 crossings against 1,012 for the
Sugiyama code we had and 818 for ELK, at the same height within 1%
(benchmarks/page.py --layouts). Nodes are
coloured by category (Okabe-Ito palette, ``graph.yaml``), edges by kind of
evidence (mechanism, improvement, worsening or adverse event, no change,
negated) and their width grows with the number of claims behind them.
Negated claims are drawn dashed and grey, never in the colour of positive
evidence. The figure leaves out cohorts and patients (the claims about them
are counted in its footnote).

The page draws with Cytoscape.js and lays out with ELK (both vendored from
npm in ``web/vendor``, pinned in its manifest, inlined so the file works
offline). It opens on the core without cohorts and patients, laid out here
with the same layered layout as the figure (Graphviz dot), so the first
render needs no layout in the browser; every filter (drug, paper, study
design, OCEBM level of evidence, population age group, negation, cohorts and
patients) has ELK lay out what remains, one partition per category column. Claims name populations, instruments and
studies by IRI: :func:`page_context` reads their labels, the entities'
synonyms and the study designs from the same store, so the page never shows
a raw identifier where a label exists. Its "Evidence map" tab draws the
cells of :func:`jakkg.evidence_map.evidence_cells` (issue 14) read from the
same store (:func:`evidence_map_data`), so the tab, the CSV and the PNG/SVG
of ``jakkg evidence-map`` show the same rows; they travel in a JSON block of
their own that the page parses only when the tab is first opened, so the
network's first render does not wait for them.

A literature is larger than a picture can be. Beyond ``FIGURE_MAX_EDGES`` /
``FIGURE_MAX_NODES`` the figure draws only the strongest evidence (edges with
the most independent sources, then claims: :func:`strongest_subgraph`) and
says on its face how much it left out and where to read it; beyond
``PAGE_MAX_EDGES`` / ``PAGE_MAX_NODES`` the page draws such a summary too,
while its data keeps every edge, reachable through the search. At 10,816
synthetic claims (4,961 edges) the page's first render took 1.4 s in
headless Chromium on a busy 2-core machine (benchmarks/page.py; 0.8 to 1.9 s
in earlier runs).

matplotlib is used with the Agg canvas and no pyplot state; SVG ids are
salted and dates left out, and the page's data is sorted JSON, so the same
graph gives the same bytes.
"""
from __future__ import annotations

import html
import io
import json
import math
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .analytics import disagreements, drug_view, drugs
from .export import atomic_outputs
from .graph import GraphStyle, graph_style, without_gc
from .layout import Layout, Metrics, badge_positions, bezier_segments, layered_layout, text_top, wrap_label

if TYPE_CHECKING:
    import networkx as nx

OUTPUTS = {"png": "jakdm-network.png", "svg": "jakdm-network.svg", "html": "jakdm-network.html"}
TITLE = "JAK inhibitors in dermatomyositis: evidence network"
PNG_DPI = 200
MARGIN = 22.0
HEADER = 62.0  # title, subtitle and column titles above the boxes
TEXT_COLOUR = "#1A1A1A"
MIN_CONTENT_WIDTH = 640.0
BADGE_RADIUS = 5.0
DISAGREE_COLOUR = "#B2182B"
# Beyond these sizes a picture is no longer read, only looked at: the static figure
# then draws the strongest evidence only, and the page a summary of it (see strongest_subgraph).
# The seed corpus draws 86 entities and 156 edges in the figure, 140 and 258 on the page.
FIGURE_MAX_EDGES = 200
FIGURE_MAX_NODES = 120
PAGE_MAX_EDGES = 600
PAGE_MAX_NODES = 300


# -- shared helpers -------------------------------------------------------------------
def plural(n: int, word: str, words: str | None = None) -> str:
    """'1 claim', '2 claims'."""
    return f"{n} {word if n == 1 else (words or word + 's')}"


def edge_width(n_claims: int) -> float:
    """Line width (points) for an edge backed by ``n_claims`` claims: logarithmic, so one strong edge does not swamp the rest."""
    return round(0.9 + 1.3 * math.log2(max(n_claims, 1)), 2)


def tint(colour: str, amount: float = 0.82) -> str:
    """``colour`` mixed with white: the fill of a box whose border is ``colour``."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * amount) for c in (r, g, b)]
    return "#" + "".join(f"{c:02X}" for c in mix)


def drawn_columns(G: nx.MultiDiGraph, style: GraphStyle, populations: bool) -> list[tuple[int, str]]:
    """The columns that hold at least one node (the populations column only if asked)."""
    used = {d["layer"] for _, d in G.nodes(data=True)}
    pop_layer = style.layer("cohort")
    return [(i, str(layer["title"])) for i, layer in enumerate(style.layers) if i in used and (populations or i != pop_layer)]


def static_subgraph(G: nx.MultiDiGraph, style: GraphStyle) -> tuple[nx.MultiDiGraph, int, int]:
    """``G`` without cohorts and patients (and entities only they connect).

    Returns the subgraph, the number of claims left out and the number of
    entities left out, for the figure's footnote.
    """
    pop_layer = style.layer("cohort")
    H = G.copy()
    pops = {n for n, d in G.nodes(data=True) if d["layer"] == pop_layer}  # a set: looked up once per edge
    left_out_claims = sum(d["n_claims"] for u, v, d in G.edges(data=True) if u in pops or v in pops)
    H.remove_nodes_from(pops)
    orphans = [n for n in H if H.degree(n) == 0 and G.degree(n) > 0]
    H.remove_nodes_from(orphans)
    return H, left_out_claims, len(orphans)


def disagreeing_edges(G: nx.MultiDiGraph, style: GraphStyle) -> set[tuple[str, str, str]]:
    """Edges that carry a claim of a disagreement (marked in the pictures)."""
    where = {c: (u, v, k) for u, v, k, d in G.edges(keys=True, data=True) for c in d["claims"]}
    return {where[c] for row in disagreements(G, style) for c in row.claims_for + row.claims_against if c in where}


@dataclass(frozen=True)
class LeftOut:
    """What a capped picture does not draw (all zero when it draws everything)."""

    edges: int = 0
    claims: int = 0
    nodes: int = 0

    def __bool__(self) -> bool:
        return self.edges > 0


def evidence_rank(u: str, v: str, k: str, d: dict[str, Any]) -> tuple[Any, ...]:
    """Strongest evidence first: most independent sources, then most claims; ties by edge."""
    return (-d["n_sources"], -d["n_claims"], u, v, k)


def strongest_subgraph(G: nx.MultiDiGraph, max_edges: int, max_nodes: int) -> tuple[nx.MultiDiGraph, LeftOut]:
    """``G`` itself when it fits, else its strongest edges: at most ``max_edges`` edges and ``max_nodes`` nodes.

    Edges are taken in :func:`evidence_rank` order; an edge that would bring
    in more nodes than are left is passed over, so a strong edge between two
    drawn nodes still makes it. One sort and one pass: O(E log E).
    """
    if G.number_of_edges() <= max_edges and G.number_of_nodes() <= max_nodes:
        return G, LeftOut()
    import networkx as nx

    nodes: set[str] = set()
    kept: list[tuple[str, str, str]] = []
    for u, v, k, d in sorted(G.edges(keys=True, data=True), key=lambda e: evidence_rank(*e)):
        if len(kept) == max_edges:
            break
        if len(nodes) + len({u, v} - nodes) <= max_nodes:  # not nodes | {u, v}: a copy of the drawn nodes per edge
            kept.append((u, v, k))
            nodes.update((u, v))
    H = nx.MultiDiGraph(**G.graph)
    H.add_nodes_from((n, G.nodes[n]) for n in sorted(nodes))
    H.add_edges_from((u, v, k, G.edges[u, v, k]) for u, v, k in sorted(kept))
    drawn_claims = sum(d["n_claims"] for _, _, d in H.edges(data=True))
    return H, LeftOut(edges=G.number_of_edges() - len(kept),
                      claims=sum(d["n_claims"] for _, _, d in G.edges(data=True)) - drawn_claims,
                      nodes=G.number_of_nodes() - len(nodes))


# -- static figure -----------------------------------------------------------------------
def figure(G: nx.MultiDiGraph, style: GraphStyle | None = None, metrics: Metrics | None = None,
           max_edges: int = FIGURE_MAX_EDGES, max_nodes: int = FIGURE_MAX_NODES) -> tuple[Any, Layout, dict[str, Any]]:
    """The matplotlib Figure of the static picture, its layout and its artists.

    The third value holds ``labels`` (node -> its label Text objects),
    ``boxes`` (node -> its box patch), ``edges`` (edge -> its line) and
    ``texts`` (every other text), so tests can check the rendered canvas:
    labels inside their boxes, no two overlapping, negated edges dashed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch, PathPatch, Polygon
    from matplotlib.path import Path as MPath

    style = style or graph_style()
    whole, left_out_claims, left_out_nodes = static_subgraph(G, style)
    H, weaker = strongest_subgraph(whole, max_edges, max_nodes)
    layout = layered_layout(H, drawn_columns(H, style, populations=False), metrics, thickness=lambda e: edge_width(H.edges[e]["n_claims"]))
    m = layout.metrics
    kinds = style.kind_styles()
    marked = {e for e in disagreeing_edges(whole, style) if H.has_edge(*e)}  # the other side may be left out

    content_w = max(layout.width, MIN_CONTENT_WIDTH)  # room for the title, legend and notes
    notes = _notes(left_out_claims, left_out_nodes, weaker, H)
    legend_h = _legend_height(H, style, content_w, len(notes))
    W = content_w + 2 * MARGIN
    Ht = HEADER + layout.height + legend_h + 2 * MARGIN
    fig = Figure(figsize=(W / 72, Ht / 72))
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, W)
    ax.set_ylim(Ht, 0)
    ax.set_axis_off()
    ox, oy = MARGIN, MARGIN + HEADER

    n_claims = sum(d["n_claims"] for _, _, d in G.edges(data=True))
    papers = sorted({s for _, _, d in G.edges(data=True) for s in d["sources"]})
    ax.text(MARGIN, MARGIN, TITLE, fontsize=12, fontweight="bold", va="top", color=TEXT_COLOUR)
    if weaker:
        subtitle = (f"{plural(n_claims, 'claim')} from {plural(len(papers), 'paper')}; only the strongest evidence is drawn: "
                    f"{plural(H.number_of_edges(), 'edge')} between {plural(H.number_of_nodes(), 'entity', 'entities')}, "
                    f"{plural(weaker.edges, 'weaker edge')} left out (see the note below).")
    else:
        subtitle = (f"{plural(n_claims, 'claim')} from {plural(len(papers), 'paper')}; {plural(H.number_of_nodes(), 'entity', 'entities')} drawn. "
                    "Every edge can be traced to its quotes in jakdm-network.html.")
    ax.text(MARGIN, MARGIN + 17, subtitle, fontsize=7.5, va="top", color="#444444")
    for _, title, x in layout.columns:
        ax.text(ox + x + m.box_width / 2, oy - 12, title, fontsize=8.5, fontweight="bold", ha="center", va="bottom", color="#333333")

    # a badge with the number of claims on every edge backed by several claims or caught in a disagreement
    badged = sorted(e for e in H.edges(keys=True) if H.edges[e]["n_claims"] >= 2 or e in marked)
    marks = badge_positions(layout, BADGE_RADIUS, badged)
    edge_artists: dict[tuple[str, str, str], Any] = {}
    order = sorted(H.edges(keys=True, data=True), key=lambda e: (-e[3]["n_claims"], e[0], e[1], e[2]))
    for u, v, k, d in order:
        e = (u, v, k)
        kind = kinds.get(d["evidence_kind"], kinds["context"])
        lw = edge_width(d["n_claims"])
        segs = bezier_segments(layout.routes[e], m)
        verts: list[tuple[float, float]] = [(ox + segs[0][0][0], oy + segs[0][0][1])]
        codes = [MPath.MOVETO]
        for seg in segs:
            verts += [(ox + x, oy + y) for x, y in seg[1:]]
            codes += [MPath.CURVE4] * 3
        edge_artists[e] = ax.add_patch(PathPatch(MPath(verts, codes), facecolor="none", edgecolor=kind["colour"], lw=lw,
                                                 linestyle=(0, (4, 2.5)) if kind["dashed"] else "solid", alpha=0.85, zorder=1, capstyle="butt"))
        tip, before = _arrow_end(layout.routes[e], segs)
        ax.add_patch(Polygon(_arrow_head(tip, before, lw, ox, oy), closed=True, facecolor=kind["colour"], edgecolor="none", zorder=2))
        if e in marks:
            _badge(ax, ox + marks[e][0], oy + marks[e][1], d["n_claims"], DISAGREE_COLOUR if e in marked else kind["colour"], e in marked)

    label_texts: dict[str, Any] = {}
    box_artists: dict[str, Any] = {}
    for n, b in layout.boxes.items():
        d = H.nodes[n]
        colour = style.category_colours.get(d["category"], "#666666")
        box_artists[n] = ax.add_patch(FancyBboxPatch((ox + b.x, oy + b.y), b.w, b.h, boxstyle="round,pad=0,rounding_size=3",
                                    facecolor=tint(colour), edgecolor=colour, lw=1.1,
                                    linestyle="solid" if d["verified"] else (0, (2.5, 1.5)), zorder=3))
        label_texts[n] = []
        for i, line in enumerate(b.lines):
            t = ax.text(ox + b.x + b.w / 2, oy + text_top(b, m) + m.line_height * (i + 0.5), line, fontsize=m.font_size,
                        ha="center", va="center_baseline", color=TEXT_COLOUR, zorder=5)
            label_texts[n].append(t)

    _draw_legend(ax, H, style, MARGIN, oy + layout.height + 26, content_w, notes, bool(marked))
    labels = {t for ts in label_texts.values() for t in ts}
    others = [t for t in ax.texts if t not in labels]
    return fig, layout, {"labels": label_texts, "boxes": box_artists, "edges": edge_artists, "texts": others}


def _badge(ax: Any, x: float, y: float, n: int, colour: str, ring: bool) -> None:
    """A white disc with a number: how many claims an edge carries."""
    from matplotlib.patches import Circle

    ax.add_patch(Circle((x, y), BADGE_RADIUS, facecolor="white", edgecolor=colour, lw=1.6 if ring else 0.9, zorder=6))
    ax.text(x, y, str(n), fontsize=6, ha="center", va="center_baseline", color=TEXT_COLOUR, zorder=7)


def _arrow_end(route: Any, segs: list[tuple[tuple[float, float], ...]]) -> tuple[tuple[float, float], tuple[float, float]]:
    """The arrow tip (at the edge's real target) and the point it comes from."""
    if route.reverse:
        return segs[0][0], segs[0][1] if segs[0][1] != segs[0][0] else segs[0][3]
    return segs[-1][3], segs[-1][2] if segs[-1][2] != segs[-1][3] else segs[-1][0]


def _arrow_head(tip: tuple[float, float], before: tuple[float, float], lw: float, ox: float, oy: float) -> list[tuple[float, float]]:
    length, half = 4.5 + lw, 2.2 + lw * 0.6
    dx, dy = tip[0] - before[0], tip[1] - before[1]
    norm = math.hypot(dx, dy) or 1.0
    ux, uy = dx / norm, dy / norm
    bx, by = tip[0] - ux * length, tip[1] - uy * length
    return [(ox + tip[0], oy + tip[1]), (ox + bx - uy * half, oy + by + ux * half), (ox + bx + uy * half, oy + by - ux * half)]


def _legend_entries(H: nx.MultiDiGraph, style: GraphStyle) -> tuple[list[str], list[str], list[int]]:
    cats = sorted({d["category"] for _, d in H.nodes(data=True)}, key=lambda c: (style.layer(c), c))
    kinds_used = {d["evidence_kind"] for _, _, d in H.edges(data=True)}
    kinds = [k for k in style.kind_styles() if k in kinds_used]
    top = max((d["n_claims"] for _, _, d in H.edges(data=True)), default=1)
    widths = sorted({1, *(2 ** i for i in range(1, 6) if 2 ** i <= top), top})
    return cats, kinds, widths


def _legend_height(H: nx.MultiDiGraph, style: GraphStyle, width: float, n_notes: int = 2) -> float:
    cats, kinds, widths = _legend_entries(H, style)
    rows = max(len(cats) + 1, len(kinds), len(widths) + 3)
    return 40 + rows * 12 + max(30, 8 + 11 * n_notes)


def _notes(left_out_claims: int, left_out_nodes: int, weaker: LeftOut, H: nx.MultiDiGraph) -> list[str]:
    """The footnotes: what the figure leaves out and where to see it."""
    notes = []
    if weaker:
        notes.append(f"Not drawn: {plural(weaker.edges, 'edge')} with fewer independent sources or claims ({plural(weaker.claims, 'claim')})"
                     + (f" and {plural(weaker.nodes, 'entity', 'entities')} only they connect" if weaker.nodes else "")
                     + f"; the figure keeps the {plural(H.number_of_edges(), 'edge')} with the most independent sources, then claims.")
        notes.append("Every edge and claim is in jakdm-network.html (find an entity to list all its edges) and in jakdm.graphml (Gephi, Cytoscape).")
    if left_out_claims:
        notes.append(f"Not drawn: {left_out_claims} claim{'s' if left_out_claims != 1 else ''} about cohorts or patients"
                     + (f" and {left_out_nodes} entit{'ies' if left_out_nodes != 1 else 'y'} only they mention" if left_out_nodes else "")
                     + " (shown in jakdm-network.html).")
    notes.append("Arrows point from subject to object; a dashed grey edge is a claim the paper negates (e.g. an adverse event looked for and not seen).")
    return notes


def _draw_legend(ax: Any, H: nx.MultiDiGraph, style: GraphStyle, x0: float, y0: float, width: float,
                 notes: list[str], has_marks: bool) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyBboxPatch

    cats, kinds, widths = _legend_entries(H, style)
    ks = style.kind_styles()
    colw = width / 3
    head: dict[str, Any] = {"fontsize": 8, "fontweight": "bold", "va": "center", "color": "#333333"}
    body: dict[str, Any] = {"fontsize": 7.2, "va": "center", "color": TEXT_COLOUR}
    ax.text(x0, y0, "Entities (box colour)", **head)
    for i, c in enumerate(cats):
        y = y0 + 14 + i * 12
        colour = style.category_colours.get(c, "#666666")
        ax.add_patch(FancyBboxPatch((x0, y - 4), 16, 8, boxstyle="round,pad=0,rounding_size=2", facecolor=tint(colour), edgecolor=colour, lw=1))
        ax.text(x0 + 22, y, c.replace("_", " "), **body)
    y = y0 + 14 + len(cats) * 12
    ax.add_patch(FancyBboxPatch((x0, y - 4), 16, 8, boxstyle="round,pad=0,rounding_size=2", facecolor="white", edgecolor="#666666", lw=1, linestyle=(0, (2.5, 1.5))))
    ax.text(x0 + 22, y, "identifier not verified", **body)

    x1 = x0 + colw
    ax.text(x1, y0, "Evidence (edge colour)", **head)
    for i, k in enumerate(kinds):
        y = y0 + 14 + i * 12
        ax.add_line(Line2D([x1, x1 + 22], [y, y], color=ks[k]["colour"], lw=2, linestyle=(0, (4, 2.5)) if ks[k]["dashed"] else "solid"))
        ax.text(x1 + 28, y, ks[k]["title"], **body)

    x2 = x0 + 2 * colw
    ax.text(x2, y0, "Claims behind an edge (width)", **head)
    for i, n in enumerate(widths):
        y = y0 + 14 + i * 12
        ax.add_line(Line2D([x2, x2 + 22], [y, y], color="#555555", lw=edge_width(n), solid_capstyle="butt"))
        ax.text(x2 + 28, y, f"{n} claim{'s' if n > 1 else ''}", **body)
    y = y0 + 14 + len(widths) * 12
    _badge(ax, x2 + 11, y, 2, "#555555", False)
    ax.text(x2 + 28, y, "number of claims (edges with 2 or more)", **body)
    if has_marks:
        y += 12
        _badge(ax, x2 + 11, y, 1, DISAGREE_COLOUR, True)
        ax.text(x2 + 28, y, "red ring: evidence that disagrees", **body)

    rows = max(len(cats) + 1, len(kinds), len(widths) + 2 + has_marks)
    for i, note in enumerate(notes):
        ax.text(x0, y0 + 22 + rows * 12 + i * 11, note, fontsize=7, va="center", color="#555555")


def render_static(G: nx.MultiDiGraph, style: GraphStyle | None = None,
                  max_edges: int = FIGURE_MAX_EDGES, max_nodes: int = FIGURE_MAX_NODES) -> tuple[bytes, bytes]:
    """PNG and SVG bytes of the static figure (deterministic for the same graph)."""
    import matplotlib

    fig, _, _ = figure(G, style, max_edges=max_edges, max_nodes=max_nodes)
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=PNG_DPI, metadata={"Software": None})
    with matplotlib.rc_context({"svg.hashsalt": "jakkg", "svg.fonttype": "none"}):
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    return png.getvalue(), svg.getvalue()


# -- interactive page ------------------------------------------------------------------------
# What the page needs beyond the projection: the labels of populations and instruments (claims
# name them by IRI), entity synonyms for the search, study designs and the age group of each
# population for the filters. Read from the same store as the projection, one query each.
_CONTEXT_PREFIXES = """PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
# Simple patterns joined in Python: Oxigraph took 11 s at 10k claims on one query with OPTIONAL and UNION.
USED_QUERY = _CONTEXT_PREFIXES + "SELECT DISTINCT ?x WHERE { { ?c jakkg:population ?x } UNION { ?c jakkg:instrument ?x } }"
POPULATIONS_QUERY = _CONTEXT_PREFIXES + "SELECT DISTINCT ?x WHERE { ?c jakkg:population ?x }"
LABELS_QUERY = _CONTEXT_PREFIXES + "SELECT ?x ?label WHERE { ?x rdfs:label ?label }"
SYNONYMS_QUERY = _CONTEXT_PREFIXES + "SELECT DISTINCT ?x ?alt WHERE { ?x skos:altLabel ?alt }"
DESIGNS_QUERY = _CONTEXT_PREFIXES + "SELECT DISTINCT ?study ?d WHERE { ?study jakkg:studyDesign ?d }"
DIAGNOSES_QUERY = _CONTEXT_PREFIXES + "SELECT DISTINCT ?x ?d WHERE { ?x jakkg:diagnosis ?d }"
MEMBERS_QUERY = _CONTEXT_PREFIXES + "SELECT DISTINCT ?x ?cohort WHERE { ?x jakkg:memberOf ?cohort }"
AGES_QUERY = _CONTEXT_PREFIXES + "SELECT DISTINCT ?x ?age WHERE { ?x jakkg:ageYears ?age }"
LEVELS_QUERY = _CONTEXT_PREFIXES + "SELECT DISTINCT ?claim ?level WHERE { ?claim jakkg:evidenceLevel ?level }"
LEVEL_PREFIX = "https://w3id.org/jakkg/vocab/OCEBMLevel"
JUVENILE, ADULT, NOT_STATED = "juvenile", "adult", "age not stated"


@without_gc
def page_context(store: Any) -> dict[str, Any]:
    """Labels, synonyms, designs and age groups for the page, from the built graph in ``store``.

    Keys are the ids the projection uses (curated CURIEs, compact IRIs of
    cohorts and patients, study names), so the page looks them up directly.
    A population is ``juvenile`` when its (or its cohort's) diagnosis says
    juvenile or its age is under 18, ``adult`` when the diagnosis says adult
    or the age is 18 or more, else its age is not stated. ``levels`` maps a
    claim id to its OCEBM 2011 level of evidence (``jakkg:evidenceLevel``,
    issue 14); a claim whose study design has no level is not in it.
    """
    from .graph import DATA, ENTITY_IDS_QUERY, _local, _rows, node_id

    curie_of = dict(sorted(_rows(store, ENTITY_IDS_QUERY), reverse=True))

    def nid(iri: str) -> str:
        return curie_of.get(iri) or node_id(iri)

    def pairs(query: str) -> list[tuple[str, str]]:
        return sorted((x, y) for x, y in _rows(store, query))

    label_of = dict(sorted(_rows(store, LABELS_QUERY), reverse=True))  # the smallest label wins
    used = {x for (x,) in _rows(store, USED_QUERY)}
    diagnoses = {x for x, _ in pairs(DIAGNOSES_QUERY)} | {d for _, d in pairs(DIAGNOSES_QUERY)}
    labels = {nid(x): label_of[x] for x in sorted(used | diagnoses) if x in label_of}
    synonyms: dict[str, list[str]] = {}
    for x, alt in pairs(SYNONYMS_QUERY):
        synonyms.setdefault(nid(x), []).append(alt)
    designs: dict[str, list[str]] = {}
    for study, d in pairs(DESIGNS_QUERY):
        if d in label_of:
            designs.setdefault(_local(study, DATA + "study/"), []).append(label_of[d])
    said: dict[str, list[str]] = defaultdict(list)
    for x, d in pairs(DIAGNOSES_QUERY):
        said[x].append(label_of.get(d, "").lower())
    for x, age in pairs(AGES_QUERY):
        said[x].append(JUVENILE if float(age) < 18 else ADULT)
    cohorts = defaultdict(list)
    for x, cohort in pairs(MEMBERS_QUERY):
        cohorts[x].append(cohort)
    groups = {}
    for (x,) in sorted(_rows(store, POPULATIONS_QUERY)):
        words = " ".join(said[x] + [w for c in cohorts[x] for w in said[c]])
        groups[nid(x)] = JUVENILE if JUVENILE in words else ADULT if ADULT in words else NOT_STATED
    levels: dict[str, int] = {}
    for claim, level in pairs(LEVELS_QUERY):  # the best (lowest) level when a claim had two
        if level.startswith(LEVEL_PREFIX) and level[len(LEVEL_PREFIX):].isdigit():
            cid = _local(claim, DATA + "claim/")
            levels[cid] = min(levels.get(cid, 99), int(level[len(LEVEL_PREFIX):]))
    return {"labels": labels, "synonyms": synonyms, "designs": designs, "groups": groups, "levels": levels,
            "evidence_map": evidence_map_data(store)}


def evidence_map_data(store: Any) -> dict[str, Any]:
    """The page's "Evidence map" tab: the cells of :func:`jakkg.evidence_map.evidence_cells`, as they are, and how to draw them.

    The page draws the same rows the CSV and the PNG/SVG of ``jakkg
    evidence-map`` are made from, so the tab and the figure never disagree;
    it adds only the row, column and panel order, the colours, and each
    cell's circle radius (a fraction of the cell, area by patients:
    :func:`jakkg.evidence_map.radius`), so the sizing rule lives in one place.
    """
    from .evidence_map import COLOURS, DIRECTIONS, PANELS, SIZE_CAP, evidence_cells, radius, vocabulary

    emap = evidence_cells(store)
    return {
        "cells": emap.cells, "radii": [radius(c["patients"]) for c in emap.cells],
        "drugs": [{"iri": iri, "label": label} for iri, label in emap.drugs], "class_iri": emap.drugs[-1][0],
        "groups": [g for g in vocabulary().groups if any(c["outcome_group"] == g for c in emap.cells)],
        "panels": [p for p in PANELS if any(c["population"] == p for c in emap.cells)],
        "directions": list(DIRECTIONS), "colours": COLOURS, "skipped": dict(sorted(emap.skipped.items())),
        "size_key": [{"patients": n, "radius": radius(n)} for n in (1, 10, 50, SIZE_CAP)], "size_cap": SIZE_CAP,
    }


@lru_cache(maxsize=1)
def level_definitions() -> dict[str, str]:
    """OCEBM 2011 level number -> its definition, from the packaged ontology (where :mod:`jakkg.evidence` reads the levels)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    from .resources import ontology_file

    g = Graph().parse(ontology_file(), format="turtle")
    definition = URIRef("http://purl.obolibrary.org/obo/IAO_0000115")
    return {str(g.value(level, SKOS.notation)): str(g.value(level, definition) or "")
            for level in g.subjects(SKOS.notation, None) if str(level).startswith(LEVEL_PREFIX)}


def page_ids(G: nx.MultiDiGraph) -> tuple[dict[str, str], dict[tuple[str, str, str], str]]:
    """The page's ids of nodes (n1, n2 ...) and edges (e1, e2 ...), in sorted order of the whole graph."""
    nid = {n: f"n{i}" for i, n in enumerate(sorted(G.nodes), start=1)}
    ids = {e: f"e{i}" for i, e in enumerate(sorted(G.edges(keys=True)), start=1)}
    return nid, ids


# The page's boxes: the static figure's wrapping in a larger font, readable at zoom 1 on a screen.
PAGE_METRICS = Metrics(box_width=124.0, column_gap=120.0, font_size=9.0, line_height=11.0, pad_y=4.0)


def node_size(label: str, metrics: Metrics = PAGE_METRICS) -> tuple[list[str], float, float]:
    """A node's label wrapped in lines and its box (width, height) in page pixels."""
    m = metrics
    lines = wrap_label(label, m)
    return lines, m.box_width, round(len(lines) * m.line_height + 2 * m.pad_y, 1)


def opening_positions(drawn: nx.MultiDiGraph, style: GraphStyle) -> dict[str, dict[str, float]]:
    """Centres of the boxes of the page's opening view: the drawn network without cohorts and patients.

    Laid out here, with the static figure's layered layout (Graphviz dot), so
    the page opens without waiting for a layout in the browser (a summary of
    a large corpus took ELK some 8 s in the browser at 10k claims, dot 2.6 s
    here); filters lay out what remains with ELK.
    """
    core, _, _ = static_subgraph(drawn, style)
    if core.number_of_nodes() == 0:
        return {}
    layout = layered_layout(core, drawn_columns(core, style, populations=False), PAGE_METRICS,
                            thickness=lambda e: edge_width(core.edges[e]["n_claims"]))
    return {n: {"x": round(b.x + b.w / 2, 1), "y": round(b.y + b.h / 2, 1)} for n, b in layout.boxes.items()}


def page_data(G: nx.MultiDiGraph, style: GraphStyle | None = None, drawn: nx.MultiDiGraph | None = None,
              context: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the page's script needs: node and edge records, what is drawn, per-drug views, labels, styles.

    The records cover all of ``G``, so every edge can be read (and found by
    the search) even when only ``drawn`` (its strongest part,
    :func:`strongest_subgraph`) is in the picture; the drug views filter the
    picture, so they are views of ``drawn``. ``context`` is
    :func:`page_context` of the store ``G`` was projected from; without it
    the page falls back to the labels the projection has.
    """
    style = style or graph_style()
    drawn = G if drawn is None else drawn
    ctx = context or {}
    nid, ids = page_ids(G)
    marked = disagreeing_edges(G, style)
    pop_layer = style.layer("cohort")
    at = opening_positions(drawn, style)
    nodes = []
    for n, d in sorted(G.nodes(data=True)):
        lines, w, h = node_size(d["label"])
        nodes.append({**at.get(n, {}), "id": nid[n], "curie": d["curie"], "label": d["label"], "lines": "\n".join(lines), "w": w, "h": h,
                      "category": d["category"], "layer": d["layer"], "population": d["layer"] == pop_layer,
                      "verified": d["verified"], "iri": d["iri"], "synonyms": ctx.get("synonyms", {}).get(n, []),
                      "drawn": n in drawn})
    levels = ctx.get("levels", {})
    edges = []
    for e in sorted(G.edges(keys=True)):
        d = G.edges[e]
        evidence = [{**c, "level": levels[c["claim"]]} if c["claim"] in levels else c for c in d["evidence"]]
        rated = [c["level"] for c in evidence if "level" in c]
        edges.append({
            "id": ids[e], "source": nid[e[0]], "target": nid[e[1]], "key": e[2],
            "predicate": d["predicate"], "predicate_label": d["predicate_label"], "direction": d["direction"],
            "negated": d["negated"], "kind": d["evidence_kind"], "n_claims": d["n_claims"], "n_sources": d["n_sources"],
            "width": edge_width(d["n_claims"]), "studies": d["studies"], "sources": d["sources"], "disagreement": e in marked,
            "evidence": evidence, "drawn": drawn.has_edge(*e), **({"level": min(rated)} if rated else {}),
        })
    views = {}
    for drug in drugs(drawn, style):
        shown, on = drug_view(drawn, drug)
        views[nid[drug]] = {"nodes": sorted(nid[n] for n in shown), "edges": sorted(ids[e] for e in on)}
    labels = {n: d["label"] for n, d in G.nodes(data=True)} | ctx.get("labels", {})
    used = {c.get(k) for _, _, d in G.edges(data=True) for c in d["evidence"] for k in ("population", "instrument")} - {None}
    return {"nodes": nodes, "edges": edges, "views": views, "kinds": style.kind_styles(), "colours": style.category_colours,
            "fills": {c: tint(colour) for c, colour in style.category_colours.items()},
            "columns": [str(layer["title"]) for layer in style.layers], "population_layer": pop_layer,
            "labels": {k: labels[k] for k in sorted(used) if k in labels},
            "designs": ctx.get("designs", {}), "groups": ctx.get("groups", {}),
            "level_notes": level_definitions() if levels else {}, **_map_of(G, ctx, nid)}


def _map_of(G: nx.MultiDiGraph, ctx: dict[str, Any], nid: dict[str, str]) -> dict[str, Any]:
    """The evidence map of the context (none without one), with the page id of each row's drug node for "show in the network"."""
    if "evidence_map" not in ctx:
        return {}
    emap = ctx["evidence_map"]
    node_of = {d["iri"]: nid[n] for n, d in G.nodes(data=True)}
    return {"evidence_map": {**emap, "drug_nodes": {d["iri"]: node_of[d["iri"]] for d in emap["drugs"] if d["iri"] in node_of}}}


def _options(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f'      <option value="{html.escape(v)}">{html.escape(text)}</option>' for v, text in pairs)


def filter_options(G: nx.MultiDiGraph, drawn: nx.MultiDiGraph, style: GraphStyle, data: dict[str, Any]) -> dict[str, str]:
    """The <option>s of the drug, paper, design, population and evidence-level filters: only values the drawn claims have.

    The level filter keeps claims of that OCEBM level or better (a lower
    number), so each option adds weaker evidence to the one before it.
    """
    page_id, _ = page_ids(G)
    evidence = [c for _, _, d in drawn.edges(data=True) for c in d["evidence"]]
    papers = {c["paper"]: c.get("paper_label") or c["paper"] for c in evidence if c.get("paper")}
    designs = sorted({x for c in evidence for x in data["designs"].get(c.get("attributed_to") or c.get("paper") or "", [])})
    groups = sorted({data["groups"].get(c["population"], NOT_STATED) for c in evidence if c.get("population")})
    levels = sorted({c["level"] for e in data["edges"] if e["drawn"] for c in e["evidence"] if "level" in c})
    notes = data.get("level_notes", {})
    return {
        "{{DRUG_OPTIONS}}": _options([(page_id[n], G.nodes[n]["label"]) for n in drugs(drawn, style)]),
        "{{PAPER_OPTIONS}}": _options(sorted(papers.items(), key=lambda kv: (kv[1], kv[0]))),
        "{{DESIGN_OPTIONS}}": _options([(x, x) for x in designs]),
        "{{POPULATION_OPTIONS}}": _options([(g, g) for g in groups] + [("none", "no population named")]),
        "{{LEVEL_OPTIONS}}": _options([(str(k), f"level {k} or better" + (f" ({notes[str(k)].rstrip('.')})" if notes.get(str(k)) else ""))
                                       for k in levels]),
    }


def vendor_scripts() -> str:
    """The vendored libraries (web/vendor/manifest.json) as inline scripts, each headed by its name, version and licence."""
    vendor = files("jakkg").joinpath("web", "vendor")
    manifest = json.loads(vendor.joinpath("manifest.json").read_text(encoding="utf-8"))
    out = []
    for pkg in manifest["packages"]:
        for name in pkg["files"]:
            if name.endswith(".js"):
                code = vendor.joinpath(name).read_text(encoding="utf-8").replace("</script", "<\\/script")
                out.append(f"<script>/* {pkg['name']} {pkg['version']} ({pkg['licence']}), {pkg['integrity']} */\n{code}\n</script>")
    return "\n".join(out)


def render_html(G: nx.MultiDiGraph, style: GraphStyle | None = None,
                max_edges: int = PAGE_MAX_EDGES, max_nodes: int = PAGE_MAX_NODES, context: dict[str, Any] | None = None) -> str:
    """The interactive page: Cytoscape.js and ELK, the data, our script and style, all inline.

    A network larger than ``max_edges`` or ``max_nodes`` is drawn as a
    summary (:func:`summary_subgraph`), so the browser lays out a picture of
    readable size; the data of every edge is still in the page, found
    through the search box.
    """
    style = style or graph_style()
    drawn, left_out = summary_subgraph(G, style, max_edges, max_nodes)
    data = page_data(G, style, drawn, context)
    web = files("jakkg").joinpath("web")
    template = web.joinpath("network.html").read_text(encoding="utf-8")
    n_claims = sum(d["n_claims"] for _, _, d in G.edges(data=True))
    papers = sorted({s for _, _, d in G.edges(data=True) for s in d["sources"]})
    evidence_map = data.pop("evidence_map", None)  # its own block, parsed when its tab is first opened
    payload, map_payload = (json.dumps(x, sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
                            for x in (data, evidence_map))
    parts = {
        "{{TITLE}}": html.escape(TITLE),
        "{{CSS}}": web.joinpath("network.css").read_text(encoding="utf-8"),
        "{{SUBTITLE}}": html.escape(f"{plural(n_claims, 'claim')} from {plural(len(papers), 'paper')}; "
                                    f"{plural(G.number_of_nodes(), 'node')}, {plural(G.number_of_edges(), 'edge')}."),
        "{{SUMMARY}}": _summary_notice(G, drawn, left_out) if left_out else "",
        "{{LEGEND}}": _html_legend(drawn, style),
        **filter_options(G, drawn, style, data),
        "{{MAP_DATA}}": map_payload,
        "{{DATA}}": payload,
        "{{VENDOR}}": vendor_scripts(),
        "{{SCRIPT}}": web.joinpath("network.js").read_text(encoding="utf-8"),
    }
    out = template
    for key, value in parts.items():  # the data and scripts last, so their text is never taken for a placeholder
        out = out.replace(key, value)
    return out


def summary_subgraph(G: nx.MultiDiGraph, style: GraphStyle, max_edges: int, max_nodes: int) -> tuple[nx.MultiDiGraph, LeftOut]:
    """What the page draws: ``G`` when it fits, else the strongest edges between entities.

    Cohorts and patients are left out of a summary first, as in the static
    figure: each belongs to one paper, so at scale they fill a column with
    near-identical boxes while saying little about the drugs.
    """
    if G.number_of_edges() <= max_edges and G.number_of_nodes() <= max_nodes:
        return G, LeftOut()
    drawn, _ = strongest_subgraph(static_subgraph(G, style)[0], max_edges, max_nodes)
    n_claims = sum(d["n_claims"] for _, _, d in G.edges(data=True))
    return drawn, LeftOut(edges=G.number_of_edges() - drawn.number_of_edges(),
                          claims=n_claims - sum(d["n_claims"] for _, _, d in drawn.edges(data=True)),
                          nodes=G.number_of_nodes() - drawn.number_of_nodes())


def _summary_notice(G: nx.MultiDiGraph, drawn: nx.MultiDiGraph, left_out: LeftOut) -> str:
    """The banner of a summary page: what the picture leaves out, and the search that reaches it."""
    drawn_claims = sum(d["n_claims"] for _, _, d in drawn.edges(data=True))
    text = (f"Summary view: the network is too large to draw whole, so the picture shows the "
            f"{plural(drawn.number_of_edges(), 'edge')} between entities with the most independent sources (then claims): "
            f"{plural(drawn.number_of_nodes(), 'node')}, {plural(drawn_claims, 'claim')}. Not drawn: cohorts and patients and "
            f"weaker evidence, {plural(left_out.edges, 'edge')} ({plural(left_out.claims, 'claim')}) and {plural(left_out.nodes, 'node')}. "
            "Every edge is in the page: search for an entity to list all its edges, or open jakdm.graphml in Gephi or Cytoscape.")
    return f'\n  <p class="summary" id="summary">{html.escape(text)}</p>'


def _html_legend(G: nx.MultiDiGraph, style: GraphStyle) -> str:
    cats, kinds, _ = _legend_entries(G, style)
    ks = style.kind_styles()
    items = [f'<li><span class="swatch" style="background:{tint(style.category_colours.get(c, "#666666"))};border-color:{style.category_colours.get(c, "#666666")}"></span>{html.escape(c.replace("_", " "))}</li>' for c in cats]
    items += [f'<li><span class="stroke{" dashed" if ks[k]["dashed"] else ""}" style="border-color:{ks[k]["colour"]}"></span>{html.escape(ks[k]["title"])}</li>' for k in kinds]
    return "<ul>" + "".join(items) + "</ul>"


@without_gc
def write_pictures(G: nx.MultiDiGraph, out_dir: Path, style: GraphStyle | None = None,
                   figure_max: tuple[int, int] = (FIGURE_MAX_EDGES, FIGURE_MAX_NODES),
                   page_max: tuple[int, int] = (PAGE_MAX_EDGES, PAGE_MAX_NODES), context: dict[str, Any] | None = None) -> dict[str, Path]:
    """Write the PNG, SVG and HTML pictures into ``out_dir``, all or nothing.

    ``figure_max`` and ``page_max`` are the (edges, nodes) beyond which the
    figure draws the strongest evidence only and the page a summary view;
    ``context`` is :func:`page_context` of the graph's store.
    """
    style = style or graph_style()
    png, svg = render_static(G, style, *figure_max)
    page = render_html(G, style, *page_max, context=context)
    with atomic_outputs(out_dir) as stage:
        stage(OUTPUTS["png"], png)
        stage(OUTPUTS["svg"], svg)
        stage(OUTPUTS["html"], page)
    return {fmt: out_dir / name for fmt, name in OUTPUTS.items()}
