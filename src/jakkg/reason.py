"""OWL reasoning over the built graph: HermiT (bundled with owlready2) on the
jakkg ontology and the graph's entity-level facts.

What the reasoner sees
    The ontology (``ontology/jakkg.ttl`` + ``ontology/jakkg-axioms.ttl``) and
    the *entity-level facts* of the graph: the entities (drugs, genes,
    pathways, diseases ..., cohorts and patients) with their category types,
    the plain triples between them (the asserted triple of every non-negated
    claim, and the shared graph's cohort and patient links), and the data
    values of properties the ontology constrains (a patient's age, sex).
    Claim nodes, quotes and statistics are left out: they are what makes
    the graph large, and the ontology says nothing about them. Facts are a
    *set*, so a thousand claims that say "baricitinib inhibits JAK2" are one
    fact; reasoning cost grows with entities and distinct facts, not claims.

Patients and cohorts: bounded by their kinds, not by papers
    Each paper brings its own patients and cohorts, so they are most of the
    individuals of a large corpus, and classifying them (with property
    values) is what made HermiT's time grow with papers. They are not given
    to the classifying run. HermiT runs twice, side by side:
      - a consistency check (no classification) on everything, as before:
        a contradiction anywhere, patients included, is still found and
        explained with the same messages;
      - a classification of the entities, the target lists, the
        *footprint* of the patients and cohorts on the entities (for each of
        their relations with an entity, the entity's class by the
        relation's range or domain: entailed by the graph) and one
        *representative* per kind of patient or cohort (same asserted
        classes, same properties in the same directions, each relation to
        a fresh individual). Each patient or cohort takes the classes of its
        representative; its relations are the asserted ones closed under
        inverses and symmetry.
    This concludes exactly what one run on everything concludes when
    patients and cohorts reach the rest of the graph only through the
    domains and ranges of their properties and no two individuals can be
    made equal: :func:`derivation_problem` checks those conditions on the
    ontology and the facts (for jakkg's ontology they hold), and when one
    fails, everything goes to one run, which stays available as the
    reference (``single=True``) that the tests compare with. A small graph
    (under SINGLE_RUN_UP_TO triples for HermiT, such as the five seed
    papers) goes to one run too: there a second JVM costs more than it saves.

Reading and writing
    The built graph is parsed once, by Oxigraph (pyoxigraph, about 1M
    triples/s), into N-Triples lines in a scratch file; the lines whose
    predicates the stage queries (half of them) are bulk-loaded into a
    store, and the facts come from a few graph-wide SELECT DISTINCT
    queries; the store is freed before HermiT runs. Meanwhile
    ``LC_ALL=C sort -u`` sorts all the lines file to file in bounded memory,
    in its own process, and jakdm-reasoned.ttl merges the inferred lines
    into its result (:func:`read_asserted`, :func:`write_sorted_turtle`; a
    Python merge of sorted runs without sort(1)). rdflib only holds the
    ontology and the input of HermiT.

The consistency check stays linear
    Cohorts with different ids are different cohorts. Said with one
    owl:AllDifferent, HermiT made that n(n-1)/2 inequalities (34M at 100k
    claims: out of heap); each cohort gets its own value of a fresh
    functional data property instead, which entails the same
    (:func:`distinct_cohorts`).

Per-paper target profiles
    Open world: HermiT cannot conclude "inhibits no other JAK" from a list of
    targets, because another paper may add one. jakkg states what each paper
    says as a *target profile*: one individual per (paper, drug) whose JAK
    targets are exactly the JAKs that paper says the drug inhibits (a
    closure axiom ``inhibits only (not JanusKinase or {listed JAKs})``). Its
    other targets stay open. So tofacitinib is a JAK1/2 inhibitor under
    paper 000 (JAK1/2/3) and a JAK2-sparing JAK1/3 inhibitor under paper 001
    (JAK1/3), and the union of the papers never yields "selective".
    A profile is not linked to its drug or paper, so profiles that list the
    same targets get the same classes: HermiT gets one individual and one
    closure axiom per distinct target list (:class:`TargetList`), and each
    paper's profile takes its list's classes.

What comes out
    ``jakdm-inferred.ttl``: only triples the asserted graph does not have,
    each also reified as a ``jakkg:InferredStatement`` (rdf:subject,
    rdf:predicate, rdf:object) so that SPARQL can keep or drop them;
    ``jakdm-reasoned.ttl``: the asserted triples plus those. Both are sorted
    Turtle without blank nodes (byte-identical for the same input) and are
    written atomically (:func:`jakkg.export.atomic_outputs`).

When HermiT says the graph is inconsistent, :func:`explain` names the
individuals and the axioms: disjoint categories (asserted types, domains,
ranges), functional properties with two values, and otherwise a minimal set
of contradictory facts found by QuickXplain (Junker 2004) with HermiT.
"""
from __future__ import annotations

import hashlib
import io
import itertools
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from itertools import combinations
from operator import attrgetter
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from .errors import JakkgError, UsageError, display_path
from .export import atomic_outputs
from .identifiers import DATA, VOCAB
from .resources import package_path

JAKKG = Namespace(VOCAB)
JAKDM = Namespace(DATA)
BIOLINK = Namespace("https://w3id.org/biolink/vocab/")
OBO = Namespace("http://purl.obolibrary.org/obo/")
INHIBITS = OBO.RO_0002449
DRUG = BIOLINK.Drug
ENTITY_GROUPS = (JAKKG.Cohort, JAKKG.Patient)
ACTIVITY = JAKDM["reasoning/hermit"]
INFERRED_FILE = "jakdm-inferred.ttl"
REASONED_FILE = "jakdm-reasoned.ttl"
ONTOLOGY_FILES = ("jakkg.ttl", "jakkg-axioms.ttl")
PREFIX_DECLARATION = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE)
JAVA_HINT = "Java 11+ is needed for reasoning; install it with e.g. `apt-get install default-jre-headless`"
MAX_EXPLAIN_CHECKS = 80  # HermiT runs QuickXplain may spend on one explanation
MAX_PROFILE_LINES = 30  # above this, the summary counts papers per drug and class set instead of listing each
# Datatypes of the OWL 2 datatype map that jakkg uses; HermiT rejects others
# (xsd:duration, xsd:gYear), so values of those types are not given to it.
OWL2_DATATYPES = {XSD.decimal, XSD.integer, XSD.nonNegativeInteger, XSD.positiveInteger, XSD.int, XSD.long,
                  XSD.boolean, XSD.string, XSD.double, XSD.float, XSD.dateTime, XSD.anyURI, RDF.langString}


class InconsistentGraph(JakkgError):
    """The graph contradicts the ontology; carries one line per contradiction."""

    exit_code = 1

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


# ---------------------------------------------------------------------------
# The ontology
# ---------------------------------------------------------------------------
def default_ontology_files() -> list[Path]:
    """The packaged ontology: vocabulary (jakkg.ttl) and axioms (jakkg-axioms.ttl)."""
    return [package_path("ontology", name) for name in ONTOLOGY_FILES]


@dataclass
class Ontology:
    """The ontology files as one rdflib graph, remembering which file said what."""

    graph: Graph
    files: dict[Path, Graph]
    prefixes: dict[str, str] = field(default_factory=dict)  # as the files declare them (rdflib adds its own)

    def file_of(self, triple: tuple[Node, Node, Node]) -> str:
        return next((p.name for p, g in self.files.items() if triple in g), "?")

    def iris(self) -> list[URIRef]:
        return sorted(s for s in self.graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))


def load_ontology(paths: Iterable[Path] | None = None) -> Ontology:
    """Parse the ontology Turtle files; a corrupt file is a UsageError naming file, line and column."""
    files: dict[Path, Graph] = {}
    prefixes: dict[str, str] = {}
    merged = Graph()
    for path in list(paths or default_ontology_files()):
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{display_path(path)}: cannot read ontology: {getattr(exc, 'strerror', None) or exc}") from None
        g = Graph()
        try:
            g.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
        except Exception as exc:  # noqa: BLE001 - rdflib raises BadSyntax and others; all mean "not Turtle"
            raise UsageError(f"{display_path(path)}:{_syntax_position(exc, text)} invalid Turtle: {_syntax_reason(exc)}") from None
        files[path] = g
        for prefix, ns in g.namespaces():
            merged.bind(prefix, ns, override=False)
        merged += g
        for prefix, ns in PREFIX_DECLARATION.findall(text):
            prefixes.setdefault(prefix, ns)
    return Ontology(merged, files, {p: ns for p, ns in prefixes.items() if p})


def _syntax_position(exc: Exception, text: str) -> str:
    """'line:column:' of a Turtle syntax error, from rdflib's BadSyntax offsets."""
    where, offset = getattr(exc, "_str", None), getattr(exc, "_i", None)
    if not isinstance(offset, int):
        return ""
    doc = where.decode("utf-8", "replace") if isinstance(where, bytes) else (where or text)
    line = doc.count("\n", 0, offset) + 1
    column = offset - (doc.rfind("\n", 0, offset) + 1) + 1
    return f"{line}:{column}:"


def _syntax_reason(exc: Exception) -> str:
    why = getattr(exc, "_why", None)
    if not why:
        lines = str(exc).strip().splitlines()
        why = lines[0] if lines else type(exc).__name__
    return str(why)[:200]


@dataclass
class Schema:
    """What the reasoner and the explanations need to know about the ontology."""

    classes: set[URIRef]
    categories: set[URIRef]  # entity category classes (curation keys) + cohort, patient
    object_properties: set[URIRef]
    data_properties: set[URIRef]
    functional: set[URIRef]
    janus_kinases: list[URIRef]

    @classmethod
    def of(cls, onto: Ontology) -> Schema:
        from .vocab import vocabulary_from_graph

        g = onto.graph
        named = lambda kind: {s for s in g.subjects(RDF.type, kind) if isinstance(s, URIRef)}
        vocab = vocabulary_from_graph(g)
        functional = named(OWL.FunctionalProperty)
        data = {p for p in named(OWL.DatatypeProperty) if p in functional or g.value(p, RDFS.domain) is not None}
        return cls(
            classes=named(OWL.Class),
            categories=set(vocab.categories.values()) | set(ENTITY_GROUPS),
            object_properties=named(OWL.ObjectProperty),
            data_properties=data,
            functional=functional,
            janus_kinases=sorted(s for s in g.subjects(RDF.type, JAKKG.JanusKinase) if isinstance(s, URIRef)),
        )


# ---------------------------------------------------------------------------
# The asserted graph, read by Oxigraph
# ---------------------------------------------------------------------------
# File suffixes Oxigraph reads; anything else goes through rdflib (validate.read_dataset).
OXIGRAPH_FORMATS = {".trig": "TRIG", ".ttl": "TURTLE", ".nt": "N_TRIPLES", ".nq": "N_QUADS", ".n3": "N3",
                    ".rdf": "RDF_XML", ".owl": "RDF_XML", ".jsonld": "JSON_LD"}
SPARQL_PREFIXES = (f"PREFIX rdf: <{RDF}> PREFIX rdfs: <{RDFS}> PREFIX dcterms: <{DCTERMS}> "
                   f"PREFIX jakkg: <{JAKKG}> PREFIX obo: <{OBO}>\n")
CORE_PREFIXES = {"rdf", "rdfs", "xsd", "owl"}


@dataclass
class Asserted:
    """The built graph in an in-memory Oxigraph store, with the prefixes its file declares.

    Oxigraph parses about 1M triples/s where rdflib parses about 35k/s, and
    answers each of the few graph-wide queries below in one pass, so reading
    the claims costs little next to HermiT even at 100k claims. From
    :func:`read_asserted` the store holds the file's triples, merged, in
    its default graph; from :func:`as_asserted` the quads: the queries ask
    the union of the graphs and collect sets, so both answer the same.
    """

    store: Any  # pyoxigraph.Store; pyoxigraph is imported where used (start-up time of the CLI)
    namespaces: list[tuple[str, URIRef]]
    # The quads exactly as written, read again: the store keeps values, not every datatype
    # ("1"^^xsd:positiveInteger comes back as xsd:integer), and the output must not change them.
    reread: Callable[[], Iterable[Any]]
    # Every triple of the file as sorted N-Triples lines, each once, when read_asserted wrote them
    # (sort(1) works on them in the background while the stage reasons): what jakdm-reasoned.ttl merges.
    sorted_lines: BackgroundSort | None = None

    def select(self, query: str) -> list[Any]:
        """Solutions of a SELECT over the union of all graphs (claims live in named graphs)."""
        return list(self.store.query(SPARQL_PREFIXES + query, use_default_graph_as_union=True))

    def __len__(self) -> int:
        return len(self.store)


Step = Callable[[str], AbstractContextManager[Any]]  # jakkg.progress.step: a context manager per step
Source = Graph | Asserted  # an rdflib Graph or Dataset (tests, library use) or the store `jakkg reason` reads


def read_asserted(path: Path, keep: Iterable[URIRef] | None = None, scratch: Path | None = None,
                  types: Iterable[URIRef] | None = None) -> Asserted:
    """Load a built graph file with Oxigraph; with ``keep``, only the triples with those predicates.

    The file is parsed once: Oxigraph writes every triple as N-Triples to
    ``scratch`` (named graphs merged; a ``map`` over the parser keeps the
    iteration in C, no Python frame per quad), the lines whose predicate is
    kept are loaded into the store's default graph in one bulk load
    (:func:`load_lines`), and sort(1) starts on the whole file in the
    background for jakdm-reasoned.ttl (:attr:`Asserted.sorted_lines`).
    The stage's queries ask the union of the graphs and collect sets, so a
    store of the merged triples answers them as one of the quads does.
    ``keep`` (:func:`read_predicates`) leaves out what no query of this
    stage asks for (quotes, statistics, provenance): half the triples, and
    half the store's memory; ``types`` (:func:`read_types`) keeps of the
    rdf:type triples only those the queries use (not the claims'
    annotation, selector and nanopublication types: a fifth of the rest).
    Without ``scratch``, the lines go to a
    temporary directory and nothing is sorted.
    A missing file, an unknown suffix or a file Oxigraph refuses goes to
    :func:`jakkg.validate.read_dataset`, the command line's one reader, so
    the error names file, line and reason as everywhere else (and a file
    only rdflib accepts is still read).
    """
    import pyoxigraph as ox

    from .validate import read_dataset

    fmt = OXIGRAPH_FORMATS.get(path.suffix.lower())
    if fmt is None or not path.is_file():
        return as_asserted(read_dataset(path))
    def reread() -> Any:
        return ox.parse(path=str(path), format=getattr(ox.RdfFormat, fmt), base_iri=path.resolve().as_uri())

    work = scratch or Path(tempfile.mkdtemp(prefix="jakkg-read-"))
    lines = work / "asserted.nt"
    parser, ordered = reread(), None
    try:
        ox.serialize(map(attrgetter("triple"), parser), output=str(lines), format=ox.RdfFormat.N_TRIPLES)
        ordered = BackgroundSort(lines, work / "asserted-sorted.nt", work) if scratch else None
        store = load_lines(lines, keep, work, types)
    except BaseException as exc:  # the sort must not outlive a failed read
        if ordered is not None:
            ordered.cancel()
        if isinstance(exc, (SyntaxError, ValueError, OSError)):
            return as_asserted(read_dataset(path))
        raise
    finally:
        if scratch is None:
            shutil.rmtree(work, ignore_errors=True)
    return Asserted(store, sorted((p, URIRef(ns)) for p, ns in parser.prefixes.items() if p), reread, ordered)


LOAD_BLOCK = 32 << 20  # bytes of N-Triples filtered at a time by load_lines


def load_lines(lines: Path, keep: Iterable[URIRef] | None, scratch: Path, types: Iterable[URIRef] | None = None) -> Any:
    """An Oxigraph store of the N-Triples lines of ``lines`` whose predicate is in ``keep`` (all without ``keep``),
    and of the rdf:type lines only those whose class is in ``types`` (all without ``types``).

    A line is ``subject predicate object .`` with one space after the
    subject, which (an IRI or a blank node label, as Oxigraph writes them)
    has none inside: the predicate is the second space-separated field.
    The kept lines are filtered in blocks of LOAD_BLOCK bytes into one file
    that Oxigraph loads in one bulk load: one load, so a blank node keeps
    one identity (each load gives blank nodes fresh names).
    """
    import pyoxigraph as ox

    store = ox.Store()
    if keep is None:
        store.bulk_load(path=str(lines), format=ox.RdfFormat.N_TRIPLES)
        return store
    wanted = {f"<{p}>".encode() for p in keep}
    classes = None if types is None else {f"<{c}>".encode() for c in types}
    kept = scratch / "kept.nt"
    with lines.open("rb") as src, kept.open("wb") as dst:
        pending = b""
        while block := src.read(LOAD_BLOCK):
            pending += block
            end = pending.rfind(b"\n") + 1
            dst.write(_with_predicates(pending[:end], wanted, classes))
            pending = pending[end:]
        dst.write(_with_predicates(pending, wanted, classes))
    store.bulk_load(path=str(kept), format=ox.RdfFormat.N_TRIPLES)
    kept.unlink()
    return store


def _with_predicates(block: bytes, wanted: set[bytes], types: set[bytes] | None) -> bytes:
    """The whole lines of ``block`` whose predicate (second field) is in ``wanted``, rdf:type lines only with an
    object in ``types`` when given (empty lines dropped)."""
    if types is None:
        kept = [row for row in block.split(b"\n") if row and row.split(b" ", 2)[1] in wanted]
    else:
        kept = [row for row in block.split(b"\n") if row and (f := row.split(b" ", 2))[1] in wanted
                and (f[1] != RDF_TYPE_TERM or f[2][:-2] in types)]  # f[2] is "<object> ."
    return b"\n".join(kept) + b"\n" if kept else b""


RDF_TYPE_TERM = f"<{RDF.type}>".encode()


def as_asserted(source: Source) -> Asserted:
    """An rdflib graph copied into Oxigraph through N-Quads (small graphs: tests, the rdflib fallback)."""
    if isinstance(source, Asserted):
        return source
    import pyoxigraph as ox
    from rdflib import ConjunctiveGraph

    if isinstance(source, ConjunctiveGraph):  # Dataset too
        data, fmt = source.serialize(format="nquads", encoding="utf-8"), ox.RdfFormat.N_QUADS
    else:
        data, fmt = source.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES
    store = ox.Store()
    store.load(data, format=fmt)
    defaults = set(Graph().namespaces())  # rdflib binds these to every graph, used or not
    namespaces = sorted((p, URIRef(ns)) for p, ns in source.namespaces()
                        if p and ((p, ns) not in defaults or p in CORE_PREFIXES))
    return Asserted(store, namespaces, lambda: ox.parse(data, format=fmt))


def _values(terms: Iterable[Node]) -> str:
    """A SPARQL VALUES body."""
    return " ".join(f"<{t}>" for t in sorted(terms, key=str))


def _rdflib_term(term: Any) -> Node:
    """A pyoxigraph term as the rdflib term rdflib's parser would have made."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    datatype = term.datatype.value
    return Literal(term.value, datatype=None if datatype == str(XSD.string) else URIRef(datatype))


def _oxigraph_term(term: Node) -> Any:
    import pyoxigraph as ox

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    assert isinstance(term, Literal)
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))


# ---------------------------------------------------------------------------
# Entity-level facts and per-paper target profiles
# ---------------------------------------------------------------------------
Triple = tuple[URIRef, URIRef, Node]


@dataclass
class Facts:
    """The entity-level facts of a graph: a set, whatever the number of claims."""

    individuals: set[URIRef] = field(default_factory=set)
    types: set[tuple[URIRef, URIRef]] = field(default_factory=set)
    relations: set[tuple[URIRef, URIRef, URIRef]] = field(default_factory=set)
    values: set[tuple[URIRef, URIRef, Literal]] = field(default_factory=set)
    labels: dict[URIRef, str] = field(default_factory=dict)
    curies: dict[URIRef, str] = field(default_factory=dict)

    def triples(self) -> list[Triple]:
        """Every fact as a triple, in a fixed order."""
        out: list[Triple] = [(s, RDF.type, c) for s, c in self.types]
        out += list(self.relations) + list(self.values)
        return sorted(out, key=lambda t: (str(t[0]), str(t[1]), str(t[2])))

    def __len__(self) -> int:
        return len(self.types) + len(self.relations) + len(self.values)


def entity_facts(source: Source, schema: Schema) -> Facts:
    """Collect entity types, entity-entity triples and constrained data values.

    Five graph-wide SELECT DISTINCT queries: the claims' thousands of copies
    of one entity-level triple come back as one row, and triples about
    claims are filtered out in the store, so what Python handles follows the
    distinct facts (the entity vocabulary), not the claims.
    Data values come from the store, which keeps the value and may name a
    wider datatype ("5"^^xsd:nonNegativeInteger as xsd:integer): the same
    data value for OWL 2, so HermiT concludes the same.
    """
    asserted = as_asserted(source)
    f = Facts()
    categories = _values(schema.categories)
    named = set()  # the individuals as Oxigraph terms: rows about claims are dropped before they become rdflib terms
    for row in asserted.select(f"SELECT DISTINCT ?s ?c WHERE {{ VALUES ?cat {{ {categories} }} ?s a ?cat . ?s a ?c }}"):
        s, c = _rdflib_term(row["s"]), _rdflib_term(row["c"])
        if isinstance(s, URIRef):
            f.individuals.add(s)
            named.add(row["s"])
            if c in schema.classes:
                f.types.add((s, c))  # type: ignore[arg-type]
    for target, pred in ((f.labels, RDFS.label), (f.curies, DCTERMS.identifier)):
        rows = asserted.select(f"SELECT DISTINCT ?s ?v WHERE {{ VALUES ?cat {{ {categories} }} ?s a ?cat ; <{pred}> ?v }}")
        for row in sorted(rows, key=lambda r: (str(r["s"]), r["v"].value), reverse=True):  # the smallest value wins
            target[URIRef(row["s"].value)] = row["v"].value
    # the joins keep the rows about individuals (IRIs of a category) in the store: the claim-level rows (ten times
    # more, a million at 100k claims) would each become a Python object only to be dropped
    props = _values(schema.object_properties)
    for row in asserted.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {_individual('s', categories)} VALUES ?p {{ {props} }} "
                               f"?s ?p ?o . {_individual('o', categories)} }}"):
        if row["s"] in named and row["o"] in named:
            f.relations.add(tuple(_rdflib_term(row[v]) for v in ("s", "p", "o")))  # type: ignore[arg-type]
    props = _values(schema.data_properties)
    for row in asserted.select(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {_individual('s', categories)} VALUES ?p {{ {props} }} "
                               f"?s ?p ?o FILTER isLiteral(?o) }}"):
        if row["s"] not in named:
            continue
        s, p, o = (_rdflib_term(row[v]) for v in ("s", "p", "o"))
        if o.datatype is None or o.datatype in OWL2_DATATYPES:  # type: ignore[union-attr]
            f.values.add((s, p, o))  # type: ignore[arg-type]
    return f


def _individual(var: str, categories: str) -> str:
    """A SPARQL pattern: ``?var`` is an IRI typed with one of ``categories`` (a VALUES body), once per category."""
    return f"VALUES ?c{var} {{ {categories} }} ?{var} a ?c{var} FILTER isIRI(?{var})"


def read_types(schema: Schema) -> set[URIRef]:
    """The classes whose rdf:type triples the queries of this stage use: the categories (``?s a ?cat``) and the
    ontology's classes (the types of an individual that :func:`entity_facts` keeps); other types (of claims,
    quotes, selectors) never reach an answer."""
    return set(schema.categories) | set(schema.classes)


def read_predicates(schema: Schema) -> set[URIRef]:
    """Every predicate that the queries of this stage match (:func:`entity_facts`, INHIBITS_CLAIMS,
    :func:`paper_labels`): a store with only these quads answers them as the whole graph does."""
    return set(schema.object_properties) | set(schema.data_properties) | {
        RDF.type, RDFS.label, DCTERMS.identifier,  # entity_facts, paper_labels
        RDF.subject, RDF.predicate, RDF.object, DCTERMS.source, JAKKG.negated}  # INHIBITS_CLAIMS


@dataclass(frozen=True)
class TargetProfile:
    """A drug as one paper describes its targets (see the module docstring)."""

    iri: URIRef
    drug: URIRef
    paper: URIRef
    targets: tuple[URIRef, ...]
    claims: tuple[URIRef, ...]


INHIBITS_CLAIMS = """SELECT ?claim ?drug ?target ?paper ?negated WHERE {
  ?claim rdf:predicate obo:RO_0002449 ; rdf:subject ?drug ; rdf:object ?target ; dcterms:source ?paper .
  OPTIONAL { ?claim jakkg:negated ?negated } }"""


def target_profiles(source: Source, facts: Facts, schema: Schema) -> list[TargetProfile]:
    """One profile per (source paper, drug) whose inhibits claims name at least one JAK.

    Negated claims name no target. One query over the inhibits claims; there
    are papers x drugs profiles, but HermiT gets one individual per distinct
    target list (:func:`target_lists`).
    """
    jaks = set(schema.janus_kinases)
    rows = [{k: _rdflib_term(sol[k]) for k in ("claim", "drug", "target", "paper", "negated") if sol[k] is not None}
            for sol in as_asserted(source).select(INHIBITS_CLAIMS)]
    negated = {r["claim"] for r in rows if isinstance(r.get("negated"), Literal) and r["negated"].toPython() is True}
    groups: dict[tuple[URIRef, URIRef], dict[URIRef, set[URIRef]]] = defaultdict(lambda: defaultdict(set))
    for r in rows:
        drug, target, paper, claim = r["drug"], r["target"], r["paper"], r["claim"]
        if claim in negated or not (isinstance(drug, URIRef) and isinstance(target, URIRef) and isinstance(paper, URIRef)):
            continue
        if (drug, DRUG) not in facts.types or target not in facts.individuals:
            continue
        groups[(paper, drug)][target].add(claim)  # type: ignore[index]
    profiles = []
    for (paper, drug), targets in sorted(groups.items()):
        if not jaks & set(targets):
            continue
        name = _safe(facts.curies.get(drug) or str(drug).rstrip("/").rsplit("/", 1)[-1])
        profiles.append(TargetProfile(
            iri=JAKDM[f"profile/{_safe(str(paper).rsplit('/', 1)[-1])}/{name}"],
            drug=drug,
            paper=paper,
            targets=tuple(sorted(targets)),
            claims=tuple(sorted({c for cs in targets.values() for c in cs})),
        ))
    return profiles


@dataclass(frozen=True)
class TargetList:
    """The individual HermiT classifies for every profile with these targets.

    A profile individual is a drug with its listed targets and a closure
    axiom, and nothing else: it is not linked to the drug or the paper. Two
    profiles with the same targets are therefore indistinguishable to the
    reasoner and get the same classes, so HermiT sees one individual per
    distinct target list (bounded by the combinations curators state, not
    by papers x drugs) and each paper's profile takes the classes of its list.
    """

    iri: URIRef
    targets: tuple[URIRef, ...]


def target_lists(profiles: Iterable[TargetProfile]) -> dict[tuple[URIRef, ...], TargetList]:
    out = {}
    for targets in sorted({p.targets for p in profiles}):
        digest = hashlib.sha1(" ".join(targets).encode()).hexdigest()[:16]
        out[targets] = TargetList(JAKDM[f"profile/targets/{digest}"], targets)
    return out


def _safe(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)


def _rdf_list(g: Graph, items: Iterable[Node]) -> BNode:
    head = BNode()
    Collection(g, head, list(items))
    return head


def closure_axiom(g: Graph, individual: URIRef, jak_targets: Iterable[URIRef]) -> None:
    """``individual`` inhibits only (not JanusKinase or {jak_targets}): its JAK list is complete."""
    allowed, restriction, union, complement = BNode(), BNode(), BNode(), BNode()
    g.add((complement, RDF.type, OWL.Class))
    g.add((complement, OWL.complementOf, JAKKG.JanusKinase))
    g.add((allowed, RDF.type, OWL.Class))
    g.add((allowed, OWL.oneOf, _rdf_list(g, sorted(jak_targets))))
    g.add((union, RDF.type, OWL.Class))
    g.add((union, OWL.unionOf, _rdf_list(g, [complement, allowed])))
    g.add((restriction, RDF.type, OWL.Restriction))
    g.add((restriction, OWL.onProperty, INHIBITS))
    g.add((restriction, OWL.allValuesFrom, union))
    g.add((individual, RDF.type, restriction))


def background_graph(onto: Ontology, facts: Facts, lists: Iterable[TargetList], schema: Schema) -> Graph:
    """Everything one run on the whole graph gets except the facts: ontology, declarations, unique names, target lists."""
    g = Graph()
    g += onto.graph
    g += declarations(facts.individuals, sorted(s for s, c in facts.types if c == JAKKG.Cohort), onto)
    target_list_axioms(g, lists, schema)
    return g


def target_list_axioms(g: Graph, lists: Iterable[TargetList], schema: Schema) -> None:
    """Each target list as a drug inhibiting its targets, with the closure axiom on its JAKs."""
    jaks = set(schema.janus_kinases)
    for tl in lists:
        g.add((tl.iri, RDF.type, OWL.NamedIndividual))
        g.add((tl.iri, RDF.type, DRUG))
        for t in tl.targets:
            g.add((tl.iri, INHIBITS, t))
        closure_axiom(g, tl.iri, [t for t in tl.targets if t in jaks])


def with_facts(background: Graph, triples: Iterable[Triple]) -> Graph:
    g = Graph()
    g += background
    for t in triples:
        g.add(t)
    return g


def ntriples(triples: Iterable[Triple]) -> bytes:
    """N-Triples of rdflib triples, written by Oxigraph (no rdflib Graph in between)."""
    import pyoxigraph as ox

    return ox.serialize([ox.Triple(*map(_oxigraph_term, t)) for t in triples], format=ox.RdfFormat.N_TRIPLES)


def hermit_input(background: Graph, facts: Facts) -> bytes:
    """What HermiT reads: the background (ontology, declarations, closure axioms) and the facts, as N-Triples."""
    return background.serialize(format="nt", encoding="utf-8") + ntriples(facts.triples())


# ---------------------------------------------------------------------------
# Patients and cohorts: a consistency check on everything, classes from one representative per kind
# ---------------------------------------------------------------------------
SINGLE_RUN_UP_TO = 6000  # triples: below this one HermiT run costs less CPU than two (318 claims: 3.1 s vs 4.9 s)
PARALLEL_RUNS = 2  # HermiT processes at a time (the machine jakkg is measured on has 2 cores)
# characteristics a property of patients and cohorts may have for their relations to be derived
# (functional ones only when no individual has two values; see derivation_problem)
DERIVABLE_CHARACTERISTICS = {OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.SymmetricProperty,
                             OWL.AsymmetricProperty, OWL.IrreflexiveProperty, OWL.ObjectProperty, OWL.DatatypeProperty}
EXTERNAL_CHARACTERISTICS = {OWL.ObjectProperty, OWL.DatatypeProperty}
LOCAL_PROPERTY_AXIOMS = {RDF.type, RDFS.domain, RDFS.range, OWL.inverseOf}
NON_LOGICAL = {RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy, OWL.versionInfo, OWL.deprecated}
EQUALITY = {OWL.sameAs, OWL.hasKey, OWL.maxCardinality, OWL.cardinality, OWL.maxQualifiedCardinality,
            OWL.qualifiedCardinality}
REPRESENTATIVE = JAKDM["reasoning/representative/"]


def _logical(pred: Node) -> bool:
    """A predicate of the OWL/RDFS/RDF vocabulary that carries meaning (not a label or comment)."""
    return any(str(pred).startswith(str(ns)) for ns in (OWL, RDFS, RDF)) and pred not in NON_LOGICAL


def group_members(facts: Facts) -> set[URIRef]:
    """The patients and cohorts: each paper brings its own, so they grow with the corpus."""
    return {s for s, c in facts.types if c in ENTITY_GROUPS}


def _inverses(g: Graph) -> dict[Node, set[Node]]:
    out: dict[Node, set[Node]] = defaultdict(set)
    for a, b in g.subject_objects(OWL.inverseOf):
        out[a].add(b)
        out[b].add(a)
    return out


def footprint(onto: Ontology, facts: Facts, members: set[URIRef]) -> set[tuple[URIRef, Node]]:
    """What patients and cohorts say about entities: for each relation between a member and an entity,
    the entity's class by the relation's range (or domain) and its inverses' domains (or ranges).

    Entailed by the graph, so the run without patients may be given it.
    """
    g, inverse = onto.graph, _inverses(onto.graph)
    out: set[tuple[URIRef, Node]] = set()
    for s, p, o in facts.relations:
        if (s in members) == (o in members):
            continue
        if s in members:
            exprs = list(g.objects(p, RDFS.range)) + [d for q in inverse[p] for d in g.objects(q, RDFS.domain)]
            out.update((o, e) for e in exprs)
        else:
            exprs = list(g.objects(p, RDFS.domain)) + [r for q in inverse[p] for r in g.objects(q, RDFS.range)]
            out.update((s, e) for e in exprs)
    return out


def derived_relations(onto: Ontology, facts: Facts, members: set[URIRef]) -> set[tuple[URIRef, URIRef, URIRef]]:
    """The relations with a patient or cohort at one end, closed under owl:inverseOf and symmetry."""
    g, inverse = onto.graph, _inverses(onto.graph)
    symmetric = set(g.subjects(RDF.type, OWL.SymmetricProperty))
    todo = [t for t in facts.relations if t[0] in members or t[2] in members]
    out: set[tuple[URIRef, URIRef, URIRef]] = set()
    while todo:
        s, p, o = todo.pop()
        if (s, p, o) in out:
            continue
        out.add((s, p, o))
        todo += [(o, q, s) for q in inverse[p] if isinstance(q, URIRef)]
        if p in symmetric:
            todo.append((o, p, s))
    return out


def derivation_problem(onto: Ontology, facts: Facts, members: set[URIRef]) -> str | None:
    """Why what HermiT concludes about patients and cohorts cannot be derived as below, or None.

    The derivation: HermiT checks the whole graph for consistency (cheap:
    no classification); the classes of a patient or cohort are those HermiT
    gives a *representative* with the same asserted classes, the same
    properties in the same directions and nothing else; its relations are
    the asserted ones closed under inverses and symmetry. That is what one
    run on everything concludes when a patient or cohort reaches the rest of
    the graph only through the domains and ranges of its properties (the
    entities' side of which, the footprint, the run on the entities gets)
    and no two individuals can be equal. So it holds when, for every
    property a patient or cohort uses (and its inverses):
      - no class expression, property chain, property hierarchy, key or
        property disjointness of the ontology mentions it (only domain,
        range and inverseOf do), and its domains and ranges are named
        classes or unions of them;
      - it is not transitive or reflexive, and between a patient or cohort
        and an entity it has no characteristic at all;
    when no individual has two values of a functional or inverse functional
    property, the ontology has no sameAs, key or maximum cardinality, and
    names no patient or cohort; and when the classes of patients and cohorts
    (and of those domains and ranges) have only named superclasses.
    (:func:`reason_dataset` also checks that no entity falls in an
    enumerated class it is not listed in.) Otherwise one run on everything.
    """
    g = onto.graph
    if found := {p for _, p, _ in g if p in EQUALITY}:
        return f"the ontology uses {min(found)}"
    inverse = _inverses(g)
    used: set[Node] = {p for s, p, o in facts.relations if s in members or o in members}
    used |= {p for s, p, _ in facts.values if s in members}
    external: set[Node] = {p for s, p, o in facts.relations if (s in members) != (o in members)}
    used |= {q for p in used for q in inverse[p]}
    external |= {q for p in external for q in inverse[p]}
    classes = {c for s, c in facts.types if s in members}
    for p in sorted(used, key=str):
        for _, pred in g.subject_predicates(p):
            if _logical(pred) and pred != OWL.inverseOf:
                return f"{p} is the object of {pred} in the ontology"
        for pred, o in g.predicate_objects(p):
            if _logical(pred) and pred not in LOCAL_PROPERTY_AXIOMS:
                return f"{p} has {pred} in the ontology"
            if pred in (RDFS.domain, RDFS.range):
                named = [o] if isinstance(o, URIRef) else _named_union(g, o)
                if named is None:
                    return f"the {pred} of {p} is not a named class or a union of named classes"
                classes.update(named)
        allowed = EXTERNAL_CHARACTERISTICS if p in external else DERIVABLE_CHARACTERISTICS
        if found := set(g.objects(p, RDF.type)) - allowed:
            return f"{p} is a {min(found)}"
    functional = set(g.subjects(RDF.type, OWL.FunctionalProperty))
    functional |= {q for p in g.subjects(RDF.type, OWL.InverseFunctionalProperty) for q in inverse[p]}
    values: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
    for s, p, o in itertools.chain(facts.relations, derived_relations(onto, facts, members), facts.values):
        if p in functional:
            values[(s, p)].add(o)
    if two := sorted(k for k, v in values.items() if len(v) > 1):
        return f"{two[0][0]} has two values of the functional {two[0][1]}"
    if named := members & (set(g.subjects()) | set(g.objects())):
        return f"the ontology names {min(named)}"
    seen, todo = set(classes), sorted(classes)
    while todo:
        c = todo.pop()
        for sup in itertools.chain(g.objects(c, RDFS.subClassOf), g.objects(c, OWL.equivalentClass),
                                   g.subjects(OWL.equivalentClass, c)):
            if not isinstance(sup, URIRef):
                return f"{c} has an anonymous superclass or definition"
            if sup not in seen:
                seen.add(sup)
                todo.append(sup)
    return None


def _named_union(g: Graph, node: Node) -> list[URIRef] | None:
    members = g.value(node, OWL.unionOf)
    if members is None or set(g.predicates(node)) - {RDF.type, OWL.unionOf}:
        return None
    items = list(Collection(g, members))
    return items if all(isinstance(i, URIRef) for i in items) else None  # type: ignore[return-value]


def enumeration_problem(onto: Ontology, types: Iterable[tuple[URIRef, URIRef]]) -> str | None:
    """An individual in an enumerated class (owl:oneOf) it is not listed in: it equals a listed one."""
    g = onto.graph
    listed: dict[Node, set[Node]] = {}
    for c, e in g.subject_objects(OWL.equivalentClass):
        for a, b in ((c, e), (e, c)):
            if isinstance(a, URIRef) and (items := g.value(b, OWL.oneOf)) is not None:
                listed.setdefault(a, set()).update(Collection(g, items))
    bad = sorted((s, c) for s, c in types if c in listed and s not in listed[c])
    return f"{bad[0][0]} is inferred a {bad[0][1]} without being listed in it" if bad else None


Signature = tuple[frozenset[URIRef], frozenset[tuple[URIRef, bool]], frozenset[URIRef]]


def signatures(facts: Facts, members: set[URIRef]) -> dict[URIRef, Signature]:
    """Each member's asserted classes, (property, member is subject) of its relations, and data properties."""
    types: dict[URIRef, set[URIRef]] = defaultdict(set)
    edges: dict[URIRef, set[tuple[URIRef, bool]]] = defaultdict(set)
    data: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, c in facts.types:
        if s in members:
            types[s].add(c)
    for s, p, o in facts.relations:
        if s in members:
            edges[s].add((p, True))
        if o in members:
            edges[o].add((p, False))
    for s, p, _ in facts.values:
        if s in members:
            data[s].add(p)
    return {m: (frozenset(types[m]), frozenset(edges[m]), frozenset(data[m])) for m in members}


def representatives(facts: Facts, members: set[URIRef]) -> tuple[dict[URIRef, URIRef], list[Triple]]:
    """One individual per distinct signature, with a fresh neighbour per relation: member -> its
    representative, and the representatives' facts (bounded by the vocabulary, not by papers)."""
    sigs = signatures(facts, members)
    value_of = {}
    for s, p, o in sorted(facts.values, key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        value_of.setdefault((s, p), o)
    first: dict[Signature, URIRef] = {}
    for m in sorted(members):
        first.setdefault(sigs[m], m)
    rep_of_sig: dict[Signature, URIRef] = {}
    out: list[Triple] = []
    for sig, example in sorted(first.items(), key=lambda x: str(x[1])):
        key = " ".join(sorted(map(str, sig[0])) + sorted(f"{p}>{d}" for p, d in sig[1]) + sorted(map(str, sig[2])))
        rep = URIRef(f"{REPRESENTATIVE}{hashlib.sha1(key.encode()).hexdigest()[:16]}")
        rep_of_sig[sig] = rep
        out += [(rep, RDF.type, c) for c in sorted(sig[0])]
        for i, (p, outgoing) in enumerate(sorted(sig[1])):
            other = URIRef(f"{rep}/{i}")
            out.append((rep, p, other) if outgoing else (other, p, rep))
        out += [(rep, p, value_of[(example, p)]) for p in sorted(sig[2])]  # type: ignore[misc]
    return {m: rep_of_sig[sigs[m]] for m in members}, out


@dataclass(frozen=True)
class Run:
    """One HermiT run: its input, whose classes it gives, and between whom it reads relations."""

    name: str
    data: bytes
    report: frozenset[URIRef]  # individuals whose classes this run answers
    known: frozenset[URIRef]  # relations are read between these, with one end in ``report``
    lists: tuple[URIRef, ...] = ()  # target-list individuals whose classes this run answers
    check_only: bool = False  # consistency only: no classification

    @property
    def triples(self) -> int:
        return self.data.count(b"\n")


COHORT_ID = JAKDM["reasoning/cohortId"]  # fresh: see distinct_cohorts
DISTINCT_COHORTS = "cohorts with different ids are different cohorts"
UNIQUE_NAMES = "keys"  # how distinct_cohorts says it: "keys" (linear) or "all-different" (the axiom HermiT makes quadratic)


def declarations(individuals: Iterable[URIRef], cohorts: list[URIRef], onto: Ontology | None = None) -> Graph:
    """owl:NamedIndividual for each individual, and distinct cohort ids as different cohorts."""
    g = Graph()
    for ind in individuals:
        g.add((ind, RDF.type, OWL.NamedIndividual))
    if len(cohorts) > 1:  # distinct cohort ids name distinct cohorts (unique ids in data/)
        distinct_cohorts(g, cohorts, onto)
    return g


def distinct_cohorts(g: Graph, cohorts: list[URIRef], onto: Ontology | None = None) -> None:
    """State that the cohorts are pairwise different, in a form whose cost grows linearly with them.

    ``AllDifferent(c1 ... cn)`` is what is meant, but HermiT turns it into
    n(n-1)/2 inequalities: 8,300 cohorts at 100k claims are 34M of them, and
    the consistency check ran out of its 2 GB heap after 5.6 minutes. So
    each cohort gets its own id as the value of a fresh functional data
    property ``COHORT_ID`` instead: two cohorts made equal would have two
    different values of it, a contradiction, so every model of this
    satisfies the AllDifferent; and every model of the AllDifferent becomes
    a model of this by giving each (different) cohort its id. The two
    therefore entail the same about the graph's own vocabulary: the same
    consistency, classes and relations (tests compare both). The argument
    needs the property to be fresh; if the ontology mentions it, the
    AllDifferent is used.
    """
    fresh = onto is None or (COHORT_ID, None, None) not in onto.graph and (None, COHORT_ID, None) not in onto.graph \
        and (None, None, COHORT_ID) not in onto.graph
    if UNIQUE_NAMES == "keys" and fresh:
        g.add((COHORT_ID, RDF.type, OWL.DatatypeProperty))
        g.add((COHORT_ID, RDF.type, OWL.FunctionalProperty))
        g.add((COHORT_ID, RDFS.label, Literal(DISTINCT_COHORTS)))
        for c in cohorts:
            g.add((c, COHORT_ID, Literal(str(c))))
        return
    node = BNode()
    g.add((node, RDF.type, OWL.AllDifferent))
    g.add((node, RDFS.label, Literal(DISTINCT_COHORTS)))
    g.add((node, OWL.distinctMembers, _rdf_list(g, cohorts)))


def footprint_graph(onto: Ontology, prints: set[tuple[URIRef, Node]]) -> Graph:
    """The footprint as class assertions, each union copied (a class expression is not shared between axioms)."""
    g = Graph()
    for entity, expr in sorted(prints, key=lambda x: (str(x[0]), str(x[1]))):
        if isinstance(expr, URIRef):
            g.add((entity, RDF.type, expr))
            continue
        union = BNode()
        g.add((union, RDF.type, OWL.Class))
        g.add((union, OWL.unionOf, _rdf_list(g, _named_union(onto.graph, expr) or [])))
        g.add((entity, RDF.type, union))
    return g


@dataclass
class Plan:
    """The HermiT runs, and how patients and cohorts get their answers when they are not in a run."""

    runs: list[Run]
    members: set[URIRef] = field(default_factory=set)
    representative: dict[URIRef, URIRef] = field(default_factory=dict)


def single_run(onto: Ontology, facts: Facts, lists: dict[tuple[URIRef, ...], TargetList], schema: Schema) -> Plan:
    """Everything in one run: the reference."""
    every = frozenset(facts.individuals)
    data = hermit_input(background_graph(onto, facts, lists.values(), schema), facts)
    return Plan([Run("everything", data, every, every, tuple(tl.iri for tl in lists.values()))])


def plan_runs(onto: Ontology, facts: Facts, lists: dict[tuple[URIRef, ...], TargetList], schema: Schema,
              single: bool | None = None) -> Plan:
    """A consistency check on everything and one classifying run on the entities and the representatives
    of patients and cohorts; one run on everything when ``single`` is True, when it is None (the default)
    and the graph is small, or when :func:`derivation_problem` says so."""
    members = group_members(facts)
    reference = single_run(onto, facts, lists, schema)
    small = single is None and reference.runs[0].triples <= SINGLE_RUN_UP_TO
    if single or small or not members or derivation_problem(onto, facts, members) is not None:
        return reference
    check = Run("consistency", reference.runs[0].data, frozenset(), frozenset(), check_only=True)
    rep_of, rep_facts = representatives(facts, members)
    reps = sorted(set(rep_of.values()))
    entities = frozenset(facts.individuals - members)
    core = Graph()
    core += onto.graph
    core += declarations(sorted(entities) + reps + sorted({t[2] for t in rep_facts if isinstance(t[2], URIRef)} |
                                                          {t[0] for t in rep_facts}), [])
    target_list_axioms(core, lists.values(), schema)
    core += footprint_graph(onto, footprint(onto, facts, members))
    entity_facts_ = [t for t in facts.triples() if t[0] not in members and t[2] not in members]
    data = core.serialize(format="nt", encoding="utf-8") + ntriples(entity_facts_ + rep_facts)
    run = Run("entities and representatives", data, entities | frozenset(reps), entities, tuple(tl.iri for tl in lists.values()))
    return Plan([check, run], members, rep_of)


# ---------------------------------------------------------------------------
# Java and HermiT
# ---------------------------------------------------------------------------
def check_java() -> str:
    """The Java executable owlready2 will run; UsageError(JAVA_HINT) when missing or older than 11."""
    import owlready2

    exe = shutil.which(owlready2.JAVA_EXE)
    if exe is None:
        raise UsageError(JAVA_HINT)
    try:
        out = subprocess.run([exe, "-version"], check=False, capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        raise UsageError(JAVA_HINT) from None
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if m:
        major = int(m[1]) if m[1] != "1" else int(m[2] or 0)  # "1.8.0" is Java 8
        if major < 11:
            raise UsageError(f"{JAVA_HINT} (found Java {major})")
    return exe


class _Inconsistent(Exception):
    pass


def run_hermit(data: bytes) -> Any:
    """Load ``data`` (N-Triples) into a fresh owlready2 World and run HermiT with property values.

    Returns the World (inferences are stored in it). Raises _Inconsistent.
    """
    import owlready2

    world = owlready2.World()
    world.get_ontology("https://w3id.org/jakkg/reasoning/input").load(fileobj=io.BytesIO(data), format="ntriples")
    inferred = world.get_ontology("https://w3id.org/jakkg/reasoning/inferred")
    try:
        with inferred:
            owlready2.sync_reasoner_hermit(world, infer_property_values=True, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        world.close()
        raise _Inconsistent() from None
    except owlready2.OwlReadyJavaError as exc:
        world.close()
        raise UsageError(f"HermiT failed: {_java_message(str(exc))}") from None
    except FileNotFoundError:
        world.close()
        raise UsageError(JAVA_HINT) from None
    return world


def _java_message(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("Java error message")]
    return (lines[0] if lines else text)[:300]


def hermit_consistent(graph: Graph) -> bool:
    """HermiT's consistency check alone (no classification): the fast test QuickXplain repeats."""
    return hermit_consistent_data(graph.serialize(format="nt", encoding="utf-8"))


def hermit_consistent_data(data: bytes) -> bool:
    """HermiT's consistency check on N-Triples."""
    import owlready2
    from owlready2 import reasoning

    with tempfile.NamedTemporaryFile("wb", suffix=".nt", delete=False) as fh:
        fh.write(data)
        name = fh.name
    try:
        command = [owlready2.JAVA_EXE, f"-Xmx{reasoning.JAVA_MEMORY}M", "-cp", reasoning._HERMIT_CLASSPATH,
                   "org.semanticweb.HermiT.cli.CommandLine", "-k", Path(name).as_uri()]
        out = subprocess.run(command, check=False, capture_output=True, timeout=600)
    finally:
        Path(name).unlink(missing_ok=True)
    if out.returncode == 0:
        return True
    if b"Inconsistent" in out.stderr + out.stdout:
        return False
    raise UsageError(f"HermiT failed: {_java_message(out.stderr.decode('utf-8', 'replace'))}")


# ---------------------------------------------------------------------------
# Reading the results
# ---------------------------------------------------------------------------
@dataclass
class Entailed:
    types: set[tuple[URIRef, URIRef]]
    relations: set[tuple[URIRef, URIRef, URIRef]]
    profile_classes: dict[URIRef, list[URIRef]]


def read_world(world: Any, run: Run, properties: Iterable[URIRef]) -> Entailed:
    """Named classes (with all their named superclasses) and object property values that one run answers.

    owlready2 keeps the most specific inferred types; the ancestors are added
    so that a store without a reasoner finds a JAK1/2 inhibitor under
    jakkg:JAKInhibitor too. Property values include those through inverses
    and symmetry, which owlready2 answers but does not store. ``profile_classes``
    is keyed by target list here (:func:`reason_dataset` maps it to profiles).
    """
    from owlready2 import Thing, ThingClass

    def classes_of(iri: URIRef) -> set[URIRef]:
        ind = world[str(iri)]
        out: set[URIRef] = set()
        if ind is None:
            return out
        for c in ind.is_a:
            if isinstance(c, ThingClass):
                out.update(URIRef(a.iri) for a in c.ancestors() if a is not Thing)
        return out

    types = {(ind, c) for ind in run.report for c in classes_of(ind)}
    relations: set[tuple[URIRef, URIRef, URIRef]] = set()
    for p in sorted(properties):
        prop = world[str(p)]
        if prop is None:
            continue
        for s, o in prop.get_relations():
            si, oi = URIRef(getattr(s, "iri", "")), URIRef(getattr(o, "iri", ""))
            if si in run.known and oi in run.known and (si in run.report or oi in run.report):
                relations.add((si, p, oi))
    by_list = {tl: sorted(classes_of(tl) - {DRUG}) for tl in run.lists}
    return Entailed(types, relations, by_list)  # type: ignore[arg-type]


def hermit_entailments(run: Run, properties: list[URIRef]) -> Entailed:
    """HermiT on one run's input, read back (raises _Inconsistent); what a worker process does."""
    if run.check_only:
        if not hermit_consistent_data(run.data):
            raise _Inconsistent()
        return Entailed(set(), set(), {})
    world = run_hermit(run.data)
    try:
        return read_world(world, run, properties)
    finally:
        world.close()


def run_all(runs: list[Run], properties: list[URIRef]) -> Entailed:
    """Every run, PARALLEL_RUNS at a time in worker processes, merged; _Inconsistent if any run is.

    A run that is inconsistent makes the graph inconsistent (each run's input
    is entailed by the graph); the first one found stops the others.
    """
    if len(runs) == 1 or PARALLEL_RUNS < 2:
        results = [hermit_entailments(run, properties) for run in runs]
    else:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(PARALLEL_RUNS, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(hermit_entailments, run, properties) for run in runs]
            try:
                results = [f.result() for f in futures]
            except BaseException:
                for f in futures:
                    f.cancel()
                raise
    merged = Entailed(set(), set(), {})
    for r in results:
        merged.types |= r.types
        merged.relations |= r.relations
        merged.profile_classes.update(r.profile_classes)
    return merged


# ---------------------------------------------------------------------------
# Explaining an inconsistency
# ---------------------------------------------------------------------------
class Explainer:
    """Names the individuals and axioms behind an inconsistency."""

    def __init__(self, onto: Ontology, facts: Facts, background: Graph, namespaces: Iterable[tuple[str, Node]] = ()):
        self.onto, self.facts, self.background = onto, facts, background
        g = onto.graph
        self.g = g
        own = [(name, JAKDM[f"{name}/"]) for name in ("claim", "cohort", "patient", "study", "profile")] + [("jakdm", JAKDM)]
        self.namespaces = list(g.namespaces()) + list(namespaces) + own
        self.supers: dict[URIRef, set[URIRef]] = defaultdict(set)
        for s, o in g.subject_objects(RDFS.subClassOf):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                self.supers[s].add(o)
        for s, o in g.subject_objects(OWL.equivalentClass):
            if isinstance(s, URIRef) and isinstance(o, URIRef):
                self.supers[s].add(o)
                self.supers[o].add(s)
        self.disjoint: dict[frozenset[URIRef], str] = {}
        for s, o in g.subject_objects(OWL.disjointWith):
            self.disjoint.setdefault(frozenset((s, o)), f"{self.name(s)} owl:disjointWith {self.name(o)} ({onto.file_of((s, OWL.disjointWith, o))})")
        groups = [(node, [m for m in Collection(g, g.value(node, OWL.members)) if isinstance(m, URIRef)])
                  for node in g.subjects(RDF.type, OWL.AllDisjointClasses)]
        for node, members in sorted(groups, key=lambda x: (-len(x[1]), str(g.value(x[0], RDFS.label)), [str(m) for m in x[1]])):
            label = g.value(node, RDFS.label)
            where = onto.file_of((node, RDF.type, OWL.AllDisjointClasses))
            desc = f"AllDisjointClasses '{label}' ({where})" if label else f"AllDisjointClasses({', '.join(map(self.name, members))}) ({where})"
            for a, b in combinations(members, 2):
                self.disjoint.setdefault(frozenset((a, b)), desc)
        self.domains = {p: self.union(d) for p, d in g.subject_objects(RDFS.domain)}
        self.ranges = {p: self.union(r) for p, r in g.subject_objects(RDFS.range)}
        self.different: list[tuple[set[Node], str]] = []
        for node in background.subjects(RDF.type, OWL.AllDifferent):
            members = set(Collection(background, background.value(node, OWL.distinctMembers)))
            self.different.append((members, f"AllDifferent '{background.value(node, RDFS.label)}'"))
        if keyed := set(background.subjects(COHORT_ID, None)):  # the same statement, in its linear form
            self.different.append((keyed, f"AllDifferent '{DISTINCT_COHORTS}'"))  # type: ignore[arg-type]
        self.abox: dict[URIRef, set[URIRef]] = defaultdict(set)  # class assertions made by the ontology
        classes = set(g.subjects(RDF.type, OWL.Class))
        for s in g.subjects(RDF.type, OWL.NamedIndividual):
            for c in g.objects(s, RDF.type):
                if isinstance(s, URIRef) and isinstance(c, URIRef) and c in classes:
                    self.abox[s].add(c)

    # -- naming --------------------------------------------------------------
    def name(self, term: Node) -> str:
        """CURIE (label) for entities, prefix:local for the rest, a quoted value for literals."""
        if isinstance(term, Literal):
            return f'"{term}"'
        if term in self.facts.curies:
            return f"{self.facts.curies[term]} ({self.facts.labels.get(term, '')})".replace(" ()", "")  # type: ignore[index]
        return qname(term, self.namespaces)

    def short(self, term: Node) -> str:
        """A label when the ontology or the graph gives one, else the CURIE."""
        label = self.g.value(term, RDFS.label) or self.facts.labels.get(term)  # type: ignore[arg-type]
        return f"'{label}'" if label else self.name(term)

    def union(self, node: Node) -> frozenset[URIRef]:
        if isinstance(node, URIRef):
            return frozenset((node,))
        members = self.g.value(node, OWL.unionOf)
        return frozenset(m for m in Collection(self.g, members) if isinstance(m, URIRef)) if members else frozenset()

    def render(self, node: Node, depth: int = 0) -> str:
        """A class expression in Manchester-like syntax."""
        g = self.g
        if not isinstance(node, BNode) or depth > 6:
            return self.short(node)
        for op, word in ((OWL.intersectionOf, " and "), (OWL.unionOf, " or ")):
            if (lst := g.value(node, op)) is not None:
                return "(" + word.join(self.render(m, depth + 1) for m in Collection(g, lst)) + ")"
        if (c := g.value(node, OWL.complementOf)) is not None:
            return f"not {self.render(c, depth + 1)}"
        if (lst := g.value(node, OWL.oneOf)) is not None:
            return "{" + ", ".join(self.short(m) for m in Collection(g, lst)) + "}"
        if (p := g.value(node, OWL.onProperty)) is not None:
            for op, word in ((OWL.someValuesFrom, "some"), (OWL.allValuesFrom, "only"), (OWL.hasValue, "value")):
                if (v := g.value(node, op)) is not None:
                    return f"({self.short(p)} {word} {self.render(v, depth + 1)})"
        return "[...]"

    def ancestors(self, c: URIRef) -> set[URIRef]:
        seen, todo = {c}, [c]
        while todo:
            for s in self.supers.get(todo.pop(), ()):
                if s not in seen:
                    seen.add(s)
                    todo.append(s)
        return seen

    def disjointness(self, a: URIRef, b: URIRef) -> str | None:
        for x in sorted(self.ancestors(a)):
            for y in sorted(self.ancestors(b)):
                if (d := self.disjoint.get(frozenset((x, y)))) is not None and x != y:
                    return d
        return None

    # -- cheap checks on the asserted facts -------------------------------------
    def category_conflicts(self) -> list[str]:
        """An individual whose types (asserted, from the ontology, or from domains/ranges) are disjoint."""
        evidence: dict[URIRef, dict[frozenset[URIRef], str]] = defaultdict(dict)
        for s, c in sorted(self.facts.types):
            evidence[s].setdefault(frozenset((c,)), f"asserted a {self.name(c)}")
        for s, cs in self.abox.items():
            for c in sorted(cs):
                evidence[s].setdefault(frozenset((c,)), f"a {self.name(c)} in the ontology")
        for s, p, o in sorted(self.facts.relations):
            if self.domains.get(p):
                evidence[s].setdefault(self.domains[p], f"the subject of {self.name(p)} {self.short(p)} with {self.name(o)}, "
                                       f"whose rdfs:domain is {' or '.join(map(self.name, sorted(self.domains[p])))}")
            if self.ranges.get(p):
                evidence[o].setdefault(self.ranges[p], f"the object of {self.name(p)} {self.short(p)} from {self.name(s)}, "
                                       f"whose rdfs:range is {' or '.join(map(self.name, sorted(self.ranges[p])))}")
        problems = []
        for ind in sorted(evidence):
            items = list(evidence[ind].items())
            for (c1, why1), (c2, why2) in combinations(items, 2):
                reasons = [self.disjointness(a, b) for a in c1 for b in c2]
                if reasons and all(reasons):
                    axioms = "; ".join(sorted({r for r in reasons if r}))
                    problems.append(f"{self.name(ind)} is {why1} and {why2}, but these classes are disjoint: {axioms}")
        return problems

    def functional_conflicts(self) -> list[str]:
        """Two values of a functional property: different literals, or individuals known to differ."""
        problems = []
        values: dict[tuple[URIRef, URIRef], set[Node]] = defaultdict(set)
        for s, p, o in list(self.facts.relations) + list(self.facts.values):
            if p in self.onto_functional:
                values[(s, p)].add(o)
        for (s, p), objs in sorted(values.items()):
            if len(objs) < 2:
                continue
            ordered = sorted(objs, key=str)
            if all(isinstance(o, Literal) for o in ordered):
                distinct = {_literal_value(o) for o in ordered}
                if len(distinct) < 2:
                    continue
                why = "different values"
            else:
                why = next((d for members, d in self.different if set(ordered) <= members), None) or self._typed_apart(ordered)
                if why is None:
                    continue
            problems.append(f"{self.name(s)} has {len(ordered)} values of {self.name(p)} {self.short(p)}, which is an "
                            f"owl:FunctionalProperty ({self.onto.file_of((p, RDF.type, OWL.FunctionalProperty))}): "
                            f"{', '.join(self.name(o) for o in ordered)} ({why})")
        return problems

    @property
    def onto_functional(self) -> set[Node]:
        return set(self.g.subjects(RDF.type, OWL.FunctionalProperty))

    def _typed_apart(self, objs: list[Node]) -> str | None:
        types = {o: [c for s, c in self.facts.types if s == o] for o in objs}
        for a, b in combinations(objs, 2):
            for ca in types[a]:
                for cb in types[b]:
                    if (d := self.disjointness(ca, cb)) is not None:
                        return f"{self.name(a)} and {self.name(b)} have disjoint types: {d}"
        return None

    # -- search with HermiT --------------------------------------------------------
    def minimal_conflict(self) -> tuple[list[Triple], bool]:
        """A minimal set of facts that HermiT finds inconsistent with the rest (QuickXplain).

        Returns the facts and whether the search finished within MAX_EXPLAIN_CHECKS.
        """
        facts = self.facts.triples()
        budget = [MAX_EXPLAIN_CHECKS]

        def consistent(extra: list[Triple]) -> bool:
            if budget[0] <= 0:
                raise _OutOfBudget()
            budget[0] -= 1
            return hermit_consistent(with_facts(self.background, extra))

        def qx(base: list[Triple], delta: list[Triple], candidates: list[Triple]) -> list[Triple]:
            if delta and not consistent(base):
                return []
            if len(candidates) == 1:
                return candidates
            half = len(candidates) // 2
            c1, c2 = candidates[:half], candidates[half:]
            d2 = qx(base + c1, c1, c2)
            d1 = qx(base + d2, d2, c1)
            return d1 + d2

        try:
            if not consistent([]):
                return [], True
            return qx([], [], facts), True
        except _OutOfBudget:
            return [], False

    def axioms_about(self, terms: set[Node]) -> list[str]:
        """The ontology's axioms whose subject is one of ``terms`` (definitions, domains, chains ...)."""
        g, out = self.g, []
        for t in sorted(terms, key=str):
            for p, label in ((OWL.equivalentClass, "EquivalentTo"), (RDFS.subClassOf, "SubClassOf"),
                             (RDFS.domain, "Domain"), (RDFS.range, "Range"), (OWL.inverseOf, "InverseOf")):
                for o in sorted(g.objects(t, p), key=str):
                    out.append(f"{self.name(t)} {label} {self.render(o)} ({self.onto.file_of((t, p, o))})")
            for chain in g.objects(t, OWL.propertyChainAxiom):
                out.append(f"{self.name(t)} SubPropertyChain {' o '.join(self.name(m) for m in Collection(g, chain))}")
            for c in sorted(self.abox.get(t, ()), key=str):  # type: ignore[call-overload]
                out.append(f"{self.name(t)} Type {self.name(c)} ({self.onto.file_of((t, RDF.type, c))})")
        for members, desc in self.different:
            if members & terms:
                out.append(desc)
        return out

    def explain(self) -> list[str]:
        problems = self.category_conflicts() + self.functional_conflicts()
        if problems:
            return problems
        conflict, finished = self.minimal_conflict()
        if not finished:
            return [(f"HermiT finds the graph inconsistent with the ontology; no disjoint categories or functional properties "
                     f"explain it and {MAX_EXPLAIN_CHECKS} consistency checks did not isolate the facts involved")]
        if not conflict:
            return ["the ontology is inconsistent by itself, without any fact of the graph (check the ontology files)"]
        terms: set[Node] = set()
        for s, p, o in conflict:
            terms.update((s, p) if p != RDF.type else (s,))
            if not isinstance(o, Literal):
                terms.add(o)
        facts = "; ".join(f"{self.name(s)} {'a' if p == RDF.type else self.name(p)} {self.name(o)}" for s, p, o in conflict)
        axioms = " | ".join(self.axioms_about(terms)) or "none found on these terms"
        return [f"these {len(conflict)} facts contradict the ontology together: {facts}; axioms on their terms: {axioms}"]


class _OutOfBudget(Exception):
    pass


def _literal_value(lit: Literal) -> Any:
    try:
        value = lit.toPython()
        return value if not isinstance(value, Literal) else str(lit)
    except Exception:  # noqa: BLE001 - an ill-typed literal compares by its text
        return str(lit)


# ---------------------------------------------------------------------------
# Outputs
# ---------------------------------------------------------------------------
def reification(s: Node, p: Node, o: Node) -> URIRef:
    """A stable IRI for the statement (s, p, o): a hash of its N-Triples form."""
    digest = hashlib.sha1(f"{s.n3()} {p.n3()} {o.n3()}".encode()).hexdigest()[:16]
    return JAKDM[f"inferred/{digest}"]


def paper_labels(asserted: Asserted, papers: Iterable[URIRef]) -> dict[URIRef, str]:
    """rdfs:label of each paper (the smallest, if a paper has several)."""
    papers = set(papers)
    if not papers:
        return {}
    rows = asserted.select(f"SELECT ?paper ?label WHERE {{ VALUES ?paper {{ {_values(papers)} }} ?paper rdfs:label ?label }}")
    out: dict[URIRef, str] = {}
    for row in sorted(rows, key=lambda r: (r["paper"].value, r["label"].value), reverse=True):
        out[URIRef(row["paper"].value)] = row["label"].value
    return out


def inferred_triples(new: Iterable[Triple], profiles: list[TargetProfile], entailed: Entailed, onto: Ontology,
                     facts: Facts, papers: dict[URIRef, str]) -> list[Triple]:
    """The new triples and the profiles, each reified as a jakkg:InferredStatement, and the activity."""
    import owlready2

    content: dict[Triple, None] = dict.fromkeys(new)  # a set that keeps its order
    for prof in profiles:
        drug = facts.labels.get(prof.drug, str(prof.drug))
        content.update(dict.fromkeys([
            (prof.iri, RDF.type, JAKKG.TargetProfile),
            (prof.iri, JAKKG.profileOf, prof.drug),
            (prof.iri, DCTERMS.source, prof.paper),
            (prof.iri, RDFS.label, Literal(f"{drug} according to {papers.get(prof.paper) or prof.paper}")),
            *((prof.iri, JAKKG.profileTarget, t) for t in prof.targets),
            *((prof.iri, JAKKG.basedOnClaim, c) for c in prof.claims),
            *((prof.iri, JAKKG.inferredClass, c) for c in entailed.profile_classes.get(prof.iri, [])),
        ]))
    out = list(content)
    for s, p, o in content:
        node = reification(s, p, o)
        out += [(node, RDF.type, JAKKG.InferredStatement), (node, RDF.subject, s), (node, RDF.predicate, p),
                (node, RDF.object, o), (node, PROV.wasGeneratedBy, ACTIVITY)]
    out += [(ACTIVITY, RDF.type, PROV.Activity),
            (ACTIVITY, RDFS.label, Literal(f"OWL 2 reasoning with HermiT (owlready2 {owlready2.VERSION})")),
            (ACTIVITY, JAKKG.consistent, Literal(True))]
    out += [(ACTIVITY, PROV.used, iri) for iri in onto.iris()]
    return out


SORT_RUN = 200_000  # lines the Python merge sorts in memory at a time (about 60 MB), when there is no sort(1)
SORT_MEMORY = "512M"  # sort(1)'s buffer (-S): past it, its sorted runs spill to scratch files and are merged
SORT_COMMAND = "sort"  # the external sort (GNU coreutils); None or missing: the Python merge


def sorted_turtle(triples: Iterable[Any], prefixes: dict[str, str]) -> bytes:
    """Turtle of pyoxigraph triples, sorted by their N-Triples form: byte-identical for the same set."""
    with tempfile.TemporaryDirectory(prefix="jakkg-turtle-") as tmp:
        out = Path(tmp) / "out.ttl"
        write_sorted_turtle(triples, prefixes, out)
        return out.read_bytes()


def write_sorted_turtle(triples: Iterable[Any], prefixes: dict[str, str], out: Path,
                        merge_with: Path | None = None) -> None:
    """Write Turtle of pyoxigraph triples to ``out``, sorted by N-Triples line, each triple once.

    Sorting groups each subject's triples, which the serializer writes as one
    block, and makes the file byte-identical for the same set. The set can
    be the whole corpus (6M triples at 100k claims), so nothing holds it:
    Oxigraph writes the triples as N-Triples to a scratch file (the
    iteration stays in C when ``triples`` is a ``map`` over a parser), the
    lines are sorted and deduplicated file to file (:func:`sort_lines`, in
    bounded memory), merged with ``merge_with`` (a file of lines already
    sorted so, such as :attr:`Asserted.sorted_lines`) and Oxigraph parses
    the result and serializes it as Turtle, streaming. The order equals
    sorting the triples by ``str``: a line is that text plus " .", and " "
    sorts before every character that can continue a term.
    """
    import pyoxigraph as ox

    scratch = Path(tempfile.mkdtemp(prefix=".sort-", dir=out.parent))
    try:
        lines, merged, body = scratch / "triples.nt", scratch / "sorted.nt", scratch / "body.ttl"
        ox.serialize(triples, output=str(lines), format=ox.RdfFormat.N_TRIPLES)
        sort_lines(lines, merged, scratch)
        lines.unlink()
        if merge_with is not None:
            merge_sorted_lines([merge_with, merged], lines, scratch)
            merged = lines
        ox.serialize(ox.parse(path=str(merged), format=ox.RdfFormat.N_TRIPLES), output=str(body),
                     format=ox.RdfFormat.TURTLE, prefixes=prefixes)
        _with_sorted_prefixes(body, out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def sort_lines(src: Path, out: Path, scratch: Path) -> None:
    """Write the lines of ``src`` to ``out`` sorted as bytes, each line once (``LC_ALL=C sort -u``).

    sort(1) is the field's external sort: C-speed comparisons, its own runs
    on disk past SORT_MEMORY, two threads. In the C locale it compares
    lines as unsigned bytes, which is Python's ``bytes`` order, so it gives
    the bytes of :func:`merge_sort_lines`, the reference used when there is
    no sort(1) or it fails (the tests compare the two).
    """
    if not _sorted_by_command(["-u", "-T", str(scratch), "-o", str(out), str(src)]):
        merge_sort_lines(src, out, scratch)


def merge_sorted_lines(sources: list[Path], out: Path, scratch: Path) -> None:
    """Merge files of lines each sorted and deduplicated as bytes into ``out``, each line once (``sort -m -u``)."""
    if not _sorted_by_command(["-m", "-u", "-T", str(scratch), "-o", str(out), *map(str, sources)]):
        _merge_runs(sources, out)


def _start_sort(args: list[str]) -> subprocess.Popen[bytes] | None:
    """sort(1) with ``args`` in the C locale, started; None when there is no sort(1) to start."""
    command = shutil.which(SORT_COMMAND) if SORT_COMMAND else None
    if command is None:
        return None
    try:
        return subprocess.Popen([command, "-S", SORT_MEMORY, *args], env={**os.environ, "LC_ALL": "C"},
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError:
        return None


def _sorted_by_command(args: list[str]) -> bool:
    """Run sort(1) with ``args``; False when it is missing or fails (the caller falls back to Python)."""
    process = _start_sort(args)
    return process is not None and process.wait() == 0


class BackgroundSort:
    """``LC_ALL=C sort -u`` of a file, started at once in its own process and awaited when the result is needed.

    `jakkg reason` starts it on the asserted triples as soon as they are
    read, so it runs beside the store's loading, the queries and HermiT, and
    the reasoned file then merges only the inferred lines into its result.
    Without sort(1), or when it fails, :meth:`result` sorts with the Python
    reference (:func:`merge_sort_lines`).
    """

    def __init__(self, src: Path, out: Path, scratch: Path):
        self.src, self.out, self.scratch = src, out, scratch
        # one thread: the stage's own process needs the other core meanwhile (a sort(1) without --parallel fails,
        # and the Python merge takes over)
        self.process = _start_sort(["-u", "--parallel=1", "-T", str(scratch), "-o", str(out), str(src)])
        self.done = False

    def result(self) -> Path:
        """The sorted file, once sort(1) has written it (the unsorted lines are then removed)."""
        if not self.done:
            if self.process is None or self.process.wait() != 0:
                merge_sort_lines(self.src, self.out, self.scratch)
            self.src.unlink(missing_ok=True)
            self.done = True
        return self.out

    def cancel(self) -> None:
        """Stop sort(1) if it still runs (the stage failed: its result will not be used)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def merge_sort_lines(src: Path, out: Path, scratch: Path) -> None:
    """The lines of ``src`` sorted as bytes into ``out``, each once: runs of SORT_RUN lines merged as streams.

    Memory stays that of one run, not of the file. The Python reference
    of :func:`sort_lines`.
    """
    runs = []
    with src.open("rb") as fh:
        while batch := list(itertools.islice(fh, SORT_RUN)):
            run = scratch / f"run-{len(runs)}.nt"
            run.write_bytes(b"".join(sorted(set(batch))))
            runs.append(run)
    _merge_runs(runs, out)
    for run in runs:
        run.unlink()


def _merge_runs(runs: list[Path], out: Path) -> None:
    """Merge files of sorted lines as streams into ``out``, each line once (the Python ``sort -m -u``)."""
    import heapq

    handles = [r.open("rb") for r in runs]
    try:
        with out.open("wb") as fh:  # groupby keeps one of each run of equal lines
            fh.writelines(line for line, _ in itertools.groupby(heapq.merge(*handles)))
    finally:
        for h in handles:
            h.close()


def _with_sorted_prefixes(body: Path, out: Path) -> None:
    """Copy ``body`` to ``out`` with its @prefix lines sorted (Oxigraph does not promise their order)."""
    with body.open("rb") as src, out.open("wb") as dst:
        head, line = [], src.readline()
        while line.startswith(b"@prefix "):
            head.append(line)
            line = src.readline()
        dst.writelines(sorted(head))
        dst.write(line)
        shutil.copyfileobj(src, dst, 1 << 20)


@dataclass
class Reasoning:
    """What one run found and wrote."""

    facts: Facts
    profiles: list[TargetProfile]
    lists: dict[tuple[URIRef, ...], TargetList]
    entailed: Entailed
    new: list[Triple]
    inferred_triples: list[Triple]
    asserted: Asserted
    namespaces: list[tuple[str, URIRef]]
    hermit_triples: int
    timings: dict[str, float]
    paths: dict[str, Path] = field(default_factory=dict)
    runs: list[int] = field(default_factory=list)  # triples of each HermiT run

    def counts(self) -> dict[str, int]:
        """New triples per predicate (rdf:type counted as 'class memberships')."""
        out: dict[str, int] = defaultdict(int)
        for _, p, _ in self.new:
            out[str(p)] += 1
        return dict(sorted(out.items()))

    @property
    def prefixes(self) -> dict[str, str]:
        return dict(sorted((p, str(ns)) for p, ns in self.namespaces))

    def inferred_turtle(self) -> bytes:
        """jakdm-inferred.ttl."""
        return sorted_turtle(map(_oxigraph_triple, self.inferred_triples), self.prefixes)

    def reasoned_turtle(self) -> bytes:
        """jakdm-reasoned.ttl: every asserted triple (named graphs merged) and the inferred ones.

        The asserted triples go from the store to the file without becoming
        rdflib terms: this is the one step that grows with the claims.
        """
        with tempfile.TemporaryDirectory(prefix="jakkg-reasoned-") as tmp:
            self.write_reasoned(Path(tmp) / REASONED_FILE)
            return (Path(tmp) / REASONED_FILE).read_bytes()

    def write_reasoned(self, path: Path) -> None:
        """jakdm-reasoned.ttl to ``path``, streamed (:func:`write_sorted_turtle`): the inferred lines merged into the
        asserted ones that sort(1) sorted in the background (:func:`read_asserted`), else the file re-read and sorted."""
        if self.asserted.sorted_lines is not None:
            write_sorted_turtle(map(_oxigraph_triple, self.inferred_triples), self.prefixes, path,
                                merge_with=self.asserted.sorted_lines.result())
            return
        asserted = map(attrgetter("triple"), self.asserted.reread())  # C-level: no Python frame per quad
        write_sorted_turtle(itertools.chain(asserted, map(_oxigraph_triple, self.inferred_triples)), self.prefixes, path)

    @property
    def inferred(self) -> Graph:
        """jakdm-inferred.ttl as an rdflib graph (for library callers; the CLI writes the bytes)."""
        return Graph().parse(data=self.inferred_turtle(), format="turtle")

    @property
    def reasoned(self) -> Graph:
        """jakdm-reasoned.ttl as an rdflib graph (for library callers on small graphs)."""
        return Graph().parse(data=self.reasoned_turtle(), format="turtle")


def _oxigraph_triple(t: Triple) -> Any:
    import pyoxigraph as ox

    return ox.Triple(*map(_oxigraph_term, t))


def output_namespaces(asserted: Asserted, onto: Ontology) -> list[tuple[str, URIRef]]:
    """The prefixes of the outputs: the ontology's, the graph file's (which win), inferred: and profile:."""
    merged = {p: ns for p, ns in onto.prefixes.items()}
    merged.update({p: ns for p, ns in asserted.namespaces})
    merged.update({"inferred": JAKDM["inferred/"], "profile": JAKDM["profile/"]})
    return sorted((p, URIRef(ns)) for p, ns in merged.items())


def _quiet(_what: str) -> AbstractContextManager[Any]:
    return nullcontext()


def reason_dataset(ds: Source, onto: Ontology | None = None, progress: Step | None = None,
                   single: bool | None = None, release: bool = False) -> Reasoning:
    """Reason over a built graph (rdflib Graph/Dataset, or the store read by :func:`read_asserted`).

    Raises InconsistentGraph with explanations. ``progress(what)`` is a
    context manager around each step (:func:`jakkg.progress.step`).
    ``single=True`` gives HermiT everything in one run to classify: the
    reference that the bounded plan (:func:`plan_runs`) is tested against;
    ``single=False`` takes the bounded plan whenever its conditions hold,
    None (the default) only on graphs past SINGLE_RUN_UP_TO triples.
    ``release=True`` frees the store once the facts are read (the outputs
    re-read the file), before HermiT's processes start: `jakkg reason` does.
    """
    step = progress or _quiet
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    onto = onto or load_ontology()
    asserted = as_asserted(ds)
    schema = Schema.of(onto)
    with step("entity-level facts, target profiles and HermiT's input"):
        facts = entity_facts(asserted, schema)
        profiles = target_profiles(asserted, facts, schema)
        lists = target_lists(profiles)
        plan = plan_runs(onto, facts, lists, schema, single)
        papers = paper_labels(asserted, (p.paper for p in profiles))
    if release:
        asserted.store = None
        _return_freed_memory()
    timings["facts"] = time.perf_counter() - t0
    namespaces = output_namespaces(asserted, onto)
    check_java()
    t1 = time.perf_counter()
    try:
        entailed = _hermit(plan, facts, schema, step)
        if plan.members and enumeration_problem(onto, entailed.types):  # an entity equal to a JAK: no derivation
            plan = single_run(onto, facts, lists, schema)
            entailed = _hermit(plan, facts, schema, step)
    except _Inconsistent:
        with step("explain the contradiction"):
            problems = Explainer(onto, facts, background_graph(onto, facts, lists.values(), schema), namespaces).explain()
        raise InconsistentGraph(problems) from None
    timings["hermit"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    if plan.members:
        entailed = _with_members(entailed, plan, onto, facts)
    by_list = entailed.profile_classes
    entailed.profile_classes = {p.iri: by_list[lists[p.targets].iri] for p in profiles}
    asserted_facts = {(s, RDF.type, c) for s, c in facts.types} | set(facts.relations)
    new = sorted(({(s, RDF.type, c) for s, c in entailed.types} | entailed.relations) - asserted_facts,
                 key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    new = [t for t in new if t[2] not in (OWL.Thing, OWL.NamedIndividual)]
    inferred = inferred_triples(new, profiles, entailed, onto, facts, papers)
    timings["entailments"] = time.perf_counter() - t2
    return Reasoning(facts, profiles, lists, entailed, new, inferred, asserted, namespaces,
                     sum(r.triples for r in plan.runs), timings, runs=[r.triples for r in plan.runs])


def _return_freed_memory() -> None:
    """Give the heap that the freed store leaves back to the system (glibc keeps it otherwise).

    The store is the largest thing the stage holds (about 1.4 GB of 2 at 100k
    claims); without this, the process would keep its pages while HermiT's
    JVMs run beside it. Elsewhere than glibc, nothing to do.
    """
    import ctypes
    import ctypes.util

    try:
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def _hermit(plan: Plan, facts: Facts, schema: Schema, step: Step) -> Entailed:
    names = " and ".join(f"{r.name} ({r.triples:,} triples)" for r in plan.runs)
    with step(f"HermiT on {len(facts.individuals):,} individuals, {len(facts):,} facts: {names}"):
        return run_all(plan.runs, sorted(schema.object_properties))


def _with_members(entailed: Entailed, plan: Plan, onto: Ontology, facts: Facts) -> Entailed:
    """The patients' and cohorts' classes from their representatives, their relations derived."""
    by_rep: dict[URIRef, set[URIRef]] = defaultdict(set)
    for s, c in entailed.types:
        if s.startswith(REPRESENTATIVE):
            by_rep[s].add(c)
    types = {(s, c) for s, c in entailed.types if s in facts.individuals}
    types |= {(m, c) for m, rep in plan.representative.items() for c in by_rep[rep]}
    relations = entailed.relations | {t for t in derived_relations(onto, facts, plan.members)
                                      if t[0] in facts.individuals and t[2] in facts.individuals}
    return Entailed(types, relations, entailed.profile_classes)


def reason_file(in_path: Path, out_dir: Path, ontology_files: list[Path] | None = None,
                progress: Step | None = None, single: bool | None = None) -> Reasoning:
    """``jakkg reason``: read the built graph, reason, write the two files atomically."""
    step = progress or _quiet
    onto = load_ontology(ontology_files)
    check_java()  # before reading a large graph: a missing Java is known in a millisecond
    # scratch beside the outputs (the same disk) when their directory exists: the asserted lines and their sort
    scratch = Path(tempfile.mkdtemp(prefix=".reason-", dir=out_dir if Path(out_dir).is_dir() else None))
    asserted = None
    try:
        t = time.perf_counter()
        with step(f"read {display_path(Path(in_path))}"):
            schema = Schema.of(onto)
            asserted = read_asserted(Path(in_path), read_predicates(schema), scratch, read_types(schema))
        read = time.perf_counter() - t
        result = reason_dataset(asserted, onto, progress, single, release=True)
        result.timings["read"] = read
        t = time.perf_counter()
        with step(f"write {INFERRED_FILE} and {REASONED_FILE}"), atomic_outputs(Path(out_dir)) as stage:
            stage(INFERRED_FILE, result.inferred_turtle())
            result.write_reasoned(stage.path(REASONED_FILE))
        result.timings["write"] = time.perf_counter() - t
    finally:
        if asserted is not None and asserted.sorted_lines is not None:
            asserted.sorted_lines.cancel()
        shutil.rmtree(scratch, ignore_errors=True)
    result.paths = {"inferred": Path(out_dir) / INFERRED_FILE, "reasoned": Path(out_dir) / REASONED_FILE}
    return result


def qname(term: Node, namespaces: Iterable[tuple[str, Node]]) -> str:
    """prefix:local for messages, the full IRI when no prefix fits."""
    text = str(term)
    for prefix, ns in sorted(((p, str(n)) for p, n in namespaces if p), key=lambda x: -len(x[1])):
        if text.startswith(ns) and re.fullmatch(r"[A-Za-z0-9_.:/-]+", text[len(ns):] or "-"):
            return f"{prefix}:{text[len(ns):]}"
    return f"<{text}>"


def summary(result: Reasoning) -> Iterator[str]:
    """The lines `jakkg reason` prints."""
    f = result.facts
    ns = result.namespaces
    yield (f"consistent: HermiT found no contradiction between the ontology and {len(f.individuals)} entities, "
           f"{len(f)} entity-level facts and {len(result.profiles)} per-paper target profiles "
           f"({len(result.lists)} closure axioms, {result.hermit_triples} triples in all; "
           f"HermiT runs of {' and '.join(map(str, result.runs))} triples, {result.timings.get('hermit', 0):.1f} s)")
    yield f"inferred {len(result.new)} new triples:"
    for pred, n in result.counts().items():
        what = "class memberships (rdf:type)" if pred == str(RDF.type) else qname(URIRef(pred), ns)
        yield f"  {n:>6}  {what}"
    yield from _profile_lines(result, ns)


def _profile_lines(result: Reasoning, ns: list[tuple[str, URIRef]]) -> Iterator[str]:
    """One line per paper's profile; on a large corpus one line per drug and class set, counting the papers."""
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for prof in result.profiles:
        drug = result.facts.labels.get(prof.drug, str(prof.drug))
        classes = ", ".join(qname(c, ns) for c in result.entailed.profile_classes.get(prof.iri, [])) or "no JAK class"
        groups[(drug, classes)].append(str(prof.paper).rsplit("/", 1)[-1])
    if len(result.profiles) <= MAX_PROFILE_LINES:
        for prof in result.profiles:
            drug = result.facts.labels.get(prof.drug, str(prof.drug))
            classes = ", ".join(qname(c, ns) for c in result.entailed.profile_classes.get(prof.iri, [])) or "no JAK class"
            yield f"  per paper: {drug} according to {str(prof.paper).rsplit('/', 1)[-1]}: {classes}"
        return
    for (drug, classes), papers in sorted(groups.items()):
        yield f"  per paper: {drug} according to {len(papers)} papers (first: {min(papers)}): {classes}"
