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

Per-paper target profiles
    Open world: HermiT cannot conclude "inhibits no other JAK" from a list of
    targets, because another paper may add one. jakkg states what each paper
    says as a *target profile*: one individual per (paper, drug) whose JAK
    targets are exactly the JAKs that paper says the drug inhibits (a
    closure axiom ``inhibits only (not JanusKinase or {listed JAKs})``). Its
    other targets stay open. So tofacitinib is a JAK1/2 inhibitor under
    paper 000 (JAK1/2/3) and a JAK2-sparing JAK1/3 inhibitor under paper 001
    (JAK1/3), and the union of the papers never yields "selective".

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
import re
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS, XSD, BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, PROV
from rdflib.term import Node

from .errors import JakkgError, UsageError, display_path
from .export import atomic_outputs, merged_graph, turtle
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
JAVA_HINT = "Java 11+ is needed for reasoning; install it with e.g. `apt-get install default-jre-headless`"
MAX_EXPLAIN_CHECKS = 80  # HermiT runs QuickXplain may spend on one explanation
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

    def file_of(self, triple: tuple[Node, Node, Node]) -> str:
        return next((p.name for p, g in self.files.items() if triple in g), "?")

    def iris(self) -> list[URIRef]:
        return sorted(s for s in self.graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))


def load_ontology(paths: Iterable[Path] | None = None) -> Ontology:
    """Parse the ontology Turtle files; a corrupt file is a UsageError naming file, line and column."""
    files: dict[Path, Graph] = {}
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
    return Ontology(merged, files)


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


def entity_facts(ds: Graph, schema: Schema) -> Facts:
    """Collect entity types, entity-entity triples and constrained data values.

    Uses index lookups per category and per property, so the cost follows
    the triples that match, not the size of the claims' graphs.
    """
    f = Facts()
    for category in schema.categories:
        f.individuals.update(s for s in ds.subjects(RDF.type, category) if isinstance(s, URIRef))
    for ind in f.individuals:
        for c in ds.objects(ind, RDF.type):
            if c in schema.classes:
                f.types.add((ind, c))  # type: ignore[arg-type]
        if (label := ds.value(ind, RDFS.label)) is not None:
            f.labels[ind] = str(label)
        if (curie := ds.value(ind, DCTERMS.identifier)) is not None:
            f.curies[ind] = str(curie)
    for p in schema.object_properties:
        for s, o in ds.subject_objects(p):
            if s in f.individuals and o in f.individuals:
                f.relations.add((s, p, o))  # type: ignore[arg-type]
    for p in schema.data_properties:
        for s, o in ds.subject_objects(p):
            if s in f.individuals and isinstance(o, Literal) and (o.datatype is None or o.datatype in OWL2_DATATYPES):
                f.values.add((s, p, o))  # type: ignore[arg-type]
    return f


@dataclass(frozen=True)
class TargetProfile:
    """A drug as one paper describes its targets (see the module docstring)."""

    iri: URIRef
    drug: URIRef
    paper: URIRef
    targets: tuple[URIRef, ...]
    claims: tuple[URIRef, ...]


def target_profiles(ds: Graph, facts: Facts, schema: Schema) -> list[TargetProfile]:
    """One profile per (source paper, drug) whose inhibits claims name at least one JAK.

    Negated claims name no target. Cost: one pass over the inhibits claims;
    what reaches the reasoner is bounded by papers x drugs.
    """
    jaks = set(schema.janus_kinases)
    groups: dict[tuple[URIRef, URIRef], dict[URIRef, set[URIRef]]] = defaultdict(lambda: defaultdict(set))
    for claim in ds.subjects(RDF.predicate, INHIBITS):
        negated = ds.value(claim, JAKKG.negated)
        if isinstance(negated, Literal) and negated.toPython() is True:
            continue
        drug, target, paper = ds.value(claim, RDF.subject), ds.value(claim, RDF.object), ds.value(claim, DCTERMS.source)
        if not (isinstance(drug, URIRef) and isinstance(target, URIRef) and isinstance(paper, URIRef)):
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


def background_graph(onto: Ontology, facts: Facts, profiles: list[TargetProfile], schema: Schema) -> Graph:
    """Everything the reasoner gets except the facts: ontology, declarations, unique names, profiles."""
    g = Graph()
    g += onto.graph
    for ind in facts.individuals:
        g.add((ind, RDF.type, OWL.NamedIndividual))
    cohorts = sorted(s for s, c in facts.types if c == JAKKG.Cohort)
    if len(cohorts) > 1:  # distinct cohort ids name distinct cohorts (unique ids in data/)
        node = BNode()
        g.add((node, RDF.type, OWL.AllDifferent))
        g.add((node, RDFS.label, Literal("cohorts with different ids are different cohorts")))
        g.add((node, OWL.distinctMembers, _rdf_list(g, cohorts)))
    jaks = set(schema.janus_kinases)
    for p in profiles:
        g.add((p.iri, RDF.type, OWL.NamedIndividual))
        g.add((p.iri, RDF.type, DRUG))
        for t in p.targets:
            g.add((p.iri, INHIBITS, t))
        closure_axiom(g, p.iri, [t for t in p.targets if t in jaks])
    return g


def with_facts(background: Graph, triples: Iterable[Triple]) -> Graph:
    g = Graph()
    g += background
    for t in triples:
        g.add(t)
    return g


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


def run_hermit(graph: Graph) -> Any:
    """Load ``graph`` into a fresh owlready2 World and run HermiT with property values.

    Returns the World (inferences are stored in it). Raises _Inconsistent.
    """
    import owlready2

    world = owlready2.World()
    data = graph.serialize(format="nt", encoding="utf-8")
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
    import owlready2
    from owlready2 import reasoning

    with tempfile.NamedTemporaryFile("wb", suffix=".nt", delete=False) as fh:
        fh.write(graph.serialize(format="nt", encoding="utf-8"))
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


def entailments(world: Any, facts: Facts, profiles: list[TargetProfile], schema: Schema) -> Entailed:
    """Named classes (with all their named superclasses) and object property values of each individual.

    owlready2 keeps the most specific inferred types; the ancestors are added
    so that a store without a reasoner finds a JAK1/2 inhibitor under
    jakkg:JAKInhibitor too. Property values include those through inverses
    and symmetry, which owlready2 answers but does not store.
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

    types = {(ind, c) for ind in facts.individuals for c in classes_of(ind)}
    relations: set[tuple[URIRef, URIRef, URIRef]] = set()
    for p in sorted(schema.object_properties):
        prop = world[str(p)]
        if prop is None:
            continue
        for s, o in prop.get_relations():
            si, oi = URIRef(getattr(s, "iri", "")), URIRef(getattr(o, "iri", ""))
            if si in facts.individuals and oi in facts.individuals:
                relations.add((si, p, oi))
    profile_classes = {p.iri: sorted(classes_of(p.iri) - {DRUG}) for p in profiles}
    return Entailed(types, relations, profile_classes)


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


def inferred_graph(new: Iterable[Triple], profiles: list[TargetProfile], entailed: Entailed, onto: Ontology,
                   facts: Facts, ds: Graph, namespaces: Iterable[tuple[str, Node]]) -> Graph:
    """The new triples and the profiles, each reified as a jakkg:InferredStatement."""
    import owlready2

    content = Graph()
    for s, p, o in new:
        content.add((s, p, o))
    for prof in profiles:
        content.add((prof.iri, RDF.type, JAKKG.TargetProfile))
        content.add((prof.iri, JAKKG.profileOf, prof.drug))
        content.add((prof.iri, DCTERMS.source, prof.paper))
        drug = facts.labels.get(prof.drug, str(prof.drug))
        paper = ds.value(prof.paper, RDFS.label)
        content.add((prof.iri, RDFS.label, Literal(f"{drug} according to {paper or prof.paper}")))
        for t in prof.targets:
            content.add((prof.iri, JAKKG.profileTarget, t))
        for c in prof.claims:
            content.add((prof.iri, JAKKG.basedOnClaim, c))
        for c in entailed.profile_classes.get(prof.iri, []):
            content.add((prof.iri, JAKKG.inferredClass, c))
    out = Graph()
    for prefix, ns in namespaces:
        out.bind(prefix, ns, override=True, replace=True)
    out.bind("inferred", JAKDM["inferred/"])
    out.bind("profile", JAKDM["profile/"])
    out += content
    for s, p, o in content:
        node = reification(s, p, o)
        out.add((node, RDF.type, JAKKG.InferredStatement))
        out.add((node, RDF.subject, s))
        out.add((node, RDF.predicate, p))
        out.add((node, RDF.object, o))
        out.add((node, PROV.wasGeneratedBy, ACTIVITY))
    out.add((ACTIVITY, RDF.type, PROV.Activity))
    out.add((ACTIVITY, RDFS.label, Literal(f"OWL 2 reasoning with HermiT (owlready2 {owlready2.VERSION})")))
    out.add((ACTIVITY, JAKKG.consistent, Literal(True)))
    for iri in onto.iris():
        out.add((ACTIVITY, PROV.used, iri))
    return out


@dataclass
class Reasoning:
    """What one run found and wrote."""

    facts: Facts
    profiles: list[TargetProfile]
    entailed: Entailed
    new: list[Triple]
    inferred: Graph
    reasoned: Graph
    timings: dict[str, float]
    paths: dict[str, Path] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """New triples per predicate (rdf:type counted as 'class memberships')."""
        out: dict[str, int] = defaultdict(int)
        for _, p, _ in self.new:
            out[str(p)] += 1
        return dict(sorted(out.items()))


def reason_dataset(ds: Graph, onto: Ontology | None = None) -> Reasoning:
    """Reason over a built graph (Dataset or Graph); raise InconsistentGraph with explanations."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    onto = onto or load_ontology()
    schema = Schema.of(onto)
    facts = entity_facts(ds, schema)
    profiles = target_profiles(ds, facts, schema)
    background = background_graph(onto, facts, profiles, schema)
    graph = with_facts(background, facts.triples())
    timings["facts"] = time.perf_counter() - t0
    check_java()
    t1 = time.perf_counter()
    try:
        world = run_hermit(graph)
    except _Inconsistent:
        raise InconsistentGraph(Explainer(onto, facts, background, ds.namespaces()).explain()) from None
    timings["hermit"] = time.perf_counter() - t1
    t2 = time.perf_counter()
    try:
        entailed = entailments(world, facts, profiles, schema)
    finally:
        world.close()
    asserted = {(s, RDF.type, c) for s, c in facts.types} | set(facts.relations)
    new = sorted(({(s, RDF.type, c) for s, c in entailed.types} | entailed.relations) - asserted,
                 key=lambda t: (str(t[0]), str(t[1]), str(t[2])))
    new = [t for t in new if t[2] not in (OWL.Thing, OWL.NamedIndividual)]
    namespaces = list(ds.namespaces()) + list(onto.graph.namespaces())
    inferred = inferred_graph(new, profiles, entailed, onto, facts, ds, namespaces)
    reasoned = merged_graph(ds) if isinstance(ds, Dataset) else _copy(ds)
    for prefix, ns in namespaces:
        reasoned.bind(prefix, ns, override=False)
    for prefix, ns in inferred.namespaces():
        reasoned.bind(prefix, ns, override=False)
    reasoned += inferred
    timings["entailments"] = time.perf_counter() - t2
    return Reasoning(facts, profiles, entailed, new, inferred, reasoned, timings)


def _copy(g: Graph) -> Graph:
    out = Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns)
    out += g
    return out


def reason_file(in_path: Path, out_dir: Path, ontology_files: list[Path] | None = None) -> Reasoning:
    """``jakkg reason``: read the built graph, reason, write the two files atomically."""
    from .validate import read_dataset

    onto = load_ontology(ontology_files)
    ds = read_dataset(Path(in_path))
    result = reason_dataset(ds, onto)
    t = time.perf_counter()
    with atomic_outputs(Path(out_dir)) as stage:
        stage(INFERRED_FILE, turtle(result.inferred))
        stage(REASONED_FILE, turtle(result.reasoned))
    result.timings["write"] = time.perf_counter() - t
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
    ns = list(result.inferred.namespaces())
    yield (f"consistent: HermiT found no contradiction between the ontology and {len(f.individuals)} entities, "
           f"{len(f)} entity-level facts and {len(result.profiles)} per-paper target profiles "
           f"(HermiT {result.timings.get('hermit', 0):.1f} s)")
    yield f"inferred {len(result.new)} new triples:"
    for pred, n in result.counts().items():
        what = "class memberships (rdf:type)" if pred == str(RDF.type) else qname(URIRef(pred), ns)
        yield f"  {n:>6}  {what}"
    for prof in result.profiles:
        drug = f.labels.get(prof.drug, str(prof.drug))
        classes = ", ".join(qname(c, ns) for c in result.entailed.profile_classes.get(prof.iri, [])) or "no JAK class"
        yield f"  per paper: {drug} according to {str(prof.paper).rsplit('/', 1)[-1]}: {classes}"
