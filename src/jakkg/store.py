"""Load a built graph file into an in-memory Oxigraph store: the one fast reader of the later stages.

Oxigraph parses about a million triples a second and answers SPARQL in
Rust, where rdflib parses about 33 thousand a second and evaluates queries
triple by triple in Python. The store keeps each named graph; queries run
with the union of all graphs as their default graph, so a TriG file and its
merged Turtle answer alike.

Oxigraph canonicalizes literals it stores (``"98"^^xsd:positiveInteger``
reads back as the integer 98, ``"27.0"`` as ``27``): the store is for
answering questions, never for writing files that are published.

Parse once, on request: ``jakkg build --store`` also leaves an on-disk
(RocksDB) Oxigraph store of each built file in ``OUT/.cache/<file>.oxigraph/``. At 100k claims each
later stage spent about 20 s and 2.4-3.2 GB parsing the 6M-triple file into
memory; the store opens in milliseconds and its pages live in the OS cache.
It is a cache, not an output: a stamp records the size and SHA-256 of the
file it was loaded with, and :func:`open_store` uses it only when the file
still has that digest (so a file edited, replaced or copied elsewhere is
parsed as before), and only with the pyoxigraph version that wrote it.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from .errors import UsageError, display_path

RDF_FORMATS = {".trig": "TRIG", ".ttl": "TURTLE", ".turtle": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS",
               ".n3": "N3", ".rdf": "RDF_XML", ".owl": "RDF_XML", ".xml": "RDF_XML", ".jsonld": "JSON_LD", ".json": "JSON_LD"}


shared: dict[Path, tuple[tuple[int, int], Any]] = {}  # file -> ((size, mtime), its parsed store): see share_store
STAMP = "stamp.json"  # in the store's directory: which file the store holds, by size and SHA-256
DATABASE = "db"  # the RocksDB directory, next to the stamp
STAMP_FORMAT = 1


def load_store(path: Path, *, on_disk: bool = True) -> Any:
    """An Oxigraph store of an RDF file: the one `jakkg stages` parsed for this process (:func:`share_store`),
    else the build's on-disk store of it when that provably holds this file (see :func:`open_store`), else
    the file bulk-loaded into memory (about 0.4M quads/s).

    ``on_disk=False`` never opens the on-disk store: for stages whose many graph-wide queries
    run 3-4x slower on RocksDB than in memory (measured at 100k claims:
    `jakkg graph` 127 s of CPU from the store, 62 s from the file), so that
    parsing costs less than it saves. An unusable file is a UsageError naming
    the file and, for a syntax error, the line and column the parser stopped at.
    """
    if not path.is_file():
        raise UsageError(f"{display_path(path)}: file not found (run `jakkg build` first?)")
    if (parsed := shared_store(path)) is not None:
        return parsed
    published = open_store(path) if on_disk else None
    return published if published is not None else parse_store(path)


def share_store(path: Path) -> Any:
    """Parse ``path`` into memory and keep it for every :func:`load_store` of that file in this process
    and the processes forked from it (`jakkg stages`: one parse for many stages)."""
    store = parse_store(path)
    shared[path.resolve()] = (_identity(path), store)
    return store


def shared_store(path: Path) -> Any:
    """The store :func:`share_store` made of ``path``, if the file has not changed since (size, mtime)."""
    entry = shared.get(path.resolve())
    return entry[1] if entry is not None and entry[0] == _identity(path) else None


def _identity(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_size, st.st_mtime_ns


def parse_store(path: Path) -> Any:
    """Parse ``path`` into a new in-memory store (its suffix names the format)."""
    import pyoxigraph as ox

    fmt = RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UsageError(f"{display_path(path)}: unknown RDF format {path.suffix or '(no extension)'!r} "
                         "(use .ttl, .trig, .nt, .nq, .rdf, .owl, .n3 or .jsonld)")
    name = fmt.lower().replace("_", "-")
    store = ox.Store()
    try:
        store.bulk_load(path=str(path), format=getattr(ox.RdfFormat, fmt))
    except SyntaxError as exc:
        where = f"{exc.lineno}:{exc.offset}:" if exc.lineno else ""
        reason = re.sub(r"^Parser error at line \d+ between columns \d+ and \d+: ", "", str(exc).splitlines()[0])
        raise UsageError(f"{display_path(path)}:{where} cannot parse as {name}: {reason[:200]}") from None
    except (ValueError, OSError) as exc:
        raise UsageError(f"{display_path(path)}: cannot read as {name}: {str(exc).splitlines()[0][:200]}") from None
    return store


def store_dir(path: Path) -> Path:
    """Where the build keeps the on-disk store of the file ``path``: a cache beside it, OUT/.cache/NAME.oxigraph."""
    return path.parent / ".cache" / f"{path.name}.oxigraph"


def file_digest(path: Path) -> str:
    """SHA-256 of a file, read a megabyte at a time (about 0.3 s for the 100k-claim TriG)."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def stamp(path: Path, name: str | None = None) -> dict[str, Any]:
    """What identifies the file ``path`` (to be called ``name``) for its store: name, size, SHA-256, and the
    pyoxigraph that wrote the store."""
    import pyoxigraph as ox

    return {"format": STAMP_FORMAT, "file": name or path.name, "size": path.stat().st_size, "sha256": file_digest(path),
            "pyoxigraph": ox.__version__}


def write_store(rdf: Path, fmt: str, target: Path) -> None:
    """Bulk-load the file ``rdf`` (an ox.RdfFormat name) into a new on-disk store in ``target``/db.

    Called by the build on a file it has just written and parsed, so the
    loader skips re-validating IRIs (``lenient``). It releases the GIL: the
    build runs it in a thread while it writes the other formats.
    """
    import pyoxigraph as ox

    store = ox.Store(str(target / DATABASE))
    store.bulk_load(path=str(rdf), format=getattr(ox.RdfFormat, fmt), lenient=True)
    store.flush()
    del store  # closes the database before the directory is renamed into place


def write_stamp(target: Path, published: Path, name: str) -> None:
    """Record in ``target`` that its store holds the file ``published`` (staged now, to be named ``name``)."""
    (target / STAMP).write_text(json.dumps(stamp(published, name), indent=1, sort_keys=True) + "\n", encoding="utf-8")


def open_store(path: Path) -> Any | None:
    """The build's store of ``path``, read-only, when its stamp proves it holds this file; else None.

    Proof: the stamp names this file, its size and SHA-256 match the file's
    bytes now, and the same pyoxigraph version wrote it. A missing, stale
    (the file was rebuilt or edited), foreign (another file's store) or
    unreadable store gives None, and the caller parses the file.
    """
    import pyoxigraph as ox

    where = store_dir(path)
    try:
        recorded = json.loads((where / STAMP).read_text(encoding="utf-8"))
        if not isinstance(recorded, dict) or recorded.get("format") != STAMP_FORMAT \
                or recorded.get("pyoxigraph") != ox.__version__ or recorded.get("file") != path.name \
                or recorded.get("size") != path.stat().st_size or recorded.get("sha256") != file_digest(path):
            return None
        return ox.Store.read_only(str(where / DATABASE))
    except (OSError, ValueError, RuntimeError):  # RocksDB reports a damaged database as a RuntimeError
        return None


def select(store: Any, query: str) -> list[tuple[Any, ...]]:
    """Rows of a SELECT over the union of the store's graphs, as Python values (str, int, float)."""
    solutions = store.query(query, use_default_graph_as_union=True)
    names = [v.value for v in solutions.variables]
    return [tuple(_value(row[n]) for n in names) for row in solutions]


def _value(term: Any) -> Any:
    if term is None:
        return None
    datatype = getattr(getattr(term, "datatype", None), "value", "")
    if datatype.endswith(("#integer", "#nonNegativeInteger", "#positiveInteger", "#long", "#int")):
        return int(term.value)
    return term.value
