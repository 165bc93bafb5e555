"""Disagreements found by the graph (issue 14): each rule on the seed corpus, the verdicts and the command line."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from jakkg.disagree import compare, read_rejected, rule_files, run_rules
from jakkg.store import load_store

from .conftest import run_cli


@pytest.fixture(scope="module")
def seed_store(built: Path):
    return load_store(built / "jakdm.trig")


def pairs(candidates, rule: str) -> set[tuple[str, str]]:
    return {(c.a.rsplit("/", 1)[1], c.b.rsplit("/", 1)[1]) for c in candidates if c.rule == rule}


def test_three_rules_ship_as_sparql_files() -> None:
    assert [p.stem for p in rule_files()] == ["different-targets", "opposite-direction", "same-study-different-facts"]


def test_same_study_rule_finds_the_aeschlimann_case(seed_store) -> None:
    """000 says Aeschlimann et al.'s JDM case improved on ruxolitinib, 001 on baricitinib."""
    assert pairs(run_rules(seed_store), "same-study-different-facts") == {("AL19-C023", "LC19-C008")}


def test_target_rule_finds_tofacitinib(seed_store) -> None:
    """000: tofacitinib inhibits JAK1/2/3; 001: JAK1/3 -- 000's JAK2 claim against each of 001's targets."""
    assert pairs(run_rules(seed_store), "different-targets") == {("AL19-C029", "LC19-C001"), ("AL19-C029", "LC19-C002")}


def test_opposite_direction_works_at_class_level(seed_store) -> None:
    found = run_rules(seed_store)
    calcinosis = pairs(found, "opposite-direction")
    assert {("AL19-C068", "LC19-C042"), ("AL19-C069", "LC19-C042")} <= calcinosis, "two JAK inhibitors, calcinosis"
    levels = {c.detail.split(";")[0] for c in found if c.rule == "opposite-direction"}
    assert levels == {"level=same subject", "level=class and member", "level=two JAK inhibitors"}
    # never the same study, never a juvenile against an adult population
    for c in found:
        if c.rule == "opposite-direction":
            fields = dict(kv.split("=", 1) for kv in c.detail.split("; "))
            assert fields["studyA"] != fields["studyB"] and fields["signA"] != fields["signB"]


def test_curated_links_are_compared(seed_store, tmp_path: Path) -> None:
    rejected = tmp_path / "rejected.yaml"
    rejected.write_text("- claims: [LC19-C042, DI21-C046]\n  reason: not a pair\n"
                        "- claims: [MA-C051, DI21-C046]\n  reason: different patients, both can be true\n")
    rows, counts = compare(seed_store, rejected)
    assert counts == {"candidates": 12, "confirmed": 5, "rejected": 1, "curated": 7, "curated missed": 2}
    verdicts = {(r["claim_a"], r["claim_b"]): r["verdict"] for r in rows}
    assert verdicts[("AL19-C023", "LC19-C008")] == "confirmed"
    assert verdicts[("DI21-C046", "MA-C051")] == "rejected: different patients, both can be true"
    # Sabbagh's juvenile lung improvement against the authors' adult deaths: another outcome and population kind
    assert verdicts[("LC19-C007", "LC19-C029")] == verdicts[("LC19-C007", "LC19-C030")] == "curated, found by no rule"


def test_cli_writes_candidates_and_rejects_a_bad_verdict_file(built: Path, tmp_path: Path) -> None:
    result = run_cli("disagreements", str(built / "jakdm.trig"), "--out", str(tmp_path), "--rejected", str(tmp_path / "none.yaml"))
    assert result.exit_code == 0, result.output
    assert "12 candidate disagreement(s): 5 confirmed" in result.output
    first = (tmp_path / "disagreement-candidates.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(first.decode())))
    assert len(rows) == 14 and rows[0]["label_a"]
    run_cli("disagreements", str(built / "jakdm.trig"), "--out", str(tmp_path), "--rejected", str(tmp_path / "none.yaml"))
    assert (tmp_path / "disagreement-candidates.csv").read_bytes() == first
    bad = tmp_path / "bad.yaml"
    bad.write_text("- claims: [AL19-C023]\n  reason: x\n")
    result = run_cli("disagreements", str(built / "jakdm.trig"), "--out", str(tmp_path), "--rejected", str(bad))
    assert result.exit_code == 2 and "bad.yaml: entry 1" in result.output
    assert (tmp_path / "disagreement-candidates.csv").read_bytes() == first


def test_every_seed_candidate_has_a_curators_verdict(built: Path, tmp_path: Path) -> None:
    """With data/rejected-disagreements.yaml (the command's default), no candidate is left open:
    5 confirmed by curated links, 7 rejected with a reason."""
    from .conftest import DATA

    rows, counts = compare(load_store(built / "jakdm.trig"), DATA / "rejected-disagreements.yaml")
    assert (counts["candidates"], counts["confirmed"], counts["rejected"]) == (12, 5, 7)
    verdicts = [r["verdict"] for r in rows if r["rule"]]
    assert "open" not in verdicts and all(v == "confirmed" or v.startswith("rejected: ") and len(v) > 40 for v in verdicts)
    # every rejected pair is a pair some rule proposes (a stale verdict would hide nothing and mislead)
    assert counts["rejected"] == len(read_rejected(DATA / "rejected-disagreements.yaml"))
    result = run_cli("disagreements", str(built / "jakdm.trig"), "--out", str(tmp_path),
                     "--rejected", str(DATA / "rejected-disagreements.yaml"))
    assert "5 confirmed by a curated link, 7 rejected by a curator" in result.output
