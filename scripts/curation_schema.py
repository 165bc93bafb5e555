"""Write the JSON Schemas of the curation format, generated from jakkg.model.

    python scripts/curation_schema.py [OUT_DIR]     # default: schema/

Editors that run the YAML language server read the modeline at the top of
each data file (``# yaml-language-server: $schema=...``) and complete and
check fields as a curator types. The schemas are generated, never edited:
tests/test_curation_schema.py fails when the committed files differ from a
fresh generation, so a change of model.py must be followed by this script.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, RootModel

from jakkg.model import ClaimsFile, Entity

INTERNAL = {"file", "line", "key", "quote_lines"}  # filled in by the loader, never written by curators
SCHEMAS = {"claims.schema.json": "data/claims/NNN.yaml", "entities.schema.json": "data/entities/*.yaml"}


class EntityEntry(Entity):
    """An entity as written in an entities file (its key is the mapping key)."""

    model_config = ConfigDict(extra="forbid", title="Entity")


class EntitiesFile(RootModel[dict[str, EntityEntry]]):
    """A data/entities/*.yaml file: entity key -> CURIE, label, category."""


def _strip_internal(node: Any) -> Any:
    """Drop loader-only fields from every object schema."""
    if isinstance(node, dict):
        props = node.get("properties")
        if isinstance(props, dict):
            for name in INTERNAL & props.keys():
                del props[name]
            if "required" in node:
                node["required"] = [r for r in node["required"] if r not in INTERNAL]
        return {k: _strip_internal(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_strip_internal(v) for v in node]
    return node


def schema(model: type[BaseModel], describes: str) -> dict[str, Any]:
    out = _strip_internal(model.model_json_schema())
    if "PValue" in out.get("$defs", {}):  # PValue also reads 0.018 and "<0.0001" (its before-validator)
        obj = out["$defs"]["PValue"]
        out["$defs"]["PValue"] = {"title": obj.get("title"), "description": obj.get("description"), "anyOf": [
            {"type": "number", "minimum": 0, "maximum": 1},
            {"type": "string", "pattern": r"^\s*(<=|≤|<|>|=)?\s*[0-9.eE-]+\s*$"},
            {k: v for k, v in obj.items() if k not in ("title", "description")}]}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "$comment": f"Generated from src/jakkg/model.py by scripts/curation_schema.py; describes {describes}. Do not edit.",
            **out}


def render() -> dict[str, str]:
    """File name -> text of each schema (sorted keys, so the output is byte-stable)."""
    models = {"claims.schema.json": ClaimsFile, "entities.schema.json": EntitiesFile}
    return {name: json.dumps(schema(models[name], SCHEMAS[name]), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
            for name in SCHEMAS}


def main(out_dir: str = "schema") -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, text in render().items():
        (out / name).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:2])
