"""Write src/jakkg/prefixes.json: the prefix map of every writer, chosen to join the Biolink ecosystem.

For each prefix jakkg's data use, Biolink's own prefix map (the one KGX and
Translator tools contract and expand with, shipped by the biolink-model
package) gives the prefix and URI prefix when it has the prefix; the
Bioregistry gives them otherwise. So HGNC, MeSH and DrugBank IRIs are the
ones other Biolink graphs use (http://identifiers.org/hgnc/...), EFO terms
are EFO's own IRIs (http://www.ebi.ac.uk/efo/EFO_...), and a jakkg CURIE is
the CURIE a KGX file of another project writes for the same thing.

jakkg expands and compresses CURIEs through this small map and consults the
full Bioregistry converter (seconds to build) only for a prefix the map does
not list. Run this after adding an entity, xref or evidence code with a new
prefix; tests/test_identifiers.py fails until the map covers data/ and agrees
with the Bioregistry.

    python scripts/prefix_map.py [--data data] [--output src/jakkg/prefixes.json]
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CURIE = re.compile(r"\b([A-Za-z][A-Za-z0-9_.]*):[^\s:'\"\]]+")


def used_prefixes(data: Path) -> set[str]:
    """Prefixes of every CURIE curators write: entities (curie, xrefs) and claims' evidence codes."""
    from jakkg.build import ECO_OWN_STUDY, ECO_REFERENCED
    from jakkg.yamlnodes import load_yaml

    found = {ECO_OWN_STUDY.split(":")[0], ECO_REFERENCED.split(":")[0], "jakkg", "jakdm", "biolink", "doi"}
    for path in sorted((data / "entities").glob("*.yaml")):
        for entity in (load_yaml(path.read_text(encoding="utf-8")) or {}).values():
            for curie in [entity.get("curie"), *(entity.get("xrefs") or [])]:
                if isinstance(curie, str) and ":" in curie:
                    found.add(curie.split(":", 1)[0])
    for path in sorted((data / "claims").glob("*.yaml")):
        found.update(m.group(1) for m in re.finditer(r"^\s*evidence:\s*([A-Za-z][A-Za-z0-9_.]*):", path.read_text(encoding="utf-8"), re.MULTILINE))
    return found


def vocabulary_namespaces() -> list[str]:
    """Namespaces of the vocabularies the built graph uses (rdf:, prov:, oa:, RO ...)."""
    from rdflib import OWL, RDF, RDFS, XSD

    from jakkg.build import PREFIXES

    return sorted({str(ns) for ns in PREFIXES.values()} | {str(RDF), str(RDFS), str(XSD), str(OWL),
                                                          "http://purl.obolibrary.org/obo/RO_"})


def biolink_prefix_map() -> dict[str, str]:
    """Biolink's prefix map (prefix -> URI prefix) as the biolink-model package ships it."""
    import biolink_model

    root = Path(next(iter(biolink_model.__path__)))
    return json.loads((root / "prefixmaps" / "biolink-model-prefix-map.json").read_text(encoding="utf-8"))


def prefix_map(data: Path) -> dict[str, dict[str, str]]:
    """{'prefixes': preferred prefix -> URI prefix, 'synonyms': prefix as written -> preferred}.

    The preferred prefix is Biolink's spelling when Biolink has the prefix
    (HGNC, MESH, DRUGBANK, EFO, doi), else the Bioregistry's.
    """
    from jakkg.identifiers import converter

    full = converter()
    biolink = biolink_prefix_map()
    biolink_spelling = {prefix.lower(): prefix for prefix in biolink}
    prefixes: dict[str, str] = {}
    synonyms: dict[str, str] = {}
    for written in sorted(used_prefixes(data)):
        iri = full.expand(f"{written}:X", strict=False)
        if iri is None:
            continue  # an unknown prefix: the loader reports it
        preferred = (full.compress(iri, strict=False) or f"{written}:X").split(":", 1)[0]
        if (chosen := biolink_spelling.get(preferred.lower())) is not None and written not in ("jakkg", "jakdm"):
            prefixes[chosen] = biolink[chosen]
            synonyms.update({alias: chosen for alias in (written, preferred) if alias != chosen})
            continue
        prefixes[preferred] = iri[:-1]
        if written != preferred:
            synonyms[written] = preferred
    for namespace in vocabulary_namespaces():
        curie = full.compress(namespace + "X", strict=False)
        if curie is not None and namespace not in prefixes.values():
            prefixes.setdefault(curie.split(":", 1)[0], namespace)
    return {"prefixes": dict(sorted(prefixes.items())), "synonyms": dict(sorted(synonyms.items()))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--output", type=Path, default=ROOT / "src" / "jakkg" / "prefixes.json")
    args = parser.parse_args()
    args.output.write_text(json.dumps(prefix_map(args.data), indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
