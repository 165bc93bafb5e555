"""The scale benchmark (issue 10): its corpora are valid, deterministic and carry the planted errors; its driver runs `make run`'s stages.

The generator is the benchmark's ground: if its corpora did not load, or
changed from run to run, the figures would measure nothing. The driver must
run exactly the stages of the Makefile's `run` recipe, so these are compared
with the Makefile's own lines.
"""
from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from jakkg.pipeline import read_pipeline

from .conftest import ROOT, run_cli

sys.path.insert(0, str(ROOT / "benchmarks"))
import scale
import synthetic

CLAIMS = 150
DRIVER = "import sys, scale; from pathlib import Path; scale.CACHE = Path(sys.argv[1]); sys.exit(scale.main(sys.argv[2:]))"


def tree_digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "corpus"
    synthetic.generate(CLAIMS, out, errors=0, seed=0, seeds_dir=seeds_dir)
    return out


def test_generator_is_deterministic_and_seeded(small: Path, tmp_path: Path, seeds_dir: Path) -> None:
    again = tmp_path / "again"
    code = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "synthetic.py"), "--claims", str(CLAIMS),
                           "--out", str(again), "--sources", str(seeds_dir)], capture_output=True, text=True, check=False)
    assert code.returncode == 0, code.stderr
    assert tree_digest(again) == tree_digest(small)  # same arguments, same bytes (through the command line too)
    other = tmp_path / "other"
    synthetic.generate(CLAIMS, other, seed=1, seeds_dir=seeds_dir)
    assert tree_digest(other) != tree_digest(small)  # the seed decides which claims swap their entities


def test_corpus_has_the_parts_of_a_curated_one(small: Path) -> None:
    manifest = json.loads((small / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["claims"] == CLAIMS and manifest["papers"] == 3
    assert manifest["cohorts"] > 0 and manifest["patients"] > 0 and manifest["negated"] > 0
    assert manifest["cross_copy_disagreements"] >= 1 and 0.15 * CLAIMS < manifest["swapped"] < 0.4 * CLAIMS
    assert (small / "data" / "patients" / "00002.csv").is_file()  # the per-patient table of paper 002, renamed
    assert sorted(p.name for p in (small / "data" / "entities").glob("*.yaml")) == \
        sorted(p.name for p in (ROOT / "data" / "entities").glob("*.yaml"))
    text = (small / "data" / "sources.yaml").read_text(encoding="utf-8")
    assert len(set(re.findall(r'doi: "(10\.5555/[^"]+)"', text))) == 3


def test_small_corpus_builds_with_every_claim(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    result = run_cli("build", "--data", small / "data", "--sources", small / "sources", "--out", out)
    assert result.exit_code == 0, result.output[-2000:]
    stats = run_cli("stats", out / "jakdm.trig")
    assert stats.exit_code == 0, stats.output
    assert re.search(rf"^\s*jakkg:Claim\s+{CLAIMS}$", stats.stdout, re.MULTILINE), stats.stdout


def test_planted_errors_fail_the_build_and_validate_names_them(tmp_path: Path, seeds_dir: Path) -> None:
    corpus = tmp_path / "corpus"
    manifest = synthetic.generate(60, corpus, errors=3, seed=0, seeds_dir=seeds_dir)  # one paper: three builds stay quick
    planted = {e["claim"]: e["shape"] for e in manifest["planted_errors"]}
    assert len(planted) == 3
    args = ["--data", corpus / "data", "--sources", corpus / "sources", "--out", tmp_path / "build"]
    refused = run_cli("build", *args)
    assert refused.exit_code == 1 and "nothing written" in refused.stderr
    assert run_cli("build", *args, "--no-validate").exit_code == 0
    report = run_cli("validate", tmp_path / "build" / "jakdm.ttl", "--format", "json")
    assert report.exit_code == 1
    violations = {(f["item"], f["shape"]) for f in json.loads(report.stdout)["results"] if f["severity"] == "Violation"}
    assert violations == set(planted.items())  # every planted error, and nothing else


def test_driver_stages_are_the_makefile_run_recipe() -> None:
    """The driver reads the recipe; here the recipe is read independently, line by line: its one
    `jakkg stages` line stands for every stage of jakkg's pipeline.yaml, the build first."""
    recipe = (ROOT / "Makefile").read_text(encoding="utf-8").split("\nrun:", 1)[1].split("\n\n", 1)[0]
    lines = [ln.split("$(BIN)/jakkg ", 1)[1].split(";")[0] for ln in recipe.splitlines()[1:] if "$(BIN)/jakkg " in ln]
    expected = [ln.replace("$(OUT)", "build").replace("$(SOURCES)", "sources").replace("$(DATA)", "data")
                .replace("$(JOBS)", "2").split() for ln in lines]
    assert [e[0] for e in expected] == ["stages"]
    stages = scale.makefile_stages()
    names = [s.name for s in read_pipeline({"data": "data", "sources": "sources", "out": "build"}).stages]
    assert [s.name for s in stages] == names and names[:2] == ["build", "coverage"] and len(names) >= 10
    assert all(s.runner and list(s.args) == expected[0] for s in stages)
    assert {"stats", "reason", "graph", "draw", "pool", "evidence-map", "disagreements"} <= set(names)
    assert {n for n in names if n.startswith("query ")} == {"query drug-targets", "query improvements"}


def test_stage_selection_rejects_unknown_names() -> None:
    stages = scale.makefile_stages()
    assert [s.name for s in scale.select(stages, "stats,build")] == ["build", "stats"]  # the Makefile's order
    assert len(scale.select(stages, "query")) == 2
    with pytest.raises(SystemExit, match="unknown stage"):
        scale.select(stages, "build,bulid")


def test_makefile_with_an_unknown_variable_is_refused(tmp_path: Path) -> None:
    makefile = tmp_path / "Makefile"
    makefile.write_text("run: install\n\t$(BIN)/jakkg build --data $(CORPUS) --out $(OUT)\n", encoding="utf-8")
    with pytest.raises(SystemExit, match=r"\$\(CORPUS\)"):
        scale.makefile_stages(makefile)


def test_driver_runs_stages_and_prints_the_table(tmp_path: Path, seeds_dir: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path / "cache"),
         "--sizes", "30,60", "--stages", "build,stats", "--sources", str(seeds_dir), "--markdown"],
        capture_output=True, text=True, check=False, cwd=ROOT / "benchmarks", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [ln for ln in result.stdout.splitlines() if ln.startswith("| ")]
    assert rows[0] == "| stage | 30 claims: wall / peak | 60 claims: wall / peak | growth 30->60 |"
    assert [r.split(" | ")[0] for r in rows[2:]] == ["| `jakkg build`", "| `jakkg stats`", "| **jakkg stages, 2 at a time**",
                                                     "| **total**"]
    for row in rows[2:]:
        assert re.fullmatch(r"\| [^|]+ \| [\d.]+ s / \d+ MB( max)? \| [\d.]+ s / \d+ MB( max)? \| -?\d+\.\d\d \|", row), row
    assert "machine: " in result.stdout and " cores " in result.stdout
    assert len(list((tmp_path / "cache").glob("corpus-60-e0-s0-*/build/jakdm.trig"))) == 1


def test_driver_reports_a_failed_stage_and_goes_on(tmp_path: Path, seeds_dir: Path) -> None:
    """With planted errors the build refuses to write; stats is then not run, and both are reported."""
    result = subprocess.run(
        [sys.executable, "-c", DRIVER, str(tmp_path / "cache"),
         "--sizes", "30", "--stages", "build,stats", "--errors", "1", "--sources", str(seeds_dir)],
        capture_output=True, text=True, check=False, cwd=ROOT / "benchmarks", timeout=120)
    assert result.returncode == 1
    assert re.search(r"^build\s+failed \(exit 1\)", result.stdout, re.MULTILINE), result.stdout
    assert re.search(r"^stats\s+not run: an earlier stage failed", result.stdout, re.MULTILINE), result.stdout
    assert "30: build: exit 1: error: nothing written to build" in result.stdout
    assert "30: stats: not run: an earlier stage failed" in result.stdout
