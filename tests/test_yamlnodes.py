"""The fast YAML reader gives the values and lines ruamel.yaml's round-trip loader gave."""
from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from jakkg.yamlnodes import Mapping, MarkedYAMLError, Sequence, load_yaml

ROOT = Path(__file__).resolve().parents[1]
FILES = sorted((ROOT / "data").rglob("*.yaml")) + sorted((ROOT / "tests").rglob("*.yaml"))


def same(reference, fast, where: str) -> None:
    if isinstance(reference, CommentedMap):
        assert isinstance(fast, Mapping) and list(reference) == list(fast), where
        for key in reference:
            assert reference.lc.key(key) == fast.lc.key(key), (where, key)
            same(reference[key], fast[key], f"{where}.{key}")
    elif isinstance(reference, CommentedSeq):
        assert isinstance(fast, Sequence) and len(reference) == len(fast), where
        for i, item in enumerate(reference):
            assert reference.lc.item(i) == fast.lc.item(i), (where, i)
            same(item, fast[i], f"{where}[{i}]")
    elif isinstance(reference, datetime.date):  # ruamel.yaml reads 2026-11-21 as a date; jakkg keeps the text
        assert type(fast) is str and fast == reference.isoformat(), (where, reference, fast)
    else:
        kind = next(t for t in (bool, int, float, str, type(None)) if isinstance(reference, t))
        assert type(fast) is kind and fast == reference, (where, reference, fast)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_curation_file_reads_as_ruamel_reads_it(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    same(YAML(typ="rt").load(text), load_yaml(text), path.name)


def test_scalars_follow_yaml_1_2_like_ruamel() -> None:
    text = "a: yes\nb: no\nc: on\nd: true\ne: 010\nf: 0x1F\ng: 1.50\nh: ~\nj: .inf\nk: '7'\n"
    same(YAML(typ="rt").load(text), load_yaml(text), "scalars")
    assert load_yaml(text)["a"] == "yes" and load_yaml(text)["e"] == 10
    assert load_yaml("i: 2024-01-02\n")["i"] == "2024-01-02", "dates stay text (the model checks a curation date itself)"


def test_duplicate_key_is_a_marked_error() -> None:
    with pytest.raises(MarkedYAMLError) as err:
        load_yaml("claims:\n  - id: A\n    id: B\n")
    assert err.value.problem_mark.line + 1 == 3 and "duplicate key 'id'" in err.value.problem


def test_empty_document_is_none() -> None:
    assert load_yaml("") is None and load_yaml("# only a comment\n") is None
