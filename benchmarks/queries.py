"""Time the whole competency-query library on each engine.

    .venv/bin/python benchmarks/queries.py [--build build] [--repeat 3] [--endpoint URL]

Loads build/jakdm.ttl into rdflib and into pyoxigraph (load times printed
separately), then runs every bundled query ``--repeat`` times on each and
prints the time per query and for the whole library (best of the repeats).
Over HTTP too when ``--endpoint`` is given, or when an Oxigraph server
answers on the default http://127.0.0.1:7878/query (load it first with
`jakkg load --endpoint http://127.0.0.1:7878/store`). Each engine's answer
is compared with rdflib's, so a fast wrong answer shows.
"""
from __future__ import annotations

import argparse
import socket
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

from jakkg.query import HttpEngine, OxigraphEngine, RdflibEngine, library

DEFAULT_ENDPOINT = "http://127.0.0.1:7878/query"


def answering(url: str) -> bool:
    """Whether something listens at the endpoint's host and port (no request is sent)."""
    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=0.5):
            return True
    except OSError:
        return False


def best_time(run, text: str, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run(text)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=Path("build"), help="directory holding jakdm.ttl")
    parser.add_argument("--repeat", type=int, default=3, help="runs per query; the best is kept")
    parser.add_argument("--endpoint", default=None, help=f"SPARQL endpoint to time too (default: {DEFAULT_ENDPOINT} if it answers)")
    args = parser.parse_args()
    ttl = args.build / "jakdm.ttl"
    if not ttl.is_file():
        print(f"{ttl}: not found (run `jakkg build` first)", file=sys.stderr)
        return 2

    engines = {}
    for name, factory in (("rdflib", RdflibEngine), ("oxigraph", OxigraphEngine)):
        start = time.perf_counter()
        engines[name] = factory(ttl)
        print(f"load {name:<9} {time.perf_counter() - start:8.3f} s")
    endpoint = args.endpoint or (DEFAULT_ENDPOINT if answering(DEFAULT_ENDPOINT) else None)
    if endpoint:
        engines["http"] = HttpEngine(endpoint)
        print(f"endpoint           {endpoint}")

    queries = library()
    totals = dict.fromkeys(engines, 0.0)
    mismatches: list[str] = []
    print(f"\n{'query':<30}" + "".join(f"{name:>12}" for name in engines) + "    rows")
    for qname, q in queries.items():
        cells, reference = [], None
        for ename, engine in engines.items():
            seconds, result = best_time(engine.run, q.text, args.repeat)
            totals[ename] += seconds
            cells.append(f"{seconds * 1000:10.1f}ms")
            if reference is None:
                reference = result
            elif result.rows != reference.rows:
                mismatches.append(f"{qname} ({ename})")
        print(f"{qname:<30}" + "".join(f"{c:>12}" for c in cells) + f"{len(reference.rows):8d}")
    print(f"{'whole library (' + str(len(queries)) + ' queries)':<30}" + "".join(f"{t:11.3f}s" for t in totals.values()))
    if mismatches:
        print("answers differing from rdflib: " + ", ".join(mismatches), file=sys.stderr)
        return 1
    print("all engines gave the same answers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
