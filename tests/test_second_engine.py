"""A second, independent SHACL engine runs jakkg's shapes and says exactly what pySHACL says.

pySHACL is jakkg's reference engine and pyshacl-turbo is held to it; both are
Python-world engines. Apache Jena's SHACL engine (Java, written apart from
pySHACL by other people, from the W3C spec) is the independent check: the
shapes must mean the same to it, result for result, on the seed build and on
graphs with planted errors. It also shows that the shapes keep to SHACL 1.0
(Core and SHACL-SPARQL): Jena refuses SHACL-AF's parameterised SPARQL
targets ("Missing required parameter").

Jena comes from Debian (``libapache-jena-java``, installed by ``make
setup-jena``, with the Java of ``make setup-java``); without it the tests
fail in one line naming that target, as the browser test does. The JVM is given a proxy that does not
exist, so a shape or a parser that tried to fetch anything would fail the
test rather than reach the network.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, Namespace, URIRef

from jakkg.export import merged_graph
from jakkg.validate import default_shapes, validate_graph

SH = Namespace("http://www.w3.org/ns/shacl#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # a plain Namespace: pytest probes module attributes, rdflib.XSD warns
JENA_PACKAGE = "libapache-jena-java"
JAVA_DIR = Path("/usr/share/java")
# SLF4J bindings and bridges: more than one on the class path makes SLF4J refuse to start; slf4j-nop keeps Jena quiet.
SLF4J_EXTRAS = re.compile(r"^(slf4j-(?!api\.jar$).*|log4j-over-slf4j|jcl-over-slf4j|jul-to-slf4j)")
NO_NETWORK = ["-Dhttp.proxyHost=127.0.0.1", "-Dhttp.proxyPort=9", "-Dhttps.proxyHost=127.0.0.1", "-Dhttps.proxyPort=9"]


# -- finding and running Jena ---------------------------------------------------------
def _installed(package: str) -> bool:
    done = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], check=False, capture_output=True, text=True)
    return done.returncode == 0 and done.stdout.endswith("installed")


def _debian_jars(package: str, seen: set[str]) -> list[Path]:
    """The unversioned jars of an installed Debian package and of the Java packages it depends on."""
    if package in seen or not _installed(package):
        return []
    seen.add(package)
    listed = subprocess.run(["dpkg-query", "-L", package], check=False, capture_output=True, text=True).stdout.split()
    jars = [Path(f) for f in listed if f.startswith(f"{JAVA_DIR}/") and f.endswith(".jar") and "/" not in f[len(str(JAVA_DIR)) + 1:]
            and not re.search(r"-\d[\w.]*\.jar$", f)]  # jena-core.jar, not its versioned twin jena-core-4.5.0.jar
    depends = subprocess.run(["dpkg-query", "-W", "-f=${Depends}", package], check=False, capture_output=True, text=True).stdout
    for alternatives in depends.split(","):
        name = alternatives.split("|")[0].split("(")[0].strip()
        if name.endswith("-java"):
            jars += _debian_jars(name, seen)
    return jars


def _xerces_resources(jena_core: Path, out: Path) -> Path | None:
    """A jar putting Xerces' message files where Debian's jena-core looks for them, or None when not needed.

    Debian's jena-core 4.5.0-2 moves the Xerces classes Jena embeds to the
    package ``xerces`` but leaves their message files under
    ``org/apache/jena/ext/xerces``; without them every XSD datatype fails to
    initialise ("internal error"). The same files, under the package name the
    classes use, are all the fix needs.
    """
    with zipfile.ZipFile(jena_core) as jar:
        names = jar.namelist()
        if "xerces/impl/dv/xs/XSSimpleTypeDecl.class" not in names or "xerces/impl/msg/XMLSchemaMessages.properties" in names:
            return None
        moved = [n for n in names if n.startswith("org/apache/jena/ext/xerces/") and n.endswith(".properties")]
        with zipfile.ZipFile(out, "w") as shim:
            for name in moved:
                shim.writestr(name.removeprefix("org/apache/jena/ext/"), jar.read(name))
    return out


@pytest.fixture(scope="module")
def jena(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The command that runs Jena's ``shacl validate``: java, options, class path, main class."""
    java = shutil.which("java")
    if java is None or not _installed(JENA_PACKAGE):
        pytest.fail(f"Apache Jena's SHACL engine needs Java and Debian's {JENA_PACKAGE}: sudo make setup-jena", pytrace=False)
    jars = [j for j in dict.fromkeys(_debian_jars(JENA_PACKAGE, set())) if not SLF4J_EXTRAS.match(j.name)]
    jars.append(JAVA_DIR / "slf4j-nop.jar")
    shim = _xerces_resources(JAVA_DIR / "jena-core.jar", tmp_path_factory.mktemp("jena") / "xerces-resources.jar")
    classpath = ":".join(str(p) for p in [*jars, *([shim] if shim else [])])
    return [java, *NO_NETWORK, "-cp", classpath, "shacl.shacl", "validate"]


def run_jena(command: list[str], data: Path, shapes: Path) -> Graph:
    """Jena's SHACL validation report for a data file, parsed; a refusal fails with Jena's own words."""
    done = subprocess.run([*command, "--shapes", str(shapes), "--data", str(data)], check=False, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, f"Jena refused: {done.stderr.strip().splitlines()[:3]}"
    return Graph().parse(data=done.stdout, format="turtle")


# -- comparing reports ------------------------------------------------------------------
def _path(report: Graph, path) -> str:
    """A SHACL property path as text, the same for two engines whatever blank nodes they use.

    Jena writes a sequence or alternative of three as nested pairs, ((a b) c);
    both are flattened, as they mean the same path.
    """
    if isinstance(path, URIRef):
        return f"<{path}>"
    if (path, RDF.first, None) in report:
        return "seq(" + " ".join(_flat(report, path, "seq")) + ")"
    if (alternatives := report.value(path, SH.alternativePath)) is not None:
        return "alt(" + " ".join(_flat(report, alternatives, "alt")) + ")"
    for prop in (SH.inversePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath):
        if (inner := report.value(path, prop)) is not None:
            return f"{prop.removeprefix(str(SH))}({_path(report, inner)})"
    return "?"


def _flat(report: Graph, items, kind: str) -> list[str]:
    """The members of a path list, with members of the same kind (a nested sequence, a nested alternative) spliced in."""
    out = []
    while items not in (RDF.nil, None):
        member = report.value(items, RDF.first)
        if kind == "seq" and (member, RDF.first, None) in report:
            out += _flat(report, member, kind)
        elif kind == "alt" and (inner := report.value(member, SH.alternativePath)) is not None:
            out += _flat(report, inner, kind)
        else:
            out.append(_path(report, member))
        items = report.value(items, RDF.rest)
    return out


NUMERIC = {str(XSD[name]) for name in ("decimal", "integer", "nonNegativeInteger", "positiveInteger", "double", "float", "int")}


def _term(node) -> str:
    """A result's node or value; a number by its value (Turtle writes 200 as 200.0), other literals by their lexical form."""
    if isinstance(node, Literal):
        datatype = str(node.datatype) if node.datatype else ("" if node.language else str(XSD.string))
        if datatype in NUMERIC:
            return f"number {Decimal(str(node)).normalize()}"
        return f"{datatype} {node!s} {node.language or ''}"
    return "_:" if isinstance(node, BNode) else str(node)


def results(report: Graph) -> set[tuple[str, str, str, str, str]]:
    """Every result of a SHACL report as (focus node, path, value, source shape, severity)."""
    out = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        out.add((_term(report.value(result, SH.focusNode)), _path(report, path) if path is not None else "",
                 _term(value) if value is not None else "", str(report.value(result, SH.sourceShape)),
                 str(report.value(result, SH.resultSeverity))))
    return out


def conforms(report: Graph) -> bool:
    return bool(next(report.objects(None, SH.conforms)).toPython())


def same_as_pyshacl(jena: list[str], graph: Graph, workdir: Path) -> set[tuple[str, str, str, str, str]]:
    """Jena's results on the graph, after checking they equal pySHACL's; both read the same Turtle file."""
    data = workdir / "data.ttl"
    graph.serialize(data, format="turtle")
    reference = validate_graph(graph, engine="pyshacl").results_graph
    independent = run_jena(jena, data, default_shapes())
    assert conforms(independent) == conforms(reference)
    mine, theirs = results(reference), results(independent)
    assert sorted(theirs - mine) == [], "Jena reports what pySHACL does not"
    assert sorted(mine - theirs) == [], "pySHACL reports what Jena does not"
    return theirs


# -- the tests ----------------------------------------------------------------------------------
def test_jena_agrees_with_pyshacl_on_the_seed_build(jena: list[str], dataset, tmp_path: Path) -> None:
    found = same_as_pyshacl(jena, merged_graph(dataset), tmp_path)
    severities = [r[4].rsplit("#", 1)[1] for r in found]
    assert severities.count("Violation") == 0 and severities.count("Warning") > 0  # the seed's known warnings


def test_jena_agrees_with_pyshacl_on_planted_errors(jena: list[str], tmp_path_factory: pytest.TempPathFactory,
                                                    seeds_dir: Path) -> None:
    """The negative-test corpus of tests/test_validate.py, every mutation, in a few graphs, through both engines.

    Mutations that touch no common node share a graph, so that each graph
    carries many independent errors, and the shape meant for each of them
    must report it in Jena too. The mutations that fit no such graph (the
    predicate cases all rewrite one claim) go together into one more graph,
    where errors mask each other: there the engines must only agree.
    """
    from jakkg.build import build_dataset
    from jakkg.load import load_corpus

    from .test_validate import ALL_CASES, copy, make_fixture_data

    base = merged_graph(build_dataset(load_corpus(make_fixture_data(tmp_path_factory.mktemp("planted") / "data"), seeds_dir)))
    groups, rest = planted_groups(base, ALL_CASES)
    assert sum(map(len, groups)) > 100 and rest
    for number, cases in enumerate([*groups, rest]):
        broken = copy(base)
        for case in cases:
            case.mutate(broken)
        found = same_as_pyshacl(jena, broken, tmp_path_factory.mktemp(f"group{number}"))
        if number < len(groups):
            missed = [case.name for case in cases if f"https://w3id.org/jakkg/shapes/{case.shape}" not in {r[3] for r in found}]
            assert missed == [], "planted errors Jena did not report"


def planted_groups(base: Graph, cases: list, most: int = 5) -> tuple[list[list], list]:
    """Up to ``most`` groups of cases that touch no common node, and the cases that fit none of them."""
    from .test_validate import copy

    base_triples = set(base)
    groups: list[list] = []
    touched: list[set] = []
    rest = []
    for case in cases:
        broken = copy(base)
        case.mutate(broken)
        changed = base_triples.symmetric_difference(set(broken))
        nodes = {s for s, _, _ in changed} | {o for _, _, o in changed if isinstance(o, URIRef)}
        free = next((i for i, group_nodes in enumerate(touched) if not group_nodes & nodes), None)
        if free is None and len(groups) < most:
            groups.append([])
            touched.append(set())
            free = len(groups) - 1
        if free is None:
            rest.append(case)
        else:
            groups[free].append(case)
            touched[free] |= nodes
    return groups, rest


def test_jena_refuses_shacl_af_targets(jena: list[str], tmp_path: Path) -> None:
    """Why the shapes keep to SHACL 1.0: a parameterised SPARQL target (SHACL-AF) stops Jena."""
    shapes = tmp_path / "af.shapes.ttl"
    shapes.write_text("""
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:WithPredicate a sh:SPARQLTargetType ; rdfs:subClassOf sh:Target ;
    sh:parameter [ sh:path ex:predicate ] ; sh:select "SELECT ?this WHERE { ?this <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> $predicate }" .
ex:Shape a sh:PropertyShape ; sh:target [ a ex:WithPredicate ; ex:predicate ex:p ] ; sh:path rdf:subject ; sh:minCount 1 .
""", encoding="utf-8")
    data = tmp_path / "data.ttl"
    data.write_text("<https://example.org/c> <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <https://example.org/p> .\n",
                    encoding="utf-8")
    done = subprocess.run([*jena, "--shapes", str(shapes), "--data", str(data)], check=False, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "Missing required parameter" in done.stderr
