"""Levels of evidence: the Oxford CEBM 2011 level of the study a claim rests on.

OCEBM Levels of Evidence Working Group, *The Oxford 2011 Levels of
Evidence*, Oxford Centre for Evidence-Based Medicine, 2011
(https://www.cebm.ox.ac.uk/resources/levels-of-evidence/ocebm-levels-of-evidence),
row "Does this intervention help? (treatment benefits)". The table from
study design to level is data, kept in the ontology
(``jakkg:OCEBMLevelN jakkg:levelOfDesign DESIGN``), so adding a design is an
edit of ontology/jakkg.ttl. This module reads that table once and answers,
for a set of designs, the best (lowest-numbered) level any of them earns: a
paper recorded as both "case report" and "letter" reports a case, which is
what its evidence rests on.

Why OCEBM rather than GRADE: GRADE rates a body of evidence for an outcome
(starting certainty, then up- and down-grading for risk of bias,
inconsistency, imprecision ...), which needs judgments a curator has not
made; OCEBM rates a single study by its design, which is what the graph
records. The pooled estimates (:mod:`jakkg.pool`) are where a body of
evidence is summarised.
"""
from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from .identifiers import VOCAB
from .resources import ontology_file

LEVEL_OF_DESIGN = URIRef(VOCAB + "levelOfDesign")


@lru_cache(maxsize=1)
def design_levels() -> dict[str, tuple[int, str]]:
    """Design IRI -> (level number, level IRI), read from the packaged ontology."""
    g = Graph().parse(ontology_file(), format="turtle")
    table: dict[str, tuple[int, str]] = {}
    for level, design in g.subject_objects(LEVEL_OF_DESIGN):
        rank = int(str(g.value(level, SKOS.notation)))
        key = str(design)
        if key not in table or rank < table[key][0]:
            table[key] = (rank, str(level))
    return table


def level_of(designs: Iterable[str]) -> tuple[int, str] | None:
    """The best (lowest) level among these design IRIs, or None when none is rated."""
    table = design_levels()
    rated = [table[d] for d in designs if d in table]
    return min(rated) if rated else None
