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

``--layouts`` compares the static figure's layered layout (jakkg.layout, ours)
with igraph's Sugiyama layout (``pip install igraph``) and ELK layered (the
vendored elkjs, run by node when it is installed) on the seed figure, all with
the same columns and boxes: edge crossings between adjacent columns (long edges
counted in every gap they cross, same-column arcs left out) and the height of
the drawing. On the seed figure (83 entities, 155 edges):

    layout                       crossings  height pt
    jakkg.layout (ours)               1027       1618
    igraph 1.0.0 Sugiyama             1246       3966   (unit-size nodes at the mean box height: a lower bound)
    elkjs 0.12.1 layered               535       2073   (polyline routing; 3 s in node)

igraph loses on both, so the figure keeps ours; ELK halves the crossings for a
28% taller figure, but would make `jakkg draw` need node (or a JVM build of
ELK); the page uses ELK for every layout after a filter.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--window-size=1600,1000", "--hide-scrollbars", "--force-device-scale-factor=1"]


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
    from jakkg.layout import Metrics, layered_layout, wrap_label
    from tests.graph_support import SEED_BUILD

    store = pyoxigraph.Store()
    store.bulk_load(gzip.decompress(SEED_BUILD.read_bytes()), format=pyoxigraph.RdfFormat.N_QUADS)
    style = graph_style()
    H, _ = strongest_subgraph(static_subgraph(project(store), style)[0], FIGURE_MAX_EDGES, FIGURE_MAX_NODES)
    columns = drawn_columns(H, style, populations=False)
    m = Metrics()
    start = time.perf_counter()
    ours = layered_layout(H, columns, m, thickness=lambda e: edge_width(H.edges[e]["n_claims"]))
    ours_s = time.perf_counter() - start

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
    print(f"{'jakkg.layout (ours)':<28} {crossings(gap_segments_ours(ours)):>9} {ours.height:>10.0f} {ours_s:>8.2f}")
    print(f"{'igraph ' + igraph.__version__ + ' Sugiyama':<28} {crossings(segments):>9} {ig_height:>10.0f} {ig_s:>8.2f}")
    elk = elk_layout(H, columns, heights, m)
    if elk:
        print(f"{'elkjs (vendored) layered':<28} {crossings(elk[0]):>9} {elk[1]:>10.0f} {elk[2]:>8.2f}")


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
