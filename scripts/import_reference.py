"""Seed data/entities/reference.yaml from the checked table in shared/reference.

Run once when the reference table changes; the output is curated data that
curators then edit by hand. Relations and evidence terms are not entities:
relations live in ontology/jakkg.ttl, evidence codes are written as ECO
CURIEs on claims.

    python scripts/import_reference.py ../shared/reference/curies.yaml data/entities/reference.yaml
"""
from __future__ import annotations

import re
import sys

from ruamel.yaml import YAML

SECTIONS = {
    "drugs": "drug",
    "genes": "gene",
    "processes": "pathway",
    "diseases": "disease",
    "phenotypes": "phenotype",
    "evidence_and_study_design": "study_design",
    "outcome_instruments": "outcome_measure",
}
CLASSES = {"JAK inhibitor (class)": ("jak-inhibitor", "drug_class"), "corticosteroids": ("corticosteroids", "drug_class"),
           "plasma exchange": ("plasma-exchange", "procedure")}
# Terms with no checked identifier get one in our own namespace, marked unverified.
MINTED = {"herpes simplex meningitis": "jakkg:HerpesSimplexMeningitis", "case series (NCIt)": None,
          "CDASI": "jakkg:CDASI", "CAT-BM": "jakkg:CATBM", "IMACS definition of improvement": "jakkg:IMACSDefinitionOfImprovement",
          "ACR/EULAR myositis response criteria": "jakkg:ACREULARMyositisResponseCriteria"}
LABELS = {"CDASI": "Cutaneous Dermatomyositis Disease Area and Severity Index", "CAT-BM": "Cutaneous Assessment Tool Binary Method",
          "herpes simplex meningitis": "herpes simplex meningitis", "IMACS definition of improvement": "IMACS definition of improvement",
          "ACR/EULAR myositis response criteria": "ACR/EULAR myositis response criteria"}


ABBREVIATION = re.compile(r"[A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*")  # MMT8, IVIg, CAT-BM: one word with a capital


def split_mentions(text: str, label: str = "") -> list[str]:
    """The synonyms in a ``mentioned_as`` cell, sorted, without the label itself.

    The cell lists names separated by " / " and may end with a note of where
    the name was read ("(paper 002; STIR, papers 000/002)") or with the
    abbreviations of the name ("Manual Muscle Testing 8 (MMT8 / MMT)").
    Splitting on every slash or comma breaks both ("002)", "MMT)") and names
    that contain a slash ("ACR/EULAR"), so: split on " / " outside
    parentheses only, turn a trailing list of abbreviations into synonyms of
    their own, and drop any other trailing remark ("(paper 000)",
    "(publication type)").
    """
    names: list[str] = []
    for part in _split_outside_parentheses(text or ""):
        part = part.strip().strip('"').strip()
        m = re.fullmatch(r"(.*?)\s*\(([^()]*)\)", part)
        if m:  # a trailing parenthesis: abbreviations of the name, or a remark (where read, what kind)
            part = m.group(1).strip().strip('"')
            abbreviations = [a.strip() for a in re.split(r"\s*[/,;]\s*", m.group(2))]
            if part and all(ABBREVIATION.fullmatch(a) for a in abbreviations):
                names += abbreviations
        if part:
            names.append(part)
    return sorted({n for n in names if n and n != label})


def _split_outside_parentheses(text: str) -> list[str]:
    """Split on " / " at parenthesis depth 0."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth == 0 and text.startswith(" / ", i):
            parts.append(text[start:i])
            start = i + 3
    parts.append(text[start:])
    return parts


def slug(key: str) -> str:
    key = re.sub(r"\s*\(.*?\)", "", key) if "(" in key and key.split("(")[0].strip() else key
    return re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")


def main(src: str, dst: str) -> None:
    yaml = YAML()
    with open(src, encoding="utf-8") as fh:
        ref = yaml.load(fh)
    out: dict[str, dict] = {}
    for section, category in SECTIONS.items():
        for e in ref[section]:
            if e["key"].startswith(("clinical study evidence", "author statement", "inference based")):
                continue  # ECO evidence codes: used as claim evidence, not entities
            key, cat = CLASSES.get(e["key"], (slug(e["key"]), category))
            if category == "gene":
                key = e["label"]
            curie = e.get("curie") or MINTED.get(e["key"])
            if curie is None:
                continue
            rec = {"curie": curie, "label": e.get("label") or LABELS[e["key"]], "category": cat}
            syn = split_mentions(e.get("mentioned_as") or "", rec["label"])
            if syn:
                rec["synonyms"] = syn
            if e.get("status") != "VERIFIED" or not e.get("curie"):
                rec["verified"] = False
            note = "; ".join(x for x in (f"match: {e.get('match')}" if e.get("match") not in (None, "exact") else None,
                                          str(e.get("notes") or "") or None) if x)
            if not e.get("curie"):
                note = "No identifier found in the reference ontologies; minted in the jakkg namespace. " + note
            if note:
                rec["note"] = note
            if key in out:
                key = f"{key}-{cat}"
            out[key] = rec
    yaml.default_flow_style = False
    yaml.width = 4096
    with open(dst, "w", encoding="utf-8") as fh:
        fh.write("# yaml-language-server: $schema=../../schema/entities.schema.json\n"
                 "# Entities checked against their ontologies (imported from shared/reference/curies.yaml by\n"
                 "# scripts/import_reference.py, then curated by hand). verified: false marks an identifier\n"
                 "# nobody could check.\n")
        yaml.dump(out, fh)


if __name__ == "__main__":
    main(*sys.argv[1:3])
