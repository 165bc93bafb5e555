"""Curated data checked against the papers' text, for every paper.

- every measured number of a claim (statistics, percentages, p-values) is
  printed in the claim's own quotes;
- paper 002's Table 1 is in data/patients/002.csv row by row, read from the
  table in the text itself.
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest

from jakkg.model import Claim, check_time_point

STAT_FIELDS = ("value", "baseline", "followup", "follow_up_duration", "time_to_effect", "dose")
# out_of (the top of the scale) belongs to the instrument's version, and papers rarely
# print it next to the value (MMT8 on 0-150 in paper 002); every other number is printed.
NUMBER_FIELDS = ("value", "mean", "sd", "median", "q1", "q3", "min", "max", "above", "below")


def measured_numbers(claim: Claim) -> list[tuple[str, Decimal]]:
    numbers = []
    for name in STAT_FIELDS:
        stat = getattr(claim, name)
        for field in NUMBER_FIELDS if stat else ():
            if (v := getattr(stat, field)) is not None:
                numbers.append((f"{name}.{field}", v))
    if claim.percent is not None:
        numbers.append(("percent", claim.percent))
    if claim.p_value is not None:
        numbers.append(("p_value", claim.p_value.value))
    return numbers


# numbers papers write as words
WORDS = {Decimal(n): w for n, w in enumerate(["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"])}
WORDS |= {Decimal(50): "half", Decimal(100): "all", Decimal(96): "ninety-six"}


def printed(number: Decimal, text: str) -> bool:
    """Whether the number is printed in the text as a whole number token (27 in '27±13', not in '127')."""
    if number in WORDS and re.search(rf"\b{WORDS[number]}\b", text.lower()):
        return True
    forms = {format(number.normalize(), "f"), format(number, "f")}
    return any(re.search(rf"(?<![\d.]){re.escape(f)}(?![\d]|\.\d)", text) for f in forms)


def test_every_measured_number_is_printed_in_its_quotes(corpus) -> None:
    missing = []
    for claim in corpus.claims.values():
        text = "\n".join(q.replace("\\pm", "±").replace("$", "") for q in claim.quote)
        missing += [f"{claim.id} {field}={value}" for field, value in measured_numbers(claim) if not printed(value, text)]
    assert not missing, "numbers not found in the claim's quotes: " + ", ".join(missing)


def test_a_claims_sample_size_fits_its_cohort(corpus) -> None:
    """N of a claim about a cohort is never larger than the cohort (the loader checks patients' cohorts)."""
    for claim in corpus.claims.values():
        if claim.population in corpus.cohorts and claim.N is not None and claim.n is None:
            assert claim.N <= corpus.cohorts[claim.population].size, claim.id


# -- paper 002, Table 1 -------------------------------------------------------------
TABLE_ABBREVIATIONS = {
    "CS": "corticosteroids", "HCQ": "hydroxychloroquine", "IVIg": "ivig", "PLEX": "plasma-exchange",
    "MTX": "methotrexate", "AZA": "azathioprine", "MMF": "mycophenolate-mofetil", "RTX": "rituximab",
    "TAC": "tacrolimus", "Cic": "ciclosporin", "CYC": "cyclophosphamide",
}  # the table's own legend (lines 124-129 of the text)
AUTOANTIBODY_TARGETS = {"Anti-TIF1 γ": ["TRIM33"], "Anti-SAE": ["SAE1", "UBA2"], "Anti-MDA5": ["IFIH1"], "Anti-NXP2": ["MORC3"], "Seronegative": []}


def table_rows(seeds_dir) -> list[list[str]]:
    text = (seeds_dir / "002_1d42a4933288283d.txt").read_text(encoding="utf-8")
    rows = [ln for ln in text.splitlines() if re.match(r"^\| \d+ \|", ln)]
    return [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in rows]


def value_sd(cell: str) -> tuple[Decimal | None, Decimal | None]:
    parts = [p.strip() for p in cell.split("\\pm")]
    num = lambda s: None if s == "NA" else Decimal(s)
    return num(parts[0]), (num(parts[1]) if len(parts) > 1 else None)


def test_table_1_has_sixteen_rows(corpus, seeds_dir) -> None:
    assert len(table_rows(seeds_dir)) == 16
    assert sorted(p for p in corpus.patients if p.startswith("LC22-P")) == [f"LC22-P{i:02d}" for i in range(1, 17)]


@pytest.mark.parametrize("row_number", range(1, 17))
def test_table_1_row_matches_patient_record(row_number: int, corpus, seeds_dir) -> None:
    row = table_rows(seeds_dir)[row_number - 1]
    num, age, sex, duration, antibody, previous, molecule, cdasi0, cdasi3, ifn0, ifn3, mmt0, mmt3, ck0, ck3 = row
    patient = corpus.patients[f"LC22-P{row_number:02d}"]
    assert int(num) == row_number
    assert patient.age_years == Decimal(age) and patient.sex == sex
    assert patient.disease_duration_years == Decimal(duration)
    assert patient.autoantibodies == AUTOANTIBODY_TARGETS[antibody]
    assert patient.seronegative == (antibody == "Seronegative")
    expected_previous = [] if previous == "None" else [TABLE_ABBREVIATIONS[x.strip()] for x in previous.split(",")]
    assert patient.previous_treatments == expected_previous
    drug, dose = (x.strip() for x in molecule.split(","))
    assert patient.drugs == [drug.lower()] and patient.dose.value == Decimal(dose) and patient.dose.unit == "mg/d"
    measured = {(m.instrument, m.time): (m.value, m.sd) for m in patient.measurements}
    for instrument, cells in (("cdasi", (cdasi0, cdasi3)), ("ifn-alpha", (ifn0, ifn3)), ("mmt8", (mmt0, mmt3)), ("creatine-kinase-measurement", (ck0, ck3))):
        for time, cell in zip((check_time_point("P0M"), check_time_point("P3M")), cells):
            value, sd = value_sd(cell)
            if value is None:
                assert (instrument, time) not in measured, (instrument, time)
            else:
                assert measured[(instrument, time)] == (value, sd), (instrument, time)
    match = corpus.quotes[(patient.id, 0)]
    assert match.exact.startswith(f"{row_number} | {age} | {sex} |") and match.prefix.endswith("\n| ")


# -- disagreements between papers are kept, and linked ----------------------------------
def _linked(corpus, a: Claim, b: Claim) -> bool:
    return b.id in a.disagrees_with or a.id in b.disagrees_with


def _claims(corpus, paper: str, **fields):
    return [c for c in corpus.claims.values() if corpus.source_of[c.id] == paper and all(getattr(c, k) == v for k, v in fields.items())]


def test_tofacitinib_targets_disagree_between_000_and_001(corpus, seeds_dir) -> None:
    text000 = (seeds_dir / "000_318a5eed6a80bcdd.txt").read_text(encoding="utf-8")
    text001 = (seeds_dir / "001_9fd483e06a273bc1.txt").read_text(encoding="utf-8")
    assert "tofacitinib (JAK1/2/3 inhibitor)" in text000 and "(JAK 1/3) inhibitor (tofacitinib)" in text001
    t000 = {c.object for c in _claims(corpus, "allenbach-2019", subject="tofacitinib", predicate="inhibits")}
    t001 = {c.object for c in _claims(corpus, "landon-cardinal-2019", subject="tofacitinib", predicate="inhibits")}
    assert t000 == {"JAK1", "JAK2", "JAK3"} and t001 == {"JAK1", "JAK3"}
    jak2 = _claims(corpus, "allenbach-2019", subject="tofacitinib", predicate="inhibits", object="JAK2")[0]
    assert all(_linked(corpus, jak2, c) for c in _claims(corpus, "landon-cardinal-2019", subject="tofacitinib", predicate="inhibits"))


def test_calcinosis_claims_disagree_and_both_sides_are_kept(corpus) -> None:
    failed = [c for c in _claims(corpus, "allenbach-2019", object="calcinosis", predicate="ameliorates") if c.negated]
    improved = _claims(corpus, "landon-cardinal-2019", object="calcinosis", predicate="ameliorates", direction="improved")
    assert len(failed) == 2 and improved
    assert all(any(_linked(corpus, f, i) for i in improved) for f in failed)


def test_anti_mda5_lung_disease_outcomes_disagree(corpus) -> None:
    sabbagh = _claims(corpus, "landon-cardinal-2019", subject="tofacitinib", object="interstitial-lung-disease", direction="improved")
    own = [c for c in corpus.claims.values() if c.disagrees_with and corpus.source_of[c.id] in ("landon-cardinal-2019", "landon-cardinal-2022")]
    assert sabbagh and any(_linked(corpus, s, o) for s in sabbagh for o in own if o.id != s.id)
    # Paper 002's death (LC22-C021) is not linked: the paper makes no such contrast and its
    # drugs (ruxolitinib, baricitinib) are not Sabbagh's tofacitinib (issue 11).
    died = corpus.claims["LC22-C021"]
    assert died.object == "death" and not died.disagrees_with and not any(_linked(corpus, died, s) for s in sabbagh)
