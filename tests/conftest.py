"""Shared fixtures: the real data/ and seed texts, loaded and built once per session.

Tests that need a broken corpus copy ``data/`` into a temporary directory
with :func:`copy_data` and edit the copy.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jakkg.build import build_dataset
from jakkg.cli import main
from jakkg.load import Corpus, load_corpus

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# The seed texts sit in ../shared/seeds of a checkout; JAKKG_SEEDS names them for a checkout elsewhere
# (a git worktree one folder deeper).
SEEDS = Path(os.environ["JAKKG_SEEDS"]) if os.environ.get("JAKKG_SEEDS") else (
    (ROOT.parent / "shared" / "seeds") if (ROOT.parent / "shared" / "seeds").is_dir() else ROOT / "seeds")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    assert SEEDS.is_dir(), f"seed texts not found at {SEEDS}"
    return SEEDS


@pytest.fixture(scope="session")
def corpus(seeds_dir: Path) -> Corpus:
    return load_corpus(DATA, seeds_dir)


@pytest.fixture(scope="session")
def dataset(corpus: Corpus):
    return build_dataset(corpus)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """A build/ directory made by the real command line from the real data."""
    out = tmp_path_factory.mktemp("build")
    result = CliRunner().invoke(main, ["build", "--data", str(DATA), "--sources", str(seeds_dir), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def mark_uncurated(data: Path) -> None:
    """Mark the papers of data/sources.yaml that no claims file names as 'uncurated: true'.

    Test corpora keep the curated sources (their papers are also the studies
    claims are attributed to) with only some claims files; without the mark a
    paper with no claim is an error.
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    sources = data / "sources.yaml"
    doc = yaml.load(sources.read_text(encoding="utf-8"))
    claimed = set()
    for path in (data / "claims").glob("*.yaml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("source:"):
                claimed.add(line.split(":", 1)[1].strip())
    for paper in doc.get("papers") or []:
        if paper["id"] not in claimed:
            paper["uncurated"] = True
    with sources.open("w", encoding="utf-8") as fh:
        yaml.dump(doc, fh)


def copy_data(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def run_cli(*args: str):
    """Invoke the jakkg command line in-process; returns click's Result."""
    return CliRunner().invoke(main, [str(a) for a in args])
