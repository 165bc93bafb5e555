"""How fast the interactive page opens in headless Chromium, as the corpus grows.

For each size the script builds a corpus of copies of the committed seed
build (tests/graph_support.replicate_seed_build: 1 copy = the 338 seed
claims, 32 copies = 10,176 claims), renders jakdm-network.html the way
`jakkg draw` does, opens it from a file:// URL in Debian's headless Chromium
(selenium, networking off) and prints:

- the time to render the page in Python and the size of the file;
- ``first render``: from the start of navigation to the page saying it is
  ready (its first ELK layout drawn by Cytoscape.js), read from the browser's
  own clock (``performance.timeOrigin`` .. ready);
- ``layout``: the part of that spent in the page's script (parse of the data,
  Cytoscape, ELK), from the script's start;
- ``relayout``: one filter change (the first drug) laid out again.

Usage: ``python benchmarks/page.py [--copies 1 32] [--screenshot docs/evidence-network-page.png] [--layouts]``;
the screenshot is the first screen of the seed page at 1600x1000.

``--layouts`` compares the engines that can order and place the static
figure's boxes on the seed figure, each drawn by jakkg.layout with the same
columns, boxes, dummy slots and routes: Graphviz dot (what jakkg.layout
uses), the barycentre-and-isotonic code jakkg.layout had before (kept below
for this comparison), ELK layered (the vendored elkjs, run by node); then
igraph's Sugiyama layout (``pip install igraph``) and ELK with its own
polyline routes, which are counted on their own points. Printed: edge
crossings between adjacent columns (long edges counted in every gap they
cross, same-column arcs and pieces sharing an end left out) and the height
of the drawing; the width is the same for all (five columns of fixed width).
On the seed figure (83 entities, 155 edges), issue 15:

    layout                       crossings  height pt  seconds
    Graphviz dot (jakkg.layout)        766       1614     0.20
    ours (barycentre, isotonic)       1012       1624     0.02
    elkjs layered (node)               818       1629     4.44
    igraph 1.0.0 Sugiyama              985       4049     0.06   (unit-size nodes at the mean box height: a lower bound)
    elkjs, its own routes              539       2180     1.52   (parallel edges merged into one: not comparable)

so the figure and the page's first view are laid out by dot (``mclimit=50``
and ``remincross``: with dot's defaults, 944 crossings).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

# the engines of jakkg.layout.layered_layout, each drawn with our ports and routes (what the figure shows)
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1600,1000", "--hide-scrollbars", "--force-device-scale-factor=1"]


# -- the engines compared with Graphviz dot (jakkg.layout's engine) ------------------------------------
# Our own Sugiyama steps (jakkg.layout until issue 15 measured them against dot) and ELK layered run
# by node: each takes jakkg.layout.Slots and returns the centre height of every box and dummy slot.


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




def ours_engine(slots: Any, sweeps: int = 12) -> dict[Any, float]:
    """Our own Sugiyama steps: barycentre sweeps keeping the order with the fewest crossings, then isotonic placement."""
    n_cols = len(slots.columns)
    col_of = {x: c for c, col in enumerate(slots.columns) for x in col}
    height_of, gap_of = slots.height, slots.gap
    links: list[list[tuple[Any, Any]]] = [[] for _ in range(max(n_cols - 1, 0))]
    up: dict[Any, list[Any]] = defaultdict(list)
    down: dict[Any, list[Any]] = defaultdict(list)
    for a, b in slots.links:
        links[col_of[a]].append((a, b))
        down[a].append(b)
        up[b].append(a)

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

    order = sweep([list(col) for col in slots.columns], True)
    best, best_cross = order, total_crossings(order)
    for i in range(sweeps):
        order = sweep(order, i % 2 == 1)
        cross = total_crossings(order)
        if cross < best_cross:
            best, best_cross = order, cross
    order = best
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
        weights = [0.5 if isinstance(x, tuple) else 1.0 for x in col]
        fitted = _isotonic(target, weights)
        for x, z, off in zip(col, fitted, offsets):
            tops[x] = z + off - height_of[x] / 2

    for i in range(2 * sweeps):
        downward = i % 2 == 0
        for c in range(n_cols) if downward else range(n_cols - 1, -1, -1):
            desired = {}
            for x in order[c]:
                nbrs = [centre(y) for y in up[x] + down[x]]
                if nbrs:
                    desired[x] = sum(nbrs) / len(nbrs)
            place(order[c], desired)
    return {x: centre(x) + 1e-6 * i for col in order for i, x in enumerate(col)}  # ties keep the order



def elk_engine(slots: Any) -> dict[Any, float]:
    """ELK layered (the page's engine, vendored elkjs) run by node: one partition per column."""
    import json
    import shutil
    import subprocess

    if shutil.which("node") is None:
        raise SystemExit("node is not installed (Debian package nodejs)")
    m = slots.metrics
    name = slots.names()
    graph = {"id": "root", "layoutOptions": {
        "elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.partitioning.activate": "true",
        "elk.spacing.nodeNode": str(m.dummy_gap), "elk.layered.spacing.nodeNodeBetweenLayers": str(m.column_gap),
        "elk.layered.nodePlacement.strategy": "NETWORK_SIMPLEX", "elk.randomSeed": "1", "elk.separateConnectedComponents": "false"},
        "children": [{"id": name[x], "width": m.box_width, "height": slots.height[x] + slots.gap[x] - m.dummy_gap,
                      "layoutOptions": {"elk.partitioning.partition": str(c)}} for c, col in enumerate(slots.columns) for x in col],
        "edges": [{"id": f"l{i}", "sources": [name[a]], "targets": [name[b]]} for i, (a, b) in enumerate(slots.links)]}
    script = ("const ELK = require(process.argv[1]); const g = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "new ELK().layout(g).then(r => console.log(JSON.stringify(r.children.map(c => [c.id, c.y + c.height / 2]))));")
    vendor = str(ROOT / "src" / "jakkg" / "web" / "vendor" / "elk.bundled.js")
    done = subprocess.run(["node", "-e", script, vendor], input=json.dumps(graph), capture_output=True, text=True, check=True)
    item = {v: k for k, v in name.items()}
    return {item[i]: float(y) for i, y in json.loads(done.stdout)}


def browser(profile: str):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for flag in FLAGS + [f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(120)
    return driver


def page_of(copies: int, out: Path) -> tuple[Path, int, int, float]:
    """Render the page of ``copies`` copies of the seed build; returns its path, claims, edges and render seconds."""
    import pyoxigraph

    from jakkg.draw import page_context, render_html
    from jakkg.graph import project
    from tests.graph_support import replicate_seed_build

    store = pyoxigraph.Store()
    store.bulk_load(replicate_seed_build(copies).encode(), format=pyoxigraph.RdfFormat.N_QUADS)
    G = project(store)
    start = time.perf_counter()
    text = render_html(G, context=page_context(store))
    seconds = time.perf_counter() - start
    path = out / f"page-{copies}.html"
    path.write_text(text, encoding="utf-8")
    return path, sum(d["n_claims"] for _, _, d in G.edges(data=True)), G.number_of_edges(), seconds


def measure(driver, path: Path) -> tuple[float, float, float]:
    """First render (navigation start to ready), time in the page's script, and one relayout, in seconds."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.resolve().as_uri())
    WebDriverWait(driver, 120).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
    times = driver.execute_script("return window.jakkgTimes")
    start = time.perf_counter()
    driver.execute_async_script("""
        const done = arguments[arguments.length - 1], s = document.getElementById('drug-filter');
        s.selectedIndex = 1; window.jakkg.applyFilters().then(() => done(true));""")
    relayout = time.perf_counter() - start
    return times["ready"] / 1000, times["script"] / 1000, relayout


def gap_segments_ours(layout) -> list[tuple[int, tuple[str, str], float, float]]:
    """Each edge's pieces between adjacent columns: (gap, edge ends, y on the left, y on the right)."""
    lefts = sorted(x for _, _, x in layout.columns)
    out = []
    for e, route in layout.routes.items():
        if route.same_column:
            continue
        pts = route.points
        for a, b in zip(pts[0::2], pts[1::2]):
            gap = max(i for i, x in enumerate(lefts) if x <= a[0] + 1)
            out.append((gap, e[:2], a[1], b[1]))
    return out


def crossings(segments) -> int:
    """Pairs of pieces in the same gap whose order flips from left to right (not counting pieces sharing an end)."""
    by_gap: dict[int, list] = {}
    for gap, ends, y0, y1 in segments:
        by_gap.setdefault(gap, []).append((ends, y0, y1))
    total = 0
    for pieces in by_gap.values():
        for i, (ea, a0, a1) in enumerate(pieces):
            for eb, b0, b1 in pieces[i + 1:]:
                if set(ea) & set(eb):
                    continue
                total += (a0 - b0) * (a1 - b1) < 0
    return total


def compare_layouts() -> None:
    """Crossings and height of our layered layout and igraph's on the seed figure (same graph, columns and boxes)."""
    import gzip

    import igraph
    import pyoxigraph

    from jakkg.draw import (
        FIGURE_MAX_EDGES,
        FIGURE_MAX_NODES,
        drawn_columns,
        edge_width,
        static_subgraph,
        strongest_subgraph,
    )
    from jakkg.graph import graph_style, project
    from jakkg.layout import Metrics, dot_engine, layered_layout, wrap_label
    from tests.graph_support import SEED_BUILD

    store = pyoxigraph.Store()
    store.bulk_load(gzip.decompress(SEED_BUILD.read_bytes()), format=pyoxigraph.RdfFormat.N_QUADS)
    style = graph_style()
    H, _ = strongest_subgraph(static_subgraph(project(store), style)[0], FIGURE_MAX_EDGES, FIGURE_MAX_NODES)
    columns = drawn_columns(H, style, populations=False)
    m = Metrics()
    engines = {"Graphviz dot (jakkg.layout)": dot_engine, "ours (barycentre, isotonic)": ours_engine, "elkjs layered (node)": elk_engine}
    drawn = {}
    for title, engine in engines.items():
        start = time.perf_counter()
        layout = layered_layout(H, columns, m, thickness=lambda e: edge_width(H.edges[e]["n_claims"]), engine=engine)
        drawn[title] = (layout, time.perf_counter() - start)

    rank = {layer: i for i, (layer, _) in enumerate(columns)}
    names = sorted(H.nodes)
    index = {n: i for i, n in enumerate(names)}
    links = sorted({tuple(sorted((u, v), key=lambda n: rank[H.nodes[n]["layer"]])) for u, v in H.edges()
                    if rank[H.nodes[u]["layer"]] != rank[H.nodes[v]["layer"]]})
    g = igraph.Graph(n=len(names), edges=[(index[u], index[v]) for u, v in links], directed=True)
    start = time.perf_counter()
    result = g.layout_sugiyama(layers=[rank[H.nodes[n]["layer"]] for n in names], maxiter=1000)
    ig_s = time.perf_counter() - start
    lay, bends = result if isinstance(result, tuple) else (result, None)
    coords = [tuple(c) for c in lay.coords]  # (position in its layer, layer) per node; igraph < 1.0 appends dummies instead
    segments = []
    for i, (a, b) in enumerate(g.get_edgelist()):
        pts = [coords[a]] + [tuple(p) for p in (bends[i] if bends is not None else [])] + [coords[b]]
        for (xa, la), (xb, lb) in pairwise(pts):
            segments.append((int(min(la, lb)), (names[a], names[b]), xa if la < lb else xb, xb if la < lb else xa))
    coords = coords[:len(names)] + [p for i in range(len(links)) for p in (bends[i] if bends is not None else [])]
    heights = {n: len(wrap_label(H.nodes[n]["label"], m)) * m.line_height + 2 * m.pad_y for n in names}
    # igraph places unit-size nodes: at the mean box height plus a gap per unit (a lower bound: tall boxes would overlap)
    unit = sum(heights.values()) / len(heights) + m.box_gap
    ig_height = (max(float(x) for x, _ in coords) - min(float(x) for x, _ in coords)) * unit + max(heights.values())
    print(f"seed figure: {H.number_of_nodes()} entities, {H.number_of_edges()} edges, {len(columns)} columns")
    print(f"{'layout':<28} {'crossings':>9} {'height pt':>10} {'seconds':>8}")
    for title, (layout, seconds) in drawn.items():
        print(f"{title:<28} {crossings(gap_segments_ours(layout)):>9} {layout.height:>10.0f} {seconds:>8.2f}")
    print(f"{'igraph ' + igraph.__version__ + ' Sugiyama':<28} {crossings(segments):>9} {ig_height:>10.0f} {ig_s:>8.2f}")
    elk = elk_layout(H, columns, heights, m)
    if elk:
        print(f"{'elkjs, its own routes':<28} {crossings(elk[0]):>9} {elk[1]:>10.0f} {elk[2]:>8.2f}")


def elk_layout(H, columns, heights, m):
    """ELK layered (the page's engine) on the same graph, one partition per column, run by node; None without node."""
    import json
    import shutil
    import subprocess

    if not shutil.which("node"):
        return None
    rank = {layer: i for i, (layer, _) in enumerate(columns)}
    graph = {"id": "root", "layoutOptions": {"elk.algorithm": "layered", "elk.direction": "RIGHT", "elk.partitioning.activate": "true",
                                             "elk.spacing.nodeNode": str(m.box_gap), "elk.layered.spacing.nodeNodeBetweenLayers": str(m.column_gap),
                                             "elk.randomSeed": "1", "elk.edgeRouting": "POLYLINE"},
             "children": [{"id": n, "width": m.box_width, "height": heights[n],
                           "layoutOptions": {"elk.partitioning.partition": str(rank[H.nodes[n]["layer"]])}} for n in sorted(H.nodes)],
             "edges": [{"id": f"e{i}", "sources": [u], "targets": [v]} for i, (u, v) in enumerate(sorted(
                 {tuple(sorted((u, v), key=lambda n: rank[H.nodes[n]["layer"]])) for u, v in H.edges()
                  if rank[H.nodes[u]["layer"]] != rank[H.nodes[v]["layer"]]}))]}
    script = ("const ELK = require(process.argv[1]); const g = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "const t = Date.now(); new ELK().layout(g).then(r => console.log(JSON.stringify({r, ms: Date.now() - t})));")
    vendor = ROOT / "src" / "jakkg" / "web" / "vendor" / "elk.bundled.js"
    done = subprocess.run(["node", "-e", script, str(vendor)], input=json.dumps(graph), capture_output=True, text=True, check=True)
    out = json.loads(done.stdout)
    r = out["r"]
    at = {c["id"]: c for c in r["children"]}
    xs = sorted({round(c["x"]) for c in r["children"]})
    segments = []
    for e in r["edges"]:
        u, v = e["sources"][0], e["targets"][0]
        sec = e["sections"][0]
        pts = [sec["startPoint"], *sec.get("bendPoints", []), sec["endPoint"]]
        for a, b in pairwise(pts):  # each piece that crosses a gap between layers
            if abs(a["x"] - b["x"]) > 1:
                segments.append((sum(1 for x in xs if x <= min(a["x"], b["x"])), (u, v), a["y"], b["y"]))
    height = max(c["y"] + c["height"] for c in at.values()) - min(c["y"] for c in at.values())
    return segments, height, out["ms"] / 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 32])
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument("--layouts", action="store_true", help="compare our layered layout with igraph's on the seed figure, and stop")
    args = parser.parse_args()
    if args.layouts:
        compare_layouts()
        return
    out = Path(tempfile.mkdtemp(prefix="jakkg-page-"))
    driver = browser(str(out / "profile"))
    try:
        print(f"{'claims':>7} {'edges':>6} {'html MB':>8} {'python s':>9} {'first render s':>15} {'script s':>9} {'relayout s':>11}")
        for copies in args.copies:
            path, claims, n_edges, seconds = page_of(copies, out)
            first, script, relayout = measure(driver, path)
            size = path.stat().st_size / 1e6
            print(f"{claims:>7} {n_edges:>6} {size:>8.1f} {seconds:>9.2f} {first:>15.2f} {script:>9.2f} {relayout:>11.2f}", flush=True)
        if args.screenshot:
            from selenium.webdriver.common.by import By
            from selenium.webdriver.support.ui import WebDriverWait

            path, *_ = page_of(1, out)
            driver.get(path.resolve().as_uri())
            WebDriverWait(driver, 60).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-ready") == "true")
            time.sleep(0.5)
            driver.save_screenshot(str(args.screenshot))
            print(f"wrote {args.screenshot}")
    finally:
        driver.quit()
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
