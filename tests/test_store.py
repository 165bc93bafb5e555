"""The build's on-disk Oxigraph stores: the later stages read them instead of parsing, and say the same.

Every stage of `make run` that reads the built graph is run twice on the seed
build: once in the build directory, where the stores of jakdm.trig and
jakdm.ttl sit in .cache/, and once on a copy of the same files without them.
Their outputs must be byte-identical, and the first run must not have parsed
a file. A store that does not provably hold the file it is asked for
(missing, stale, edited in place, another file's, written by another
pyoxigraph, broken) is ignored and the file parsed.
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

import jakkg.store as store_module
from jakkg.store import STAMP, open_store, store_dir, write_stamp, write_store

from .conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "pool" / "pool.trig"


def stages(d: Path) -> list[list[Any]]:
    """The stages of `make run` that read the built graph, as command lines on the build directory ``d``."""
    return [
        ["stats", d / "jakdm.trig"],
        ["graph", d / "jakdm.trig", "--out", d],
        ["draw", d / "jakdm.trig", "--out", d],
        ["query", "drug-targets", "--build", d, "--engine", "oxigraph", "--format", "csv",
         "--output", d / "drug-targets.csv", "--timeout", "0"],
        ["query", "improvements", "--build", d, "--engine", "oxigraph", "--format", "csv",
         "--output", d / "improvements.csv", "--timeout", "0"],
        ["pool", d / "jakdm.trig", "--out", d],
        ["export", d / "jakdm.trig", "--format", "kgx", "--out", d],
        ["disagreements", d / "jakdm.trig", "--out", d],
    ]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, seeds_dir: Path) -> Path:
    """The seed build made by the real command line with its stores (`jakkg build --store`)."""
    from .conftest import DATA

    out = tmp_path_factory.mktemp("build")
    result = run_cli("build", "--data", DATA, "--sources", seeds_dir, "--out", out, "--store")
    assert result.exit_code == 0, result.output
    return out


def outputs(d: Path) -> dict[str, bytes]:
    """Every file a run left in ``d`` (not the stores' cache)."""
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*"))
            if p.is_file() and ".cache" not in p.relative_to(d).parts}


def files_only(built: Path, target: Path) -> Path:
    """A copy of the build's published files, without .cache/ (so without its stores)."""
    target.mkdir()
    for p in built.iterdir():
        if p.is_file():
            shutil.copy2(p, target / p.name)
    return target


def with_stores(built: Path, target: Path) -> Path:
    """A copy of the build directory with its stores (a copied store still belongs to its copied file)."""
    shutil.copytree(built, target, ignore=shutil.ignore_patterns("validation"))
    return target


@pytest.fixture()
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Records each open_store call: (file name, whether a store was used)."""
    calls: list[tuple[str, bool]] = []
    real = store_module.open_store

    def recording(path: Path) -> Any:
        found = real(path)
        calls.append((Path(path).name, found is not None))
        return found

    monkeypatch.setattr(store_module, "open_store", recording)
    return calls


def run_all(d: Path) -> list[str]:
    """Run every stage on ``d``; their standard output with ``d`` written as OUT."""
    printed = []
    for args in stages(d):
        result = run_cli(*args)
        assert result.exit_code == 0, (args, result.output)
        printed.append(result.output.replace(str(d), "OUT"))
    return printed


def test_every_stage_says_the_same_from_the_store_as_from_the_file(
        built: Path, tmp_path: Path, opened: list[tuple[str, bool]], monkeypatch: pytest.MonkeyPatch) -> None:
    """Byte-identical stdout and files (stats, graph exports, figure and page, query CSVs, pooled CSV/TTL,
    KGX TSVs, disagreement candidates), whether each stage opened the build's store or parsed the file.

    graph and draw parse on purpose (their queries are faster in memory): the
    test after this one holds their output from the store to the same bytes.
    """
    parsed = run_all(files_only(built, tmp_path / "files"))
    assert opened and not any(used for _, used in opened), "without .cache/ every stage parses"
    opened.clear()
    parses: list[str] = []
    real_parse = store_module.parse_store
    monkeypatch.setattr(store_module, "parse_store", lambda path: parses.append(Path(path).name) or real_parse(path))
    from_store = run_all(with_stores(built, tmp_path / "stores"))
    assert sorted(set(opened)) == [("jakdm.trig", True), ("jakdm.ttl", True)], opened
    assert len(opened) == len(stages(tmp_path)) - 2, "each stage but graph and draw opened a store, once"
    assert parses == ["jakdm.trig", "jakdm.trig"], "only graph and draw parsed"
    assert from_store == parsed
    a, b = outputs(tmp_path / "files"), outputs(tmp_path / "stores")
    assert sorted(a) == sorted(b)
    for name in a:
        assert a[name] == b[name], name
    for name in ("jakdm-network.png", "jakdm-network.html", "drug-targets.csv", "improvements.csv",
                 "pooled-estimates.csv", "jakdm_edges.tsv", "disagreement-candidates.csv", "jakdm.graphml"):
        assert len(a.get(name, b"")) > 100, f"{name} was written and is not empty"


def test_projection_figure_and_page_from_the_store_are_those_from_the_file(built: Path, tmp_path: Path) -> None:
    """graph's exports and draw's PNG, SVG and page, made from the opened store, are the bytes made from the file."""
    from jakkg.draw import page_context, write_pictures
    from jakkg.graph import project, write_exports
    from jakkg.store import parse_store

    made = {}
    for name, store in (("file", parse_store(built / "jakdm.trig")), ("store", open_store(built / "jakdm.trig"))):
        assert store is not None
        out = tmp_path / name
        G = project(store)
        write_exports(G, out)
        write_pictures(G, out, context=page_context(store))
        made[name] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert len(made["file"]) >= 6
    assert made["file"] == made["store"]


def test_pooled_estimates_from_a_store_are_those_from_the_file(tmp_path: Path, opened: list[tuple[str, bool]]) -> None:
    """On the pool fixture, where outcomes are pooled (n/N literals, so canonicalized numbers matter)."""
    runs = {}
    for name in ("file", "store"):
        d = tmp_path / name
        d.mkdir()
        shutil.copy2(FIXTURE, d / "jakdm.trig")
        if name == "store":
            make_store(d / "jakdm.trig")
        out = d / "out"
        result = run_cli("pool", d / "jakdm.trig", "--out", out, "--allow-overlap")
        assert result.exit_code == 0, result.output
        assert "2 pooled" in result.output
        runs[name] = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
    assert opened == [("jakdm.trig", False), ("jakdm.trig", True)]
    assert runs["file"] == runs["store"]


def make_store(path: Path) -> Path:
    """The store of a TriG file, made as the build makes it (loaded, then stamped)."""
    import pyoxigraph as ox

    target = store_dir(path)
    target.mkdir(parents=True)
    nquads = path.with_suffix(".nq")
    ox.serialize(ox.parse(path=str(path), format=ox.RdfFormat.TRIG), output=str(nquads), format=ox.RdfFormat.N_QUADS)
    write_store(nquads, "N_QUADS", target)
    nquads.unlink()
    write_stamp(target, path, path.name)
    return target


# -- a store that does not provably hold the file is not used -------------------------------
def _missing(d: Path) -> None:
    shutil.rmtree(store_dir(d / "jakdm.trig"))


def _stale(d: Path) -> None:
    with (d / "jakdm.trig").open("a", encoding="utf-8") as fh:
        fh.write("\n<https://example.org/stale> a <https://example.org/NotInTheStore> .\n")


def _edited_same_size(d: Path) -> None:
    trig = d / "jakdm.trig"
    text = trig.read_text(encoding="utf-8")
    trig.write_text(text.replace("Claim", "Clbim", 1), encoding="utf-8")
    assert len(text) == len(trig.read_text(encoding="utf-8"))


def _foreign(d: Path) -> None:
    shutil.rmtree(store_dir(d / "jakdm.trig"))
    shutil.copytree(store_dir(d / "jakdm.ttl"), store_dir(d / "jakdm.trig"))


def _other_pyoxigraph(d: Path) -> None:
    stamp = store_dir(d / "jakdm.trig") / STAMP
    stamp.write_text(json.dumps(json.loads(stamp.read_text()) | {"pyoxigraph": "0.0.1"}), encoding="utf-8")


def _broken_database(d: Path) -> None:
    database = store_dir(d / "jakdm.trig") / "db"
    shutil.rmtree(database)
    database.mkdir()
    (database / "CURRENT").write_text("garbage\n")


def _no_database(d: Path) -> None:
    shutil.rmtree(store_dir(d / "jakdm.trig") / "db")


def _bad_stamp(d: Path) -> None:
    (store_dir(d / "jakdm.trig") / STAMP).write_text("{not json", encoding="utf-8")


@pytest.mark.parametrize("spoil", [_missing, _stale, _edited_same_size, _foreign, _other_pyoxigraph, _broken_database,
                                   _no_database, _bad_stamp],
                         ids=lambda f: f.__name__.strip("_"))
def test_a_store_that_does_not_hold_the_file_is_ignored(spoil, built: Path, tmp_path: Path) -> None:
    d = with_stores(built, tmp_path / "build")
    assert open_store(d / "jakdm.trig") is not None
    spoil(d)
    assert open_store(d / "jakdm.trig") is None
    reference = files_only(d, tmp_path / "reference")
    result, expected = run_cli("stats", d / "jakdm.trig"), run_cli("stats", reference / "jakdm.trig")
    assert result.exit_code == 0, result.output
    assert result.output == expected.output
    if spoil is _stale:
        assert "NotInTheStore" in result.output, "the stats describe the file, not the stale store"


def test_only_the_file_a_store_was_made_for_opens_it(built: Path, tmp_path: Path) -> None:
    """The TriG store holds the TriG's quads in their named graphs, the Turtle store the merged triples in the
    default graph; jakdm.nt and a renamed copy of the TriG have no store and are parsed."""
    import pyoxigraph as ox

    d = with_stores(built, tmp_path / "build")
    trig, ttl = open_store(d / "jakdm.trig"), open_store(d / "jakdm.ttl")
    quads = list(ox.parse(path=str(d / "jakdm.trig"), format=ox.RdfFormat.TRIG))
    assert len(trig) == len(quads) and not list(trig.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    triples = sum(1 for line in (d / "jakdm.nt").open(encoding="utf-8") if line.strip())
    assert len(ttl) == triples == len(list(ttl.quads_for_pattern(None, None, None, ox.DefaultGraph())))
    assert open_store(d / "jakdm.nt") is None
    shutil.copy2(d / "jakdm.trig", d / "other.trig")
    assert open_store(d / "other.trig") is None


# -- publication: the stores go with the files, all or nothing ------------------------------
def test_a_new_build_replaces_the_stores_and_leaves_no_temporaries(tmp_path: Path, seeds_dir: Path) -> None:
    from .conftest import DATA

    out = tmp_path / "build"
    assert run_cli("build", "--data", DATA, "--sources", seeds_dir, "--out", out, "--no-validate", "--store").exit_code == 0
    for fmt in ("trig", "ttl"):
        (store_dir(out / f"jakdm.{fmt}") / "old").write_text("x")
    (out / "jakdm.trig").write_text("# edited by hand\n", encoding="utf-8")
    assert open_store(out / "jakdm.trig") is None, "the edited file no longer matches its store"
    assert run_cli("build", "--data", DATA, "--sources", seeds_dir, "--out", out, "--no-validate", "--store").exit_code == 0
    for fmt in ("trig", "ttl"):
        assert open_store(out / f"jakdm.{fmt}") is not None
        assert not (store_dir(out / f"jakdm.{fmt}") / "old").exists(), "replaced, not merged"
    assert sorted(p.name for p in (out / ".cache").iterdir()) == ["jakdm.trig.oxigraph", "jakdm.ttl.oxigraph", "papers"]


def test_a_build_without_store_leaves_none(tmp_path: Path, seeds_dir: Path) -> None:
    from .conftest import DATA

    out = tmp_path / "build"
    assert run_cli("build", "--data", DATA, "--sources", seeds_dir, "--out", out, "--no-validate").exit_code == 0
    assert not store_dir(out / "jakdm.trig").exists() and open_store(out / "jakdm.trig") is None


def test_background_work_is_waited_for_and_its_error_raised() -> None:
    import threading
    import time

    from jakkg.export import in_background

    finished = threading.Event()

    def slow() -> None:
        time.sleep(0.2)
        finished.set()

    def fails() -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"), in_background() as tasks:
        tasks.start(slow)
        tasks.start(fails)
    assert finished.is_set(), "the block waited for every thread"
    with pytest.raises(ValueError, match="the block's own"), in_background() as tasks:  # the block's error wins
        tasks.start(fails)
        raise ValueError("the block's own")
