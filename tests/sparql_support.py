"""Fixtures and helpers shared by the SPARQL tests (test_query.py, test_triplestore.py).

Two graphs are queried:

- the *fixture* graph, built from ``tests/fixtures/kg`` -- a small frozen
  curation of the five papers with their own quotes and numbers, so answer
  tests can assert the papers' figures exactly;
- the *real* graph, built from ``data/`` by the shared ``built`` fixture,
  which grows while the papers are curated; tests on it compare each answer
  with what the loaded corpus says it must be.
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import Literal, URIRef

from jakkg.build import GraphBuilder, claim_iri, cohort_iri, patient_iri, study_iri
from jakkg.load import Corpus, load_corpus
from jakkg.query import OxigraphEngine, QueryResult, RdflibEngine, library

from .conftest import SEEDS, run_cli

FIXTURE_DATA = Path(__file__).parent / "fixtures" / "kg"


@dataclass
class Graphs:
    """One built graph, the corpus it was built from, and an engine of each kind on it."""

    name: str
    corpus: Corpus
    build_dir: Path
    rdflib: RdflibEngine
    oxigraph: OxigraphEngine

    @property
    def ttl(self) -> Path:
        return self.build_dir / "jakdm.ttl"

    def run(self, name: str, engine: str = "rdflib", **params: Any) -> QueryResult:
        """Run a bundled query with parameters given as rdflib terms."""
        return getattr(self, engine).run(library()[name].text, params)

    def node(self, key: str) -> URIRef:
        return GraphBuilder(self.corpus).node(key)


@pytest.fixture(scope="session")
def fixture_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """build/ made by the command line from the frozen fixture corpus."""
    out = tmp_path_factory.mktemp("fixture-build")
    result = run_cli("build", "--data", FIXTURE_DATA, "--sources", SEEDS, "--out", out)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def fixture_graphs(fixture_build: Path) -> Graphs:
    corpus = load_corpus(FIXTURE_DATA, SEEDS)
    ttl = fixture_build / "jakdm.ttl"
    return Graphs("fixture", corpus, fixture_build, RdflibEngine(ttl), OxigraphEngine(ttl))


@pytest.fixture(scope="session")
def real_graphs(corpus: Corpus, built: Path) -> Graphs:
    ttl = built / "jakdm.ttl"
    return Graphs("real", corpus, built, RdflibEngine(ttl), OxigraphEngine(ttl))


@pytest.fixture(scope="session", params=["fixture", "real"])
def graphs(request: pytest.FixtureRequest) -> Graphs:
    """Each of the two graphs in turn: answer tests must hold on both."""
    return request.getfixturevalue(f"{request.param}_graphs")


# -- an Oxigraph server for the end-to-end tests -------------------------------
def oxigraph_binary() -> str:
    """The `oxigraph` server installed with the test extras (next to this Python, or on PATH)."""
    candidate = Path(sys.executable).parent / "oxigraph"
    found = str(candidate) if candidate.is_file() else shutil.which("oxigraph")
    assert found, "the `oxigraph` server is not installed: pip install -e '.[test]' (it is in the test extras)"
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class OxigraphServer:
    """An Oxigraph server on 127.0.0.1 and a free port (in memory unless given a location), started and stopped by the tests."""

    def __init__(self, location: Path | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        where = ["--location", str(location)] if location else []
        self.process = subprocess.Popen(
            [oxigraph_binary(), "serve", *where, "--bind", f"127.0.0.1:{self.port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    err = self.process.stderr.read().decode() if self.process.stderr else ""
                    self.stop()
                    raise RuntimeError(f"oxigraph server did not start: {err[:500]}")
                time.sleep(0.05)

    @property
    def store(self) -> str:
        return f"{self.base}/store"

    @property
    def query(self) -> str:
        return f"{self.base}/query"

    def count(self, sparql: str) -> int:
        import requests

        r = requests.post(self.query, data={"query": sparql}, headers={"Accept": "application/sparql-results+json"}, timeout=30)
        r.raise_for_status()
        bindings = r.json()["results"]["bindings"]
        return int(bindings[0]["n"]["value"])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stderr:
            self.process.stderr.close()


@contextmanager
def running_server() -> Iterator[OxigraphServer]:
    """An Oxigraph server on loopback for the duration of the block, stopped whatever happens."""
    server = OxigraphServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph_server() -> Iterator[OxigraphServer]:
    with running_server() as server:
        yield server


# -- reading results --------------------------------------------------------------
def py(term: Any) -> Any:
    """A result term as a plain value: IRIs as str, numbers as Decimal, strings as str, unbound as None."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return Decimal(str(value))
        return value if isinstance(value, bool) else str(term)
    return str(term)


def rows(result: QueryResult) -> list[dict[str, Any]]:
    """Rows as {variable: plain value}, unbound variables as None."""
    return [{v: py(t) for v, t in zip(result.variables, row)} for row in result.rows]


def dec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


__all__ = [
    "FIXTURE_DATA",
    "Graphs",
    "OxigraphServer",
    "claim_iri",
    "cohort_iri",
    "dec",
    "fixture_build",
    "fixture_graphs",
    "graphs",
    "oxigraph_binary",
    "oxigraph_server",
    "patient_iri",
    "py",
    "real_graphs",
    "rows",
    "running_server",
    "study_iri",
]
