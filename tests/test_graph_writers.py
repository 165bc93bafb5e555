"""The fast GraphML, GEXF and node-link JSON writers write networkx's and json's bytes (issue 10: `jakkg graph` at 100k claims).

:func:`jakkg.graph.fast_graphml_lines` and :func:`jakkg.graph.fast_gexf_lines`
build from strings the documents networkx builds through ElementTree. They
must never differ: every test here compares them with networkx's own output
(:func:`networkx_graphml_lines`, :func:`networkx_gexf_lines`) on values that
XML escaping, US-ASCII character references, line splitting and GEXF's
special attributes treat differently, on many random graphs of such values,
and on the real seed projection; graphs the fast writers do not mirror must
be handed to networkx (None), never written differently. The node-link
JSON's :func:`jakkg.graph.indented_json` is compared with ``json.dumps``
the same way.
"""
from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

import networkx as nx
import pytest

from jakkg.graph import (
    XML_DECLARATION,
    fast_gexf_lines,
    fast_graphml_lines,
    flatten,
    gexf_text,
    graphml_text,
    indented_json,
    load_projection,
    networkx_gexf_lines,
    networkx_graphml_lines,
    nodelink_text,
)

SEED_BUILD = Path(__file__).parent / "data" / "seed-build.nq.gz"

# Strings that escaping, character references and line splitting each treat in their own way.
AWKWARD = [
    "", " ", "  ", "plain", "a&b", "<tag>", "a > b", 'say "hi"', "it's", "&amp;", "]]>", "café", "naïve—dash",
    "emoji \U0001F600", "中文", "tab\there", "new\nline", "cr\rreturn", "crlf\r\nend", "ff\x0cfeed", "vt\x0bx",
    "sep\x1c\x1d\x1e", "nel\x85x", "ls\u2028ps\u2029", "ctl\x01", "trailing ", "x; y", '{"json": [1, 2]}',
]
NUMBERS = [0, -3, 2 ** 40, 1.5, 0.1, -0.0, 1e-05, 1e16, 123456789.123, float("inf"), float("-inf"), float("nan")]
VALUES = AWKWARD + NUMBERS + [True, False]
NAMES = ["label", "category", "n", "weird name", "naïve", "a&b", "<k>", 'q"', "x-1", "negated"]


def norm(text: str) -> str:
    """GEXF names the day it was written; two writers called either side of midnight still agree."""
    return re.sub(r'lastmodifieddate="[^"]*"', 'lastmodifieddate=""', text)


def assert_same(G: nx.MultiDiGraph) -> None:
    """Both fast writers took the graph and wrote networkx's text."""
    graphml = fast_graphml_lines(G)
    assert graphml is not None
    assert graphml == networkx_graphml_lines(G)
    gexf = fast_gexf_lines(G)
    assert gexf is not None
    assert norm(gexf) == norm(networkx_gexf_lines(G))


def awkward_graph() -> nx.MultiDiGraph:
    G = nx.MultiDiGraph(name="a <name> & \"quotes\" é")
    for i, text in enumerate(AWKWARD):
        G.add_node(f"n{i}:{text}", label=text, category=text, layer=i, weight_like=i * 0.5, verified=i % 2 == 0)
    G.add_node("bare")  # no attributes: <node ... />
    nodes = list(G)
    for i, value in enumerate(VALUES):
        G.add_edge(nodes[i % len(nodes)], nodes[(i * 7 + 1) % len(nodes)], key=f"k{i}|{AWKWARD[i % len(AWKWARD)]}",
                   value=value, text=AWKWARD[(i * 3) % len(AWKWARD)], flag=bool(i % 3))
    G.add_edge("bare", "bare", key="loop")  # an edge without attributes
    return G


def test_awkward_values_flattened_as_the_export_does() -> None:
    assert_same(flatten(awkward_graph()))


def test_awkward_values_as_they_are() -> None:
    G = awkward_graph()
    for i, (_, _, d) in enumerate(G.edges(data=True)):
        d["id"] = f"edge {i} & <id>"  # GEXF takes the id from here, as flatten gives it
    assert_same(G)


@pytest.mark.parametrize("seed", range(40))
def test_random_graphs_of_awkward_values(seed: int) -> None:
    rng = random.Random(seed)
    G = nx.MultiDiGraph(**({"name": rng.choice(AWKWARD)} if rng.random() < 0.8 else {}))
    if rng.random() < 0.3:
        G.graph[rng.choice(["source", "é", "n"])] = rng.choice(VALUES)
    ids = rng.sample(AWKWARD, rng.randint(0, 12)) + [rng.randint(0, 5)] * (rng.random() < 0.3)
    for n in ids:
        G.add_node(n, **{name: rng.choice(VALUES) for name in rng.sample(NAMES, rng.randint(0, 5))})
    for i in range(rng.randint(0, 30) if ids else 0):
        attrs = {name: rng.choice(VALUES) for name in rng.sample(NAMES[1:], rng.randint(0, 6))}
        G.add_edge(rng.choice(ids), rng.choice(ids), key=rng.choice(AWKWARD + [i]), **attrs)
    assert_same(flatten(G))


def test_empty_graphs() -> None:
    assert_same(nx.MultiDiGraph())
    assert_same(nx.MultiDiGraph(name="no edges", extra=1.5))
    G = nx.MultiDiGraph()
    G.add_node("alone")
    assert_same(G)


@pytest.mark.parametrize("change", [
    lambda G: G.graph.update(id="g1"),                      # GraphML: networkx pops it into <graph id>
    lambda G: G.graph.update(node_default={"n": 1}),        # default values in the keys
    lambda G: G.add_node("x", listed=[1, 2]),              # a list: GraphML refuses it, GEXF writes it as dynamic
    lambda G: G.add_node("x", tupled=(1, 2)),              # a type neither writer knows
])
def test_graphs_the_fast_writers_do_not_mirror_go_to_networkx(change) -> None:
    G = flatten(awkward_graph())
    change(G)
    assert fast_graphml_lines(G) is None or fast_gexf_lines(G) is None
    for fast, reference in ((fast_graphml_lines, networkx_graphml_lines), (fast_gexf_lines, networkx_gexf_lines)):
        if fast(G) is None:
            continue
        assert norm(fast(G)) == norm(reference(G))


@pytest.mark.parametrize("attrs", [{"viz": {"size": 3}}, {"start": 1}, {"pid": "p"}, {"id": "other"}, {"parents": []}])
def test_gexf_special_node_attributes_go_to_networkx(attrs: dict) -> None:
    G = flatten(awkward_graph())
    G.add_node("special", **attrs)
    assert fast_gexf_lines(G) is None
    graphml = fast_graphml_lines(G)  # None for the dict of viz, which networkx's GraphML refuses
    assert graphml is None or graphml == networkx_graphml_lines(G)


def test_gexf_edges_without_id_or_with_special_attributes_go_to_networkx() -> None:
    G = awkward_graph()  # not flattened: no edge ids
    assert fast_gexf_lines(G) is None
    H = flatten(awkward_graph())
    H.add_edge("bare", "bare", key="w", id="w1", weight=2.0)
    assert fast_gexf_lines(H) is None


def test_seed_projection_exports_equal_networkx(tmp_path: Path) -> None:
    """On the real seed projection, the text `jakkg graph` writes is networkx's, and the fast path took it."""
    nq = tmp_path / "seed.nq"
    nq.write_bytes(gzip.decompress(SEED_BUILD.read_bytes()))
    G = load_projection(nq)
    flat = flatten(G)
    assert fast_graphml_lines(flat) is not None and fast_gexf_lines(flat) is not None
    assert graphml_text(G, flat) == XML_DECLARATION + networkx_graphml_lines(flat) + "\n"
    reference = XML_DECLARATION + networkx_gexf_lines(flat) + "\n"
    assert gexf_text(G, flat) == re.sub(r'<meta lastmodifieddate="[^"]*">', "<meta>", reference, count=1)


# -- node-link JSON: indented_json against json.dumps --------------------------------------------
def random_json(rng: random.Random, depth: int = 0) -> object:
    """A random nested value of what json writes: dicts, lists, tuples, strings, numbers, booleans, None."""
    pick = rng.random()
    if depth > 4 or pick < 0.45:
        return rng.choice(VALUES + [None, 7, -12345678901234567890, 3.0, 2.5e-300, True])
    if pick < 0.7:
        return {rng.choice(AWKWARD + NAMES): random_json(rng, depth + 1) for _ in range(rng.randint(0, 6))}
    items = [random_json(rng, depth + 1) for _ in range(rng.randint(0, 6))]
    return tuple(items) if rng.random() < 0.2 else items


def dumps(value: object) -> str:
    return json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)


@pytest.mark.parametrize("seed", range(60))
def test_indented_json_is_json_dumps(seed: int) -> None:
    value = random_json(random.Random(seed))
    assert indented_json(value) == dumps(value)


def test_indented_json_edge_cases() -> None:
    class Count(int):  # json writes int.__repr__ of it, not its own repr or str
        def __repr__(self) -> str:
            return "Count(3)"

        __str__ = __repr__

    class Text(str):
        pass

    for value in ([], {}, [[]], {"a": {}}, [{}, [], ""], "top", 5, None, True, float("nan"), [Count(3), Text("t<\">")],
                  {"z": 1, "a": [1.0, -0.0, 1e16, 1e-05], "é": {"\x00": "\u2028"}}):
        assert indented_json(value) == dumps(value), value
    with pytest.raises(TypeError):
        indented_json({1: "a non-str key: json converts it, nodelink_text falls back to json"})
    with pytest.raises(TypeError):
        indented_json({"a": {1, 2}})


def test_nodelink_of_the_seed_projection_is_json_dumps(tmp_path: Path) -> None:
    nq = tmp_path / "seed.nq"
    nq.write_bytes(gzip.decompress(SEED_BUILD.read_bytes()))
    G = load_projection(nq)
    assert nodelink_text(G) == dumps(nx.node_link_data(G, edges="edges")) + "\n"


@pytest.mark.parametrize("text", ["ascii only", "ascii\x0cform feed", "ascii\rreturn", "ascii\r\ncrlf", "ends\n", "non-ascii é", "é\x1d"])
def test_line_splitting_and_character_references_only_where_they_change_something(text: str) -> None:
    """The fast writers skip US-ASCII conversion and line splitting when the document needs neither."""
    G = nx.MultiDiGraph(name=text)
    G.add_node(text, label=text, other=f"{text}!")
    G.add_edge(text, text, key=text, id=text, note=text)
    assert_same(G)
