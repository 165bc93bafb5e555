"""How long SHACL validation takes, on the current graph and on N copies of its claims.

Usage::

    .venv/bin/python benchmarks/validate.py [--graph build/jakdm.ttl] [COPIES ...]

The synthetic graph keeps the shared graph (entities, papers, cohorts,
patients) once and repeats every claim's nanopublication COPIES times under
new IRIs (claim/ID~k, np/ID~k, quote/ID~k-1 ...), so the number of claims
grows while everything a claim points to stays the same: the time should grow
linearly with the claims. Each size is timed with all the shapes and with the
sh:sparql constraints left out, to show what the SPARQL-based rules cost.
Nothing here is a test: timings depend on the machine.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

from rdflib import RDF, Graph, Namespace, URIRef

from jakkg.identifiers import DATA, VOCAB
from jakkg.validate import SH, load_shapes, read_graph, validate_graph

JAKKG = Namespace(VOCAB)


def claim_copies(graph: Graph, copies: int) -> Graph:
    """The graph with every claim's own nodes repeated ``copies`` times under new IRIs."""
    ids = sorted((str(c)[len(DATA) + len("claim/"):] for c in graph.subjects(RDF.type, JAKKG.Claim)), key=len, reverse=True)
    if not ids:
        raise SystemExit("the graph has no claims to copy")
    owned = re.compile("^" + re.escape(DATA) + r"(claim|np|quote)/(" + "|".join(map(re.escape, ids)) + r")(?=$|[/#-])")
    shared, per_claim = [], []
    for s, p, o in graph:
        if any(isinstance(x, URIRef) and owned.match(str(x)) for x in (s, o)):
            per_claim.append((s, p, o))
        else:
            shared.append((s, p, o))
    out = Graph()
    for t in shared:
        out.add(t)
    for k in range(copies):
        def rename(node, k=k):
            if isinstance(node, URIRef) and (m := owned.match(str(node))):
                return URIRef(f"{DATA}{m.group(1)}/{m.group(2)}~{k}{str(node)[m.end():]}")
            return node
        for s, p, o in per_claim:
            out.add((rename(s), p, rename(o)))
    return out


def without_sparql(shapes: Graph) -> Graph:
    """The shapes with their sh:sparql constraints removed (SPARQL targets stay)."""
    core = Graph()
    for t in shapes:
        if t[1] != SH.sparql:
            core.add(t)
    return core


def timed(graph: Graph, shapes: Graph) -> tuple[float, int, int]:
    start = time.perf_counter()
    report = validate_graph(graph, shapes)
    return time.perf_counter() - start, len(report.violations), len(report.warnings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("copies", nargs="*", type=int, default=[10, 100, 1000], help="numbers of copies of the claims")
    parser.add_argument("--graph", type=Path, default=Path("build/jakdm.ttl"), help="the graph to start from (run `jakkg build` first)")
    args = parser.parse_args(argv)

    graph = read_graph(args.graph)
    shapes = load_shapes()
    core = without_sparql(shapes)
    n_claims = len(set(graph.subjects(RDF.type, JAKKG.Claim)))
    seconds, violations, warnings = timed(graph, shapes)
    print(f"{args.graph}: {n_claims} claims, {len(graph)} triples: {seconds:.2f} s "
          f"({violations} violations, {warnings} warnings)")
    print()
    print(f"{'copies':>7} {'claims':>7} {'triples':>8} {'all shapes':>11} {'no sh:sparql':>13} {'ms/claim':>9}")
    for copies in args.copies:
        synthetic = claim_copies(graph, copies)
        claims = n_claims * copies
        everything, _, _ = timed(synthetic, shapes)
        core_only, _, _ = timed(synthetic, core)
        print(f"{copies:>7} {claims:>7} {len(synthetic):>8} {everything:>10.2f}s {core_only:>12.2f}s {1000 * everything / claims:>9.1f}",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
