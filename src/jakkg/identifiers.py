"""CURIE handling through the Bioregistry, never a hand-written prefix map.

OBO ontologies expand to OBO PURLs and the rest to identifiers.org (MIRIAM)
URIs, which is what the checked reference table in shared/reference uses.
Biolink's own RDF namespace (w3id.org/biolink/vocab/) comes from the
Bioregistry's record of it. Our own namespaces are added by chaining a small
converter in front.
"""
from __future__ import annotations

import re
from functools import lru_cache

import curies

VOCAB = "https://w3id.org/jakkg/vocab/"
DATA = "https://w3id.org/jakkg/jakdm/"
CURIE_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_.]*:[^\s:][^\s]*$")


@lru_cache(maxsize=1)
def converter() -> curies.Converter:
    """The converter used for every expansion and compression in jakkg."""
    import bioregistry

    registry = bioregistry.get_converter(
        uri_prefix_priority=["obofoundry", "miriam", "default"],
        prefix_priority=["obofoundry.preferred", "preferred", "default"],
    )
    biolink_uri = bioregistry.get_resource("biolink").get_rdf_uri_prefix()
    own = curies.Converter.from_prefix_map({"jakkg": VOCAB, "jakdm": DATA, "biolink": biolink_uri})
    return curies.chain([own, registry])


def expand(curie: str) -> str | None:
    """The IRI of a CURIE, or None when its prefix is unknown or malformed."""
    if not CURIE_PATTERN.match(curie):
        return None
    try:
        return converter().expand(curie, strict=False)
    except ValueError:
        return None


def compress(iri: str) -> str | None:
    """The CURIE of an IRI, or None."""
    return converter().compress(iri, strict=False)


def curie_problem(curie: str) -> str | None:
    """Why a CURIE cannot be used, or None when it expands."""
    if not isinstance(curie, str) or not CURIE_PATTERN.match(curie):
        return f"malformed CURIE {curie!r} (expected PREFIX:LOCAL_ID, e.g. CHEBI:95341)"
    if expand(curie) is None:
        return f"unknown CURIE prefix in {curie!r}: the Bioregistry does not know {curie.split(':', 1)[0]!r}"
    return None
