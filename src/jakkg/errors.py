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
    """A path relative to the working directory when possible, for messages.

    It is called while reporting errors, so it must not raise one itself:
    a path that cannot be resolved (a symlink loop, a vanished working
    directory) is shown without resolving its links.
    """
    try:
        cwd = os.getcwd()
    except OSError:
        return str(path)
    return _display_path(str(path), cwd)


@lru_cache(maxsize=4096)
def _display_path(path: str, cwd: str) -> str:
    """Resolving a path costs file-system calls; every record of a file names the same one."""
    p = Path(path)
    try:
        resolved, base = p.resolve(), Path(cwd).resolve()
    except (OSError, RuntimeError):  # RuntimeError: Python 3.11's "Symlink loop from ..."
        resolved, base = Path(os.path.abspath(p)), Path(cwd)
    try:
        return str(resolved.relative_to(base))
    except ValueError:
        return str(p)
