"""Say what a long stage is doing: a live status line on a terminal, one line per step elsewhere.

A curator building thousands of papers waits tens of seconds; on a terminal
each step shows as a rich spinner with its elapsed time, and in CI logs
(not a terminal) each finished step prints one plain line, so logs stay
short and readable. Messages go to stderr, leaving stdout to results.
"""
from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console

_console = Console(stderr=True, highlight=False)


@contextmanager
def step(what: str) -> Iterator[None]:
    """Report ``what`` while the block runs, and how long it took when it ends."""
    start = time.perf_counter()
    if _console.is_terminal:
        with _console.status(f"{what} ..."):
            yield
        _console.print(f"[dim]{what}: {_figures(start)}[/dim]")
    else:
        yield
        print(f"{what}: {_figures(start)}", file=sys.stderr, flush=True)


def _figures(start: float) -> str:
    """Elapsed seconds and the process's peak memory so far (Linux reports kilobytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return f"{time.perf_counter() - start:.1f} s (peak {peak:,.0f} MB)"
