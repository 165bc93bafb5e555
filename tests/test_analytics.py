"""Evidence-network analytics: mechanistic paths, sources, disagreements, summary."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

import networkx as nx
import pytest

from jakkg import analytics
from jakkg.analytics import (
    count_mechanistic_paths,
    disagreeing_drugs,
    disagreements,
    drug_view,
    format_table,
    mechanistic_paths,
    strongest_paths,
    summary_report,
    summary_statistics,
)
from jakkg.graph import graph_style, load_projection
from tests.conftest import run_cli
from tests.graph_support import SEED_BUILD, build_corpus, synthetic_projection

BARI, RUX, TOFA, JAKI = "CHEBI:95341", "CHEBI:66919", "CHEBI:71200", "MESH:D000075242"
JAK1, JAK2, JAK3 = "HGNC:6190", "HGNC:6192", "HGNC:6193"
GH = "GO:0060396"


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    return load_projection(build_corpus("full", tmp_path_factory.getbasetemp()) / "jakdm.trig")


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    return load_projection(build_corpus("mini", tmp_path_factory.getbasetemp()) / "jakdm.trig")


def starts(paths: list, *nodes: str) -> list:
    return [p for p in paths if p.nodes[: len(nodes)] == nodes]


def test_baricitinib_reaches_growth_hormone_signalling_through_jak2(full: nx.MultiDiGraph) -> None:
    paths = mechanistic_paths(full)
    hits = starts(paths, BARI, JAK2, GH)
    assert hits, "baricitinib -> JAK2 -> growth hormone receptor signalling"
    p = hits[0]
    assert p.hops[0] == ((BARI, JAK2, "inhibits"),)
    assert p.hops[1] == ((JAK2, GH, "involved_in"),)
    assert p.weakest_sources(full) >= 1 and p.weakest_claims(full) >= 1


def test_paths_of_the_mini_corpus_exactly(mini: nx.MultiDiGraph) -> None:
    paths = {p.nodes for p in mechanistic_paths(mini)}
    assert (BARI, JAK2, GH) in paths
    assert (BARI, JAK1, "GO:0140888", "MONDO:0016367") in paths, "drug -> kinase -> pathway -> disease"
    assert (BARI, JAK1, "GO:0140888") not in paths, "only maximal paths are listed"
    assert (TOFA, JAK3) not in paths, "a path reaches at least a pathway"
    assert len(paths) == 12  # 3 drugs x (JAK1 -> IFN -> DM, JAK1 -> IL-6, JAK2 -> GH, JAK2 -> IL-6)
    assert all(p[0] in {BARI, RUX, TOFA} for p in paths)
    gh = next(p for p in mechanistic_paths(mini) if p.nodes == (BARI, JAK2, GH))
    assert gh.weakest_claims(mini) == 1 and [sum(mini.edges[e]["n_claims"] for e in hop) for hop in gh.hops] == [1, 2]


def toy(edges: list[tuple[str, str, str, bool]]) -> nx.MultiDiGraph:
    """A hand-made projection: node name prefix gives its category."""
    style = graph_style()
    cats = {"d": "drug", "k": "gene", "p": "pathway", "x": "disease", "o": "outcome_measure", "c": "cohort"}
    G = nx.MultiDiGraph()
    for u, v, key, negated in edges:
        for n in (u, v):
            G.add_node(n, label=n, category=cats[n[0]], layer=style.layer(cats[n[0]]))
        G.add_edge(u, v, key=key, negated=negated, n_claims=1, n_sources=1, claims=[f"{u}-{v}-{key}"], evidence=[],
                   predicate=key.split("|")[0], polarity=-1 if negated or "worsened" in key else 1, sources=["s"])
    return G


def test_paths_follow_layers_forward_and_skip_negated_edges() -> None:
    G = toy([("d1", "k1", "inhibits", False), ("k1", "p1", "involved_in", False), ("p1", "x1", "contributes_to", False),
             ("x1", "o1", "has_measurement", False), ("x1", "d2", "previously_treated_with", False),
             ("d2", "k2", "inhibits", True), ("k2", "p2", "involved_in", False)])
    paths = {p.nodes for p in mechanistic_paths(G)}
    assert paths == {("d1", "k1", "p1", "x1", "o1")}, "x1 -> d2 runs backwards; d2 -> k2 is negated"
    # mutation: the negated edge becomes positive, and d2 gains a path
    G.edges["d2", "k2", "inhibits"]["negated"] = False
    assert {p.nodes for p in mechanistic_paths(G)} == {("d1", "k1", "p1", "x1", "o1"), ("d2", "k2", "p2")}
    # mutation: without a kinase there is no mechanistic path
    G.remove_node("k1")
    G.add_edge("d1", "p1", key="negatively_regulates", negated=False, n_claims=1, n_sources=1, claims=["z"], evidence=[],
               predicate="negatively_regulates", polarity=1, sources=["s"])
    assert {p.nodes for p in mechanistic_paths(G)} == {("d2", "k2", "p2")}


def test_drug_view_shows_negated_endpoints_but_does_not_walk_through_them() -> None:
    G = toy([("d1", "k1", "inhibits", False), ("k1", "p1", "involved_in", False), ("d1", "x1", "has_adverse_event|negated", True),
             ("x1", "o1", "has_measurement", False), ("c1", "d1", "treated_with", False), ("d2", "k1", "inhibits", False)])
    nodes, edges = drug_view(G, "d1")
    assert nodes == {"d1", "k1", "p1", "x1"}
    assert ("d1", "x1", "has_adverse_event|negated") in edges and ("x1", "o1", "has_measurement") not in edges
    assert "c1" not in nodes and "d2" not in nodes


def test_disagreements_explicit_and_opposite_directions(mini: nx.MultiDiGraph) -> None:
    rows = disagreements(mini)
    explicit = [r for r in rows if r.kind == "disagreesWith"]
    opposite = [r for r in rows if r.kind == "opposite directions"]
    pairs = {tuple(sorted(r.claims_for + r.claims_against)) for r in explicit}
    assert pairs == {("GX-000-06", "GX-001-01"), ("GX-000-17", "GX-001-05")}
    calc = next(r for r in explicit if "GX-000-17" in r.claims_for + r.claims_against)
    assert set(calc.drugs) == {TOFA, JAKI} and calc.objects == ("HP:0003761",)
    assert [(r.subjects, r.objects, r.claims_for, r.claims_against) for r in opposite] == [
        ((JAKI,), ("MONDO:1010064",), ["GX-001-06"], ["GX-001-07"])]
    assert disagreeing_drugs(mini) == sorted([TOFA, JAKI])


def test_opposite_polarity_needs_both_sides() -> None:
    G = toy([("d1", "x1", "ameliorates|improved", False), ("d1", "x1", "ameliorates|resolved", False)])
    assert disagreements(G) == []
    G.add_edge("d1", "x1", key="ameliorates|negated", negated=True, n_claims=1, n_sources=1, claims=["n"], evidence=[],
               predicate="ameliorates", polarity=-1, sources=["s"])
    (row,) = disagreements(G)
    assert row.kind == "opposite directions" and row.claims_against == ["n"] and len(row.claims_for) == 2


def test_summary_statistics(mini: nx.MultiDiGraph) -> None:
    stats = dict(summary_statistics(mini))
    assert stats["nodes"] == 23 and stats["edges"] == 27 and stats["claims"] == 30
    assert stats["negated claims"] == 3 and stats["edges with >= 2 independent sources"] == 3
    assert stats["mechanistic paths"] == 12 and stats["drugs with disagreeing evidence"] == 2
    assert stats["nodes: gene"] == 3 and stats["edges: inhibits"] == 7


def test_format_table_aligns_columns() -> None:
    text = format_table(["name", "n"], [("a", 1), ("long name", 12)])
    lines = text.splitlines()
    assert lines[0] == "name        n" and lines[2] == "a           1" and lines[3] == "long name  12"


def test_cli_summary_prints_the_tables(tmp_path_factory: pytest.TempPathFactory) -> None:
    out = build_corpus("mini", tmp_path_factory.getbasetemp())
    result = run_cli("graph", out / "jakdm.trig", "--summary")
    assert result.exit_code == 0, result.output
    text = result.output
    for heading in ("Summary", "Mechanistic paths", "Evidence per edge", "Drugs whose evidence disagrees"):
        assert heading in text
    assert "baricitinib  JAK2 -> growth hormone receptor signaling pathway" in text
    line = next(ln for ln in text.splitlines() if ln.startswith("JAK2") and "growth hormone" in ln)
    cells = re.split(r"\s{2,}", line.strip())
    assert cells[:5] == ["JAK2", "involved_in", "growth hormone receptor signaling pathway", "2", "2"]
    assert "opposite directions" in text and "disagreesWith" in text


def test_summary_report_of_an_empty_graph() -> None:
    text = summary_report(nx.MultiDiGraph())
    assert "nodes" in text and "Mechanistic paths" in text


def test_real_data_paths_and_disagreements(built) -> None:
    """On the curated papers alone: the growth-hormone paths and tofacitinib's disputed targets."""
    real = load_projection(built / "jakdm.trig")
    paths = mechanistic_paths(real)
    for drug in (BARI, RUX):
        assert starts(paths, drug, JAK2, GH), f"{drug} -> JAK2 -> growth hormone signalling"
    assert TOFA in disagreeing_drugs(real)
    zoster = [d for _, v, d in real.out_edges(BARI, data=True) if v == "MONDO:0005609"]
    assert zoster and all(d["negated"] for d in zoster), "herpes zoster under baricitinib: looked for, not seen"


def weakest_hop(G: nx.MultiDiGraph, p) -> tuple[int, int]:
    """A path's strength as strongest_paths ranks it, computed by brute force."""
    return min((max(G.edges[e]["n_sources"] for e in hop), sum(G.edges[e]["n_claims"] for e in hop)) for hop in p.hops)


@pytest.mark.parametrize("scale", [1, 3])
def test_counted_paths_equal_listed_paths(scale: int, mini: nx.MultiDiGraph) -> None:
    """The dynamic-programming count agrees with the full listing, on the mini corpus and denser synthetic graphs."""
    assert count_mechanistic_paths(mini) == len(mechanistic_paths(mini)) == 12
    G = synthetic_projection(seed=scale, scale=scale)
    assert count_mechanistic_paths(G) == len(mechanistic_paths(G)) >= 12 * scale


@pytest.mark.parametrize("limit", [1, 7, 40])
def test_strongest_paths_are_the_top_of_the_full_listing(limit: int) -> None:
    """Best-first search gives exactly the first ``limit`` paths of the full listing sorted by weakest hop."""
    G = synthetic_projection(seed=11, scale=3)
    for i, (_, _, d) in enumerate(sorted(G.edges(data=True), key=lambda e: (e[0], e[1], e[2]["claims"]))):
        d["n_sources"] = 1 + i % 3  # vary sources too, so the ranking has two criteria
    every = mechanistic_paths(G)
    assert len(every) > limit
    want = sorted(every, key=lambda p: (-weakest_hop(G, p)[0], -weakest_hop(G, p)[1]))[:limit]  # stable: ties keep listing order
    got = strongest_paths(G, None, limit)
    assert [p.nodes for p in got] == [p.nodes for p in want]
    assert [p.hops for p in got] == [p.hops for p in want]
    assert [p.nodes for p in mechanistic_paths(G, limit=limit)] == [p.nodes for p in want]
    assert [p.nodes for p in mechanistic_paths(G, limit=len(every))] == [p.nodes for p in every], "under the limit: the full listing"


def test_summary_lists_the_best_supported_paths_when_there_are_too_many(mini: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analytics, "MAX_PATHS_LISTED", 5)
    text = summary_report(mini)
    assert "the 5 best supported of 12, ranked by their weakest hop" in text
    section = text.split("Mechanistic paths")[1].split("Evidence per edge")[0]
    assert len([ln for ln in section.splitlines()[3:] if ln.strip()]) == 5
    assert dict(summary_statistics(mini))["mechanistic paths"] == 12, "the count stays complete"


def test_long_lists_in_cells_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """One edge with many studies must not widen every row of the report."""
    G = toy([("d1", "x1", "ameliorates|improved", False), ("d1", "x2", "ameliorates|improved", False)])
    for u, v, d in G.edges(data=True):
        d.update(studies=[f"study-{i}" for i in range(50)] if v == "x1" else ["one"], dois=[], n_of_N=[], evidence=[])
    text = summary_report(G)
    assert "study-19, ... (+30 more)" in text and "study-20" not in text
    widths = {len(ln) for ln in text.split("Evidence per edge")[1].split("Drugs whose")[0].splitlines()[1:] if ln.strip()}
    assert max(widths) < 600


def test_summary_of_the_seed_build_equals_the_snapshot(tmp_path: Path) -> None:
    """`jakkg graph --summary` on the committed seed build prints the tables taken before the scale work."""
    nq = tmp_path / "seed.nq"
    nq.write_bytes(gzip.decompress(SEED_BUILD.read_bytes()))
    result = run_cli("graph", nq, "--summary")
    assert result.exit_code == 0, result.output
    assert result.output == (Path(__file__).parent / "data" / "seed-graph.summary.txt").read_text(encoding="utf-8")
