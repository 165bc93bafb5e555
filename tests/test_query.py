"""The competency queries: their answers, the two embedded engines, parameters, safety and the CLI.

Answer tests run on two graphs (see sparql_support): the frozen fixture
corpus, where the papers' numbers are asserted exactly, and the real data/,
where each answer is compared with what the loaded corpus says it must be.
"""
# ruff: noqa: F811 -- pytest fixtures are imported from sparql_support and named as arguments
from __future__ import annotations

import json
import re
import shutil
import socket
import time
from collections import Counter, defaultdict
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from jakkg.build import JAKKG
from jakkg.query import (
    QueryError,
    QueryTimeout,
    canonical,
    canonical_duration,
    check_query,
    find_query,
    library,
    parse_header,
    parse_sparql_json,
    parse_value,
    render,
    run_in_worker,
    values_clause,
)

from .conftest import run_cli
from .sparql_support import (  # noqa: F401 -- fixtures
    Graphs,
    claim_iri,
    cohort_iri,
    dec,
    fixture_build,
    fixture_graphs,
    graphs,
    patient_iri,
    real_graphs,
    rows,
    study_iri,
)

QUERIES = sorted(library())
ZERO_TIMES = {"P0D", "P0M", "P0Y", "P0W"}


def time_text(g: Graphs, time: str) -> str:
    """How a query shows a time: the canonical duration, or the named time point's local name (LastFollowUp)."""
    if time in g.corpus.vocab.time_points:
        return str(g.corpus.vocab.time_points[time]).rsplit("/", 1)[1]
    return canonical_duration(time) or time


def paper(g: Graphs, claim) -> str:
    return str(study_iri(g.corpus.source_of[claim.id]))


def attributed(claim) -> str | None:
    return str(study_iri(claim.attributed_to)) if claim.attributed_to else None


def sparql_round(x: Decimal) -> Decimal:
    """XPath fn:round, as SPARQL ROUND: halves go toward positive infinity (-62.5 -> -62)."""
    return (x + Decimal("0.5")).to_integral_value(rounding=ROUND_FLOOR)


def asserted_objects(g: Graphs, subject_key: str, predicate: str) -> set[str]:
    """Objects of the non-negated claims 'subject predicate object': their triple is in the merged graph too."""
    return {str(g.node(c.object)) for c in claims(g, predicate) if c.subject == subject_key and not c.negated}


def claims(g: Graphs, predicate: str | None = None):
    return [c for c in g.corpus.claims.values() if predicate is None or c.predicate == predicate]


# =============================================================================
# The library itself
# =============================================================================
def test_library_has_at_least_twenty_queries_each_stating_its_question():
    queries = library()
    assert len(queries) >= 20
    for name, q in queries.items():
        assert re.fullmatch(r"[a-z0-9-]+", name), name
        assert q.question.endswith("?") and len(q.question) > 20, (name, q.question)
        checked = check_query(q.text, name)
        assert checked.form == "SELECT"
        assert "GRAPH" not in re.sub(r"#.*", "", q.text), f"{name} must read the merged graph, without GRAPH"
        for p in q.parameters:
            assert p.name in checked.variables, f"{name}: declared parameter ?{p.name} is not in the query"
            assert p.name not in checked.assigned, f"{name}: ?{p.name} is computed (BIND/AS), it cannot be a parameter"
            assert not checked.aggregated or p.name in checked.group_keys, f"{name}: ?{p.name} must be a GROUP BY key"
            assert p.kind in ("IRI", "literal") and p.description


def test_parse_header_reads_question_and_parameters():
    question, params = parse_header(
        "# What is asked?\n#\n# Explanation.\n#\n# Parameters:\n#   ?drug  IRI  one drug\n#   ?text literal a word\nSELECT ..."
    )
    assert question == "What is asked?"
    assert [(p.name, p.kind, p.description) for p in params] == [("drug", "IRI", "one drug"), ("text", "literal", "a word")]


def test_list_prints_every_name_and_question():
    result = run_cli("query", "--list")
    assert result.exit_code == 0, result.output
    for name, q in library().items():
        assert re.search(rf"^{re.escape(name)}\s+{re.escape(q.question)}$", result.output, re.MULTILINE), name
    assert "--param claim=" in result.output


# =============================================================================
# Two engines, one answer
# =============================================================================
@pytest.mark.parametrize("name", QUERIES)
def test_rdflib_and_oxigraph_give_identical_answers(graphs: Graphs, name: str):
    a = graphs.run(name, "rdflib")
    b = graphs.run(name, "oxigraph")
    assert a.variables == b.variables
    assert a.sorted_rows() == b.sorted_rows()
    assert a.rows == b.rows, "same rows in the same ORDER BY order"


@pytest.mark.parametrize("name", QUERIES)
def test_every_query_answers_on_the_fixture(fixture_graphs: Graphs, name: str):
    """Every query returns rows on the fixture, so every answer test below has something to check."""
    assert fixture_graphs.run(name).rows, name


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
def test_trig_input_gives_the_merged_graphs_answers(fixture_build: Path, engine: str):
    """--input jakdm.trig (named graphs, queried as their merge) answers like jakdm.ttl: shared triples count once."""
    from jakkg.query import make_engine

    trig, ttl = make_engine(engine, fixture_build / "jakdm.trig"), make_engine(engine, fixture_build / "jakdm.ttl")
    for name in QUERIES:
        assert trig.run(library()[name].text).rows == ttl.run(library()[name].text).rows, name


def test_cli_output_is_byte_identical_across_engines_and_runs(fixture_build: Path):
    ttl = fixture_build / "jakdm.ttl"
    for fmt in ("table", "csv", "tsv", "json"):
        outs = [run_cli("query", "outcome-statistics", "--input", ttl, "--engine", e, "--format", fmt) for e in ("rdflib", "oxigraph", "rdflib")]
        assert all(o.exit_code == 0 for o in outs), outs[0].output
        assert outs[0].output == outs[1].output == outs[2].output, fmt


# =============================================================================
# Answers, checked against the corpus (both graphs) and the papers (fixture)
# =============================================================================
def test_drug_targets(graphs: Graphs):
    expected = {
        (str(graphs.node(c.subject)), str(graphs.node(c.object)), paper(graphs, c), attributed(c), str(claim_iri(c.id)))
        for c in claims(graphs, "inhibits") if not c.negated
    }
    got = {(r["drug"], r["kinase"], r["paper"], r["study"], r["claim"]) for r in rows(graphs.run("drug-targets"))}
    assert got == expected


def test_drug_targets_keep_the_papers_disagreement_on_tofacitinib(fixture_graphs: Graphs):
    g = fixture_graphs
    result = rows(g.run("drug-targets", drug=g.node("tofacitinib")))
    per_paper = defaultdict(set)
    for r in result:
        assert r["drugLabel"] == "tofacitinib"
        per_paper[r["paper"].rsplit("/", 1)[1]].add(r["kinaseLabel"])
    # 000: "tofacitinib (JAK1/2/3 inhibitor)"; 001: "a Janus Kinase 1 and 3 (JAK 1/3) inhibitor (tofacitinib)"
    assert per_paper == {"allenbach-2019": {"JAK1", "JAK2", "JAK3"}, "landon-cardinal-2019": {"JAK1", "JAK3"}}
    baricitinib = {r["kinaseLabel"] for r in rows(g.run("drug-targets", drug=g.node("baricitinib")))}
    assert baricitinib == {"JAK1", "JAK2"}  # "a Janus Kinase 1/2 (JAK1/2) inhibitor (baricitinib)"


def test_drug_pathways(graphs: Graphs):
    signalling_predicates = {"involved_in", "participates_in"}
    inhibitions = [c for c in claims(graphs, "inhibits") if not c.negated]
    signals = [c for c in graphs.corpus.claims.values() if c.predicate in signalling_predicates and not c.negated]
    expected: dict[tuple[str, str, str], tuple[set, set, set]] = {}
    for i in inhibitions:
        for s in signals:
            if graphs.node(i.object) == graphs.node(s.subject):
                key = (str(graphs.node(i.subject)), str(graphs.node(i.object)), str(graphs.node(s.object)))
                inh, sig, papers = expected.setdefault(key, (set(), set(), set()))
                inh.add(i.id), sig.add(s.id), papers.update({paper(graphs, i), paper(graphs, s)})
    got = {(r["drug"], r["kinase"], r["pathway"]): (r["inhibitionClaims"], r["signallingClaims"], r["papers"])
           for r in rows(graphs.run("drug-pathways"))}
    assert got == {k: (len(a), len(b), len(c)) for k, (a, b, c) in expected.items()}


def test_drug_pathways_in_the_papers(fixture_graphs: Graphs):
    g = fixture_graphs
    result = rows(g.run("drug-pathways", drug=g.node("baricitinib")))
    links = {(r["kinaseLabel"], r["pathwayLabel"]) for r in result}
    # 000: "JAK 1 and 2 proteins are involved in signalling of ... IL-2, IL-4 or IL-6"; "JAK2 also transduces growth hormone signal"
    assert ("JAK2", g.corpus.entities["il-6-mediated-signalling"].label) in links
    assert ("JAK1", g.corpus.entities["interferon-signalling"].label) in links
    growth = next(r for r in result if r["pathway"] == str(g.node("growth-hormone-receptor-signalling")))
    assert (growth["kinaseLabel"], growth["signallingClaims"], growth["papers"]) == ("JAK2", 2, 1 + 1)  # said in 000 and in 001


def test_improvements(graphs: Graphs):
    expected = {
        str(claim_iri(c.id)): (c.direction, c.n, c.N, c.percent, paper(graphs, c), attributed(c))
        for c in claims(graphs, "ameliorates") if c.direction in ("improved", "resolved") and not c.negated
    }
    got = {r["claim"]: (r["direction"], r["n"], r["N"], r["percentage"], r["paper"], r["study"])
           for r in rows(graphs.run("improvements"))}
    assert got == {k: (d, n, N, dec(p), pa, st) for k, (d, n, N, p, pa, st) in expected.items()}


def test_improvements_in_the_papers(fixture_graphs: Graphs):
    by_claim = {r["claim"].rsplit("/", 1)[1]: r for r in rows(fixture_graphs.run("improvements"))}
    assert (by_claim["D21-C02"]["n"], by_claim["D21-C02"]["N"], by_claim["D21-C02"]["percentage"]) == (16, 24, Decimal("66.7"))
    assert by_claim["D21-C02"]["direction"] == "resolved"
    assert (by_claim["A19-C15"]["n"], by_claim["A19-C15"]["N"]) == (9, 9)  # "All patients (n = 9) met the primary endpoint"
    assert by_claim["A19-C15"]["study"].endswith("/paik-2018")
    assert by_claim["LC22-C017"]["percentage"] == 90  # "At 3-months, 90% of patients had a clinical cutaneous improvement"
    assert by_claim["LC22-C010"]["timePoint"] == "P3M"
    assert by_claim["LC22-C011"]["timePoint"] == "LastFollowUp"
    assert "L19-C07" not in by_claim  # worsened: not an improvement
    rash = rows(fixture_graphs.run("improvements", condition=fixture_graphs.node("skin-rash")))
    assert {r["claim"].rsplit("/", 1)[1] for r in rash} == {"D21-C01", "D21-C02", "D21-C05", "MA-C04"}


def test_adverse_events(graphs: Graphs):
    expected = {(str(claim_iri(c.id)), "not seen" if c.negated else "seen", c.n, c.N) for c in claims(graphs, "has_adverse_event")}
    got = {(r["claim"], r["seen"], r["n"], r["N"]) for r in rows(graphs.run("adverse-events"))}
    assert got == expected


def test_adverse_events_in_the_papers(fixture_graphs: Graphs):
    g = fixture_graphs
    result = rows(g.run("adverse-events", event=g.node("thromboembolism")))
    # 002: "One patient developed thromboembolic events"; 004: "No thromboembolic event was observed as well."
    assert {(r["paper"].rsplit("/", 1)[1], r["seen"], r["n"], r["N"]) for r in result} == {
        ("landon-cardinal-2022", "seen", 1, 16), ("ding-2021", "not seen", None, None)}
    zoster = rows(g.run("adverse-events", event=g.node("herpes-zoster")))
    assert {r["seen"] for r in zoster} == {"not seen"} and len(zoster) == 2
    meningitis = rows(g.run("adverse-events", drug=g.node("tofacitinib")))
    assert [(r["eventLabel"], r["seen"], r["n"], r["N"]) for r in meningitis] == [("herpes simplex meningitis", "seen", 1, 2)]


def test_anti_mda5_patients(graphs: Graphs):
    c = graphs.corpus
    ifih1, mda5_dm = graphs.node("IFIH1"), graphs.node("anti-mda5-dermatomyositis")
    pops = {str(patient_iri(p.id)) for p in c.patients.values()
            if ifih1 in {graphs.node(a) for a in p.autoantibodies} or graphs.node(p.disease) == mda5_dm}
    pops |= {str(cohort_iri(co.id)) for co in c.cohorts.values() if graphs.node(co.disease) == mda5_dm}
    pops |= {str(graphs.node(cl.subject)) for cl in claims(graphs, "has_autoantibody_against")
             if not cl.negated and graphs.node(cl.object) == ifih1}
    expected = {(pop, str(claim_iri(cl.id)) if cl else None) for pop in pops
                for cl in ([x for x in c.claims.values() if x.population and str(graphs.node(x.population)) == pop] or [None])}
    got = {(r["population"], r["claim"]) for r in rows(graphs.run("anti-mda5-patients"))}
    assert got == expected


def test_anti_mda5_patients_in_the_papers(fixture_graphs: Graphs):
    result = rows(fixture_graphs.run("anti-mda5-patients"))
    own = [r for r in result if r["population"].endswith("/LC19-MDA5")]
    # 001: "only a single patient improved, while three others worsened and died of respiratory failure"
    assert {(r["direction"], r["n"], r["N"]) for r in own if r["direction"]} == {("improved", 1, 4), ("worsened", 3, 4)}
    assert {r["kind"] for r in own} == {"cohort"}
    second = {r["claimLabel"] for r in result if r["population"].endswith("/SAB-P2")}
    assert any("digital ulcer" in label.lower() and "resolved" in label for label in second)
    table = {r["population"].rsplit("/", 1)[1] for r in result if r["population"].rsplit("/", 1)[1].startswith("LC22-P")}
    assert table == {"LC22-P12", "LC22-P13", "LC22-P16"}  # Table 1: the three Anti-MDA5 rows


def _expected_cdasi(g: Graphs) -> dict[tuple[str, str], tuple[Decimal, Decimal]]:
    out = {}
    for p in g.corpus.patients.values():
        ms = [m for m in p.measurements if m.instrument == "cdasi" or g.corpus.resolve(m.instrument) is g.corpus.entities.get("cdasi")]
        base = [m for m in ms if m.time in ZERO_TIMES or m.time == "baseline"]
        for b in base:
            for m in ms:
                if m.time not in ZERO_TIMES and m.time != "baseline":
                    out[(str(patient_iri(p.id)), time_text(g, m.time))] = (b.value, m.value)
    return out


def test_cdasi_per_patient(graphs: Graphs):
    got = {}
    for r in rows(graphs.run("cdasi-per-patient")):
        got[(r["patient"], r["followUpTime"])] = (r["baseline"], r["followUp"])
        assert r["change"] == r["followUp"] - r["baseline"]
        if r["baseline"]:
            expected_pct = sparql_round(100 * r["change"] / r["baseline"])
            assert r["percentChange"] == expected_pct
        else:
            assert r["percentChange"] is None
    assert got == _expected_cdasi(graphs)


def test_cdasi_per_patient_matches_table_1_and_the_text(fixture_graphs: Graphs):
    g = fixture_graphs
    result = rows(g.run("cdasi-per-patient", paper=study_iri("landon-cardinal-2022")))
    by_patient = {r["patient"].rsplit("/", 1)[1]: r for r in result}
    assert len(result) == 15  # 16 patients, patient 11 has no CDASI at M3 (NA)
    p12 = by_patient["LC22-P12"]
    assert (p12["baseline"], p12["followUp"], p12["change"], p12["percentChange"]) == (20, 7, -13, -65)
    assert by_patient["LC22-P14"]["percentChange"] is None  # CDASI 0 at baseline
    # "14 of 16 (88%) had active cutaneous disease activity" (inclusion: CDASI >= 10), and the text's
    # "At baseline, mean \u00b1 SD CDASI was 27 \u00b1 13" is the mean of those 14 rows of Table 1.
    active = [r["baseline"] for r in result if r["baseline"] >= 10]
    assert len(active) == 14
    summary = next(r for r in rows(g.run("outcome-statistics")) if r["claim"].endswith("/LC22-C010") and r["role"] == "baseline")
    assert (sum(active) / len(active)).quantize(Decimal(1), ROUND_HALF_UP) == summary["mean"] == 27


def test_disagreements(graphs: Graphs):
    expected = {frozenset({str(claim_iri(c.id)), str(claim_iri(o))}) for c in graphs.corpus.claims.values() for o in c.disagrees_with}
    result = rows(graphs.run("disagreements"))
    got = [frozenset({r["claimA"], r["claimB"]}) for r in result]
    assert len(got) == len(set(got)), "each pair once"
    assert set(got) == expected
    assert all(r["claimA"] < r["claimB"] for r in result)


def test_disagreements_in_the_papers(fixture_graphs: Graphs):
    pairs = {(r["claimA"].rsplit("/", 1)[1], r["claimB"].rsplit("/", 1)[1]) for r in rows(fixture_graphs.run("disagreements"))}
    # 000 says JAK inhibitors failed to improve calcinosis; 001 reports a JDM case whose calcinosis improved.
    assert pairs == {("A19-C04", "L19-C01"), ("A19-C12", "L19-C05")}


def test_reported_from_other_studies(graphs: Graphs):
    expected = {(str(claim_iri(c.id)), paper(graphs, c), attributed(c)) for c in graphs.corpus.claims.values()
                if c.attributed_to and c.attributed_to != graphs.corpus.source_of[c.id]}
    got = {(r["claim"], r["paper"], r["study"]) for r in rows(graphs.run("reported-from-other-studies"))}
    assert got == expected


def test_reported_from_other_studies_in_the_letters(fixture_graphs: Graphs):
    g = fixture_graphs
    result = rows(g.run("reported-from-other-studies", paper=study_iri("landon-cardinal-2019")))
    assert {r["studyLabel"] for r in result} == {"Sabbagh et al. 2019"}
    assert len(result) == 5
    papadopoulou = rows(g.run("reported-from-other-studies", study=study_iri("papadopoulou-2019")))
    assert {r["paperLabel"] for r in papadopoulou} == {"Allenbach et al. 2019"} and len(papadopoulou) == 3


def test_own_vs_reported(graphs: Graphs):
    counts: dict[str, Counter] = defaultdict(Counter)
    for c in graphs.corpus.claims.values():
        reported = bool(c.attributed_to and c.attributed_to != graphs.corpus.source_of[c.id])
        counts[paper(graphs, c)]["reported" if reported else "own"] += 1
    got = {r["paper"]: (r["claims"], r["ownClaims"], r["reportedClaims"]) for r in rows(graphs.run("own-vs-reported"))}
    assert got == {p: (c["own"] + c["reported"], c["own"], c["reported"]) for p, c in counts.items()}


def test_claim_evidence(graphs: Graphs):
    c = graphs.corpus
    expected = {(str(claim_iri(cid)), c.claims[cid].quote[i], m.start, m.end)
                for (cid, i), m in c.quotes.items() if cid in c.claims}
    result = rows(graphs.run("claim-evidence"))
    assert {(r["claim"], r["quote"], r["start"], r["end"]) for r in result} == expected
    for r in result:
        study = c.papers[r["paper"].rsplit("/", 1)[1]]
        assert r["citation"] == study.citation and r["doi"] == study.doi


def test_claim_evidence_for_one_claim(fixture_graphs: Graphs):
    g = fixture_graphs
    result = rows(g.run("claim-evidence", claim=claim_iri("LC22-C010")))
    assert [r["quote"] for r in result] == g.corpus.claims["LC22-C010"].quote
    assert {r["evidenceType"] for r in result} == {"http://purl.obolibrary.org/obo/ECO_0007121"}
    assert result[0]["curationFile"].endswith("claims/002.yaml")
    text = (g.corpus.sources_dir / g.corpus.papers["landon-cardinal-2022"].seed).read_text(encoding="utf-8")
    assert "27 \\pm 13" in text[int(result[0]["start"]):int(result[0]["end"])]
    reported = rows(g.run("claim-evidence", claim=claim_iri("A19-C11")))
    assert reported[0]["study"].endswith("/papadopoulou-2019")
    assert reported[0]["evidenceType"] == "http://purl.obolibrary.org/obo/ECO_0006017"


def test_claims_per_design(graphs: Graphs):
    c = graphs.corpus
    studies = c.all_studies()
    per_design: dict[str | None, tuple[set, set]] = defaultdict(lambda: (set(), set()))
    for cl in c.claims.values():
        study = cl.attributed_to or c.source_of[cl.id]
        for design in [str(graphs.node(d)) for d in studies[study].design] or [None]:
            per_design[design][0].add(cl.id), per_design[design][1].add(study)
    got = {r["design"]: (r["claims"], r["studies"]) for r in rows(graphs.run("claims-per-design"))}
    assert got == {d: (len(a), len(b)) for d, (a, b) in per_design.items()}


def test_claims_per_design_in_the_papers(fixture_graphs: Graphs):
    got = {r["designLabel"]: r["claims"] for r in rows(fixture_graphs.run("claims-per-design"))}
    label = {k: fixture_graphs.corpus.entities[k].label for k in ("case-report", "retrospective-study")}
    # case reports: Papadopoulou (3 claims in 000), Sabbagh (5 in 001), Mastrolia's own case (4 of 5 in 003)
    assert got[label["case-report"]] == 3 + 5 + 4
    # retrospective: Ding et al. (12) and Huang et al. as reported in 003 (1)
    assert got[label["retrospective-study"]] == 12 + 1


def _stat(stat) -> tuple:
    if stat is None:
        return None
    return tuple(getattr(stat, f) for f in ("mean", "sd", "median", "q1", "q3", "min", "max", "value", "out_of")) + (stat.unit,)


def test_outcome_statistics(graphs: Graphs):
    roles = {"baseline": "baseline", "followup": "follow-up", "value": "value"}
    expected = {(str(claim_iri(c.id)), role): _stat(getattr(c, field))
                for c in graphs.corpus.claims.values() for field, role in roles.items() if getattr(c, field) is not None}
    got = {(r["claim"], r["role"]): tuple(r[k] for k in ("mean", "sd", "median", "q1", "q3", "min", "max", "value", "outOf", "unit"))
           for r in rows(graphs.run("outcome-statistics"))}
    assert got == expected


def test_outcome_statistics_cdasi_27_13_in_the_real_data(real_graphs: Graphs):
    """Paper 002: 'At baseline, mean \u00b1 SD CDASI was 27 \u00b1 13' -- curated by the lead in data/claims/002.yaml."""
    result = rows(real_graphs.run("outcome-statistics", measure=real_graphs.node("cdasi")))
    pilot = [r for r in result if r["paper"] == str(study_iri("landon-cardinal-2022"))]
    assert any((r["role"], r["mean"], r["sd"]) == ("baseline", 27, 13) for r in pilot), pilot
    assert any((r["role"], r["mean"], r["sd"], r["time"]) == ("follow-up", 14, 11, "P3M") for r in pilot), pilot


def test_outcome_statistics_in_the_papers(fixture_graphs: Graphs):
    g = fixture_graphs
    cmas = rows(g.run("outcome-statistics", measure=g.node("cmas")))
    # 004: "from 18.6 \u00b1 15.0 to 35.7 \u00b1 6.3, p = 0.018"
    assert {(r["role"], r["mean"], r["sd"]) for r in cmas} == {("baseline", Decimal("18.6"), 15), ("follow-up", Decimal("35.7"), Decimal("6.3"))}
    catbm = {r["role"]: (r["median"], r["q1"], r["q3"]) for r in rows(g.run("outcome-statistics", measure=g.node("cat-bm")))}
    assert catbm == {"baseline": (7, 3, 10), "follow-up": (0, 0, 1)}  # "from 7.0 (3.0\u201310.0) to 0.0 (0.0\u20131.0)"
    ldh = [r for r in rows(g.run("outcome-statistics")) if r["claim"].endswith("/D21-C10") and r["role"] == "baseline"]
    assert (ldh[0]["median"], ldh[0]["q1"], ldh[0]["q3"], ldh[0]["unit"]) == (Decimal("361.5"), Decimal("306.3"), Decimal("463.3"), "U/L")
    mmt = [r for r in rows(g.run("outcome-statistics", measure=g.node("mmt8"))) if r["claim"].endswith("/MA-C01")]
    assert {(r["role"], r["value"], r["outOf"], r["time"]) for r in mmt} == {("baseline", 35, 80, None), ("follow-up", 77, 80, "P63D")}


def test_p_values(graphs: Graphs):
    expected = {(str(claim_iri(c.id)), c.p_value.comparator, c.p_value.value) for c in graphs.corpus.claims.values() if c.p_value}
    result = rows(graphs.run("p-values"))
    assert {(r["claim"], r["comparator"], r["pValue"]) for r in result} == expected
    assert [r["pValue"] for r in result] == sorted(r["pValue"] for r in result)


def test_p_values_in_the_papers(fixture_graphs: Graphs):
    result = rows(fixture_graphs.run("p-values"))
    assert (result[0]["comparator"], result[0]["pValue"]) == ("<", Decimal("0.0001"))  # 002: p < 0.0001
    assert (result[-1]["claim"].rsplit("/", 1)[1], result[-1]["comparator"], result[-1]["pValue"]) == ("D21-C10", "=", Decimal("0.034"))


def test_doses(graphs: Graphs):
    c = graphs.corpus
    expected = {(str(claim_iri(x.id)), _stat(x.dose), x.dose.frequency) for x in c.claims.values() if x.dose}
    expected |= {(str(patient_iri(p.id)), _stat(p.dose), p.dose.frequency) for p in c.patients.values() if p.dose}
    drugs = {pid: {str(graphs.node(d)) for d in p.drugs} | asserted_objects(graphs, pid, "treated_with") for pid, p in c.patients.items()}
    result = rows(graphs.run("doses"))
    got = {(r["record"], (None, None, None, None, None, r["min"], r["max"], r["value"], None, r["unit"]), r["frequency"]) for r in result}
    assert got == expected
    assert len(result) == sum(1 for x in c.claims.values() if x.dose) + sum(len(drugs[pid]) for pid, p in c.patients.items() if p.dose)


def test_doses_in_the_papers(fixture_graphs: Graphs):
    g = fixture_graphs
    ding = [r for r in rows(g.run("doses")) if r["record"].endswith("/D21-C09")]
    assert [(r["drugLabel"], r["value"], r["unit"], r["frequency"]) for r in ding] == [
        (g.corpus.entities["jak-inhibitor"].label, Decimal("2.5"), "mg", "twice daily")]  # "2.5 mg twice daily"
    rux = rows(g.run("doses", drug=g.node("ruxolitinib")))
    assert sorted(r["value"] for r in rux if r["record"].rsplit("/", 1)[1].startswith("LC22-P")) == [20, 20, 30, 30]  # Table 1
    claim = next(r for r in rux if r["record"].endswith("/LC22-C018"))
    assert (claim["min"], claim["max"], claim["unit"], claim["who"].rsplit("/", 1)[1]) == (20, 30, "mg/d", "LC22")
    bari = rows(g.run("doses", drug=g.node("baricitinib")))
    assert {r["max"] for r in bari if r["who"].endswith("/MA-P1")} == {6}  # "up to 6 mg per day"


def test_follow_up(graphs: Graphs):
    expected = {str(claim_iri(c.id)): _stat(c.follow_up_duration) for c in graphs.corpus.claims.values() if c.follow_up_duration}
    got = {r["claim"]: (r["mean"], r["sd"], r["median"], None, None, r["min"], r["max"], r["value"], None, r["unit"])
           for r in rows(graphs.run("follow-up"))}
    assert got == expected


def test_follow_up_in_the_papers(fixture_graphs: Graphs):
    got = {r["claim"].rsplit("/", 1)[1]: r for r in rows(fixture_graphs.run("follow-up"))}
    assert (got["LC22-C013"]["mean"], got["LC22-C013"]["sd"], got["LC22-C013"]["unit"]) == (Decimal("1.8"), Decimal("0.7"), "a")
    assert got["LC22-C013"]["population"].endswith("/cohort/LC22")
    assert (got["D21-C08"]["median"], got["D21-C08"]["min"], got["D21-C08"]["max"], got["D21-C08"]["unit"]) == (7, 3, 21, "mo")
    assert (got["MA-C04"]["median"], got["MA-C04"]["study"].rsplit("/", 1)[1]) == (19, "huang-2022")


def test_time_to_effect(graphs: Graphs):
    expected = {str(claim_iri(c.id)): _stat(c.time_to_effect) for c in graphs.corpus.claims.values() if c.time_to_effect}
    got = {r["claim"]: (None, None, r["median"], r["q1"], r["q3"], r["min"], r["max"], r["value"], None, r["unit"])
           for r in rows(graphs.run("time-to-effect"))}
    assert got == expected


def test_time_to_effect_in_the_papers(fixture_graphs: Graphs):
    got = {r["claim"].rsplit("/", 1)[1]: r for r in rows(fixture_graphs.run("time-to-effect"))}
    assert (got["MA-C01"]["value"], got["MA-C01"]["unit"]) == (9, "wk")  # "After 9 weeks on JAKi treatment"
    assert (got["D21-C05"]["median"], got["D21-C05"]["min"], got["D21-C05"]["max"]) == (1, Decimal("0.6"), 2)  # "1.0 (0.6\u20132.0) weeks"


def test_hedged_claims(graphs: Graphs):
    expected = {(str(claim_iri(c.id)), c.hedging, q) for c in graphs.corpus.claims.values() if c.hedging != "asserted" for q in c.quote}
    assert {(r["claim"], r["hedging"], r["quote"]) for r in rows(graphs.run("hedged-claims"))} == expected


def test_hedged_claims_in_the_papers(fixture_graphs: Graphs):
    got = {r["claim"].rsplit("/", 1)[1]: r for r in rows(fixture_graphs.run("hedged-claims"))}
    assert got["A19-C14"]["hedging"] == "speculative" and "cannot exclude" in got["A19-C14"]["quote"]
    assert got["D21-C12"]["hedging"] == "suggested" and "suggested" in got["D21-C12"]["quote"]
    only_002 = rows(fixture_graphs.run("hedged-claims", paper=study_iri("landon-cardinal-2022")))
    assert [r["claim"].rsplit("/", 1)[1] for r in only_002] == ["LC22-C019"]


def test_unverified_identifiers(graphs: Graphs):
    c = graphs.corpus
    expected = {}
    for e in c.entities.values():
        if not e.verified:
            uses = {cl.id for cl in c.claims.values() for key in (cl.subject, cl.object, cl.instrument) if key and c.resolve(key) is e}
            expected[e.curie] = len(uses)
    got = {r["curie"]: r["claims"] for r in rows(graphs.run("unverified-identifiers"))}
    assert got == expected


def test_unverified_identifiers_in_the_fixture(fixture_graphs: Graphs):
    got = {r["curie"]: r["claims"] for r in rows(fixture_graphs.run("unverified-identifiers"))}
    assert got["jakkg:CDASI"] == 3  # LC22-C010, -C011, -C017
    assert got["jakkg:HerpesSimplexMeningitis"] == 1


def test_quote_offsets_point_at_the_quote_in_the_papers_text(graphs: Graphs):
    c = graphs.corpus
    result = rows(graphs.run("quote-offsets"))
    assert len(result) == len(c.quotes)
    texts = {}
    for r in result:
        seed = r["seedText"]
        text = texts.setdefault(seed, (c.sources_dir / seed).read_text(encoding="utf-8"))
        assert text[int(r["start"]):int(r["end"])] == r["exact"]
    one = rows(graphs.run("quote-offsets", paper=study_iri("landon-cardinal-2022")))
    assert len(one) == sum(1 for (rid, _) in c.quotes if c.source_of[rid] == "landon-cardinal-2022")


def test_claims_by_category(graphs: Graphs):
    c = graphs.corpus
    class_name = {k: str(v).rsplit("/", 1)[1] for k, v in c.vocab.claim_categories.items()}
    expected: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for cl in c.claims.values():
        row = expected[(paper(graphs, cl), class_name[cl.category])]
        row[0] += 1
        row[1] += cl.negated
        row[2] += bool(cl.attributed_to and cl.attributed_to != c.source_of[cl.id])
    got = {(r["paper"], r["category"]): [r["claims"], r["negated"], r["reported"]] for r in rows(graphs.run("claims-by-category"))}
    assert got == dict(expected)


def test_entity_claims(graphs: Graphs):
    c = graphs.corpus
    expected = {(str(graphs.node(key)), role, str(claim_iri(cl.id)))
                for cl in c.claims.values()
                for role, key in (("subject", cl.subject), ("object", cl.object), ("instrument", cl.instrument), ("population", cl.population))
                if key}
    assert {(r["entity"], r["role"], r["claim"]) for r in rows(graphs.run("entity-claims"))} == expected


def test_entity_claims_for_jak2(fixture_graphs: Graphs):
    g = fixture_graphs
    result = rows(g.run("entity-claims", entity=g.node("JAK2")))
    assert {(r["claim"].rsplit("/", 1)[1], r["role"]) for r in result} == {
        ("A19-C02", "object"), ("A19-C04", "object"), ("A19-C07", "subject"), ("A19-C09", "subject"), ("L19-C11", "subject")}


def test_patients(graphs: Graphs):
    c = graphs.corpus
    result = rows(graphs.run("patients"))
    drugs = {p: {str(graphs.node(d)) for d in x.drugs} | asserted_objects(graphs, p, "treated_with") for p, x in c.patients.items()}
    antigens = {p: {str(graphs.node(a)) for a in x.autoantibodies} | asserted_objects(graphs, p, "has_autoantibody_against")
                for p, x in c.patients.items()}
    previous = {p: {str(graphs.node(d)) for d in x.previous_treatments} | asserted_objects(graphs, p, "previously_treated_with")
                for p, x in c.patients.items()}
    assert len(result) == sum(max(1, len(drugs[p])) * max(1, len(antigens[p])) for p in c.patients)
    for r in result:
        pid = r["patient"].rsplit("/", 1)[1]
        p = c.patients[pid]
        assert (r["age"], r["sex"], r["seronegative"], r["previousTreatments"]) == (p.age_years, p.sex, p.seronegative, len(previous[pid]))
        assert r["diseaseLabel"] == c.resolve(p.disease).label


def test_patients_in_the_papers(fixture_graphs: Graphs):
    result = {r["patient"].rsplit("/", 1)[1]: r for r in rows(fixture_graphs.run("patients", paper=study_iri("mastrolia")))}
    ma = result["MA-P1"]
    assert (ma["age"], ma["sex"], ma["autoantigenLabel"], ma["drugLabel"]) == (9, "F", "MORC3", "baricitinib")
    table = rows(fixture_graphs.run("patients", paper=study_iri("landon-cardinal-2022")))
    assert Counter(r["sex"] for r in table) == {"F": 15, "M": 1}  # Table 1: one man (patient 11)
    assert sum(r["seronegative"] for r in table) == 4


def test_previous_treatments(graphs: Graphs):
    counts = Counter(t for pid, p in graphs.corpus.patients.items()
                     for t in {str(graphs.node(x)) for x in p.previous_treatments} | asserted_objects(graphs, pid, "previously_treated_with"))
    assert {r["treatment"]: r["patients"] for r in rows(graphs.run("previous-treatments"))} == dict(counts)


def test_cohorts(graphs: Graphs):
    c = graphs.corpus
    result = rows(graphs.run("cohorts"))
    treatments = {k: {str(graphs.node(d)) for d in co.drugs} | asserted_objects(graphs, k, "treated_with") for k, co in c.cohorts.items()}
    assert len(result) == sum(max(1, len(t)) for t in treatments.values())
    for r in result:
        co = c.cohorts[r["cohort"].rsplit("/", 1)[1]]
        assert r["size"] == co.size
        assert r["describedPatients"] == sum(1 for p in c.patients.values() if p.cohort == co.id)
        assert r["claims"] == sum(1 for cl in c.claims.values() if cl.population == co.id)
        assert r["study"] == str(study_iri(co.attributed_to or c.source_of[co.id]))


def test_papers(graphs: Graphs):
    c = graphs.corpus
    got = {r["paper"]: (r["doi"], r["claims"], r["patients"]) for r in rows(graphs.run("papers"))}
    assert got == {str(study_iri(p.id)): (p.doi, sum(1 for cl in c.claims if c.source_of[cl] == p.id),
                                          sum(1 for pa in c.patients if c.source_of[pa] == p.id)) for p in c.papers.values()}


def test_responder_rates(graphs: Graphs):
    expected = {}
    for cl in graphs.corpus.claims.values():
        if cl.n is not None and cl.N:
            computed = sparql_round(Decimal(1000 * cl.n) / Decimal(cl.N)) / 10
            expected[str(claim_iri(cl.id))] = (cl.n, cl.N, computed, cl.percent)
    result = rows(graphs.run("responder-rates"))
    assert {r["claim"]: (r["n"], r["N"], r["computedPercentage"], r["printedPercentage"]) for r in result} == expected
    for r in result:
        if r["printedPercentage"] is not None:
            assert r["difference"] == r["printedPercentage"] - r["computedPercentage"]
            assert abs(r["difference"]) <= Decimal("0.5")


def test_responder_rates_in_the_papers(fixture_graphs: Graphs):
    got = {r["claim"].rsplit("/", 1)[1]: r for r in rows(fixture_graphs.run("responder-rates"))}
    assert (got["D21-C02"]["computedPercentage"], got["D21-C02"]["printedPercentage"]) == (Decimal("66.7"), Decimal("66.7"))
    assert got["L19-C06"]["computedPercentage"] == 25  # one of four anti-MDA5 patients improved


def test_negated_claims(graphs: Graphs):
    expected = {str(claim_iri(c.id)) for c in graphs.corpus.claims.values() if c.negated}
    result = rows(graphs.run("negated-claims"))
    assert {r["claim"] for r in result} == expected
    # the plain triple of a negated claim is never asserted
    for c in graphs.corpus.claims.values():
        if c.negated:
            s, o = graphs.node(c.subject), graphs.node(c.object)
            p = graphs.corpus.vocab.predicates[c.predicate].iri
            assert (s, p, o) not in graphs.rdflib.graph or any(
                not x.negated and graphs.node(x.subject) == s and graphs.node(x.object) == o and x.predicate == c.predicate
                for x in graphs.corpus.claims.values())


def test_pathway_modulation(graphs: Graphs):
    expected = {(str(claim_iri(c.id)), c.hedging, c.negated) for c in claims(graphs, "negatively_regulates")}
    assert {(r["claim"], r["hedging"], r["negated"]) for r in rows(graphs.run("pathway-modulation"))} == expected


def test_patient_measurements(graphs: Graphs):
    expected = {(str(patient_iri(p.id)), str(graphs.node(m.instrument)), time_text(graphs, m.time), m.value, m.out_of, m.sd)
                for p in graphs.corpus.patients.values() for m in p.measurements}
    got = {(r["patient"], r["instrument"], r["time"], r["value"], r["outOf"], r["sd"]) for r in rows(graphs.run("patient-measurements"))}
    assert got == expected


def test_patient_measurements_of_the_mastrolia_case(fixture_graphs: Graphs):
    g = fixture_graphs
    result = rows(g.run("patient-measurements", patient=patient_iri("MA-P1")))
    # "MMT ... and CMAS scores were 35/80 and 11/52"; "MMT score 77/80" after 9 weeks
    assert {(r["instrumentLabel"], r["time"], r["value"], r["outOf"]) for r in result} == {
        (g.corpus.entities["mmt8"].label, "PT0S", 35, 80), (g.corpus.entities["cmas"].label, "PT0S", 11, 52),
        (g.corpus.entities["mmt8"].label, "P63D", 77, 80)}


# =============================================================================
# Parameters: bound as terms, never pasted
# =============================================================================
def test_parse_value_makes_iris_of_curies_and_iris_and_literals_of_the_rest():
    prefixes = {"claim": "https://w3id.org/jakkg/jakdm/claim/", "xsd": str(XSD)}
    assert parse_value("claim:LC22-C010", prefixes) == URIRef("https://w3id.org/jakkg/jakdm/claim/LC22-C010")
    assert parse_value("CHEBI:95341", prefixes) == URIRef("http://purl.obolibrary.org/obo/CHEBI_95341")
    assert parse_value("HGNC:6190", prefixes) == URIRef("http://identifiers.org/hgnc/6190")
    assert parse_value("<https://example.org/x>", prefixes) == URIRef("https://example.org/x")
    assert parse_value("https://example.org/y", prefixes) == URIRef("https://example.org/y")
    assert parse_value("27", prefixes) == Literal("27")
    assert parse_value('"27"^^xsd:decimal', prefixes) == Literal("27", datatype=XSD.decimal)
    assert parse_value('"calcinosis"@en', prefixes) == Literal("calcinosis", lang="en")
    assert parse_value("p < 0.05", prefixes) == Literal("p < 0.05")
    with pytest.raises(QueryError, match="not an IRI"):
        parse_value("LC22-C010", prefixes, "IRI")
    with pytest.raises(QueryError, match="not a valid absolute IRI"):
        parse_value("<https://x.org/a> } ; DROP ALL #>", prefixes)


def test_values_clause_is_built_from_terms():
    clause = values_clause({"b": Literal('x" } UNION { ?s ?p ?o } #'), "a": URIRef("https://e.org/a")})
    assert clause.strip().splitlines()[0] == "VALUES (?a ?b) {"
    assert '"x\\" } UNION { ?s ?p ?o } #"' in clause
    check_query("SELECT ?a ?b WHERE { ?a ?p ?b }" + clause, "q")  # still one well-formed query


def test_a_value_cannot_change_the_query(fixture_build: Path, tmp_path: Path):
    ttl = fixture_build / "jakdm.ttl"
    q = tmp_path / "labels.rq"
    q.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?x ?label WHERE { ?x rdfs:label ?label }\n")
    for engine in ("rdflib", "oxigraph"):
        hostile = run_cli("query", q, "--input", ttl, "--engine", engine, "--format", "csv",
                          "--param", 'label=x" } UNION { ?x ?p ?label } #')
        assert hostile.exit_code == 0, hostile.output
        assert hostile.output.strip().splitlines() == ["x,label"], "bound as one literal, matching nothing"
        iri = run_cli("query", "claim-evidence", "--input", ttl, "--engine", engine, "--param", "claim=<https://e.org/a> } UNION {")
        assert iri.exit_code == 2 and "IRI" in iri.output
        not_iri = run_cli("query", "claim-evidence", "--input", ttl, "--engine", engine, "--param", 'claim="x" } #')
        assert not_iri.exit_code == 2 and "is not an IRI" in not_iri.output


# Values a user may type that are not RDF terms, and the one line every engine answers them with (exit 2).
# Over HTTP each would otherwise be pasted into the VALUES clause and change the query.
HOSTILE_VALUES = [
    ('"x"^^<http://e.org/x>) (UNDEF) #>', "'\"x\"^^<http://e.org/x>) (UNDEF) #>': datatype <http://e.org/x>) (UNDEF) #> is not a valid absolute IRI"),
    ('"x"^^<urn:a b>', "'\"x\"^^<urn:a b>': datatype <urn:a b> is not a valid absolute IRI"),
    ('"x"^^<not-absolute>', "'\"x\"^^<not-absolute>': datatype <not-absolute> is not a valid absolute IRI"),
    ('"x"@en) (UNDEF) #', "cannot read '\"x\"@en) (UNDEF) #' as a literal (write \"text\", \"27\"^^xsd:decimal or \"text\"@en)"),
    ("a\x01b", "'a\\x01b': a literal parameter must be text without control characters"),
    ("<https://e.org/a> ) (UNDEF) #>", "'<https://e.org/a> ) (UNDEF) #>' is not a valid absolute IRI"),
]
# Values that are odd but are literals: bound as one term, they match nothing, on every engine.
ODD_LITERALS = ['x" } UNION { ?x ?p ?label } #', '"""x\n""") (UNDEF) #"""', "x\\u0022) (UNDEF) #", "}", "tab\there",
                '"x"@en-GB', "x\ny"]


def labels_query(tmp_path: Path) -> Path:
    q = tmp_path / "labels.rq"
    q.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?x ?label WHERE { ?x rdfs:label ?label }\n")
    return q


@pytest.mark.parametrize("value, message", HOSTILE_VALUES)
def test_hostile_values_are_refused_alike_by_the_embedded_engines(fixture_build: Path, tmp_path: Path, value: str, message: str):
    for engine in ("rdflib", "oxigraph"):
        result = run_cli("query", labels_query(tmp_path), "--input", fixture_build / "jakdm.ttl", "--engine", engine,
                         "--param", f"label={value}")
        assert result.exit_code == 2, result.output
        assert result.output == f"error: {message}\n"  # one line: no warning from rdflib before it


def test_hostile_terms_given_as_bindings_are_refused_before_any_request():
    from jakkg.query import NamedQuery, run_query

    q = NamedQuery("q", None, "SELECT ?x ?label WHERE { ?x ?p ?label }", "?")
    nobody = "http://127.0.0.1:9/query"  # never asked: the check comes first
    for term, message in [(Literal("x", datatype=URIRef("http://e.org/x>) (UNDEF) #")), "is not a valid absolute IRI"),
                          (URIRef("https://e.org/a> } UNION {"), "is not a valid absolute IRI"),
                          (Literal("a\x00b"), "without control characters")]:
        for engine in ("rdflib", "oxigraph"):
            with pytest.raises(QueryError, match=message):
                run_query(q, bindings={"label": term}, engine=engine, source=Path("unused.ttl"))
        with pytest.raises(QueryError, match=message):
            run_query(q, bindings={"label": term}, endpoint=nobody)
        with pytest.raises(QueryError, match=message):
            values_clause({"label": term})


def test_values_clause_escapes_literals_without_unicode_escapes():
    clause = values_clause({"v": Literal('a"b\\u0022\n\t'), "w": Literal("x", lang="en-GB"),
                            "d": Literal("1.5", datatype=XSD.decimal), "s": Literal("y", datatype=XSD.string)})
    assert clause == ('\nVALUES (?d ?s ?v ?w) {\n  ("1.5"^^<http://www.w3.org/2001/XMLSchema#decimal> "y" '
                      '"a\\"b\\\\u0022\\n\\t" "x"@en-GB)\n}\n')
    check_query("SELECT * WHERE { ?d ?s ?v . ?v ?w ?d }" + clause, "q")


@pytest.mark.parametrize("value", ODD_LITERALS)
def test_odd_literals_match_nothing_on_the_embedded_engines(fixture_build: Path, tmp_path: Path, value: str):
    outputs = {run_cli("query", labels_query(tmp_path), "--input", fixture_build / "jakdm.ttl", "--engine", engine,
                       "--format", "csv", "--param", f"label={value}").output for engine in ("rdflib", "oxigraph")}
    assert outputs == {"x,label\n"}


def test_a_typed_string_is_the_plain_string(fixture_build: Path, tmp_path: Path):
    for engine in ("rdflib", "oxigraph"):
        result = run_cli("query", labels_query(tmp_path), "--input", fixture_build / "jakdm.ttl", "--engine", engine,
                         "--format", "csv", "--param", 'label="tofacitinib"^^xsd:string')
        assert result.output == "x,label\nhttp://purl.obolibrary.org/obo/CHEBI_71200,tofacitinib\n"


def test_cli_param_binds_curies_on_both_engines(fixture_build: Path):
    ttl = fixture_build / "jakdm.ttl"
    outs = [run_cli("query", "drug-targets", "--input", ttl, "--engine", e, "--format", "csv", "--param", "kinase=HGNC:6193")
            for e in ("rdflib", "oxigraph")]
    assert outs[0].exit_code == 0, outs[0].output
    assert outs[0].output == outs[1].output
    lines = outs[0].output.strip().splitlines()
    assert len(lines) == 1 + 2 and all(",JAK3," in ln for ln in lines[1:])


def test_computed_variables_cannot_be_parameters(fixture_build: Path):
    result = run_cli("query", "adverse-events", "--input", fixture_build / "jakdm.ttl", "--param", "drug=CHEBI:95341")
    assert result.exit_code == 0
    with pytest.raises(QueryError, match="computed by query"):
        from jakkg.query import NamedQuery, bind_parameters

        q = NamedQuery("q", None, "SELECT ?x WHERE { BIND(1 AS ?x) }", "?")
        bind_parameters(q, check_query(q.text), ["x=1"])


@pytest.mark.parametrize("args, message", [
    (["drug-targets", "--param", "colour=red"], "has no parameter ?colour"),
    (["drug-targets", "--param", "drug"], "write NAME=VALUE"),
    (["drug-targets", "--param", "drug=CHEBI:1", "--param", "drug=CHEBI:2"], "given twice"),
    (["claim-evidence", "--param", "claim=LC22-C010"], "not an IRI or a CURIE"),
    (["no-such-query"], "unknown query 'no-such-query'"),
    ([], "give a query NAME or FILE"),
])
def test_bad_parameters_and_names_exit_2(fixture_build: Path, args, message):
    result = run_cli("query", *args, "--input", fixture_build / "jakdm.ttl")
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_user_file_parameters_must_name_a_variable(fixture_build: Path, tmp_path: Path):
    q = tmp_path / "mine.rq"
    q.write_text("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?label WHERE { ?x rdfs:label ?label }\n")
    ok = run_cli("query", q, "--input", fixture_build / "jakdm.ttl", "--param", "x=CHEBI:95341", "--format", "csv")
    assert ok.exit_code == 0, ok.output
    assert ok.output.splitlines()[1:] == ["baricitinib"]
    bad = run_cli("query", q, "--input", fixture_build / "jakdm.ttl", "--param", "y=CHEBI:95341")
    assert bad.exit_code == 2 and "has no variable ?y" in bad.output


# =============================================================================
# Safety
# =============================================================================
def _user_query(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "user.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("text, message", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * WHERE { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE is refused"),
    ("SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }", "FROM / FROM NAMED is refused"),
    ("SELECT * FROM NAMED <http://127.0.0.1:9/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM / FROM NAMED is refused"),
    ("LOAD <http://127.0.0.1:9/data.ttl>", "updates (INSERT, DELETE, LOAD"),
    ("INSERT DATA { <http://a/a> <http://a/p> 1 }", "updates (INSERT, DELETE, LOAD"),
    ("DROP ALL", "updates"),
])
def test_network_and_updates_are_refused_before_running(fixture_build: Path, tmp_path: Path, text: str, message: str):
    for engine in ("rdflib", "oxigraph"):
        result = run_cli("query", _user_query(tmp_path, text), "--input", fixture_build / "jakdm.ttl", "--engine", engine)
        assert result.exit_code == 2, result.output
        assert message in result.output


def test_service_as_a_word_in_strings_comments_and_iris_is_allowed(fixture_build: Path, tmp_path: Path):
    text = ('# a comment that says SERVICE\nPREFIX service: <https://example.org/service#>\n'
            'SELECT ?x WHERE { BIND("SERVICE <http://x>" AS ?x) FILTER(?x != <https://example.org/SERVICE>) }\n')
    result = run_cli("query", _user_query(tmp_path, text), "--input", fixture_build / "jakdm.ttl", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "SERVICE <http://x>" in result.output


def test_syntax_error_reports_file_line_and_column(fixture_build: Path, tmp_path: Path):
    path = _user_query(tmp_path, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?x WHERE {\n  ?x rdfs:label \n}\n")
    for engine in ("rdflib", "oxigraph"):
        result = run_cli("query", path, "--input", fixture_build / "jakdm.ttl", "--engine", engine)
        assert result.exit_code == 2
        assert re.search(r"user\.rq:[34]:\d+: SPARQL syntax error", result.output), result.output
        assert len(result.output.strip().splitlines()) == 1


def test_syntax_error_is_reported_where_rdflib_stops(fixture_build: Path, tmp_path: Path):
    """Line 4 of a 5-line file is reported at 4, not past the end of the text (Oxigraph 0.5 says 6:1)."""
    path = _user_query(tmp_path, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?x\nWHERE {\n"
                                 "  ?x rdfs:label ?label ) .\n}\n")
    for engine in ("rdflib", "oxigraph"):
        result = run_cli("query", path, "--input", fixture_build / "jakdm.ttl", "--engine", engine)
        assert result.exit_code == 2
        assert result.output == (f"error: {path}:4:24: SPARQL syntax error: the query cannot be read from here on "
                                 "(in: '?x rdfs:label ?label ) .')\n")


@pytest.mark.parametrize("content, message", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "user.rq:1: not a SPARQL text file: byte 0x89 at offset 0 is not UTF-8"),
    (b"SELECT * WHERE {\n ?s ?p ?o }\n\xff", "user.rq:3: not a SPARQL text file: byte 0xff at offset 29 is not UTF-8"),
    (b"SELECT * WHERE {\n\x00 }", "user.rq:2: not a SPARQL text file: it holds a NUL byte"),
])
def test_a_binary_query_file_is_one_line(fixture_build: Path, tmp_path: Path, content: bytes, message: str):
    path = tmp_path / "user.rq"
    path.write_bytes(content)
    result = run_cli("query", path, "--input", fixture_build / "jakdm.ttl")
    assert result.exit_code == 2
    assert result.output == f"error: {tmp_path}/{message}\n"


def test_select_star_keeps_the_order_of_the_query(fixture_build: Path, tmp_path: Path):
    """SELECT * columns in the order the query names them (rdflib and Oxigraph each pick another order)."""
    path = _user_query(tmp_path, "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
                                 "SELECT * WHERE { ?x rdfs:label ?label . ?x a ?cls } ORDER BY ?x ?cls LIMIT 3\n")
    outputs = {}
    for engine in ("rdflib", "oxigraph"):
        result = run_cli("query", path, "--input", fixture_build / "jakdm.ttl", "--engine", engine, "--format", "csv")
        assert result.exit_code == 0, result.output
        outputs[engine] = result.output
    assert outputs["rdflib"] == outputs["oxigraph"]
    assert outputs["rdflib"].splitlines()[0] == "x,label,cls"
    assert len(outputs["rdflib"].splitlines()) == 4
    explicit = _user_query(tmp_path, "SELECT ?o ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    assert run_cli("query", explicit, "--input", fixture_build / "jakdm.ttl", "--format", "csv").output.startswith("o,s\n")


def test_syntax_error_position_with_service_word_uses_rdflib(tmp_path: Path):
    with pytest.raises(QueryError, match=r"q:2:\d+: SPARQL syntax error"):
        check_query('SELECT ?x WHERE {\n SERVICE <http://127.0.0.1:9/> { ?x ?p } }', "q")


def test_time_limit_stops_a_runaway_query(fixture_build: Path, tmp_path: Path):
    heavy = _user_query(tmp_path, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    for engine in ("rdflib", "oxigraph"):
        start = time.monotonic()
        result = run_cli("query", heavy, "--input", fixture_build / "jakdm.ttl", "--engine", engine, "--timeout", "1")
        assert time.monotonic() - start < 15
        assert result.exit_code == 3, result.output
        assert "longer than 1 s" in result.output


def test_the_query_process_has_no_network():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        with pytest.raises(QueryError, match="network access refused"):
            run_in_worker(lambda: socket.create_connection(("127.0.0.1", port), timeout=2), timeout=10)
    with pytest.raises(QueryTimeout):
        run_in_worker(time.sleep, 5, timeout=0.5)
    assert run_in_worker(sum, [1, 2, 3], timeout=10) == 6


def test_rdflib_engine_does_not_fetch_from_graphs(fixture_graphs: Graphs):
    """Belt and braces: even bypassing check_query, rdflib is told not to load FROM documents."""
    import rdflib.plugins.sparql as rs

    assert rs.SPARQL_LOAD_GRAPHS is False
    result = fixture_graphs.rdflib.graph.query("SELECT * FROM <http://127.0.0.1:9/x.ttl> WHERE { ?s ?p ?o } LIMIT 1")
    assert len(list(result)) <= 1


# =============================================================================
# The reasoned graph, output formats and files
# =============================================================================
def test_graph_reasoned_reads_jakdm_reasoned_ttl(fixture_build: Path, tmp_path: Path):
    build = tmp_path / "build"
    build.mkdir()
    shutil.copy(fixture_build / "jakdm.ttl", build / "jakdm.ttl")
    missing = run_cli("query", "disagreements", "--build", build, "--graph", "reasoned")
    assert missing.exit_code == 2 and "jakdm-reasoned.ttl: file not found (run `jakkg reason` first)" in missing.output
    extra = f"\n<{claim_iri('MA-C02')}> <{JAKKG.disagreesWith}> <{claim_iri('L19-C05')}> .\n"
    (build / "jakdm-reasoned.ttl").write_text((build / "jakdm.ttl").read_text(encoding="utf-8") + extra, encoding="utf-8")
    for engine in ("rdflib", "oxigraph"):
        asserted = run_cli("query", "disagreements", "--build", build, "--format", "csv", "--engine", engine)
        reasoned = run_cli("query", "disagreements", "--build", build, "--graph", "reasoned", "--format", "csv", "--engine", engine)
        assert asserted.exit_code == reasoned.exit_code == 0, reasoned.output
        assert "MA-C02" not in asserted.output
        assert "claim/L19-C05,tofacitinib ameliorates" in reasoned.output and "MA-C02" in reasoned.output
        assert len(reasoned.output.splitlines()) == len(asserted.output.splitlines()) + 1


def test_formats(fixture_build: Path):
    ttl = fixture_build / "jakdm.ttl"
    out = {fmt: run_cli("query", "p-values", "--input", ttl, "--format", fmt).output for fmt in ("table", "csv", "tsv", "json")}
    csv_lines = out["csv"].splitlines()
    assert csv_lines[0] == "claim,claimLabel,measure,measureLabel,comparator,pValue,paper"
    assert csv_lines[1].startswith("https://w3id.org/jakkg/jakdm/claim/") and ",<,0.0001," in csv_lines[1]
    tsv = out["tsv"].splitlines()
    assert tsv[0].split("\t")[0] == "?claim"
    assert '"0.0001"^^<http://www.w3.org/2001/XMLSchema#decimal>' in tsv[1]
    doc = json.loads(out["json"])
    assert doc["head"]["vars"][0] == "claim"
    assert parse_sparql_json(out["json"]).rows == find_result(ttl, "p-values").rows
    table = out["table"].splitlines()
    assert table[0].split()[:2] == ["claim", "claimLabel"] and set(table[1]) <= {"-", " "}
    assert "claim:LC22-C010" in out["table"] and table[-1] == f"({len(tsv) - 1} rows)"


def find_result(ttl: Path, name: str):
    from jakkg.query import RdflibEngine

    return RdflibEngine(ttl).run(find_query(name).text)


def test_output_file_is_written_atomically(fixture_build: Path, tmp_path: Path):
    ttl = fixture_build / "jakdm.ttl"
    target = tmp_path / "out" / "drug-targets.csv"
    target.parent.mkdir()
    ok = run_cli("query", "drug-targets", "--input", ttl, "--format", "csv", "--output", target)
    assert ok.exit_code == 0, ok.output
    assert target.read_text(encoding="utf-8") == run_cli("query", "drug-targets", "--input", ttl, "--format", "csv").output
    before = target.read_bytes()
    broken = _user_query(tmp_path, "SELECT ?x WHERE { ?x }")
    bad = run_cli("query", broken, "--input", ttl, "--output", target)
    assert bad.exit_code == 2
    assert target.read_bytes() == before
    assert [p.name for p in target.parent.iterdir()] == ["drug-targets.csv"], "no temporary file left behind"


def test_ask_and_construct_queries(fixture_graphs: Graphs):
    ask = "PREFIX jakkg: <https://w3id.org/jakkg/vocab/>\nASK { ?c jakkg:disagreesWith ?d }"
    assert fixture_graphs.rdflib.run(ask).boolean is True
    assert fixture_graphs.oxigraph.run(ask).boolean is True
    assert render(fixture_graphs.rdflib.run(ask), "json") == '{"head": {}, "boolean": true}\n'
    construct = ("PREFIX jakkg: <https://w3id.org/jakkg/vocab/>\n"
                 "CONSTRUCT { ?d jakkg:disagreesWith ?c } WHERE { ?c jakkg:disagreesWith ?d }")
    a, b = fixture_graphs.rdflib.run(construct), fixture_graphs.oxigraph.run(construct)
    assert a.sorted_rows() == b.sorted_rows() and len(a.rows) == 3  # A19-C12 and L19-C05 name each other


def test_missing_graph_file_is_a_clear_error(tmp_path: Path):
    result = run_cli("query", "drug-targets", "--build", tmp_path)
    assert result.exit_code == 2
    assert "jakdm.ttl: file not found (run `jakkg build` first)" in result.output


def test_canonical_terms():
    assert canonical(Literal("27.0", datatype=XSD.decimal)) == Literal("27", datatype=XSD.decimal)
    assert canonical(Literal("0.00010", datatype=XSD.decimal)) == Literal("0.0001", datatype=XSD.decimal)
    assert canonical(Literal("007", datatype=XSD.nonNegativeInteger)) == Literal("7", datatype=XSD.integer)
    assert canonical(Literal("x", datatype=XSD.string)) == Literal("x")
    assert canonical(Literal("1", datatype=XSD.boolean)) == Literal("true", datatype=XSD.boolean)
    assert [canonical_duration(d) for d in ("P0M", "P0D", "PT0S", "P9W", "P3M", "P1Y6M", "P14M", "PT36H", "P1.8Y")] == [
        "PT0S", "PT0S", "PT0S", "P63D", "P3M", "P1Y6M", "P1Y2M", "P1DT12H", None]
    assert str(canonical(Literal("P1.8Y", datatype=XSD.duration, normalize=False))) == "P1.8Y"


def test_durations_in_the_graph_are_the_models_canonical_ones(fixture_graphs: Graphs):
    """Time points reach the graph exactly as the model stores them (canonical xsd:duration).

    The model rewrites weeks as days (xsd:duration has none) and refuses fractional
    years or months (rdflib would truncate P1.8Y to P1Y), so nothing is lost on the way.
    """
    from rdflib import Graph

    from jakkg.build import GraphBuilder, term
    from jakkg.model import check_time_point

    builder = GraphBuilder(fixture_graphs.corpus)
    builder.part("test")
    for i, value in enumerate(("P0M", "P9W", "P27M")):
        builder.add_time("<https://e.org/g>", f"<https://e.org/{i}>", term(JAKKG.timePoint), check_time_point(value))
    g = Graph().parse(data="".join(line.replace(" <https://e.org/g> .", " .") for line in builder.built.parts["test"]),
                      format="nt")
    assert sorted(str(o) for o in g.objects()) == ["P0D", "P2Y3M", "P63D"]
    with pytest.raises(ValueError, match="no fractions"):
        check_time_point("P1.8Y")
    times = {str(t) for t in fixture_graphs.rdflib.graph.objects(None, JAKKG.statisticTime)}
    assert {"P0D", "P3M", "P63D"} <= times, "the patient table's cdasi@P0M and the P9W visit, canonical"


# =============================================================================
# Small graphs written in the test: edge cases the curated data may not have yet
# =============================================================================
TTL_PREFIXES = """@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix obo: <http://purl.obolibrary.org/obo/> .
@prefix biolink: <https://w3id.org/biolink/vocab/> .
@prefix jakkg: <https://w3id.org/jakkg/vocab/> .
@prefix ex: <https://example.org/> .
"""


def run_on_turtle(tmp_path: Path, turtle: str, name: str, **params) -> list[dict]:
    from jakkg.query import OxigraphEngine, RdflibEngine

    path = tmp_path / "small.ttl"
    path.write_text(TTL_PREFIXES + turtle, encoding="utf-8")
    text = library()[name].text
    a, b = RdflibEngine(path).run(text, params), OxigraphEngine(path).run(text, params)
    assert a.rows == b.rows, "both engines agree on the small graph too"
    return rows(a)


def test_cdasi_edge_cases_on_a_small_graph(tmp_path: Path):
    turtle = """
ex:cdasi jakkg:curationKey "cdasi" ; rdfs:label "CDASI" .
ex:p1 a jakkg:Patient ; rdfs:label "p1" ; prov:wasDerivedFrom ex:paper ; jakkg:measurement ex:p1-0, ex:p1-3, ex:p1-last .
ex:p1-0 jakkg:instrument ex:cdasi ; jakkg:singleValue 16.0 ; jakkg:statisticTime "P0W"^^xsd:duration .
ex:p1-3 jakkg:instrument ex:cdasi ; jakkg:singleValue 6.0 ; jakkg:statisticTime "P3M"^^xsd:duration .
ex:p1-last jakkg:instrument ex:cdasi ; jakkg:singleValue 2.0 ; jakkg:timePointLabel jakkg:LastFollowUp .
ex:p2 a jakkg:Patient ; rdfs:label "p2" ; prov:wasDerivedFrom ex:paper ; jakkg:measurement ex:p2-0, ex:p2-3 .
ex:p2-0 jakkg:instrument ex:cdasi ; jakkg:singleValue 0.0 ; jakkg:timePointLabel jakkg:Baseline .
ex:p2-3 jakkg:instrument ex:cdasi ; jakkg:singleValue 3.0 ; jakkg:statisticTime "P3M"^^xsd:duration .
ex:p3 a jakkg:Patient ; rdfs:label "p3" ; prov:wasDerivedFrom ex:paper ; jakkg:measurement ex:p3-3 .
ex:p3-3 jakkg:instrument ex:cdasi ; jakkg:singleValue 9.0 ; jakkg:statisticTime "P3M"^^xsd:duration .
"""
    got = {(r["patientLabel"], r["followUpTime"]): (r["baseline"], r["followUp"], r["change"], r["percentChange"])
           for r in run_on_turtle(tmp_path, turtle, "cdasi-per-patient")}
    # p1: a baseline written P0W, a later value at P3M and one at the named last follow-up; halves of
    # a per cent round toward positive infinity (XPath fn:round): -62.5 -> -62, -87.5 -> -87.
    # p2: a named baseline of 0, so no per cent. p3: no baseline, so no row.
    assert got == {
        ("p1", "P3M"): (16, 6, -10, -62),
        ("p1", "LastFollowUp"): (16, 2, -14, -87),
        ("p2", "P3M"): (0, 3, 3, None),
    }


def test_negated_claims_stay_out_of_targets_and_show_as_not_seen(tmp_path: Path):
    turtle = """
ex:drug rdfs:label "drugx" . ex:jak rdfs:label "JAKx" . ex:event rdfs:label "eventx" . ex:paper rdfs:label "Paper 2020" .
ex:c1 a jakkg:Claim ; rdf:subject ex:drug ; rdf:predicate obo:RO_0002449 ; rdf:object ex:jak ; jakkg:negated true ; dcterms:source ex:paper .
ex:c2 a jakkg:Claim ; rdf:subject ex:drug ; rdf:predicate biolink:has_adverse_event ; rdf:object ex:event ; jakkg:negated true ; dcterms:source ex:paper .
ex:c3 a jakkg:Claim ; rdf:subject ex:drug ; rdf:predicate biolink:has_adverse_event ; rdf:object ex:event ; jakkg:negated false ;
      jakkg:responders 2 ; jakkg:sampleSize 10 ; dcterms:source ex:paper .
ex:c2 jakkg:disagreesWith ex:c3 . ex:c3 jakkg:disagreesWith ex:c2 .
ex:c2 rdfs:label "drugx NOT has adverse event eventx" . ex:c3 rdfs:label "drugx has adverse event eventx" .
"""
    assert run_on_turtle(tmp_path, turtle, "drug-targets") == []
    events = run_on_turtle(tmp_path, turtle, "adverse-events")
    assert [(r["claim"], r["seen"], r["n"], r["N"]) for r in events] == [
        ("https://example.org/c2", "not seen", None, None), ("https://example.org/c3", "seen", 2, 10)]
    pairs = run_on_turtle(tmp_path, turtle, "disagreements")
    assert [(r["claimA"], r["claimB"]) for r in pairs] == [("https://example.org/c2", "https://example.org/c3")]
    denied = run_on_turtle(tmp_path, turtle, "negated-claims")
    assert {r["claim"] for r in denied} == {"https://example.org/c1", "https://example.org/c2"}


def test_reasoned_graph_of_the_curated_papers_answers_what_the_asserted_cannot(built: Path, tmp_path: Path):
    """End to end: build -> reason -> a user's query file with --graph reasoned, on both engines."""
    build = tmp_path / "build"
    shutil.copytree(built, build)
    assert run_cli("reason", "--in", build / "jakdm.trig", "--out", build).exit_code == 0
    question = tmp_path / "growth.rq"
    question.write_text(
        "# Which pathways does baricitinib modulate through the kinases it inhibits?\n"
        "PREFIX jakkg: <https://w3id.org/jakkg/vocab/>\n"
        "SELECT ?pathway WHERE { <http://purl.obolibrary.org/obo/CHEBI_95341> jakkg:modulatesPathway ?pathway }\n",
        encoding="utf-8",
    )
    growth_hormone = "http://purl.obolibrary.org/obo/GO_0060396"
    for engine in ("rdflib", "oxigraph"):
        asserted = run_cli("query", question, "--build", build, "--format", "csv", "--engine", engine)
        reasoned = run_cli("query", question, "--build", build, "--graph", "reasoned", "--format", "csv", "--engine", engine)
        assert asserted.exit_code == reasoned.exit_code == 0, reasoned.output
        assert asserted.output.splitlines() == ["pathway"]
        assert growth_hormone in reasoned.output.splitlines()
