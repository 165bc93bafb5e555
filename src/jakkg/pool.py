"""Pooled proportions computed from the graph (issue 14): random-effects meta-analysis of n/N outcomes.

What is pooled: efficacy and safety claims that give n of N patients, grouped
by *outcome* -- the intervention (the claim's drug or drug class; for a claim
about a cohort, the drugs the cohort was treated with), the predicate, the
object, the instrument, the direction and the negation -- and by population
kind (juvenile or adult dermatomyositis, never mixed). Different instruments
or directions are different outcome definitions and are never pooled together
(a CDASI drop of >= 5 is not "rash improved"); the table names the other
definitions found for the same intervention, object and population.

Two levels. At *drug* level the intervention is what the papers name (a drug,
or the class when they speak of "JAK inhibitors"). At *class* level
(:func:`roll_up`) the outcomes of every member of "Janus Kinase Inhibitors"
(MeSH D000075242) and of the class itself are pooled together, membership
read from the graph (typed jakkg:JAKInhibitor by the reasoner, or asserted to
inhibit a JAK), never from a list of names; a class-level row exists where
reports on at least two interventions meet, and each drug-level row of a
member says what became of it at class level. Every rule below holds at both
levels.

The reviewer's rules:

- a study counts once, however many papers report it: the study of a claim is
  the one it is attributed to, else the paper it was read in, and a study's
  report read in its own paper is preferred to a report of it elsewhere, then
  the report on the most patients (a subgroup of a study is not another study);
- case reports are listed but not pooled unless asked for
  (``include_case_reports``); a study is a case report when its recorded
  designs include MeSH "Case Reports";
- possible cohort overlap is flagged, not silently pooled: two studies whose
  citations share an author (surname and initials) may describe the same
  patients, and the outcome is left unpooled unless asked for
  (``allow_overlap``), with the shared authors named. Centres are not
  recorded as data, so only shared authors are detected.

The model: proportions are transformed to logits with a continuity
correction of 0.5 added to both cells of a study with 0 or N events (Sweeting
et al., Stat Med 2004;23:1351-75), so that 100 % responders keeps a finite
variance; the between-study variance tau^2 is estimated by Paule-Mandel
(recommended for binary outcomes by Veroniki et al., Res Synth Methods
2016;7:55-79) and the studies are combined with inverse-variance
random-effects weights by statsmodels' ``combine_effects``; the 95 % CI is
the normal (Wald) interval on the logit scale, back-transformed. I^2 is
Higgins and Thompson's (Q - df) / Q, truncated at 0. statsmodels' one-step
DerSimonian-Laird option is not used: its tau^2 is not truncated at zero.

Everything is read from the built graph in a few SPARQL queries on Oxigraph
(:mod:`jakkg.store`), grouped in Python by key: linear in claims.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .identifiers import expand
from .store import select

VOCAB = "https://w3id.org/jakkg/vocab/"
DATA = "https://w3id.org/jakkg/jakdm/"
JAK_CLASS = expand("MESH:D000075242")  # Janus kinase inhibitors (the drug class)
CASE_REPORT = expand("MESH:D002363")
JUVENILE_DM = "http://purl.obolibrary.org/obo/MONDO_0008054"
ADULT_DM = "http://purl.obolibrary.org/obo/MONDO_0001907"
CONTINUITY = 0.5
Z95 = 1.959963984540054
METHOD = ("random-effects meta-analysis of proportions: logit transform with 0.5 continuity correction for studies "
          "with 0 or N events, Paule-Mandel tau2, inverse-variance weights, 95% Wald CI back-transformed "
          "(statsmodels.stats.meta_analysis.combine_effects, method_re='iterated')")

PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX jakkg: <https://w3id.org/jakkg/vocab/>
PREFIX biolink: <https://w3id.org/biolink/vocab/>
"""
OUTCOME_CLAIMS = PREFIXES + """
SELECT ?claim ?subject ?predicate ?object ?instrument ?direction ?negated ?n ?N ?population ?paper ?credited WHERE {
  VALUES ?category { jakkg:EfficacyClaim jakkg:SafetyClaim }
  ?claim a ?category ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
         jakkg:negated ?negated ; dcterms:source ?paper .
  OPTIONAL { ?claim jakkg:responders ?n }
  OPTIONAL { ?claim jakkg:sampleSize ?N }
  FILTER(BOUND(?n) || BOUND(?N))
  OPTIONAL { ?claim jakkg:instrument ?instrument }
  OPTIONAL { ?claim jakkg:direction ?direction }
  OPTIONAL { ?claim jakkg:population ?population }
  OPTIONAL { ?claim jakkg:attributedTo ?credited }
}"""
DRUGS = PREFIXES + "SELECT DISTINCT ?drug WHERE { VALUES ?t { biolink:Drug jakkg:DrugClass } ?drug a ?t }"
JAK_DRUGS = PREFIXES + """
SELECT DISTINCT ?drug WHERE {
  { ?claim rdf:subject ?drug ; rdf:predicate <http://purl.obolibrary.org/obo/RO_0002449> ; rdf:object ?target .
    ?target rdfs:label ?target_label FILTER(REGEX(?target_label, "^(JAK[1-3]|TYK2)$")) }
  UNION { ?drug a jakkg:JAKInhibitor }
  UNION { VALUES ?drug { <""" + JAK_CLASS + """> } }
}"""
TREATED = PREFIXES + "SELECT ?population ?drug WHERE { VALUES ?t { jakkg:Cohort jakkg:Patient } ?population a ?t ; jakkg:treatedWith ?drug }"
POPULATIONS = PREFIXES + """
SELECT ?population ?diagnosis ?age WHERE {
  VALUES ?t { jakkg:Cohort jakkg:Patient } ?population a ?t ; jakkg:diagnosis ?diagnosis .
  OPTIONAL { ?population jakkg:ageYears ?age }
}"""
STUDIES = PREFIXES + """
SELECT ?study ?label ?citation ?design WHERE {
  ?study a jakkg:Study ; rdfs:label ?label . OPTIONAL { ?study dcterms:bibliographicCitation ?citation }
  OPTIONAL { ?study jakkg:studyDesign ?design }
}"""
LABELS = PREFIXES + "SELECT ?s ?label WHERE { GRAPH <" + DATA + "graph/corpus> { ?s rdfs:label ?label } }"


# -- the numbers -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Estimate:
    """A pooled proportion with its 95 % CI, heterogeneity and size."""

    proportion: float
    ci_low: float
    ci_high: float
    tau2: float
    i2: float
    studies: int
    patients: int


def logit_effects(events: Iterable[int], totals: Iterable[int]) -> tuple[list[float], list[float]]:
    """Logit of each proportion and its variance, with 0.5 added to both cells when n is 0 or N."""
    effects, variances = [], []
    for n, total in zip(events, totals):
        c = CONTINUITY if n in (0, total) else 0.0
        a, b = n + c, total - n + c
        effects.append(math.log(a / b))
        variances.append(1 / a + 1 / b)
    return effects, variances


def expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def pool_proportions(events: list[int], totals: list[int]) -> Estimate:
    """Random-effects pooled proportion of k >= 2 studies (see the module docstring for the model)."""
    import numpy as np
    from statsmodels.stats.meta_analysis import combine_effects

    if len(events) < 2:
        raise ValueError("pooling needs at least two studies")
    effects, variances = logit_effects(events, totals)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        res = combine_effects(np.array(effects), np.array(variances), method_re="iterated")
        low, high = res.conf_int(alpha=0.05, use_t=False)[1]
    df = len(events) - 1
    i2 = max(0.0, (res.q - df) / res.q) if res.q > 0 else 0.0
    return Estimate(expit(res.mean_effect_re), expit(low), expit(high), float(res.tau2), float(i2), len(events), sum(totals))


# -- what the graph says ------------------------------------------------------------------------
@dataclass(frozen=True)
class Outcome:
    """What is pooled: one outcome definition for one intervention in one kind of population."""

    intervention: tuple[str, ...]
    predicate: str
    object: str
    instrument: str | None
    direction: str | None
    negated: bool
    population: str  # juvenile, adult or "not stated"
    level: str = field(default="drug", repr=False)  # "drug": as the papers name it; "class": members rolled up

    @property
    def id(self) -> str:
        """Stable across versions: a drug-level id is the hash it had before class-level rows existed."""
        return hashlib.sha1((repr(self) + ("" if self.level == "drug" else f"|{self.level}")).encode()).hexdigest()[:10]

    def family(self) -> tuple[Any, ...]:
        """Outcomes that differ only in definition (predicate, instrument, direction, negation) share a family."""
        return (self.intervention, self.object, self.population, self.level)

    def definition(self, labels: dict[str, str]) -> str:
        parts = [labels.get(self.predicate, _local(self.predicate))]
        if self.negated:
            parts.insert(0, "NOT")
        parts.append(labels.get(self.object, _local(self.object)))
        if self.instrument:
            parts.append(f"by {labels.get(self.instrument, _local(self.instrument))}")
        if self.direction:
            parts.append(f"({labels.get(self.direction, _local(self.direction))})")
        return " ".join(parts)


@dataclass(frozen=True)
class Report:
    """One claim giving n/N for an outcome, with the study it rests on."""

    claim: str
    study: str
    paper: str
    n: int | None
    N: int | None
    drug: str = ""  # the intervention as the claim names it, told in class-level rows

    @property
    def own_paper(self) -> bool:
        return self.study == self.paper


@dataclass
class Study:
    label: str
    authors: frozenset[str] = frozenset()
    designs: set[str] = field(default_factory=set)

    @property
    def case_report(self) -> bool:
        return CASE_REPORT in self.designs


@dataclass
class Result:
    """One outcome: the studies pooled or listed, the estimate if pooled, and why not otherwise."""

    outcome: Outcome
    pooled: list[Report]
    listed: list[tuple[Report, str]]
    estimate: Estimate | None
    reason: str
    overlap: str = ""
    other_definitions: list[str] = field(default_factory=list)
    class_level: str = ""  # for a member drug's (or the class's) row: what became of it at class level


def authors_of(citation: str) -> frozenset[str]:
    """Authors as 'Surname Initials' from a Vancouver citation ('Huang B, Wang X, et al. Title ...')."""
    head = re.split(r"\.\s", citation, maxsplit=1)[0]
    names = [re.sub(r"\bet al\.?$", "", a).strip() for a in head.split(",")]
    return frozenset(n for n in names if n and n != "et al")


def read_context(store: Any) -> tuple[dict[str, set[str]], dict[str, str], dict[str, Study]]:
    """What the claims' populations were given, their kind (juvenile, adult, not stated), and the studies
    with authors and designs: shared by the pooled table and the evidence map."""
    treated: dict[str, set[str]] = defaultdict(set)
    for population, drug in select(store, TREATED):
        treated[population].add(drug)
    kinds = {population: _kind(diagnosis, age) for population, diagnosis, age in select(store, POPULATIONS)}
    studies: dict[str, Study] = {}
    for study, label, citation, design in select(store, STUDIES):
        s = studies.setdefault(study, Study(label, authors_of(citation or "")))
        if design:
            s.designs.add(design)
    return treated, kinds, studies


def read_graph(store: Any) -> tuple[dict[Outcome, list[Report]], dict[str, Study], dict[str, str]]:
    """Outcome reports, studies and labels of a built graph, in five SPARQL queries."""
    drugs = {row[0] for row in select(store, DRUGS)}
    jak_drugs = {row[0] for row in select(store, JAK_DRUGS)}
    treated, kinds, studies = read_context(store)
    labels = dict(select(store, LABELS)) | _vocabulary_labels()
    outcomes: dict[Outcome, list[Report]] = defaultdict(list)
    for (claim, subject, predicate, obj, instrument, direction, negated, n, total, population, paper,
         credited) in select(store, OUTCOME_CLAIMS):
        # a claim about a cohort ("the patients tapered prednisone") is an outcome of the JAK inhibitors they took
        # (a cohort given several, patient by patient, took "a JAK inhibitor": the class)
        intervention = (subject,) if subject in drugs else tuple(sorted(treated.get(subject, set()) & jak_drugs))
        if not intervention:
            continue  # no JAK inhibitor named: not an outcome of the treatment under study
        if len(intervention) > 1:
            intervention = (JAK_CLASS,)
        key = Outcome(intervention, predicate, obj, None if instrument == obj else instrument, direction,
                      negated == "true", kinds.get(population or subject, "not stated"))
        outcomes[key].append(Report(claim, credited or paper, paper, n, total, intervention[0]))
    return outcomes, studies, labels


def roll_up(outcomes: dict[Outcome, list[Report]], members: set[str]) -> dict[Outcome, list[Report]]:
    """Class-level outcomes: the reports of every member drug and of the class itself, per outcome definition.

    Membership is the graph's (a drug typed jakkg:JAKInhibitor by the reasoner, or asserted to inhibit
    JAK1-3/TYK2, the same criterion the OWL class states). A class-level outcome is made only where
    reports of at least two interventions meet (else it would repeat the drug-level row); every rule of
    :func:`decide` then applies to it as to any outcome -- one study once, so a study that reports
    baricitinib and the class for the same outcome counts once, with its largest N (its arms are not
    summed: they may be the same patients).
    """
    rolled: dict[Outcome, list[Report]] = defaultdict(list)
    for o, reports in outcomes.items():
        if o.level == "drug" and len(o.intervention) == 1 and o.intervention[0] in members:
            rolled[replace(o, intervention=(JAK_CLASS,), level="class")].extend(reports)
    return {o: reps for o, reps in rolled.items() if len({r.drug for r in reps}) >= 2}


def tell_class_level(results: list[Result], members: set[str]) -> None:
    """Say on each drug-level row of a JAK inhibitor (or the class) what its class-level roll-up became."""
    rolled = {replace(r.outcome, intervention=(JAK_CLASS,), level="drug"): r for r in results if r.outcome.level == "class"}
    for r in results:
        o = r.outcome
        if o.level != "drug" or len(o.intervention) != 1 or o.intervention[0] not in members:
            continue
        up = rolled.get(replace(o, intervention=(JAK_CLASS,)))
        r.class_level = (f"class level {up.outcome.id}: {up.reason}" if up else
                         "no other JAK inhibitor or class-level claim reports this definition in this population")


def _vocabulary_labels() -> dict[str, str]:
    """Labels of predicates and directions, which live in the ontology rather than in the graph."""
    from .vocab import default_vocabulary

    return {str(k): v for k, v in default_vocabulary().labels.items()}


def _kind(diagnosis: str, age: Any) -> str:
    """Juvenile or adult dermatomyositis, from the diagnosis or, failing that, a patient's age."""
    if diagnosis == JUVENILE_DM:
        return "juvenile"
    if diagnosis == ADULT_DM:
        return "adult"
    if age is not None:
        return "juvenile" if float(age) < 18 else "adult"
    return "not stated"


# -- the rules ---------------------------------------------------------------------------------
def one_per_study(reports: list[Report]) -> tuple[list[Report], list[tuple[Report, str]]]:
    """One report per study: read in the study's own paper first, then the largest N (a subgroup is not a study)."""
    chosen: dict[str, Report] = {}
    for r in sorted(reports, key=lambda r: (not r.own_paper, -(r.N or 0), r.claim)):
        chosen.setdefault(r.study, r)
    dropped = [(r, f"same study as {_local(chosen[r.study].claim)}") for r in reports if chosen[r.study] is not r]
    return sorted(chosen.values(), key=lambda r: r.claim), dropped


def shared_authors(reports: list[Report], studies: dict[str, Study]) -> str:
    """'A and B share Huang B' for the first pair of studies whose citations share an author, else ''."""
    for i, a in enumerate(reports):
        for b in reports[i + 1:]:
            common = studies[a.study].authors & studies[b.study].authors if a.study in studies and b.study in studies else set()
            if common:
                return f"{studies[a.study].label} and {studies[b.study].label} share {', '.join(sorted(common))}"
    return ""


def decide(outcome: Outcome, reports: list[Report], studies: dict[str, Study], *,
           include_case_reports: bool = False, allow_overlap: bool = False) -> Result:
    """Apply the reviewer's rules to one outcome and pool when they allow it."""
    kept, listed = one_per_study(reports)
    usable = []
    for r in kept:
        study = studies.get(r.study)
        if r.n is None or r.N is None or r.N == 0:
            listed.append((r, "no n/N"))
        elif study is not None and study.case_report and not include_case_reports:
            listed.append((r, "case report"))
        else:
            usable.append(r)
    listed.sort(key=lambda x: x[0].claim)
    if outcome.population == "not stated":
        return Result(outcome, [], [(r, "population not stated") for r in usable] + listed, None, "population not stated")
    if len(usable) < 2:
        cases = sum(why == "case report" for _, why in listed)
        if cases and len(usable) + cases >= 2:
            reason = "case reports not pooled"
        elif usable or cases:
            reason = "one study only"
        else:
            reason = "no n/N"
        return Result(outcome, [], sorted([(r, "only study") for r in usable] + listed, key=lambda x: x[0].claim), None, reason,
                      shared_authors(kept, studies))  # named for the curator, though there is nothing to pool
    overlap = shared_authors(usable, studies)
    if overlap and not allow_overlap:
        return Result(outcome, [], [(r, "possible overlap") for r in usable] + listed, None,
                      "possible cohort overlap", overlap)
    estimate = pool_proportions([r.n for r in usable], [r.N for r in usable])  # type: ignore[misc]
    return Result(outcome, usable, listed, estimate, "pooled", overlap)


def pool_graph(store: Any, *, include_case_reports: bool = False, allow_overlap: bool = False
               ) -> tuple[list[Result], dict[str, Study], dict[str, str]]:
    """Every n/N outcome of a built graph with its verdict, ordered by intervention, outcome and population."""
    outcomes, studies, labels = read_graph(store)
    members = {row[0] for row in select(store, JAK_DRUGS)}
    outcomes |= roll_up(outcomes, members)
    results = [decide(o, reps, studies, include_case_reports=include_case_reports, allow_overlap=allow_overlap)
               for o, reps in outcomes.items()]
    tell_class_level(results, members)
    families: dict[tuple[Any, ...], list[Outcome]] = defaultdict(list)
    for o in outcomes:
        families[o.family()].append(o)
    for r in results:
        r.other_definitions = sorted(o.definition(labels) for o in families[r.outcome.family()] if o != r.outcome)
        if r.estimate is None and r.other_definitions and r.reason == "one study only":
            r.reason = "one study only (others define the outcome differently)"
    results.sort(key=lambda r: (_intervention_label(r.outcome, labels), r.outcome.level != "drug", r.outcome.definition(labels),
                                r.outcome.population))
    return results, studies, labels


# -- outputs --------------------------------------------------------------------------------------
CSV_COLUMNS = ["outcome_id", "intervention", "level", "outcome", "population", "status", "reason", "studies_pooled", "patients",
               "pooled_proportion", "ci_low", "ci_high", "tau2", "i2", "overlap", "studies", "not_pooled",
               "other_definitions", "class_level"]


def to_csv(results: list[Result], studies: dict[str, Study], labels: dict[str, str]) -> str:
    """One row per outcome: the estimate, or empty figures and the reason it was not pooled."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in results:
        e = r.estimate
        w.writerow([
            r.outcome.id, _intervention_label(r.outcome, labels), r.outcome.level, r.outcome.definition(labels), r.outcome.population,
            "pooled" if e else "not pooled", r.reason,
            e.studies if e else 0, e.patients if e else sum(x.N or 0 for x, why in r.listed if not why.startswith("same study")),
            *(_fmt(v) for v in ((e.proportion, e.ci_low, e.ci_high, e.tau2, e.i2) if e else (None,) * 5)),
            r.overlap,
            "; ".join(_describe(x, studies, labels, r.outcome.level) for x in r.pooled),
            "; ".join(f"{_describe(x, studies, labels, r.outcome.level)}: {why}" for x, why in r.listed),
            "; ".join(r.other_definitions),
            r.class_level,
        ])
    return out.getvalue()


def to_ntriples(results: list[Result], labels: dict[str, str]) -> str:
    """Each pooled estimate as a node derived from every claim it pools (prov:wasDerivedFrom), with its method."""
    lines = []
    xsd = "http://www.w3.org/2001/XMLSchema#"

    def add(s: str, p: str, o: str) -> None:
        lines.append(f"{s} {p} {o} .\n")

    def lit(v: Any, dt: str) -> str:
        return f'"{v}"^^<{xsd}{dt}>'

    for r in results:
        if r.estimate is None:
            continue
        e, s = r.estimate, f"<{DATA}pooled/{r.outcome.id}>"
        add(s, "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", f"<{VOCAB}PooledEstimate>")
        label = f"{_heading(r.outcome, labels)}: {r.outcome.definition(labels)} ({r.outcome.population})"
        add(s, "<http://www.w3.org/2000/01/rdf-schema#label>", _string(label))
        for drug in r.outcome.intervention:
            add(s, f"<{VOCAB}intervention>", f"<{drug}>")
        add(s, f"<{VOCAB}outcome>", f"<{r.outcome.object}>")
        add(s, f"<{VOCAB}populationKind>", _string(r.outcome.population))
        add(s, f"<{VOCAB}pooledProportion>", lit(_fmt(e.proportion), "decimal"))
        add(s, f"<{VOCAB}ciLow>", lit(_fmt(e.ci_low), "decimal"))
        add(s, f"<{VOCAB}ciHigh>", lit(_fmt(e.ci_high), "decimal"))
        add(s, f"<{VOCAB}tau2>", lit(_fmt(e.tau2), "decimal"))
        add(s, f"<{VOCAB}i2>", lit(_fmt(e.i2), "decimal"))
        add(s, f"<{VOCAB}numberOfStudies>", lit(e.studies, "nonNegativeInteger"))
        add(s, f"<{VOCAB}sampleSize>", lit(e.patients, "nonNegativeInteger"))
        add(s, f"<{VOCAB}method>", _string(METHOD))
        for x in r.pooled:
            add(s, "<http://www.w3.org/ns/prov#wasDerivedFrom>", f"<{x.claim}>")
    return "".join(sorted(lines))


def _string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _fmt(v: float | None) -> str:
    """Four decimals, fixed, so output is byte-identical run to run."""
    return "" if v is None else f"{v:.4f}"


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


def _intervention_label(o: Outcome, labels: dict[str, str]) -> str:
    return " or ".join(sorted(labels.get(d, _local(d)) for d in o.intervention))


def _heading(o: Outcome, labels: dict[str, str]) -> str:
    """The intervention as a title: '(class: member drugs rolled up)' after the class at class level."""
    return _intervention_label(o, labels) + (" (class: member drugs rolled up)" if o.level == "class" else "")


def _describe(r: Report, studies: dict[str, Study], labels: dict[str, str] | None = None, level: str = "drug") -> str:
    """'Ding et al. 2021 24/24 [DI21-C020]', naming the drug (' on baricitinib') in a class-level row."""
    label = studies[r.study].label if r.study in studies else _local(r.study)
    numbers = f"{r.n}/{r.N}" if r.n is not None and r.N is not None else f"n={r.n} N={r.N}"
    drug = f" on {(labels or {}).get(r.drug, _local(r.drug))}" if level == "class" and r.drug else ""
    return f"{label} {numbers}{drug} [{_local(r.claim)}]"


# -- forest plots and files --------------------------------------------------------------------
def study_interval(n: int, total: int) -> tuple[float, float, float]:
    """A study's proportion and its 95 % CI on the logit scale (same correction as the model), back-transformed."""
    (y,), (v,) = logit_effects([n], [total])
    return n / total, expit(y - Z95 * math.sqrt(v)), expit(y + Z95 * math.sqrt(v))


def forest_plot(result: Result, studies: dict[str, Study], labels: dict[str, str]) -> tuple[bytes, bytes]:
    """PNG and SVG of one pooled outcome: each study's proportion and CI, and the pooled diamond."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    e = result.estimate
    assert e is not None
    rows = result.pooled
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.35 * (len(rows) + 2)))
    for i, r in enumerate(rows):
        p, lo, hi = study_interval(r.n, r.N)  # type: ignore[arg-type]
        y = len(rows) - i + 1
        ax.plot([lo, hi], [y, y], color="black", lw=1)
        ax.plot([p], [y], "s", color="black", markersize=3 + 6 * math.sqrt(r.N / max(x.N for x in rows)))  # type: ignore[operator]
        ax.text(-0.02, y, _describe(r, studies, labels, result.outcome.level), ha="right", va="center", fontsize=8)
    ax.fill([e.ci_low, e.proportion, e.ci_high, e.proportion], [1, 1.25, 1, 0.75], color="tab:blue")
    ax.text(-0.02, 1, f"pooled {e.proportion:.2f} ({e.ci_low:.2f}-{e.ci_high:.2f}), "
                      f"tau\u00b2={e.tau2:.2f}, I\u00b2={100 * e.i2:.0f}%", ha="right", va="center", fontsize=8, weight="bold")
    ax.set_xlim(0, 1)
    ax.set_ylim(0.3, len(rows) + 1.7)
    ax.set_yticks([])
    ax.set_xlabel("proportion of patients (95% CI)", fontsize=8)
    fig.suptitle(f"{_heading(result.outcome, labels)}: {result.outcome.definition(labels)} "
                 f"({result.outcome.population})", x=0.02, ha="left", fontsize=9)
    fig.subplots_adjust(left=0.55, right=0.97, bottom=0.3 if len(rows) < 4 else 0.15)
    png, svg = io.BytesIO(), io.BytesIO()
    fig.savefig(png, format="png", dpi=100, metadata={"Software": None})
    with matplotlib.rc_context({"svg.hashsalt": "jakkg", "svg.fonttype": "none"}):
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(fig)
    return png.getvalue(), svg.getvalue()


def write_pool(graph_file: Path, out_dir: Path, *, include_case_reports: bool = False, allow_overlap: bool = False,
               plots: bool = True) -> tuple[list[Result], list[Path]]:
    """Pool a built graph and write pooled-estimates.csv, pooled-estimates.ttl and one forest plot per pooled outcome.

    All files are published together or not at all (:func:`jakkg.export.atomic_outputs`).
    """
    from .export import atomic_outputs
    from .store import load_store

    results, studies, labels = pool_graph(load_store(graph_file), include_case_reports=include_case_reports,
                                          allow_overlap=allow_overlap)
    written = []
    with atomic_outputs(out_dir) as stage:
        stage("pooled-estimates.csv", to_csv(results, studies, labels))
        stage("pooled-estimates.ttl", _turtle(to_ntriples(results, labels)))
        written += [out_dir / "pooled-estimates.csv", out_dir / "pooled-estimates.ttl"]
        if plots:
            for r in results:
                if r.estimate is not None:
                    png, svg = forest_plot(r, studies, labels)
                    for ext, content in (("png", png), ("svg", svg)):
                        stage(f"forest-{r.outcome.id}.{ext}", content)
                        written.append(out_dir / f"forest-{r.outcome.id}.{ext}")
    return results, written


def _turtle(ntriples: str) -> str:
    """N-Triples text as Turtle with the project's prefixes (Oxigraph serializes; the triples are already sorted)."""
    import pyoxigraph as ox

    prefixes = {"jakkg": VOCAB, "pooled": DATA + "pooled/", "claim": DATA + "claim/", "prov": "http://www.w3.org/ns/prov#",
                "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "xsd": "http://www.w3.org/2001/XMLSchema#"}
    triples = list(ox.parse(ntriples.encode(), format=ox.RdfFormat.N_TRIPLES))
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes).decode()
