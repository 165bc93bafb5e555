"""Typed models of what curators write in data/.

One model per kind of record (paper or study, entity, cohort, patient, claim)
and one for the numbers a paper gives (:class:`Stat`, :class:`PValue`). The
models check what a single record can check by itself -- types, ranges,
n <= N, a percentage consistent with n/N, a follow-up only with a baseline;
checks that need the whole corpus (unknown keys, duplicate ids, quotes in
the paper) are in :mod:`jakkg.load`.
"""
from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    WithJsonSchema,
    field_validator,
    model_validator,
)

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
DURATION_PATTERN = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")
PERCENT_TOLERANCE = Decimal("0.5")  # a percentage printed rounded to a whole number
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
ORCID_PATTERN = r"^https://orcid\.org/\d{4}-\d{4}-\d{4}-\d{3}[\dX]$"
# Curators named without an ORCID: key -> label. Each is one agent IRI in the
# graph (jakkg.build.agent_iri), described once; no ORCID is ever invented.
AGENTS = {"jakkg-curation-team": "jakkg curation team"}


def _as_list(value: Any) -> Any:
    """Let curators write a single string where a list is expected."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return value


def _as_decimal(value: Any) -> Any:
    """Keep numbers exactly as written: YAML floats go through their repr."""
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


# One string or a list of them (the JSON Schema says so too, for editors).
StrList = Annotated[
    list[str], BeforeValidator(_as_list),
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}),
]
Number = Annotated[Decimal, BeforeValidator(_as_decimal)]


def check_date(value: str) -> str:
    """A calendar date written YYYY-MM-DD (2026-02-30 is refused, not rolled over)."""
    try:
        if not re.fullmatch(DATE_PATTERN, value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a date: write YYYY-MM-DD, e.g. 2026-11-21") from None
    return value


def check_curator(value: str) -> str:
    """An ORCID iD as its IRI, with a valid check digit, or a named agent of :data:`AGENTS`.

    The check digit (ISO 7064 MOD 11-2) catches a mistyped digit, which
    would silently credit someone else.
    """
    if value in AGENTS:
        return value
    if not re.fullmatch(ORCID_PATTERN, value):
        raise ValueError(f"curator {value!r} is neither an ORCID iD (https://orcid.org/0000-0002-1825-0097) "
                         f"nor one of {', '.join(sorted(AGENTS))}")
    digits = value.rsplit("/", 1)[1].replace("-", "")
    total = 0
    for d in digits[:-1]:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    if digits[-1] != ("X" if check == 10 else str(check)):
        raise ValueError(f"curator {value!r}: the ORCID iD's check digit is wrong (a mistyped digit?)")
    return value


IsoDate = Annotated[str, AfterValidator(check_date), WithJsonSchema({"type": "string", "format": "date", "pattern": DATE_PATTERN})]
Curator = Annotated[str, AfterValidator(check_curator), WithJsonSchema({"anyOf": [
    {"type": "string", "pattern": ORCID_PATTERN}, {"enum": sorted(AGENTS)}]})]  # the check digit is checked on load


class Record(BaseModel):
    """Base for curated records: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=False)


class Study(Record):
    """A paper in the corpus (with a seed text) or a study a paper reports."""

    id: str = Field(pattern=ID_PATTERN)
    citation: str
    year: StrictInt | None = Field(default=None, ge=1900, le=2100)
    doi: str | None = Field(default=None, pattern=DOI_PATTERN)
    design: StrList = Field(default_factory=list)
    publication_type: str | None = None
    seed: str | None = None
    license: str | None = None
    hal: str | None = None
    body: StrList = Field(default_factory=list, max_length=2)
    uncurated: StrictBool = Field(default=False, description="true for a paper listed before its claims are curated: "
                                  "without it, a paper with no claim is an error (a forgotten or emptied claims file)")
    note: str | None = None


class Entity(Record):
    """A drug, gene, pathway, disease, phenotype, outcome measure ... by its standard CURIE."""

    key: str
    curie: str
    label: str
    category: str
    synonyms: StrList = Field(default_factory=list)
    verified: StrictBool = True
    xrefs: StrList = Field(default_factory=list)
    note: str | None = None
    file: str = Field(default="", exclude=True)
    line: int = Field(default=0, exclude=True)


class Stat(Record):
    """A value as a paper reports it: mean (SD), median (IQR or range), or a single value."""

    value: Number | None = None
    mean: Number | None = None
    sd: Number | None = Field(default=None, ge=0)
    median: Number | None = None
    q1: Number | None = None
    q3: Number | None = None
    min: Number | None = None
    max: Number | None = None
    above: Number | None = Field(default=None, description="strict lower bound: '> 5 mg/day' is above 5 (min 5 would read as >= 5)")
    below: Number | None = Field(default=None, description="strict upper bound: '< 2' is below 2 (max 2 would read as <= 2)")
    out_of: Number | None = Field(default=None, gt=0)
    unit: str | None = None
    frequency: str | None = None
    time: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Stat:
        numbers = [self.value, self.mean, self.median, self.min, self.max, self.above, self.below]
        if all(v is None for v in numbers):
            raise ValueError("a statistic needs at least one of value, mean, median, min, max, above, below")
        if self.above is not None and self.min is not None:
            raise ValueError("above (strict) and min (inclusive) are two lower bounds: give one")
        if self.below is not None and self.max is not None:
            raise ValueError("below (strict) and max (inclusive) are two upper bounds: give one")
        if self.sd is not None and self.mean is None:
            raise ValueError("sd given without mean")
        if (self.q1 is None) != (self.q3 is None):
            raise ValueError("q1 and q3 go together (an IQR has both ends)")
        if self.q1 is not None and self.q3 is not None and self.q1 > self.q3:
            raise ValueError(f"q1 ({self.q1}) is greater than q3 ({self.q3})")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) is greater than max ({self.max})")
        if self.median is not None and self.q1 is not None and not self.q1 <= self.median <= self.q3:  # type: ignore[operator]
            raise ValueError(f"median ({self.median}) lies outside its IQR ({self.q1}-{self.q3})")
        if self.value is not None and self.out_of is not None and self.value > self.out_of:
            raise ValueError(f"value ({self.value}) exceeds the scale maximum ({self.out_of})")
        if self.time is not None:
            self.time = check_time_point(self.time)
        return self


class PValue(Record):
    """A p-value with its comparator: ``p < 0.0001`` is value 0.0001, comparator '<'."""

    value: Number = Field(ge=0, le=1)
    comparator: Literal["=", "<", "<=", ">"] = "="

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if isinstance(data, (int, float, Decimal)):
            return {"value": _as_decimal(data)}
        if isinstance(data, str):
            m = re.fullmatch(r"\s*(<=|≤|<|>|=)?\s*([0-9.eE-]+)\s*", data)
            if not m:
                raise ValueError(f"cannot read p-value {data!r} (write 0.018 or '<0.0001')")
            comparator = {"≤": "<="}.get(m.group(1) or "=", m.group(1) or "=")
            return {"value": Decimal(m.group(2)), "comparator": comparator}
        return data


def check_time_point(value: str) -> str:
    """Accept an ISO 8601 duration (P3M) or a named time point key.

    Durations are stored in the canonical xsd:duration form that RDF tools
    write (P27M is P2Y3M; weeks, which xsd:duration lacks, become days: P9W
    is P63D), so the curated value, the graph and the value read back agree.
    """
    if value in ("baseline", "last_follow_up"):
        return value
    m = DURATION_PATTERN.match(value)
    if not m:
        raise ValueError(
            f"time point {value!r} is neither an xsd:duration in whole units (P3M, P18M, P9W, P2Y) "
            "nor baseline/last_follow_up (xsd:duration has no fractions of years or months: write P22M, not P1.8Y)"
        )
    from rdflib import XSD, Literal

    if m.group(3):  # weeks -> days
        days = int(m.group(3)[:-1]) * 7 + (int(m.group(4)[:-1]) if m.group(4) else 0)
        value = "P" + (m.group(1) or "") + (m.group(2) or "") + f"{days}D"
    return str(Literal(value, datatype=XSD.duration))


class Located(Record):
    """A record that remembers where it was curated, for error messages and reports."""

    file: str = Field(default="", exclude=True)
    line: int = Field(default=0, exclude=True)
    quote_lines: list[int] = Field(default_factory=list, exclude=True)  # the line of each quote, for its errors


class Cohort(Located):
    """The patients a study reports on."""

    id: str = Field(pattern=ID_PATTERN)
    label: str
    size: StrictInt | None = Field(default=None, ge=0, description="number of patients; left out for a population the paper names without counting it")
    disease: str
    drugs: StrList = Field(default_factory=list)
    design: StrList = Field(default_factory=list)
    attributed_to: str | None = None
    quote: StrList = Field(min_length=1)
    note: str | None = None


class Measurement(Record):
    """One patient's value on one outcome measure at one time point."""

    instrument: str
    time: str
    value: Number
    sd: Number | None = Field(default=None, ge=0)
    out_of: Number | None = Field(default=None, gt=0)
    unit: str | None = None

    @field_validator("time")
    @classmethod
    def _time(cls, v: str) -> str:
        return check_time_point(v)


class Patient(Located):
    """One patient of a case report or of a per-patient table."""

    id: str = Field(pattern=ID_PATTERN)
    cohort: str
    label: str | None = None
    age_years: Number | None = Field(default=None, ge=0, le=120)
    sex: Literal["F", "M"] | None = None
    disease: str
    disease_duration_years: Number | None = Field(default=None, ge=0, le=120)
    autoantibodies: StrList = Field(default_factory=list)
    seronegative: bool = False
    previous_treatments: StrList = Field(default_factory=list)
    drugs: StrList = Field(default_factory=list)
    dose: Stat | None = None
    measurements: list[Measurement] = Field(default_factory=list)
    attributed_to: str | None = None
    quote: StrList = Field(min_length=1)
    note: str | None = None

    @model_validator(mode="after")
    def _serology(self) -> Patient:
        if self.seronegative and self.autoantibodies:
            raise ValueError("a seronegative patient cannot list autoantibodies")
        return self


class Claim(Located):
    """One statement of a paper as subject-predicate-object with qualifiers and quote."""

    id: str = Field(pattern=ID_PATTERN)
    category: str
    subject: str
    predicate: str
    object: str
    population: str | None = None
    instrument: str | None = None
    n: StrictInt | None = Field(default=None, ge=0)  # strict: `n: true` or `N: '16'` is a curation error, not 1 or 16
    N: StrictInt | None = Field(default=None, ge=0)
    percent: Number | None = Field(default=None, ge=0, le=100)
    value: Stat | None = None
    baseline: Stat | None = None
    followup: Stat | None = None
    follow_up_duration: Stat | None = None
    time_to_effect: Stat | None = None
    dose: Stat | None = None
    p_value: PValue | None = None
    time_point: str | None = None
    direction: str | None = None
    negated: StrictBool = False
    hedging: str = "asserted"
    attributed_to: str | None = None
    evidence: str | None = None
    disagrees_with: StrList = Field(default_factory=list)
    quote: StrList = Field(min_length=1)
    note: str | None = None
    created: IsoDate | None = Field(default=None, exclude=True, description=(
        "the date this claim was curated, when not the file's curation.created (a claim added or revised later); "
        "publication info, not the claim's content"))

    @field_validator("time_point")
    @classmethod
    def _time(cls, v: str | None) -> str | None:
        return None if v is None else check_time_point(v)

    @field_validator("quote")
    @classmethod
    def _non_empty_quotes(cls, v: list[str]) -> list[str]:
        if any(not q.strip() for q in v):
            raise ValueError("empty quote")
        return v

    @model_validator(mode="after")
    def _numbers_agree(self) -> Claim:
        if self.n is not None and self.N is not None and self.n > self.N:
            raise ValueError(f"n ({self.n}) is greater than N ({self.N})")
        if self.n is not None and self.N is None:
            raise ValueError("n given without N")
        if self.percent is not None and self.n is not None and self.N:
            expected = Decimal(100 * self.n) / Decimal(self.N)
            if abs(expected - self.percent) > PERCENT_TOLERANCE:
                raise ValueError(
                    f"percent ({self.percent}) does not match n/N = {self.n}/{self.N} = {expected:.1f}%"
                )
        if self.percent is not None and self.n is None and self.N:
            # Without n, some whole number of the N must still give the printed
            # percentage (to its printed precision): 65.5% of 101 is no k/101,
            # so that percentage is of a subset and N is not its base.
            half_unit = Decimal(5).scaleb(self.percent.as_tuple().exponent - 1)  # type: ignore[operator]
            if not any(abs(Decimal(100 * k) / Decimal(self.N) - self.percent) <= half_unit for k in range(self.N + 1)):
                raise ValueError(
                    f"percent ({self.percent}) is not k/N for any whole k of N = {self.N}: "
                    "the percentage is of a subset, so leave N out (or give the subset's n and N)"
                )
        if self.followup is not None and self.baseline is None:
            raise ValueError("followup given without baseline (a change needs its starting value)")
        if self.direction == "not_observed" and not self.negated:
            raise ValueError("direction not_observed needs negated: true (the event did not occur)")
        return self


class Skipped(Located):
    """A sentence deliberately left without a claim, with the reason (for the coverage report)."""

    quote: StrList = Field(min_length=1)
    reason: str = Field(min_length=3)


class Curation(Record):
    """Who curated a claims file and when: the pubinfo of its claims' nanopublications.

    Recorded in the data, never taken from the clock, so the same data gives
    the same graph; a claim revised later carries its own ``created``.
    """

    created: IsoDate = Field(description="the date the file's claims were curated (YYYY-MM-DD)")
    curators: Annotated[list[Curator], BeforeValidator(_as_list)] = Field(min_length=1, description=(
        "ORCID iDs (https://orcid.org/...) of the curators, or jakkg-curation-team"))


class ClaimsFile(Record):
    """One data/claims/NNN.yaml file: a paper's cohorts, patients and claims.

    Not used to load (the loader reads each record with its line number); it
    describes the file as a whole for the JSON Schema editors check as a
    curator types (scripts/curation_schema.py).
    """

    source: str = Field(description="the paper's id in sources.yaml")
    curation: Curation
    cohorts: list[Cohort] = Field(default_factory=list)
    patients: list[Patient] = Field(default_factory=list)
    patient_tables: StrList = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    skipped: list[Skipped] = Field(default_factory=list)
