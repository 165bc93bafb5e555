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

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pyoxigraph import RdfFormat, parse
from pyoxigraph import serialize as serialize_quads
from rdflib import Dataset, Graph

from .build import PREFIXES, BuiltGraph, triple_line

OUTPUTS = {"trig": "jakdm.trig", "turtle": "jakdm.ttl", "nt": "jakdm.nt"}
MANIFEST = "manifest.json"  # what the build published, per paper: the ids of its claims, cohorts and patients


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


def removals(built: BuiltGraph, out_dir: Path) -> list[str]:
    """What the previous build in ``out_dir`` published and this one would not: 'paper: claim X' lines.

    Read from the previous build's manifest.json; a missing or unreadable
    manifest (a first build) removes nothing.
    """
    try:
        before = json.loads((out_dir / MANIFEST).read_text(encoding="utf-8"))["papers"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    gone = []
    for paper, kinds in sorted(before.items()):
        now = built.contents.get(paper, {})
        for kind, ids in sorted(kinds.items()):
            for record_id in sorted(set(ids) - set(now.get(kind, []))):
                gone.append(f"{paper}: {kind[:-1]} {record_id}")
    return gone


def write_outputs(built: BuiltGraph, out_dir: Path) -> tuple[dict[str, Path], int]:
    """Write jakdm.trig, jakdm.ttl and jakdm.nt into ``out_dir``, all or none; the paths and the number of quads.

    Streams through files rather than strings: at 100k claims the text of the
    graph is gigabytes, and repeats are found without a second copy of it
    (:func:`_unique_quads`, :func:`_unique_triples`). The N-Quads go to a scratch file that Oxigraph's
    parser reads back for the TriG writer; the N-Triples file, written
    line by line, is what the Turtle writer reads. Parsed quads go straight
    to the serializer: an Oxigraph *store* would canonicalize literals
    (xsd:positiveInteger to xsd:integer, "27.0" to "27"), which must not reach
    a published file.
    """
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    n_quads = 0
    with atomic_outputs(out_dir) as stage:
        scratch = stage.path(".jakdm.nq")  # never published: removed with the other temporaries
        with scratch.open("w", encoding="utf-8", newline="\n") as fh:
            for line in _unique_quads(built):
                fh.write(line)
                n_quads += 1
        serialize_quads(parse(path=str(scratch), format=RdfFormat.N_QUADS), output=str(stage.path(OUTPUTS["trig"])),
                        format=RdfFormat.TRIG, prefixes=prefixes)
        nt = stage.path(OUTPUTS["nt"])
        with nt.open("w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(_unique_triples(built))
        serialize_quads(parse(path=str(nt), format=RdfFormat.N_TRIPLES), output=str(stage.path(OUTPUTS["turtle"])),
                        format=RdfFormat.TURTLE, prefixes=prefixes)
        stage.discard(".jakdm.nq")
        stage(MANIFEST, json.dumps({"papers": built.contents}, indent=1, sort_keys=True) + "\n")
    return {fmt: out_dir / name for fmt, name in OUTPUTS.items()}, n_quads


def _lines(built: BuiltGraph) -> Iterator[str]:
    """Every line of the graph, parts in key order (shared records first), as built."""
    for key in sorted(built.parts):
        yield from built.parts[key]


def _unique_quads(built: BuiltGraph) -> Iterator[str]:
    """The lines without repeats, first occurrence first: a set of the built strings, no copy of them."""
    seen: set[str] = set()
    for line in _lines(built):
        if line not in seen:
            seen.add(line)
            yield line


def _unique_triples(built: BuiltGraph) -> Iterator[str]:
    """The N-Triples lines of the graph without repeats (a triple in several graphs), first occurrence first.

    Exact, without holding every triple's text (a gigabyte at 100k claims):
    per triple hash, the quad line it first came from, whose triple is made
    again to compare when a hash comes back; the rare triple whose hash
    collides with another's is kept by its text.
    """
    first: dict[int, str] = {}  # hash of a triple -> the quad line of its first occurrence
    collided: set[str] = set()
    for line in _lines(built):
        triple = triple_line(line)
        key = hash(triple)
        found = first.get(key)
        if found is None:
            first[key] = line
            yield triple
        elif triple_line(found) != triple and triple not in collided:
            collided.add(triple)
            yield triple


class _Stage:
    """Files staged for publication under temporary names (see :func:`atomic_outputs`)."""

    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.staged: list[tuple[Path, Path]] = []

    def __call__(self, name: str, content: str | bytes) -> None:
        """Stage ``content`` as the file ``name``."""
        with self.path(name).open("wb") as fh:
            fh.write(content if isinstance(content, bytes) else content.encode("utf-8"))

    def path(self, name: str) -> Path:
        """A temporary path the caller writes; it becomes ``name`` on publication."""
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.out_dir)
        os.close(fd)
        self.staged.append((Path(tmp), self.out_dir / name))
        return Path(tmp)

    def discard(self, name: str) -> None:
        """Drop a staged file (a scratch file that is not to be published)."""
        for tmp, final in [x for x in self.staged if x[1].name == name]:
            tmp.unlink(missing_ok=True)
            self.staged.remove((tmp, final))


@contextmanager
def atomic_outputs(out_dir: Path) -> Iterator[_Stage]:
    """Collect files (text or bytes) to write; publish them all, or none, when the block succeeds.

    Each file is written under a temporary name first. Publishing renames
    them into place; should one rename fail (a read-only or immutable file),
    the files already replaced get their previous version back, so a stage's
    outputs never mix two builds. Temporary files are removed in every case.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    stage = _Stage(out_dir)
    try:
        yield stage
        _publish(stage.staged)
    finally:
        for tmp, _ in stage.staged:
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
