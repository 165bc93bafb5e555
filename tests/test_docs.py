"""The curation guide's worked examples are the curated claims themselves (they cannot rot)."""
from __future__ import annotations

import re

import pytest
from ruamel.yaml import YAML

from jakkg.model import Claim

from .conftest import ROOT

GUIDE = ROOT / "data" / "README.md"
README = ROOT / "README.md"


def worked_examples() -> list[dict]:
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Three worked examples", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```yaml\n(.*?)```", section, flags=re.DOTALL)
    return [YAML(typ="safe").load(block)[0] for block in blocks]


def test_the_guide_has_three_worked_examples() -> None:
    assert len(worked_examples()) == 3


@pytest.mark.parametrize("example", worked_examples(), ids=lambda e: e["id"])
def test_worked_example_is_the_curated_claim(example: dict, corpus) -> None:
    claim = corpus.claims[example["id"]]
    documented = Claim.model_validate(example)
    for field in example:
        assert getattr(documented, field) == getattr(claim, field), (example["id"], field)


def test_readme_figures_of_the_corpus_are_the_curated_ones(corpus) -> None:
    """'Five papers, N claims, N cohorts, N patients (16 of them ... Table 1)' matches data/."""
    text = " ".join(README.read_text(encoding="utf-8").split())
    m = re.search(r"Five papers, (\d+) claims, (\d+) cohorts, (\d+) patients \((\d+) of them the rows of paper 002's Table 1\)", text)
    assert m, "README states the size of the corpus"
    table_rows = sum(1 for p in corpus.patients if p.startswith("LC22-P"))
    assert (len(corpus.papers), *map(int, m.groups())) == (5, len(corpus.claims), len(corpus.cohorts), len(corpus.patients), table_rows)
