"""Pooled estimates (issue 14): the numbers against a hand calculation and an independent implementation,
the reviewer's rules on a small graph, the seed corpus's honest verdicts and the command line."""
from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pytest

from jakkg.pool import logit_effects, pool_graph, pool_proportions
from jakkg.store import load_store

from .conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "pool" / "pool.trig"
Z = 1.959963984540054


def expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


# -- the numbers ----------------------------------------------------------------------------
def test_homogeneous_studies_by_hand() -> None:
    """6/10 and 12/20 have the same logit, ln 1.5: Q = 0, tau2 = 0, I2 = 0 and the pooled proportion is 0.6.

    Weights are 1/v with v = 1/n + 1/(N-n): 1/(1/6 + 1/4) = 2.4 and 1/(1/12 + 1/8) = 4.8, so the SE of
    the pooled logit is sqrt(1/7.2) = 0.372678 and the CI is expit(ln 1.5 -/+ 1.96 x 0.372678) = 0.4195 .. 0.7569.
    """
    e = pool_proportions([6, 12], [10, 20])
    assert e.proportion == pytest.approx(0.6)
    assert (e.tau2, e.i2, e.studies, e.patients) == (0.0, 0.0, 2, 30)
    assert e.ci_low == pytest.approx(0.4195, abs=5e-5)
    assert e.ci_high == pytest.approx(0.7569, abs=5e-5)


def test_continuity_correction_only_for_zero_or_all() -> None:
    effects, variances = logit_effects([3, 0, 2], [3, 25, 4])
    assert effects == pytest.approx([math.log(3.5 / 0.5), math.log(0.5 / 25.5), 0.0])
    assert variances == pytest.approx([1 / 3.5 + 1 / 0.5, 1 / 0.5 + 1 / 25.5, 1 / 2 + 1 / 2])


def paule_mandel(y: list[float], v: list[float]) -> float:
    """An independent Paule-Mandel: bisection on sum w (y - mean_w)^2 = k - 1, tau2 >= 0."""
    def q(t: float) -> float:
        w = [1 / (vi + t) for vi in v]
        m = sum(wi * yi for wi, yi in zip(w, y)) / sum(w)
        return sum(wi * (yi - m) ** 2 for wi, yi in zip(w, y))

    k = len(y)
    if q(0) <= k - 1:
        return 0.0
    lo, hi = 0.0, 100.0
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if q(mid) > k - 1 else (lo, mid)
    return (lo + hi) / 2


def test_heterogeneous_studies_agree_with_an_independent_implementation() -> None:
    events, totals = [8, 12, 3, 2], [10, 20, 3, 30]
    y, v = logit_effects(events, totals)
    tau2 = paule_mandel(y, v)
    w = [1 / (vi + tau2) for vi in v]
    mean = sum(wi * yi for wi, yi in zip(w, y)) / sum(w)
    se = math.sqrt(1 / sum(w))
    w0 = [1 / vi for vi in v]
    m0 = sum(wi * yi for wi, yi in zip(w0, y)) / sum(w0)
    q = sum(wi * (yi - m0) ** 2 for wi, yi in zip(w0, y))
    e = pool_proportions(events, totals)
    assert tau2 > 1, "these studies are heterogeneous"
    assert e.tau2 == pytest.approx(tau2, rel=1e-4)
    assert e.proportion == pytest.approx(expit(mean), rel=1e-4)
    assert e.ci_low == pytest.approx(expit(mean - Z * se), rel=1e-4)
    assert e.ci_high == pytest.approx(expit(mean + Z * se), rel=1e-4)
    assert e.i2 == pytest.approx((q - 3) / q, rel=1e-6)
    assert (e.studies, e.patients) == (4, 63)


def test_one_study_is_not_pooled() -> None:
    with pytest.raises(ValueError):
        pool_proportions([3], [4])


# -- the rules ----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def fixture_results():
    results, _, labels = pool_graph(load_store(FIXTURE))
    return {(r.outcome.definition(labels), r.outcome.population): r for r in results}


def claims(reports) -> list[str]:
    return sorted(r.claim.rsplit("/", 1)[1] for r in reports)


def test_a_study_counts_once_and_case_reports_are_listed(fixture_results) -> None:
    rash = fixture_results[("ameliorates condition rash (improved)", "juvenile")]
    assert claims(rash.pooled) == ["A1", "B1", "C1"], "A once (its own paper's report), D not pooled"
    listed = {r.claim.rsplit("/", 1)[1]: why for r, why in rash.listed}
    assert listed == {"P1": "same study as A1", "D1": "case report"}
    assert rash.estimate == pool_proportions([8, 12, 3], [10, 20, 3])
    assert rash.other_definitions == ["ameliorates condition rash by CDASI (improved)"]


def test_case_reports_pooled_when_asked() -> None:
    results, _, labels = pool_graph(load_store(FIXTURE), include_case_reports=True)
    rash = next(r for r in results if r.outcome.definition(labels) == "ameliorates condition rash (improved)"
                and r.outcome.population == "juvenile")
    assert claims(rash.pooled) == ["A1", "B1", "C1", "D1"]


def test_populations_and_definitions_are_never_mixed(fixture_results) -> None:
    adult = fixture_results[("ameliorates condition rash (improved)", "adult")]
    assert (adult.estimate, adult.reason, claims(r for r, _ in adult.listed)) == (None, "one study only", ["B2"])
    cdasi = fixture_results[("ameliorates condition rash by CDASI (improved)", "juvenile")]
    assert cdasi.estimate is None and cdasi.reason == "one study only (others define the outcome differently)"


def test_shared_authors_are_flagged_not_pooled(fixture_results) -> None:
    zoster = fixture_results[("has adverse event herpes zoster (observed)", "juvenile")]
    assert zoster.estimate is None and zoster.reason == "possible cohort overlap"
    assert zoster.overlap == "Eta et al. 2020 and Theta et al. 2022 share Huang B"
    assert {r.claim.rsplit("/", 1)[1]: why for r, why in zoster.listed}["G1"] == "no n/N"
    results, _, labels = pool_graph(load_store(FIXTURE), allow_overlap=True)
    allowed = next(r for r in results if r.outcome.definition(labels) == "has adverse event herpes zoster (observed)")
    assert allowed.estimate == pool_proportions([2, 0], [30, 25]) and allowed.overlap


# -- the seed corpus and the command line -----------------------------------------------------------
def test_seed_corpus_says_why_nothing_is_pooled(built: Path, tmp_path: Path) -> None:
    """The five papers: every n/N outcome rests on one study, a case report, or two studies that may share patients."""
    result = run_cli("pool", str(built / "jakdm.trig"), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "pooled-estimates.csv").read_text())))
    assert rows and all(r["status"] == "not pooled" and r["reason"] for r in rows)
    # no n/N outcome definition is reported for two interventions (two JAK inhibitors, or one and the class):
    # the class roll-up adds no row, and each row says so
    assert {r["level"] for r in rows} == {"drug"}
    assert all(r["class_level"].startswith("no other JAK inhibitor") for r in rows)
    by = {(r["intervention"], r["outcome"], r["population"]): r for r in rows}
    rash = by[("Janus Kinase Inhibitors", "ameliorates condition Skin rash (improved)", "juvenile")]
    assert rash["reason"] == "one study only (others define the outcome differently)"
    assert "Skin rash (resolved)" in rash["other_definitions"]
    sabbagh = by[("tofacitinib", "ameliorates condition Myositis (improved)", "juvenile")]
    assert sabbagh["not_pooled"] == "Sabbagh et al. 2019 2/2 [LC19-C005]: case report"
    assert not list(tmp_path.glob("forest-*"))
    # the one outcome two studies share: deaths in 001's four patients and 002's sixteen, one centre's authors
    death = by[("Janus Kinase Inhibitors", "has phenotype Death (observed)", "adult")]
    assert (death["reason"], death["overlap"]) == (
        "possible cohort overlap", "Landon-Cardinal et al. 2019 and Landon-Cardinal et al. 2022 share Landon-Cardinal O")
    assert "Landon-Cardinal et al. 2019 1/2 [LC19-C034]: same study as LC19-C030" in death["not_pooled"]
    # the example: Ding et al.'s 25 patients and Huang et al.'s 101 share B. Huang (Huang gives no n here)
    steroids = by[("Janus Kinase Inhibitors", "NOT treated with corticosteroid (decreased)", "juvenile")]
    assert steroids["reason"] == "one study only" and "share Huang B" in steroids["overlap"]


def test_cli_pools_writes_rdf_and_forest_plots_byte_identically(tmp_path: Path) -> None:
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        result = run_cli("pool", str(FIXTURE), "--out", str(out), "--allow-overlap")
        assert result.exit_code == 0, result.output
        assert "2 pooled" in result.output
        outs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert outs[0] == outs[1]
    assert len([n for n in outs[0] if n.startswith("forest-")]) == 4
    ttl = outs[0]["pooled-estimates.ttl"].decode()
    assert ttl.count("a jakkg:PooledEstimate") == 2
    assert "prov:wasDerivedFrom claim:A1 , claim:B1 , claim:C1" in ttl
    rows = list(csv.DictReader(io.StringIO(outs[0]["pooled-estimates.csv"].decode())))
    rash = next(r for r in rows if r["status"] == "pooled" and r["outcome"] == "ameliorates condition rash (improved)")
    e = pool_proportions([8, 12, 3], [10, 20, 3])
    assert (rash["studies_pooled"], rash["patients"], rash["pooled_proportion"]) == ("3", "33", f"{e.proportion:.4f}")


def test_cli_unusable_graph_exits_2_and_keeps_outputs(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text("this is not turtle\n")
    (tmp_path / "pooled-estimates.csv").write_text("previous\n")
    result = run_cli("pool", str(bad), "--out", str(tmp_path))
    assert result.exit_code == 2 and "bad.ttl:1" in result.output
    assert (tmp_path / "pooled-estimates.csv").read_text() == "previous\n"


# -- the drug-class roll-up ---------------------------------------------------------------------
CLASS_FIXTURE = Path(__file__).parent / "fixtures" / "pool" / "class.trig"


@pytest.fixture(scope="module")
def class_results():
    results, _, labels = pool_graph(load_store(CLASS_FIXTURE))
    return {(r.outcome.level, r.outcome.intervention[0].rsplit("/", 1)[1], r.outcome.definition(labels),
             r.outcome.population): r for r in results}


def test_members_roll_up_into_the_class_and_pool_by_hand(class_results) -> None:
    """6/10 (baricitinib), 12/20 (tofacitinib), 3/5 (the class) all have logit ln 1.5: tau2 = I2 = 0, pooled 0.6.

    Weights 1/(1/n + 1/(N-n)): 2.4, 4.8 and 1/(1/3 + 1/2) = 1.2, sum 8.4; SE sqrt(1/8.4) = 0.345033;
    CI expit(ln 1.5 -/+ 1.959964 x 0.345033) = 0.4327 .. 0.7468.
    """
    rash = class_results[("class", "D000075242", "ameliorates condition rash (improved)", "juvenile")]
    assert claims(rash.pooled) == ["R1", "R2", "R3"], "letter P's report of S1 counts once; drug Z is no member"
    assert {r.claim.rsplit("/", 1)[1]: why for r, why in rash.listed} == {"RP": "same study as R1", "R4": "case report"}
    e = rash.estimate
    assert e is not None and (e.studies, e.patients, e.tau2, e.i2) == (3, 35, 0.0, 0.0)
    assert e.proportion == pytest.approx(0.6)
    se = math.sqrt(1 / 8.4)
    assert (e.ci_low, e.ci_high) == (pytest.approx(expit(math.log(1.5) - Z * se)), pytest.approx(expit(math.log(1.5) + Z * se)))
    assert e.ci_low == pytest.approx(0.4327, abs=5e-5) and e.ci_high == pytest.approx(0.7468, abs=5e-5)


def test_drug_level_rows_stay_and_say_what_became_of_them_at_class_level(class_results) -> None:
    bari = class_results[("drug", "CHEBI_95341", "ameliorates condition rash (improved)", "juvenile")]
    tofa = class_results[("drug", "CHEBI_71200", "ameliorates condition rash (improved)", "juvenile")]
    direct = class_results[("drug", "D000075242", "ameliorates condition rash (improved)", "juvenile")]
    rolled = class_results[("class", "D000075242", "ameliorates condition rash (improved)", "juvenile")]
    assert (bari.reason, tofa.reason, direct.reason) == (
        "one study only (others define the outcome differently)", "case reports not pooled", "one study only")
    assert bari.class_level == tofa.class_level == direct.class_level == f"class level {rolled.outcome.id}: pooled"
    assert rolled.outcome.id != direct.outcome.id
    drug_z = class_results[("drug", "drugZ", "ameliorates condition rash (improved)", "juvenile")]
    assert drug_z.class_level == "", "not a JAK inhibitor: no class level"


def test_class_level_keeps_populations_definitions_case_reports_and_overlap_apart(class_results) -> None:
    assert not any(k[0] == "class" and k[3] == "adult" for k in class_results), "adults: one intervention, no roll-up"
    adult = class_results[("drug", "CHEBI_95341", "ameliorates condition rash (improved)", "adult")]
    assert adult.class_level.startswith("no other JAK inhibitor")
    assert not any(k[0] == "class" and "CDASI" in k[2] for k in class_results), "CDASI is another definition"
    resolved = class_results[("class", "D000075242", "ameliorates condition rash (resolved)", "juvenile")]
    assert (resolved.estimate, resolved.reason) == (None, "case reports not pooled")
    zoster = class_results[("class", "D000075242", "has adverse event herpes zoster (observed)", "juvenile")]
    assert (zoster.estimate, zoster.reason) == (None, "possible cohort overlap")
    assert zoster.overlap == "Seven et al. 2020 and Eight et al. 2022 share Huang B"


def test_cli_class_rows_in_the_table_and_rdf(tmp_path: Path) -> None:
    result = run_cli("pool", str(CLASS_FIXTURE), "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO((tmp_path / "pooled-estimates.csv").read_text())))
    pooled = [r for r in rows if r["status"] == "pooled"]
    assert [(r["intervention"], r["level"], r["studies_pooled"], r["patients"]) for r in pooled] == [
        ("Janus Kinase Inhibitors", "class", "3", "35")]
    assert "Two et al. 2021 12/20 on tofacitinib [R2]" in pooled[0]["studies"]
    ttl = (tmp_path / "pooled-estimates.ttl").read_text()
    assert "Janus Kinase Inhibitors (class: member drugs rolled up): ameliorates condition rash (improved)" in ttl
    assert "prov:wasDerivedFrom claim:R1 , claim:R2 , claim:R3" in ttl
