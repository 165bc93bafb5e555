"""Corpora for the evidence-network tests (test_graph, test_analytics, test_draw, test_browser).

Besides the curated ``data/``, the tests use their own small set of claims
quoting real sentences of papers 000 and 001 (tests/data/graph/*.yaml, ids
GX-...), so that exact counts stay fixed while the curation grows:

- ``full``: a copy of the real data/ plus those claims, built with the CLI;
  assertions on it hold for any correct curation of data/;
- ``mini``: only those claims (the real claims files removed), so exact
  counts can be asserted.

Each corpus is built once per test process.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path

from tests.conftest import SEEDS, copy_data, mark_uncurated, run_cli

GRAPH_CLAIMS = Path(__file__).parent / "data" / "graph"


@cache
def build_corpus(kind: str, root: Path) -> Path:
    """Build the ``kind`` corpus under ``root``; returns its build directory."""
    work = root / kind
    work.mkdir(parents=True)
    data = copy_data(work)
    if kind == "mini":
        for path in (data / "claims").glob("*.yaml"):
            path.unlink()
        shutil.rmtree(data / "patients", ignore_errors=True)
    for path in sorted(GRAPH_CLAIMS.glob("*.yaml")):
        shutil.copy(path, data / "claims" / path.name)
    mark_uncurated(data)
    out = work / "build"
    result = run_cli("build", "--data", data, "--sources", SEEDS, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def synthetic_projection(seed: int = 7, scale: int = 1):
    """A larger projection-shaped graph with the real entity labels, for layout tests.

    The curated data is still small; this checks that the drawing stays
    readable (no overlapping labels) when the network grows.
    """
    import random

    import networkx as nx
    from ruamel.yaml import YAML

    from jakkg.graph import graph_style

    style = graph_style()
    rng = random.Random(seed)
    entities = YAML(typ="safe").load((Path(__file__).resolve().parents[1] / "data" / "entities" / "reference.yaml").read_text(encoding="utf-8"))
    by_cat: dict[str, list[tuple[str, dict]]] = {}
    for key, e in entities.items():
        by_cat.setdefault(e["category"], []).append((key, e))
    take = {"drug": 6, "drug_class": 2, "gene": 6, "pathway": 10, "disease": 12, "phenotype": 18, "outcome_measure": 5}
    G = nx.MultiDiGraph(name="synthetic")
    layer_nodes: dict[int, list[str]] = {}
    for cat, k in take.items():
        for key, e in by_cat[cat][: k * scale]:
            G.add_node(e["curie"], label=e["label"], category=cat, category_label=cat, curie=e["curie"], iri=e["curie"],
                       verified=e.get("verified", True), layer=style.layer(cat))
            layer_nodes.setdefault(style.layer(cat), []).append(e["curie"])
    for i in range(3 * scale):
        G.add_node(f"jakdm:cohort/C{i}", label=f"Cohort {i} of a study with a long descriptive label", category="cohort",
                   category_label="cohort", curie=f"jakdm:cohort/C{i}", iri=f"c{i}", verified=True, layer=style.layer("cohort"))
        layer_nodes.setdefault(style.layer("cohort"), []).append(f"jakdm:cohort/C{i}")
    layers = sorted(layer_nodes)
    kinds = ["mechanism", "benefit", "harm", "no_change", "negated", "context"]
    for j in range(140 * scale):
        a = rng.choice(layers[:-1])
        b = rng.choice([x for x in layers if x >= a])
        u, v = rng.choice(layer_nodes[a]), rng.choice(layer_nodes[b])
        if u == v:
            continue
        kind = rng.choice(kinds)
        key = f"p{j % 5}|{kind}"
        n = rng.choice([1, 1, 1, 2, 3, 5])
        G.add_edge(u, v, key=key, predicate=f"p{j % 5}", predicate_label=f"p{j % 5}", direction="", negated=kind == "negated",
                   polarity=-1 if kind in ("negated", "harm") else 1, evidence_kind=kind, claims=[f"X{j}-{i}" for i in range(n)],
                   n_claims=n, sources=["s1"], studies=["s1"], n_sources=1, disagrees_with=[], evidence=[], dois=[], n_of_N=[])
    return G


def run_with_two_hash_seeds(command: str, graph_file: Path, out_root: Path, outputs: list[str]) -> list[str]:
    """Run ``jakkg COMMAND GRAPH_FILE --out`` in two processes with different hash seeds.

    Asserts both succeed and wrote byte-identical ``outputs``; returns their stdouts.
    """
    jakkg = Path(sys.executable).parent / "jakkg"
    stdouts = []
    for name, seed in (("a", "1"), ("b", "2")):
        done = subprocess.run([str(jakkg), command, str(graph_file), "--out", str(out_root / name)],
                              check=False, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        stdouts.append(done.stdout)
    for name in outputs:
        assert (out_root / "a" / name).read_bytes() == (out_root / "b" / name).read_bytes(), name
    return stdouts


SEED_BUILD = Path(__file__).parent / "data" / "seed-build.nq.gz"
_RENAMED = re.compile(r"(<https://w3id\.org/jakkg/jakdm/(?:claim|np|quote|cohort|patient|study)/)([^/#>]+)")
_ENDPOINT = re.compile(r"^(<[^>]*/claim/[^>]*>) (<http://www\.w3\.org/1999/02/22-rdf-syntax-ns#(?:subject|object)>) (<[^>]*>) (.*)$")
_TYPE = re.compile(r"^(<[^>]*>) <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type> (<https://w3id\.org/biolink/vocab/[^>]*>) ")


def replicate_seed_build(copies: int, swap: float = 0.25) -> str:
    """N-Quads of ``copies`` copies of the committed seed build: a large built graph in seconds.

    Copy k renames every claim, nanopublication, quote, cohort, patient and
    study IRI (``.../claim/AL19-C001`` -> ``.../claim/AL19-C001-k3``), so each
    copy is a new set of papers with their own claims; the entities are
    shared, as in a real literature. In copies after the first a fraction
    ``swap`` of the claims (chosen by a hash, so the output is deterministic)
    has its subject or object replaced by another entity of the same
    category, so the network grows new edges as well as more claims per edge.
    Used by the scale tests and to measure ``jakkg graph`` and ``draw`` at
    1k and 10k claims.
    """
    import gzip
    import hashlib

    lines = gzip.decompress(SEED_BUILD.read_bytes()).decode("utf-8").splitlines()
    same_category: dict[str, list[str]] = {}
    category_of: dict[str, str] = {}
    for line in lines:
        m = _TYPE.match(line)
        if m and "/jakdm/" not in m[1]:
            category_of[m[1]] = m[2]
            same_category.setdefault(m[2], []).append(m[1])
    for members in same_category.values():
        members.sort()
    out: list[str] = []
    for k in range(copies):
        suffix = rf"\1\2-k{k}"
        for line in lines:
            m = _ENDPOINT.match(line) if k else None
            if m and m[3] in category_of:
                digest = hashlib.sha256(f"{m[1]}|{m[2]}|{k}".encode()).digest()
                if digest[0] < 256 * swap:
                    pool = same_category[category_of[m[3]]]
                    line = f"{m[1]} {m[2]} {pool[int.from_bytes(digest[1:5], 'big') % len(pool)]} {m[4]}"
            out.append(_RENAMED.sub(suffix, line) if k else line)
    return "\n".join(out) + "\n"
