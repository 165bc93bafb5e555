"""The layered layout on Graphviz dot: deterministic, better than the code it replaced, a clear error without dot."""
from __future__ import annotations

import gzip
import shutil
from itertools import pairwise
from pathlib import Path

import pyoxigraph
import pytest

from jakkg.draw import (
    FIGURE_MAX_EDGES,
    FIGURE_MAX_NODES,
    OUTPUTS,
    drawn_columns,
    edge_width,
    static_subgraph,
    strongest_subgraph,
)
from jakkg.graph import graph_style, project
from jakkg.layout import Metrics, layered_layout
from tests.conftest import run_cli
from tests.graph_support import SEED_BUILD, build_corpus


@pytest.fixture(scope="module")
def seed_figure():
    """The graph the static figure of the seed build draws, and its columns."""
    store = pyoxigraph.Store()
    store.bulk_load(gzip.decompress(SEED_BUILD.read_bytes()), format=pyoxigraph.RdfFormat.N_QUADS)
    style = graph_style()
    H, _ = strongest_subgraph(static_subgraph(project(store), style)[0], FIGURE_MAX_EDGES, FIGURE_MAX_NODES)
    return H, drawn_columns(H, style, populations=False)


def lay_out(H, columns):
    return layered_layout(H, columns, Metrics(), thickness=lambda e: edge_width(H.edges[e]["n_claims"]))


def crossings(layout) -> int:
    """Pairs of edge pieces between the same two columns whose order flips (pieces sharing an end left out)."""
    lefts = sorted(x for _, _, x in layout.columns)
    pieces: dict[int, list] = {}
    for e, route in layout.routes.items():
        if not route.same_column:
            for a, b in zip(route.points[0::2], route.points[1::2], strict=True):
                gap = max(i for i, x in enumerate(lefts) if x <= a[0] + 1)
                pieces.setdefault(gap, []).append((set(e[:2]), a[1], b[1]))
    return sum((a0 - b0) * (a1 - b1) < 0 for ps in pieces.values()
               for i, (ea, a0, a1) in enumerate(ps) for eb, b0, b1 in ps[i + 1:] if not ea & eb)


def test_dot_layout_is_deterministic_and_keeps_the_columns_apart(seed_figure) -> None:
    H, columns = seed_figure
    first, second = lay_out(H, columns), lay_out(H, columns)
    assert {n: (b.x, b.y, b.h) for n, b in first.boxes.items()} == {n: (b.x, b.y, b.h) for n, b in second.boxes.items()}
    assert {e: r.points for e, r in first.routes.items()} == {e: r.points for e, r in second.routes.items()}
    m = first.metrics
    for c in {b.column for b in first.boxes.values()}:
        col = sorted((b for b in first.boxes.values() if b.column == c), key=lambda b: b.y)
        assert all(b.y >= a.y + a.h + m.box_gap - 0.01 for a, b in pairwise(col)), f"column {c}: boxes keep their gap"
        assert len({b.x for b in col}) == 1
    assert sorted({b.x for b in first.boxes.values()}) == [x for _, _, x in first.columns]


def test_dot_crosses_fewer_edges_than_the_layout_it_replaced(seed_figure) -> None:
    """benchmarks/page.py --layouts: 766 crossings with dot, 1,012 with our former code, 818 with ELK; height 1,614 pt vs 1,624."""
    H, columns = seed_figure
    layout = lay_out(H, columns)
    assert crossings(layout) < 900, crossings(layout)
    assert layout.height < 1800, layout.height


def test_draw_without_dot_fails_in_one_line_and_keeps_earlier_pictures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build = build_corpus("mini", tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    shutil.copy(build / "jakdm.trig", out / "jakdm.trig")
    for name in OUTPUTS.values():
        (out / name).write_text("earlier\n", encoding="utf-8")
    real_which = shutil.which
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None if name == "dot" else real_which(name, *a, **k))
    result = run_cli("draw", "--out", out)
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "Graphviz `dot` is not installed" in lines[0] and "make setup-graphviz" in lines[0], result.output
    assert all((out / name).read_text(encoding="utf-8") == "earlier\n" for name in OUTPUTS.values())
