"""GraphML that strict readers accept: rustworkx and igraph read what networkx reads (issue 13, item 7).

rustworkx refused jakkg's GraphML (booleans written ``True``/``False``, where
XML Schema wants ``true``/``false``) and igraph warned that an edge attribute
named ``id`` clashes with GraphML's own edge id. These tests read the seed
build's GraphML with both and compare every node and edge with networkx.
"""
from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import pytest

from jakkg.graph import EXPORTS, read_export

from .conftest import run_cli

SEED_BUILD = Path(__file__).parent / "data" / "seed-build.nq.gz"


@pytest.fixture(scope="module")
def graphml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("graphml")
    (out / "seed.nq").write_bytes(gzip.decompress(SEED_BUILD.read_bytes()))
    assert run_cli("graph", out / "seed.nq", "--out", out).exit_code == 0
    return out / EXPORTS["graphml"]


def test_booleans_are_xml_schema_booleans(graphml: Path) -> None:
    text = graphml.read_text(encoding="utf-8")
    assert ">True<" not in text and ">False<" not in text
    assert '<data key="negated">true</data>' in text and '<data key="verified">false</data>' in text
    assert 'attr.name="id"' not in text


def test_rustworkx_reads_the_same_graph_as_networkx(graphml: Path) -> None:
    rx = pytest.importorskip("rustworkx")
    (strict,) = rx.read_graphml(str(graphml))
    reference = read_export(graphml)
    nodes = {d["id"]: {k: v for k, v in d.items() if k != "id" and v is not None} for d in strict.nodes()}
    assert nodes == dict(reference.nodes(data=True))
    edges = set()
    for a, b, d in strict.weighted_edge_list():
        attrs = {("id" if k == "edge_id" else k): v for k, v in d.items() if k != "id" and v is not None}
        edges.add((strict[a]["id"], strict[b]["id"], d["id"], tuple(sorted(attrs.items()))))
    assert edges == {(u, v, k, tuple(sorted(d.items()))) for u, v, k, d in reference.edges(keys=True, data=True)}
    assert len(edges) == reference.number_of_edges() == 264


def test_igraph_reads_it_without_warnings(graphml: Path) -> None:
    igraph = pytest.importorskip("igraph")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        g = igraph.Graph.Read_GraphML(str(graphml))
    reference = read_export(graphml)
    assert (g.vcount(), g.ecount()) == (reference.number_of_nodes(), reference.number_of_edges())
    assert sum(bool(x) for x in g.es["negated"]) == sum(d["negated"] for _, _, d in reference.edges(data=True)) > 0
