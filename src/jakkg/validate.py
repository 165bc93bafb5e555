"""Validate a jakkg graph against the SHACL shapes in shapes/, and report for curators.

The shapes (``shapes/jakkg.shapes.ttl``, W3C SHACL Core and SHACL-SPARQL
constraints, no SHACL-AF extension, so that any SHACL engine runs them) are
run by pyshacl-turbo, or by pySHACL, the reference it is tested against. A raw SHACL report names focus nodes such as
``…/claim/LC22-C010/baseline``; a curator needs the claim, the data file and
the line. So every result is walked back to the record it belongs to -- a
statistic to its claim, a quote's selector to its annotation and the
annotation's body, a nanopublication to its claim -- and the report is
grouped by that record with the ``jakkg:curationFile`` and
``jakkg:curationLine`` the build wrote on it.

Severities follow the shapes: ``sh:Violation`` makes the graph non-conforming,
``sh:Warning`` is reported but does not (pySHACL's ``allow_warnings``).

Any RDF file can be validated; its format comes from its extension, and a
dataset (TriG, N-Quads, JSON-LD) is merged into one graph first, as the
shapes describe the merged graph (``build/jakdm.ttl``).
"""
from __future__ import annotations

import functools
import json
import logging
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from .errors import UsageError, display_path
from .identifiers import DATA, VOCAB
from .resources import package_path

SH = Namespace("http://www.w3.org/ns/shacl#")
JAKKG = Namespace(VOCAB)
OA = Namespace("http://www.w3.org/ns/oa#")
NP = Namespace("http://www.nanopub.org/nschema#")
DCTERMS = Namespace("http://purl.org/dc/terms/")
JKS = "https://w3id.org/jakkg/shapes/"
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")

# Properties from a record to the nodes it owns: a result on an owned node is
# reported under the record (a claim's statistics, a quote's target and
# selectors, a nanopublication's graphs, a patient's measurements and dose).
OWNING_PROPERTIES = (
    JAKKG.value, JAKKG.baseline, JAKKG.followUpValue, JAKKG.followUpDuration, JAKKG.timeToEffect,
    JAKKG.dose, JAKKG.pValue, JAKKG.measurement, OA.hasTarget, OA.hasSelector,
    NP.hasAssertion, NP.hasProvenance, NP.hasPublicationInfo,
)
# Record kinds by the path of their IRI under the data namespace; a
# nanopublication np/ID is reported with its claim claim/ID.
KINDS = {"claim": "claim", "np": "claim", "cohort": "cohort", "patient": "patient", "study": "study"}
# Prefixes of the vocabularies the shapes speak about; other IRIs are shortened
# with the prefixes the validated graph binds (the build binds obo:, hgnc: ...)
# and entities are named by the CURIE the graph gives them.
REPORT_PREFIXES = {
    "jakkg": VOCAB, "jks": JKS, "sh": str(SH), "rdf": str(RDF), "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": str(DCTERMS), "prov": "http://www.w3.org/ns/prov#", "oa": str(OA), "np": str(NP),
    "bibo": "http://purl.org/ontology/bibo/", "biolink": "https://w3id.org/biolink/vocab/",
}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
DATASET_FORMATS = {"trig", "nquads", "json-ld"}
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}


DEFAULT_SHAPES_NAME = "shapes/jakkg.shapes.ttl"


def default_shapes() -> Path:
    """The shapes shipped with the package (shapes/jakkg.shapes.ttl)."""
    return package_path("shapes", "jakkg.shapes.ttl")


@dataclass(frozen=True)
class Finding:
    """One validation result, located at the record a curator edits."""

    severity: str
    kind: str
    item: str
    file: str | None
    line: int | None
    focus: str
    path: str | None
    value: str | None
    message: str
    shape: str
    component: str
    at: str | None = None  # the node the result is on, when it is not the record itself

    def sort_key(self) -> tuple[Any, ...]:
        return (SEVERITY_ORDER.get(self.severity, 9), self.path or "", self.focus, self.value or "", self.message, self.shape)


@dataclass
class ValidationReport:
    """The outcome of validating one graph: conforms unless there is a violation."""

    source: str
    shapes: str
    findings: list[Finding] = field(default_factory=list)
    results_graph: Graph = field(default_factory=Graph)
    checked: int = 0  # partitions validated now (validate_built)
    reused: int = 0  # partitions whose results came from the cache

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity != "Violation"]

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        """One line: conforms or not, with the counts."""
        v, w = len(self.violations), len(self.warnings)
        counts = f"{v} violation{'s' * (v != 1)}, {w} warning{'s' * (w != 1)}"
        if self.conforms:
            policy = "; warnings do not fail jakkg, though a SHACL report with any result says sh:conforms false" if w else ""
            return f"{self.source}: conforms to {self.shapes} ({counts}{policy})"
        records = len({(f.kind, f.item) for f in self.violations})
        return f"{self.source}: does not conform to {self.shapes}: {counts} in {records} record{'s' * (records != 1)}"

    def text(self) -> str:
        """The readable report: one block per record, with its file and line."""
        lines = [self.summary()]
        for (kind, item, file, line), findings in self.groups():
            where = f"  {file}:{line}" if file and line else f"  {file}" if file else ""
            lines.append("")
            lines.append(f"{kind} {item}{where}")
            for f in findings:
                on = f" [at {f.at}]" if f.at else ""
                what = f.path or "(node)"
                if f.value is not None:
                    what += f" = {f.value}"
                lines.append(f"  {f.severity:<9} {what}{on}: {f.message}  <{f.shape}>")
        return "\n".join(lines) + "\n"

    def groups(self) -> list[tuple[tuple[str, str, str | None, int | None], list[Finding]]]:
        """Findings grouped by record, in file and line order; records without a file last."""
        grouped: dict[tuple[str, str, str | None, int | None], list[Finding]] = {}
        for f in self.findings:
            grouped.setdefault((f.kind, f.item, f.file, f.line), []).append(f)
        order = sorted(grouped, key=lambda k: (k[2] is None, k[2] or "", k[3] or 0, k[0], k[1]))
        return [(k, sorted(grouped[k], key=Finding.sort_key)) for k in order]

    def to_json(self) -> str:
        """The machine report: summary counts and every finding with its location."""
        doc = {
            "source": self.source,
            "shapes": self.shapes,
            "conforms": self.conforms,
            "violations": len(self.violations),
            "warnings": len(self.warnings),
            "results": [asdict(f) for _, fs in self.groups() for f in fs],
        }
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

    def to_turtle(self) -> str:
        """The machine report as the standard SHACL validation report in Turtle."""
        return self.results_graph.serialize(format="turtle")


# -- reading ---------------------------------------------------------------
def _position(exc: BaseException, path: Path, fmt: str) -> str:
    """'LINE' or 'LINE:COLUMN' of a parse error, as precisely as the parser tells."""
    if hasattr(exc, "getLineNumber"):  # xml.sax SAXParseException (RDF/XML)
        return f"{exc.getLineNumber()}:{exc.getColumnNumber()}"
    lineno = getattr(exc, "lineno", None)  # json.JSONDecodeError (JSON-LD)
    if isinstance(lineno, int):
        return f"{lineno}:{getattr(exc, 'colno', 0)}"
    lines = getattr(exc, "lines", None)  # rdflib notation3 BadSyntax (Turtle, TriG, N3), 0-based
    if isinstance(lines, int):
        return str(lines + 1)
    if m := re.search(r"\bline (\d+)", str(exc)):
        return m.group(1)
    if fmt in ("nt", "nquads"):  # the line-based parsers do not say which line: find it
        for i, text in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), start=1):
            try:
                Dataset().parse(data=text, format=fmt)
            except Exception:  # noqa: BLE001 - any parser error marks the line
                return str(i)
    return "?"


def _reason(exc: BaseException) -> str:
    """The parser's reason in one line, without the position it repeats."""
    why = getattr(exc, "_why", None) or (exc.getMessage() if hasattr(exc, "getMessage") else None)
    text = str(why or exc).strip()
    text = re.sub(r"^at line \d+ of <[^>]*>:\s*", "", text)
    return " ".join(text.split())[:200] or type(exc).__name__


def read_dataset(path: Path) -> Dataset:
    """Parse any RDF file into a Dataset (a triples file fills the default graph).

    The one reader of the command line: an unusable file is a UsageError
    naming the file, the position the parser stopped at and why.
    """
    from rdflib.util import guess_format

    if not path.is_file():
        raise UsageError(f"{display_path(path)}: file not found (run `jakkg build` first?)")
    fmt = guess_format(str(path))
    if fmt is None:
        raise UsageError(f"{display_path(path)}: unknown RDF format {path.suffix or '(no extension)'!r} "
                         "(use .ttl, .trig, .nt, .nq, .rdf, .owl, .n3 or .jsonld)")
    ds = Dataset(default_union=True)  # queries without GRAPH see every named graph
    try:
        if fmt in DATASET_FORMATS:
            ds.parse(path, format=fmt)
        else:
            ds.default_graph.parse(path, format=fmt)
            for prefix, ns in ds.default_graph.namespaces():
                ds.bind(prefix, ns, override=True, replace=True)
    except Exception as exc:  # noqa: BLE001 - every rdflib parser raises its own kind: all mean "unparseable"
        raise UsageError(f"{display_path(path)}:{_position(exc, path, fmt)}: cannot parse as {fmt}: {_reason(exc)}") from None
    return ds


def read_graph(path: Path) -> Graph:
    """Parse any RDF file into one graph; the named graphs of a dataset are merged."""
    from .export import merged_graph

    return merged_graph(read_dataset(path))


def load_shapes(path: Path | None = None) -> Graph:
    """Parse the shapes file; a Turtle error is a UsageError naming file and line."""
    path = path or default_shapes()
    if not path.is_file():
        raise UsageError(f"{display_path(path)}: shapes file not found")
    try:
        return Graph().parse(path, format="turtle")
    except Exception as exc:  # noqa: BLE001 - any parser error means the shapes cannot be read
        raise UsageError(f"{display_path(path)}:{_position(exc, path, 'turtle')}: shapes file is not valid Turtle: {_reason(exc)}") from None


# -- validating -------------------------------------------------------------
ENGINES = ("turbo", "pyshacl")
DEFAULT_ENGINE = "turbo"
TEXT_FORMATS = {".ttl": "turtle", ".trig": "trig", ".nt": "nt", ".nq": "nquads"}


def _engine(name: str) -> Any:
    """The ``validate`` function of an engine: pyshacl-turbo (Rust, default) or pySHACL (the reference)."""
    if name not in ENGINES:
        raise UsageError(f"unknown SHACL engine {name!r} (one of {', '.join(ENGINES)})")
    if name == "turbo":
        from pyshacl_turbo import validate
    else:
        from pyshacl import validate
    return validate


def _run_engine(data: Any, shapes_graph: Graph, engine: str, use_shapes: list[str] | None,
                shapes_name: str, shapes_path: Path | None) -> Graph:
    """The SHACL results graph of one engine run; a malformed shape is a UsageError naming it."""
    from pyshacl.errors import ReportableRuntimeError

    errors: tuple[type[BaseException], ...] = (ReportableRuntimeError,)
    if engine == "turbo":
        from pyshacl_turbo.errors import ReportableRuntimeError as TurboError

        errors += (TurboError, ValueError)  # pyshacl-turbo reports some malformed shapes as ValueError
    # pySHACL logs a malformed shape to stderr before raising; the error is
    # reported once, below, as one line.
    if engine == "pyshacl" and type(data) is Graph:
        data = _PreparedQueries(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
    log = logging.getLogger("pyshacl-validate")
    was_disabled, log.disabled = log.disabled, True
    try:
        _, results, _ = _engine(engine)(data, shacl_graph=shapes_graph, advanced=False, inference="none",
                                        allow_warnings=True, inplace=isinstance(data, Graph), use_shapes=use_shapes)
    except errors as exc:  # a malformed shape (ShapeLoadError, ConstraintLoadError ...)
        reason = " ".join(str(getattr(exc, "message", exc)).split())[:300]
        where, shape = _locate_bad_shape(shapes_graph, shapes_path)
        raise UsageError(f"{shapes_name}{where}: invalid shape{' ' + shape if shape else 's'}: {reason}") from None
    finally:
        log.disabled = was_disabled
    return results


class _PreparedQueries(Graph):
    """A view of a graph (same store) that parses each SPARQL text once, for pySHACL.

    pySHACL runs a sh:sparql constraint once per focus node and hands rdflib
    the same text each time, with $this as an initial binding; rdflib parses
    it anew each time (about 30 ms). The predicate rules run on every claim
    (36 constraints), which took pySHACL 7 minutes on the seed graph, and
    9 s with each text parsed once. The answers are rdflib's, unchanged.
    """

    def query(self, query_object: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(query_object, str):
            query_object = _prepared_query(query_object)
        return super().query(query_object, *args, **kwargs)


@functools.lru_cache(maxsize=256)
def _prepared_query(text: str) -> Any:
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text)


def validate_graph(graph: Graph, shapes: Graph | None = None, *, source: str = "graph",
                   shapes_name: str | None = None, shapes_path: Path | None = None,
                   only: Iterable[str] | None = None, engine: str = DEFAULT_ENGINE) -> ValidationReport:
    """Run the shapes on an rdflib ``graph`` and locate every result at its record.

    The graph is validated in place (no copy): the shapes contain no rules and
    no inference is asked for, so the engine does not change it. ``only`` runs
    just the named shapes (with the untargeted helper shapes they refer to),
    which lets a test check one shape in milliseconds. ``engine`` picks
    pyshacl-turbo (default) or pySHACL, the reference the tests compare it with.
    """
    shapes_graph = shapes if shapes is not None else load_shapes()
    use_shapes = _with_helpers(shapes_graph, only) if only is not None else None
    results = _run_engine(graph, shapes_graph, engine, use_shapes, shapes_name or DEFAULT_SHAPES_NAME,
                          shapes_path or default_shapes() if shapes is None else shapes_path)
    return _report(results, _Locator(graph), source, shapes_name or DEFAULT_SHAPES_NAME)


def validate_text(text: str, fmt: str, shapes: Graph | None = None, *, source: str = "graph",
                  shapes_name: str | None = None, shapes_path: Path | None = None,
                  engine: str = DEFAULT_ENGINE) -> ValidationReport:
    """Validate RDF text (``nt``, ``nquads``, ``turtle`` or ``trig``; datasets as the merge of their graphs).

    The fast path: pyshacl-turbo parses the text itself, in Rust, so no
    Python object is made per triple. The report's records are located in an
    Oxigraph store of the same text, made only when there are results.
    pySHACL (``engine="pyshacl"``) gets the text parsed by rdflib.
    """
    shapes_graph = shapes if shapes is not None else load_shapes()
    shapes_name = shapes_name or DEFAULT_SHAPES_NAME
    shapes_path = shapes_path or default_shapes() if shapes is None else shapes_path
    if engine == "pyshacl":
        ds = Dataset(default_union=True)
        ds.parse(data=text, format=fmt)
        from .export import merged_graph

        return validate_graph(merged_graph(ds), shapes_graph, source=source, shapes_name=shapes_name,
                              shapes_path=shapes_path, engine=engine)
    from pyshacl_turbo.rdf import Input

    results = _run_engine(Input(text, fmt, None, {}), shapes_graph, engine, None, shapes_name, shapes_path)
    view = _StoreView(text, fmt) if (None, RDF.type, SH.ValidationResult) in results else _StoreView("", "nt")
    return _report(results, _Locator(view), source, shapes_name)


# -- the build's validation: paper by paper, cached, on both cores ------------------
_WORK: dict[str, Any] = {}  # what forked workers read: the built graph, its partitions, the shapes


def validate_built(built: Any, shapes_path: Path | None = None, *, source: str = "graph",
                   engine: str = DEFAULT_ENGINE, jobs: int = 2, cache_dir: Path | None = None) -> ValidationReport:
    """Validate a built corpus paper by paper: each part with the records it refers to as context.

    Each paper's partition (see :meth:`jakkg.build.BuiltGraph.partitions`) is
    validated on its own, on ``jobs`` processes, and keeps the results of its
    own records; the shared records (entities, studies) are one more
    partition. A partition's results are cached under ``cache_dir`` by a
    digest of the engine, the shapes and the partition's lines, so a rebuild
    after editing one paper validates that paper (and the papers that refer
    to it) again, not the corpus. The tests hold the result to pySHACL on the
    whole graph.
    """
    import hashlib
    import multiprocessing

    shapes_path = shapes_path or default_shapes()
    shapes_text = shapes_path.read_text(encoding="utf-8")
    shapes_graph = load_shapes(shapes_path)
    _program(shapes_graph, engine)  # a malformed shape fails here, once, before any worker starts
    if engine == "turbo":  # the workers inherit the split shapes and their compiled core
        _program(_sparql_split(shapes_graph).core, engine)
    partitions = built.partitions()
    salt = f"{engine} {_engine_version(engine)} {hashlib.sha256(shapes_text.encode()).hexdigest()}\n"
    digests = {key: hashlib.sha256((salt + "".join(lines)).encode()).hexdigest() for key, lines in partitions.items()}
    done: dict[str, list[tuple[dict[str, Any], list[list[str]]]]] = {}
    if cache_dir is not None:
        for key, digest in digests.items():
            path = cache_dir / f"{digest}.json"
            if path.is_file():
                done[key] = [(f, t) for f, t in json.loads(path.read_text(encoding="utf-8"))]
    todo = sorted((k for k in partitions if k not in done), key=lambda k: -len(partitions[k]))  # big first
    _WORK.update(built=built, partitions=partitions, shapes=shapes_graph, engine=engine)
    try:
        if jobs > 1 and len(todo) > 1:
            with multiprocessing.get_context("fork").Pool(min(jobs, len(todo))) as pool:
                done.update(zip(todo, pool.map(_validate_partition, todo, chunksize=1)))
        else:
            done.update((key, _validate_partition(key)) for key in todo)
    finally:
        _WORK.clear()
    if cache_dir is not None:
        _store_cache(cache_dir, {digests[k]: done[k] for k in partitions})
    report = _merged_report([done[k] for k in sorted(partitions)], source, DEFAULT_SHAPES_NAME if shapes_path == default_shapes()
                            else display_path(shapes_path))
    report.checked, report.reused = len(todo), len(partitions) - len(todo)
    return report


def _engine_version(engine: str) -> str:
    from importlib.metadata import version

    return version("pyshacl-turbo" if engine == "turbo" else "pyshacl")


_PROGRAMS: dict[tuple[int, str], tuple[Graph, Any]] = {}  # each with its graph, so that its id is not reused


def _program(shapes_graph: Graph, engine: str) -> Any:
    """pyshacl-turbo's compiled shapes, made once per process (34 ms each time otherwise)."""
    if engine != "turbo":
        return None
    key = (id(shapes_graph), engine)
    if key not in _PROGRAMS or _PROGRAMS[key][0] is not shapes_graph:
        from pyshacl_turbo import compile_shapes

        try:
            _PROGRAMS[key] = (shapes_graph, compile_shapes(shapes_graph, advanced=False))
        except Exception as exc:  # noqa: BLE001 - reported as the malformed shape it is
            where, shape = _locate_bad_shape(shapes_graph, default_shapes())
            raise UsageError(f"{DEFAULT_SHAPES_NAME}{where}: invalid shape{' ' + shape if shape else 's'}: "
                             f"{' '.join(str(exc).split())[:300]}") from None
    return _PROGRAMS[key][1]


# -- sh:sparql constraints checked in bulk (issue 10) --------------------------------
# pyshacl-turbo runs a SPARQL constraint once per focus node: the 40 of the
# shapes (36 predicate rules on every claim) were half of the build's
# validation time. Each is asked once per partition instead, on an Oxigraph
# store, with $this a variable restricted to the shape's targets: "has any
# target a solution?". Only the shapes answered yes (none, in a clean build)
# are then run by pyshacl-turbo as before, so every result -- its message,
# value, path, severity -- is still pyshacl-turbo's own; the bulk question
# only decides which shapes need running. It must never say no where a focus
# node has a solution, so it is asked only of queries whose form makes the
# free variable equivalent to SHACL's pre-binding of $this (see
# :func:`_prebinding_safe`), and a shape that could see a literal the store
# keeps otherwise than written is run by the engine (see :func:`_engine_only`);
# the other constraints stay with the engine.
@dataclass(frozen=True)
class _SparqlSplit:
    """The shapes without their bulk-checked sh:sparql constraints, and an ASK query per such shape."""

    shapes: Graph  # the shapes it was made from (kept, so that their id is not reused)
    core: Graph
    checks: tuple[tuple[str, str, _Reach], ...]  # (shape IRI, ASK query over the data, what the query reads)
    predicates: frozenset[str] | None  # the properties the checks name (None: any), whose literals matter (see _engine_only)


_SPLITS: dict[int, _SparqlSplit] = {}


def _sparql_split(shapes_graph: Graph) -> _SparqlSplit:
    """The split of ``shapes_graph``, made once per process (before the workers fork)."""
    key = id(shapes_graph)
    if key not in _SPLITS or _SPLITS[key].shapes is not shapes_graph:
        checks: dict[tuple[str, str], _Reach] = {}
        removed = set()
        for shape, constraint in sorted(shapes_graph.subject_objects(SH.sparql)):
            ask = _bulk_query(shapes_graph, shape, constraint)
            reach = _reach(ask) if ask is not None else None
            if reach is not None and not reach.typed_constants:  # a typed constant stays with the engine (see _Reach)
                checks[(str(shape), ask)] = reach
                removed.add((shape, SH.sparql, constraint))
        core = Graph()
        for prefix, ns in shapes_graph.namespaces():
            core.bind(prefix, ns)
        for triple in shapes_graph:
            if triple not in removed:
                core.add(triple)
        unique = tuple((shape, ask, reach) for (shape, ask), reach in checks.items())
        _SPLITS[key] = _SparqlSplit(shapes_graph, core, unique, _named_predicates(unique))
    return _SPLITS[key]


def _named_predicates(checks: tuple[tuple[str, str, _Reach], ...]) -> frozenset[str] | None:
    """The properties the checks name together; None if one may follow any."""
    named = [reach.predicates for _, _, reach in checks]
    return None if any(p is None for p in named) else frozenset().union(*named)  # type: ignore[arg-type]


def _turbo_results(text: str, store: Any, shapes_graph: Graph) -> Graph:
    """pyshacl-turbo's canonical results on N-Triples ``text``: what the whole shapes report, made cheaper.

    The core shapes run as they are; a bulk-checked SPARQL shape runs only
    when its ASK query finds a target with a solution in ``store`` (the same
    text, loaded in Oxigraph).
    """
    from pyshacl_turbo.rdf import Input

    split = _sparql_split(shapes_graph)
    engine_only = _engine_only(text, split)
    _, results, _ = _program(split.core, "turbo").validate(Input(text, "nt", None, {}), allow_warnings=True)
    canonical = _canonical_results(results)
    flagged = [shape for shape, ask, _ in split.checks if shape in engine_only or store.query(ask)]
    if flagged:
        _, more, _ = _program(shapes_graph, "turbo").validate(Input(text, "nt", None, {}), allow_warnings=True,
                                                              use_shapes=_with_helpers(shapes_graph, flagged))
        canonical = _union_results(canonical, _canonical_results(more))
    return canonical


_STORED: dict[tuple[str, str], tuple[str, str] | None] = {}  # (lexical form, datatype) as written -> as an Oxigraph store gives it back
_XSD_TYPED = re.compile(r'"\^\^<http://www\.w3\.org/2001/XMLSchema#')
_TYPED_LINE = re.compile(r'[^ ]+ <([^<>\s]*)> "((?:[^"\\\n]|\\.)*)"\^\^<(http://www\.w3\.org/2001/XMLSchema#\w+)>')


def _typed_literals(text: str, predicates: frozenset[str] | None) -> list[tuple[str, str, str]] | None:
    """(property, lexical form, datatype) of the N-Triples lines with an XSD-typed literal on one of ``predicates`` (None: any).

    Found from the datatype's fixed text back to the line's start: a scan
    for a fixed string is five times faster than a pattern on every line.
    None if a line with that text does not read as such a triple (say, a
    quote that contains it): the caller then trusts no bulk answer.
    """
    out = []
    for hit in _XSD_TYPED.finditer(text):
        line = _TYPED_LINE.match(text, text.rfind("\n", 0, hit.start()) + 1)
        if line is None:
            return None
        if predicates is None or line.group(1) in predicates:
            out.append(line.groups())
    return out


def _engine_only(text: str, split: _SparqlSplit) -> list[str]:
    """The bulk-checked shapes the engine must run on N-Triples ``text`` whatever the store answers.

    An Oxigraph store keeps numbers, booleans and dates as values:
    "1.50"^^xsd:decimal comes back as "1.5", "98"^^xsd:positiveInteger as
    an xsd:integer, "1"^^xsd:boolean as true; the engine keeps terms as
    written. A query reaches literals only through the properties it names
    (see :func:`_reach`). Through those, two written terms that the store
    makes one could join, or fail a NOT EXISTS, where the engine's do not;
    and a query that reads a literal's form (STR, REGEX, DATATYPE, a
    constant in a pattern ...) could tell a changed literal from the
    written one. Such a shape, on such a text, is left to the engine.
    Comparisons and arithmetic use values, which the store keeps. Each
    distinct literal is tried once, in a scratch store.
    """
    found = _typed_literals(text, split.predicates)
    if found is None:
        return [shape for shape, _, _ in split.checks]
    pairs = {(lexical, datatype) for _, lexical, datatype in found}
    _probe(sorted(pair for pair in pairs if pair not in _STORED))
    changed, merged, by_stored = set(), set(), {}
    for predicate, lexical, datatype in found:
        stored = _STORED[(lexical, datatype)]
        if stored != (lexical, datatype):
            changed.add(predicate)
        if stored is None:
            merged.add(predicate)
        else:
            by_stored.setdefault(stored, {})[(lexical, datatype)] = predicate
    for written in by_stored.values():
        if len(written) > 1:
            merged.update(written.values())
    out = []
    for shape, _, reach in split.checks:
        seen = changed | merged if reach.predicates is None else (changed | merged) & reach.predicates
        if seen & merged or (reach.reads_literals and seen):
            out.append(shape)
    return out


def _probe(pairs: list[tuple[str, str]]) -> None:
    """Record in _STORED how an Oxigraph store gives back each (lexical form, datatype)."""
    from pyoxigraph import Literal as OxLiteral
    from pyoxigraph import NamedNode, Quad, Store

    probe, subject = Store(), NamedNode("urn:jakkg:probe")
    for i, (lexical, datatype) in enumerate(pairs):
        _STORED[(lexical, datatype)] = None  # unless it comes back below (an escape is not decoded here: None)
        if "\\" not in lexical:
            probe.add(Quad(subject, NamedNode(f"urn:jakkg:probe:{i}"), OxLiteral(lexical, datatype=NamedNode(datatype))))
    for quad in probe:
        _STORED[pairs[int(quad.predicate.value.rsplit(":", 1)[1])]] = (quad.object.value, quad.object.datatype.value)


@dataclass(frozen=True)
class _Reach:
    """What a bulk query can see of the data: the properties it names, and whether it reads a literal's form."""

    predicates: frozenset[str] | None  # None: any property (a variable predicate, a negated property set)
    reads_literals: bool
    typed_constants: bool  # a number or ^^ literal in a pattern: the store matches it as a value, the engine as a term


_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
# Functions that read a literal's lexical form, language or datatype, or return a term it chose (MIN, SAMPLE ...).
_READS_FORM = {
    "STR", "LANG", "LANGMATCHES", "DATATYPE", "SAMETERM", "STRDT", "STRLANG", "STRLEN", "SUBSTR", "UCASE", "LCASE",
    "STRSTARTS", "STRENDS", "CONTAINS", "STRBEFORE", "STRAFTER", "ENCODE_FOR_URI", "CONCAT", "REPLACE", "REGEX",
    "MD5", "SHA1", "SHA256", "SHA384", "SHA512", "IRI", "URI", "BNODE", "MIN", "MAX", "SAMPLE", "GROUP_CONCAT",
}
_PATH_SPLIT = re.compile(r"[/|^*+?()]")


def _reach(query: str) -> _Reach:
    """The properties a query names and whether it reads literals' forms (see :func:`_engine_only`), from its tokens.

    Inside graph patterns every IRI and prefixed name counts as a property
    (a superset); a variable between two terms, or after ``;`` or ``[``, is
    a variable predicate, and ``!`` a negated property set: any property.
    A literal or number in a pattern is matched as a term: it reads forms.
    """
    tokens = _tokens(query) or []
    prefixes = {tokens[i + 1]: tokens[i + 2][1:-1] for i in range(len(tokens) - 2) if tokens[i].upper() == "PREFIX"}
    predicates: set[str] | None = set()
    reads, typed = not tokens, not tokens
    for i, token, kind in _walk(tokens):
        if kind == "expr":
            reads = reads or token.upper() in _READS_FORM
            continue
        if token[:1] in ('"', "'") or _NUMBER.fullmatch(token) or token in ("true", "false") or "^^" in token:
            reads = True
            typed = typed or bool(_NUMBER.fullmatch(token)) or "^^" in token
        if "!" in token or (token[:1] in ("?", "$") and _predicate_position(tokens, i)):
            predicates = None
        if predicates is not None:
            iris = _iris(token, prefixes)
            predicates = None if None in iris else predicates | iris  # type: ignore[operator]
    return _Reach(None if predicates is None else frozenset(predicates), reads, typed)


def _iris(token: str, prefixes: dict[str, str]) -> set[str | None]:
    """The IRIs a pattern token names: an IRI, prefixed names (also inside a path), ``a``; None for an unknown prefix."""
    if token.startswith("<") and token.endswith(">"):
        return {token[1:-1]}
    if token == "a":
        return {str(RDF.type)}
    out: set[str | None] = set()
    for piece in _PATH_SPLIT.split(token):
        prefix, colon, local = piece.partition(":")
        if colon and not piece.startswith("_:"):
            out.add(prefixes[prefix + ":"] + local if prefix + ":" in prefixes else None)
    return out


def _is_term(token: str) -> bool:
    return token[:1] in ("<", "?", "$", '"', "'") or ":" in token or token in ("a", "true", "false") or bool(_NUMBER.fullmatch(token))


def _predicate_position(tokens: list[str], i: int) -> bool:
    before, after = tokens[i - 1] if i else "", tokens[i + 1] if i + 1 < len(tokens) else ""
    return (before in (";", "[") or _is_term(before)) and (after in ("[", "(") or _is_term(after))


def _walk(tokens: list[str]) -> Iterable[tuple[int, str, str]]:
    """Each token with where it is: ``pattern`` (graph patterns) or ``expr`` (FILTER, a SELECT's projection)."""
    stack: list[str] = []  # "group", "paren" (in a pattern) or "expr"
    filtering = False  # after FILTER, before its expression or EXISTS group
    for i, token in enumerate(tokens):
        top = stack[-1] if stack else "group"
        upper = token.upper()
        if token == "{":
            stack.append("group")
            filtering = False
        elif token == "}":
            if stack:
                stack.pop()
        elif token == "(":
            stack.append("expr" if top == "expr" or filtering or _in_head(tokens, i) else "paren")
            filtering = False
        elif token == ")":
            if stack:
                stack.pop()
        elif top == "expr" or filtering or _in_head(tokens, i):  # a SELECT's projection names variables, not patterns
            yield i, token, "expr"
        elif upper == "FILTER":
            filtering = True
        elif upper not in ("SELECT", "ASK", "WHERE", "DISTINCT", "REDUCED", "OPTIONAL", "GROUP", "ORDER", "BY", "PREFIX"):
            if i >= 2 and tokens[i - 2].upper() == "PREFIX" or i >= 1 and tokens[i - 1].upper() == "PREFIX":
                continue
            yield i, token, "pattern"


def _in_head(tokens: list[str], i: int) -> bool:
    """Whether ``tokens[i]`` is in a SELECT's projection (before its WHERE or group)."""
    for j in range(i - 1, -1, -1):
        if tokens[j] in ("{", "}") or tokens[j].upper() == "WHERE":
            return False
        if tokens[j].upper() == "SELECT":
            return True
    return False


def _union_results(a: Graph, b: Graph) -> Graph:
    """Two canonical results graphs as one: the same result (same content, same label) once; conforms recomputed."""
    out = Graph()
    for prefix, ns in a.namespaces():
        out.bind(prefix, ns)
    for graph in (a, b):
        for triple in graph:
            if triple[1] != SH.conforms:
                out.add(triple)
    any_result = (None, RDF.type, SH.ValidationResult) in out
    for report in set(out.subjects(RDF.type, SH.ValidationReport)):
        out.add((report, SH.conforms, Literal(not any_result)))
    return out


PREBOUND = ("shapesGraph", "currentShape")  # pre-bound variables besides $this: a query using them stays with the engine


def _bulk_query(shapes: Graph, shape: Any, constraint: Any) -> str | None:
    """An ASK query: does any target of ``shape`` have a solution of ``constraint``'s SELECT? None: not safely askable.

    SHACL-SPARQL (section 5.3) runs the SELECT with $this pre-bound to each
    focus node and $PATH replaced by the shape's path. Asked once with $this
    free and joined with the targets, it finds the same focus nodes when
    :func:`_prebinding_safe` holds. Targets follow SHACL 2.1.3: a class
    target includes the instances of its subclasses (rdfs:subClassOf* in the
    data, as the engine reads it).
    """
    if not isinstance(shape, URIRef) or any(True for _ in shapes.subjects(None, shape)):
        return None  # a shape another shape refers to (sh:node, sh:or ...) is not validated on its own targets only
    selects = list(shapes.objects(constraint, SH.select))
    if len(selects) != 1 or any(True for _ in shapes.objects(constraint, SH.ask)):
        return None
    targets = _target_patterns(shapes, shape)
    if not targets:
        return None
    query = str(selects[0])
    path = shapes.value(shape, SH.path)
    if "$PATH" in query:
        sparql_path = _sparql_path(shapes, path) if path is not None else None
        if sparql_path is None:
            return None
        query = query.replace("$PATH", sparql_path)
    prologue = _prologue(shapes, constraint)
    if prologue is None or any(re.search(rf"[?$]{name}\b", query) for name in PREBOUND):
        return None
    if not _prebinding_safe(prologue + query):
        return None
    return f"{prologue}ASK {{ {{ {' } UNION { '.join(targets)} }} {{ {query} }} }}"


def _target_patterns(shapes: Graph, shape: Any) -> list[str]:
    """A graph pattern per target of ``shape`` binding ?this; [] when it has a target kind this does not cover."""
    patterns = []
    for kind, value in sorted(shapes.predicate_objects(shape)):
        if kind not in TARGETS:
            continue
        if kind == SH.target or isinstance(value, BNode):
            return []
        if kind == SH.targetClass:
            patterns.append(f"?this <{RDF.type}>/<{RDFS.subClassOf}>* {value.n3()}")
        elif kind == SH.targetSubjectsOf:
            patterns.append(f"?this {value.n3()} ?jakkg_target")
        elif kind == SH.targetObjectsOf:
            patterns.append(f"?jakkg_target {value.n3()} ?this")
        else:  # sh:targetNode
            patterns.append(f"VALUES ?this {{ {value.n3()} }}")
    return patterns


def _prologue(shapes: Graph, constraint: Any) -> str | None:
    """The PREFIX lines of the constraint's sh:prefixes (SHACL 5.2.1); None if a declaration is malformed."""
    lines = []
    for ontology in shapes.objects(constraint, SH.prefixes):
        for declaration in shapes.objects(ontology, SH.declare):
            prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
            if prefix is None or namespace is None:
                return None
            lines.append(f"PREFIX {prefix}: <{namespace}>\n")
    return "".join(sorted(set(lines)))


def _sparql_path(shapes: Graph, path: Any) -> str | None:
    """A SHACL property path (SHACL 2.3.1) in SPARQL syntax; None for a form this does not write."""
    if isinstance(path, URIRef):
        return path.n3()
    if (path, RDF.first, None) in shapes:
        parts = [_sparql_path(shapes, p) for p in Collection(shapes, path)]
        return None if None in parts or len(parts) < 2 else "(" + "/".join(parts) + ")"  # type: ignore[arg-type]
    if (inverse := shapes.value(path, SH.inversePath)) is not None:
        inner = _sparql_path(shapes, inverse)
        return None if inner is None else f"(^{inner})"
    if (alternatives := shapes.value(path, SH.alternativePath)) is not None:
        parts = [_sparql_path(shapes, p) for p in Collection(shapes, alternatives)]
        return None if None in parts or len(parts) < 2 else "(" + "|".join(parts) + ")"  # type: ignore[arg-type]
    for prop, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (inner_path := shapes.value(path, prop)) is not None:
            inner = _sparql_path(shapes, inner_path)
            return None if inner is None else f"({inner}){mark}"
    return None


_TOKEN = re.compile(
    r"\s+|#[^\n]*"  # spaces and comments: dropped
    r"|(?P<tok>'''|\"\"\""  # a long string: its end is found below
    r'|"(?:[^"\\\n]|\\.)*"|' r"'(?:[^'\\\n]|\\.)*'"  # short strings
    r'|<[^<>"{}|^`\\\s]*>'  # IRIs
    r"|[?$]\w+|[{}()\[\].;,]"  # variables, brackets, separators
    r"|[^\s{}()\[\].;,'\"#<]+|<=?)"  # keywords, prefixed names, numbers, operators
)
_LONG_STRING = {"'''": re.compile(r"(?:[^'\\]|\\.|'(?!''))*'''", re.DOTALL), '"""': re.compile(r'(?:[^"\\]|\\.|"(?!""))*"""', re.DOTALL)}
_REFUSED = {"MINUS", "BIND", "VALUES", "SERVICE", "GRAPH", "UNION", "LIMIT", "OFFSET", "HAVING", "FROM"}
_PARTS = {"FILTER", "OPTIONAL"}


def _tokens(query: str) -> list[str] | None:
    """SPARQL tokens: strings and IRIs whole, comments and spaces dropped; None for text this does not tokenize."""
    out, i = [], 0
    while i < len(query):
        m = _TOKEN.match(query, i)
        if m is None:
            return None
        token, i = m.group("tok"), m.end()
        if token in _LONG_STRING:
            if (end := _LONG_STRING[token].match(query, i)) is None:
                return None
            token, i = "''", end.end()
        if token:
            out.append(token)
    return out


def _prebinding_safe(query: str) -> bool:
    """Whether $this as a free variable, joined with the targets, gives each focus node the solutions pre-binding gives it.

    It does when every group that names $this binds it with a triple pattern
    before any other part that names it (OPTIONAL is order-sensitive), so
    each solution of the group has $this bound and a FILTER (EXISTS, NOT
    EXISTS ...) sees the value pre-binding gives it; and when a sub-select
    that names $this projects it (SHACL 5.6.1 requires that) and, if it
    aggregates or groups, groups by it (each focus node keeps its own
    aggregate). MINUS, BIND, VALUES, SERVICE, GRAPH, UNION, LIMIT, OFFSET,
    HAVING and FROM anywhere, or solution modifiers on the query, send the
    constraint to the engine instead. A small tokenizer rather than rdflib's
    parser, which takes 45 ms a query (2 s for the shapes, in every build).
    """
    tokens = _tokens(query)
    if tokens is None or any(t.upper() in _REFUSED for t in tokens):
        return False
    i = 0
    while i < len(tokens) and tokens[i].upper() in ("PREFIX", "BASE"):
        i += 3 if tokens[i].upper() == "PREFIX" else 2
    if i >= len(tokens) or tokens[i].upper() != "SELECT":
        return False
    end, safe = _select_safe(tokens, i)
    return safe and end == len(tokens)


def _is_this(token: str) -> bool:
    return token[:1] in ("?", "$") and token[1:] == "this"


def _balanced(tokens: list[str], i: int) -> int:
    """The index after the bracket opened at ``tokens[i]`` closes (any of (), {}, [] nest inside); past the end if none."""
    depth = 0
    for j in range(i, len(tokens)):
        depth += 1 if tokens[j] in ("(", "{", "[") else -1 if tokens[j] in (")", "}", "]") else 0
        if depth == 0:
            return j + 1
    return len(tokens) + 1


def _select_safe(tokens: list[str], i: int) -> tuple[int, bool]:
    """(index after the SELECT at ``i`` and its modifiers, safe?): projects $this bare, groups by it if it aggregates."""
    j, projects, aggregates = i + 1, False, False
    while j < len(tokens) and tokens[j] != "{" and tokens[j].upper() != "WHERE":
        if tokens[j] == "(":
            aggregates, j = True, _balanced(tokens, j)
            continue
        projects = projects or _is_this(tokens[j])
        j += 1
    j += j < len(tokens) and tokens[j].upper() == "WHERE"
    if j >= len(tokens) or tokens[j] != "{":
        return len(tokens) + 1, False
    close = _balanced(tokens, j)
    safe = projects and close <= len(tokens) and _group_safe(tokens[j + 1:close - 1]) is True
    k, grouped = close, aggregates
    while k < len(tokens) and tokens[k] != "}":  # solution modifiers: GROUP BY, ORDER BY
        grouped = grouped or tokens[k].upper() == "GROUP"
        k += 1
    return k, safe and (not grouped or any(_is_this(t) for t in tokens[close:k]))


def _group_safe(tokens: list[str]) -> bool | None:
    """True: the group binds $this before any other part naming it, each such part safe; None: it does not name $this."""
    bound, named, i = False, False, 0
    while i < len(tokens):
        token = tokens[i].upper()
        if token == "FILTER":  # a filter applies to the whole group: $this is bound there if the group binds it
            j = i + 1
            while j < len(tokens) and tokens[j] not in ("(", "{"):
                j += 1  # NOT EXISTS, EXISTS, a function's name
            end = _balanced(tokens, j)
            named = named or any(_is_this(t) for t in tokens[i:end])
            i = end
        elif token == "OPTIONAL" or tokens[i] == "{":
            start = i + (token == "OPTIONAL")
            if start >= len(tokens) or tokens[start] != "{":
                return False
            close = _balanced(tokens, start)
            inner = tokens[start + 1:close - 1]
            if any(_is_this(t) for t in inner):
                if not bound:
                    return False
                if inner[0].upper() == "SELECT":
                    end, safe = _select_safe(inner, 0)
                    if not safe or end != len(inner):
                        return False
                elif _group_safe(inner) is not True:
                    return False
            i = close
        elif tokens[i] in ("}", ")", "]"):
            return False
        else:  # a triples block, up to the next group or keyword: each of its variables is bound
            j = i
            while j < len(tokens) and tokens[j] != "{" and tokens[j].upper() not in _PARTS:
                j = _balanced(tokens, j) if tokens[j] in ("(", "[") else j + 1
            if any(_is_this(t) for t in tokens[i:j]):
                bound = named = True
            i = j
    return bound if named else None


def _validate_partition(key: str) -> list[tuple[dict[str, Any], list[list[str]]]]:
    """The findings of one partition that belong to its own records, each with its result's triples."""
    built, lines, shapes, engine = _WORK["built"], _WORK["partitions"][key], _WORK["shapes"], _WORK["engine"]
    from .build import triple_line

    text = "".join(map(triple_line, lines))
    view = None
    if engine == "turbo":
        view = _StoreView(text, "nt")
        canonical = _turbo_results(text, view.store, shapes)
    else:
        results = _run_engine(Graph().parse(data=text, format="nt"), shapes, engine, None, DEFAULT_SHAPES_NAME, None)
        canonical = _canonical_results(results)
    if (None, RDF.type, SH.ValidationResult) not in canonical:
        return []
    locator = _Locator(view or _StoreView(text, "nt"))
    kept = []
    for result in canonical.subjects(RDF.type, SH.ValidationResult):
        finding = _finding(canonical, result, locator)
        record = locator.locate(canonical.value(result, SH.focusNode))[4]
        owner = built.owner(f"<{record}>") if isinstance(record, URIRef) else None
        if owner == key or owner is None:
            kept.append((asdict(finding), _closure_lines(canonical, result)))
    return sorted(kept, key=lambda k: json.dumps(k, sort_keys=True))  # the cache entry does not depend on the engine's order


def _closure_lines(graph: Graph, node: Any) -> list[list[str]]:
    """A result and the blank nodes it owns (its path) as triples of N3 terms (blank nodes keep their labels)."""
    out, queue, seen = [], [node], set()
    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        for p, o in graph.predicate_objects(current):
            out.append([current.n3(), p.n3(), o.n3()])
            if isinstance(o, BNode) and (o, RDF.type, SH.ValidationResult) not in graph:
                queue.append(o)
    return sorted(out)


def _store_cache(cache_dir: Path, entries: dict[str, list[tuple[dict[str, Any], list[list[str]]]]]) -> None:
    """Keep exactly this build's partitions' results (written atomically; stale entries removed)."""
    from .export import atomic_outputs

    cache_dir.mkdir(parents=True, exist_ok=True)
    with atomic_outputs(cache_dir) as stage:
        for digest, findings in entries.items():
            if not (cache_dir / f"{digest}.json").is_file():
                stage(f"{digest}.json", json.dumps(findings, ensure_ascii=False))
    for stale in cache_dir.glob("*.json"):
        if stale.stem not in entries:
            stale.unlink()


def _merged_report(parts: list[list[tuple[dict[str, Any], list[list[str]]]]], source: str, shapes_name: str) -> ValidationReport:
    """One report of the partitions' findings (a result seen by two partitions counts once)."""
    report = ValidationReport(source=source, shapes=shapes_name)
    from rdflib.util import from_n3

    seen: set[str] = set()
    results = Graph()
    results.bind("sh", SH)
    for part in parts:
        for finding, triples in part:
            key = json.dumps(finding, sort_keys=True)
            if key in seen:
                continue
            seen.add(key)
            report.findings.append(Finding(**finding))
            for triple in triples:
                results.add(tuple(from_n3(term) for term in triple))  # type: ignore[arg-type]
    node = BNode("report")
    results.add((node, RDF.type, SH.ValidationReport))
    results.add((node, SH.conforms, Literal(not report.findings)))  # SHACL: any result, warnings too (see POLICY)
    results.add((node, RDFS.comment, Literal(POLICY)))
    for result in set(results.subjects(RDF.type, SH.ValidationResult)):
        results.add((node, SH.result, result))
    report.results_graph = results
    return report


def _with_helpers(shapes_graph: Graph, only: Iterable[str]) -> list[str]:
    """The named shapes plus the untargeted helper shapes they may refer to.

    pySHACL skips a named shape that use_shapes leaves out even when an
    sh:or refers to it, so the helper shapes (no target) go in too.
    """
    helpers = {str(s) for kind in (SH.NodeShape, SH.PropertyShape) for s in shapes_graph.subjects(RDF.type, kind)
               if isinstance(s, URIRef) and not any((s, t, None) in shapes_graph for t in TARGETS)}
    return sorted(set(only) | helpers)


def _report(results: Graph, locator: _Locator, source: str, shapes_name: str) -> ValidationReport:
    """Findings located at their records, and the SHACL results graph rebuilt deterministically."""
    report = ValidationReport(source=source, shapes=shapes_name)
    for result in results.subjects(RDF.type, SH.ValidationResult):
        report.findings.append(_finding(results, result, locator))
    report.results_graph = _canonical_results(results)
    return report


def _canonical_results(results: Graph) -> Graph:
    """The results graph with blank nodes named by their content, so the report is byte-identical run to run.

    Engines return results in an arbitrary order under fresh blank nodes, and
    the Turtle writer orders blank nodes by label. Each blank node (a result,
    a path it owns) is renamed after a digest of what it says, recursively;
    the report node is ``_:report``.

    ``sh:conforms`` is false whenever the report has a result, warnings
    included, as SHACL 1.0 (section 3.6.1) says and Apache Jena writes;
    pySHACL says true when all results are warnings. jakkg's own policy --
    warnings do not fail the build or ``jakkg validate`` -- is
    :attr:`ValidationReport.conforms`, and the report says so in an
    ``rdfs:comment``.
    """
    import hashlib

    def content(node: Any, stack: tuple[Any, ...]) -> str:
        parts = []
        for p, o in results.predicate_objects(node):
            nested = isinstance(o, BNode) and o not in stack and (o, RDF.type, SH.ValidationResult) not in results
            parts.append(f"{p.n3()} {'[' + content(o, (*stack, o)) + ']' if nested else o.n3() if not isinstance(o, BNode) else ''}")
        return "; ".join(sorted(parts))

    labels: dict[Any, str] = {}
    for node in set(results.all_nodes()):
        if isinstance(node, BNode):
            is_report = (node, RDF.type, SH.ValidationReport) in results
            labels[node] = "report" if is_report else "b" + hashlib.sha256(content(node, (node,)).encode()).hexdigest()[:20]
    out = Graph()
    for prefix, ns in results.namespaces():
        out.bind(prefix, ns)
    any_result = any(True for _ in results.subjects(RDF.type, SH.ValidationResult))
    for s, p, o in results:
        if p == SH.conforms:
            o = Literal(not any_result)
        out.add((BNode(labels[s]) if s in labels else s, p, BNode(labels[o]) if o in labels else o))
    if "report" in labels.values():
        out.add((BNode("report"), RDFS.comment, Literal(POLICY)))
    return out


POLICY = ("sh:conforms follows SHACL: false when any result exists. jakkg's policy: only sh:Violation results fail "
          "`jakkg build` and `jakkg validate`; sh:Warning results are reported and do not.")


def validate_file(path: Path, shapes_path: Path | None = None, engine: str = DEFAULT_ENGINE) -> ValidationReport:
    """Read any RDF file and validate it: what ``jakkg validate FILE`` does.

    Turtle, TriG, N-Triples and N-Quads go to the engine as text; other
    syntaxes (RDF/XML, JSON-LD ...) and unparseable files go through rdflib's
    reader, which reports the position of a syntax error.
    """
    shapes = load_shapes(shapes_path)
    kwargs: dict[str, Any] = {"source": display_path(path), "shapes_path": shapes_path or default_shapes(),
                              "shapes_name": display_path(shapes_path) if shapes_path else DEFAULT_SHAPES_NAME}
    fmt = TEXT_FORMATS.get(path.suffix.lower())
    if fmt is not None and engine == "turbo" and path.is_file():
        text = path.read_text(encoding="utf-8")
        if _parses(text, fmt):
            require_jakkg_data(_text_triples(text, fmt), path)
            return validate_text(text, fmt, shapes, engine=engine, **kwargs)
    graph = read_graph(path)
    require_jakkg_data(graph, path)
    return validate_graph(graph, shapes, engine=engine, **kwargs)


def _ox_format(fmt: str) -> Any:
    """Oxigraph's format for one of TEXT_FORMATS' names (turtle, trig, nt, nquads)."""
    from pyoxigraph import RdfFormat

    return {"turtle": RdfFormat.TURTLE, "trig": RdfFormat.TRIG, "nt": RdfFormat.N_TRIPLES, "nquads": RdfFormat.N_QUADS}[fmt]


def _parses(text: str, fmt: str) -> bool:
    """Whether Oxigraph parses the text (a syntax error is then reported by rdflib, with its position)."""
    from pyoxigraph import parse

    try:
        for _ in parse(text, format=_ox_format(fmt)):
            pass
    except SyntaxError:
        return False
    return True


class _StoreView:
    """The few look-ups the locator makes, on an Oxigraph store of the validated text.

    Values come back as rdflib terms. The store may canonicalize literals
    (``"98"^^xsd:positiveInteger`` reads as an integer 98), which does not
    matter for file names, line numbers and labels.
    """

    def __init__(self, text: str, fmt: str):
        from pyoxigraph import Store

        self.store = Store()
        if text:
            self.store.load(text, format=_ox_format(fmt))
        self.prefixes: dict[str, str] = {}

    @staticmethod
    def _ox(term: Any) -> Any:
        from pyoxigraph import NamedNode

        return NamedNode(str(term)) if isinstance(term, URIRef) else None

    @staticmethod
    def _rdflib(term: Any) -> Any:
        from pyoxigraph import NamedNode

        if isinstance(term, NamedNode):
            return URIRef(term.value)
        if hasattr(term, "datatype"):
            return Literal(term.value, lang=term.language, datatype=None if term.language else URIRef(term.datatype.value))
        return BNode(term.value)

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        s, p, _ = triple
        return self._ox(s) is not None and next(self.store.quads_for_pattern(self._ox(s), self._ox(p), None), None) is not None

    def objects(self, s: Any, p: Any) -> list[Any]:
        if self._ox(s) is None:
            return []
        return sorted(self._rdflib(q.object) for q in self.store.quads_for_pattern(self._ox(s), self._ox(p), None))

    def subjects(self, p: Any, o: Any) -> list[Any]:
        if self._ox(o) is None:
            return []
        return sorted(self._rdflib(q.subject) for q in self.store.quads_for_pattern(None, self._ox(p), self._ox(o)))

    def value(self, s: Any, p: Any) -> Any:
        return next(iter(self.objects(s, p)), None)

    def namespaces(self) -> list[tuple[str, str]]:
        from .build import PREFIXES

        return [(prefix, str(ns)) for prefix, ns in PREFIXES.items()]


def _locate_bad_shape(shapes: Graph, path: Path | None) -> tuple[str, str]:
    """(':LINE', 'jks:Name') of the first shape that SHACL's own shapes reject.

    pySHACL's load errors do not say which shape is wrong; the SHACL-SHACL
    meta-validation does. It takes seconds, so it runs only on this error path.
    """
    from pyshacl.entrypoints import meta_validate

    try:
        _, results, _ = meta_validate(shapes)
    except Exception:  # noqa: BLE001 - best effort: the caller still reports the error itself
        return "", ""
    bad = sorted(str(f) for f in results.objects(None, SH.focusNode) if isinstance(f, URIRef))
    if not bad:
        return "", ""
    node = URIRef(bad[0])
    name = node.n3(shapes.namespace_manager)
    line = ""
    if path is not None and path.is_file():
        text = path.read_text(encoding="utf-8").splitlines()
        for wanted in (re.compile(rf"^\s*{re.escape(name)}(\s|$)"), re.compile(re.escape(name))):
            hit = next((i for i, t in enumerate(text, start=1) if wanted.search(t)), None)
            if hit:
                line = f":{hit}"
                break
    return line, name


def _finding(results: Graph, result: Any, locator: _Locator) -> Finding:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    severity = results.value(result, SH.resultSeverity)
    kind, item, file, line, record = locator.locate(focus)
    return Finding(
        severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
        kind=kind,
        item=item,
        file=file,
        line=line,
        focus=str(focus),
        path=_render_path(results, path, locator.prefixes) if path is not None else None,
        value=(locator.name(value) if isinstance(value, URIRef) else _render_value(value)) if value is not None else None,
        message=_IRI.sub(lambda m: locator.name(URIRef(m.group(0))), messages[0]) if messages else "",
        shape=_short(results.value(result, SH.sourceShape)),
        component=_short(results.value(result, SH.sourceConstraintComponent)),
        at=None if focus == record else locator.name(focus),
    )


class _Locator:
    """Finds the record (claim, cohort, patient, study, entity) a node belongs to."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.cache: dict[Any, tuple[str, str, str | None, int | None, Any]] = {}
        self.prefixes = {**{prefix: str(ns) for prefix, ns in graph.namespaces() if prefix}, **REPORT_PREFIXES}

    def anchor(self, node: Any) -> Any:
        """The nearest node with a curation file: the node itself, its owner, or a quote's body."""
        g, seen, queue = self.graph, set(), [node]
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.add(current)
            if (current, JAKKG.curationFile, None) in g:
                return current
            queue.extend(g.objects(current, OA.hasBody))
            for prop in OWNING_PROPERTIES:
                queue.extend(g.subjects(prop, current))
        return node

    def name(self, node: URIRef) -> str:
        """How a report names a node: an entity by its CURIE, a record by its path, a term by a prefix."""
        if not str(node).startswith(DATA):
            curie = self.graph.value(node, DCTERMS.identifier)
            if isinstance(curie, Literal):
                return str(curie)
        return _local(str(node), self.prefixes)

    def locate(self, node: Any) -> tuple[str, str, str | None, int | None, Any]:
        """Kind, id, file, line and IRI of the record that ``node`` belongs to."""
        if node not in self.cache:
            self.cache[node] = self._locate(node)
        return self.cache[node]

    def _locate(self, node: Any) -> tuple[str, str, str | None, int | None, Any]:
        anchor = self.anchor(node)
        g = self.graph
        file = g.value(anchor, JAKKG.curationFile)
        line = g.value(anchor, JAKKG.curationLine)
        text = str(anchor)
        if text.startswith(DATA):
            head, _, rest = text[len(DATA):].partition("/")
            if head in KINDS and rest:
                item = re.split(r"[#/]", rest)[0]
                kind = KINDS[head]
                record = URIRef(f"{DATA}{kind}/{item}")
                if kind == "study" and file is None:
                    return kind, item, "sources.yaml", None, record
                return kind, item, str(file) if file else None, _int(line), record
        curie = g.value(anchor, DCTERMS.identifier)
        if curie is not None:
            label = g.value(anchor, RDFS_LABEL)
            return "entity", f"{curie}" + (f" ({label})" if label else ""), str(file) if file else "data/entities/", _int(line), anchor
        return "node", self.name(anchor), str(file) if file else None, _int(line), anchor


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


_IRI = re.compile(r"https?://[^\s<>\"{}|\\^`]+[^\s<>\"{}|\\^`.,:;)]")


def _local(iri: str, prefixes: dict[str, str] = REPORT_PREFIXES) -> str:
    """A record by its path under the data namespace (claim/ID/baseline), else a CURIE."""
    return iri[len(DATA):] if iri.startswith(DATA) else _short(URIRef(iri), prefixes)


def _short(node: Any, prefixes: dict[str, str] = REPORT_PREFIXES) -> str:
    """A CURIE with the longest matching prefix, else the full IRI in angle brackets."""
    if node is None:
        return ""
    text = str(node)
    if isinstance(node, BNode):
        return "[]"
    best = max(((p, ns) for p, ns in sorted(prefixes.items()) if text.startswith(ns)), key=lambda x: len(x[1]), default=None)
    if best is not None:
        return f"{best[0]}:{text[len(best[1]):]}"
    return f"<{text}>"


def _render_value(value: Any) -> str:
    if isinstance(value, Literal):
        text = str(value)
        if value.datatype is None or str(value.datatype).endswith("#string"):
            return json.dumps(text if len(text) <= 80 else text[:77] + "...", ensure_ascii=False)
        return text
    return _short(value)


def _render_path(graph: Graph, path: Any, prefixes: dict[str, str]) -> str:
    """A SHACL property path in SPARQL-like syntax: a/b, ^a, (a|b), a*."""
    if isinstance(path, URIRef):
        return _short(path, prefixes)
    if (path, RDF.first, None) in graph:
        return "/".join(_render_path(graph, p, prefixes) for p in Collection(graph, path))
    if (inv := graph.value(path, SH.inversePath)) is not None:
        return "^" + _render_path(graph, inv, prefixes)
    if (alt := graph.value(path, SH.alternativePath)) is not None:
        return "(" + "|".join(_render_path(graph, p, prefixes) for p in Collection(graph, alt)) + ")"
    for prop, mark in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        if (inner := graph.value(path, prop)) is not None:
            return _render_path(graph, inner, prefixes) + mark
    return _short(path, prefixes)


def write_report(content: str, path: Path) -> None:
    """Write a report atomically: a failed write leaves an earlier report whole."""
    from .export import atomic_outputs

    with atomic_outputs(path.parent if str(path.parent) else Path(".")) as stage:
        stage(path.name, content)


def require_jakkg_data(triples: Iterable[tuple[Any, Any, Any]], path: Path) -> None:
    """Refuse RDF with nothing for the shapes to check: an empty file, or triples that are not jakkg's.

    SHACL finds no focus node in such a graph and reports it as conforming;
    "conforms" for a truncated or wrong file would be read as "the data is
    good". jakkg data has records under the data namespace or nodes typed
    with a class of the jakkg vocabulary. ``triples`` are rdflib's or
    Oxigraph's; the scan stops at the first jakkg triple, so it costs nothing
    on jakkg's own files.
    """
    count = 0
    for s, p, o in triples:
        count += 1
        if _iri(s).startswith(DATA) or (_iri(p) == str(RDF.type) and _iri(o).startswith(VOCAB)):
            return
    if count == 0:
        raise UsageError(f"{display_path(path)}: the file holds no triples: nothing to validate")
    raise UsageError(f"{display_path(path)}: {count} triple{'s' if count != 1 else ''}, none about jakkg records "
                     f"(no subject under {DATA}, no node typed with a class of {VOCAB}): nothing to validate")


def _iri(term: Any) -> str:
    """The IRI of an rdflib or Oxigraph named node; '' for anything else."""
    if isinstance(term, URIRef):
        return str(term)
    return term.value if type(term).__name__ == "NamedNode" else ""


def _text_triples(text: str, fmt: str) -> Iterable[tuple[Any, Any, Any]]:
    """The triples of RDF text, parsed by Oxigraph (named graphs merged)."""
    from pyoxigraph import parse

    rdf_format = _ox_format(fmt)
    return ((q.subject, q.predicate, q.object) for q in parse(text, format=rdf_format))
