"""The pictures: static PNG/SVG (layout, legibility, determinism) and the self-contained HTML page."""
from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path

import networkx as nx
import pytest
from PIL import Image, ImageStat

from jakkg.draw import OUTPUTS, figure, page_data, render_html, static_subgraph
from jakkg.graph import graph_style, load_projection
from jakkg.layout import Metrics, layered_layout, wrap_label
from tests.conftest import SEEDS, copy_data, mark_uncurated, run_cli
from tests.graph_support import build_corpus, run_with_two_hash_seeds, synthetic_projection


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus("mini", tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def drawn(mini: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("drawn")
    shutil.copy(mini / "jakdm.trig", out / "jakdm.trig")
    result = run_cli("draw", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def assert_not_blank_png(data: bytes, min_size: tuple[int, int]) -> Image.Image:
    img = Image.open(io.BytesIO(data)).convert("RGB")
    assert img.width >= min_size[0] and img.height >= min_size[1], img.size
    stat = ImageStat.Stat(img.convert("L"))
    assert stat.stddev[0] > 20, "the picture is (nearly) blank"
    grey = img.convert("L").point(lambda p: 255 if p < 240 else 0)
    inked = sum(grey.histogram()[255:]) / (img.width * img.height)
    assert 0.02 < inked < 0.6, f"{inked:.1%} of the pixels are drawn"
    colours = img.resize((200, 200)).getcolors(maxcolors=40000) or []
    assert len(colours) > 50, "a figure coloured by category has many colours"
    return img


def test_draw_writes_png_svg_html(drawn: Path) -> None:
    png = (drawn / OUTPUTS["png"]).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(png) > 50_000
    assert_not_blank_png(png, (1500, 800))
    svg = (drawn / OUTPUTS["svg"]).read_text(encoding="utf-8")
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    assert ">baricitinib</text>" in svg and ">growth hormone</text>" in svg, "labels are text in the SVG"
    page = (drawn / OUTPUTS["html"]).read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")


def test_draw_is_deterministic(mini: Path, tmp_path: Path) -> None:
    """Two runs in separate processes with different hash seeds give byte-identical pictures."""
    run_with_two_hash_seeds("draw", mini / "jakdm.trig", tmp_path, list(OUTPUTS.values()))


def rendered_extents(G: nx.MultiDiGraph):
    fig, layout, artists = figure(G)
    renderer = fig.canvas.get_renderer()
    labels = {n: [t.get_window_extent(renderer) for t in ts] for n, ts in artists["labels"].items()}
    boxes = {n: p.get_window_extent(renderer) for n, p in artists["boxes"].items()}
    others = [t.get_window_extent(renderer) for t in artists["texts"] if t.get_text()]
    return layout, labels, boxes, others, artists


def overlaps(a, b, slack: float = 0.5) -> bool:
    return a.x0 < b.x1 - slack and b.x0 < a.x1 - slack and a.y0 < b.y1 - slack and b.y0 < a.y1 - slack


@pytest.mark.parametrize("which", ["mini", "synthetic", "synthetic-large"])
def test_labels_fit_their_boxes_and_never_overlap(which: str, mini: Path) -> None:
    G = {"mini": lambda: load_projection(mini / "jakdm.trig"),
         "synthetic": lambda: synthetic_projection(seed=7),
         "synthetic-large": lambda: synthetic_projection(seed=11, scale=2)}[which]()
    _, labels, boxes, others, _ = rendered_extents(G)
    assert labels, "nothing drawn"
    for n, extents in labels.items():
        for ext in extents:
            box = boxes[n]
            assert box.x0 <= ext.x0 and ext.x1 <= box.x1 and box.y0 <= ext.y0 and ext.y1 <= box.y1, f"label of {n} leaves its box"
    # boxes never overlap, so labels (inside them) never do; check both on the canvas, sorted sweep by x
    items = sorted([(b, n) for n, b in boxes.items()], key=lambda t: t[0].x0)
    for i, (a, na) in enumerate(items):
        for b, nb in items[i + 1:]:
            if b.x0 >= a.x1:
                break
            assert not overlaps(a, b), f"boxes of {na} and {nb} overlap"
    every_label = [e for ex in labels.values() for e in ex]
    for t in others:  # titles, column heads, legend, footnotes stay clear of the labels
        assert not any(overlaps(t, e) for e in every_label), "a title or legend text covers a label"


def test_long_labels_are_wrapped_and_capped() -> None:
    m = Metrics()
    lines = wrap_label("Elevated circulating creatine kinase activity", m)
    assert 2 <= len(lines) <= 3 and all(len(x) <= m.wrap_chars for x in lines)
    assert " ".join(lines) == "Elevated circulating creatine kinase activity"
    long = wrap_label(" ".join(["word"] * 60), m)
    assert len(long) == m.max_lines and long[-1].endswith("…")


def test_layout_is_layered_left_to_right(mini: Path) -> None:
    G = load_projection(mini / "jakdm.trig")
    H, left_out_claims, left_out_nodes = static_subgraph(G, graph_style())
    assert "jakdm:cohort/GX-LC19-MDA5" not in H and left_out_claims == 1 and left_out_nodes == 1
    style = graph_style()
    cols = [(i, l["title"]) for i, l in enumerate(style.layers) if any(d["layer"] == i for _, d in H.nodes(data=True))]
    layout = layered_layout(H, cols)
    x = {n: b.x for n, b in layout.boxes.items()}
    assert x["CHEBI:95341"] < x["HGNC:6192"] < x["GO:0060396"] < x["MONDO:0016367"] < x["jakkg:IMACSDefinitionOfImprovement"]
    assert [t for _, t, _ in layout.columns] == ["Drugs", "Kinases & proteins", "Pathways", "Diseases & phenotypes", "Outcome measures"]
    # the skip edge drug -> outcome runs through the gaps: its route crosses the middle columns horizontally
    route = layout.routes[("CHEBI:71200", "jakkg:IMACSDefinitionOfImprovement", "ameliorates|improved")]
    assert len(route.points) == 2 + 2 * 3


def test_static_figure_styles_edges_by_evidence(mini: Path) -> None:
    G = load_projection(mini / "jakdm.trig")
    _, _, _, _, artists = rendered_extents(G)
    kinds = graph_style().kind_styles()
    neg = artists["edges"][("CHEBI:95341", "MONDO:0005609", "has_adverse_event|not_observed|negated")]
    pos = artists["edges"][("CHEBI:95341", "MONDO:0008054", "ameliorates|improved")]
    assert neg.get_linestyle() not in ("-", "solid") and pos.get_linestyle() in ("-", "solid"), "negated claims are dashed"
    from matplotlib.colors import to_hex
    assert to_hex(neg.get_edgecolor()) == kinds["negated"]["colour"].lower()
    assert to_hex(pos.get_edgecolor()) == kinds["benefit"]["colour"].lower()
    two = artists["edges"][("HGNC:6192", "GO:0060396", "involved_in")]
    one = artists["edges"][("HGNC:6192", "GO:0070102", "involved_in")]
    assert two.get_linewidth() > one.get_linewidth(), "edge width grows with the number of claims"
    texts = " ".join(t.get_text() for t in artists["texts"])
    assert "Not drawn: 1 claim about cohorts or patients" in texts
    for title in ("Drugs", "Kinases & proteins", "Pathways", "Entities (box colour)", "Evidence (edge colour)", "Claims behind an edge (width)"):
        assert title in texts


def test_html_is_self_contained_and_complete(drawn: Path) -> None:
    page = (drawn / OUTPUTS["html"]).read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=|<link\b|<img\b|@import|url\(\s*['\"]?https?:", page, re.IGNORECASE), "no external resources"
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    G = load_projection(drawn / "jakdm.trig")
    data = page_json(page)
    assert len(data["nodes"]) == G.number_of_nodes() and all(n["drawn"] for n in data["nodes"])
    assert len(data["edges"]) == G.number_of_edges() and all(e["drawn"] for e in data["edges"])
    for drug in ("baricitinib", "ruxolitinib", "tofacitinib", "Janus Kinase Inhibitors"):
        assert re.search(rf"<option value=\"n\d+\">{drug}</option>", page)
    assert "Since baricitinib is a JAK1/2 inhibitor" in page and "10.1093/brain/awz006" in page


def test_page_data_views_match_drug_view(mini: Path) -> None:
    from jakkg.analytics import drug_view

    G = load_projection(mini / "jakdm.trig")
    data = page_data(G)
    by_curie = {n["curie"]: n["id"] for n in data["nodes"]}
    nodes, edges = drug_view(G, "CHEBI:95341")
    view = data["views"][by_curie["CHEBI:95341"]]
    assert sorted(view["nodes"]) == sorted(by_curie[n] for n in nodes)
    assert len(view["edges"]) == len(edges)
    assert by_curie["CHEBI:71200"] not in view["nodes"]


def test_html_escapes_labels() -> None:
    G = synthetic_projection(seed=3)
    style = graph_style()
    n = next(n for n, d in sorted(G.nodes(data=True)) if d["category"] == "drug")
    G.nodes[n]["label"] = "<script>alert(1)</script> & co"
    page = render_html(G)
    assert "<script>alert(1)</script>" not in page and "alert(1)</" not in page, "a label never closes the data's script"
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co</option>" in page, "the drug filter shows it as text"
    assert any(x["label"] == "<script>alert(1)</script> & co" for x in page_json(page)["nodes"])
    assert style.layer("drug") == G.nodes[n]["layer"]


def page_json(page: str) -> dict:
    """The data the page's script reads."""
    found = re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page, re.DOTALL)
    assert found, "no graph data in the page"
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_vendored_libraries_match_their_manifest() -> None:
    """Every vendored file is the one the manifest names (hash), with its licence next to it, and is inlined in the page."""
    import base64
    import hashlib
    from importlib.resources import files

    vendor = files("jakkg").joinpath("web", "vendor")
    manifest = json.loads(vendor.joinpath("manifest.json").read_text(encoding="utf-8"))
    names = {p["name"] for p in manifest["packages"]}
    assert {"cytoscape", "elkjs"} <= names
    listed = {"manifest.json"}
    for pkg in manifest["packages"]:
        assert re.fullmatch(r"\d+\.\d+\.\d+", pkg["version"]), "a pinned version"
        assert pkg["integrity"].startswith("sha512-") and pkg["tarball"].endswith(f"{pkg['name']}-{pkg['version']}.tgz")
        assert any("LICENSE" in name for name in pkg["files"]), f"{pkg['name']}: licence not vendored"
        for name, meta in pkg["files"].items():
            digest = base64.b64encode(hashlib.sha256(vendor.joinpath(name).read_bytes()).digest()).decode()
            assert meta["sha256"] == f"sha256-{digest}", f"{name} differs from the manifest"
            listed.add(name)
    assert {f.name for f in vendor.iterdir()} == listed, "a vendored file not in the manifest, or a listed one missing"
    page = render_html(synthetic_projection(seed=3))
    for pkg in manifest["packages"]:
        assert f"/* {pkg['name']} {pkg['version']} ({pkg['licence']})" in page
    assert page.count("<script>") == len(names) + 1, "the libraries and our script, inline"


def test_page_names_populations_and_instruments(drawn: Path) -> None:
    """Claims name their population and instrument by IRI; the page carries a label for each, and synonyms and designs."""
    page = page_json((drawn / OUTPUTS["html"]).read_text(encoding="utf-8"))
    used = {c[k] for e in page["edges"] for c in e["evidence"] for k in ("population", "instrument") if k in c}
    assert used, "the corpus has claims with populations or instruments"
    for x in used:
        assert x in page["labels"] and page["labels"][x] != x and ":" not in page["labels"][x][:12], x
    assert any(n["synonyms"] for n in page["nodes"]), "synonyms for the search"
    assert page["designs"] and all(page["designs"].values())
    assert set(page["groups"].values()) <= {"juvenile", "adult", "age not stated"}
    opening = [n for n in page["nodes"] if "x" in n]
    assert opening and not any(n["population"] for n in opening), "the opening view is laid out, without cohorts and patients"


def test_draw_without_claims_is_a_clear_error(tmp_path: Path) -> None:
    data = copy_data(tmp_path)
    for path in (data / "claims").glob("*.yaml"):
        path.unlink()
    shutil.rmtree(data / "patients", ignore_errors=True)
    mark_uncurated(data)  # every paper listed, none curated yet: a build of no claims, on purpose
    out = tmp_path / "build"
    assert run_cli("build", "--data", data, "--sources", SEEDS, "--out", out).exit_code == 0
    result = run_cli("draw", "--out", out)
    assert result.exit_code == 2
    assert "no claims" in result.output
    assert not (out / OUTPUTS["png"]).exists()


def test_failed_draw_leaves_earlier_pictures(drawn: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in OUTPUTS.values():
        shutil.copy(drawn / name, tmp_path / name)
    shutil.copy(drawn / "jakdm.trig", tmp_path / "jakdm.trig")
    before = {name: (tmp_path / name).read_bytes() for name in OUTPUTS.values()}
    import jakkg.draw as draw_module

    def broken(*_: object, **__: object) -> str:
        raise RuntimeError("template missing")

    monkeypatch.setattr(draw_module, "render_html", broken)
    with pytest.raises(RuntimeError):
        draw_module.write_pictures(load_projection(tmp_path / "jakdm.trig"), tmp_path)
    assert {name: (tmp_path / name).read_bytes() for name in OUTPUTS.values()} == before


def test_strongest_subgraph_keeps_the_best_supported_edges_within_both_caps() -> None:
    from jakkg.draw import evidence_rank, strongest_subgraph

    G = synthetic_projection(seed=5, scale=2)
    for i, (_, _, d) in enumerate(sorted(G.edges(data=True), key=lambda e: (e[0], e[1], e[2]["claims"]))):
        d["n_sources"] = 1 + i % 4
    assert strongest_subgraph(G, G.number_of_edges(), G.number_of_nodes())[0] is G, "a graph that fits is drawn whole"
    H, left = strongest_subgraph(G, 30, 25)
    assert H.number_of_edges() == 30 and H.number_of_nodes() <= 25
    assert (left.edges, left.nodes) == (G.number_of_edges() - 30, G.number_of_nodes() - H.number_of_nodes())
    assert left.claims == sum(d["n_claims"] for _, _, d in G.edges(data=True)) - sum(d["n_claims"] for _, _, d in H.edges(data=True))
    ranked = sorted(G.edges(keys=True, data=True), key=lambda e: evidence_rank(*e))
    weakest_drawn = max(evidence_rank(*e) for e in H.edges(keys=True, data=True))
    for u, v, k, d in ranked:  # every edge stronger than the weakest drawn one is drawn, unless it needed a node over the cap
        if evidence_rank(u, v, k, d) < weakest_drawn and not H.has_edge(u, v, k):
            assert len(set(H) | {u, v}) > 25
    assert H.edges[ranked[0][:3]] == ranked[0][3], "the strongest edge is drawn, attributes and all"
    # the edge cap alone
    H2, _ = strongest_subgraph(G, 10, 10_000)
    assert sorted(H2.edges(keys=True)) == sorted(e[:3] for e in ranked[:10])


def test_figure_says_what_it_leaves_out_when_over_the_cap(mini: Path) -> None:
    G = load_projection(mini / "jakdm.trig")
    _, layout, artists = figure(G)
    texts = " ".join(t.get_text() for t in artists["texts"])
    assert "Not drawn: 1 claim about cohorts or patients" in texts and "fewer independent sources" not in texts
    whole = len(layout.routes)
    _, layout, artists = figure(G, max_edges=6, max_nodes=9)
    texts = " ".join(t.get_text() for t in artists["texts"])
    assert len(layout.routes) == 6 and len(layout.boxes) <= 9
    m = re.search(r"Not drawn: (\d+) edges with fewer independent sources or claims \((\d+) claims\)", texts)
    assert m and int(m.group(1)) == whole - 6, texts
    assert "only the strongest evidence is drawn: 6 edges" in texts
    assert "jakdm-network.html" in texts and "jakdm.graphml" in texts, "the figure says where to see the rest"
    assert "Not drawn: 1 claim about cohorts or patients" in texts
    # the legend and notes stay clear of the labels with the extra notes
    fig, _, _ = figure(G, max_edges=6, max_nodes=9)
    renderer = fig.canvas.get_renderer()
    labels = [t.get_window_extent(renderer) for ts in artists["labels"].values() for t in ts]
    notes = [t.get_window_extent(renderer) for t in artists["texts"] if t.get_text().startswith(("Not drawn", "Every edge"))]
    assert notes and not any(overlaps(n, lab) for n in notes for lab in labels)


def test_summary_page_draws_the_strongest_edges_and_keeps_every_edge(mini: Path) -> None:
    G = load_projection(mini / "jakdm.trig")
    page = render_html(G, max_edges=8, max_nodes=10)
    data = page_json(page)
    assert sum(e["drawn"] for e in data["edges"]) == 8 and sum(n["drawn"] for n in data["nodes"]) <= 10
    assert 'id="summary"' in page and 'id="search"' in page
    assert "Not drawn: cohorts and patients and weaker evidence" in page
    assert len(data["edges"]) == G.number_of_edges() and len(data["nodes"]) == G.number_of_nodes(), "every edge stays readable"
    assert not any(n["population"] and n["drawn"] for n in data["nodes"]), "a summary leaves out cohorts"
    small = page_json(render_html(G))
    assert 'id="summary"' not in render_html(G) and all(e["drawn"] for e in small["edges"])


def test_draw_at_scale_caps_both_pictures_deterministically(tmp_path: Path) -> None:
    """Four copies of the seed build (about 1,300 claims): the CLI draws capped pictures, byte-identical run to run."""
    from jakkg.draw import FIGURE_MAX_EDGES, PAGE_MAX_EDGES
    from tests.graph_support import replicate_seed_build

    big = tmp_path / "big.nq"
    big.write_text(replicate_seed_build(4), encoding="utf-8")
    run_with_two_hash_seeds("draw", big, tmp_path, list(OUTPUTS.values()))
    svg = (tmp_path / "a" / OUTPUTS["svg"]).read_text(encoding="utf-8")
    assert "only the strongest evidence is drawn" in svg and "fewer independent sources" in svg
    assert svg.count("<path") < 3 * FIGURE_MAX_EDGES + 200
    page = (tmp_path / "a" / OUTPUTS["html"]).read_text(encoding="utf-8")
    G = load_projection(big)
    assert G.number_of_edges() > PAGE_MAX_EDGES
    assert "Summary view" in page and 0 < sum(e["drawn"] for e in page_json(page)["edges"]) <= PAGE_MAX_EDGES


# -- the evidence map tab (issue 14) ------------------------------------------------------------------
def map_json(page: str) -> dict | None:
    """The evidence map's data block, parsed by the page only when its tab is opened."""
    found = re.search(r'<script type="application/json" id="evidence-map-data">(.*?)</script>', page, re.DOTALL)
    assert found, "no evidence map block in the page"
    return json.loads(found.group(1).replace("<\\/", "</"))


def test_page_carries_the_evidence_map_cells_of_the_same_graph(drawn: Path) -> None:
    """`jakkg draw` puts evidence_cells of the graph it draws into the page, unchanged, in a block of their own."""
    from jakkg.evidence_map import evidence_cells, radius, vocabulary
    from jakkg.store import load_store

    page = (drawn / OUTPUTS["html"]).read_text(encoding="utf-8")
    emap = evidence_cells(load_store(drawn / "jakdm.trig"))
    shown = map_json(page)
    assert emap.cells and shown["cells"] == emap.cells, "the very rows of evidence-map.csv"
    assert [d["label"] for d in shown["drugs"]] == [label for _, label in emap.drugs]
    assert shown["class_iri"] == emap.drugs[-1][0] and shown["drugs"][-1]["label"] == "Janus Kinase Inhibitors"
    assert shown["radii"] == [radius(c["patients"]) for c in emap.cells]
    assert shown["groups"] == [g for g in vocabulary().groups if any(c["outcome_group"] == g for c in emap.cells)]
    assert set(shown["panels"]) == {c["population"] for c in emap.cells}
    assert shown["skipped"] == dict(sorted(emap.skipped.items()))
    G = load_projection(drawn / "jakdm.trig")
    by_iri = {d["iri"]: n for n, d in G.nodes(data=True)}
    nid = {n["curie"]: n["id"] for n in page_json(page)["nodes"]}
    assert shown["drug_nodes"] == {d["iri"]: nid[by_iri[d["iri"]]] for d in shown["drugs"] if d["iri"] in by_iri}
    assert len(shown["drug_nodes"]) == len(shown["drugs"]), "every row can be shown in the network"
    claims = {c["claim"] for e in page_json(page)["edges"] for c in e["evidence"]}
    assert {c for cell in emap.cells for c in cell["claims"]} <= claims, "each cell's claims open in the claim panel"
    assert "evidence_map" not in page_json(page), "the network's data does not carry the map (parsed lazily)"


def test_page_without_a_store_has_an_empty_map_block(mini: Path) -> None:
    """render_html from a projection alone (no store, so no cells) still makes a page; its map tab says why it is empty."""
    page = render_html(load_projection(mini / "jakdm.trig"))
    assert map_json(page) is None
    assert 'id="tab-map"' in page and "drawn without the evidence map" in page
