"""End to end against a real SPARQL server: `jakkg load` into Oxigraph, every competency query over HTTP.

The test suite starts the `oxigraph` server (test extras) on 127.0.0.1 and a
free port, in memory, and stops it afterwards.
"""
# ruff: noqa: F811 -- pytest fixtures are imported from sparql_support and named as arguments
from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Graph

from jakkg.build import JAKKG
from jakkg.query import HttpEngine, QueryError, library
from jakkg.triplestore import push, read_dataset

from .conftest import run_cli
from .sparql_support import (  # noqa: F401 -- fixtures
    Graphs,
    OxigraphServer,
    claim_iri,
    fixture_build,
    fixture_graphs,
    free_port,
    oxigraph_binary,
    oxigraph_server,
    real_graphs,
    running_server,
)
from .test_query import HOSTILE_VALUES, ODD_LITERALS, labels_query

QUERIES = sorted(library())
GRAPH_COUNT = "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
QUAD_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
DEFAULT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def expected_counts(build_dir: Path) -> tuple[int, int, int]:
    ds = read_dataset(build_dir / "jakdm.trig")
    graphs = [g for g in ds.graphs() if len(g) and str(g.identifier).startswith("https://")]
    merged = Graph().parse(build_dir / "jakdm.ttl", format="turtle")
    return len(graphs), sum(len(g) for g in graphs), len(merged)


def counts(server: OxigraphServer) -> tuple[int, int, int]:
    return server.count(GRAPH_COUNT), server.count(QUAD_COUNT), server.count(DEFAULT_COUNT)


@pytest.fixture(scope="session")
def loaded_server(oxigraph_server: OxigraphServer, fixture_build: Path) -> OxigraphServer:
    """The session's Oxigraph server with the fixture graph loaded by `jakkg load`."""
    result = run_cli("load", "--endpoint", oxigraph_server.store, "--build", fixture_build)
    assert result.exit_code == 0, result.output
    graphs, quads, triples = expected_counts(fixture_build)
    assert result.output.strip() == (f"loaded {graphs} named graphs ({quads} quads) into {oxigraph_server.store}; "
                                     f"{triples} triples into the default graph")
    return oxigraph_server


@pytest.fixture(scope="session")
def real_server(built: Path) -> Iterator[OxigraphServer]:
    """A second server holding the real data/ graph."""
    with running_server() as server:
        result = run_cli("load", "--endpoint", server.store, "--build", built)
        assert result.exit_code == 0, result.output
        yield server


@pytest.fixture()
def fresh_server() -> Iterator[OxigraphServer]:
    with running_server() as server:
        yield server


# -- loading -------------------------------------------------------------------------
def test_load_puts_every_named_graph_and_the_merged_default_graph(loaded_server: OxigraphServer, fixture_build: Path):
    assert counts(loaded_server) == expected_counts(fixture_build)
    # the named graphs (from the TriG) and the default graph (from the Turtle) hold the very same triples,
    # down to the quotes that span lines of a paper
    only_named = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER NOT EXISTS { ?s ?p ?o } }"
    only_default = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER NOT EXISTS { GRAPH ?g { ?s ?p ?o } } }"
    assert loaded_server.count(only_named) == loaded_server.count(only_default) == 0
    names = {f"https://w3id.org/jakkg/jakdm/np/{c}#{part}" for c in ("LC22-C010", "A19-C11") for part in ("Head", "assertion", "provenance", "pubinfo")}
    listed = HttpEngine(loaded_server.query).run("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert names | {"https://w3id.org/jakkg/jakdm/graph/corpus"} <= {str(r[0]) for r in listed.rows}
    # the negated claim's triple is in no graph, its claim node is in its assertion graph
    ask = HttpEngine(loaded_server.query).run(
        "ASK { GRAPH <https://w3id.org/jakkg/jakdm/np/A19-C11#assertion> "
        "{ <https://w3id.org/jakkg/jakdm/claim/A19-C11> <https://w3id.org/jakkg/vocab/negated> true } }", form="ASK")
    assert ask.boolean is True


def test_loading_again_and_as_a_dataset_changes_nothing(loaded_server: OxigraphServer, fixture_build: Path):
    before = counts(loaded_server)
    again = run_cli("load", "--endpoint", loaded_server.store, "--build", fixture_build)
    assert again.exit_code == 0, again.output
    assert counts(loaded_server) == before
    dataset = run_cli("load", "--endpoint", loaded_server.store, "--build", fixture_build, "--mode", "dataset")
    assert dataset.exit_code == 0, dataset.output
    assert counts(loaded_server) == before


def test_dataset_mode_on_an_empty_store(fresh_server: OxigraphServer, fixture_build: Path):
    report = push(fresh_server.store, fixture_build / "jakdm.trig", None, mode="dataset")
    graphs, quads, _ = expected_counts(fixture_build)
    assert (report.named_graphs, report.quads, report.default_triples) == (graphs, quads, 0)
    assert counts(fresh_server) == (graphs, quads, 0)  # --no-default-graph: nothing in the default graph


def test_load_reasoned_graph_into_the_default_graph(fresh_server: OxigraphServer, fixture_build: Path, tmp_path: Path):
    build = tmp_path / "build"
    shutil.copytree(fixture_build, build)
    extra = f"\n<{claim_iri('MA-C02')}> <{JAKKG.disagreesWith}> <{claim_iri('L19-C05')}> .\n"
    (build / "jakdm-reasoned.ttl").write_text((build / "jakdm.ttl").read_text(encoding="utf-8") + extra, encoding="utf-8")
    result = run_cli("load", "--endpoint", fresh_server.store, "--build", build, "--graph", "reasoned")
    assert result.exit_code == 0, result.output
    out = run_cli("query", "disagreements", "--endpoint", fresh_server.query, "--format", "csv")
    assert out.exit_code == 0, out.output
    assert "claim/MA-C02" in out.output and len(out.output.splitlines()) == 1 + 3


def test_load_errors_are_clear(fixture_build: Path, tmp_path: Path, loaded_server: OxigraphServer):
    nobody = f"http://127.0.0.1:{free_port()}/store"
    unreachable = run_cli("load", "--endpoint", nobody, "--build", fixture_build)
    assert unreachable.exit_code == 2 and "cannot reach the store" in unreachable.output
    refused = run_cli("load", "--endpoint", loaded_server.base + "/no-such-service", "--query-endpoint", loaded_server.query,
                      "--build", fixture_build)
    assert refused.exit_code == 2 and "refused: HTTP 4" in refused.output
    missing = run_cli("load", "--endpoint", loaded_server.store, "--build", tmp_path)
    assert missing.exit_code == 2 and "file not found" in missing.output
    not_http = run_cli("load", "--endpoint", "ftp://example.org/store", "--build", fixture_build)
    assert not_http.exit_code == 2 and "http://" in not_http.output


# -- querying over HTTP -------------------------------------------------------------------
@pytest.mark.parametrize("name", QUERIES)
def test_every_query_over_http_gives_the_embedded_answer(loaded_server: OxigraphServer, fixture_graphs: Graphs, name: str):
    text = library()[name].text
    remote = HttpEngine(loaded_server.query).run(text)
    local = fixture_graphs.rdflib.run(text)
    assert remote.variables == local.variables
    assert remote.rows == local.rows
    assert remote.rows, name


@pytest.mark.parametrize("name", [n for n in QUERIES if library()[n].parameters])
def test_parameters_over_http_give_the_embedded_answer(loaded_server: OxigraphServer, fixture_graphs: Graphs, name: str):
    query = library()[name]
    full = fixture_graphs.rdflib.run(query.text)
    for p in query.parameters:
        assert p.name in full.variables, f"{name}: parameter ?{p.name} should be projected"
        value = next(v for v in full.column(p.name) if v is not None)
        local = fixture_graphs.rdflib.run(query.text, {p.name: value})
        ox = fixture_graphs.oxigraph.run(query.text, {p.name: value})
        remote = run_remote(loaded_server, name, p.name, value)
        assert local.rows, (name, p.name)
        assert local.rows == ox.rows == remote.rows
        assert len(local.rows) <= len(full.rows)
        assert all(v == value for v in local.column(p.name))


def run_remote(server: OxigraphServer, name: str, param: str, value) -> object:
    from jakkg.query import run_query

    result, _ = run_query(library()[name], bindings={param: value}, endpoint=server.query)
    return result


def test_cli_over_http_prints_what_the_embedded_engines_print(loaded_server: OxigraphServer, fixture_build: Path):
    for args in (["drug-targets", "--param", "drug=CHEBI:71200"], ["cdasi-per-patient"], ["claim-evidence", "--param", "claim=claim:LC22-C010"]):
        for fmt in ("csv", "json", "table"):
            remote = run_cli("query", *args, "--endpoint", loaded_server.query, "--format", fmt)
            local = run_cli("query", *args, "--input", fixture_build / "jakdm.ttl", "--engine", "oxigraph", "--format", fmt)
            assert remote.exit_code == 0, remote.output
            assert remote.output == local.output


def test_hostile_parameter_over_http_stays_a_literal(loaded_server: OxigraphServer, tmp_path: Path):
    q = tmp_path / "labels.rq"
    q.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?x ?label WHERE { ?x rdfs:label ?label }\n")
    result = run_cli("query", q, "--endpoint", loaded_server.query, "--format", "csv", "--param", 'label=x") } UNION { ?x ?p ?label } #')
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == ["x,label"]
    ok = run_cli("query", q, "--endpoint", loaded_server.query, "--format", "csv", "--param", "label=tofacitinib")
    assert ok.output.strip().splitlines() == ["x,label", "http://purl.obolibrary.org/obo/CHEBI_71200,tofacitinib"]


def test_grouped_query_parameters_must_be_group_keys_over_http(loaded_server: OxigraphServer, tmp_path: Path):
    q = tmp_path / "grouped.rq"
    q.write_text("SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s\n")
    bad = run_cli("query", q, "--endpoint", loaded_server.query, "--param", "p=rdfs:label")
    assert bad.exit_code == 2 and "must be a GROUP BY variable (not ?p)" in bad.output
    good = run_cli("query", q, "--endpoint", loaded_server.query, "--param", "s=CHEBI:95341", "--format", "csv")
    assert good.exit_code == 0, good.output
    assert good.output.splitlines()[1].startswith("http://purl.obolibrary.org/obo/CHEBI_95341,")


def test_real_data_over_http_gives_the_embedded_answer(real_server: OxigraphServer, real_graphs: Graphs):
    for name in QUERIES:
        text = library()[name].text
        assert HttpEngine(real_server.query).run(text).rows == real_graphs.rdflib.run(text).rows, name


def test_service_and_syntax_errors_are_refused_before_any_request(tmp_path: Path):
    nobody = f"http://127.0.0.1:{free_port()}/query"
    service = tmp_path / "s.rq"
    service.write_text("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    result = run_cli("query", service, "--endpoint", nobody)
    assert result.exit_code == 2 and "SERVICE is refused" in result.output
    broken = tmp_path / "b.rq"
    broken.write_text("SELECT ?x WHERE {\n ?x ?y\n}")
    result = run_cli("query", broken, "--endpoint", nobody)
    assert result.exit_code == 2 and "b.rq:" in result.output and "SPARQL syntax error" in result.output
    result = run_cli("query", "drug-targets", "--endpoint", nobody)
    assert result.exit_code == 2 and "cannot reach the SPARQL endpoint" in result.output
    result = run_cli("query", "drug-targets", "--endpoint", nobody, "--graph", "reasoned")
    assert result.exit_code == 2 and "jakkg load --graph reasoned" in result.output


def test_http_time_limit():
    """An endpoint that never answers: the query stops after --timeout seconds (exit 3)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(5)
        port = server.getsockname()[1]
        accepted: list[socket.socket] = []
        stop = threading.Event()

        def accept() -> None:
            server.settimeout(0.2)
            while not stop.is_set():
                try:
                    accepted.append(server.accept()[0])
                except OSError:
                    continue

        thread = threading.Thread(target=accept, daemon=True)
        thread.start()
        try:
            start = time.monotonic()
            result = run_cli("query", "drug-targets", "--endpoint", f"http://127.0.0.1:{port}/query", "--timeout", "1")
            assert time.monotonic() - start < 10
            assert result.exit_code == 3, result.output
            assert "no answer within 1 s" in result.output
        finally:
            stop.set()
            thread.join()
            for conn in accepted:
                conn.close()


def test_endpoint_errors_are_reported(loaded_server: OxigraphServer):
    with pytest.raises(QueryError, match="HTTP 4"):
        HttpEngine(loaded_server.base + "/no-such-endpoint").run("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    with pytest.raises(QueryError, match="expected an http"):
        HttpEngine("file:///etc/passwd")


def test_oxigraph_bulk_load_from_the_files_as_the_readme_says(fixture_build: Path, fixture_graphs: Graphs, tmp_path: Path):
    """README: `oxigraph load` of jakdm.trig (named graphs) and jakdm.nt (default graph), no jakkg involved."""
    db = tmp_path / "jakdm-db"
    for name in ("jakdm.trig", "jakdm.nt"):
        done = subprocess.run([oxigraph_binary(), "load", "--location", str(db), "--file", str(fixture_build / name)],
                              check=False, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
    server = OxigraphServer(db)
    try:
        assert counts(server) == expected_counts(fixture_build)
        for name in QUERIES:
            text = library()[name].text
            assert HttpEngine(server.query).run(text).rows == fixture_graphs.rdflib.run(text).rows, name
    finally:
        server.stop()


def test_benchmark_times_every_engine_and_checks_the_answers(loaded_server: OxigraphServer, fixture_build: Path):
    script = Path(__file__).resolve().parents[1] / "benchmarks" / "queries.py"
    done = subprocess.run([sys.executable, str(script), "--build", str(fixture_build), "--repeat", "1",
                           "--endpoint", loaded_server.query], check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert re.match(r"load rdflib\s+\d+\.\d+ s", lines[0]) and re.match(r"load oxigraph\s+\d+\.\d+ s", lines[1])
    assert any(line.split()[:3] == ["query", "rdflib", "oxigraph"] and line.split()[3] == "http" for line in lines)
    assert sum(1 for line in lines if line.split() and line.split()[0] in library()) == len(library())
    total = next(line for line in lines if line.startswith("whole library"))
    assert len(re.findall(r"\d+\.\d+s", total)) == 3
    assert lines[-1] == "all engines gave the same answers"


def test_readme_commands_name_real_queries_and_parameters():
    """Every `jakkg query NAME --param p=...` shown in the README exists (Koza-style: docs that cannot rot)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    shown = re.findall(r"jakkg query ([a-z][a-z0-9-]*)(?![\w.-])((?: --param [a-z]+=\S+)*)", readme)
    assert len(shown) >= 6
    for name, params in shown:
        assert name in library(), name
        for p in re.findall(r"--param ([a-z]+)=", params):
            assert library()[name].parameter(p) is not None, (name, p)


# -- a reload leaves the store equal to the build (issue 12) ------------------------------------
OWN = "https://w3id.org/jakkg/jakdm/"
FOREIGN = "https://example.org/not-jakkg"


def edited_build(fixture_build: Path, target: Path, *, drop: str | None = None, change: tuple | None = None) -> Path:
    """A copy of the fixture build without the nanopublications np/<drop>..., or with one triple changed."""
    from rdflib import Literal, URIRef

    shutil.copytree(fixture_build, target)
    ds = read_dataset(target / "jakdm.trig")
    if drop:
        for g in list(ds.graphs()):
            if str(g.identifier).startswith(f"{OWN}np/{drop}"):
                ds.remove_graph(g)
    if change:
        graph, subject, predicate, value = change
        g = ds.graph(URIRef(graph))
        g.set((URIRef(subject), URIRef(predicate), Literal(value)))
    (target / "jakdm.trig").write_text(ds.serialize(format="trig"), encoding="utf-8")
    return target


def store_graphs(server: OxigraphServer) -> dict[str, int]:
    """Every named graph of the store with its number of triples."""
    result = HttpEngine(server.query).run("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    return {str(g): int(n) for g, n in result.rows}


def build_graphs(build: Path) -> dict[str, int]:
    return {str(g.identifier): len(g) for g in read_dataset(build / "jakdm.trig").graphs() if len(g) and str(g.identifier).startswith(OWN)}


def put_foreign_graph(server: OxigraphServer) -> None:
    import requests

    r = requests.put(server.store, params={"graph": FOREIGN}, data=b"<https://example.org/a> <https://example.org/b> \"kept\" .\n",
                     headers={"Content-Type": "application/n-triples"}, timeout=30)
    assert r.status_code in (200, 201, 204)


def loaded_line(build: Path, endpoint: str) -> str:
    graphs, quads, triples = expected_counts(build)
    return f"loaded {graphs} named graphs ({quads} quads) into {endpoint}; {triples} triples into the default graph\n"


def removed_lines(graphs: dict[str, int]) -> str:
    lines = [f"removed {len(graphs)} named graphs ({sum(graphs.values())} quads) that are no longer in the build:"]
    lines += [f"  removed <{g}> ({n} quads)" for g, n in sorted(graphs.items())]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("mode", ["graphs", "dataset"])
def test_reload_removes_the_graphs_of_a_deleted_claim_and_says_so(fresh_server: OxigraphServer, fixture_build: Path,
                                                                   tmp_path: Path, mode: str):
    full = build_graphs(fixture_build)
    smaller = edited_build(fixture_build, tmp_path / "smaller", drop="LC22-C010#")
    kept = build_graphs(smaller)
    gone = {g: n for g, n in full.items() if g not in kept}
    assert sorted(gone) == [f"{OWN}np/LC22-C010#{part}" for part in ("Head", "assertion", "provenance", "pubinfo")]
    put_foreign_graph(fresh_server)
    first = run_cli("load", "--endpoint", fresh_server.store, "--build", fixture_build, "--mode", mode)
    assert first.output == loaded_line(fixture_build, fresh_server.store)
    assert store_graphs(fresh_server) == {**full, FOREIGN: 1}

    reload = run_cli("load", "--endpoint", fresh_server.store, "--build", smaller, "--mode", mode)
    assert reload.exit_code == 0, reload.output
    assert reload.output == loaded_line(smaller, fresh_server.store) + removed_lines(gone)
    assert store_graphs(fresh_server) == {**kept, FOREIGN: 1}  # equal to the build; the other graph kept
    assert counts(fresh_server)[1:] == (sum(kept.values()) + 1, expected_counts(smaller)[2])

    again = run_cli("load", "--endpoint", fresh_server.store, "--build", smaller, "--mode", mode)
    assert again.output == loaded_line(smaller, fresh_server.store)  # nothing left to remove, nothing said


def test_dataset_reload_replaces_a_changed_graph(fresh_server: OxigraphServer, fixture_build: Path, tmp_path: Path):
    """POST adds to a graph: without deleting first, a changed claim would keep its old triple next to the new."""
    from rdflib import URIRef

    pubinfo, line = f"{OWN}np/LC22-C010#pubinfo", "https://w3id.org/jakkg/vocab/curationLine"
    ask = f"SELECT ?s ?line WHERE {{ GRAPH <{pubinfo}> {{ ?s <{line}> ?line }} }} ORDER BY ?s"
    engine = HttpEngine(fresh_server.query)
    assert run_cli("load", "--endpoint", fresh_server.store, "--build", fixture_build, "--mode", "dataset").exit_code == 0
    old = [(str(s), str(n)) for s, n in engine.run(ask).rows]
    assert old and "99999" not in dict(old).values()
    subject = old[0][0]
    changed = edited_build(fixture_build, tmp_path / "changed", change=(pubinfo, subject, line, "99999"))
    assert (URIRef(subject), URIRef(line), None) in read_dataset(changed / "jakdm.trig").graph(URIRef(pubinfo))
    result = run_cli("load", "--endpoint", fresh_server.store, "--build", changed, "--mode", "dataset")
    assert result.output == loaded_line(changed, fresh_server.store)
    assert [(str(s), str(n)) for s, n in engine.run(ask).rows] == [(subject, "99999"), *old[1:]]
    assert store_graphs(fresh_server) == build_graphs(changed)


def test_load_needs_the_query_service_of_an_unknown_store_before_writing(fresh_server: OxigraphServer, fixture_build: Path):
    unknown = fresh_server.base + "/store?x=1"
    refused = run_cli("load", "--endpoint", unknown, "--build", fixture_build)
    assert refused.exit_code == 2
    assert refused.output == (f"error: --endpoint {unknown}: cannot tell where this store answers SPARQL queries, which "
                              "`jakkg load` asks which graphs of claims no longer in the build to remove; give --query-endpoint URL\n")
    assert counts(fresh_server) == (0, 0, 0)  # nothing was sent
    given = run_cli("load", "--endpoint", unknown, "--query-endpoint", fresh_server.query, "--build", fixture_build)
    assert given.exit_code == 0, given.output
    assert counts(fresh_server) == expected_counts(fixture_build)
    wrong = run_cli("load", "--endpoint", fresh_server.store, "--query-endpoint", fresh_server.base + "/nothing-here",
                    "--build", fixture_build)
    assert wrong.exit_code == 2 and "listing jakkg's graphs refused: HTTP 4" in wrong.output


# -- hostile and odd values on all three engines (issue 12) ------------------------------------------
@pytest.mark.parametrize("value, message", HOSTILE_VALUES)
def test_hostile_values_are_refused_alike_by_all_three_engines(loaded_server: OxigraphServer, fixture_build: Path,
                                                               tmp_path: Path, value: str, message: str):
    q = labels_query(tmp_path)
    where = {"rdflib": ["--input", fixture_build / "jakdm.ttl", "--engine", "rdflib"],
             "oxigraph": ["--input", fixture_build / "jakdm.ttl", "--engine", "oxigraph"],
             "http": ["--endpoint", loaded_server.query]}
    for engine, args in where.items():
        result = run_cli("query", q, *args, "--format", "csv", "--param", f"label={value}")
        assert (result.exit_code, result.output) == (2, f"error: {message}\n"), engine


@pytest.mark.parametrize("value", ODD_LITERALS + ["tofacitinib", '"tofacitinib"^^xsd:string'])
def test_odd_values_give_the_same_answer_on_all_three_engines(loaded_server: OxigraphServer, fixture_build: Path,
                                                              tmp_path: Path, value: str):
    q = labels_query(tmp_path)
    outputs = {run_cli("query", q, *args, "--format", "csv", "--param", f"label={value}").output
               for args in (["--input", fixture_build / "jakdm.ttl", "--engine", "rdflib"],
                            ["--input", fixture_build / "jakdm.ttl", "--engine", "oxigraph"],
                            ["--endpoint", loaded_server.query])}
    rows = "" if value in ODD_LITERALS else "http://purl.obolibrary.org/obo/CHEBI_71200,tofacitinib\n"
    assert outputs == {"x,label\n" + rows}


def test_select_star_has_the_query_order_over_http(loaded_server: OxigraphServer, fixture_build: Path, tmp_path: Path):
    q = tmp_path / "star.rq"
    q.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                 "SELECT * WHERE { ?x rdfs:label ?label . ?x a ?cls } ORDER BY ?x ?cls LIMIT 3\n")
    remote = run_cli("query", q, "--endpoint", loaded_server.query, "--format", "csv")
    local = run_cli("query", q, "--input", fixture_build / "jakdm.ttl", "--engine", "oxigraph", "--format", "csv")
    assert remote.exit_code == 0, remote.output
    assert remote.output == local.output
    assert remote.output.splitlines()[0] == "x,label,cls"


def test_a_long_list_of_removed_graphs_is_cut_short(fresh_server: OxigraphServer, fixture_build: Path, tmp_path: Path):
    from jakkg.cli import MAX_LISTED

    smaller = edited_build(fixture_build, tmp_path / "smaller", drop="A19-C")  # every claim of paper A19
    kept = build_graphs(smaller)
    gone = {g: n for g, n in build_graphs(fixture_build).items() if g not in kept}
    assert len(gone) > MAX_LISTED
    assert run_cli("load", "--endpoint", fresh_server.store, "--build", fixture_build).exit_code == 0
    result = run_cli("load", "--endpoint", fresh_server.store, "--build", smaller)
    listed = removed_lines(gone).splitlines()
    assert result.output.splitlines()[1:] == [*listed[:MAX_LISTED], f"  ... and {len(gone) - MAX_LISTED + 1} more"]
    assert store_graphs(fresh_server) == kept
