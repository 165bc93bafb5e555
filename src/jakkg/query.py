"""Ask the graph questions in SPARQL: a library of competency queries and three ways to run them.

The competency queries live in ``queries/*.rq`` inside the package, one
question a file. Each file opens with a comment: the question in plain words
on its first line, an explanation, and a ``Parameters:`` section naming the
variables a user may bind (``?drug  IRI  only this drug ...``). They read
the merged graph (``build/jakdm.ttl``), so they need no ``GRAPH`` clauses and
run unchanged on any SPARQL store.

Three engines give one answer:

- ``rdflib`` (default): pure Python, the reference;
- ``oxigraph``: pyoxigraph's in-memory store, parsed and queried in Rust;
- an HTTP endpoint (``--endpoint URL``), through the SPARQL 1.1 Protocol.

Results are turned into rdflib terms with numeric literals in canonical form
(``27.0``, ``27`` and ``"27"^^xsd:decimal`` all print as 27) and the integer
subtypes (``xsd:nonNegativeInteger`` ...) as ``xsd:integer`` -- which is what
Oxigraph stores them as anyway -- so the engines' outputs can be compared byte
for byte.

Parameters are bound as RDF terms, never pasted into the query text: rdflib
gets ``initBindings``, pyoxigraph ``substitutions`` (SPARQL-dev SEP-0007), and
an HTTP endpoint a trailing ``VALUES`` clause built from the terms' N-Triples
form (the one standard way to send bindings with a query). A value can
therefore never change what a query does.

Safety: a query is checked before it runs. Updates (``LOAD``, ``INSERT``,
``DROP`` ...) are refused, as are ``SERVICE`` (the engine would call another
server) and ``FROM``/``FROM NAMED`` on the embedded engines (rdflib would
fetch the IRI). Embedded queries run in a child process with a time limit and
an audit hook that refuses any network connection; syntax errors are reported
with their line and column.
"""
from __future__ import annotations

import json
import logging
import math
import multiprocessing
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef, Variable
from rdflib.namespace import XSD
from rdflib.term import Identifier

from .errors import JakkgError, UsageError, display_path
from .resources import package_path

ENGINES = ("rdflib", "oxigraph")
FORMATS = ("table", "csv", "tsv", "json")
GRAPH_FILES = {"asserted": "jakdm.ttl", "reasoned": "jakdm-reasoned.ttl"}
DEFAULT_TIMEOUT = 60.0
QUERY_SUFFIXES = (".rq", ".sparql")
STANDARD_PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_INTEGER_TYPES = {
    XSD[t]
    for t in (
        "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "negativeInteger",
        "nonPositiveInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte",
    )
}
_FLOAT_TYPES = {XSD.double, XSD.float}
# Characters an IRI may not contain (RFC 3987 / SPARQL IRIREF); rejecting them
# keeps a parameter from closing its <...> in the VALUES clause sent over HTTP.
_BAD_IRI_CHARS = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
# Tab, line feed and carriage return may be part of a text; other control characters may not.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# SPARQL's ECHAR escapes: the only characters a quoted literal must escape, written without \u
# (which some servers decode before parsing, so \u0022 would end the string).
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_CURIE = re.compile(r"^(?P<prefix>[A-Za-z_][A-Za-z0-9_.-]*)?:(?P<local>[^\s]*)$")
# Tokens that hide words from a keyword search: IRIs, strings, comments.
_SKIPPABLE = re.compile(
    r"<[^<>\"{}|^`\\\x00-\x20]*>"
    r"|\"\"\"(?:[^\"\\]|\\.|\"(?!\"\"))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
    r"|#[^\n]*",
    re.DOTALL,
)


class QueryError(UsageError):
    """A query that cannot or may not be run: syntax error, refused feature, bad parameter (exit 2)."""


class QueryTimeout(JakkgError):
    """A query ran longer than its time limit and was stopped (exit 3)."""

    exit_code = 3


# ---------------------------------------------------------------------------
# The library of named queries
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Parameter:
    """A variable a query lets the user bind, and what it expects."""

    name: str
    kind: str  # "IRI" or "literal"
    description: str


@dataclass(frozen=True)
class NamedQuery:
    """A query file with the question it answers and the parameters it declares."""

    name: str
    path: Path | None
    text: str
    question: str
    parameters: tuple[Parameter, ...] = ()

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


_PARAM_LINE = re.compile(r"^\?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<kind>IRI|literal)\b\s*(?P<description>.*)$")


def parse_header(text: str) -> tuple[str, tuple[Parameter, ...]]:
    """The question (first comment line) and the parameters declared in a query's opening comment."""
    comments: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped.startswith("#"):
            break
        comments.append(stripped[1:].strip())
    question = comments[0] if comments else ""
    params: list[Parameter] = []
    in_params = False
    for line in comments[1:]:
        if line.lower().rstrip(":") == "parameters":
            in_params = True
            continue
        if in_params:
            if m := _PARAM_LINE.match(line):
                params.append(Parameter(m["name"], m["kind"], m["description"].strip()))
            elif line:
                in_params = False
    return question, tuple(params)


def read_query(path: Path, name: str | None = None) -> NamedQuery:
    """Read a query file; its name is the file name without suffix unless given."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"{display_path(path)}: cannot read query file: {exc.strerror}") from None
    except UnicodeDecodeError as exc:  # a binary file, or a query saved in another encoding
        line = exc.object.count(b"\n", 0, exc.start) + 1
        raise QueryError(f"{display_path(path)}:{line}: not a SPARQL text file: byte 0x{exc.object[exc.start]:02x} "
                         f"at offset {exc.start} is not UTF-8") from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise QueryError(f"{display_path(path)}:{line}: not a SPARQL text file: it holds a NUL byte")
    question, params = parse_header(text)
    return NamedQuery(name or Path(path).stem, Path(path), text, question, params)


def query_dir() -> Path:
    """The folder of competency queries shipped with the package."""
    return package_path("queries")


def library() -> dict[str, NamedQuery]:
    """Every bundled competency query, by name, in name order."""
    return {p.stem: read_query(p) for p in sorted(query_dir().glob("*.rq"))}


def find_query(name_or_file: str) -> NamedQuery:
    """A bundled query by name, or a user's query file by path."""
    candidate = Path(name_or_file)
    if candidate.suffix in QUERY_SUFFIXES or candidate.is_file():
        if not candidate.is_file():
            raise QueryError(f"{name_or_file}: query file not found")
        return read_query(candidate)
    queries = library()
    if name_or_file in queries:
        return queries[name_or_file]
    raise QueryError(f"unknown query {name_or_file!r}: not a file, and not one of the bundled queries "
                     f"(`jakkg query --list` shows them)")


# ---------------------------------------------------------------------------
# Checking a query before it runs
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckedQuery:
    """What the checks learnt about a query: its form, variables, prefixes."""

    text: str
    source: str
    form: str  # SELECT, ASK, CONSTRUCT, DESCRIBE
    variables: frozenset[str]
    prefixes: Mapping[str, str]
    has_values_clause: bool
    assigned: frozenset[str] = frozenset()  # variables the query computes (BIND ... AS ?v, (expr AS ?v))
    aggregated: bool = False  # GROUP BY or an aggregate at the top level
    group_keys: frozenset[str] = frozenset()
    star_order: tuple[str, ...] = ()  # SELECT *: the variables in the order the query first names them


def _walk(node: Any) -> Iterable[Any]:
    """Every node of an rdflib parse tree (CompValue / ParseResults / lists)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        yield item
        if isinstance(item, CompValue):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, ParseResults)):
            stack.extend(item)


def keyword_outside_literals(text: str, keyword: str) -> bool:
    """Whether ``keyword`` occurs as a word of the query, not inside an IRI, string or comment."""
    bare = _SKIPPABLE.sub(" ", text)
    return re.search(rf"(?i)(?<![\w:?$]){keyword}(?![\w:])", bare) is not None


def _syntax_message(text: str, line: int, col: int, detail: str, source: str) -> str:
    lines = text.splitlines()
    near = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    detail = " ".join(detail.split())
    if re.fullmatch(r"Expected \{?(Select|Construct|Describe|Ask)Query.*", detail):
        detail = "the query cannot be read from here on"  # pyparsing names the rule it gave up on, not the token
    if len(detail) > 160:
        detail = detail[:157] + "..."
    return f"{source}:{line}:{col}: SPARQL syntax error: {detail}" + (f" (in: {near[:80]!r})" if near else "")


def check_query(text: str, source: str = "<query>", *, embedded: bool = True) -> CheckedQuery:
    """Parse ``text`` and refuse what must not run; raise QueryError saying why.

    ``embedded`` is true for the in-process engines, where FROM / FROM NAMED
    would make rdflib fetch a remote document; a remote store resolves those
    names in its own dataset, so they are allowed there.
    """
    from pyparsing import ParseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
    from rdflib.plugins.sparql.parserutils import CompValue

    if not text.strip():
        raise QueryError(f"{source}: the query is empty")
    try:
        tree = parseQuery(text)
    except ParseException as exc:
        try:
            parseUpdate(text)
        except ParseException:
            pass
        else:
            raise QueryError(f"{source}: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, DROP ...) are refused: "
                             "`jakkg query` only reads the graph, and LOAD would fetch a remote document") from None
        # rdflib's position is where its parser stopped, on a line of the file; Oxigraph's
        # (0.5) points past the end of the text for many errors, so it is not used.
        raise QueryError(_syntax_message(text, exc.lineno, exc.col, str(exc.msg), source)) from None
    if keyword_outside_literals(text, "SERVICE") or any(
        isinstance(n, CompValue) and n.name == "ServiceGraphPattern" for n in _walk(tree)
    ):
        raise QueryError(f"{source}: SERVICE is refused: queries run without network access "
                         "(federate by loading the other data into the same store instead)")
    main = tree[1]
    has_dataset = bool(dict.get(main, "datasetClause"))
    if has_dataset and embedded:
        raise QueryError(f"{source}: FROM / FROM NAMED is refused on the embedded engines: rdflib would fetch "
                         "the IRI from the network; the queries read the merged graph and need no dataset clause")
    try:
        algebra = translateQuery(tree)
    except Exception as exc:  # noqa: BLE001 -- rdflib raises plain Exceptions for semantic errors
        raise QueryError(f"{source}: invalid query: {str(exc).splitlines()[0][:200]}") from None
    form = {"SelectQuery": "SELECT", "AskQuery": "ASK", "ConstructQuery": "CONSTRUCT", "DescribeQuery": "DESCRIBE"}[main.name]
    variables = {str(n) for n in _walk(tree) if isinstance(n, Variable)}
    assigned = {str(n["var"]) for n in _walk(tree) if isinstance(n, CompValue) and n.name == "Bind"}
    assigned |= {str(n["evar"]) for n in _walk(tree) if isinstance(n, CompValue) and n.name == "vars" and dict.get(n, "evar")}
    prefixes = {str(p): str(ns) for p, ns in algebra.prologue.namespace_manager.namespaces()}
    has_values = bool(dict.get(main, "valuesClause"))
    group = dict.get(main, "groupby")
    group_keys = {str(c) for c in (group["condition"] if group else []) if isinstance(c, Variable)}
    aggregated = bool(group) or any(
        isinstance(n, CompValue) and n.name.startswith("Aggregate_") for n in _walk(dict.get(main, "projection") or [])
    )
    star = form == "SELECT" and dict.get(main, "projection") is None
    return CheckedQuery(text, source, form, frozenset(variables), prefixes, has_values,
                        frozenset(assigned), aggregated, frozenset(group_keys),
                        order_of_appearance(text) if star else ())


def order_of_appearance(text: str) -> tuple[str, ...]:
    """The query's variables in the order they first occur, outside IRIs, strings and comments.

    SPARQL leaves the columns of ``SELECT *`` in no particular order: rdflib
    and Oxigraph each pick their own (Oxigraph's is alphabetical). The order
    a reader wrote them in is the one to print.
    """
    seen: dict[str, None] = {}
    for m in re.finditer(r"[?$]([A-Za-z0-9_\u00b7\u00c0-\ufffd]+)", _SKIPPABLE.sub(" ", text)):
        seen.setdefault(m[1], None)
    return tuple(seen)


def in_query_order(result: QueryResult, order: Sequence[str]) -> QueryResult:
    """The result with its columns in ``order`` (variables the order misses keep their place at the end)."""
    if result.form != "SELECT" or not order:
        return result
    rank = {v: i for i, v in enumerate(order)}
    columns = sorted(range(len(result.variables)), key=lambda i: (rank.get(result.variables[i], len(rank)), i))
    return QueryResult("SELECT", tuple(result.variables[i] for i in columns),
                       [tuple(row[i] for i in columns) for row in result.rows])


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------
def known_prefixes(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Prefixes a parameter may use: the graph's own, the standard ones, and the query's."""
    from .build import PREFIXES

    prefixes = {**STANDARD_PREFIXES, **{k: str(v) for k, v in PREFIXES.items()}}
    prefixes.update(extra or {})
    return prefixes


def parse_value(value: str, prefixes: Mapping[str, str], kind: str | None = None) -> Identifier:
    """Turn a command-line value into an RDF term.

    ``<iri>``, an absolute IRI (``https://...``, ``urn:...``) or a CURIE whose
    prefix the query, the graph or the Bioregistry knows (``claim:LC22-C010``,
    ``CHEBI:95341``) becomes an IRI; ``"27"^^xsd:decimal`` or ``"text"@en`` a
    typed or tagged literal; anything else a plain string literal. A
    parameter declared ``IRI`` refuses a value that is not an IRI.
    """
    from .identifiers import expand

    iri: str | None = None
    term: Identifier | None = None
    text = value.strip()
    if text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    elif text.startswith('"'):
        from rdflib import Graph
        from rdflib.namespace import NamespaceManager
        from rdflib.util import from_n3

        nsm = NamespaceManager(Graph(), bind_namespaces="none")
        for p, ns in prefixes.items():
            nsm.bind(p, ns, override=True)
        # rdflib logs a warning for a malformed datatype IRI; check_term below reports it in one line instead
        term_log = logging.getLogger("rdflib.term")
        was_disabled, term_log.disabled = term_log.disabled, True
        try:
            term = from_n3(text, nsm=nsm)
        except Exception:  # noqa: BLE001 -- from_n3 raises many kinds
            term = None
        finally:
            term_log.disabled = was_disabled
        if not isinstance(term, Literal):
            raise QueryError(f"cannot read {value!r} as a literal (write \"text\", \"27\"^^xsd:decimal or \"text\"@en)")
        if term.datatype == XSD.string:  # "x"^^xsd:string is "x" (RDF 1.1); rdflib alone tells them apart
            term = Literal(str(term))
    elif (m := _CURIE.match(text)) and (m["prefix"] or "") in prefixes:
        iri = prefixes[m["prefix"] or ""] + m["local"]
    elif m and m["prefix"] and (expanded := expand(text)) is not None:
        iri = expanded
    elif _SCHEME.match(text) and ("//" in text or text.lower().startswith(("urn:", "mailto:"))):
        iri = text
    if iri is not None:
        if not valid_iri(iri):
            raise QueryError(f"{value!r} is not a valid absolute IRI")
        return URIRef(iri)
    if term is None:
        term = Literal(text)
    if kind == "IRI":
        raise QueryError(f"{value!r} is not an IRI or a CURIE with a known prefix (e.g. CHEBI:95341, claim:LC22-C010, <https://...>)")
    check_term(term, value)
    return term


def valid_iri(iri: str) -> bool:
    """An absolute IRI that can be written between ``<`` and ``>`` without escapes (SPARQL IRIREF)."""
    return bool(_SCHEME.match(iri)) and not _BAD_IRI_CHARS.search(iri) and _utf8(iri)


def _utf8(text: str) -> bool:
    """Whether ``text`` encodes as UTF-8 (a command-line argument may carry undecodable bytes as surrogates)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_term(term: Any, shown: str | None = None) -> None:
    """Refuse a parameter value that is not a well-formed IRI or literal, whatever engine will run it.

    Every position is checked -- the IRI, a literal's datatype IRI, its
    language tag and its text -- because over HTTP the term is written into
    the query's ``VALUES`` clause, and a datatype such as ``<x>) (UNDEF) #``
    would end the clause and change the query. The embedded engines get the
    same refusal, so all three answer alike.
    """
    what = repr(shown if shown is not None else str(term))
    if isinstance(term, URIRef):
        if not valid_iri(str(term)):
            raise QueryError(f"{what} is not a valid absolute IRI")
    elif isinstance(term, Literal):
        if term.datatype is not None and not valid_iri(str(term.datatype)):
            raise QueryError(f"{what}: datatype <{term.datatype}> is not a valid absolute IRI")
        if term.language is not None and not _LANGUAGE_TAG.fullmatch(term.language):
            raise QueryError(f"{what}: {term.language!r} is not a language tag (BCP 47: en, en-GB ...)")
        if not _utf8(str(term)) or _CONTROL_CHARS.search(str(term)):
            raise QueryError(f"{what}: a literal parameter must be text without control characters")
    else:  # blank nodes cannot be sent in VALUES, variables are not values
        raise QueryError(f"{what}: a parameter must be an IRI or a literal, not a {type(term).__name__}")


def _sparql_term(term: Identifier) -> str:
    """A checked IRI or literal in the one spelling SPARQL and N-Triples share, escapes and all.

    Written here rather than by ``Term.n3()`` so that what reaches a remote
    engine does not depend on rdflib's choice of quoting (long strings,
    shortened numbers).
    """
    if isinstance(term, URIRef):
        return f"<{term}>"
    assert isinstance(term, Literal)
    text = '"' + "".join(_ECHAR.get(ch, ch) for ch in str(term)) + '"'
    if term.language:
        return f"{text}@{term.language}"
    if term.datatype is not None and term.datatype != XSD.string:
        return f"{text}^^<{term.datatype}>"
    return text


def bind_parameters(query: NamedQuery, checked: CheckedQuery, pairs: Sequence[str]) -> dict[str, Identifier]:
    """Parse ``NAME=VALUE`` pairs into RDF terms for the query's variables."""
    prefixes = known_prefixes(checked.prefixes)
    bindings: dict[str, Identifier] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        name = name.strip().lstrip("?$")
        if not sep or not name:
            raise QueryError(f"--param {pair!r}: write NAME=VALUE, e.g. --param claim=claim:LC22-C010")
        if name in bindings:
            raise QueryError(f"--param {name}: given twice")
        declared = query.parameter(name)
        if query.parameters and declared is None:
            names = ", ".join(f"?{p.name}" for p in query.parameters)
            raise QueryError(f"query {query.name!r} has no parameter ?{name} (it takes {names})")
        if not query.parameters and name not in checked.variables:
            raise QueryError(f"query {query.name!r} has no variable ?{name} to bind")
        if name in checked.assigned:
            raise QueryError(f"?{name} is computed by query {query.name!r} (BIND or AS) and cannot be bound as a parameter")
        bindings[name] = parse_value(value, prefixes, declared.kind if declared else None)
    return bindings


def values_clause(bindings: Mapping[str, Identifier]) -> str:
    """A trailing SPARQL ``VALUES`` clause for the bindings, each term checked and in N-Triples form."""
    if not bindings:
        return ""
    names = sorted(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise QueryError(f"?{name} is not a SPARQL variable name")
        check_term(bindings[name])
    row = " ".join(_sparql_term(bindings[n]) for n in names)
    return "\nVALUES (" + " ".join(f"?{n}" for n in names) + ") {\n  (" + row + ")\n}\n"


# ---------------------------------------------------------------------------
# Results, normalised across engines
# ---------------------------------------------------------------------------
@dataclass
class QueryResult:
    """A query's answer as rdflib terms: rows for SELECT/CONSTRUCT/DESCRIBE, a boolean for ASK."""

    form: str
    variables: tuple[str, ...] = ()
    rows: list[tuple[Identifier | None, ...]] = field(default_factory=list)
    boolean: bool | None = None

    def sorted_rows(self) -> list[tuple[str, ...]]:
        """Rows as N-Triples strings ('' for unbound), sorted: the engine-independent answer."""
        return sorted(tuple("" if t is None else t.n3() for t in row) for row in self.rows)

    def column(self, name: str) -> list[Identifier | None]:
        i = self.variables.index(name)
        return [row[i] for row in self.rows]


def _decimal_text(d: Decimal) -> str:
    if d == 0:
        return "0"
    return format(d.normalize(), "f")


_DURATION = re.compile(
    r"^(?P<sign>-)?P(?!$)(?:(?P<Y>\d+)Y)?(?:(?P<M>\d+)M)?(?:(?P<W>\d+)W)?(?:(?P<D>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def canonical_duration(lexical: str) -> str | None:
    """The XSD 1.1 canonical form of an xsd:duration (what Oxigraph prints), or None if not valid.

    rdflib keeps a duration as written (P0M) while Oxigraph prints its
    canonical form (PT0S); both become PT0S here. Whole weeks (ISO 8601, not
    XSD, but read by Oxigraph) become days: P9W is P63D. Fractional years or
    months (P1.8Y) are not xsd:duration at all; both engines and the caller
    leave them as written.
    """
    m = _DURATION.match(lexical.strip())
    if not m:
        return None
    months = int(m["Y"] or 0) * 12 + int(m["M"] or 0)
    seconds = (((int(m["W"] or 0) * 7 + int(m["D"] or 0)) * 24 + int(m["h"] or 0)) * 60 + int(m["m"] or 0)) * 60 + Decimal(m["s"] or 0)
    if months == 0 and seconds == 0:
        return "PT0S"
    out = "-P" if m["sign"] else "P"
    years, months = divmod(months, 12)
    out += (f"{years}Y" if years else "") + (f"{months}M" if months else "")
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    out += f"{int(days)}D" if days else ""
    if hours or minutes or secs:
        out += "T" + (f"{int(hours)}H" if hours else "") + (f"{int(minutes)}M" if minutes else "")
        out += f"{_decimal_text(Decimal(secs))}S" if secs else ""
    return out


def canonical(term: Identifier | None) -> Identifier | None:
    """The same term in one spelling: numbers canonical, xsd:string as plain literal, lower-case tags."""
    if not isinstance(term, Literal):
        return term
    lexical, datatype, lang = str(term), term.datatype, term.language
    try:
        if datatype in _INTEGER_TYPES:
            return Literal(str(int(lexical.strip())), datatype=XSD.integer)
        if datatype == XSD.decimal:
            return Literal(_decimal_text(Decimal(lexical.strip())), datatype=datatype)
        if datatype in _FLOAT_TYPES:
            value = float(lexical.strip())
            return Literal("NaN" if math.isnan(value) else repr(value), datatype=datatype)
        if datatype == XSD.boolean:
            return Literal({"1": "true", "0": "false"}.get(lexical.strip(), lexical.strip()), datatype=datatype)
        if datatype == XSD.duration:
            return Literal(canonical_duration(lexical) or lexical, datatype=datatype, normalize=False)
    except (ValueError, InvalidOperation):
        return Literal(lexical, datatype=datatype, normalize=False)
    if datatype == XSD.string:
        return Literal(lexical)
    if lang:
        return Literal(lexical, lang=lang.lower())
    return Literal(lexical, datatype=datatype, normalize=False)


# ---------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------
def _rdf_format(path: Path) -> str:
    from rdflib.util import guess_format

    fmt = guess_format(str(path))
    if fmt is None:
        raise QueryError(f"{display_path(path)}: unknown RDF format (use .ttl, .nt, .trig, .nq)")
    return fmt


class RdflibEngine:
    """The reference engine: rdflib's SPARQL over a graph parsed in memory."""

    name = "rdflib"

    def __init__(self, path: Path):
        import rdflib
        import rdflib.plugins.sparql as rdflib_sparql
        from rdflib import Dataset, Graph

        rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # never fetch a FROM / FROM NAMED document
        fmt = _rdf_format(path)
        self.graph: Graph = Dataset(default_union=True) if fmt in ("trig", "nquads") else Graph()
        # Keep literals as written: rdflib's normalisation goes through isodate,
        # which reads the duration P1.8Y as one year.
        normalize, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
        try:
            self.graph.parse(str(path), format=fmt)
        except Exception as exc:  # noqa: BLE001
            raise QueryError(f"{display_path(path)}: cannot parse as {fmt}: {str(exc).splitlines()[0][:200]}") from None
        finally:
            rdflib.NORMALIZE_LITERALS = normalize

    def run(self, text: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        result = self.graph.query(text, initBindings=dict(bindings or {}))
        if result.type == "ASK":
            return QueryResult("ASK", boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            rows = [tuple(canonical(t) for t in triple) for triple in result.graph]  # type: ignore[union-attr]
            return QueryResult(result.type, ("subject", "predicate", "object"), rows)
        variables = tuple(str(v) for v in result.vars or ())
        rows = [tuple(canonical(row[i]) for i in range(len(variables))) for row in result]  # type: ignore[index]
        return QueryResult("SELECT", variables, rows)


def _from_oxigraph(term: Any) -> Identifier | None:
    import pyoxigraph as ox

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return canonical(Literal(term.value, lang=term.language))
        return canonical(Literal(term.value, datatype=URIRef(term.datatype.value)))
    raise QueryError(f"unsupported term in result: {term!r}")


def _to_oxigraph(term: Identifier) -> Any:
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise QueryError(f"cannot bind {term!r}")


class OxigraphEngine:
    """The fast embedded engine: pyoxigraph's in-memory store, parsed in Rust."""

    name = "oxigraph"

    def __init__(self, path: Path):
        import pyoxigraph as ox

        fmt = _rdf_format(path)
        formats = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "trig": ox.RdfFormat.TRIG,
                   "nquads": ox.RdfFormat.N_QUADS, "xml": ox.RdfFormat.RDF_XML, "json-ld": ox.RdfFormat.JSON_LD}
        if fmt not in formats:
            raise QueryError(f"{display_path(path)}: oxigraph cannot read {fmt}")
        if fmt not in ("trig", "nquads"):  # the build's store of this very file, if any: no parse (jakkg.store)
            from .store import open_store

            if (published := open_store(path)) is not None:
                self.store = published
                return
        self.store = ox.Store()
        try:
            self.store.bulk_load(path=str(path), format=formats[fmt])
        except (SyntaxError, ValueError, OSError) as exc:
            raise QueryError(f"{display_path(path)}: cannot parse as {fmt}: {str(exc).splitlines()[0][:200]}") from None
        if fmt in ("trig", "nquads"):
            # Copy the named graphs' triples into the default graph, once each: Oxigraph's
            # union-default-graph option would repeat a triple that several graphs share.
            self.store.update("INSERT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")

    def run(self, text: str, bindings: Mapping[str, Identifier] | None = None) -> QueryResult:
        import pyoxigraph as ox

        substitutions = {ox.Variable(k): _to_oxigraph(v) for k, v in (bindings or {}).items()}
        result = self.store.query(text, substitutions=substitutions or None)
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ASK", boolean=bool(result))
        if isinstance(result, ox.QueryTriples):
            rows = [(_from_oxigraph(t.subject), _from_oxigraph(t.predicate), _from_oxigraph(t.object)) for t in result]
            return QueryResult("CONSTRUCT", ("subject", "predicate", "object"), rows)
        variables = tuple(v.value for v in result.variables)
        rows = [tuple(_from_oxigraph(solution[v]) for v in variables) for solution in result]
        return QueryResult("SELECT", variables, rows)


class HttpEngine:
    """A SPARQL 1.1 Protocol endpoint (Oxigraph server, Fuseki, GraphDB ...), queried with requests."""

    name = "http"

    def __init__(self, endpoint: str, timeout: float | None = DEFAULT_TIMEOUT):
        if not re.match(r"^https?://", endpoint):
            raise QueryError(f"--endpoint {endpoint!r}: expected an http:// or https:// URL")
        self.endpoint = endpoint
        self.timeout = timeout

    def run(self, text: str, bindings: Mapping[str, Identifier] | None = None, form: str = "SELECT") -> QueryResult:
        import requests

        body = text if not bindings else text.rstrip() + "\n" + values_clause(bindings)
        graph_result = form in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_result else "application/sparql-results+json"
        try:
            response = requests.post(
                self.endpoint,
                data={"query": body},
                headers={"Accept": accept},
                timeout=self.timeout,
            )
        except requests.Timeout:
            raise QueryTimeout(f"{self.endpoint}: no answer within {self.timeout:g} s") from None
        except requests.RequestException as exc:
            raise QueryError(f"{self.endpoint}: cannot reach the SPARQL endpoint: {exc.__class__.__name__}: {str(exc)[:200]}") from None
        if response.status_code != 200:
            raise QueryError(f"{self.endpoint}: HTTP {response.status_code}: {response.text.strip()[:300]}")
        if graph_result:
            from rdflib import Graph

            g = Graph().parse(data=response.text, format="nt")
            return QueryResult(form, ("subject", "predicate", "object"), [tuple(canonical(t) for t in tr) for tr in g])
        return parse_sparql_json(response.text)


def parse_sparql_json(text: str) -> QueryResult:
    """Read SPARQL 1.1 Query Results JSON into a QueryResult."""
    doc = json.loads(text)
    if "boolean" in doc:
        return QueryResult("ASK", boolean=bool(doc["boolean"]))
    variables = tuple(doc["head"].get("vars", []))
    rows = []
    for binding in doc["results"]["bindings"]:
        row = []
        for v in variables:
            cell = binding.get(v)
            if cell is None:
                row.append(None)
            elif cell["type"] == "uri":
                row.append(URIRef(cell["value"]))
            elif cell["type"] == "bnode":
                row.append(BNode(cell["value"]))
            elif "xml:lang" in cell:
                row.append(canonical(Literal(cell["value"], lang=cell["xml:lang"])))
            else:
                dt = cell.get("datatype")
                row.append(canonical(Literal(cell["value"], datatype=URIRef(dt) if dt else None)))
        rows.append(tuple(row))
    return QueryResult("SELECT", variables, rows)


def make_engine(engine: str, path: Path) -> RdflibEngine | OxigraphEngine:
    if engine == "rdflib":
        return RdflibEngine(path)
    if engine == "oxigraph":
        return OxigraphEngine(path)
    raise QueryError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")


# ---------------------------------------------------------------------------
# Running with a time limit and without network
# ---------------------------------------------------------------------------
_NETWORK_EVENTS = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr",
                   "urllib.Request", "http.client.connect")


def _deny_network(event: str, args: tuple[Any, ...]) -> None:
    """Audit hook of the query worker: any attempt to reach the network fails."""
    if event in _NETWORK_EVENTS:
        raise PermissionError(f"network access refused while running a query ({event})")


def _worker(conn: Any, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Body of the query process: no network, run ``target``, send back its result or error."""
    try:
        sys.addaudithook(_deny_network)
        conn.send(("ok", target(*args)))
    except JakkgError as exc:
        conn.send(("error", str(exc)))
    except BaseException as exc:  # noqa: BLE001 -- report anything to the parent, which exits cleanly
        detail = str(exc).splitlines()[0][:300] if str(exc) else ""
        conn.send(("error", f"the query failed: {exc.__class__.__name__}: {detail}"))
    finally:
        conn.close()


def run_in_worker(target: Callable[..., Any], *args: Any, timeout: float) -> Any:
    """Run ``target(*args)`` in a child process without network; stop it after ``timeout`` seconds.

    A thread cannot be stopped and rdflib's evaluation cannot be interrupted,
    so the query gets a process of its own (forked where the platform allows,
    so it starts in milliseconds), which is killed when time is up. The child
    installs an audit hook that refuses sockets and URL requests, so even a
    query that slipped past :func:`check_query` cannot reach the network from
    Python code.
    """
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_worker, args=(sender, target, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was stopped "
                               "(raise --timeout if it is expected to be slow)")
        try:
            status, payload = receiver.recv()
        except EOFError:
            raise QueryError(f"the query process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if status != "ok":
        raise QueryError(payload)
    return payload


def _load_and_run(engine: str, path: Path, text: str, bindings: Mapping[str, Identifier]) -> QueryResult:
    return make_engine(engine, path).run(text, bindings)


def graph_path(build_dir: Path, graph: str) -> Path:
    """The file of the asserted (jakdm.ttl) or reasoned (jakdm-reasoned.ttl) graph."""
    if graph not in GRAPH_FILES:
        raise QueryError(f"unknown graph {graph!r} (one of {', '.join(GRAPH_FILES)})")
    path = Path(build_dir) / GRAPH_FILES[graph]
    if not path.is_file():
        hint = "run `jakkg build`" if graph == "asserted" else "run `jakkg reason`"
        raise QueryError(f"{display_path(path)}: file not found ({hint} first)")
    return path


def run_query(
    query: NamedQuery,
    *,
    params: Sequence[str] = (),
    bindings: Mapping[str, Identifier] | None = None,
    engine: str = "rdflib",
    source: Path | None = None,
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> tuple[QueryResult, CheckedQuery]:
    """Check a query, bind its parameters and run it on one engine or an endpoint."""
    where = display_path(query.path) if query.path else query.name
    checked = check_query(query.text, where, embedded=endpoint is None)
    bound = dict(bindings or {})
    bound.update(bind_parameters(query, checked, params))
    for term in bound.values():
        check_term(term)
    if endpoint:
        if bound and checked.has_values_clause:
            raise QueryError(f"{where}: the query ends with its own VALUES clause, so parameters cannot be sent to an endpoint")
        loose = sorted(n for n in bound if checked.aggregated and n not in checked.group_keys)
        if loose:
            # A trailing VALUES is joined after grouping: it can only restrict a group key.
            raise QueryError(f"{where}: over HTTP a parameter of a grouped query must be a GROUP BY variable "
                             f"(not {', '.join('?' + n for n in loose)})")
        result = HttpEngine(endpoint, timeout).run(query.text, bound, checked.form)
        return in_query_order(result, checked.star_order), checked
    if source is None:
        raise QueryError("no graph to query: give a graph file or an --endpoint")
    if engine not in ENGINES:
        raise QueryError(f"unknown engine {engine!r} (one of {', '.join(ENGINES)})")
    if timeout:
        result = run_in_worker(_load_and_run, engine, source, query.text, bound, timeout=timeout)
    else:
        result = make_engine(engine, source).run(query.text, bound)
    return in_query_order(result, checked.star_order), checked


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------
def _plain(term: Identifier | None) -> str:
    """SPARQL 1.1 CSV form: IRIs and literals as their text, blank nodes as _:label."""
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _compact(term: Identifier | None, prefixes: Sequence[tuple[str, str]]) -> str:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        iri = str(term)
        for prefix, ns in prefixes:
            if iri.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_.\-]*", iri[len(ns):] or ""):
                return f"{prefix}:{iri[len(ns):]}"
        return f"<{iri}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def render(result: QueryResult, fmt: str, prefixes: Mapping[str, str] | None = None) -> str:
    """Format a result as an aligned table, SPARQL CSV, SPARQL TSV or SPARQL JSON."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if result.form == "ASK":
        value = "true" if result.boolean else "false"
        if fmt == "json":
            return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
        return ("?boolean\n" if fmt == "tsv" else "boolean\n" if fmt == "csv" else "") + value + "\n"
    if fmt == "csv":
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(result.variables)
        for row in result.rows:
            writer.writerow([_plain(t) for t in row])
        return out.getvalue()
    if fmt == "tsv":
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join("" if t is None else t.n3() for t in row) for row in result.rows]
        return "\n".join(lines) + "\n"
    if fmt == "json":
        bindings = []
        for row in result.rows:
            binding: dict[str, dict[str, str]] = {}
            for var, term in zip(result.variables, row):
                if term is None:
                    continue
                if isinstance(term, URIRef):
                    binding[var] = {"type": "uri", "value": str(term)}
                elif isinstance(term, BNode):
                    binding[var] = {"type": "bnode", "value": str(term)}
                else:
                    cell = {"type": "literal", "value": str(term)}
                    if term.language:
                        cell["xml:lang"] = term.language
                    elif term.datatype:
                        cell["datatype"] = str(term.datatype)
                    binding[var] = cell
            bindings.append(binding)
        doc = {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    # table: CURIEs where a prefix fits, longest namespace first
    ordered = sorted(known_prefixes(prefixes).items(), key=lambda kv: (-len(kv[1]), kv[0]))
    cells = [[_compact(t, ordered).replace("\n", " ") for t in row] for row in result.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
    lines = ["  ".join(v.ljust(w) for v, w in zip(result.variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(lines) + "\n"


def list_queries(queries: Mapping[str, NamedQuery] | None = None) -> str:
    """The bundled queries' names, questions and parameters, for `jakkg query --list`."""
    queries = library() if queries is None else queries
    width = max((len(n) for n in queries), default=0)
    lines = []
    for name, q in queries.items():
        lines.append(f"{name:<{width}}  {q.question}")
        for p in q.parameters:
            lines.append(f"{'':<{width}}    --param {p.name}=...  ({p.kind}) {p.description}")
    return "\n".join(lines) + "\n"
