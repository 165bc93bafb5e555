"""The per-paper build cache (jakkg.buildcache): a cached rebuild gives a clean build's bytes, whatever was edited."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import jakkg.buildcache
from jakkg.buildcache import SUFFIX
from jakkg.quotes import paper_text

from .conftest import DATA, run_cli

OUTPUTS = ("jakdm.trig", "jakdm.ttl", "jakdm.nt", "manifest.json")


@pytest.fixture()
def corpus_copy(tmp_path: Path, seeds_dir: Path) -> tuple[Path, Path]:
    """A writable copy of data/ and of the seed texts."""
    data, seeds = tmp_path / "data", tmp_path / "seeds"
    shutil.copytree(DATA, data)
    shutil.copytree(seeds_dir, seeds)
    return data, seeds


def build(data: Path, seeds: Path, out: Path, *extra: str) -> str:
    """Run `jakkg build` (without SHACL: the cache is about load and build) and return its stderr."""
    paper_text.cache_clear()  # each build is a new process on the command line; in-process, texts are cached by path
    result = run_cli("build", "--data", data, "--sources", seeds, "--out", out, "--no-validate", *extra)
    assert result.exit_code == 0, result.output
    return result.stderr


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def reused(stderr: str) -> tuple[int, int]:
    """(papers built, papers reused) from the build's cache line."""
    m = re.search(r"built (\d+) of \d+ papers; (\d+) unchanged", stderr)
    assert m, stderr
    return int(m[1]), int(m[2])


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def first_seed(data: Path, seeds: Path) -> Path:
    return seeds / re.search(r"seed: *\"?([^\s\"]+)", (data / "sources.yaml").read_text(encoding="utf-8"))[1]


EDITS: dict[str, tuple[Callable[[Path, Path], None], int]] = {
    # what is edited -> (the edit, how many of the 5 papers must be built again)
    "claims file": (lambda d, s: replace(d / "claims" / "001.yaml", "label: The authors' four adult", "label: The four adult"), 1),
    # issue 13: the curation block is pubinfo of every claim of its file; the file's bytes are in the key
    "curation date": (lambda d, s: replace(d / "claims" / "001.yaml", "curation: {created: 2026-11-21,", "curation: {created: 2027-01-05,"), 1),
    "paper text": (lambda d, s: first_seed(d, s).write_text("Preface.\n\n" + first_seed(d, s).read_text(encoding="utf-8"),
                                                              encoding="utf-8"), 1),
    "entity file": (lambda d, s: replace(d / "entities" / "reference.yaml", "label: tofacitinib", "label: Tofacitinib"), 5),
    "sources.yaml": (lambda d, s: replace(d / "sources.yaml", "Brain 2019;142(3):e9.", "Brain 2019;142(3):e9 (edited)."), 5),
    "patients csv": (lambda d, s: replace(d / "patients" / "002.csv", "LC22-P01,LC22,Patient 1 of Table 1 (Landon-Cardinal 2022),59,",
                                          "LC22-P01,LC22,Patient 1 of Table 1 (Landon-Cardinal 2022),58,"), 1),
}


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_cached_rebuild_after_an_edit_is_a_clean_build(corpus_copy: tuple[Path, Path], tmp_path: Path, edit: str) -> None:
    data, seeds = corpus_copy
    out = tmp_path / "build"
    assert reused(build(data, seeds, out)) == (5, 0)
    before = outputs(out)
    change, rebuilt = EDITS[edit]
    change(data, seeds)
    assert reused(build(data, seeds, out)) == (rebuilt, 5 - rebuilt)
    after = outputs(out)
    assert after["jakdm.nt"] != before["jakdm.nt"], "the edit must show in the graph"
    build(data, seeds, tmp_path / "clean", "--no-cache")
    assert after == outputs(tmp_path / "clean")
    assert not (tmp_path / "clean" / ".cache" / "papers").exists()


def test_code_change_rebuilds_every_paper(corpus_copy: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, seeds = corpus_copy
    out = tmp_path / "build"
    build(data, seeds, out)
    before = outputs(out)
    assert reused(build(data, seeds, out)) == (0, 5)
    monkeypatch.setattr(jakkg.buildcache, "code_digest", lambda: "another version of jakkg")
    assert reused(build(data, seeds, out)) == (5, 0)
    assert outputs(out) == before
    assert len(list((out / ".cache" / "papers").glob(f"*{SUFFIX}"))) == 5, "entries of the old code are removed"


@pytest.mark.parametrize("damage", ["truncated", "altered", "bad header", "empty"])
def test_damaged_entry_is_rebuilt_not_trusted(corpus_copy: tuple[Path, Path], tmp_path: Path, damage: str) -> None:
    data, seeds = corpus_copy
    out = tmp_path / "build"
    build(data, seeds, out)
    before = outputs(out)
    entry = sorted((out / ".cache" / "papers").glob(f"*{SUFFIX}"))[2]
    raw = entry.read_bytes()
    entry.write_bytes({"truncated": raw[: len(raw) * 2 // 3], "altered": raw[:raw.rindex(b"<http")] + b"<htpp" + raw[raw.rindex(b"<http") + 5:],
                       "bad header": b"{" + raw, "empty": b""}[damage])
    if damage == "altered":  # the same length: only the digest tells
        assert len(entry.read_bytes()) == len(raw) and entry.read_bytes() != raw
    assert reused(build(data, seeds, out)) == (1, 4)
    assert outputs(out) == before
    assert entry.read_bytes() == raw, "the entry is written again"


def test_stale_reference_to_another_paper_loads_everything_again(corpus_copy: tuple[Path, Path], tmp_path: Path) -> None:
    """A cached paper whose view of another paper's records changed is not reused: the build is a clean one."""
    data, seeds = corpus_copy
    out = tmp_path / "build"
    build(data, seeds, out)
    before = outputs(out)
    entry = min((out / ".cache" / "papers").glob(f"*{SUFFIX}"))
    seal, _, body = entry.read_bytes().partition(b"\n")
    head, _, payload = body.partition(b"\n")
    header = json.loads(head)
    key = next(iter(header["refs"]))
    header["refs"][key] = ["cohorts", "a label the cohort no longer has"]
    body = json.dumps(header).encode() + b"\n" + payload  # a well-formed entry, as an older build could have left
    entry.write_bytes(json.dumps({**json.loads(seal), "bytes": len(body), "sha256": hashlib.sha256(body).hexdigest()}).encode()
                      + b"\n" + body)
    assert reused(build(data, seeds, out)) == (5, 0)
    assert outputs(out) == before


def test_errors_with_a_cache_are_a_clean_builds(corpus_copy: tuple[Path, Path], tmp_path: Path) -> None:
    """A problem in one paper is reported exactly as without the cache, and the broken paper is not cached."""
    data, seeds = corpus_copy
    out = tmp_path / "build"
    build(data, seeds, out)
    entries = sorted(p.name for p in (out / ".cache" / "papers").glob(f"*{SUFFIX}"))
    replace(data / "claims" / "001.yaml", "note: Unpublished clinical experience", "nope: Unpublished clinical experience")
    paper_text.cache_clear()
    cached = run_cli("build", "--data", data, "--sources", seeds, "--out", out, "--no-validate")
    clean = run_cli("build", "--data", data, "--sources", seeds, "--out", tmp_path / "clean", "--no-validate", "--no-cache")
    assert cached.exit_code == clean.exit_code == 1
    assert "001.yaml" in cached.stderr and "unknown field" in cached.stderr
    assert cached.stderr == clean.stderr
    assert sorted(p.name for p in (out / ".cache" / "papers").glob(f"*{SUFFIX}")) == entries


def test_moved_corpus_keeps_its_cache(corpus_copy: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Texts and tables are named relative to their folders, so a copied corpus with its build reuses the cache."""
    assert corpus_copy == (tmp_path / "data", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    build(Path("data"), Path("seeds"), Path("build"))
    before = outputs(tmp_path / "build")
    moved = tmp_path / "moved"
    moved.mkdir()
    for name in ("data", "seeds", "build"):
        shutil.copytree(tmp_path / name, moved / name)
    monkeypatch.chdir(moved)
    assert reused(build(Path("data"), Path("seeds"), Path("build"))) == (0, 5)
    assert outputs(moved / "build") == before
