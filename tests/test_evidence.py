"""Levels of evidence (issue 14): the design -> OCEBM 2011 level table and each claim's level in the built graph."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from jakkg.build import GraphBuilder
from jakkg.evidence import design_levels, level_of
from jakkg.identifiers import expand
from jakkg.load import Corpus
from jakkg.store import load_store, select

from .conftest import run_cli

VOCAB = "https://w3id.org/jakkg/vocab/"
CASE_REPORT = expand("MESH:D002363")
LETTER = expand("MESH:D016422")
SYSTEMATIC_REVIEW = expand("MESH:D000078182")
COHORT_STUDY = "http://purl.obolibrary.org/obo/NCIT_C15208"


def test_table_is_read_from_the_ontology() -> None:
    table = design_levels()
    assert table[CASE_REPORT] == (4, VOCAB + "OCEBMLevel4")
    assert table[LETTER] == (5, VOCAB + "OCEBMLevel5")
    assert table[COHORT_STUDY] == (3, VOCAB + "OCEBMLevel3")
    assert SYSTEMATIC_REVIEW not in table, "a review's level is that of what it reviews, which the graph does not record"


def test_best_design_wins_and_unrated_designs_give_no_level() -> None:
    assert level_of([LETTER, CASE_REPORT]) == (4, VOCAB + "OCEBMLevel4")
    assert level_of([LETTER]) == (5, VOCAB + "OCEBMLevel5")
    assert level_of([SYSTEMATIC_REVIEW]) is None
    assert level_of([]) is None


def expected_levels(corpus: Corpus) -> dict[str, str]:
    """Each claim's level computed from the curated data, independently of the builder's cache."""
    b, studies, table = GraphBuilder(corpus), corpus.all_studies(), design_levels()
    found = {}
    for claim in corpus.claims.values():
        study = studies[claim.attributed_to or corpus.source_of[claim.id]]
        ranks = [table[str(b.node(d))] for d in study.design if str(b.node(d)) in table]
        found[claim.id] = str(min(ranks)[0]) if ranks else "not rated"
    return found


def test_every_claim_of_the_seed_build_has_its_studys_level(built: Path, corpus: Corpus) -> None:
    rows = select(load_store(built / "jakdm.trig"), """
        PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
        SELECT ?claim ?level WHERE { ?claim a jakkg:Claim OPTIONAL { GRAPH ?g { ?claim jakkg:evidenceLevel ?level } FILTER(STRENDS(STR(?g), "#provenance")) } }""")
    got = {c.rsplit("/", 1)[1]: (lv.rsplit("Level", 1)[1] if lv else "not rated") for c, lv in rows}
    assert got == expected_levels(corpus)
    # the cases the issue names: a letter reporting someone else's case report rests on the case report
    aeschlimann = [c for c in corpus.claims.values() if c.attributed_to == "aeschlimann-2018"]
    assert aeschlimann and all(got[c.id] == "4" for c in aeschlimann)
    own_letter = [c for c in corpus.claims.values() if corpus.source_of[c.id] == "allenbach-2019" and not c.attributed_to]
    assert own_letter and all(got[c.id] == "5" for c in own_letter)
    assert sorted(set(got.values())) == ["3", "4", "5", "not rated"]


def test_cli_query_lists_levels_as_csv(built: Path) -> None:
    result = run_cli("query", "evidence-levels", "--build", str(built), "--engine", "oxigraph", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert {r["levelNumber"] for r in rows} == {"3", "4", "5", "not rated"}
    assert [r["levelNumber"] for r in rows] == sorted(r["levelNumber"] for r in rows), "best level first"
    improvements = run_cli("query", "improvements", "--build", str(built), "--format", "csv")
    assert "evidenceLevel" in improvements.output.splitlines()[0]
