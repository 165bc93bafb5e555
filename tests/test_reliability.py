"""Bad paths, bad numbers and empty inputs on the command line: one line, exit 2, nothing lost (issue 12).

Each case runs the real command and checks its exit code, its whole message,
and that the files already there are byte for byte what they were. The
output paths and time limits are checked before any work: the commands are
given a data folder or query that does not exist, and the error is still
about the path or the number, so it was found first.
"""
# ruff: noqa: F811 -- pytest fixtures are imported from sparql_support and named as arguments
from __future__ import annotations

import os
import stat
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from jakkg.errors import display_path

from .conftest import DATA, SEEDS, copy_data, run_cli
from .sparql_support import fixture_build  # noqa: F401 -- fixture

KEEP = b"an earlier output, to be kept byte for byte\n"


def one_line(result) -> str:
    """The command's only line of output (stdout and stderr together)."""
    lines = result.output.splitlines()
    assert len(lines) == 1, result.output
    assert "Traceback" not in result.output
    return lines[0]


def a_file(tmp_path: Path, name: str = "jakdm.ttl") -> Path:
    path = tmp_path / name
    path.write_bytes(KEEP)
    return path


# -- output folders (--out) and files (--output) -----------------------------------
def out_commands(trig: Path) -> dict[str, list[str]]:
    """Every command with an --out folder, with inputs that do not exist: the path check must come first."""
    return {
        "build": ["build", "--data", "no-such-data", "--sources", str(SEEDS)],
        "reason": ["reason", "--in", "no-such-graph.trig"],
        "graph": ["graph", "no-such-graph.trig"],
        "draw": ["draw", "no-such-graph.trig"],
    }


@pytest.mark.parametrize("command", ["build", "reason", "graph", "draw"])
def test_out_naming_a_file_or_a_path_below_one_is_refused_first(tmp_path: Path, command: str):
    args = out_commands(tmp_path)[command]
    taken = a_file(tmp_path)
    for out in (taken, taken / "build"):
        result = run_cli(*args, "--out", out)
        assert result.exit_code == 2, result.output
        assert one_line(result) == f"error: --out {out}: {taken} is a file, not a folder"
        assert taken.read_bytes() == KEEP


@pytest.mark.parametrize("args", [
    ["query", "drug-targets", "--input", "no-such-graph.ttl"],
    ["validate", "no-such-graph.ttl"],
    ["coverage", "--data", "no-such-data", "--sources", str(SEEDS)],
])
def test_output_naming_a_folder_or_a_path_below_a_file_is_refused_first(tmp_path: Path, args: list[str]):
    folder = tmp_path / "reports"
    folder.mkdir()
    result = run_cli(*args, "--output", folder)
    assert result.exit_code == 2, result.output
    assert one_line(result) == f"error: --output {folder}: is a folder; give a file name"
    taken = a_file(tmp_path, "report.txt")
    below = taken / "result.csv"
    result = run_cli(*args, "--output", below)
    assert result.exit_code == 2, result.output
    assert one_line(result) == f"error: --output {below}: {taken} is a file, not a folder"
    assert taken.read_bytes() == KEEP


@pytest.fixture()
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder nobody can write in: read-only mode, and immutable as well when running as root."""
    folder = tmp_path / "locked"
    folder.mkdir()
    (folder / "jakdm.ttl").write_bytes(KEEP)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    immutable = os.geteuid() == 0 and subprocess.run(["chattr", "+i", str(folder)], check=False, capture_output=True).returncode == 0
    try:
        if os.access(folder, os.W_OK) and not immutable:
            pytest.skip("cannot make a folder unwritable here (root without chattr)")
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(stat.S_IRWXU)


def test_unwritable_output_folder_is_refused_before_the_work(unwritable: Path, fixture_build: Path):
    build = run_cli("build", "--data", "no-such-data", "--sources", SEEDS, "--out", unwritable)
    assert build.exit_code == 2, build.output
    assert one_line(build).startswith(f"error: --out {unwritable}: cannot write in this folder: ")
    below = unwritable / "build"
    draw = run_cli("draw", fixture_build / "jakdm.trig", "--out", below)
    assert draw.exit_code == 2, draw.output
    assert one_line(draw).startswith(f"error: --out {below}: cannot write in {unwritable}: ")
    target = unwritable / "drug-targets.csv"
    query = run_cli("query", "drug-targets", "--input", fixture_build / "jakdm.ttl", "--output", target)
    assert query.exit_code == 2, query.output
    assert one_line(query).startswith(f"error: --output {target}: cannot write in {unwritable}: ")
    assert sorted(p.name for p in unwritable.iterdir()) == ["jakdm.ttl"]  # no temporary file left behind
    assert (unwritable / "jakdm.ttl").read_bytes() == KEEP


def test_output_paths_that_are_fine_still_work(tmp_path: Path, fixture_build: Path):
    """The checks create nothing: a new nested --output folder is made by the command, as before."""
    target = tmp_path / "new" / "deeper" / "drug-targets.csv"
    result = run_cli("query", "drug-targets", "--input", fixture_build / "jakdm.ttl", "--format", "csv", "--output", target)
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("drug,")
    assert sorted(p.name for p in target.parent.iterdir()) == ["drug-targets.csv"]


# -- time limits -----------------------------------------------------------------------
@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1"])
def test_a_timeout_that_is_not_a_time_limit_is_refused_first(value: str):
    query = run_cli("query", "no-such-query", "--timeout", value)
    assert query.exit_code == 2, query.output
    shown = {"nan": "nan", "inf": "inf", "-inf": "-inf", "-1": "-1.0"}[value]
    assert one_line(query) == f"error: --timeout {shown}: expected a number of seconds, 0 or more (0: no limit)"
    load = run_cli("load", "--endpoint", "http://127.0.0.1:9/store", "--build", "no-such-build", "--timeout", value)
    assert load.exit_code == 2, load.output
    assert one_line(load) == one_line(query)


# -- validate: nothing to validate -----------------------------------------------------
@pytest.mark.parametrize("name, text, message", [
    ("empty.ttl", "", "the file holds no triples: nothing to validate"),
    ("comment.ttl", "# nothing yet\n@prefix ex: <https://example.org/> .\n", "the file holds no triples: nothing to validate"),
    ("empty.trig", "", "the file holds no triples: nothing to validate"),
    ("foaf.ttl", ("<https://example.org/a> <http://xmlns.com/foaf/0.1/name> \"Ann\" .\n"
                  "<https://example.org/a> a <http://xmlns.com/foaf/0.1/Person> .\n"),
     ("2 triples, none about jakkg records (no subject under https://w3id.org/jakkg/jakdm/, "
      "no node typed with a class of https://w3id.org/jakkg/vocab/): nothing to validate")),
])
def test_validate_says_there_is_nothing_to_validate(tmp_path: Path, name: str, text: str, message: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    report = tmp_path / "report.ttl"
    report.write_bytes(KEEP)
    result = run_cli("validate", path, "--format", "turtle", "--output", report)
    assert result.exit_code == 2, result.output
    assert one_line(result) == f"error: {display_path(path)}: {message}"
    assert report.read_bytes() == KEEP


def test_validate_still_checks_a_single_jakkg_record(tmp_path: Path):
    path = tmp_path / "one.ttl"
    path.write_text("<https://w3id.org/jakkg/jakdm/claim/X-1> a <https://w3id.org/jakkg/vocab/Claim> .\n", encoding="utf-8")
    result = run_cli("validate", path)
    assert result.exit_code == 1, result.output  # a claim without subject, predicate, object, quote ...
    assert "violation" in result.output


# -- the error handler itself ------------------------------------------------------------
def test_a_symlink_loop_in_data_is_one_line(tmp_path: Path):
    data = copy_data(tmp_path)
    loop = data / "claims" / "loop.yaml"
    loop.symlink_to("loop.yaml")
    assert display_path(loop).endswith("loop.yaml")  # used to raise RuntimeError("Symlink loop ...")
    out = tmp_path / "build"
    result = run_cli("build", "--data", data, "--sources", SEEDS, "--out", out)
    assert result.exit_code in (1, 2), result.output
    assert "Traceback" not in result.output
    assert any("loop.yaml" in line for line in result.output.splitlines()), result.output
    assert not out.exists()


def test_display_path_is_relative_to_the_working_directory():
    assert display_path(DATA / "sources.yaml") in (str(DATA / "sources.yaml"), os.path.relpath(DATA / "sources.yaml"))
