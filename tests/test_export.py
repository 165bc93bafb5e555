"""export.py's forked writer: the TriG written in a child process is the TriG written here, and a child
that fails fails the build instead of publishing a partial file."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from jakkg.export import in_child

from .conftest import DATA, run_cli


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def fails(target: Path) -> None:
    target.write_text("partial", encoding="utf-8")
    raise ValueError("the writer broke")


def test_a_failing_child_raises_after_the_block_ran(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    ran = []
    with pytest.raises(OSError, match=r"writing in a child process failed \(fails"), in_child(fails, tmp_path / "x.trig"):
        ran.append("parent")
    assert ran == ["parent"]
    assert "ValueError: the writer broke" in capfd.readouterr().err  # the child's traceback, on stderr


def test_the_child_writes_what_this_process_writes(tmp_path: Path, seeds_dir: Path) -> None:
    """`build` forks the TriG writer; `build --store` runs threads, so it writes the TriG in-process: same bytes."""
    outs = {}
    for name, extra in (("forked", ()), ("here", ("--store",))):
        out = tmp_path / name
        result = run_cli("build", "--data", DATA, "--sources", seeds_dir, "--out", out, "--no-cache", *extra)
        assert result.exit_code == 0, result.output
        outs[name] = {f: digest(out / f) for f in ("jakdm.trig", "jakdm.ttl", "jakdm.nt")}
    assert outs["forked"] == outs["here"]
