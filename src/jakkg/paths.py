"""Checks on the command line's output paths, made before any work starts.

A build or a query can take seconds to minutes; finding out only at the end
that ``--out`` names a file, lies below a file, or is a folder nobody may
write in wastes that time and, worse, used to end in a traceback. Each
command calls :func:`output_dir` on its ``--out`` and :func:`output_file` on
its ``--output`` first, so such a path is one line and exit 2 up front.

Writability is tested by creating (and at once removing) a file in the
folder, not by ``os.access``: as root ``os.access`` says yes to a read-only
mode, an immutable folder or a read-only mount, and the write would still fail.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from pathlib import Path

from .errors import UsageError, display_path


def output_dir(path: Path, option: str = "--out") -> Path:
    """Refuse an output folder that cannot be created or written in; return it unchanged."""
    existing = _deepest_existing(path, option)
    _probe_write(existing, path, option)
    return path


def output_file(path: Path, option: str = "--output") -> Path:
    """Refuse an output file that is a folder, or whose folder cannot be created or written in."""
    try:
        is_dir = stat.S_ISDIR(os.stat(path).st_mode)
    except OSError:
        is_dir = False  # missing (or unreadable: the check of its folder below says why)
    if is_dir:
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    parent = path.parent if str(path.parent) else Path(".")
    _probe_write(_deepest_existing(parent, option, shown=path), path, option)
    return path


def _deepest_existing(path: Path, option: str, *, shown: Path | None = None) -> Path:
    """The deepest folder of ``path`` (or ``path`` itself) that exists; the rest will be created.

    Every existing part must be a folder: ``--out build/jakdm.ttl/x`` is
    refused because ``build/jakdm.ttl`` is a file.
    """
    shown = shown if shown is not None else path
    deepest = Path(".") if not path.is_absolute() else Path(path.anchor)
    for part in [*reversed(path.parents), path]:
        try:
            mode = os.stat(part).st_mode
        except FileNotFoundError:
            return deepest
        except OSError as exc:
            why = "a symlink loop" if exc.errno == errno.ELOOP else exc.strerror
            raise UsageError(f"{option} {shown}: cannot use {display_path(part)}: {why}") from None
        if not stat.S_ISDIR(mode):
            raise UsageError(f"{option} {shown}: {display_path(part)} is a file, not a folder")
        deepest = part
    return deepest


def _probe_write(folder: Path, shown: Path, option: str) -> None:
    """Create and remove a file in ``folder``: the one sure test that outputs can be written there."""
    try:
        fd, probe = tempfile.mkstemp(prefix=".jakkg-write-test-", dir=folder)
    except OSError as exc:
        where = "" if folder == shown else f" {display_path(folder)}"
        raise UsageError(f"{option} {shown}: cannot write in{where or ' this folder'}: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)
