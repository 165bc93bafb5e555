"""CURIE handling through the Bioregistry, never a hand-written prefix map.

OBO ontologies expand to OBO PURLs and the rest to identifiers.org (MIRIAM)
URIs, which is what the checked reference table in shared/reference uses.
Biolink's own RDF namespace (w3id.org/biolink/vocab/) comes from the
Bioregistry's record of it. Our own namespaces are added by chaining a small
converter in front.

Building the Bioregistry's converter takes seconds (it indexes every prefix
and synonym of thousands of resources) and each of its expansions rebuilds a
dict, about 2 ms. So the prefixes jakkg's data use are taken from the
Bioregistry once, by ``scripts/prefix_map.py``, into ``prefixes.json`` beside
this module; expansions go through that small map, and the full Bioregistry is
consulted only for a prefix it does not list (a curator's new prefix, or a
synonym such as ``chebi``). A test checks that the file agrees with the
Bioregistry and covers every prefix in data/.
"""
from __future__ import annotations

import json
import re
from functools import cache, lru_cache

import curies

from .resources import package_path

VOCAB = "https://w3id.org/jakkg/vocab/"
DATA = "https://w3id.org/jakkg/jakdm/"
CURIE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*:[^\s:][^\s]*$")
PRIORITIES = {
    "uri_prefix_priority": ["obofoundry", "miriam", "default"],
    "prefix_priority": ["obofoundry.preferred", "preferred", "default"],
}


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """The Bioregistry's converter (slow to build): the authority for every prefix."""
    import bioregistry

    registry = bioregistry.get_converter(**PRIORITIES)
    biolink_uri = bioregistry.get_resource("biolink").get_rdf_uri_prefix()
    own = curies.Converter.from_prefix_map({"jakkg": VOCAB, "jakdm": DATA, "biolink": biolink_uri})
    return curies.chain([own, registry])


@lru_cache(maxsize=1)
def prefix_map() -> dict[str, str]:
    """Prefix (preferred or as curators write it) -> URI prefix, for the prefixes jakkg uses."""
    doc = json.loads(package_path("prefixes.json").read_text(encoding="utf-8"))
    return {**doc["prefixes"], **{written: doc["prefixes"][preferred] for written, preferred in doc["synonyms"].items()}}


@lru_cache(maxsize=1)
def _known() -> curies.Converter:
    """A converter of the known prefixes that compresses to the Bioregistry's preferred prefix."""
    doc = json.loads(package_path("prefixes.json").read_text(encoding="utf-8"))
    synonyms: dict[str, list[str]] = {}
    for written, preferred in doc["synonyms"].items():
        synonyms.setdefault(preferred, []).append(written)
    return curies.Converter([curies.Record(prefix=p, uri_prefix=u, prefix_synonyms=sorted(synonyms.get(p, [])))
                             for p, u in doc["prefixes"].items()])


@cache
def expand(curie: str) -> str | None:
    """The IRI of a CURIE, or None when its prefix is unknown or malformed."""
    if not CURIE_PATTERN.match(curie):
        return None
    prefix, local = curie.split(":", 1)
    if (uri_prefix := prefix_map().get(prefix)) is not None:
        return uri_prefix + local
    try:
        return converter().expand(curie, strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=100_000)
def compress(iri: str) -> str | None:
    """The CURIE of an IRI under the project's prefix map (the Bioregistry's preferred prefix), or None."""
    return _known().compress(iri, strict=False)


def curie_problem(curie: str) -> str | None:
    """Why a CURIE cannot be used, or None when it expands."""
    if not isinstance(curie, str) or not CURIE_PATTERN.match(curie):
        return f"malformed CURIE {curie!r} (expected PREFIX:LOCAL_ID, e.g. CHEBI:95341)"
    if expand(curie) is None:
        return f"unknown CURIE prefix in {curie!r}: the Bioregistry does not know {curie.split(':', 1)[0]!r}"
    return None
