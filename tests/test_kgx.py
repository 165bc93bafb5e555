"""`jakkg export --format kgx`: Biolink KGX nodes/edges TSV, one edge per claim, read back and validated by KGX.

KGX's Validator checks every record against the Biolink Model (the schema
the biolink-model package ships; offline, see tests/kgx_support.py):
categories, predicates, required edge properties, CURIE prefixes and value
types.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from jakkg.kgx import EDGES_FILE, NODES_FILE

from .conftest import run_cli

kgx_support = pytest.importorskip("tests.kgx_support", reason="kgx and biolink-model are test extras")


@pytest.fixture(scope="module")
def exported(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kgx")
    result = run_cli("export", built / "jakdm.trig", "--format", "kgx", "--out", out)
    assert result.exit_code == 0, result.output
    assert f"wrote {out / EDGES_FILE}" in result.output
    return out


@pytest.fixture(scope="module")
def read_back(exported: Path, tmp_path_factory: pytest.TempPathFactory):
    return kgx_support.read_tsv(exported / NODES_FILE, exported / EDGES_FILE, tmp_path_factory.mktemp("kgx-read"))


def test_one_edge_per_claim_not_merged(read_back, corpus) -> None:
    _, edges, _ = read_back
    assert sorted(e["id"] for e in edges) == sorted(f"jakdm.claim:{c}" for c in corpus.claims)
    assert len({(e["subject"], e["predicate"], e["object"]) for e in edges}) < len(edges)  # claims KGX's RDF reader would merge


def test_edges_keep_negation_counts_quotes_and_publications(read_back, corpus) -> None:
    _, edges, _ = read_back
    by_id = {e["id"].split(":", 1)[1]: e for e in edges}
    for claim in corpus.claims.values():
        edge = by_id[claim.id]
        assert bool(edge.get("negated")) is claim.negated, claim.id  # written only when true: KGX reads "false" as True
        assert (edge.get("has_count") or None, edge.get("has_total") or None) == (  # KGX reads columns as text
            None if claim.n is None else str(claim.n), None if claim.N is None else str(claim.N)), claim.id
        assert sorted(edge["supporting_text"]) == sorted(q.replace("|", "\u00a6") for q in claim.quote), claim.id
        doi = corpus.all_studies()[corpus.source_of[claim.id]].doi
        assert edge["publications"] == [f"doi:{doi}"], claim.id
        assert edge["knowledge_level"] == "knowledge_assertion" and edge["agent_type"] == "manual_agent"
    assert sum(bool(e.get("negated")) for e in edges) == sum(c.negated for c in corpus.claims.values()) >= 20


def test_every_edge_end_is_a_node_with_a_biolink_category(read_back) -> None:
    nodes, edges, _ = read_back
    categories = {n["id"]: n["category"] for n in nodes}
    for edge in edges:
        for end in (edge["subject"], edge["object"]):
            assert categories.get(end) and all(c.startswith("biolink:") for c in categories[end]), end
    assert {"HGNC:6190", "MESH:D003643", "EFO:0006517", "CHEBI:95341"} <= set(categories)  # Biolink's CURIEs


def test_kgx_validator_finds_no_error_against_the_biolink_model(read_back) -> None:
    _, _, errors = read_back
    problems = {(level, kind): list(found)[:3] for level, by_kind in errors.items() if level == "ERROR"
                for kind, found in by_kind.items()}
    assert problems == {}


def test_export_is_byte_identical_run_to_run(built: Path, exported: Path, tmp_path: Path) -> None:
    assert run_cli("export", built / "jakdm.trig", "--out", tmp_path).exit_code == 0
    for name in (NODES_FILE, EDGES_FILE):
        assert (tmp_path / name).read_bytes() == (exported / name).read_bytes(), name


def test_export_of_a_missing_file_exits_2_and_names_it(tmp_path: Path) -> None:
    result = run_cli("export", tmp_path / "nowhere.trig", "--out", tmp_path)
    assert result.exit_code == 2 and "nowhere.trig" in result.output
    assert not (tmp_path / NODES_FILE).exists()
