"""The networkx projection: counts against SPARQL, the mapping, exports and the CLI."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import networkx as nx
import pytest

from jakkg.graph import EXPORTS, edge_key, flatten, load_projection, project, read_export, write_exports
from jakkg.validate import read_dataset
from tests.conftest import SEEDS, run_cli
from tests.graph_support import build_corpus, run_with_two_hash_seeds

SEED_BUILD = Path(__file__).parent / "data" / "seed-build.nq.gz"
# jakdm.nodelink.json of SEED_BUILD, written by the per-claim rdflib projection before the one-pass
# Oxigraph projection replaced it: the rewrite must give the same graph, byte for byte.
SEED_SNAPSHOT = Path(__file__).parent / "data" / "seed-graph.nodelink.json.gz"

PREFIXES = """
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus("full", tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def mini(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_corpus("mini", tmp_path_factory.getbasetemp())


def sparql_counts(path: Path) -> dict[str, int]:
    """What the projection should hold, counted by SPARQL on the built file itself."""
    ds = read_dataset(path)

    def one(q: str) -> int:
        return int(next(iter(ds.query(PREFIXES + q)))[0])

    counts = {
        "nodes": one("SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?x a jakkg:Claim . { ?x rdf:subject ?n } UNION { ?x rdf:object ?n } }"),
        "claims": one("SELECT (COUNT(DISTINCT ?x) AS ?c) WHERE { ?x a jakkg:Claim }"),
        "negated": one("SELECT (COUNT(DISTINCT ?x) AS ?c) WHERE { ?x a jakkg:Claim ; jakkg:negated true }"),
        "cohorts": one("SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?x a jakkg:Claim . { ?x rdf:subject ?n } UNION { ?x rdf:object ?n } ?n a jakkg:Cohort }"),
        "papers": one("SELECT (COUNT(DISTINCT ?p) AS ?c) WHERE { ?x a jakkg:Claim ; dcterms:source ?p }"),
    }
    rows = ds.query(PREFIXES + """
        SELECT DISTINCT ?s ?p ?o ?d ?neg WHERE {
          ?x a jakkg:Claim ; rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; jakkg:negated ?neg .
          OPTIONAL { ?x jakkg:direction ?d } }""")
    counts["edges"] = len(list(rows))
    return counts


@pytest.mark.parametrize("kind", ["full", "mini"])
@pytest.mark.parametrize("fmt", ["jakdm.trig", "jakdm.ttl"])
def test_projection_counts_equal_sparql_counts(kind: str, fmt: str, request: pytest.FixtureRequest) -> None:
    path = request.getfixturevalue(kind) / fmt
    G = load_projection(path)
    want = sparql_counts(path)
    edges = list(G.edges(data=True))
    assert G.number_of_nodes() == want["nodes"]
    assert G.number_of_edges() == want["edges"]
    assert sum(d["n_claims"] for _, _, d in edges) == want["claims"]
    assert sum(d["n_claims"] for _, _, d in edges if d["negated"]) == want["negated"]
    assert sum(1 for _, d in G.nodes(data=True) if d["category"] == "cohort") == want["cohorts"]
    assert len({p for _, _, d in edges for p in d["sources"]}) == want["papers"]


def test_real_data_projection_matches_sparql(built: Path) -> None:
    """The projection of the real build (whatever has been curated) agrees with SPARQL."""
    G = load_projection(built / "jakdm.trig")
    want = sparql_counts(built / "jakdm.trig")
    assert (G.number_of_nodes(), G.number_of_edges(), sum(d["n_claims"] for _, _, d in G.edges(data=True))) == (
        want["nodes"], want["edges"], want["claims"])
    every_claim = [c for _, _, d in G.edges(data=True) for c in d["claims"]]
    assert len(every_claim) == len(set(every_claim)), "a claim sits on exactly one edge"


def test_mini_corpus_exact_shape(mini: Path) -> None:
    G = load_projection(mini / "jakdm.trig")
    assert (G.number_of_nodes(), G.number_of_edges()) == (23, 27)
    assert sum(d["n_claims"] for _, _, d in G.edges(data=True)) == 30


def test_nodes_carry_curie_label_category(full: Path) -> None:
    G = load_projection(full / "jakdm.trig")
    bari = G.nodes["CHEBI:95341"]
    assert (bari["label"], bari["category"], bari["curie"]) == ("baricitinib", "drug", "CHEBI:95341")
    assert bari["iri"] == "http://purl.obolibrary.org/obo/CHEBI_95341"
    assert G.nodes["HGNC:6192"]["category"] == "gene"
    assert G.nodes["GO:0060396"]["category"] == "pathway"
    assert G.nodes["jakkg:CDASI"]["verified"] is False
    cohort = G.nodes["jakdm:cohort/GX-LC19-MDA5"]
    assert cohort["category"] == "cohort" and cohort["label"].startswith("Adult anti-MDA5")
    assert G.has_edge("jakdm:cohort/GX-LC19-MDA5", "HP:0002878", "has_phenotype")


def test_edges_keep_evidence_back_to_the_quote(full: Path) -> None:
    G = load_projection(full / "jakdm.trig")
    e = G.edges["HGNC:6192", "GO:0060396", "involved_in"]
    assert {"GX-000-08", "GX-001-03"} <= set(e["claims"])
    assert {"allenbach-2019", "landon-cardinal-2019"} <= set(e["sources"])
    assert {"10.1093/brain/awz006", "10.1093/brain/awz294"} <= set(e["dois"])
    assert e["n_sources"] >= 2 and e["n_claims"] == len(e["claims"])
    assert "one must consider that JAK2 also transduces the growth hormone signals" in e["quotes"]
    rec = next(r for r in e["evidence"] if r["claim"] == "GX-000-08")
    assert rec["doi"] == "10.1093/brain/awz006" and rec["paper"] == "allenbach-2019"
    q = rec["quotes"][0]
    seed = SEEDS / "000_318a5eed6a80bcdd.txt"
    assert seed.read_text(encoding="utf-8")[q["start"]:q["end"]] == q["text"], "offsets point at the quote in the paper"


def test_attributed_study_n_of_N_and_direction(mini: Path) -> None:
    G = load_projection(mini / "jakdm.trig")
    e = G.edges["CHEBI:71200", "jakkg:IMACSDefinitionOfImprovement", "ameliorates|improved"]
    assert e["attributed_to"] == ["paik-2018"] and e["studies"] == ["paik-2018"] and e["sources"] == ["allenbach-2019"]
    assert e["n_of_N"] == ["9/9"] and e["direction"] == "improved" and e["polarity"] == 1
    assert e["evidence"][0]["n"] == 9 and e["evidence"][0]["N"] == 9
    # improved and worsened evidence on the same pair stay apart
    keys = set(G["MESH:D000075242"]["MONDO:1010064"])
    assert keys == {"ameliorates|improved", "ameliorates|worsened"}
    assert G.edges["MESH:D000075242", "MONDO:1010064", "ameliorates|worsened"]["populations"] == ["jakdm:cohort/GX-LC19-MDA5"]


def test_independent_sources_count_the_credited_study_once(mini: Path) -> None:
    """Two claims read in one letter but credited to one study are one source; two papers are two."""
    G = load_projection(mini / "jakdm.trig")
    assert G.edges["HGNC:6192", "GO:0060396", "involved_in"]["n_sources"] == 2
    assert G.edges["CHEBI:71200", "HGNC:6190", "inhibits"]["n_sources"] == 2
    assert G.edges["CHEBI:95341", "HGNC:6192", "inhibits"]["n_sources"] == 1


def test_negated_claims_are_edges_marked_negated(mini: Path) -> None:
    G = load_projection(mini / "jakdm.trig")
    e = G.edges["CHEBI:95341", "MONDO:0005609", "has_adverse_event|not_observed|negated"]
    assert e["negated"] is True and e["polarity"] == -1 and e["evidence_kind"] == "negated"
    assert not G.has_edge("CHEBI:95341", "MONDO:0005609", "has_adverse_event"), "never a positive edge"
    # "failed to improve" and "no progression" of calcinosis are two edges, neither positive
    calc = G["MESH:D000075242"]["HP:0003761"]
    assert set(calc) == {"ameliorates|negated", "ameliorates|no_progression"}
    assert calc["ameliorates|negated"]["negated"] is True


def test_edge_key_format() -> None:
    assert edge_key("inhibits", None, False) == "inhibits"
    assert edge_key("has_adverse_event", "not_observed", True) == "has_adverse_event|not_observed|negated"


def graphs_equal(a: nx.MultiDiGraph, b: nx.MultiDiGraph) -> None:
    assert a.graph.get("name") == b.graph.get("name")
    assert dict(a.nodes(data=True)) == dict(b.nodes(data=True))
    assert sorted(a.edges(keys=True, data=True), key=repr) == sorted(b.edges(keys=True, data=True), key=repr)


@pytest.mark.parametrize("kind", ["full", "mini"])
def test_exports_round_trip(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    G = load_projection(request.getfixturevalue(kind) / "jakdm.trig")
    paths = write_exports(G, tmp_path)
    assert set(paths) == {"graphml", "gexf", "nodelink"}
    graphs_equal(read_export(paths["nodelink"]), G)
    flat = flatten(G)
    graphs_equal(read_export(paths["graphml"]), flat)
    graphs_equal(read_export(paths["gexf"]), flat)
    # the flat attributes are scalars, lists '; '-joined, evidence kept as JSON
    e = read_export(paths["graphml"]).edges["HGNC:6192", "GO:0060396", "involved_in"]
    assert "GX-000-08; GX-001-03" in e["claims"]
    assert {r["claim"] for r in json.loads(e["evidence_json"])} >= {"GX-000-08", "GX-001-03"}


def test_flatten_serialises_lists_deterministically() -> None:
    G = nx.MultiDiGraph(name="t")
    G.add_node("a", label="A", tags=["x", "y"])
    G.add_node("b", label="B", empty=[], none=None)
    G.add_edge("a", "b", key="k", claims=["c1", "c2"], evidence=[{"z": 1, "a": [1, 2]}], negated=False)
    H = flatten(G)
    assert H.nodes["a"]["tags"] == "x; y"
    assert "empty" not in H.nodes["b"] and "none" not in H.nodes["b"]
    e = H.edges["a", "b", "k"]
    assert e["claims"] == "c1; c2" and e["evidence_json"] == '[{"a":[1,2],"z":1}]' and e["negated"] is False and e["id"] == "e1"


def test_cli_graph_writes_exports_deterministically(full: Path, tmp_path: Path) -> None:
    """Two runs in separate processes with different hash seeds give byte-identical files."""
    stdouts = run_with_two_hash_seeds("graph", full / "jakdm.trig", tmp_path, list(EXPORTS.values()))
    assert all("evidence network:" in out for out in stdouts)
    assert (tmp_path / "a" / EXPORTS["graphml"]).read_text(encoding="utf-8").startswith('<?xml version="1.0" encoding="utf-8"?>')
    G = read_export(tmp_path / "a" / EXPORTS["nodelink"])
    assert G.number_of_nodes() == load_projection(full / "jakdm.trig").number_of_nodes()


def test_cli_graph_defaults_to_out_dir_trig(full: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    out.mkdir()
    (out / "jakdm.trig").write_bytes((full / "jakdm.trig").read_bytes())
    result = run_cli("graph", "--out", out)
    assert result.exit_code == 0, result.output
    assert all((out / name).is_file() for name in EXPORTS.values())


def test_cli_summary_alone_writes_nothing(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("graph", mini / "jakdm.trig", "--summary")
    assert result.exit_code == 0, result.output
    assert "Mechanistic paths" in result.output
    assert not (tmp_path / "build").exists()


def test_cli_missing_graph_file_is_a_clear_error(tmp_path: Path) -> None:
    result = run_cli("graph", tmp_path / "nope.trig", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "nope.trig: file not found" in result.output
    assert not (tmp_path / "out").exists()


def test_failed_export_leaves_earlier_outputs(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    G = load_projection(mini / "jakdm.trig")
    write_exports(G, tmp_path)
    before = {name: (tmp_path / name).read_bytes() for name in EXPORTS.values()}
    import jakkg.graph as graph_module

    def broken(_: nx.MultiDiGraph) -> str:
        raise RuntimeError("disk full")

    monkeypatch.setattr(graph_module, "nodelink_text", broken)
    G.remove_node("CHEBI:95341")
    with pytest.raises(RuntimeError):
        write_exports(G, tmp_path)
    assert {name: (tmp_path / name).read_bytes() for name in EXPORTS.values()} == before
    assert not list(tmp_path.glob(".*.tmp")), "no temporary files left behind"


def test_project_small_graph_built_in_the_test() -> None:
    """A two-claim graph written by hand: one positive, one negated claim on the same pair."""
    import pyoxigraph

    ttl = """
    @prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
    @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
    @prefix dcterms: <http://purl.org/dc/terms/> .
    @prefix jakkg: <https://w3id.org/jakkg/vocab/> .
    @prefix biolink: <https://w3id.org/biolink/vocab/> .
    @prefix obo: <http://purl.obolibrary.org/obo/> .
    @prefix c: <https://w3id.org/jakkg/jakdm/claim/> .
    @prefix s: <https://w3id.org/jakkg/jakdm/study/> .
    obo:CHEBI_1 a biolink:Drug ; rdfs:label "drug one" ; dcterms:identifier "CHEBI:1" ; jakkg:curationKey "d1" .
    obo:HP_1 a biolink:PhenotypicFeature ; rdfs:label "pheno" ; dcterms:identifier "HP:0000001" ; jakkg:curationKey "p1" .
    s:p1 a jakkg:Study , jakkg:SourcePaper ; rdfs:label "Paper 1" .
    c:A a jakkg:Claim ; rdf:subject obo:CHEBI_1 ; rdf:predicate obo:RO_0003307 ; rdf:object obo:HP_1 ;
        jakkg:negated false ; jakkg:direction jakkg:Improved ; dcterms:source s:p1 .
    c:B a jakkg:Claim ; rdf:subject obo:CHEBI_1 ; rdf:predicate obo:RO_0003307 ; rdf:object obo:HP_1 ;
        jakkg:negated true ; dcterms:source s:p1 ; jakkg:disagreesWith c:A .
    """
    store = pyoxigraph.Store()
    store.load(ttl.encode(), format=pyoxigraph.RdfFormat.TURTLE)
    G = project(store)
    assert sorted(G.nodes) == ["CHEBI:1", "HP:0000001"]
    assert sorted(G["CHEBI:1"]["HP:0000001"]) == ["ameliorates|improved", "ameliorates|negated"]
    neg = G.edges["CHEBI:1", "HP:0000001", "ameliorates|negated"]
    pos = G.edges["CHEBI:1", "HP:0000001", "ameliorates|improved"]
    assert neg["negated"] and not pos["negated"]
    assert pos["disagrees_with"] == ["B"], "disagreesWith is symmetric even when written one way"
    assert neg["sources"] == ["p1"] and neg["n_sources"] == 1


def seed_build_file(tmp_path: Path) -> Path:
    """The committed seed build, unpacked (the CLI reads .nq)."""
    nq = tmp_path / "seed.nq"
    nq.write_bytes(gzip.decompress(SEED_BUILD.read_bytes()))
    return nq


def test_projection_of_the_seed_build_equals_the_snapshot(tmp_path: Path) -> None:
    """`jakkg graph` on the seed build writes the node-link JSON of the snapshot, byte for byte."""
    result = run_cli("graph", seed_build_file(tmp_path), "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    assert "140 nodes, 264 edges, 338 claims" in result.output
    written = (tmp_path / "out" / EXPORTS["nodelink"]).read_text(encoding="utf-8")
    snapshot = gzip.decompress(SEED_SNAPSHOT.read_bytes()).decode("utf-8")
    if written != snapshot:  # name the first edge or node that differs rather than a byte offset
        new, old = json.loads(written), json.loads(snapshot)
        for part in ("nodes", "edges"):
            for a, b in zip(new[part], old[part]):
                assert a == b, f"first differing {part[:-1]}"
            assert len(new[part]) == len(old[part]), part
    assert written == snapshot


def test_decimals_stay_floats_and_counts_ints(tmp_path: Path) -> None:
    """Oxigraph writes the decimal 50.0 as "50"; the projection still gives 50.0 (as rdflib did), and n/N stay ints."""
    G = load_projection(seed_build_file(tmp_path))
    records = [r for _, _, d in G.edges(data=True) for r in d["evidence"]]
    percentages = [r["percentage"] for r in records if "percentage" in r]
    assert percentages and all(isinstance(p, float) for p in percentages)
    assert 50.0 in percentages
    assert all(isinstance(r["n"], int) and isinstance(r["N"], int) for r in records if "n" in r and "N" in r)


def test_unparseable_graph_file_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:a ex:b .\n", encoding="utf-8")
    result = run_cli("graph", bad, "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and "bad.ttl:3:" in line and "cannot parse as turtle" in line
    assert not (tmp_path / "out").exists(), "nothing written"
