"""A layered (Sugiyama-style) layout of the evidence network, shared by the
static figure and the interactive page's opening view.

Columns come from ``graph.yaml`` (drugs | kinases | pathways | diseases and
phenotypes | outcome measures, plus cohorts and patients on the left when
they are drawn). The steps:

1. every node goes in the column of its category; an edge that skips columns
   gets a thin *dummy* slot in each column it crosses, so it runs through a
   gap between boxes instead of behind them (here, so that every engine
   sees the same slots and we can route through them);
2. Graphviz ``dot`` (Debian package ``graphviz``, run as a program) orders
   the items of each column and places them: one rank per column, its
   crossing minimisation (``mclimit=50``, ``remincross``) and network-simplex
   placement. It is deterministic: the same input gives the same output.
   On the seed figure its order has 766 edge crossings against 1,012 for
   the barycentre sweeps and isotonic placement we had written, and 818
   for ELK layered, at heights within 1% (benchmarks/page.py --layouts,
   where those two engines now live for the comparison);
3. the columns are stacked in dot's order at dot's heights, moved down only
   where a minimum gap would be broken;
4. each box spreads its edges over its side (ports sorted by the height of
   the other end), and each edge becomes a chain of points from port to
   port, drawn as horizontal-tangent Bézier curves.

All coordinates are in points (1/72 inch), y growing downwards; the same
numbers serve as SVG pixels. Labels are wrapped by character count, which is
conservative for the fonts used, so a label always fits its box and boxes
never overlap.
"""
from __future__ import annotations

import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from .errors import JakkgError

if TYPE_CHECKING:
    import networkx as nx

EdgeRef = tuple[str, str, str]


@dataclass(frozen=True)
class Metrics:
    """Sizes in points."""

    box_width: float = 106.0
    column_gap: float = 66.0
    font_size: float = 7.5
    line_height: float = 9.2
    wrap_chars: int = 22
    pad_y: float = 4.5
    box_gap: float = 9.0
    dummy_height: float = 2.0
    dummy_gap: float = 3.0
    arc_reach: float = 26.0  # how far same-column arcs bulge right of the column
    port_gap: float = 1.6  # space between two edges attached to the same side of a box
    max_lines: int = 4


@dataclass
class Box:
    node: str
    column: int
    lines: list[str]
    x: float = 0.0  # left edge
    y: float = 0.0  # top edge
    w: float = 0.0
    h: float = 0.0

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Route:
    """An edge as points from the lower-column end to the higher-column end.

    ``reverse`` is True when the edge's target is the lower-column end (the
    arrow goes at the start). ``same_column`` edges are arcs on the right.
    """

    edge: EdgeRef
    points: list[tuple[float, float]] = field(default_factory=list)
    reverse: bool = False
    same_column: bool = False


@dataclass
class Layout:
    boxes: dict[str, Box]
    routes: dict[EdgeRef, Route]
    columns: list[tuple[int, str, float]]  # (layer index, title, left x)
    width: float
    height: float
    metrics: Metrics


def wrap_label(label: str, m: Metrics) -> list[str]:
    """Wrap a label to the box; very long labels end with an ellipsis."""
    lines = textwrap.wrap(label, width=m.wrap_chars, break_long_words=True, break_on_hyphens=True) or [""]
    if len(lines) > m.max_lines:
        lines = lines[: m.max_lines]
        lines[-1] = lines[-1][: m.wrap_chars - 1].rstrip() + "…"
    return lines


def layered_layout(G: nx.MultiDiGraph, columns: list[tuple[int, str]], metrics: Metrics | None = None,
                   thickness: Callable[[EdgeRef], float] | None = None, engine: Engine | None = None) -> Layout:
    """Place the nodes of ``G`` (attribute ``layer``) in the given columns.

    ``columns`` lists the (layer index, title) pairs to draw, left to right;
    nodes of other layers must have been removed from ``G`` beforehand.
    ``thickness`` gives each edge's line width, so that a box is tall enough
    for the edges attached to each of its sides. ``engine`` orders and places
    the boxes and dummy slots (Graphviz dot unless told otherwise; the
    benchmark passes others to compare).
    """
    m = metrics or Metrics()
    col_of_layer = {layer: i for i, (layer, _) in enumerate(columns)}
    n_cols = len(columns)

    # 1. columns, boxes and dummy chains -------------------------------------------
    boxes: dict[str, Box] = {}
    for n, d in G.nodes(data=True):
        boxes[n] = Box(n, col_of_layer[d["layer"]], wrap_label(str(d["label"]), m))
        boxes[n].w = m.box_width
        boxes[n].h = len(boxes[n].lines) * m.line_height + 2 * m.pad_y
    edges: list[EdgeRef] = sorted(G.edges(keys=True))
    load: dict[tuple[str, str], list[float]] = defaultdict(list)  # (node, side) -> widths of attached edges
    for e in edges:
        u, v, _ = e
        w = thickness(e) if thickness else 1.0
        cu, cv = boxes[u].column, boxes[v].column
        load[(u, "R" if cu <= cv else "L")].append(w)
        load[(v, "L" if cu < cv else "R")].append(w)
    for (n, _), widths in load.items():
        needed = (sum(widths) + m.port_gap * (len(widths) - 1)) / 0.7 + 2
        boxes[n].h = max(boxes[n].h, needed)
    chains: dict[EdgeRef, list[Any]] = {}  # lower-column node, dummies..., higher-column node
    height_of: dict[Any, float] = {n: b.h for n, b in boxes.items()}
    gap_of: dict[Any, float] = {n: m.box_gap for n in boxes}
    column_items: list[list[Any]] = [[] for _ in range(n_cols)]
    for n in sorted(boxes, key=lambda n: (G.nodes[n]["category"], str(G.nodes[n]["label"]).lower(), n)):
        column_items[boxes[n].column].append(n)
    for e in edges:
        u, v, _ = e
        cu, cv = boxes[u].column, boxes[v].column
        if cu == cv:
            continue
        lo, hi = (u, v) if cu < cv else (v, u)
        chain: list[Any] = [lo]
        for c in range(min(cu, cv) + 1, max(cu, cv)):
            dummy = ("dummy", e, c)
            height_of[dummy] = m.dummy_height
            gap_of[dummy] = m.dummy_gap
            column_items[c].append(dummy)
            chain.append(dummy)
        chain.append(hi)
        chains[e] = chain
    links: list[tuple[Any, Any]] = [(a, b) for chain in chains.values() for a, b in pairwise(chain)]

    # 2. and 3. order and vertical positions, from the engine; then stacked with the minimum gaps
    slots = Slots(column_items, height_of, gap_of, links, m)
    centres = (engine or dot_engine)(slots)
    tops = _stack(slots, centres)
    height = max((tops[x] + height_of[x] for x in tops), default=0.0)

    def centre(x: Any) -> float:
        return tops[x] + height_of[x] / 2

    col_x = [i * (m.box_width + m.column_gap) for i in range(n_cols)]
    for n, b in boxes.items():
        b.x, b.y = col_x[b.column], tops[n]
    width = col_x[-1] + m.box_width + m.arc_reach if n_cols else 0.0

    # 4. ports and routes -----------------------------------------------------------
    routes: dict[EdgeRef, Route] = {}
    # (node, 'L' or 'R') -> [(height of the other end, edge, which end)]
    sides: dict[tuple[str, str], list[tuple[float, EdgeRef, str]]] = defaultdict(list)
    for e in edges:
        u, v, _ = e
        if e in chains:
            chain = chains[e]
            sides[(chain[0], "R")].append((centre(chain[1]), e, "lo"))
            sides[(chain[-1], "L")].append((centre(chain[-2]), e, "hi"))
            routes[e] = Route(e, reverse=(boxes[v].column < boxes[u].column))
        else:
            sides[(u, "R")].append((boxes[v].cy, e, "u"))
            sides[(v, "R")].append((boxes[u].cy, e, "v"))
            routes[e] = Route(e, same_column=True)
    port: dict[tuple[EdgeRef, str], tuple[float, float]] = {}
    for (n, side), items in sides.items():
        b = boxes[n]
        items.sort()
        widths = [thickness(e) if thickness else 1.0 for _, e, _ in items]
        span = sum(widths) + m.port_gap * (len(widths) - 1)
        y = b.cy - span / 2
        for (_, e, end), w in zip(items, widths):
            port[(e, end)] = (b.x + b.w if side == "R" else b.x, y + w / 2)
            y += w + m.port_gap
    for e, r in routes.items():
        if r.same_column:
            r.points = [port[(e, "u")], port[(e, "v")]]
            continue
        chain = chains[e]
        pts = [port[(e, "lo")]]
        for d in chain[1:-1]:
            c = d[2]
            y = centre(d)
            pts += [(col_x[c], y), (col_x[c] + m.box_width, y)]
        pts.append(port[(e, "hi")])
        r.points = pts

    cols = [(layer, title, col_x[i]) for i, (layer, title) in enumerate(columns)]
    return Layout(boxes, routes, cols, width, height, m)


@dataclass
class Slots:
    """What a layout engine places: the items of each column (boxes, and dummy slots of long edges), their heights
    and gaps, and the links between items of adjacent columns (every edge is a chain of such links)."""

    columns: list[list[Any]]
    height: dict[Any, float]
    gap: dict[Any, float]
    links: list[tuple[Any, Any]]
    metrics: Metrics

    def names(self) -> dict[Any, str]:
        """A stable text id per item, in column order (engines take strings)."""
        return {x: f"c{c}i{i}" for c, col in enumerate(self.columns) for i, x in enumerate(col)}


Engine = Callable[[Slots], dict[Any, float]]  # items -> centre heights (points, y down)


def _stack(slots: Slots, centres: dict[Any, float]) -> dict[Any, float]:
    """Tops of the items: each column in the engine's order (by centre), moved down where needed to keep the gaps.

    The engines keep the gaps already; this makes it a guarantee (dummy slots
    have a smaller gap than an engine may know of) and puts the top at 0.
    """
    tops: dict[Any, float] = {}
    for col in slots.columns:
        bottom, last_gap = None, 0.0
        for x in sorted(col, key=lambda x, col=col: (centres[x], col.index(x))):
            top = centres[x] - slots.height[x] / 2
            if bottom is not None:
                top = max(top, bottom + max(last_gap, slots.gap[x]))
            tops[x] = top
            bottom, last_gap = top + slots.height[x], slots.gap[x]
    first = min(tops.values(), default=0.0)
    return {x: round(t - first, 3) for x, t in tops.items()}


def dot_engine(slots: Slots) -> dict[Any, float]:
    """Graphviz ``dot`` (Debian ``graphviz``): one rank per column, left to right, its crossing
    minimisation and network-simplex placement. Returns each item's centre (points, y down)."""
    import shutil
    import subprocess

    if shutil.which("dot") is None:
        raise LayoutError("Graphviz `dot` is not installed: `make setup-graphviz` installs it (Debian package graphviz)")
    m = slots.metrics
    name = slots.names()
    inch = 72.0
    lines = ["digraph G {", f"rankdir=LR; nodesep={m.dummy_gap / inch:.4f}; ranksep={m.column_gap / inch:.4f}; mclimit=50; remincross=true;",
             'node [shape=box, fixedsize=true, label=""];', "edge [arrowhead=none];"]
    for c, col in enumerate(slots.columns):
        lines.append("{rank=same; " + f"a{c} [width={m.box_width / inch:.4f}, height=0.01, style=invis]; " + " ".join(
            f"{name[x]} [width={m.box_width / inch:.4f}, height={(slots.height[x] + slots.gap[x] - m.dummy_gap) / inch:.4f}];" for x in col) + "}")
        if c:
            lines.append(f"a{c - 1} -> a{c} [style=invis, weight=0];")
    for a, b in slots.links:  # chains of dummies are kept straight as dot keeps its own virtual chains: a larger weight
        lines.append(f"{name[a]} -> {name[b]} [weight={8 if isinstance(a, tuple) and isinstance(b, tuple) else 2 if isinstance(a, tuple) or isinstance(b, tuple) else 1}];")
    lines.append("}")
    done = subprocess.run(["dot", "-Tplain"], input="\n".join(lines), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise LayoutError(f"Graphviz dot failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    item = {v: k for k, v in name.items()}
    centres: dict[Any, float] = {}
    for row in done.stdout.splitlines():
        f = row.split()
        if f and f[0] == "node" and f[1] in item:
            centres[item[f[1]]] = -float(f[3]) * inch
    return centres


class LayoutError(JakkgError):
    """The layout engine is missing or failed (reported in one line by the command line)."""


def bezier_segments(route: Route, m: Metrics) -> list[tuple[tuple[float, float], ...]]:
    """The route as cubic Bézier segments ((p0, c1, c2, p1) each; straight runs have c = p).

    Between columns the tangents are horizontal, so edges leave and enter the
    boxes at right angles to their sides.
    """
    pts = route.points
    if route.same_column:
        (x0, y0), (x1, y1) = pts
        reach = m.arc_reach * 0.6 + min(abs(y1 - y0) * 0.25, m.arc_reach)
        return [((x0, y0), (x0 + reach, y0), (x1 + reach, y1), (x1, y1))]
    segs = []
    for (x0, y0), (x1, y1) in pairwise(pts):
        if abs(y1 - y0) < 1e-9 or abs(x1 - x0) < 1e-9:
            segs.append(((x0, y0), (x0, y0), (x1, y1), (x1, y1)))
        else:
            dx = (x1 - x0) * 0.5
            segs.append(((x0, y0), (x0 + dx, y0), (x1 - dx, y1), (x1, y1)))
    return segs


def point_on(seg: tuple[tuple[float, float], ...], t: float) -> tuple[float, float]:
    """A point of a cubic Bézier segment."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = seg
    a, b, c, d = (1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3
    return (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)


def text_top(box: Box, m: Metrics) -> float:
    """The top of a box's label block: labels are centred vertically in boxes made taller for their edges."""
    return box.cy - len(box.lines) * m.line_height / 2


def badge_positions(layout: Layout, radius: float, edges: list[EdgeRef] | None = None) -> dict[EdgeRef, tuple[float, float]]:
    """A spot on each edge for its evidence badge, with no two badges overlapping.

    Each badge slides along the middle hop of its edge until it
    finds free space (a grid of cells makes the check linear); if none is
    free it takes the middle.
    """
    cell = 2 * radius + 2  # a clash is closer than 2r + 1, so it lies in a neighbouring cell
    taken: dict[tuple[int, int], list[tuple[float, float]]] = defaultdict(list)
    out: dict[EdgeRef, tuple[float, float]] = {}
    for e in sorted(layout.routes if edges is None else edges):
        segs = bezier_segments(layout.routes[e], layout.metrics)
        curved = [s for s in segs if abs(s[0][0] - s[3][0]) > 1e-9] or segs
        seg = curved[len(curved) // 2]  # the middle hop spreads badges over the gaps between columns
        chosen = None
        for t in (0.5, 0.42, 0.58, 0.34, 0.66, 0.26, 0.74, 0.18, 0.82):
            x, y = point_on(seg, t)
            gx, gy = int(x // cell), int(y // cell)
            clash = any((x - a) ** 2 + (y - b) ** 2 < (2 * radius + 1) ** 2
                        for i in (-1, 0, 1) for j in (-1, 0, 1) for a, b in taken[(gx + i, gy + j)])
            if not clash:
                chosen = (x, y)
                break
        if chosen is None:
            chosen = point_on(seg, 0.5)
        out[e] = chosen
        taken[(int(chosen[0] // cell), int(chosen[1] // cell))].append(chosen)
    return out
