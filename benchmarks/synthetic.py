"""Generate a synthetic jakkg corpus of any size, for the scale benchmark (issue 10).

The corpus is made of copies of the five curated papers (data/claims/*.yaml,
their patient tables and their texts) with new paper ids, DOIs and record
ids, so that it exercises every part of the pipeline the real data does:
cohorts, patients (YAML and CSV), numbers, negated claims, disagreements
and skipped sentences, with every quote present in its copy's text. The
real entities of data/entities are reused. To make entity-level facts vary
from paper to paper (as a literature does, and as the reasoner must cope
with), about a quarter of the claims swap their subject or object for
another entity of the same category. Disagreements stay inside their copy,
and about one copy in five also disagrees with a claim of an earlier copy.

``--errors K`` plants K errors that ``jakkg build`` loads without complaint
but the SHACL shapes report as violations (a zero follow-up duration, a
negative time to effect, a negative dose, a follow-up value at P0D), each on
a claim listed in DIR/manifest.json.

The output depends only on the arguments and on the inputs (data/ and the
seed texts): the same arguments give byte-identical files.

Run:  python benchmarks/synthetic.py --claims 10000 --out DIR [--errors K] [--seed S]
      then  jakkg build --data DIR/data --sources DIR/sources --out DIR/build
"""
from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import random
import re
import shutil
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "data"
DEFAULT_SEEDS = next((p for p in (ROOT.parent / "shared" / "seeds", ROOT / "seeds") if p.is_dir()), ROOT.parent / "shared" / "seeds")
SWAP_RATE = 0.25  # share of claims whose subject or object becomes another entity of its category
CROSS_COPY_EVERY = 5  # one copy in this many also disagrees with a claim of an earlier copy
DOI_PREFIX = "10.5555/jakkg-synthetic"  # 10.5555 is the DOI test prefix: these DOIs name no real paper

# Errors the loader accepts and the shapes reject: (name, shape, fields to set on the claim).
ERROR_KINDS: list[tuple[str, str, dict[str, Any]]] = [
    ("zero follow-up duration", "jks:FollowUpDuration-positive", {"follow_up_duration": {"value": 0, "unit": "mo"}}),
    ("negative time to effect", "jks:TimeToEffect-nonNegative", {"time_to_effect": {"value": -2, "unit": "wk"}}),
    ("negative dose", "jks:Dose-nonNegative", {"dose": {"value": -4, "unit": "mg/d"}}),
    ("follow-up value at P0D", "jks:FollowUpValue-time",
     {"baseline": {"value": 30, "time": "baseline"}, "followup": {"value": 20, "time": "P0D"}, "p_value": 0.01}),
]


# -- reading the curated papers ------------------------------------------------
@dataclass
class Paper:
    """One curated paper: its sources.yaml record, claims file, patient tables and text."""

    record: dict[str, Any]
    doc: dict[str, Any]
    tables: dict[str, str]  # table path as written in the claims file -> CSV text
    text: str

    @property
    def id(self) -> str:
        return str(self.record["id"])


@dataclass
class Inputs:
    """What the copies are made from."""

    papers: list[Paper]
    studies: list[dict[str, Any]]
    entity_files: dict[str, bytes]  # file name -> bytes, copied as they are
    category: dict[str, str]  # entity key or CURIE -> category
    by_category: dict[str, list[str]] = field(default_factory=dict)  # category -> entity keys, sorted


def read_inputs(data_dir: Path, seeds_dir: Path) -> Inputs:
    """Read data/ and the seed texts (the curated corpus must load: it is the template)."""
    yaml = YAML(typ="safe", pure=True)
    sources = yaml.load((data_dir / "sources.yaml").read_text(encoding="utf-8"))
    records = {str(p["id"]): p for p in sources["papers"]}
    papers = []
    for path in sorted((data_dir / "claims").glob("*.yaml")):
        doc = yaml.load(path.read_text(encoding="utf-8"))
        record = records[str(doc["source"])]
        tables = {str(t): (data_dir / str(t)).read_text(encoding="utf-8") for t in _listify(doc.get("patient_tables"))}
        text = (seeds_dir / str(record["seed"])).read_text(encoding="utf-8")
        papers.append(Paper(record, doc, tables, text))
    entity_files, category = {}, {}
    for path in sorted((data_dir / "entities").glob("*.yaml")):
        entity_files[path.name] = path.read_bytes()
        for key, ent in (yaml.load(path.read_text(encoding="utf-8")) or {}).items():
            category[str(key)] = category[str(ent["curie"])] = str(ent["category"])
    inputs = Inputs(papers, list(sources.get("studies") or []), entity_files, category)
    keys = sorted(k for k in category if ":" not in k)
    for key in keys:
        inputs.by_category.setdefault(category[key], []).append(key)
    return inputs


def _rows(table: str) -> int:
    """The number of records of a CSV table (its header left out)."""
    return sum(1 for _ in csv.DictReader(io.StringIO(table)))


def _listify(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


# -- making one copy -----------------------------------------------------------
@dataclass
class Copy:
    """A copy of a paper: its number, ids, claims file and patient tables."""

    number: int
    template: Paper
    paper_id: str
    prefix: str
    claims: list[dict[str, Any]] = field(default_factory=list)
    doc: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)
    swapped: int = 0

    @property
    def seed_name(self) -> str:
        return f"{self.number:05d}_{self.template.id}.txt"

    @property
    def claims_name(self) -> str:
        return f"{self.number:05d}.yaml"


def make_copy(number: int, template: Paper, n_claims: int, inputs: Inputs, rng: random.Random) -> Copy:
    """Copy ``template`` with new ids, keeping its first ``n_claims`` claims."""
    prefix = f"S{number:05d}-"
    copy = Copy(number, template, f"{template.id}-s{number:05d}", prefix)
    doc = template.doc
    local = {str(r["id"]) for section in ("cohorts", "patients", "claims") for r in doc.get(section) or []}
    for table in template.tables.values():
        local.update(row["id"] for row in csv.DictReader(io.StringIO(table)))

    def rename(value: Any) -> Any:
        return prefix + value if isinstance(value, str) and value in local else value

    claims = [dict(c) for c in (doc.get("claims") or [])[:n_claims]]
    kept = {str(c["id"]) for c in claims}
    eligible = {str(c["id"]) for c in claims if swappable(c, inputs, local)}
    rate = min(1.0, SWAP_RATE * len(claims) / len(eligible)) if eligible else 0.0  # a quarter of all the claims
    for claim in claims:
        if str(claim["id"]) in eligible and rng.random() < rate:
            copy.swapped += swap_entity(claim, inputs, rng)
        for key in ("id", "subject", "object", "population"):
            if key in claim:
                claim[key] = rename(claim[key])
        if "disagrees_with" in claim:
            others = [prefix + str(o) for o in _listify(claim["disagrees_with"]) if str(o) in kept]
            if others:
                claim["disagrees_with"] = others
            else:
                del claim["disagrees_with"]
    copy.claims = claims
    out: dict[str, Any] = {"source": copy.paper_id, "curation": doc["curation"]}  # the template's curators and date
    if doc.get("cohorts"):
        out["cohorts"] = [{**c, "id": rename(c["id"])} for c in doc["cohorts"]]
    if doc.get("patients"):
        out["patients"] = [{**p, "id": rename(p["id"]), "cohort": rename(p["cohort"])} for p in doc["patients"]]
    if template.tables:
        names = {}
        for i, (name, table) in enumerate(sorted(template.tables.items())):
            names[name] = f"patients/{number:05d}{'' if i == 0 else f'-{i}'}.csv"
            copy.tables[names[name]] = rename_table(table, rename)
        out["patient_tables"] = [names[str(t)] for t in _listify(doc.get("patient_tables"))]
    out["claims"] = claims
    if doc.get("skipped"):
        out["skipped"] = doc["skipped"]
    copy.doc = out
    return copy


def swappable(claim: dict[str, Any], inputs: Inputs, local: set[str]) -> bool:
    """Whether a claim is about entities only.

    A claim about a cohort or patient keeps its entities: its triple lands on
    the cohort or patient node, where the shapes check it against the
    record's own fields (a patient's drug must be one of its cohort's).
    """
    ends = (str(claim.get("subject")), str(claim.get("object")))
    return not any(e in local for e in ends) and any(e in inputs.category for e in ends)


def swap_entity(claim: dict[str, Any], inputs: Inputs, rng: random.Random) -> int:
    """Replace the subject or the object by another entity of its category; 1 if it did."""
    roles = [r for r in ("subject", "object") if str(claim.get(r)) in inputs.category]
    role = rng.choice(roles)
    other = "object" if role == "subject" else "subject"
    current = str(claim[role])
    choices = [k for k in inputs.by_category[inputs.category[current]] if k not in (current, str(claim.get(other)))]
    if not choices:
        return 0
    claim[role] = rng.choice(choices)
    return 1


def rename_table(table: str, rename: Any) -> str:
    """A patient table with its ``id`` and ``cohort`` columns renamed."""
    reader = csv.reader(io.StringIO(table))
    header = next(reader)
    columns = [i for i, name in enumerate(header) if name in ("id", "cohort")]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in reader:
        writer.writerow([rename(cell) if i in columns else cell for i, cell in enumerate(row)])
    return out.getvalue()


def paper_record(copy: Copy) -> dict[str, Any]:
    """The sources.yaml entry of a copy: the template's, with a new id, DOI, citation and seed."""
    rec = {k: v for k, v in copy.template.record.items() if k not in ("hal", "note")}
    rec["id"] = copy.paper_id
    rec["citation"] = f"{rec['citation']} [synthetic copy {copy.number} for the jakkg scale benchmark]"
    rec["doi"] = f"{DOI_PREFIX}.{copy.number:05d}"
    rec["seed"] = copy.seed_name
    rec["note"] = f"Synthetic copy {copy.number} of {copy.template.id}: generated by benchmarks/synthetic.py."
    return rec


# -- the whole corpus ------------------------------------------------------------
def generate(claims: int, out: Path, errors: int = 0, seed: int = 0,
             data_dir: Path = DEFAULT_DATA, seeds_dir: Path = DEFAULT_SEEDS) -> dict[str, Any]:
    """Write OUT/data and OUT/sources with ``claims`` claims; return the manifest (also OUT/manifest.json)."""
    if claims < 1:
        raise ValueError("--claims must be at least 1")
    inputs = read_inputs(data_dir, seeds_dir)
    rng = random.Random(seed)
    copies: list[Copy] = []
    remaining, number = claims, 0
    while remaining > 0:
        template = inputs.papers[number % len(inputs.papers)]
        take = min(remaining, len(template.doc.get("claims") or []))
        copies.append(make_copy(number, template, take, inputs, rng))
        remaining -= take
        number += 1
    cross = add_cross_copy_disagreements(copies, rng)
    planted = plant_errors(copies, errors, rng)
    write_corpus(out, inputs, copies)
    manifest = {
        "arguments": {"claims": claims, "errors": errors, "seed": seed},
        "papers": len(copies),
        "claims": sum(len(c.claims) for c in copies),
        "cohorts": sum(len(c.doc.get("cohorts") or []) for c in copies),
        "patients": sum(len(c.doc.get("patients") or []) + sum(_rows(t) for t in c.tables.values()) for c in copies),
        "swapped": sum(c.swapped for c in copies),
        "negated": sum(1 for c in copies for cl in c.claims if cl.get("negated")),
        "disagreements": sum(len(cl.get("disagrees_with") or []) for c in copies for cl in c.claims),
        "cross_copy_disagreements": cross,
        "planted_errors": planted,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def add_cross_copy_disagreements(copies: list[Copy], rng: random.Random) -> int:
    """One copy in CROSS_COPY_EVERY: a claim disagrees with a claim of an earlier copy."""
    added = 0
    for copy in copies[1:]:
        if copy.number % CROSS_COPY_EVERY != 1 or not copy.claims:
            continue
        earlier = rng.choice([c for c in copies[: copy.number] if c.claims])
        target = rng.choice(earlier.claims)["id"]
        claim = rng.choice(copy.claims)
        claim["disagrees_with"] = [*_listify(claim.get("disagrees_with")), target]
        added += 1
    return added


def plant_errors(copies: list[Copy], errors: int, rng: random.Random) -> list[dict[str, str]]:
    """Set fields that break a SHACL shape on ``errors`` distinct claims, cycling through ERROR_KINDS."""
    every = [claim for copy in copies for claim in copy.claims]
    if errors > len(every):
        raise ValueError(f"--errors {errors} is more than the {len(every)} claims")
    planted = []
    for i, claim in enumerate(sorted(rng.sample(every, errors), key=lambda c: c["id"])):
        name, shape, fields = ERROR_KINDS[i % len(ERROR_KINDS)]
        claim.update(json.loads(json.dumps(fields)))
        planted.append({"claim": claim["id"], "error": name, "shape": shape})
    return planted


def write_corpus(out: Path, inputs: Inputs, copies: list[Copy]) -> None:
    """Write OUT/data (sources.yaml, entities, claims, patients) and OUT/sources (the texts), replacing them."""
    data, sources = out / "data", out / "sources"
    for directory in (data, sources):
        if directory.exists():
            shutil.rmtree(directory)
    for sub in ("entities", "claims", "patients"):
        (data / sub).mkdir(parents=True)
    sources.mkdir(parents=True)
    for name, content in inputs.entity_files.items():
        (data / "entities" / name).write_bytes(content)
    header = "# Synthetic corpus generated by benchmarks/synthetic.py (jakkg scale benchmark); do not edit.\n"
    (data / "sources.yaml").write_text(
        header + dump_yaml({"papers": [paper_record(c) for c in copies], "studies": inputs.studies}), encoding="utf-8")
    for copy in copies:
        (data / "claims" / copy.claims_name).write_text(header + dump_yaml(copy.doc), encoding="utf-8")
        for name, table in copy.tables.items():
            (data / name).write_text(table, encoding="utf-8")
        banner = f"[Synthetic copy {copy.number} of {copy.template.id}, generated for the jakkg scale benchmark.]\n\n"
        (sources / copy.seed_name).write_text(banner + copy.template.text, encoding="utf-8")


# -- a small, deterministic YAML writer ----------------------------------------
PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
YAML_KEYWORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null"}
NOT_PRINTABLE = re.compile("[\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def dump_yaml(value: dict[str, Any]) -> str:
    """Block-style YAML for the plain data of a claims or sources file.

    Written by hand rather than with a YAML library so the output is fast at
    100k claims and fixed byte for byte: strings are JSON-quoted (a subset of
    YAML's double-quoted style), lists of scalars are written inline.
    """
    lines: list[str] = []
    _mapping(value, 0, lines)
    return "\n".join(lines) + "\n"


def _mapping(value: dict[str, Any], indent: int, lines: list[str], first_prefix: str | None = None) -> None:
    pad = " " * indent
    for i, (key, item) in enumerate(value.items()):
        lead = first_prefix if (i == 0 and first_prefix is not None) else pad
        name = key if PLAIN_KEY.match(key) and key.lower() not in YAML_KEYWORDS else _string(key)
        if isinstance(item, dict) and item:
            lines.append(f"{lead}{name}:")
            _mapping(item, indent + 2, lines)
        elif isinstance(item, list) and any(isinstance(x, (dict, list)) for x in item):
            lines.append(f"{lead}{name}:")
            for element in item:
                if not isinstance(element, dict) or not element:
                    raise TypeError(f"cannot write a list mixing mappings and other values under {key!r}")
                _mapping(element, indent + 4, lines, first_prefix=" " * (indent + 2) + "- ")
        else:
            lines.append(f"{lead}{name}: {_scalar(item)}")


def _scalar(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{}"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text if "." in text else text + ".0"
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, datetime.date):  # ruamel reads a curation date as a date; jakkg wants its text
        return _string(value.isoformat())
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as YAML")


def _string(text: str) -> str:
    quoted = json.dumps(text, ensure_ascii=False)
    return NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, required=True, help="number of claims in the corpus")
    parser.add_argument("--out", type=Path, required=True, help="writes OUT/data, OUT/sources and OUT/manifest.json")
    parser.add_argument("--errors", type=int, default=0, help="plant this many SHACL violations (default 0)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the curated data/ to copy (default: the repository's)")
    parser.add_argument("--sources", type=Path, default=DEFAULT_SEEDS, help="the seed texts (default ../shared/seeds)")
    args = parser.parse_args(argv)
    try:
        manifest = generate(args.claims, args.out, args.errors, args.seed, args.data, args.sources)
    except (OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.out}: {manifest['claims']} claims in {manifest['papers']} papers, "
          f"{manifest['cohorts']} cohorts, {manifest['patients']} patients, {len(manifest['planted_errors'])} planted errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
