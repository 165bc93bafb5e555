"""Write the graph as TriG, Turtle and N-Triples, deterministically and atomically.

Determinism: no blank nodes are built and lines are written in the order the
builder made them (shared records, then papers in id order, records in file
order; a subject's lines together within a graph), without repeats, so the
same data gives byte-identical files. In the merged Turtle a claim's node
comes back once per graph it has triples in (assertion, provenance,
pubinfo): valid Turtle, and no sorting pass over millions of lines. Oxigraph's serializers write them: about 1 µs a triple, where rdflib's
Turtle writer took 30 µs and grew with the corpus.
Atomicity: every file is first written next to its target under a temporary
name and renamed only when all of them are complete, so a failed build leaves
the previous outputs untouched.
"""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from pyoxigraph import RdfFormat, parse
from pyoxigraph import serialize as serialize_quads
from rdflib import Dataset, Graph

from .build import PREFIXES, BuiltGraph

OUTPUTS = {"trig": "jakdm.trig", "turtle": "jakdm.ttl", "nt": "jakdm.nt"}


def merged_graph(ds: Dataset) -> Graph:
    """All triples of all named graphs in one graph, keeping the prefixes (reference path)."""
    merged = Graph()
    for prefix, ns in ds.namespaces():
        merged.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def turtle(graph: Graph) -> str:
    """Turtle of a small rdflib graph (rdflib sorts subjects)."""
    return graph.serialize(format="turtle")


def _without_graph(line: str) -> str:
    return line[: line.rindex(" <", 0, -3)] + " .\n"


def serialize(text: str, input_format: RdfFormat, output_format: RdfFormat, prefixes: dict[str, str]) -> bytes:
    """N-Triples/N-Quads text rewritten in another syntax by Oxigraph's serializer, in the text's order.

    Parsed quads go straight to the serializer: an Oxigraph *store* would
    canonicalize literals (xsd:positiveInteger to xsd:integer, "27.0" to
    "27"), which must not reach a published file.
    """
    return serialize_quads(parse(text, format=input_format), format=output_format, prefixes=prefixes)


def write_outputs(built: BuiltGraph, out_dir: Path) -> tuple[dict[str, Path], int]:
    """Write jakdm.trig, jakdm.ttl and jakdm.nt into ``out_dir``, all or none; the paths and the number of quads."""
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    quad_lines = list(dict.fromkeys(line for part in sorted(built.parts) for line in built.parts[part]))
    quads = "".join(quad_lines)
    triples = "".join(dict.fromkeys(_without_graph(line) for line in quad_lines))
    with atomic_outputs(out_dir) as stage:
        stage(OUTPUTS["trig"], serialize(quads, RdfFormat.N_QUADS, RdfFormat.TRIG, prefixes))
        stage(OUTPUTS["turtle"], serialize(triples, RdfFormat.N_TRIPLES, RdfFormat.TURTLE, prefixes))
        stage(OUTPUTS["nt"], triples)
    return {fmt: out_dir / name for fmt, name in OUTPUTS.items()}, len(quad_lines)


@contextmanager
def atomic_outputs(out_dir: Path) -> Iterator[Callable[[str, str | bytes], None]]:
    """Collect files (text or bytes) to write; publish them all, or none, when the block succeeds.

    Each file is written under a temporary name first. Publishing renames
    them into place; should one rename fail (a read-only or immutable file),
    the files already replaced get their previous version back, so a stage's
    outputs never mix two builds. Temporary files are removed in every case.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []

    def stage(name: str, content: str | bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
        staged.append((Path(tmp), out_dir / name))
        with os.fdopen(fd, "wb") as fh:
            fh.write(content if isinstance(content, bytes) else content.encode("utf-8"))

    try:
        yield stage
        _publish(staged)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def _publish(staged: list[tuple[Path, Path]]) -> None:
    """Rename every staged file into place, or restore what was there and re-raise."""
    backups: list[tuple[Path, Path | None]] = []  # (final, backup of its previous version)
    try:
        for tmp, final in staged:
            tmp.chmod(0o644)
            backup = None
            if final.exists():
                backup = final.with_name(f".{final.name}.previous")
                backup.unlink(missing_ok=True)
                os.link(final, backup)
            try:
                os.replace(tmp, final)
            except BaseException:
                if backup is not None:
                    backup.unlink(missing_ok=True)
                raise
            backups.append((final, backup))
    except BaseException:
        for final, backup in reversed(backups):
            if backup is not None:
                os.replace(backup, final)
            else:
                final.unlink(missing_ok=True)
        raise
    finally:
        for _, backup in backups:
            if backup is not None:
                backup.unlink(missing_ok=True)
