"""jakkg: a knowledge graph of literature claims on JAK inhibitors in dermatomyositis.

The package reads like the pipeline it runs: ``load`` (data/ -> typed models),
``quotes`` (check each quote against its paper), ``build`` (models -> RDF
nanopublications), ``export`` (TriG, Turtle, N-Triples written atomically),
then the later stages (validate, reason, query, graph, draw).
"""
from __future__ import annotations

__version__ = "0.1.0"
