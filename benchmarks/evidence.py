"""Benchmark `jakkg pool` and the disagreement rules as the corpus grows (issue 14).

The grown corpus is tests/graph_support.replicate_seed_build: N copies of the
committed seed build with new paper, study, claim and cohort ids, a quarter
of each new copy's claims swapping subject or object. Copies cite the same
authors, so the pooling rule flags them as possible overlap (as it should:
they are the same patients); ``--allow-overlap`` pools them, which is how
this benchmark shows real pooling. Candidate *pairs* grow with the square
of the copies (every copy of paper 000 disagrees with every copy of 001),
but the rules return one row per claim and the candidates are groups, so
the figure to read is rows and time per claim.

Printed per size: claims, store load time, pooled outcomes and pooling time,
and per rule its result rows and time.

Run:  .venv/bin/python benchmarks/evidence.py [--copies 1 3 10 30]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    from jakkg.disagree import rule_files
    from jakkg.pool import pool_graph
    from jakkg.store import load_store
    from tests.graph_support import replicate_seed_build

    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 3, 10, 30])
    args = parser.parse_args()
    print(f"{'claims':>7} {'load s':>7} {'outcomes':>8} {'pooled':>6} {'pool s':>7}  rules (rows, s)")
    with tempfile.TemporaryDirectory() as tmp:
        for copies in args.copies:
            path = Path(tmp) / f"grown-{copies}.nq"
            path.write_text(replicate_seed_build(copies), encoding="utf-8")
            t = time.perf_counter()
            store = load_store(path)
            load = time.perf_counter() - t
            claims = len(list(store.query("SELECT ?c WHERE { ?c a <https://w3id.org/jakkg/vocab/Claim> }",
                                          use_default_graph_as_union=True)))
            t = time.perf_counter()
            results, _, _ = pool_graph(store, allow_overlap=True)
            pooling = time.perf_counter() - t
            rules = []
            for rule in rule_files():
                t = time.perf_counter()
                n = len(list(store.query(rule.read_text(encoding="utf-8"), use_default_graph_as_union=True)))
                rules.append(f"{rule.stem} {n} {time.perf_counter() - t:.2f}")
            pooled = sum(r.estimate is not None for r in results)
            print(f"{claims:>7} {load:>7.2f} {len(results):>8} {pooled:>6} {pooling:>7.2f}  " + "; ".join(rules), flush=True)


if __name__ == "__main__":
    main()
