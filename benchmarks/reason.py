"""Benchmark `jakkg reason`: does the cost of reasoning grow with the number of claims?

It should not: HermiT sees the entities and the *distinct* entity-level
triples, so claims that repeat what other claims say add nothing to its
input. This script builds the graph from data/, then adds N synthetic
claims (nanopublication-like assertion graphs with a claim node) that each
restate an existing entity-level triple, and times each step:

- facts:   collecting entity-level facts and per-paper target profiles
           (index lookups; grows a little with the claims it reads),
- hermit:  loading into owlready2 and running HermiT (should stay flat),
- outputs: reading the results and building the asserted + inferred union
           (grows with the graph, as any export does).

Run:  .venv/bin/python benchmarks/reason.py [--claims 0 1000 5000 20000]
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from rdflib import RDF, Dataset, Literal, URIRef
from rdflib.namespace import DCTERMS

from jakkg.build import build_dataset
from jakkg.load import load_corpus
from jakkg.reason import JAKDM, JAKKG, Schema, entity_facts, load_ontology, reason_dataset


def with_synthetic_claims(base: Dataset, n: int) -> Dataset:
    """A copy of ``base`` plus ``n`` claims restating its entity-level triples."""
    ds = Dataset(default_union=True)
    for prefix, ns in base.namespaces():
        ds.bind(prefix, ns)
    for s, p, o, g in base.quads((None, None, None, None)):
        ds.graph(g).add((s, p, o))
    schema = Schema.of(load_ontology())
    relations = sorted(entity_facts(ds, schema).relations)
    paper = next(iter(sorted(ds.subjects(RDF.type, JAKKG.SourcePaper))))
    for i in range(n):
        s, p, o = relations[i % len(relations)]
        claim = JAKDM[f"claim/BENCH-{i}"]
        assertion = ds.graph(URIRef(f"{JAKDM}np/BENCH-{i}#assertion"))
        assertion.add((s, p, o))
        assertion.add((claim, RDF.type, JAKKG.Claim))
        assertion.add((claim, RDF.subject, s))
        assertion.add((claim, RDF.predicate, p))
        assertion.add((claim, RDF.object, o))
        assertion.add((claim, JAKKG.negated, Literal(False)))
        ds.graph(URIRef(f"{JAKDM}np/BENCH-{i}#provenance")).add((claim, DCTERMS.source, paper))
    return ds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--sources", type=Path, default=Path("../shared/seeds"))
    parser.add_argument("--claims", type=int, nargs="+", default=[0, 1000, 5000, 20000])
    args = parser.parse_args()

    base = build_dataset(load_corpus(args.data, args.sources))
    onto = load_ontology()
    print(f"{'claims added':>12} {'quads':>9} {'facts':>6} {'profiles':>8} {'facts s':>8} {'hermit s':>9} {'outputs s':>9} {'inferred':>8}")
    for n in args.claims:
        ds = with_synthetic_claims(base, n)
        quads = sum(1 for _ in ds.quads((None, None, None, None)))
        t = time.perf_counter()
        result = reason_dataset(ds, onto)
        total = time.perf_counter() - t
        tm = result.timings
        print(f"{n:>12} {quads:>9} {len(result.facts):>6} {len(result.profiles):>8} {tm['facts']:>8.2f} {tm['hermit']:>9.2f} "
              f"{tm['entailments']:>9.2f} {len(result.new):>8}   (total {total:.2f} s)")


if __name__ == "__main__":
    main()
