"""Benchmark `jakkg reason`: does the cost of reasoning stay bounded as the corpus grows?

HermiT classifies the entities, the *distinct* entity-level triples between
them, one closure axiom per distinct target list and one representative per
kind of patient or cohort (same asserted classes, same properties in the
same directions): none of these grows with papers that restate what others
say or bring more patients of known kinds. What grows with the corpus is the
consistency check (HermiT without classification, on everything, patients
and cohorts included; linear since cohorts are told apart by one key value
each instead of an AllDifferent that HermiT made quadratic), reading the
built graph and writing jakdm-reasoned.ttl (sorted in runs of bounded
size); the check and the classification run side by side (2 processes).

The grown corpus: N copies of the seed build (the five curated papers) with
new paper, claim, quote, cohort and patient ids (copy 0 is the seed itself),
where about a quarter of the claims of each new copy swap their subject or
object for another entity of the same category, so that entity-level facts
and per-paper target lists vary from paper to paper as in a real
literature. It is written as TriG, the file `jakkg build` writes, and
`jakkg reason` runs on it as its own process, as in `make run`.

Printed per size: quads, HermiT's input (individuals, facts, closure axioms
for the per-paper target profiles, the triples of each run: the consistency
check, then the classification), HermiT's wall time, and the stage's wall
time, CPU time (the process, its workers and their JVMs: the figure to trust
on a shared machine) and peak memory (of its largest process, and of the
whole process tree at once: Python, workers and JVMs side by side). With
--single, each size is also run the reference way (everything in one HermiT
run, as before the bounded plan), marked "(one)".

Run:  .venv/bin/python benchmarks/reason.py [--claims 318 1000 3000 10000] [--single]
      .venv/bin/python benchmarks/reason.py --claims 10000 30000 100000   # the 100k row (grown from the seed)
      (--build DIR reuses DIR/jakdm.trig as the seed build instead of building data/)
"""
from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

DATA = "https://w3id.org/jakkg/jakdm/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDF_SUBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#subject")
RDF_OBJECT = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#object")
# the ids a new paper brings (its claims, nanopublications, quotes, studies, cohorts, patients)
PER_PAPER = re.compile(rf"^({re.escape(DATA)}(?:claim|np|quote|study|cohort|patient)/)([^/#]+)(.*)$")
SWAP_SHARE = 0.25
PREFIXES = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#", "obo": "http://purl.obolibrary.org/obo/",
    "jakkg": "https://w3id.org/jakkg/vocab/", "claim": f"{DATA}claim/", "np": f"{DATA}np/", "quote": f"{DATA}quote/",
}
SUMMARY = re.compile(r"and (\d+) entities, (\d+) entity-level facts and (\d+) per-paper target profiles "
                     r"\((\d+) closure axioms, (\d+) triples in all; HermiT runs of ([\d and]+) triples, ([\d.]+) s\)")
# the reference: everything in one HermiT run (what `jakkg reason` did before the bounded plan)
SINGLE = ("import sys; from pathlib import Path; from jakkg.reason import reason_file, summary; "
          "print('\\n'.join(summary(reason_file(Path(sys.argv[1]), Path(sys.argv[2]), single=True))))")


def seed_quads(path: Path) -> list[ox.Quad]:
    store = ox.Store()
    store.bulk_load(path=str(path), format=ox.RdfFormat.TRIG)
    return sorted(store, key=str)  # a fixed order: the grown corpus is the same every run


def entity_groups(quads: list[ox.Quad]) -> dict[ox.NamedNode, list[ox.NamedNode]]:
    """Each entity (not a per-paper id) -> the entities with exactly the same types (its category)."""
    types: dict[ox.NamedNode, set[str]] = defaultdict(set)
    for q in quads:
        if q.predicate == RDF_TYPE and isinstance(q.subject, ox.NamedNode) and not q.subject.value.startswith(DATA):
            types[q.subject].add(q.object.value)
    by_category: dict[frozenset[str], list[ox.NamedNode]] = defaultdict(list)
    for entity, ts in types.items():
        by_category[frozenset(ts)].append(entity)
    return {e: sorted(by_category[frozenset(ts)], key=str) for e, ts in types.items()}


def swaps(quads: list[ox.Quad], copy: int, groups: dict[ox.NamedNode, list[ox.NamedNode]]) -> dict[tuple, ox.NamedNode]:
    """(assertion graph, entity) -> the entity of the same category it becomes in this copy, for ~1 claim in 4."""
    slots: dict[ox.NamedNode, dict[str, ox.Quad]] = defaultdict(dict)
    for q in quads:
        if q.predicate in (RDF_SUBJECT, RDF_OBJECT):
            slots[q.subject][q.predicate.value] = q  # type: ignore[index]
    out: dict[tuple, ox.NamedNode] = {}
    for claim in sorted(slots, key=str):
        rng = random.Random(f"{copy}:{claim.value}")
        if rng.random() >= SWAP_SHARE:
            continue
        q = slots[claim][rng.choice(sorted(slots[claim]))]
        others = [e for e in groups.get(q.object, []) if e != q.object]  # type: ignore[call-overload]
        if others:
            out[(q.graph_name, q.object)] = rng.choice(others)
    return out


def renamer(copy: int):
    """Per-paper ids get a ``-x<copy>`` suffix (claim/AL19-C001 -> claim/AL19-C001-x3); entities keep theirs."""
    names: dict[ox.NamedNode, ox.NamedNode] = {}

    def rename(term):
        if not isinstance(term, ox.NamedNode):
            return term
        if term not in names:
            m = PER_PAPER.match(term.value)
            names[term] = ox.NamedNode(f"{m[1]}{m[2]}-x{copy}{m[3]}") if m else term
        return names[term]

    return rename


def grown(quads: list[ox.Quad], copies: int) -> Iterator[ox.Quad]:
    """The seed's quads, then ``copies - 1`` renamed copies with swapped entities."""
    yield from quads
    groups = entity_groups(quads)
    for copy in range(1, copies):
        swapped, rename = swaps(quads, copy, groups), renamer(copy)
        for q in quads:
            s = swapped.get((q.graph_name, q.subject), q.subject)
            o = swapped.get((q.graph_name, q.object), q.object)
            yield ox.Quad(rename(s), q.predicate, rename(o), rename(q.graph_name))


def write_corpus(quads: list[ox.Quad], copies: int, path: Path) -> int:
    store = ox.Store()
    store.bulk_extend(grown(quads, copies))
    store.dump(output=str(path), format=ox.RdfFormat.TRIG, prefixes=PREFIXES)
    return len(store)


def count_type(quads: list[ox.Quad], iri: str) -> int:
    kind = ox.NamedNode(iri)
    return len({q.subject for q in quads if q.predicate == RDF_TYPE and q.object == kind})


def tree_memory_mb(pid: int) -> float:
    """Memory of a process and all its descendants now (MB), from /proc: what the machine must hold.

    Proportional set size (Pss): the workers are forked from the main
    process and share its pages, which their RSS would count again.
    """
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            rollup = Path(f"/proc/{p}/smaps_rollup").read_text()
            total += int(re.search(r"^Pss:\s+(\d+)", rollup, re.MULTILINE)[1])  # type: ignore[index]
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, TypeError):  # the process ended meanwhile (or is a zombie)
            continue
    return total / 1024


def run_stage(corpus: Path, out: Path, single: bool = False) -> tuple[str, float, float, int, int]:
    """`jakkg reason` as its own process: its stdout, wall and CPU seconds, and two peaks (MB).

    CPU time (user + system of the process, its workers and HermiT's JVMs)
    says more than wall time on a shared machine. The peaks: ru_maxrss from
    os.wait4 for this one child (its largest process, JVMs included, as
    /usr/bin/time -v reports it), and the largest sum over the whole process
    tree at once (the Python process, its two workers and their JVMs run
    side by side; proportional set sizes), sampled every 50 ms from /proc.
    """
    import threading

    jakkg = Path(sys.executable).with_name("jakkg")
    command = ([sys.executable, "-c", SINGLE, str(corpus), str(out)] if single
               else [str(jakkg), "reason", "--in", str(corpus), "--out", str(out)])
    t = time.perf_counter()
    with tempfile.TemporaryFile("w+") as stdout, tempfile.TemporaryFile("w+") as stderr:
        proc = subprocess.Popen(command, stdout=stdout, stderr=stderr, text=True)
        peak_tree, done = [0.0], threading.Event()

        def sample() -> None:
            while not done.wait(0.05):
                peak_tree[0] = max(peak_tree[0], tree_memory_mb(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        stdout.seek(0)
        stderr.seek(0)
        out_text, err_text = stdout.read(), stderr.read()
    if proc.returncode != 0:
        sys.exit(f"jakkg reason failed on {corpus}:\n{err_text}{out_text}")
    return out_text, wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024, round(peak_tree[0])


def seed_build(args: argparse.Namespace, tmp: Path) -> Path:
    if args.build:
        return args.build / "jakdm.trig"
    jakkg = Path(sys.executable).with_name("jakkg")
    subprocess.run([str(jakkg), "build", "--no-validate", "--data", str(args.data), "--sources", str(args.sources),
                    "--out", str(tmp / "seed")], check=True, capture_output=True)
    return tmp / "seed" / "jakdm.trig"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--sources", type=Path, default=Path("../shared/seeds"))
    parser.add_argument("--build", type=Path, help="a build directory whose jakdm.trig is the seed (skips `jakkg build`)")
    parser.add_argument("--single", action="store_true",
                        help="also run the reference (everything in one HermiT run) at each size")
    parser.add_argument("--claims", type=int, nargs="+", default=[318, 1000, 3000, 10000],
                        help="corpus sizes in claims (rounded to whole copies of the seed)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="jakkg-bench-reason-") as name:
        tmp = Path(name)
        quads = seed_quads(seed_build(args, tmp))
        claims = count_type(quads, "https://w3id.org/jakkg/vocab/Claim")
        papers = count_type(quads, "https://w3id.org/jakkg/vocab/SourcePaper")
        print(f"{'claims':>7} {'papers':>6} {'quads':>9} | {'individuals':>11} {'facts':>6} {'closures':>8} "
              f"{'profiles':>8} {'HermiT runs (triples)':>22} {'HermiT s':>8} | {'stage s':>7} {'CPU s':>6} "
              f"{'peak MB':>7} {'tree MB':>7}")
        for n in sorted(args.claims):
            copies = max(1, round(n / claims))
            corpus = tmp / f"corpus-{copies}.trig"
            size = write_corpus(quads, copies, corpus)
            for single in (False, True) if args.single else (False,):
                output, wall, cpu, peak, tree = run_stage(corpus, tmp / f"out-{copies}", single)
                m = SUMMARY.search(output)
                if not m:
                    sys.exit(f"unexpected output of jakkg reason:\n{output}")
                runs = m[6].replace(" and ", " + ") + (" (one)" if single else "")
                print(f"{copies * claims:>7} {copies * papers:>6} {size:>9} | {m[1]:>11} {m[2]:>6} {m[4]:>8} {m[3]:>8} "
                      f"{runs:>22} {float(m[7]):>8.1f} | {wall:>7.1f} {cpu:>6.1f} {peak:>7} {tree:>7}", flush=True)
            corpus.unlink()


if __name__ == "__main__":
    main()
