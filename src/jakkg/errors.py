"""Errors that point a curator at the file, line and claim to fix.

Every loader collects :class:`Problem` records instead of stopping at the
first one, so a single run reports everything that is wrong with data/.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str
    line: int | None
    item: str | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        what = f" [{self.item}]" if self.item else ""
        return f"{where}:{what} {self.message}"


class JakkgError(Exception):
    """Base class for errors the command line reports without a traceback."""

    exit_code = 1


class DataError(JakkgError):
    """data/ does not describe a valid corpus; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.item or "", p.message))
        super().__init__("\n".join(str(p) for p in self.problems))


class UsageError(JakkgError):
    """The input cannot be used at all (missing file, unparseable RDF ...)."""

    exit_code = 2


def display_path(path: Path | str) -> str:
    """A path relative to the working directory when possible, for messages."""
    return _display_path(str(path), os.getcwd())


@lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:
    """Resolving a path costs file-system calls; every record of a file names the same one."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(p)
