"""The build's fast path for sh:sparql constraints (issue 10) says exactly what pyshacl-turbo and pySHACL say.

The build runs the core shapes with pyshacl-turbo and asks each SPARQL
constraint once per partition, in Oxigraph, whether any target has a
solution; only shapes answered yes are run by the engine. These tests hold
that path to the engine's full run (same canonical results graph, triple
for triple, so the written report is byte-identical) and to pySHACL, on the
seed build and on a planted error for every sh:sparql rule; and they check
that a query whose form the bulk question cannot answer stays with the engine.
"""
from __future__ import annotations

import pytest
from rdflib import Graph

from jakkg.validate import (
    SH,
    _canonical_results,
    _Locator,
    _prebinding_safe,
    _program,
    _report,
    _sparql_split,
    _StoreView,
    _turbo_results,
    load_shapes,
    validate_graph,
)

from .test_validate import ALL_CASES, Case, base_graph, copy, fixture_data, verdicts  # noqa: F401 - fixtures

SPARQL_CASES = [case for case in ALL_CASES if case.component == "SPARQL"]


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes()


def engine_results(text: str, shapes: Graph) -> Graph:
    """What the build ran before: every shape, SPARQL ones included, by pyshacl-turbo."""
    from pyshacl_turbo.rdf import Input

    _, results, _ = _program(shapes, "turbo").validate(Input(text, "nt", None, {}), allow_warnings=True)
    return _canonical_results(results)


def fast(text: str, shapes: Graph) -> tuple[Graph, _StoreView]:
    view = _StoreView(text, "nt")
    return _turbo_results(text, view.store, shapes), view


def test_every_sparql_constraint_of_the_shapes_is_asked_in_bulk(shapes: Graph) -> None:
    """All of them qualify, else the build would run the rest per focus node (the cost this path removes)."""
    split = _sparql_split(shapes)
    assert len(split.checks) == len(set(shapes.subject_objects(SH.sparql))) == 40
    assert not any(True for _ in split.core.triples((None, SH.sparql, None)))
    assert len(split.core) == len(shapes) - 40


def test_seed_partitions_give_the_engines_results(corpus, shapes: Graph) -> None:
    """Every partition of the seed build: the same canonical results graph as the engine's full run."""
    from jakkg.build import build_graph, triple_line

    built = build_graph(corpus)
    for key, lines in built.partitions().items():
        text = "".join(map(triple_line, lines))
        got, _ = fast(text, shapes)
        assert set(got) == set(engine_results(text, shapes)), key


@pytest.mark.parametrize("case", SPARQL_CASES, ids=lambda k: k.name)
def test_planted_error_is_found_as_the_engines_find_it(case: Case, base_graph: Graph, shapes: Graph) -> None:  # noqa: F811
    """A planted error for each sh:sparql rule: reported, with the engine's results, and as pySHACL reports it."""
    broken = copy(base_graph)
    case.mutate(broken)
    text = broken.serialize(format="nt")
    got, view = fast(text, shapes)
    assert set(got) == set(engine_results(text, shapes))
    report = _report(got, _Locator(view), "broken", "shapes")
    assert any(case.matches(f) for f in report.findings), [(f.shape, f.focus) for f in report.findings]
    reference = validate_graph(broken, shapes, engine="pyshacl", only=[f"https://w3id.org/jakkg/shapes/{case.shape}"])
    mine = [v for v in verdicts(report) if v[4] == f"jks:{case.shape}"]
    assert mine == verdicts(reference)


PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex: sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .
"""
DATA = """<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/Sub> .
<http://example.org/Sub> <http://www.w3.org/2000/01/rdf-schema#subClassOf> <http://example.org/C> .
<http://example.org/b> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> .
<http://example.org/b> <http://example.org/p> "1" .
"""


def one_shape(select: str) -> Graph:
    return Graph().parse(data=PREFIXES + f'''ex:Shape a sh:NodeShape ; sh:targetClass ex:C ;
        sh:sparql [ sh:prefixes ex: ; sh:message "no ex:p" ; sh:select """{select}""" ] .''', format="turtle")


@pytest.mark.parametrize(("select", "bulk"), [
    ("SELECT $this WHERE { $this a ?type . FILTER NOT EXISTS { $this ex:p ?x } }", True),
    ("SELECT $this WHERE { FILTER NOT EXISTS { $this ex:p ?x } }", False),  # $this bound only by pre-binding
    ("SELECT $this WHERE { OPTIONAL { $this ex:p ?x } FILTER (!BOUND(?x)) }", False),  # free: finds no one
])
def test_a_query_the_bulk_question_cannot_answer_stays_with_the_engine(select: str, bulk: bool) -> None:
    """Both forms find ex:a (a subclass instance, so a class target); only the safe form is asked in bulk."""
    shapes = one_shape(select)
    assert bool(_sparql_split(shapes).checks) == bulk
    got, _ = fast(DATA, shapes)
    assert set(got) == set(engine_results(DATA, shapes))
    assert {str(f) for f in got.objects(None, SH.focusNode)} == {"http://example.org/a"}


@pytest.mark.parametrize(("query", "safe"), [
    ("SELECT $this ?value WHERE { $this ex:p ?value . FILTER NOT EXISTS { $this ex:q true } OPTIONAL { $this ex:r ?value } }", True),
    ("SELECT $this ?c WHERE { $this ex:s ?s . { SELECT $this (COUNT(DISTINCT ?p) AS ?c) WHERE { ?p ex:m $this } GROUP BY $this } }", True),
    ("SELECT $this ?c WHERE { $this ex:s ?s . { SELECT (COUNT(?p) AS ?c) WHERE { ?p ex:m $this } } }", False),
    ("SELECT $this ?c WHERE { $this ex:s ?s . { SELECT $this (COUNT(?p) AS ?c) WHERE { ?p ex:m $this } } }", False),
    ("SELECT $this WHERE { ?x ex:p ?y OPTIONAL { $this ex:q ?y } $this ex:r ?y }", False),
    ("SELECT $this WHERE { $this ex:r ?y OPTIONAL { ?y ex:q ?z FILTER (?z != $this) } }", False),
    ("SELECT $this WHERE { $this ex:r ?y } LIMIT 1", False),
    ("SELECT $this WHERE { $this ex:r ?v . { SELECT $this WHERE { $this ex:q ?w } LIMIT 3 } }", False),
    ("SELECT $this WHERE { { $this ex:r ?v } UNION { ?v ex:r $this } }", False),
    ("SELECT $this WHERE { $this ex:r ?v . BIND (1 AS ?x) }", False),
    ("SELECT ?value WHERE { $this ex:r ?value }", False),
    ("SELECT * WHERE { $this ex:r ?value }", False),
    ("SELECT $this WHERE { [ ex:p $this ] ex:r ?v }", True),
    ('SELECT $this WHERE { $this ex:r """a } { # \'""" . FILTER regex(STR(?v), "}") }', True),
    ("SELECT $this WHERE { $this ex:r ?v } GROUP BY ?v", False),
])
def test_prebinding_rule(query: str, safe: bool) -> None:
    """$this as a free variable only where SHACL's pre-binding gives each focus node the same solutions."""
    assert _prebinding_safe("PREFIX ex: <http://example.org/#x>\n" + query) is safe


# -- literals an Oxigraph store does not keep as written ("2.0" -> "2", "1"^^xsd:boolean -> true) --
LITERALS = """<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> .
<http://example.org/a> <http://example.org/p> "2.0"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://example.org/a> <http://example.org/q> "2"^^<http://www.w3.org/2001/XMLSchema#decimal> .
<http://example.org/a> <http://example.org/neg> "1"^^<http://www.w3.org/2001/XMLSchema#boolean> .
<http://example.org/a> <http://example.org/line> "7"^^<http://www.w3.org/2001/XMLSchema#positiveInteger> .
"""


@pytest.mark.parametrize(("select", "engine_only"), [
    # "2.0" and "2" are one term in the store, two in the engine: the NOT EXISTS differs
    ("SELECT $this WHERE { $this ex:p ?v . FILTER NOT EXISTS { $this ex:q ?v } }", True),
    # "1"^^xsd:boolean is true in the store, not the term true in the engine
    ("SELECT $this WHERE { $this a ex:C . FILTER NOT EXISTS { $this ex:neg true } }", True),
    # the datatype of "7"^^xsd:positiveInteger is xsd:integer in the store
    ("SELECT $this WHERE { $this ex:line ?v . FILTER (DATATYPE(?v) = xsd:positiveInteger) }", True),
    # values compare alike; the changed literals are on properties the query does not name
    ("SELECT $this WHERE { $this ex:line ?v . FILTER (?v > 5) }", False),
    ("SELECT $this WHERE { $this a ex:C . FILTER NOT EXISTS { $this ex:other ?v } }", False),
])
def test_literals_the_store_changes_send_the_shapes_that_see_them_to_the_engine(select: str, engine_only: bool) -> None:
    from jakkg.validate import _engine_only

    shapes = one_shape(select.replace("xsd:", "<http://www.w3.org/2001/XMLSchema#").replace("positiveInteger)", "positiveInteger>)"))
    split = _sparql_split(shapes)
    assert len(split.checks) == 1
    assert bool(_engine_only(LITERALS, split)) == engine_only
    got, _ = fast(LITERALS, shapes)
    assert set(got) == set(engine_results(LITERALS, shapes))
    assert {str(f) for f in got.objects(None, SH.focusNode)} == {"http://example.org/a"}


def test_a_typed_constant_in_a_pattern_stays_with_the_engine() -> None:
    """The store would match "2.0" against a written "2.00"; the engine would not."""
    assert not _sparql_split(one_shape("SELECT $this WHERE { $this ex:p 2.0 }")).checks
    assert not _sparql_split(one_shape('SELECT $this WHERE { $this ex:p "2"^^<http://example.org/t> }')).checks
    assert _sparql_split(one_shape("SELECT $this WHERE { $this ex:p ?v FILTER (?v > 2.0) }")).checks


@pytest.mark.parametrize(("query", "predicates", "reads"), [
    ("SELECT $this ?value ?n WHERE { $this ex:p ?value ; ex:q ?n . FILTER (?value > ?n) }", {"p", "q"}, False),
    ("SELECT $this WHERE { $this ?p ?v }", None, False),
    ("SELECT $this WHERE { $this ex:p ?v ; ?q ?w }", None, False),
    ("SELECT $this WHERE { $this ex:p/!ex:q ?v }", None, False),
    ("SELECT $this WHERE { $this ex:p/<http://example.org/r> ?v FILTER (regex(STR(?v), \"^a\")) }", {"p", "r"}, True),
    ("SELECT $this ?m WHERE { $this ex:p ?v { SELECT $this (MAX(?w) AS ?m) WHERE { $this ex:q ?w } GROUP BY $this } }", {"p", "q"}, True),
    ("SELECT $this WHERE { $this ex:p ?v FILTER NOT EXISTS { ?v ex:q true } }", {"p", "q"}, True),
])
def test_reach(query: str, predicates: set[str] | None, reads: bool) -> None:
    """The properties a query can follow, and whether it reads a literal's form."""
    from jakkg.validate import _reach

    reach = _reach("PREFIX ex: <http://example.org/>\n" + query)
    assert reach.predicates == (None if predicates is None else {f"http://example.org/{p}" for p in predicates})
    assert reach.reads_literals is reads


def test_text_that_only_looks_typed_trusts_no_bulk_answer() -> None:
    """A string that contains a datatype's text cannot be read as a typed literal: every bulk-checked shape goes to the engine."""
    from jakkg.validate import _engine_only, _typed_literals

    tricky = '<http://example.org/a> <http://example.org/p> "x\\"^^<http://www.w3.org/2001/XMLSchema#int> y" .\n'
    assert _typed_literals(tricky, None) is None
    split = _sparql_split(one_shape("SELECT $this WHERE { $this a ?type . FILTER NOT EXISTS { $this ex:p ?x } }"))
    assert _engine_only(tricky, split) == ["http://example.org/Shape"]
    assert _typed_literals(LITERALS, frozenset({"http://example.org/p"})) == \
        [("http://example.org/p", "2.0", "http://www.w3.org/2001/XMLSchema#decimal")]
