"""A layered (Sugiyama-style) layout of the evidence network, shared by the
static figure and the interactive page.

Columns come from ``graph.yaml`` (drugs | kinases | pathways | diseases and
phenotypes | outcome measures, plus cohorts and patients on the left when
they are drawn). The steps are the classic ones of Sugiyama, Tagawa and
Toda (1981), kept small and deterministic:

1. every node goes in the column of its category; an edge that skips columns
   gets a thin *dummy* slot in each column it crosses, so it runs through a
   gap between boxes instead of behind them;
2. the order inside each column is improved by barycentre sweeps, keeping
   the order with the fewest crossings (counted in O(E log E));
3. vertical positions pull each box towards the mean height of its
   neighbours while keeping the order and the minimum gaps (isotonic
   regression by pool-adjacent-violators), which straightens the edges;
4. each box spreads its edges over its side (ports sorted by the height of
   the other end), and each edge becomes a chain of points from port to port.

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


def _count_crossings(order_a: dict[Any, int], order_b: dict[Any, int], links: list[tuple[Any, Any]]) -> int:
    """Crossings between two adjacent columns: inversions of the target order (Fenwick tree)."""
    pairs = sorted((order_a[u], order_b[v]) for u, v in links)
    size = len(order_b) + 1
    tree = [0] * (size + 1)
    crossings = 0
    for seen, (_, b) in enumerate(pairs):
        # count earlier pairs with target position > b
        i, le = b + 1, 0
        while i > 0:
            le += tree[i]
            i -= i & -i
        crossings += seen - le
        i = b + 1
        while i <= size:
            tree[i] += 1
            i += i & -i
    return crossings


def _barycentre(x: Any, ref: dict[Any, int], neighbours: list[Any], current: dict[Any, int]) -> float:
    """Mean position of ``x``'s neighbours in the reference column (its own position when it has none)."""
    nbrs = [ref[y] for y in neighbours if y in ref]
    return sum(nbrs) / len(nbrs) if nbrs else float(current[x])


def _isotonic(targets: list[float], weights: list[float]) -> list[float]:
    """Non-decreasing fit minimising the weighted squared error (pool adjacent violators)."""
    blocks: list[list[float]] = []  # [value, weight, count]
    for t, w in zip(targets, weights):
        blocks.append([t, w, 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            v2, w2, c2 = blocks.pop()
            v1, w1, c1 = blocks.pop()
            blocks.append([(v1 * w1 + v2 * w2) / (w1 + w2), w1 + w2, c1 + c2])
    out: list[float] = []
    for v, _, c in blocks:
        out.extend([v] * int(c))
    return out


def layered_layout(G: nx.MultiDiGraph, columns: list[tuple[int, str]], metrics: Metrics | None = None,
                   thickness: Callable[[EdgeRef], float] | None = None, sweeps: int = 12) -> Layout:
    """Place the nodes of ``G`` (attribute ``layer``) in the given columns.

    ``columns`` lists the (layer index, title) pairs to draw, left to right;
    nodes of other layers must have been removed from ``G`` beforehand.
    ``thickness`` gives each edge's line width, so that a box is tall enough
    for the edges attached to each of its sides.
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
    links: list[list[tuple[Any, Any]]] = [[] for _ in range(max(n_cols - 1, 0))]
    for chain in chains.values():
        for a, b in pairwise(chain):
            col_a = boxes[a].column if a in boxes else a[2]
            links[col_a].append((a, b))
    up: dict[Any, list[Any]] = defaultdict(list)
    down: dict[Any, list[Any]] = defaultdict(list)
    for col_links in links:
        for a, b in col_links:
            down[a].append(b)
            up[b].append(a)

    # 2. order by barycentre sweeps ---------------------------------------------
    def positions(items: list[Any]) -> dict[Any, int]:
        return {x: i for i, x in enumerate(items)}

    def total_crossings(order: list[list[Any]]) -> int:
        return sum(_count_crossings(positions(order[c]), positions(order[c + 1]), links[c]) for c in range(n_cols - 1))

    def sweep(order: list[list[Any]], downward: bool) -> list[list[Any]]:
        order = [list(col) for col in order]
        cols = range(1, n_cols) if downward else range(n_cols - 2, -1, -1)
        for c in cols:
            ref = positions(order[c - 1] if downward else order[c + 1])
            current = positions(order[c])
            order[c] = sorted(order[c], key=lambda x, ref=ref, current=current: (_barycentre(x, ref, up[x] if downward else down[x], current), current[x]))
        return order

    # dummies start next to their chain's first node
    order = [list(col) for col in column_items]
    order = sweep(order, True)
    best, best_cross = order, total_crossings(order)
    for i in range(sweeps):
        order = sweep(order, i % 2 == 1)
        cross = total_crossings(order)
        if cross < best_cross:
            best, best_cross = order, cross
    order = best

    # 3. vertical positions ----------------------------------------------------
    tops: dict[Any, float] = {}
    for col in order:
        y = 0.0
        for x in col:
            tops[x] = y
            y += height_of[x] + gap_of[x]

    def centre(x: Any) -> float:
        return tops[x] + height_of[x] / 2

    def place(col: list[Any], desired: dict[Any, float]) -> None:
        offsets, acc = [], 0.0
        for i, x in enumerate(col):
            if i:
                acc += height_of[col[i - 1]] / 2 + max(gap_of[col[i - 1]], gap_of[x]) + height_of[x] / 2
            offsets.append(acc)
        target = [desired.get(x, centre(x)) - off for x, off in zip(col, offsets)]
        weights = [1.0 if x in boxes else 0.5 for x in col]
        fitted = _isotonic(target, weights)
        for x, z, off in zip(col, fitted, offsets):
            tops[x] = z + off - height_of[x] / 2

    for i in range(2 * sweeps):
        downward = i % 2 == 0
        cols = range(n_cols) if downward else range(n_cols - 1, -1, -1)
        for c in cols:
            desired = {}
            for x in order[c]:
                nbrs = [centre(y) for y in up[x] + down[x]]
                if nbrs:
                    desired[x] = sum(nbrs) / len(nbrs)
            place(order[c], desired)
    top = min(tops.values(), default=0.0)
    for x in tops:
        tops[x] -= top
    height = max((tops[x] + height_of[x] for x in tops), default=0.0)

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
