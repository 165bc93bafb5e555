"""`jakkg stages` (issue 10): the stages after the build, run two at a time from one parse of the graph.

The runner must not change what any stage writes: its outputs are compared
byte for byte with those of each command run alone. The rest is what a
runner owes its user: the first failure stops it with that stage's code
and leaves earlier outputs alone, a stage without its program is skipped
with the reason, and a malformed pipeline file is named with its line.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jakkg.pipeline import read_pipeline, select
from jakkg.store import load_store, share_store, shared

from .conftest import DATA, run_cli

JAKKG = Path(sys.executable).parent / "jakkg"


def tree(root: Path) -> dict[str, str]:
    """Every output file under ``root`` (the build's cache aside) and its SHA-256."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and ".cache" not in p.parts}


def jakkg(*args: object, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed command line, as a user runs it (the runner forks: no in-process CliRunner)."""
    return subprocess.run([str(JAKKG), *map(str, args)], capture_output=True, text=True, check=False, cwd=cwd, timeout=600)


@pytest.fixture()
def build_copy(built: Path, tmp_path: Path) -> Path:
    out = tmp_path / "build"
    shutil.copytree(built, out)
    return out


def write_pipeline(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_stages_write_what_each_command_writes_alone(built: Path, tmp_path: Path, seeds_dir: Path) -> None:
    """Every stage of pipeline.yaml through the runner (two at a time, one shared parse) against the same
    command lines run one by one: the same files, byte for byte."""
    together, alone = tmp_path / "together", tmp_path / "alone"
    shutil.copytree(built, together)
    shutil.copytree(built, alone)
    timings = tmp_path / "timings.json"
    ran = jakkg("stages", "--data", DATA, "--sources", seeds_dir, "--out", together, "--jobs", 2, "--timings", timings)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    pipeline = read_pipeline({"data": str(DATA), "sources": str(seeds_dir), "out": str(alone)})
    for stage in pipeline.stages:
        one = jakkg(*stage.argv)
        assert one.returncode == 0, f"{stage.name}: {one.stderr}"
    assert tree(together) == tree(alone)
    assert len(tree(together)) > len(tree(built)) + 10  # the stages wrote their files (graph, pictures, tables ...)
    figures = json.loads(timings.read_text(encoding="utf-8"))
    assert [f["stage"] for f in figures] == [s.name for s in pipeline.stages]
    assert all(f["status"] == "ok" and f["wall_s"] > 0 and f["peak_mb"] > 0 for f in figures)
    assert "parse " in ran.stderr and "once for the stages that read it" in ran.stderr  # the one parse
    assert ran.stdout.index("built 338 claims") < ran.stdout.index("== build: ok")  # the build's output as it comes
    for stage in pipeline.stages:  # each stage's own output, under a heading with its figures
        assert f"== {stage.name}: ok, " in ran.stdout


def test_one_job_gives_the_same_files_as_two(built: Path, tmp_path: Path, seeds_dir: Path) -> None:
    outs = []
    for jobs in (1, 2):
        out = tmp_path / f"jobs{jobs}"
        shutil.copytree(built, out)
        ran = jakkg("stages", "--data", DATA, "--sources", seeds_dir, "--out", out, "--jobs", jobs,
                    "--only", "stats,graph,pool,evidence-map")
        assert ran.returncode == 0, ran.stderr
        outs.append(tree(out))
    assert outs[0] == outs[1]
    assert "jakdm.graphml" in outs[0] and "evidence-map.csv" in outs[0] and "jakdm-network.png" not in outs[0]  # --only


def test_shared_store_serves_its_file_until_the_file_changes(built: Path, tmp_path: Path) -> None:
    graph = tmp_path / "jakdm.trig"
    shutil.copy(built / "jakdm.trig", graph)
    try:
        store = share_store(graph)
        assert load_store(graph, on_disk=False) is store  # the stages' one reader returns the parsed store
        with graph.open("a", encoding="utf-8") as fh:
            fh.write("\n<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n")
        again = load_store(graph)
        assert again is not store and len(again) == len(store) + 1  # an edited file is parsed again
    finally:
        shared.clear()


def test_first_failure_stops_the_runner_with_its_code_and_keeps_outputs(build_copy: Path, tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path / "p.yaml", """\
stages:
  - name: stats
    run: stats {out}/jakdm.trig
    shared: true
  - name: broken
    run: stats {out}/no-such.trig
    needs: [stats]
  - name: graph
    run: graph --out {out}
    needs: [broken]
""")
    before = (build_copy / "jakdm.trig").read_bytes()
    timings = tmp_path / "t.json"
    ran = jakkg("stages", "--out", build_copy, "--pipeline", pipeline, "--jobs", 1, "--timings", timings)
    assert ran.returncode == 2, ran.stdout + ran.stderr  # the failed stage's own exit code (unusable input)
    assert "== broken: FAILED (exit 2)" in ran.stderr and "no-such.trig: file not found" in ran.stderr
    assert "== graph: NOT RUN: an earlier stage failed" in ran.stderr
    assert "failed: broken" in ran.stderr
    assert not (build_copy / "jakdm.graphml").exists() and (build_copy / "jakdm.trig").read_bytes() == before
    figures = {f["stage"]: f for f in json.loads(timings.read_text(encoding="utf-8"))}
    assert figures["stats"]["status"] == "ok" and figures["graph"]["status"] == "not run"
    assert figures["broken"]["last_error"].startswith("error: ") and "no-such.trig" in figures["broken"]["last_error"]


def test_a_stage_without_its_program_is_skipped_with_what_needs_it(build_copy: Path, tmp_path: Path) -> None:
    pipeline = write_pipeline(tmp_path / "p.yaml", """\
stages:
  - name: reason
    run: reason --in {out}/jakdm.trig --out {out}
    requires: no-such-program-jakkg
    install: sudo make setup-nothing
  - name: disagreements
    run: disagreements {out}/jakdm-reasoned.ttl --out {out}
    needs: [reason]
  - name: stats
    run: stats {out}/jakdm.trig
    shared: true
""")
    ran = jakkg("stages", "--out", build_copy, "--pipeline", pipeline)
    assert ran.returncode == 0, ran.stderr
    assert "== reason: SKIPPED: no `no-such-program-jakkg` on PATH (sudo make setup-nothing)" in ran.stderr
    assert "== disagreements: SKIPPED: needs reason, which was skipped" in ran.stderr
    assert "== stats: ok" in ran.stdout and "stages: 1 of 3 ran to the end" in ran.stdout


@pytest.mark.parametrize(("text", "message"), [
    ("stages:\n  - name: a\n    run: stats\n    colour: red\n", "p.yaml:2: stage 'a': unknown key(s) colour"),
    ("stages:\n  - name: a\n    run: stats\n  - name: b\n    run: stats\n    needs: [c]\n",
     "p.yaml:4: stage 'b': needs 'c', which is not an earlier stage"),
    ("stages:\n  - name: a\n    run: stats {outdir}/x.trig\n", "unknown placeholder 'outdir'"),
    ("stages:\n  - name: a\n", "p.yaml:2: a stage needs a `name` and a `run` command line"),
    ("stages: [\n", "p.yaml:2: not valid YAML"),
    ("stages: []\n", "p.yaml: expected a mapping with a non-empty `stages:` list"),
])
def test_a_malformed_pipeline_file_is_one_line_naming_it(tmp_path: Path, text: str, message: str) -> None:
    pipeline = write_pipeline(tmp_path / "p.yaml", text)
    result = run_cli("stages", "--out", tmp_path / "out", "--pipeline", pipeline)
    assert result.exit_code == 2
    assert message in result.stderr and result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_only_names_known_stages_and_drops_needs_left_out(tmp_path: Path) -> None:
    values = {"data": "data", "sources": "seeds", "out": "build"}
    pipeline = read_pipeline(values)
    assert [s.name for s in pipeline.stages][:3] == ["build", "coverage", "reason"]  # coverage beside the build; the long stage first
    assert all(s.needs for s in pipeline.stages[2:])  # the rest read the build's files
    alone = select(pipeline, ["disagreements"])
    assert [(s.name, s.needs) for s in alone.stages] == [("disagreements", ())]  # reads what the last run left
    result = run_cli("stages", "--out", tmp_path, "--only", "graph,grpah")
    assert result.exit_code == 2 and "--only: unknown stage(s) 'grpah'" in result.stderr


def test_list_shows_every_command_line(tmp_path: Path) -> None:
    result = run_cli("stages", "--list", "--out", tmp_path / "b", "--data", "d", "--sources", "s")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert f"stats: jakkg stats {tmp_path / 'b'}/jakdm.trig  (after build)" in lines
    assert lines[0] == f"build: jakkg build --data d --sources s --out {tmp_path / 'b'} --report {tmp_path / 'b'}/validation-report.ttl"
    assert any(ln.startswith("disagreements: jakkg disagreements ") and ln.endswith("(after reason)") for ln in lines)
    assert f"coverage: jakkg coverage --data d --sources s --output {tmp_path / 'b'}/coverage.txt --missing-only" in lines


def test_a_stage_that_reads_no_shared_file_is_a_new_jakkg_process(build_copy: Path, tmp_path: Path) -> None:
    """Not a fork of the runner (which holds the parsed store): a process of its own, named jakkg in its messages."""
    pipeline = write_pipeline(tmp_path / "p.yaml", "stages:\n  - name: own\n    run: stats --no-such-option\n")
    ran = jakkg("stages", "--out", build_copy, "--pipeline", pipeline)
    assert ran.returncode == 2
    assert "== own: FAILED (exit 2)" in ran.stderr and "Usage: jakkg stats [OPTIONS]" in ran.stderr
    assert "parse " not in ran.stderr  # no stage reads the shared file: nothing parsed


def test_stages_of_a_holder_that_dies_fail_instead_of_waiting_forever(built: Path, tmp_path: Path) -> None:
    import os
    import signal
    import time

    from jakkg.pipeline import Stage, _ended, _Holder, _quiet

    stage = Stage("stats", ("stats", str(built / "jakdm.trig")), shared=True)
    holder = _Holder(built / "jakdm.trig", _quiet, {"stats": stage})
    while holder.parsing:
        _ended({}, holder)  # returns once the holder says it has parsed
    os.kill(holder.pid, signal.SIGKILL)
    running = {"stats": (stage, time.perf_counter(), tmp_path / "stats.log", None)}  # as if the holder had forked it
    outcomes = _ended(running, holder)
    holder.stop()  # reaps it; the closed pipe is no error
    assert [(o.stage, o.status) for o in outcomes] == [("stats", "failed")] and not running
    assert "the process holding the parsed graph ended" in outcomes[0].output
