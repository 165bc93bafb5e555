"""Biolink and KGX readers keep jakkg's meaning: negated claims stay negated, every node has a category.

Read with KGX's own RDF reader (offline, see tests/kgx_support.py), the
built N-Triples give one Biolink edge per subject, Biolink predicate and
object (KGX merges reified statements that share them; the KGX TSV export
keeps one edge per claim). These tests check that such an edge says
``negated`` exactly when the claims behind it do, which the graph did not
say before claims were also ``biolink:Association`` nodes.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from jakkg import biolink
from jakkg.store import load_store, select

kgx_support = pytest.importorskip("tests.kgx_support", reason="kgx and biolink-model are test extras")

CLAIMS = """
PREFIX bl: <https://w3id.org/biolink/vocab/>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT ?claim ?s ?o ?negated WHERE {
  ?claim a jakkg:Claim ; bl:subject ?s ; bl:predicate ?p ; bl:object ?o ; bl:negated ?negated ; jakkg:negated ?own .
  FILTER(?own = ?negated)
}"""
LINKED = "SELECT DISTINCT ?s ?o WHERE { ?s ?p ?o FILTER(isIRI(?o)) }"


@pytest.fixture(scope="module")
def kgx_graph(built: Path):
    return kgx_support.read_rdf(built / "jakdm.nt")


@pytest.fixture(scope="module")
def graph_facts(built: Path) -> tuple[list[tuple[str, str, str, bool]], set[tuple[str, str]]]:
    """(claims as (id, subject, object, negated), pairs linked by a plain triple), with KGX's CURIEs."""
    from kgx.prefix_manager import PrefixManager

    contract = PrefixManager().contract
    store = load_store(built / "jakdm.nt")
    claims = [(c, contract(s), contract(o), n in (True, "true")) for c, s, o, n in select(store, CLAIMS)]
    linked = {(contract(s), contract(o)) for s, o in select(store, LINKED)}
    return claims, linked


def test_every_claim_says_its_negation_the_biolink_way(graph_facts, corpus) -> None:
    claims, _ = graph_facts
    assert len(claims) == len(corpus.claims)
    assert sum(negated for *_, negated in claims) == sum(c.negated for c in corpus.claims.values())


def test_kgx_reads_every_negated_claim_as_negated(kgx_graph, graph_facts) -> None:
    """Before claims were Biolink associations, KGX made all 20 negated claims positive edges."""
    claims, _ = graph_facts
    negated = [(c, s, o) for c, s, o, n in claims if n]
    assert len(negated) >= 20
    for claim, s, o in negated:
        edges = (kgx_graph.get_edge_data(s, o) or {}).values()
        assert any(d.get("negated") is True for d in edges), f"{claim}: KGX reads no negated edge {s} -> {o}"


def test_kgx_reads_no_positive_edge_the_graph_does_not_assert(kgx_graph, graph_facts) -> None:
    """A positive edge between two nodes needs a plain triple between them: a negated claim never makes one."""
    claims, linked = graph_facts
    claimed = {(s, o) for _, s, o, _ in claims}
    for s, o, d in kgx_graph.edges(data=True):
        if (s, o) in claimed and d.get("negated") is not True:
            assert (s, o) in linked, f"KGX reads {s} {d['predicate']} {o} as asserted; the graph asserts nothing between them"


def test_every_claimed_node_has_a_biolink_category_kgx_reads(kgx_graph, graph_facts, corpus) -> None:
    claims, _ = graph_facts
    nodes = {n for _, s, o, _ in claims for n in (s, o)}
    bare = sorted(n for n in nodes if set(kgx_graph.nodes[n]["category"]) == {"biolink:NamedThing"})
    assert not bare, f"nodes KGX sees only as NamedThing: {bare[:5]}"
    for entity in corpus.entities.values():
        cls = str(corpus.vocab.categories[entity.category])
        assert biolink.category(cls), f"{cls}: no jakkg:biolinkCategory in the ontology"


def test_every_predicate_and_category_maps_to_a_biolink_term_the_model_has(corpus) -> None:
    from bmt import Toolkit

    toolkit = Toolkit()
    for key, pred in corpus.vocab.predicates.items():
        for direction in (None, "improved"):
            mapped = biolink.predicate(str(pred.iri), direction)
            assert mapped, f"{key}: no jakkg:biolinkPredicate in the ontology"
            assert toolkit.is_predicate(mapped.rsplit("/", 1)[1]), f"{key}: {mapped} is not a Biolink predicate"
    for key, cls in corpus.vocab.categories.items():
        mapped = biolink.category(str(cls))
        assert mapped and toolkit.is_category(mapped.rsplit("/", 1)[1]), f"{key}: {mapped} is not a Biolink category"


def test_a_worsening_is_never_an_amelioration() -> None:
    assert biolink.predicate(biolink.RO_AMELIORATES, "worsened").endswith("/affects")
    assert biolink.predicate(biolink.RO_AMELIORATES, "improved").endswith("/ameliorates_condition")



LOCAL_TERMS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
SELECT ?term (SAMPLE(?match) AS ?mapped) WHERE {
  ?term jakkg:curationKey ?key . FILTER(STRSTARTS(STR(?term), STR(jakkg:)))
  OPTIONAL { ?term skos:broadMatch|skos:closeMatch|skos:exactMatch ?match FILTER(!STRSTARTS(STR(?match), STR(jakkg:))) }
} GROUP BY ?term"""


def unmapped_local_terms(nt_file: Path) -> tuple[int, list[str]]:
    """(number of jakkg: entities, those without a SKOS mapping to a standard term)."""
    rows = select(load_store(nt_file), LOCAL_TERMS)
    return len(rows), sorted(term for term, mapped in rows if mapped is None)


def test_every_local_term_maps_to_a_standard_term(built: Path, corpus) -> None:
    """A jakkg: entity joins nothing unless it says which standard term it is narrower than or close to."""
    local, unmapped = unmapped_local_terms(built / "jakdm.nt")
    assert local == sum(e.curie.startswith("jakkg:") for e in corpus.entities.values()) > 0
    assert unmapped == []


def test_a_local_term_without_a_mapping_fails(built: Path, tmp_path: Path) -> None:
    text = (built / "jakdm.nt").read_text(encoding="utf-8")
    stripped = tmp_path / "stripped.nt"
    stripped.write_text("".join(line for line in text.splitlines(keepends=True)
                                if "<https://w3id.org/jakkg/vocab/CDASI> <http://www.w3.org/2004/02/skos/core#broadMatch>" not in line),
                        encoding="utf-8")
    assert unmapped_local_terms(stripped)[1] == ["https://w3id.org/jakkg/vocab/CDASI"]
