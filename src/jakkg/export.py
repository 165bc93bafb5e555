"""Write the graph as TriG, Turtle and N-Triples, deterministically and atomically.

Determinism: no blank nodes are built, named graphs are written in IRI order
and N-Triples lines are sorted, so the same data gives byte-identical files.
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

from rdflib import Dataset, Graph

OUTPUTS = {"trig": "jakdm.trig", "turtle": "jakdm.ttl", "nt": "jakdm.nt"}


def merged_graph(ds: Dataset) -> Graph:
    """All triples of all named graphs in one graph, keeping the prefixes."""
    merged = Graph()
    for prefix, ns in ds.namespaces():
        merged.bind(prefix, ns, override=True, replace=True)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        merged.add((s, p, o))
    return merged


def turtle(graph: Graph) -> str:
    """Turtle with only the prefixes the graph uses (rdflib sorts subjects)."""
    return graph.serialize(format="turtle")


def trig(ds: Dataset) -> str:
    """TriG with the named graphs in IRI order, each block written as Turtle."""
    blocks: list[str] = []
    used: dict[str, str] = {}
    for ctx in sorted(ds.contexts(), key=lambda g: str(g.identifier)):
        if len(ctx) == 0:
            continue
        g = Graph()
        for prefix, ns in ds.namespaces():
            g.bind(prefix, ns, override=True, replace=True)
        for t in ctx:
            g.add(t)
        body = g.serialize(format="turtle")
        lines = body.splitlines()
        for line in lines:
            if line.startswith("@prefix"):
                used[line] = line
        # Not indented: a line may be inside a multi-line """literal""" (a quote
        # spanning lines of the paper), and indenting it would change the quote.
        content = "\n".join(ln for ln in lines if not ln.startswith("@prefix")).strip("\n")
        blocks.append(f"<{ctx.identifier}> {{\n{content}\n}}\n")
    return "\n".join(sorted(used)) + "\n\n" + "\n".join(blocks)


def ntriples(graph: Graph) -> str:
    """N-Triples, one triple a line, sorted."""
    lines = graph.serialize(format="nt").splitlines()
    return "\n".join(sorted(set(ln for ln in lines if ln.strip()))) + "\n"


@contextmanager
def atomic_outputs(out_dir: Path) -> Iterator[Callable[[str, str | bytes], None]]:
    """Collect files (text or bytes) to write; rename them into place only if the block succeeds."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path]] = []

    def stage(name: str, content: str | bytes) -> None:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir)
        if isinstance(content, bytes):
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
                fh.write(content)
        staged.append((Path(tmp), out_dir / name))

    try:
        yield stage
    except BaseException:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        raise
    for tmp, final in staged:
        tmp.chmod(0o644)
        os.replace(tmp, final)


def write_outputs(ds: Dataset, out_dir: Path) -> dict[str, Path]:
    """Write jakdm.trig, jakdm.ttl and jakdm.nt into ``out_dir``."""
    merged = merged_graph(ds)
    with atomic_outputs(out_dir) as stage:
        stage(OUTPUTS["trig"], trig(ds))
        stage(OUTPUTS["turtle"], turtle(merged))
        stage(OUTPUTS["nt"], ntriples(merged))
    return {fmt: out_dir / name for fmt, name in OUTPUTS.items()}
