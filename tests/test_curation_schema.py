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

from jakkg.yamlnodes import load_yaml

from .conftest import DATA, ROOT

SCHEMA_DIR = ROOT / "schema"
FILES = {"claims.schema.json": sorted((DATA / "claims").glob("*.yaml")),
         "entities.schema.json": sorted((DATA / "entities").glob("*.yaml"))}


def read(path: Path):
    """A data file as the editors' YAML language server reads it: YAML 1.2 core, so a date stays text.

    ruamel.yaml's safe loader would make ``created: 2026-11-21`` a date
    object, which no JSON Schema type describes; jakkg reads it as text too.
    """
    return load_yaml(path.read_text(encoding="utf-8"))


def validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads((SCHEMA_DIR / name).read_text(encoding="utf-8")))


def test_committed_schemas_equal_a_fresh_generation(tmp_path: Path) -> None:
    """Run the script (command line in, files out) and compare byte for byte."""
    env_path = str(ROOT / "src")
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "curation_schema.py"), str(tmp_path)],
                            check=False, capture_output=True, text=True, env={"PYTHONPATH": env_path, "PATH": ""})
    assert result.returncode == 0, result.stderr
    for name in FILES:
        assert (tmp_path / name).read_bytes() == (SCHEMA_DIR / name).read_bytes(), \
            f"schema/{name} is stale: run `python scripts/curation_schema.py`"


@pytest.mark.parametrize("name,path", [(n, p) for n, ps in FILES.items() for p in ps], ids=lambda x: getattr(x, "name", x))
def test_every_data_file_names_its_schema_and_follows_it(name: str, path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == f"# yaml-language-server: $schema=../../schema/{name}"
    assert (path.parent / first.split("=", 1)[1]).resolve() == (SCHEMA_DIR / name).resolve()
    errors = list(validator(name).iter_errors(read(path)))
    assert not errors, [e.message for e in errors[:5]]


def test_schema_rejects_a_misspelt_field_and_a_wrong_type() -> None:
    doc = read(DATA / "claims" / "002.yaml")
    doc["claims"][0]["atributed_to"] = "huard-2017"
    doc["claims"][1]["n"] = "seven"
    messages = [e.message for e in validator("claims.schema.json").iter_errors(doc)]
    assert any("atributed_to" in m for m in messages), messages
    assert any("seven" in m for m in messages), messages


def test_schema_accepts_the_short_forms_curators_write() -> None:
    """One quote as a string, p-values as 0.018 or "<0.0001": the loader accepts them, so must the schema."""
    doc = {"source": "x", "curation": {"created": "2026-11-21", "curators": ["jakkg-curation-team"]}, "claims": [{"id": "X-C1", "category": "efficacy", "subject": "a", "predicate": "ameliorates",
                                      "object": "b", "p_value": p, "quote": "a sentence"} for p in (0.018, "<0.0001", {"value": 0.05, "comparator": "<="})]}
    assert list(validator("claims.schema.json").iter_errors(doc)) == []


def test_schema_checks_the_curation_block() -> None:
    """Missing block, a date that is no date, a curator that is no ORCID iD: the editor flags what the loader refuses."""
    doc = read(DATA / "claims" / "002.yaml")
    check = validator("claims.schema.json")
    assert list(check.iter_errors(doc)) == []
    messages = [e.message for e in check.iter_errors({k: v for k, v in doc.items() if k != "curation"})]
    assert any("'curation' is a required property" in m for m in messages), messages
    for created, curator in (("21/11/2026", "jakkg-curation-team"), ("2026-11-21", "0000-0002-1825-0097")):
        bad = {**doc, "curation": {"created": created, "curators": [curator]}}
        messages = [e.message for e in check.iter_errors(bad)]
        assert len(messages) == 1 and (created in messages[0] or curator in messages[0]), messages
