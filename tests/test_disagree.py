"""Disagreements found by the graph (issue 14): each rule on the seed corpus, the verdicts and the command line."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from jakkg.disagree import CURATED, compare, read_rejected, rule_files, run_rules
from jakkg.store import load_store, select

from .conftest import run_cli


@pytest.fixture(scope="module")
def seed_store(built: Path):
    return load_store(built / "jakdm.trig")


def short(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def groups_of(found, rule: str) -> list[tuple[list[str], ...]]:
    """Each group of a rule as its sides, each side the sorted short ids of its claims."""
    return [tuple(sorted(short(m.claim) for m in g.members if m.side == s) for s in g.sides()) for g in found if g.rule == rule]


def test_four_rules_ship_as_sparql_files() -> None:
    assert [p.stem for p in rule_files()] == ["different-targets", "opposite-direction", "same-study-different-facts",
                                              "same-subtype-opposite-course"]


def test_same_study_rule_finds_the_aeschlimann_case(seed_store) -> None:
    """000 says Aeschlimann et al.'s JDM case improved on ruxolitinib, 001 on baricitinib."""
    found = run_rules(seed_store)
    assert groups_of(found, "same-study-different-facts") == [(["AL19-C023"], ["LC19-C008"])]
    assert [g.pairs for g in found if g.rule == "same-study-different-facts"] == [1]


def test_target_rule_finds_tofacitinib(seed_store) -> None:
    """000: tofacitinib inhibits JAK1/2/3; 001: JAK1/3 -- one group, 000's JAK2 claim against each of 001's targets
    (000's JAK1 and JAK3 claims make no pair and are left out)."""
    found = run_rules(seed_store)
    assert groups_of(found, "different-targets") == [(["AL19-C029"], ["LC19-C001", "LC19-C002"])]
    assert [g.pairs for g in found if g.rule == "different-targets"] == [2]


def test_opposite_direction_works_at_class_level(seed_store) -> None:
    found = [g for g in run_rules(seed_store) if g.rule == "opposite-direction"]
    calcinosis = [g for g in found if {"AL19-C068", "AL19-C069", "LC19-C042"} <= {short(m.claim) for m in g.members}]
    assert len(calcinosis) == 1 and calcinosis[0].detail == "level=class", "two JAK inhibitors, calcinosis"
    negative = {short(m.claim) for m in calcinosis[0].members if m.side == "negative"}
    assert {"AL19-C068", "AL19-C069"} <= negative and "LC19-C042" not in negative
    # never the same study: a group's pairs are fewer than its sides' product when claims share a study
    for g in found:
        sides = g.sides()
        assert sides == ["negative", "positive"] and 0 < g.pairs <= len(g.members) ** 2
        for a in g.members:
            assert any(g.is_pair(a, b) for b in g.members), f"{short(a.claim)} listed without a pair"


def test_every_curated_seed_link_is_found_by_a_rule(seed_store) -> None:
    """Issue 14: the rules' recall on the curated set is 14 of 14. The nine anti-MDA5 lung links, Sabbagh's two
    children (LC19-C007) and Kurasawa's and Kato's adults (C018, C019) whose lung disease improved on tofacitinib
    against the authors' four adults on JAK inhibitors, three worsened (C029), died (C030) of respiratory failure
    (C031), are found by the subtype rule: same autoantibody (IFIH1), any age."""
    rows, counts = compare(seed_store, None)
    assert (counts["curated"], counts["curated missed"]) == (14, 0)
    found = [g for g in run_rules(seed_store) if g.rule == "same-subtype-opposite-course"]
    assert [g.key for g in found] == [("http://identifiers.org/hgnc/18873",)]
    assert groups_of(found, "same-subtype-opposite-course") == [
        (["LC19-C029", "LC19-C030", "LC19-C031"],
         ["LC19-C005", "LC19-C006", "LC19-C007", "LC19-C018", "LC19-C019", "LC19-C039", "LC19-C042"])]
    assert found[0].sides() == ["bad", "good"] and found[0].pairs == 21
    row = next(r for r in rows if r["rule"] == "same-subtype-opposite-course")
    assert (row["confirmed"], row["open"], row["verdict"]) == ("9", "12", "confirmed")


def test_curated_links_are_compared(seed_store, tmp_path: Path) -> None:
    rejected = tmp_path / "rejected.yaml"
    rejected.write_text("- claims: [LC19-C042, DI21-C046]\n  reason: not a pair\n"
                        "- claims: [MA-C051, DI21-C046]\n  reason: different patients, both can be true\n")
    rows, counts = compare(seed_store, rejected)
    assert {k: counts[k] for k in ("groups", "candidates", "confirmed", "rejected", "open", "curated", "curated missed")} == \
        {"groups": 5, "candidates": 33, "confirmed": 14, "rejected": 1, "open": 18, "curated": 14, "curated missed": 0}
    by_claims = {(r["side_a"], r["side_b"]): r for r in rows}
    assert by_claims[("AL19-C023", "LC19-C008")]["verdict"] == "confirmed"
    rash = by_claims[("DI21-C046", "MA-C040 MA-C051")]
    assert (rash["pairs"], rash["rejected"], rash["open"], rash["verdict"]) == ("2", "1", "1", "open (1 of 2 pairs)")
    # Sabbagh's juvenile lung improvement against the authors' adult deaths: found by the subtype rule
    assert "curated, found by no rule" not in {r["verdict"] for r in rows}


def test_cli_writes_candidates_and_rejects_a_bad_verdict_file(built: Path, tmp_path: Path) -> None:
    result = run_cli("disagreements", str(built / "jakdm.trig"), "--out", str(tmp_path), "--rejected", str(tmp_path / "none.yaml"))
    assert result.exit_code == 0, result.output
    assert "33 candidate pair(s) in 5 group(s): 14 pair(s) confirmed" in result.output
    first = (tmp_path / "disagreement-candidates.csv").read_bytes()
    rows = list(csv.DictReader(io.StringIO(first.decode())))
    assert len(rows) == 5 and sum(int(r["pairs"]) for r in rows if r["rule"]) == 33 and rows[0]["papers_a"]
    run_cli("disagreements", str(built / "jakdm.trig"), "--out", str(tmp_path), "--rejected", str(tmp_path / "none.yaml"))
    assert (tmp_path / "disagreement-candidates.csv").read_bytes() == first
    bad = tmp_path / "bad.yaml"
    bad.write_text("- claims: [AL19-C023]\n  reason: x\n")
    result = run_cli("disagreements", str(built / "jakdm.trig"), "--out", str(tmp_path), "--rejected", str(bad))
    assert result.exit_code == 2 and "bad.yaml: entry 1" in result.output
    assert (tmp_path / "disagreement-candidates.csv").read_bytes() == first


def test_every_seed_pair_has_a_curators_verdict(built: Path, tmp_path: Path) -> None:
    """With data/rejected-disagreements.yaml (the command's default), every candidate pair of the seed has a verdict:
    14 pairs confirmed by curated links, 19 rejected with a reason, none open; of the 5 groups, 4 confirmed and 1
    rejected. In the anti-MDA5 group only the lung pairs are confirmed (improved ILD on tofacitinib, C007, C018,
    C019, against the authors' adults who worsened and died of respiratory failure, C029, C030, C031); the
    children's muscle, skin, ulcer and calcinosis responses against those deaths are rejected."""
    from .conftest import DATA

    store = load_store(built / "jakdm.trig")
    rows, counts = compare(store, DATA / "rejected-disagreements.yaml")
    assert (counts["candidates"], counts["confirmed"], counts["rejected"], counts["open"]) == (33, 14, 19, 0)
    assert (counts["groups"], counts["groups confirmed"], counts["groups rejected"]) == (5, 4, 1)
    groups = [r for r in rows if r["rule"]]
    assert all(r["open"] == "0" and int(r["confirmed"]) + int(r["rejected"]) == int(r["pairs"]) for r in groups)
    verdicts = [r["verdict"] for r in groups]
    assert all(v == "confirmed" or v.startswith("rejected: ") and len(v) > 40 for v in verdicts)
    mda5 = next(r for r in groups if r["rule"] == "same-subtype-opposite-course")
    assert (mda5["pairs"], mda5["confirmed"], mda5["rejected"]) == ("21", "9", "12")
    lung = {(f"LC19-C0{g}", f"LC19-C0{b}") for g in ("07", "18", "19") for b in ("29", "30", "31")}
    links = {tuple(sorted(short(x) for x in pair)) for pair in select(store, CURATED)}
    assert lung <= links and not any(("LC19-C029" in p or "LC19-C030" in p or "LC19-C031" in p) for p in links - lung)
    # every rejected pair is a pair some rule proposes (a stale verdict would hide nothing and mislead)
    assert counts["rejected"] == len(read_rejected(DATA / "rejected-disagreements.yaml"))
    result = run_cli("disagreements", str(built / "jakdm.trig"), "--out", str(tmp_path),
                     "--rejected", str(DATA / "rejected-disagreements.yaml"))
    assert "14 pair(s) confirmed by a curated link, 19 rejected by a curator, 0 open; groups: 4 confirmed, 1 rejected, 0 open" \
        in result.output


# -- groups on fixtures: counts by arithmetic, rows linear in claims ---------------------------------
PREFIXES = """@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix jakkg: <https://w3id.org/jakkg/vocab/> .
@prefix biolink: <https://w3id.org/biolink/vocab/> .
@prefix c: <https://w3id.org/jakkg/jakdm/claim/> .
@prefix ex: <https://example.org/> .
ex:tofa a jakkg:JAKInhibitor, biolink:Drug . ex:bari a jakkg:JAKInhibitor, biolink:Drug .
"""


def claim(cid: str, subject: str, obj: str, paper: str, *, negated: bool = False, predicate: str = "ex:treats",
          extra: str = "") -> str:
    return (f"c:{cid} a jakkg:Claim ; rdf:subject {subject} ; rdf:predicate {predicate} ; rdf:object {obj} ; "
            f"jakkg:negated {str(negated).lower()} ; dcterms:source ex:{paper} {extra}.\n")


def store_of(tmp_path: Path, name: str, turtle: str):
    path = tmp_path / f"{name}.ttl"
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return load_store(path, on_disk=False)


def test_a_group_of_3_by_4_claims_is_one_row_of_12_pairs(tmp_path: Path) -> None:
    """Three papers say tofacitinib failed to improve the rash, four that it improved it: one candidate, 12 pairs;
    one curated link confirms it, two rejected pairs leave 9 open."""
    turtle = "".join(claim(f"N{i}", "ex:tofa", "ex:rash", f"n{i}", negated=True) for i in range(3))
    turtle += "".join(claim(f"P{i}", "ex:tofa", "ex:rash", f"p{i}") for i in range(4))
    turtle += "c:N0 jakkg:disagreesWith c:P0 .\n"
    rejected = tmp_path / "rejected.yaml"
    rejected.write_text("- claims: [N1, P1]\n  reason: different patients\n- claims: [P2, N2]\n  reason: different doses\n")
    rows, counts = compare(store_of(tmp_path, "group", turtle), rejected)
    assert len(rows) == 1
    row = rows[0]
    assert (row["rule"], row["key"], row["sides"]) == ("opposite-direction", "tofa treats rash not stated effect", "negative | positive")
    assert (row["side_a"], row["side_b"], row["papers_a"]) == ("N0 N1 N2", "P0 P1 P2 P3", "n0 n1 n2")
    assert (row["pairs"], row["confirmed"], row["rejected"], row["open"], row["verdict"]) == ("12", "1", "2", "9", "confirmed")
    assert (counts["groups"], counts["candidates"], counts["open"], counts["curated missed"]) == (1, 12, 9, 0)
    # without the curated link the group is open; with all 12 pairs rejected, rejected with the reasons
    rows, _ = compare(store_of(tmp_path, "open", turtle.replace("c:N0 jakkg:disagreesWith c:P0 .\n", "")), rejected)
    assert rows[0]["verdict"] == "open (10 of 12 pairs)"
    every = tmp_path / "every.yaml"
    every.write_text("".join(f"- claims: [N{i}, P{j}]\n  reason: reason {i % 2}\n" for i in range(3) for j in range(4)))
    rows, _ = compare(store_of(tmp_path, "open", turtle.replace("c:N0 jakkg:disagreesWith c:P0 .\n", "")), every)
    assert rows[0]["verdict"] == "rejected: reason 0 / reason 1" and rows[0]["open"] == "0"


def test_pairs_exclude_claims_of_one_study_and_one_drug_in_the_class_group(tmp_path: Path) -> None:
    """Counted, not enumerated: a negative and a positive claim of one study are no pair; in the class group two
    claims on one drug are left to that drug's group (each pair in one group only)."""
    turtle = claim("N0", "ex:tofa", "ex:rash", "a", negated=True) + claim("P0", "ex:tofa", "ex:rash", "a")
    turtle += claim("P1", "ex:tofa", "ex:rash", "b") + claim("P2", "ex:bari", "ex:rash", "c")
    turtle += claim("P3", "ex:bari", "ex:rash", "d", extra="; jakkg:attributedTo ex:a")  # reports study a
    found = run_rules(store_of(tmp_path, "apart", turtle))
    assert [(g.key[0].rsplit("/", 1)[1], g.pairs, sorted(short(m.claim) for m in g.members)) for g in found] == [
        ("D000075242", 1, ["N0", "P2"]),  # N0-P3 share study a; N0-P0, N0-P1 are tofacitinib's
        ("tofa", 1, ["N0", "P1"]),  # N0-P0 share paper a
    ]


SUBTYPE = """ex:kids jakkg:hasAutoantibodyAgainst <http://identifiers.org/hgnc/18873> . ex:adults jakkg:diagnosis obo:MONDO_1010064 ;
  jakkg:treatedWith ex:tofa . ex:nxp2 jakkg:hasAutoantibodyAgainst ex:MORC3 ; jakkg:treatedWith ex:tofa .
"""
DEATH = "<http://id.nlm.nih.gov/mesh/D003643>"


def course(cid: str, subject: str, obj: str, paper: str, pop: str, direction: str, *, predicate: str = "obo:RO_0003307",
           negated: bool = False, extra: str = "") -> str:
    return claim(cid, subject, obj, paper, predicate=predicate, negated=negated,
                 extra=f"; jakkg:population ex:{pop} ; jakkg:direction jakkg:{direction} {extra}")


def test_subtype_rule_sets_good_against_bad_course_on_one_autoantibody(tmp_path: Path) -> None:
    """Children with anti-MDA5 antibodies improve, adults diagnosed with anti-MDA5 DM worsen and die: one group keyed
    by IFIH1 (HGNC:18873; the diagnosis maps to its antigen). Not counted: a claim of the same study, a negated claim, a baseline
    state, a signalling read-out, a death in an anti-NXP2 population (another subtype, no good side)."""
    turtle = SUBTYPE + course("G1", "ex:tofa", "ex:ild", "p1", "kids", "Improved")
    turtle += course("G2", "ex:bari", "ex:skin", "p1", "kids", "Resolved")
    turtle += course("B1", "ex:tofa", "ex:dm", "p2", "adults", "Worsened")
    turtle += course("B2", "ex:adults", DEATH, "p2", "adults", "Observed", predicate="obo:RO_0002200")
    turtle += course("X1", "ex:tofa", "ex:rash", "p2", "adults", "Improved")  # same study as the bad claims
    turtle += course("X2", "ex:tofa", "ex:ild", "p3", "adults", "Worsened", negated=True)
    turtle += course("X3", "ex:adults", DEATH, "p3", "adults", "Observed", predicate="obo:RO_0002200",
                     extra="; jakkg:timePointLabel jakkg:Baseline")
    turtle += course("X4", "ex:tofa", "ex:stat1", "p3", "adults", "Improved", predicate="obo:RO_0002212")
    turtle += course("X5", "ex:nxp2", DEATH, "p3", "nxp2", "Observed", predicate="obo:RO_0002200")
    found = [g for g in run_rules(store_of(tmp_path, "subtype", turtle)) if g.rule == "same-subtype-opposite-course"]
    assert [short(g.key[0]) for g in found] == ["18873"]  # IFIH1
    assert groups_of(found, "same-subtype-opposite-course") == [(["B1", "B2"], ["G1", "G2"])] and found[0].pairs == 4


def copies(k: int) -> str:
    """k copies of a small literature, each in its own papers: opposite directions at class level, different target
    lists, one study described with two drugs, and anti-MDA5 children improving against adults dying."""
    out = []
    for i in range(k):
        out += [claim(f"N{i}", "ex:tofa", "ex:rash", f"a{i}", negated=True), claim(f"P{i}", "ex:bari", "ex:rash", f"b{i}"),
                claim(f"T{i}x", "ex:tofa", "ex:JAK1", f"a{i}", predicate="obo:RO_0002449"),
                claim(f"T{i}y", "ex:tofa", "ex:JAK2", f"a{i}", predicate="obo:RO_0002449"),
                claim(f"T{i}z", "ex:tofa", "ex:JAK1", f"b{i}", predicate="obo:RO_0002449"),
                claim(f"S{i}a", "ex:tofa", "ex:skin", f"a{i}", extra="; jakkg:attributedTo ex:study"),
                claim(f"S{i}b", "ex:bari", "ex:skin", f"b{i}", extra="; jakkg:attributedTo ex:study"),
                course(f"G{i}", "ex:tofa", "ex:ild", f"a{i}", "kids", "Improved"),
                course(f"B{i}", "ex:adults", DEATH, f"b{i}", "adults", "Observed", predicate="obo:RO_0002200")]
    return SUBTYPE + "".join(out)


def test_rules_return_rows_linear_in_claims(tmp_path: Path) -> None:
    """Counting, not timing: each rule's SPARQL returns k times the rows of one copy (at most two rows per claim),
    while the pairs its groups stand for grow as k squared and the groups stay as many."""
    rows: dict[int, dict[str, int]] = {}
    pairs: dict[int, int] = {}
    for k in (1, 2, 4, 8):
        store = store_of(tmp_path, f"copies{k}", copies(k))
        rows[k] = {p.stem: len(list(store.query(p.read_text(encoding="utf-8"), use_default_graph_as_union=True)))
                   for p in rule_files()}
        found = run_rules(store)
        pairs[k] = sum(g.pairs for g in found)
        assert len(found) == 4 and all(n <= 2 * 9 * k for n in rows[k].values())
    for k in (2, 4, 8):
        assert rows[k] == {rule: n * k for rule, n in rows[1].items()}
        assert pairs[k] == pairs[1] * k * k  # 1 + 1 + 1 + 1 pairs a copy, k^2 once the copies meet
