"""Per-paper cache of the build's load and graph steps, so a rebuild redoes only the papers that changed.

A paper's claims file is read, checked (its quotes found in its text) and
turned into its part of the graph only when something it depends on changed.
What the cache keeps of a paper -- its N-Quads part, the line ranges and
links of its records, and stand-ins for its records (id, label, file, line)
that other papers' checks and claims use -- sits in
``build/.cache/papers/<key>.paper`` under a key made of everything the paper
was built from:

- the claims file's bytes and its path as messages and the graph show it;
- every input shared by all papers: ``sources.yaml``, the entity files,
  jakkg's version and the bytes of every file of the
  installed package (code, ontology, vocabulary, prefix map);
- checked on reuse: the digests of the paper's text (in the sources
  directory of this build) and of the patient tables the file names;
- checked on reuse, against the other papers of this build: each key the
  paper's records resolved (a cohort, patient or claim of another paper, or
  an entity) still names the same kind of record with the same label.

Being wrong here would publish a silently wrong graph, so the cache errs the
other way: an entry that cannot be read, is truncated or does not match its
own digest is ignored and rebuilt; two claims files for one paper, or any
problem in the load, turn the cache off for that build (see
:func:`jakkg.load.load_corpus`); a paper is cached only after it loaded and
built without a problem. The cross-paper checks (unique ids, references to
other papers' records, papers without claims, the removals manifest) run on
every build, on the stand-ins.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from . import __version__
from .build import SHARED, BuiltGraph, Part
from .errors import display_path
from .load import CachedRecord, Corpus
from .store import file_digest

FORMAT = 1  # of an entry; a change makes every older entry a miss
KINDS = ("cohorts", "patients", "claims")
SUFFIX = ".paper"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file_digest(path: Path) -> str:
    """A file's digest, or 'missing' (a file that appears later changes the digest too)."""
    try:
        return file_digest(path)
    except OSError:
        return "missing"


def code_digest() -> str:
    """A digest of every file of the installed jakkg package: any change to the code or its data is a new build."""
    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def signature(corpus: Corpus, key: str) -> list[Any]:
    """What ``key`` names in this corpus, as far as a paper that uses it can tell: kind and label."""
    for kind in ("cohorts", "patients"):
        if (rec := getattr(corpus, kind).get(key)) is not None:
            return [kind, rec.label]
    return ["claims"] if key in corpus.claims else ["-"]


class PaperCache:
    """The papers of one build: which were reused from ``cache_dir``, and their entries for the next build."""

    def __init__(self, cache_dir: Path):
        self.dir = Path(cache_dir)
        self.parts: dict[str, Part] = {}  # paper -> its cached part, for build_graph
        self.restored: dict[str, dict[str, Any]] = {}  # paper -> its entry's header
        self.keys: dict[Path, str] = {}  # claims file -> its key in this build
        self._salt: bytes | None = None

    # -- reading ------------------------------------------------------------
    def salt(self, loader: Any) -> bytes:
        """The digest of the inputs every paper shares (computed once per build)."""
        if self._salt is None:
            c = loader.corpus
            h = hashlib.sha256(f"jakkg build cache {FORMAT}\0{code_digest()}\0".encode())
            h.update(display_path(c.data_dir).encode() + b"\0")
            for path in [c.data_dir / "sources.yaml", *sorted((c.data_dir / "entities").glob("*.yaml"))]:
                h.update(display_path(path).encode() + b"\0" + _file_digest(path).encode() + b"\0")
            self._salt = h.digest()
        return self._salt

    def key(self, loader: Any, path: Path) -> str | None:
        """The key of a claims file in this build (None if it cannot be read: the load reports it)."""
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        self.keys[path] = _sha(self.salt(loader) + display_path(path).encode() + b"\0" + raw)
        return self.keys[path]

    def restore(self, loader: Any, path: Path) -> bool:
        """Put a cached paper's stand-ins into the loader's corpus; False when the file must be loaded."""
        if (key := self.key(loader, path)) is None or (found := self.read(key)) is None:
            return False
        header, lines = found
        source = header["source"]
        if source in self.restored or source not in loader.corpus.papers:
            return False  # a second file for one paper: consistent() turns the cache off
        if any(_file_digest(self.dep_path(loader.corpus, kind, name)) != digest for kind, name, digest in header["deps"]):
            return False
        for kind in KINDS:
            for rec_id, label, file, line in header["stubs"][kind]:
                loader.add_cached(kind, CachedRecord(rec_id, label, file, line), source)
        self.parts[source] = Part(lines, {t: (s, e) for t, (s, e) in header["records"].items()},
                                  {t: set(targets) for t, targets in header["links"].items()})
        self.restored[source] = header
        return True

    def read(self, key: str) -> tuple[dict[str, Any], list[str]] | None:
        """An entry's header and lines, or None when it is missing, unreadable, truncated or altered."""
        try:
            data = (self.dir / f"{key}{SUFFIX}").read_bytes()
            seal, _, body = data.partition(b"\n")
            seal = json.loads(seal)
            if (seal.get("format") != FORMAT or seal.get("key") != key or seal["bytes"] != len(body)
                    or seal["sha256"] != _sha(body)):
                return None
            head, _, payload = body.partition(b"\n")
            return json.loads(head), payload.decode("utf-8").splitlines(keepends=True)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    @staticmethod
    def dep_path(corpus: Corpus, kind: str, name: str) -> Path:
        """Where a paper's text (``seed``, in the sources directory) or patient table (``table``, in data/) is now.

        Named relative to their folders, so a corpus moved or copied with its
        build keeps its cache, and checked by content wherever it is.
        """
        return (corpus.sources_dir if kind == "seed" else corpus.data_dir) / name

    def consistent(self, corpus: Corpus) -> bool:
        """Whether every reused paper's view of the other papers is unchanged, and each paper has one file.

        A key a cached part used may now name another kind of record (a new
        cohort named like an entity), or a record with another label (claim
        labels name their subject and object); then the part is stale.
        """
        if set(corpus.files.values()) & set(self.restored):
            return False
        return all(signature(corpus, key) == sig for header in self.restored.values() for key, sig in header["refs"].items())

    def forget(self) -> None:
        """Drop what was restored (the load starts again without the cache)."""
        self.parts.clear()
        self.restored.clear()

    # -- writing ------------------------------------------------------------
    def store(self, corpus: Corpus, built: BuiltGraph) -> int:
        """Write an entry for each paper built in this build; remove entries no claims file has any more.

        Returns the number of entries written.
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        files_of = Counter(corpus.files.values())
        by_file = {path: paper for path, paper in corpus.files.items() if files_of[paper] == 1}  # one file, one part
        stubs = _stubs(corpus, set(by_file.values()))
        todo = {path: paper for path, paper in by_file.items()
                if path in self.keys and paper in built.parts and paper != SHARED and paper not in self.restored}
        parts = built.paper_parts(todo.values())
        for path, paper in todo.items():
            self.write(self.keys[path], self.entry(corpus, path, paper, parts[paper], built.used.get(paper, ()), stubs.get(paper)))
        written = len(todo)
        keep = {f"{key}{SUFFIX}" for key in self.keys.values()}
        for stale in self.dir.glob(f"*{SUFFIX}"):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)
        return written

    def entry(self, corpus: Corpus, path: Path, paper: str, part: Part, used: Iterable[str],
              stubs: dict[str, list[list[Any]]] | None) -> tuple[dict[str, Any], bytes]:
        """The header and payload of one paper's entry."""
        deps = [["seed", corpus.papers[paper].seed or ""],
                *(["table", str(table.relative_to(corpus.data_dir))] for table in corpus.tables.get(path, []))]
        payload = "".join(part.lines).encode("utf-8")
        header = {
            "source": paper, "file": display_path(path),
            "deps": [[kind, name, _file_digest(self.dep_path(corpus, kind, name))] for kind, name in deps],
            "stubs": stubs or {kind: [] for kind in KINDS},
            "refs": {key: signature(corpus, key) for key in sorted(used)},
            "records": {t: list(r) for t, r in part.records.items()},
            "links": {t: sorted(targets) for t, targets in part.links.items()},
        }
        return header, payload

    def write(self, key: str, entry: tuple[dict[str, Any], bytes]) -> None:
        """Write one entry atomically (a crash leaves the old entry or none, never half of one)."""
        header, payload = entry
        body = json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n" + payload
        seal = {"format": FORMAT, "key": key, "bytes": len(body), "sha256": _sha(body)}  # covers header and lines
        target = self.dir / f"{key}{SUFFIX}"
        tmp = target.with_name(f".{target.name}.tmp")
        with tmp.open("wb") as fh:
            fh.write(json.dumps(seal).encode("utf-8") + b"\n")
            fh.write(body)
        tmp.replace(target)


def _stubs(corpus: Corpus, papers: set[str]) -> dict[str, dict[str, list[list[Any]]]]:
    """Per paper, its records as stand-ins (id, label, file, line), in the corpus's order, one pass over the records."""
    out: dict[str, dict[str, list[list[Any]]]] = {}
    for kind in KINDS:
        for rec_id, rec in getattr(corpus, kind).items():
            paper = corpus.source_of[rec_id]
            if paper in papers and not isinstance(rec, CachedRecord):
                label = getattr(rec, "label", None) if kind != "claims" else None
                out.setdefault(paper, {k: [] for k in KINDS})[kind].append([rec_id, label, rec.file, rec.line])
    return out
