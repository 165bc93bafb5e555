"""The sorted Turtle writer of `jakkg reason` (issue 10: the reasoned file at 100k claims).

jakdm-reasoned.ttl is every asserted triple (named graphs merged, each
triple once) plus the inferred ones, sorted by N-Triples line. The writer
sorts file to file with ``LC_ALL=C sort -u`` and keeps a Python merge of
sorted runs as the reference; both must give the bytes of the plain
definition -- a sorted set of N-Triples lines, serialized as Turtle --
on duplicates, a triple shared by several named graphs and the default
graph, typed and language-tagged literals, escapes and non-ASCII text.
"""
from __future__ import annotations

import shutil
from operator import attrgetter
from pathlib import Path

import pyoxigraph as ox
import pytest

from jakkg import reason
from tests.conftest import run_cli
from tests.test_reason import mechanism_build  # noqa: F401  (the module fixture: a build reasoned by the CLI)

PREFIXES = {"xsd": "http://www.w3.org/2001/XMLSchema#", "ex": "http://example.org/", "dc": "http://purl.org/dc/terms/"}
TRIG = """\
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dc: <http://purl.org/dc/terms/> .
ex:a ex:q ex:b .
ex:g1 {
  ex:a ex:q ex:b ; ex:q ex:b ;
       ex:p "café crème"@fr , "café crème"@fr-CA , "1"^^xsd:positiveInteger , "01"^^xsd:integer , "1.50"^^xsd:decimal ,
            "true"^^xsd:boolean , "tab\\there" , "quote \\" and backslash \\\\" , "line\\nbreak\\r" , "\\u0001ctl" .
  ex:b dc:title "日本語のタイトル" , "Ünïcödé – “quoted” ‹›"@de , "emoji 🧬"^^xsd:string .
  ex:a ex:p ex:z .
}
ex:g2 {
  ex:a ex:q ex:b .
  ex:a ex:p "1"^^xsd:positiveInteger , "café crème"@fr .
  ex:ä ex:p "ä" .
  ex:a\\-b ex:p "x" .
}
ex:g3 { ex:b dc:title "日本語のタイトル" . ex:a ex:q ex:b . }
"""


def _corpus() -> str:
    """The fixture, plus 3,000 generated triples each stated in two graphs, so the sorts have runs to merge."""
    extra = "".join(f'ex:g{g}x {{ ex:s{i % 700} ex:p{i % 7} "v{i % 1500} ü" . ex:s{i % 700} ex:q ex:s{(i * 7) % 700} . }}\n'
                    for i in range(1500) for g in (1, 2))
    return TRIG + extra


def _triples(trig: str):
    return map(attrgetter("triple"), ox.parse(trig.encode(), format=ox.RdfFormat.TRIG))


def _reference(trig: str) -> bytes:
    """The definition: the set of N-Triples lines, sorted as bytes, as Turtle with the @prefix lines sorted."""
    lines = {ox.serialize([t], format=ox.RdfFormat.N_TRIPLES) for t in _triples(trig)}
    body = ox.serialize(ox.parse(b"".join(sorted(lines)), format=ox.RdfFormat.N_TRIPLES),
                        format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    head = [line for line in body.splitlines(keepends=True) if line.startswith(b"@prefix ")]
    return b"".join(sorted(head)) + body[sum(map(len, head)):]


def _written(trig: str, tmp_path: Path) -> bytes:
    out = tmp_path / "out.ttl"
    reason.write_sorted_turtle(_triples(trig), PREFIXES, out)
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"], "the scratch files are gone"
    return out.read_bytes()


@pytest.mark.skipif(shutil.which("sort") is None, reason="no sort(1) on this machine")
def test_sort_command_gives_the_bytes_of_the_sorted_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """sort(1) in the C locale, in memory and spilling runs to disk (a 64 KB buffer), gives the definition's bytes."""
    trig = _corpus()
    want = _reference(trig)
    assert _written(trig, tmp_path) == want
    monkeypatch.setattr(reason, "SORT_MEMORY", "64K")
    calls = []
    real = reason._sorted_by_command
    monkeypatch.setattr(reason, "_sorted_by_command", lambda *a: calls.append(real(*a)) or calls[-1])
    assert _written(trig, tmp_path) == want
    assert calls and all(calls), "sort(1) did the sorting, without falling back to the Python merge"


def test_python_merge_gives_the_same_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without sort(1) (or when it fails), runs of 97 lines merged as streams give the same bytes."""
    trig = _corpus()
    want = _reference(trig)
    monkeypatch.setattr(reason, "SORT_RUN", 97)
    monkeypatch.setattr(reason, "SORT_COMMAND", None)
    assert _written(trig, tmp_path) == want
    monkeypatch.setattr(reason, "SORT_COMMAND", "false")  # found, exits 1: the reference takes over
    assert _written(trig, tmp_path) == want


@pytest.mark.parametrize("command", ["sort", None])
def test_merging_into_sorted_lines_gives_the_bytes_of_one_sort(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               command: str | None) -> None:
    """The reasoned file merges the inferred triples into the asserted lines sorted beforehand (sort -m -u, or the
    Python merge): the two halves of the corpus, sharing triples, give the bytes of the whole sorted at once."""
    if command and shutil.which(command) is None:
        pytest.skip("no sort(1) on this machine")
    monkeypatch.setattr(reason, "SORT_COMMAND", command)
    monkeypatch.setattr(reason, "SORT_RUN", 97)
    trig = _corpus()
    triples = list(_triples(trig))
    first, second = triples[: len(triples) // 2 + 50], triples[len(triples) // 2 - 50:]
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    ox.serialize(first, output=str(scratch / "first.nt"), format=ox.RdfFormat.N_TRIPLES)
    background = reason.BackgroundSort(scratch / "first.nt", scratch / "first-sorted.nt", scratch)
    assert (background.process is not None) == bool(command)
    assert not command or background.process.wait() == 0, "sort(1) accepted its options: no fallback"
    out = tmp_path / "out" / "out.ttl"
    out.parent.mkdir()
    reason.write_sorted_turtle(iter(second), PREFIXES, out, merge_with=background.result())
    assert out.read_bytes() == _reference(trig)
    assert sorted(p.name for p in scratch.iterdir()) == ["first-sorted.nt"], "the unsorted lines are gone"
    assert sorted(p.name for p in out.parent.iterdir()) == ["out.ttl"]


def test_fixture_covers_what_the_sort_must_keep_apart(tmp_path: Path) -> None:
    """The output has each shared or duplicated triple once, and keeps datatypes, languages and non-ASCII text."""
    text = _written(TRIG, tmp_path).decode("utf-8")
    triples = list(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE))
    assert len(triples) == len(set(triples)) == len(set(_triples(TRIG)))
    assert [str(t) for t in triples] == sorted(str(t) for t in triples)
    # lexical forms as written ("01", "1.50": a store would give "1", "1.5"), Turtle's short forms for xsd:integer
    # and xsd:decimal, language tags in Oxigraph's lower case
    for piece in ('"1"^^xsd:positiveInteger', " 01 ,", " 1.50 ,", '"café crème"@fr-ca', '"café crème"@fr ',
                  '"日本語のタイトル"', '"Ünïcödé – “quoted” ‹›"@de', "ex:ä", r'"line\nbreak\r"', r'"\u0001ctl"'):
        assert piece in text, piece
    assert text.count("日本語のタイトル") == 1


def test_empty_set_is_an_empty_turtle_file(tmp_path: Path) -> None:
    out = tmp_path / "out.ttl"
    reason.write_sorted_turtle(iter(()), PREFIXES, out)
    assert b"ex:" not in out.read_bytes() and not list(ox.parse(out.read_bytes(), format=ox.RdfFormat.TURTLE))


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java: HermiT cannot run")
def test_command_writes_the_same_files_with_the_python_merge(mechanism_build: Path, tmp_path: Path,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """`jakkg reason` end to end: the files written through sort(1) are those written through the Python merge."""
    monkeypatch.setattr(reason, "SORT_COMMAND", None)
    monkeypatch.setattr(reason, "SORT_RUN", 500)
    result = run_cli("reason", "--in", mechanism_build / "jakdm.trig", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    for name in (reason.INFERRED_FILE, reason.REASONED_FILE):
        assert (tmp_path / name).read_bytes() == (mechanism_build / name).read_bytes(), name
    assert sorted(p.name for p in tmp_path.iterdir()) == [reason.INFERRED_FILE, reason.REASONED_FILE]


def _scratch_left(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith((".reason-", ".sort-")))


@pytest.mark.skipif(shutil.which("java") is None, reason="no Java: HermiT cannot run")
def test_no_scratch_is_left_after_success_or_a_contradiction(mechanism_build: Path, tmp_path: Path) -> None:  # noqa: F811
    """The asserted lines and their background sort live in a scratch directory beside the outputs; it goes
    when the stage ends, written or refused (sort(1) stopped), and the previous outputs stay."""
    from rdflib import RDF, URIRef

    from tests.test_reason import mutated

    assert not _scratch_left(mechanism_build)
    out = tmp_path / "out"
    out.mkdir()
    (out / reason.REASONED_FILE).write_text("previous\n", encoding="utf-8")
    drug = URIRef("http://purl.obolibrary.org/obo/CHEBI_95341")  # baricitinib, made a biological process
    bad = mutated(mechanism_build, tmp_path / "bad.trig", (drug, RDF.type, URIRef("https://w3id.org/biolink/vocab/BiologicalProcess")))
    result = run_cli("reason", "--in", bad, "--out", out)
    assert result.exit_code == 1, result.output
    assert (out / reason.REASONED_FILE).read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in out.iterdir()) == [reason.REASONED_FILE]


def test_a_graph_oxigraph_refuses_is_one_line_naming_file_and_line(tmp_path: Path) -> None:
    """The one parse writes lines to scratch as it goes; a syntax error on line 3 still gives the command line's
    one-line error (file and line), exit 2, and neither scratch nor outputs."""
    bad = tmp_path / "bad.trig"
    bad.write_text('@prefix ex: <http://example.org/> .\nex:g { ex:a ex:p ex:b . }\nex:g2 { ex:a ex:p "open . }\n',
                   encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    result = run_cli("reason", "--in", bad, "--out", out)
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [f"error: {bad}:3: cannot parse as trig: newline found in string literal"]
    assert not list(out.iterdir())
