"""The JSON Schemas of the curation format (schema/) are generated from jakkg.model.

A curator's editor reads them through the modeline of every data file, so
they must (1) be what scripts/curation_schema.py generates from the models
today, (2) be referenced from every claims and entities file, (3) accept
the real data, and (4) reject what the loader rejects (a misspelt field).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from .conftest import DATA, ROOT

SCHEMA_DIR = ROOT / "schema"
FILES = {"claims.schema.json": sorted((DATA / "claims").glob("*.yaml")),
         "entities.schema.json": sorted((DATA / "entities").glob("*.yaml"))}


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")))


def test_committed_schemas_equal_a_fresh_generation(tmp_path: Path) -> None:
    """Run the script (command line in, files out) and compare byte for byte."""
    env_path = str(ROOT / "src")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "curation_schema.py"), str(tmp_path)],
                            capture_output=True, text=True, env={"PYTHONPATH": env_path, "PATH": ""})
    assert result.returncode == 0, result.stderr
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SCHEMA_DIR / name).read_bytes(), \
            f"schema/{name} is stale: run `python scripts/curation_schema.py`"


@pytest.mark.parametrize("name,path", [(n, p) for n, ps in FILES.items() for p in ps], ids=lambda x: getattr(x, "name", x))
def test_every_data_file_names_its_schema_and_follows_it(name: str, path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../../schema/{name}"
    assert (path.parent / first.split("=", 1)[1]).resolve() == (SCHEMA_DIR / name).resolve()
    errors = list(validator(name).iter_errors(YAML(typ="safe").load(path)))
    assert not errors, [e.message for e in errors[:5]]


def test_schema_rejects_a_misspelt_field_and_a_wrong_type() -> None:
    doc = YAML(typ="safe").load(DATA / "claims" / "002.yaml")
    doc["claims"][0]["atributed_to"] = "huard-2017"
    doc["claims"][1]["n"] = "seven"
    messages = [e.message for e in validator("claims.schema.json").iter_errors(doc)]
    assert any("atributed_to" in m for m in messages), messages
    assert any("seven" in m for m in messages), messages


def test_schema_accepts_the_short_forms_curators_write() -> None:
    """One quote as a string, p-values as 0.018 or "<0.0001": the loader accepts them, so must the schema."""
    doc = {"source": "x", "claims": [{"id": "X-C1", "category": "efficacy", "subject": "a", "predicate": "ameliorates",
                                      "object": "b", "p_value": p, "quote": "a sentence"} for p in (0.018, "<0.0001", {"value": 0.05, "comparator": "<="})]}
    assert list(validator("claims.schema.json").iter_errors(doc)) == []
