"""The evidence map (issue 14): JAK inhibitors against outcomes, the figure a clinician looks at first.

Rows are the drugs of the JAK-inhibitor class found in the graph (drugs typed
``jakkg:JAKInhibitor`` by the reasoner or asserted to inhibit a JAK: the
membership :mod:`jakkg.pool` uses) and the class itself, "Janus Kinase
Inhibitors" (MeSH D000075242), as its own row: what the papers say of JAK
inhibitors as a class (or of a narrower class of them, such as selective
JAK1/3 inhibitors), or of a cohort given several of them. Columns are
outcome groups a clinician reads by, listed in ``evidence-map.yaml``
(:func:`vocabulary`). Juvenile and adult
dermatomyositis are separate panels; claims whose population is not stated
get a third.

A cell holds the efficacy and safety claims of one drug, outcome group and
population kind, and says:

- which studies are behind it: a study is the one a claim is attributed to,
  else the paper it was read in, so a study reported by two papers counts once;
- how many patients: per study the largest N among its claims in the cell
  (the claim's N, else its population's size, else 1 for a single patient;
  subgroups are not more patients), summed over studies; studies with no N
  are counted apart (``studies_without_n``);
- the direction, per study and for the cell: *improved*, *worsened*
  (including an adverse event or death observed), *no change* (unchanged,
  no progression, an adverse event not observed) or *mixed*;
- the best OCEBM 2011 level among its claims (:mod:`jakkg.evidence`);
- whether a curated ``jakkg:disagreesWith`` link touches one of its claims
  (a rule's candidate is confirmed exactly when such a link exists).

Not on the map, and counted in :class:`EvidenceMap` ``.skipped``: claims about
no JAK inhibitor, speculative claims (a risk the authors speculate about is
not a finding), outcomes in other diseases (JAK inhibitors in rheumatoid
arthritis ...), statements that are no outcome ("applied to treat", "in
clinical trials for"), and measurements without a direction.

:func:`evidence_cells` returns plain rows (dicts of str, int and lists) so the
interactive page can reuse them; :func:`draw` and :func:`to_csv` render them.
Everything is read in a few SPARQL queries and grouped in Python: linear in
claims, no query per claim.
"""
from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .identifiers import expand
from .pool import DRUGS, JAK_CLASS, JAK_DRUGS, LABELS, PREFIXES, _vocabulary_labels, read_context
from .store import select

VOCAB = "https://w3id.org/jakkg/vocab/"
OBO = "http://purl.obolibrary.org/obo/"
AMELIORATES, HAS_PHENOTYPE = OBO + "RO_0003307", OBO + "RO_0002200"
HAS_ADVERSE_EVENT = "https://w3id.org/biolink/vocab/has_adverse_event"
TREATED_WITH, HAS_MEASUREMENT = VOCAB + "treatedWith", VOCAB + "hasMeasurement"
OUTCOME_PREDICATES = {AMELIORATES, HAS_PHENOTYPE, HAS_ADVERSE_EVENT, TREATED_WITH, HAS_MEASUREMENT}
CASE_REPORT = expand("MESH:D002363")
PANELS = ("juvenile", "adult", "not stated")
DIRECTIONS = ("improved", "worsened", "no change", "mixed")
COLOURS = {"improved": "#1a9850", "worsened": "#d73027", "no change": "#9e9e9e", "mixed": "#f4a582"}
SIZE_CAP = 100  # patients at which a circle reaches its largest size

MAP_VOCABULARY = "evidence-map.yaml"  # outcome groups, other diseases, directions read for the patient


@dataclass(frozen=True)
class MapVocabulary:
    """The map's grouping of outcomes and its reading of directions, from the packaged ``evidence-map.yaml``."""

    groups: tuple[str, ...]  # column order
    outcome_group: dict[str, str]  # outcome IRI -> group
    predicate_group: dict[str, str]  # predicate IRI -> group (co-medication, adverse events)
    default_group: str  # for outcomes no group lists
    other_diseases: frozenset[str]
    benefit: dict[str, str]  # direction local name -> improved / worsened / no change
    harm: dict[str, str]


@lru_cache(maxsize=1)
def vocabulary() -> MapVocabulary:
    """The packaged ``evidence-map.yaml``, read once."""
    from importlib.resources import files

    return parse_vocabulary(files("jakkg").joinpath(MAP_VOCABULARY).read_text(encoding="utf-8"))


def parse_vocabulary(text: str) -> MapVocabulary:
    """``evidence-map.yaml``'s text as a :class:`MapVocabulary`; a CURIE with an unknown prefix or an unknown effect fails naming the entry."""
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(text)
    outcome_group: dict[str, str] = {}
    predicate_group: dict[str, str] = {}
    for g in doc["groups"]:
        for key, table in (("outcomes", outcome_group), ("predicates", predicate_group)):
            for curie in g.get(key, []):
                table[_iri(curie, f"groups/{g['name']}/{key}")] = g["name"]
    [default] = [g["name"] for g in doc["groups"] if g.get("default")]
    for table in ("benefit", "harm"):
        wrong = sorted(k for k, v in doc[table].items() if v not in DIRECTIONS[:3])
        if wrong:
            raise ValueError(f"{MAP_VOCABULARY}: {table}/{wrong[0]}: the effect must be one of {', '.join(DIRECTIONS[:3])}")
    return MapVocabulary(tuple(g["name"] for g in doc["groups"]), outcome_group, predicate_group, default,
                         frozenset(_iri(c, "other_diseases") for c in doc["other_diseases"]),
                         dict(doc["benefit"]), dict(doc["harm"]))


def _iri(curie: str, where: str) -> str:
    iri = expand(curie)
    if iri is None:
        raise ValueError(f"{MAP_VOCABULARY}: {where}: {curie!r} is not a CURIE with a known prefix")
    return iri


CLAIMS = PREFIXES + """
SELECT ?claim ?subject ?predicate ?object ?direction ?negated ?hedging ?N ?population ?paper ?credited ?level WHERE {
  VALUES ?category { jakkg:EfficacyClaim jakkg:SafetyClaim }
  ?claim a ?category ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
         jakkg:negated ?negated ; dcterms:source ?paper .
  OPTIONAL { ?claim jakkg:direction ?direction }
  OPTIONAL { ?claim jakkg:hedging ?hedging }
  OPTIONAL { ?claim jakkg:sampleSize ?N }
  OPTIONAL { ?claim jakkg:population ?population }
  OPTIONAL { ?claim jakkg:attributedTo ?credited }
  OPTIONAL { ?claim jakkg:evidenceLevel ?level }
}"""
SIZES = PREFIXES + """
SELECT ?population ?type ?size WHERE {
  VALUES ?type { jakkg:Cohort jakkg:Patient } ?population a ?type . OPTIONAL { ?population jakkg:sampleSize ?size }
}"""
DISAGREE = PREFIXES + "SELECT ?a ?b WHERE { ?a jakkg:disagreesWith ?b }"
DRUG_CLASSES = PREFIXES + "SELECT ?c WHERE { ?c a jakkg:DrugClass }"


@dataclass(frozen=True)
class Fact:
    """One claim as the map reads it."""

    claim: str
    drug: str
    group: str
    outcome: str  # the claim's object
    population: str  # juvenile, adult, not stated
    effect: str  # improved, worsened, no change
    study: str
    n_patients: int | None
    level: int | None


@dataclass
class EvidenceMap:
    """The cells, the row and column order, and what was left off the map and why."""

    cells: list[dict[str, Any]]
    drugs: list[tuple[str, str]]  # (IRI, label), in row order
    skipped: Counter = field(default_factory=Counter)


def effect_of(predicate: str, direction: str | None, negated: bool) -> str | None:
    """improved / worsened / no change for the patient, or None when the claim says no direction of outcome."""
    d = _local(direction) if direction else None
    if predicate in (HAS_ADVERSE_EVENT, HAS_PHENOTYPE):
        return "no change" if negated else vocabulary().harm.get(d or "Observed")
    if predicate == TREATED_WITH:  # less co-medication (steroids, IVIG) is the benefit
        if negated or d == "Decreased":
            return "improved"
        return {"Increased": "worsened", "Unchanged": "no change"}.get(d or "")
    if predicate == HAS_MEASUREMENT and d is None:
        return None
    if negated:
        return "worsened" if d == "Worsened" else "no change"
    return vocabulary().benefit.get(d or "Improved")


def group_of(predicate: str, obj: str) -> str | None:
    """The outcome group of a claim, or None for an outcome in another disease."""
    vocab = vocabulary()
    if predicate in vocab.predicate_group:
        return vocab.predicate_group[predicate]
    if obj in vocab.other_diseases:
        return None
    return vocab.outcome_group.get(obj, vocab.default_group)


def read_facts(store: Any) -> tuple[list[Fact], list[tuple[str, str]], dict[str, Any], Counter]:
    """The map's claims, its rows (JAK inhibitors and the class), studies and labels, and what was skipped."""
    labels = dict(select(store, LABELS)) | _vocabulary_labels()
    drugs = {row[0] for row in select(store, DRUGS)}
    members = ({row[0] for row in select(store, JAK_DRUGS)} & drugs) - {JAK_CLASS}
    subclasses = members & {row[0] for row in select(store, DRUG_CLASSES)}  # "selective JAK1/3 inhibitors": class row
    members -= subclasses
    treated, kinds, studies = read_context(store)
    sizes = {p: (size if size is not None else (1 if t == VOCAB + "Patient" else None)) for p, t, size in select(store, SIZES)}
    facts, skipped, seen = [], Counter(), set()
    for (claim, subject, predicate, obj, direction, negated, hedging, n, population, paper, credited,
         level) in sorted(select(store, CLAIMS), key=lambda row: tuple(str(v) for v in row)):
        if claim in seen:
            continue  # a claim with two populations or levels: its first, in a fixed order
        seen.add(claim)
        drug = JAK_CLASS if subject in subclasses else _drug(subject, members, treated)
        group = group_of(predicate, obj)
        effect = effect_of(predicate, direction, negated in (True, "true"))
        why = ("not about a JAK inhibitor" if drug is None else "not an outcome (use, trial, mechanism)"
               if predicate not in OUTCOME_PREDICATES else "speculative" if hedging == VOCAB + "Speculative"
               else "outcome in another disease" if group is None else "no direction" if effect is None else "")
        if why:
            skipped[why] += 1
            continue
        where = population or subject
        facts.append(Fact(claim, drug, group, obj, kinds.get(where, "not stated"), effect, credited or paper,  # type: ignore[arg-type]
                          n if n is not None else sizes.get(where), _level(level)))
    rows = sorted(((d, labels.get(d, _local(d))) for d in members), key=lambda x: (x[1].lower(), x[0]))
    return facts, rows + [(JAK_CLASS, labels.get(JAK_CLASS, "Janus Kinase Inhibitors"))], {"studies": studies, "labels": labels}, skipped


def _drug(subject: str, members: set[str], treated: dict[str, set[str]]) -> str | None:
    """The row of a claim: its JAK inhibitor, the class, or for a cohort the JAK inhibitor(s) it was given."""
    if subject in members or subject == JAK_CLASS:
        return subject
    given = treated.get(subject, set()) & (members | {JAK_CLASS})
    if not given:
        return None
    return next(iter(given)) if len(given) == 1 else JAK_CLASS


def _level(iri: str | None) -> int | None:
    m = re.search(r"Level(\d+)$", iri or "")
    return int(m.group(1)) if m else None


def evidence_cells(store: Any) -> EvidenceMap:
    """Every non-empty cell of the map as a plain row, in panel, row and column order (see the module docstring)."""
    facts, drugs, context, skipped = read_facts(store)
    studies, labels = context["studies"], context["labels"]
    pairs: dict[str, set[str]] = defaultdict(set)
    for a, b in select(store, DISAGREE):
        pairs[a].add(b)
        pairs[b].add(a)
    by_cell: dict[tuple[str, str, str], list[Fact]] = defaultdict(list)
    for f in facts:
        by_cell[(f.population, f.drug, f.group)].append(f)
    order = {d: i for i, (d, _) in enumerate(drugs)}
    cells = []
    for (population, drug, group), fs in sorted(by_cell.items(), key=lambda kv: (
            PANELS.index(kv[0][0]), order[kv[0][1]], vocabulary().groups.index(kv[0][2]))):
        cells.append(_cell(population, drug, dict(drugs)[drug], group, fs, studies, labels, pairs))
    return EvidenceMap(cells, drugs, skipped)


def _cell(population: str, drug: str, drug_label: str, group: str, fs: list[Fact], studies: dict[str, Any],
          labels: dict[str, str], pairs: dict[str, set[str]]) -> dict[str, Any]:
    per_study: dict[str, list[Fact]] = defaultdict(list)
    for f in fs:
        per_study[f.study].append(f)
    glyphs = []
    for study, sf in per_study.items():
        ns = [f.n_patients for f in sf if f.n_patients is not None]
        s = studies.get(study)
        glyphs.append({"study": s.label if s else _local(study), "patients": max(ns) if ns else None,
                       "direction": _combine(f.effect for f in sf), "case_report": bool(s and CASE_REPORT in s.designs),
                       "level": min((f.level for f in sf if f.level is not None), default=None)})
    glyphs.sort(key=lambda g: (-(g["patients"] or 0), g["study"]))
    claims = sorted(_local(f.claim) for f in fs)
    ids = {f.claim for f in fs}
    disagreements = sorted({" <> ".join(sorted((_local(c), _local(o)))) for c in ids for o in pairs.get(c, ())})
    levels = [g["level"] for g in glyphs if g["level"] is not None]
    counts = Counter(f.effect for f in fs)
    return {
        "population": population, "drug": drug_label, "drug_iri": drug, "outcome_group": group,
        "outcomes": sorted({labels.get(f.outcome, _local(f.outcome)) for f in fs}, key=str.lower),
        "studies": len(glyphs), "patients": sum(g["patients"] or 0 for g in glyphs),
        "studies_without_n": sum(g["patients"] is None for g in glyphs),
        "case_reports": sum(g["case_report"] for g in glyphs),
        "direction": _combine(g["direction"] for g in glyphs),
        "claims_by_direction": {d: counts[d] for d in DIRECTIONS[:3] if counts[d]},
        "best_level": min(levels) if levels else None,
        "disagreement": bool(disagreements), "disagreements": disagreements,
        "glyphs": glyphs, "claims": claims,
    }


def _combine(directions: Any) -> str:
    found = set(directions)
    return found.pop() if len(found) == 1 else "mixed"


def _local(iri: str) -> str:
    return re.split(r"[/#]", iri)[-1]


# -- outputs ---------------------------------------------------------------------------------------
CSV_COLUMNS = ["population", "drug", "outcome_group", "outcomes", "studies", "patients", "studies_without_n",
               "case_reports", "direction", "claims_by_direction", "best_level", "disagreement", "disagreements",
               "study_details", "claims"]


def to_csv(cells: list[dict[str, Any]]) -> str:
    """One row per cell, with the claim ids behind it."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for c in cells:
        w.writerow([
            c["population"], c["drug"], c["outcome_group"], "; ".join(c["outcomes"]), c["studies"], c["patients"],
            c["studies_without_n"], c["case_reports"], c["direction"],
            "; ".join(f"{d} {k}" for d, k in c["claims_by_direction"].items()),
            "" if c["best_level"] is None else c["best_level"], "yes" if c["disagreement"] else "",
            "; ".join(c["disagreements"]),
            "; ".join(_study_detail(g) for g in c["glyphs"]), " ".join(c["claims"]),
        ])
    return out.getvalue()


def _study_detail(g: dict[str, Any]) -> str:
    n = "N unknown" if g["patients"] is None else f"N={g['patients']}"
    level = "" if g["level"] is None else f", level {g['level']}"
    return f"{g['study']} ({n}, {g['direction']}{level}{', case report' if g['case_report'] else ''})"


def radius(patients: int) -> float:
    """Circle radius in cell units: area proportional to patients, capped at SIZE_CAP, never invisible."""
    return max(0.07, 0.4 * (min(patients, SIZE_CAP) / SIZE_CAP) ** 0.5)


def draw(emap: EvidenceMap) -> tuple[bytes, bytes]:
    """PNG and SVG of the map: one panel per population kind, a pie per cell, and the legend.

    The pie's area is the cell's patients; its wedges are the cell's studies by direction;
    the top-left text is the best OCEBM level, the top-right number the studies (c: of them
    case reports); a red dashed frame and '≠' mark a curated disagreement.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [p for p in PANELS if any(c["population"] == p for c in emap.cells)] or ["juvenile", "adult"]
    groups = [g for g in vocabulary().groups if any(c["outcome_group"] == g for c in emap.cells)] or [g for g in vocabulary().groups if g != vocabulary().default_group]
    rows = len(emap.drugs)
    with matplotlib.rc_context({"font.family": "DejaVu Sans", "svg.hashsalt": "jakkg", "svg.fonttype": "none"}):
        fig = plt.figure(figsize=(2.6 + 1.05 * len(groups), 1.9 + len(panels) * (0.75 + 0.9 * rows)))
        heights = [rows + 1.2] * len(panels) + [2.6]
        grid = fig.add_gridspec(len(panels) + 1, 1, height_ratios=heights, hspace=0.25)
        for i, panel in enumerate(panels):
            _panel(fig.add_subplot(grid[i]), panel, [c for c in emap.cells if c["population"] == panel], emap.drugs,
                   groups, top=i == 0)
        _legend(fig.add_subplot(grid[-1]), len(groups))
        studies = len({g["study"] for c in emap.cells for g in c["glyphs"]})
        fig.suptitle(f"Evidence map: JAK inhibitors in dermatomyositis ({sum(len(c['claims']) for c in emap.cells)} claims, "
                     f"{studies} studies)", x=0.02, y=0.995, ha="left", va="top", fontsize=10, weight="bold")
        fig.subplots_adjust(left=0.2, right=0.98, top=1 - 1.3 / fig.get_figheight(), bottom=0.02)
        png, svg = io.BytesIO(), io.BytesIO()
        fig.savefig(png, format="png", dpi=100, metadata={"Software": None})
        fig.savefig(svg, format="svg", metadata={"Date": None, "Creator": None})
        plt.close(fig)
    return png.getvalue(), svg.getvalue()


def _panel(ax: Any, panel: str, cells: list[dict[str, Any]], drugs: list[tuple[str, str]], groups: list[str],
           top: bool) -> None:
    from matplotlib.patches import Rectangle

    rows = {iri: i for i, (iri, _) in enumerate(drugs)}
    ax.set_xlim(0, len(groups))
    ax.set_ylim(len(drugs), 0)
    ax.set_aspect("equal")
    for x in range(len(groups) + 1):
        ax.axvline(x, color="#dddddd", lw=0.6)
    for y in range(len(drugs) + 1):
        ax.axhline(y, color="#dddddd", lw=0.6)
    for c in cells:
        x, y = groups.index(c["outcome_group"]), rows[c["drug_iri"]]
        _pie(ax, x + 0.5, y + 0.55, c)
        if c["best_level"] is not None:
            ax.text(x + 0.05, y + 0.05, f"L{c['best_level']}", ha="left", va="top", fontsize=7)
        count = str(c["studies"]) + (f" (c{c['case_reports']})" if c["case_reports"] else "")
        ax.text(x + 0.95, y + 0.05, count, ha="right", va="top", fontsize=7)
        if c["disagreement"]:
            ax.add_patch(Rectangle((x + 0.03, y + 0.03), 0.94, 0.94, fill=False, ec="#b2182b", lw=1.4, ls="--"))
            ax.text(x + 0.95, y + 0.95, "\u2260", ha="right", va="bottom", fontsize=10, color="#b2182b", weight="bold")
    ax.set_yticks([i + 0.5 for i in range(len(drugs))])
    ax.set_yticklabels([label + (" (class-level claims)" if iri == JAK_CLASS else "") for iri, label in drugs], fontsize=8)
    ax.set_xticks([i + 0.5 for i in range(len(groups))])
    ax.set_xticklabels(groups, fontsize=8, rotation=30, ha="left")
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    if not top:
        ax.set_xticklabels([])
    title = {"juvenile": "Juvenile dermatomyositis", "adult": "Adult dermatomyositis"}.get(panel, "Population not stated")
    ax.set_ylabel(title, fontsize=9, weight="bold")
    for side in ax.spines.values():
        side.set_visible(False)


def _pie(ax: Any, x: float, y: float, cell: dict[str, Any]) -> None:
    """A circle whose area is the cell's patients, cut into wedges by the studies' directions."""
    from matplotlib.patches import Wedge

    r = radius(cell["patients"])
    tally = Counter(g["direction"] for g in cell["glyphs"])
    start = 90.0
    for d in DIRECTIONS:
        if tally[d]:
            sweep = 360.0 * tally[d] / cell["studies"]
            ax.add_patch(Wedge((x, y), r, start, start + sweep, fc=COLOURS[d], ec="white", lw=0.5))
            start += sweep


def _legend(ax: Any, width: int) -> None:
    """Colour, size and marks explained, drawn in the panels' cell units so the size key is to scale."""
    from matplotlib.patches import Circle, Rectangle

    ax.set_xlim(0, width)
    ax.set_ylim(2.6, 0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.text(0, 0.1, "Colour: direction (a wedge per study)", fontsize=8, weight="bold", va="top")
    for i, d in enumerate(DIRECTIONS):
        ax.add_patch(Circle((0.15, 0.6 + 0.45 * i), 0.12, fc=COLOURS[d], ec="white"))
        text = {"worsened": "worsened; adverse event or death observed",
                "no change": "no change; no progression; adverse event not observed",
                "mixed": "mixed within one study"}.get(d, "improved; less steroid")
        ax.text(0.35, 0.6 + 0.45 * i, text, fontsize=7, va="center")
    x0 = width / 2
    ax.text(x0, 0.1, "Size: patients (sum of N, a study once)", fontsize=8, weight="bold", va="top")
    for i, n in enumerate((1, 10, 50, SIZE_CAP)):
        cx = x0 + 0.5 + 0.9 * i
        ax.add_patch(Circle((cx, 0.85), radius(n), fc="#cccccc", ec="#666666", lw=0.5))
        ax.text(cx, 1.35, f"{n}" + ("+" if n == SIZE_CAP else ""), fontsize=7, ha="center", va="top")
    ax.text(x0, 1.55, "L3 / L4 / L5: best OCEBM 2011 level (lower is stronger)", fontsize=7, va="top")
    ax.text(x0, 1.8, "top right: studies; (c2): of them 2 case reports", fontsize=7, va="top")
    ax.text(x0, 2.05, "studies without N: counted, not sized", fontsize=7, va="top")
    ax.add_patch(Rectangle((x0, 2.3), 0.25, 0.25, fill=False, ec="#b2182b", lw=1.2, ls="--"))
    ax.text(x0 + 0.35, 2.42, "\u2260  a curated disagreement touches the cell", fontsize=7, va="center", color="#b2182b")


def write_evidence_map(graph_file: Path, out_dir: Path) -> tuple[EvidenceMap, list[Path]]:
    """Read a built graph and publish evidence-map.csv, .png and .svg together (:func:`jakkg.export.atomic_outputs`)."""
    from .export import atomic_outputs
    from .store import load_store

    emap = evidence_cells(load_store(graph_file))
    png, svg = draw(emap)
    names = ["evidence-map.csv", "evidence-map.png", "evidence-map.svg"]
    with atomic_outputs(out_dir) as stage:
        for name, content in zip(names, (to_csv(emap.cells), png, svg)):
            stage(name, content)
    return emap, [out_dir / n for n in names]
