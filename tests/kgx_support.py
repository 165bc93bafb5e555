"""KGX and the Biolink Model Toolkit, offline: the schema from the biolink-model package, no downloads.

bmt's Toolkit defaults to the Biolink schema and predicate map on GitHub, KGX
builds one at import time, fetches JSON-LD contexts and loads RO from the OBO
PURL for CURIE lookups. Pointed at the schema the ``biolink-model`` package
ships (and with no extra ontologies) both run without network, which is what
a test needs. Import this module before importing kgx.
"""
from __future__ import annotations

import json
from pathlib import Path

import biolink_model
import bmt.toolkit

BIOLINK_MODEL = Path(next(iter(biolink_model.__path__)))
SCHEMA = BIOLINK_MODEL / "schema" / "biolink_model.yaml"

bmt.toolkit.Toolkit.__init__.__defaults__ = (str(SCHEMA), {"predicate mappings": []})

import kgx.config  # after the toolkit's defaults are local

_prefixes = json.loads((BIOLINK_MODEL / "prefixmaps" / "biolink-model-prefix-map.json").read_text(encoding="utf-8"))
kgx.config.jsonld_context_map.update({"biolink": _prefixes, "monarch_context": {}, "obo_context": {}})
kgx.config.get_config()["ontologies"] = {}


def biolink_prefix_map() -> dict[str, str]:
    """Biolink's own prefix map (prefix -> URI prefix), as the biolink-model package ships it."""
    return dict(_prefixes)


def read_rdf(path: Path):
    """The networkx MultiDiGraph KGX's RDF (N-Triples) reader makes of ``path``."""
    from kgx.transformer import Transformer

    transformer = Transformer()
    transformer.transform(input_args={"filename": [str(path)], "format": "nt"}, output_args={"format": "null"})
    return transformer.store.graph.graph


def read_tsv(nodes: Path, edges: Path, out: Path) -> tuple[list[dict], list[dict], dict]:
    """(nodes, edges, validation errors) as KGX reads a nodes/edges TSV pair, record by record.

    KGX streams each record to a JSON Lines sink (its in-memory graph would
    key edges by subject, predicate and object and so merge claims) and runs
    its Validator, which checks every record against the Biolink Model, on
    the way.
    """
    import json

    from kgx.transformer import Transformer
    from kgx.validator import Validator

    validator = Validator()
    from jakkg.kgx import RECORD_PREFIXES

    # jakkg's own namespaces, and FamPlex (Bioregistry's prefix; Biolink's map has none for JAK families)
    validator.prefixes.update({"jakkg", "infores", "fplx", *RECORD_PREFIXES})
    transformer = Transformer(stream=True)
    transformer.transform(input_args={"filename": [str(nodes), str(edges)], "format": "tsv"},
                          output_args={"filename": str(out / "read"), "format": "jsonl"}, inspector=validator)
    records = [[json.loads(line) for line in (out / f"read_{kind}.jsonl").read_text(encoding="utf-8").splitlines()]
               for kind in ("nodes", "edges")]
    return records[0], records[1], validator.get_errors()
