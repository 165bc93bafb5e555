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
Parse once, on request: ``jakkg build --store`` also bulk-loads an on-disk
Oxigraph store of the TriG (named graphs) and of the Turtle (one default
graph) into OUT/.cache/, in threads while it writes, and publishes them with
the files; the later stages open a store instead of parsing its file again
(:mod:`jakkg.store`). The stores are a cache, never a source of published
files. It is not the default: at 10k claims the loads cost the build more
than the stages save, and at 100k they roughly break even in time while
doubling the build's peak memory; it pays off when many queries follow one
build (a query at 100k: 6 s instead of 53 s, 160 MB instead of 2.4 GB).
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pyoxigraph import RdfFormat, parse
from pyoxigraph import serialize as serialize_quads
from rdflib import Dataset, Graph

from .build import PREFIXES, BuiltGraph, triple_line
from .store import store_dir, write_stamp, write_store

OUTPUTS = {"trig": "jakdm.trig", "turtle": "jakdm.ttl", "nt": "jakdm.nt"}
# The outputs `jakkg build --store` also leaves as an on-disk Oxigraph store (jakkg.store.store_dir). Each costs
# the build about 2x (TriG) or 1.6x (Turtle) the CPU of parsing its file, and saves a parse in every stage that reads it.
STORES = ("trig", "turtle")
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


def write_outputs(built: BuiltGraph, out_dir: Path, stores: tuple[str, ...] = ()) -> tuple[dict[str, Path], int]:
    """Write jakdm.trig, jakdm.ttl and jakdm.nt into ``out_dir``, all or none; the paths and the number of quads.

    Streams through files rather than strings: at 100k claims the text of the
    graph is gigabytes, and repeats are found without a second copy of it
    (:func:`_unique_quads`, :func:`_unique_triples`). The N-Quads go to a scratch file that Oxigraph's
    parser reads back for the TriG writer; the N-Triples file, written
    line by line, is what the Turtle writer reads. Parsed quads go straight
    to the serializer: an Oxigraph *store* would canonicalize literals
    (xsd:positiveInteger to xsd:integer, "27.0" to "27"), which must not reach
    a published file. With ``stores`` (some of :data:`STORES`), on-disk stores
    of the TriG and the Turtle are loaded from the same N-Quads and N-Triples,
    in threads, and stamped with the digest of the file each stands for (see
    :mod:`jakkg.store`).
    """
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    n_quads = 0
    with atomic_outputs(out_dir) as stage:
        scratch = stage.path(".jakdm.nq")  # never published: removed with the other temporaries
        with scratch.open("w", encoding="utf-8", newline="\n") as fh:
            for line in _unique_quads(built):
                fh.write(line)
                n_quads += 1
        with in_background() as loads:
            dirs = {fmt: stage.directory(str(store_dir(Path(OUTPUTS[fmt])))) for fmt in stores}
            if "trig" in dirs:
                loads.start(write_store, scratch, "N_QUADS", dirs["trig"])
            trig = stage.path(OUTPUTS["trig"])
            with in_child(_convert, scratch, "N_QUADS", trig, "TRIG", prefixes, alone=bool(dirs)):
                nt = stage.path(OUTPUTS["nt"])
                with nt.open("w", encoding="utf-8", newline="\n") as fh:
                    fh.writelines(_unique_triples(built))
                loads.wait()  # one load at a time: each bulk loader holds hundreds of MB of sorted batches
                if "turtle" in dirs:
                    loads.start(write_store, nt, "N_TRIPLES", dirs["turtle"])
                ttl = stage.path(OUTPUTS["turtle"])
                _convert(nt, "N_TRIPLES", ttl, "TURTLE", prefixes)
        stage.discard(".jakdm.nq")
        for fmt, staged in (("trig", trig), ("turtle", ttl)):
            if fmt in dirs:
                write_stamp(dirs[fmt], staged, OUTPUTS[fmt])
        stage(MANIFEST, json.dumps({"papers": built.contents}, indent=1, sort_keys=True) + "\n")
    return {fmt: out_dir / name for fmt, name in OUTPUTS.items()}, n_quads


def _convert(source: Path, source_format: str, target: Path, target_format: str, prefixes: dict[str, str]) -> None:
    """Re-serialize one RDF file as another, streaming parsed statements to Oxigraph's writer (no store)."""
    serialize_quads(parse(path=str(source), format=getattr(RdfFormat, source_format)), output=str(target),
                    format=getattr(RdfFormat, target_format), prefixes=prefixes)


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

    def directory(self, name: str) -> Path:
        """A temporary directory the caller fills; it replaces the directory ``name`` (a relative path) on publication."""
        final = self.out_dir / name
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", suffix=".tmp", dir=final.parent))
        self.staged.append((tmp, final))
        return tmp

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
            _remove(tmp)


class _Background:
    """Work running in threads (see :func:`in_background`); their errors are kept for the caller."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.errors: list[BaseException] = []

    def start(self, func: Callable[..., Any], *args: Any) -> None:
        """Run ``func(*args)`` in a new thread."""
        def run() -> None:
            try:
                func(*args)
            except BaseException as exc:  # noqa: BLE001 -- handed to the thread that waits
                self.errors.append(exc)

        thread = threading.Thread(target=run, name=getattr(func, "__name__", "background"), daemon=True)
        thread.start()
        self.threads.append(thread)

    def wait(self) -> None:
        """Block until every thread started so far has ended."""
        for thread in self.threads:
            thread.join()


@contextmanager
def in_background() -> Iterator[_Background]:
    """Start work in threads inside the block; leaving it waits for all of them and re-raises the first error.

    For Rust code that releases the GIL (Oxigraph's bulk loader), which then
    runs on the second core while Python writes the other files. The block
    always waits, also when it fails, so no thread outlives the temporary
    files it reads or writes.
    """
    tasks = _Background()
    try:
        yield tasks
    finally:
        tasks.wait()
    if tasks.errors:
        raise tasks.errors[0]


@contextmanager
def in_child(func: Callable[..., Any], *args: Any, alone: bool = False) -> Iterator[None]:
    """Run ``func(*args)`` in a forked process while the block runs in this one; leaving waits for it and
    raises if it failed.

    For the writers, which turn every statement into a Python object and so
    hold the GIL: the TriG is written on the second core while this process
    writes the N-Triples and the Turtle (about 10 s of 30 at 100k claims).
    The child never collects garbage (a collection would touch, and so copy,
    the gigabytes of the build it shares) and leaves with os._exit. With
    ``alone`` -- threads running, which a fork does not copy -- or where
    there is no fork, ``func`` runs here first.
    """
    if alone or not hasattr(os, "fork"):
        func(*args)
        yield
        return
    import gc
    import sys
    import traceback

    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        gc.disable()
        code = 1
        try:
            func(*args)
            code = 0
        except BaseException:  # noqa: BLE001 -- reported by the exit code and on stderr
            traceback.print_exc()
        finally:
            sys.stderr.flush()
            os._exit(code)
    try:
        yield
    finally:
        _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise OSError(f"writing in a child process failed ({getattr(func, '__name__', func)}; its error is above)")


def _remove(path: Path) -> None:
    """Delete a file or a whole directory, if it is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _publish(staged: list[tuple[Path, Path]]) -> None:
    """Rename every staged file or directory into place, or restore what was there and re-raise.

    A file's previous version is kept as a hard link; a directory's (a
    store) is renamed aside, since a directory can be neither linked nor
    replaced while it holds files.
    """
    backups: list[tuple[Path, Path | None]] = []  # (final, backup of its previous version)
    try:
        for tmp, final in staged:
            backups.append((final, _replace(tmp, final)))
    except BaseException:
        for final, backup in reversed(backups):
            if backup is None:
                _remove(final)
            elif backup.is_dir():
                _remove(final)
                os.rename(backup, final)
            else:
                os.replace(backup, final)
        raise
    finally:
        for _, backup in backups:
            if backup is not None:
                _remove(backup)


def _replace(tmp: Path, final: Path) -> Path | None:
    """Move ``tmp`` to ``final``; the backup of what ``final`` was (None if nothing), or raise with ``final`` as it was."""
    directory = tmp.is_dir()
    tmp.chmod(0o755 if directory else 0o644)
    backup = None
    if final.exists():
        backup = final.with_name(f".{final.name}.previous")
        _remove(backup)
        if directory:
            os.rename(final, backup)
        else:
            os.link(final, backup)
    try:
        os.replace(tmp, final)
    except BaseException:
        if backup is not None:
            if directory:
                os.rename(backup, final)
            else:
                backup.unlink(missing_ok=True)
        raise
    return backup
