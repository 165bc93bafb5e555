"""The committed prefix map is the Bioregistry's, and covers every CURIE the data use."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from jakkg import identifiers
from jakkg.load import load_corpus

ROOT = Path(__file__).resolve().parents[1]


def test_committed_prefix_map_is_what_the_bioregistry_gives() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        from prefix_map import prefix_map
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    committed = json.loads((ROOT / "src" / "jakkg" / "prefixes.json").read_text(encoding="utf-8"))
    assert committed == prefix_map(ROOT / "data"), "run scripts/prefix_map.py"


def test_every_curie_of_the_data_expands_without_the_full_bioregistry(corpus, monkeypatch) -> None:
    """The build never falls back to building the Bioregistry converter (seconds) for the curated data."""
    identifiers.expand.cache_clear()
    monkeypatch.setattr(identifiers, "converter", lambda: (_ for _ in ()).throw(AssertionError("full Bioregistry used")))
    curies = [e.curie for e in corpus.entities.values()] + [x for e in corpus.entities.values() for x in e.xrefs]
    curies += [c.evidence for c in corpus.claims.values() if c.evidence]
    try:
        for curie in curies:
            assert identifiers.expand(curie) == identifiers.prefix_map()[curie.split(":")[0]] + curie.split(":", 1)[1]
    finally:
        identifiers.expand.cache_clear()


def test_unknown_prefix_still_goes_to_the_bioregistry() -> None:
    assert identifiers.expand("PMID:123") == "https://identifiers.org/pubmed:123"
    assert identifiers.curie_problem("NOTAPREFIX:1") is not None


def test_compress_gives_preferred_prefixes() -> None:
    assert identifiers.compress("https://identifiers.org/hgnc:6190") == "hgnc:6190"
    assert identifiers.compress("http://purl.obolibrary.org/obo/CHEBI_95341") == "CHEBI:95341"
    assert identifiers.expand("HGNC:6190") == "https://identifiers.org/hgnc:6190"


def test_loading_needs_no_bioregistry_build(tmp_path, seeds_dir) -> None:
    del tmp_path
    identifiers.expand.cache_clear()
    identifiers.converter.cache_clear()
    load_corpus(ROOT / "data", seeds_dir)
    assert identifiers.converter.cache_info().currsize == 0
