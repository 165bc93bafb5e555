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


def test_compress_gives_biolink_prefixes() -> None:
    """Biolink's spelling and IRIs where Biolink has the prefix, so jakkg's CURIEs and IRIs join other Biolink graphs."""
    assert identifiers.compress("http://identifiers.org/hgnc/6190") == "HGNC:6190"
    assert identifiers.compress("http://purl.obolibrary.org/obo/CHEBI_95341") == "CHEBI:95341"
    assert identifiers.expand("HGNC:6190") == identifiers.expand("hgnc:6190") == "http://identifiers.org/hgnc/6190"
    assert identifiers.expand("EFO:0006517") == "http://www.ebi.ac.uk/efo/EFO_0006517"
    assert identifiers.expand("MESH:D003643") == "http://id.nlm.nih.gov/mesh/D003643"
    assert identifiers.expand("DRUGBANK:DB00051") == "http://identifiers.org/drugbank/DB00051"


def test_every_entity_iri_contracts_to_its_curie_and_back_under_biolinks_prefix_map(corpus) -> None:
    """The project's map agrees with Biolink's for every entity whose prefix Biolink knows; the rest round-trip in ours."""
    import pytest

    kgx_support = pytest.importorskip("tests.kgx_support", reason="biolink-model is a test extra")
    biolink = kgx_support.biolink_prefix_map()
    joined = 0
    for entity in corpus.entities.values():
        iri = identifiers.expand(entity.curie)
        curie = identifiers.compress(iri)
        assert curie is not None and identifiers.expand(curie) == iri, entity.curie
        assert curie.split(":")[1] == entity.curie.split(":", 1)[1]
        prefix, local = curie.split(":", 1)
        if prefix in biolink:
            assert biolink[prefix] + local == iri, f"{curie}: Biolink writes {biolink[prefix] + local}"
            joined += 1
    assert joined >= len(corpus.entities) - 20  # all but jakkg's own terms and FamPlex


def test_loading_needs_no_bioregistry_build(tmp_path, seeds_dir) -> None:
    del tmp_path
    identifiers.expand.cache_clear()
    identifiers.converter.cache_clear()
    load_corpus(ROOT / "data", seeds_dir)
    assert identifiers.converter.cache_info().currsize == 0
