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


def copy_data(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that break it on purpose."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


def run_cli(*args: str):
    """Invoke the jakkg command line in-process; returns click's Result."""
    return CliRunner().invoke(main, [str(a) for a in args])
