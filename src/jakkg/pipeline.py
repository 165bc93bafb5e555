"""Run the stages of `make run` (``jakkg stages``): the build, then the rest from one parse of the graph, two at a time.

At 100k claims each later stage spent 17-22 s and 2.4 GB parsing the same
6M-triple TriG into Oxigraph before doing seconds of its own work, one stage
after the other on a 2-core machine. Once the build has ended, a holder
process parses the file once (:func:`jakkg.store.share_store`) and forks
each stage that reads it: the child sees the store in copy-on-write memory,
and the stage's own code is unchanged (``load_store`` returns the shared
store for that file), so its outputs are those of the stage run alone. The
runner itself stays small and starts every other stage as a new process, so
that its memory (and the peak reported for it) is its own. Stages run
``--jobs`` at a time, in the order of ``pipeline.yaml``, each after the
stages it ``needs``; the parse takes one of the slots while it runs.

Each stage's output (but a ``stream`` stage's, the build's, shown as it
comes) is collected in a file and printed when it ends, under
a line with its wall time, CPU time and peak memory (``os.wait4``: the
child's own ru_maxrss, which counts the shared pages it touched). As with
make, the first failure stops new stages from starting; those running
finish, and the runner exits with the failed stage's code.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from select import select as readable
from typing import Any

from .errors import UsageError, display_path

PIPELINE = "pipeline.yaml"
SPAWNED = "from jakkg.cli import main; main(prog_name='jakkg')"  # a stage started as a new process
KEYS = {"name", "run", "needs", "requires", "install", "shared", "stream"}


@dataclass(frozen=True)
class Stage:
    """One stage: its name, its jakkg command line, and what it waits for."""

    name: str
    argv: tuple[str, ...]
    needs: tuple[str, ...] = ()
    requires: str | None = None
    install: str | None = None
    shared: bool = False  # reads the shared file through jakkg.store
    stream: bool = False  # its output goes straight to the runner's, as it comes (the build's progress)


@dataclass(frozen=True)
class Pipeline:
    """The stages and the file they share, with the placeholders filled in."""

    shared_file: Path
    stages: tuple[Stage, ...]


@dataclass
class Outcome:
    """How a stage ended: ok, failed (with its exit code) or skipped (with why); its figures and output."""

    stage: str
    status: str
    exit_code: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    peak_mb: float = 0.0
    why: str = ""
    output: str = field(default="", repr=False)

    def figures(self) -> dict[str, Any]:
        """The machine-readable record (``--timings``)."""
        lines = [ln for ln in self.output.splitlines() if ln.strip()]
        return {"stage": self.stage, "status": self.status, "exit_code": self.exit_code, "wall_s": round(self.wall, 3),
                "cpu_s": round(self.cpu, 3), "peak_mb": round(self.peak_mb, 1), "why": self.why,
                "last_error": lines[-1] if self.status == "failed" and lines else ""}


# -- the pipeline file -------------------------------------------------------------
def read_pipeline(values: dict[str, str], path: Path | None = None) -> Pipeline:
    """The stages of ``path`` (default: the packaged pipeline.yaml) with {data}, {sources} and {out} filled in.

    A malformed file is a UsageError naming the file, the line and what is
    wrong: a stage without ``run``, an unknown key, a ``needs`` that names
    no earlier stage, a placeholder that is not one of ``values``.
    """
    from .yamlnodes import YAMLError, load_yaml

    name = display_path(path) if path else PIPELINE
    text = path.read_text(encoding="utf-8") if path else files("jakkg").joinpath(PIPELINE).read_text(encoding="utf-8")
    try:
        doc = load_yaml(text)
    except YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise UsageError(f"{name}:{mark.line + 1 if mark else '?'}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("stages"), list) or not doc["stages"]:
        raise UsageError(f"{name}: expected a mapping with a non-empty `stages:` list")
    stages: list[Stage] = []
    for i, entry in enumerate(doc["stages"]):
        line = doc["stages"].lc.item(i)[0] + 1
        stages.append(_stage(entry, values, f"{name}:{line}", {s.name for s in stages}))
    return Pipeline(Path(_fill(str(doc.get("shared_file", "{out}/jakdm.trig")), values, f"{name}: shared_file")), tuple(stages))


def _stage(entry: Any, values: dict[str, str], where: str, earlier: set[str]) -> Stage:
    """One entry of ``stages:`` as a Stage, checked."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not isinstance(entry.get("run"), str):
        raise UsageError(f"{where}: a stage needs a `name` and a `run` command line")
    label = f"{where}: stage {entry['name']!r}"
    if unknown := sorted(set(entry) - KEYS):
        raise UsageError(f"{label}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(KEYS))})")
    if entry["name"] in earlier:
        raise UsageError(f"{label}: a second stage of that name")
    needs = tuple(entry.get("needs") or ())
    if missing := [n for n in needs if n not in earlier]:
        raise UsageError(f"{label}: needs {', '.join(map(repr, missing))}, which is not an earlier stage")
    argv = tuple(_fill(word, values, label) for word in shlex.split(entry["run"]))
    return Stage(entry["name"], argv, needs, entry.get("requires"), entry.get("install"), bool(entry.get("shared", False)),
                 bool(entry.get("stream", False)))


def _fill(text: str, values: dict[str, str], where: str) -> str:
    """``text`` with its {placeholders} replaced; an unknown one is an error naming it."""
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError) as exc:
        raise UsageError(f"{where}: {text!r}: unknown placeholder {exc} (known: {', '.join('{' + k + '}' for k in values)})") from None


def select(pipeline: Pipeline, only: list[str] | None) -> Pipeline:
    """The stages named in ``only`` (all when None); their ``needs`` on stages left out are dropped:
    a stage run alone reads what the last full run left."""
    if not only:
        return pipeline
    names = [s.name for s in pipeline.stages]
    if unknown := [n for n in only if n not in names]:
        raise UsageError(f"--only: unknown stage(s) {', '.join(map(repr, unknown))} (stages: {', '.join(names)})")
    kept = [s for s in pipeline.stages if s.name in only]
    chosen = {s.name for s in kept}
    return Pipeline(pipeline.shared_file, tuple(Stage(s.name, s.argv, tuple(n for n in s.needs if n in chosen), s.requires,
                                                      s.install, s.shared, s.stream) for s in kept))


# -- running --------------------------------------------------------------------
def run_pipeline(pipeline: Pipeline, jobs: int = 2, report: Callable[[Outcome], None] | None = None,
                 progress: Any = None) -> list[Outcome]:
    """Run the stages, ``jobs`` processes at a time; the outcomes in the pipeline's order.

    ``report`` is called with each outcome as it is known (a stage ended or
    was skipped), so its output is shown while the rest run.
    """
    tell = report or (lambda outcome: None)
    waiting = list(pipeline.stages)
    outcomes: dict[str, Outcome] = {}
    running: dict[str, tuple[Stage, float, Path, int | None]] = {}  # name -> stage, start, log, pid (None: the holder's)
    logs = Path(tempfile.mkdtemp(prefix="jakkg-stages-"))
    holder = None
    failed = False
    try:
        while waiting or running:
            for stage, why in [(s, why) for s in waiting if (why := _skip_reason(s, outcomes))]:
                waiting.remove(stage)
                outcomes[stage.name] = Outcome(stage.name, "skipped", why=why)
                tell(outcomes[stage.name])
            # Parse once the first stage that reads the file may start (the build that writes it has ended).
            to_parse = (holder is None and not failed and pipeline.shared_file.is_file()
                        and any(s.shared and _needs_met(s, outcomes) for s in waiting))
            parsing = to_parse or (holder is not None and holder.parsing)
            slots = jobs - len(running) - (1 if parsing else 0)
            for stage in [s for s in waiting if not failed and _ready(s, outcomes, parsing)][:max(slots, 0)]:
                waiting.remove(stage)
                log = logs / f"{stage.name.replace(' ', '-')}.log"
                pid = None
                if stage.shared and holder is not None and holder.alive:
                    holder.start(stage, log)
                else:
                    pid = _spawn(stage, log)
                running[stage.name] = (stage, time.perf_counter(), log, pid)
            if to_parse and len(running) < jobs:  # a process of its own, in the slot kept for it
                holder = _Holder(pipeline.shared_file, progress or _quiet, {s.name: s for s in pipeline.stages if s.shared})
            parsing = holder is not None and holder.parsing
            if not running and not parsing:
                if failed or not waiting:
                    break
                raise UsageError(f"stages {', '.join(s.name for s in waiting)} cannot start: what they need did not run")
            for outcome in _ended(running, holder):
                outcomes[outcome.stage] = outcome
                failed = failed or outcome.status == "failed"
                tell(outcome)
        for stage in waiting:  # not started after a failure
            outcomes[stage.name] = Outcome(stage.name, "not run", why="an earlier stage failed")
            tell(outcomes[stage.name])
    finally:
        if holder is not None:
            holder.stop()
        shutil.rmtree(logs, ignore_errors=True)
    return [outcomes[s.name] for s in pipeline.stages]


def _skip_reason(stage: Stage, outcomes: dict[str, Outcome]) -> str:
    """Why ``stage`` will not run (its program is missing, or a stage it needs was skipped); "" when it may."""
    if stage.requires and shutil.which(stage.requires) is None:
        return f"no `{stage.requires}` on PATH" + (f" ({stage.install})" if stage.install else "")
    if skipped := [n for n in stage.needs if outcomes.get(n) and outcomes[n].status == "skipped"]:
        return f"needs {', '.join(skipped)}, which was skipped"
    return ""


def _needs_met(stage: Stage, outcomes: dict[str, Outcome]) -> bool:
    """Whether every stage ``stage`` needs has ended well."""
    return all(outcomes.get(n) and outcomes[n].status == "ok" for n in stage.needs)


def _ready(stage: Stage, outcomes: dict[str, Outcome], parsing: bool) -> bool:
    """Whether ``stage`` can start now: its needs ended well, and the shared file is parsed if it reads it."""
    return _needs_met(stage, outcomes) and not (stage.shared and parsing)


def _spawn(stage: Stage, log: Path) -> int:
    """Start a stage that does not read the shared store as a new process (not a fork of this one, which
    holds the store): its memory is its own, and so is the peak reported for it. Its pid, which
    :func:`_ended` waits for like a fork's (posix_spawn: no subprocess.Popen that could reap it first)."""
    argv = [sys.executable, "-c", SPAWNED, *stage.argv]
    stdin = (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)
    if stage.stream:
        sys.stdout.flush()
        sys.stderr.flush()
        return os.posix_spawn(sys.executable, argv, os.environ, file_actions=[stdin])
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        return os.posix_spawn(sys.executable, argv, os.environ,
                              file_actions=[(os.POSIX_SPAWN_DUP2, fd, 1), (os.POSIX_SPAWN_DUP2, fd, 2), stdin])
    finally:
        os.close(fd)


def _fork(stage: Stage, log: Path) -> int:
    """Start ``stage`` in a child process whose stdout and stderr go to ``log``; its pid."""
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        _run_in_child(stage, log)
    return pid


def _run_in_child(stage: Stage, log: Path) -> None:
    """Run the stage's command line with jakkg's own CLI and exit with its code (os._exit: no parent cleanup)."""
    code = 1
    try:
        stream = open(log, "w", encoding="utf-8", buffering=1)  # noqa: SIM115 - open until os._exit
        os.dup2(stream.fileno(), 1)  # what child processes (Java) and C code write, too
        os.dup2(stream.fileno(), 2)
        sys.stdout = sys.stderr = stream  # not the parent's streams (under a test's CliRunner, not even fd 1 and 2)
        from .cli import main

        main.main(args=list(stage.argv), prog_name="jakkg", standalone_mode=True)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    except BaseException:  # noqa: BLE001 - a traceback in the log, not a second runner
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _ended(running: dict[str, tuple[Stage, float, Path, int | None]], holder: _Holder | None) -> list[Outcome]:
    """Wait until a running stage ends or the holder has parsed; the outcomes of the stages that ended.

    The runner's own children are polled by pid (never reaping a process
    someone else in this process started); the holder reports its forks.
    """
    pause = 0.005
    while True:
        ended = []
        own = {pid: name for name, (*_, pid) in running.items() if pid is not None}
        for pid, code, cpu, peak_mb in _reaped(own):
            stage, started, log, _ = running.pop(own[pid])
            ended.append(_outcome(stage, code, time.perf_counter() - started, cpu, peak_mb, log))
        if holder is not None:
            was_parsing = holder.parsing
            for name, code, cpu, peak_mb in holder.ended(timeout=0 if ended else pause):
                stage, started, log, _ = running.pop(name)
                ended.append(_outcome(stage, code, time.perf_counter() - started, cpu, peak_mb, log))
            if ended or (was_parsing and not holder.parsing):
                return ended
            if not holder.alive:  # it ended without reporting the stages it ran
                for name, (stage, started, log, pid) in list(running.items()):
                    if pid is None:
                        del running[name]
                        ended.append(Outcome(stage.name, "failed", 1, time.perf_counter() - started,
                                             output="the process holding the parsed graph ended before this stage did\n"))
        else:
            time.sleep(pause)
        if ended:
            return ended
        pause = min(pause * 2, 0.05)


def _reaped(pids: Iterable[int]) -> list[tuple[int, int, float, float]]:
    """The processes of ``pids`` that have ended, reaped without waiting: pid, exit code, CPU s, peak MB (os.wait4)."""
    out = []
    for pid in pids:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done == pid:
            out.append((pid, os.waitstatus_to_exitcode(status), usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024))
    return out


def _messages(fd: int, buffer: bytes) -> tuple[list[dict[str, Any]], bytes, bool]:
    """Read what ``fd`` (a pipe, known to be readable) holds: the complete JSON lines, the rest, and whether it closed."""
    chunk = os.read(fd, 1 << 16)
    *lines, rest = (buffer + chunk).split(b"\n")
    return [json.loads(line) for line in lines], rest, not chunk


def _outcome(stage: Stage, code: int, wall: float, cpu: float, peak_mb: float, log: Path) -> Outcome:
    return Outcome(stage.name, "ok" if code == 0 else "failed", code, wall, cpu, peak_mb,
                   output=log.read_text(encoding="utf-8", errors="replace") if log.is_file() else "")


class _Holder:
    """A process that parses the shared file once and forks the stages that read it.

    The runner itself stays small: a process it starts gets its memory
    high-water mark from it (Linux records the parent's resident memory at
    fork or spawn in the child's ru_maxrss), so stages that do not read the
    store are started by the runner and report their own peak, while the
    stages that do read it are forked by the holder and report the store's
    pages with theirs. The two talk over pipes, a JSON line a message.
    """

    def __init__(self, path: Path, progress: Any, stages: dict[str, Stage]):
        requests_r, self._requests = os.pipe()
        self._replies, replies_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the holder: never returns
            os.close(self._requests)
            os.close(self._replies)
            _hold(path, requests_r, replies_w, progress, stages)
        os.close(requests_r)
        os.close(replies_w)
        self.parsing, self.alive = True, True
        self._buffer = b""

    def start(self, stage: Stage, log: Path) -> None:
        """Ask the holder to fork ``stage`` with its output in ``log``."""
        os.write(self._requests, (json.dumps({"stage": stage.name, "log": str(log)}) + "\n").encode())

    def ended(self, timeout: float) -> list[tuple[str, int, float, float]]:
        """The stages the holder reports ended (name, exit code, CPU s, peak MB), waiting at most ``timeout`` s."""
        out = []
        if not self.alive:
            time.sleep(timeout)
        elif readable([self._replies], [], [], timeout)[0]:
            messages, self._buffer, closed = _messages(self._replies, self._buffer)
            if closed:
                self.alive = self.parsing = False
            for message in messages:
                if message["event"] == "parsed":
                    self.parsing = False
                else:
                    out.append((message["stage"], message["code"], message["cpu"], message["peak_mb"]))
        return out

    def stop(self) -> None:
        """Tell the holder to end once its stages have (they have, when the runner gets here), and reap it."""
        try:
            os.write(self._requests, b'{"stop": true}\n')
        except OSError:
            pass  # it has ended already
        os.close(self._requests)
        os.waitpid(self.pid, 0)
        os.close(self._replies)


def _hold(path: Path, requests: int, replies: int, progress: Any, stages: dict[str, Stage]) -> None:
    """The holder's life: parse ``path`` (:func:`jakkg.store.share_store`), then fork the stages it is asked
    for and report each one's end, until told to stop; then os._exit."""
    code = 1
    try:
        from .store import share_store

        try:
            with progress(f"parse {display_path(path)} once for the stages that read it"):
                share_store(path)
        except UsageError:
            pass  # each stage that reads the file says what is wrong with it
        os.write(replies, b'{"event": "parsed"}\n')
        running: dict[int, str] = {}
        buffer, stopping = b"", False
        while running or not stopping:
            if not stopping and readable([requests], [], [], 0.02 if running else None)[0]:
                messages, buffer, stopping = _messages(requests, buffer)
                for message in messages:
                    if message.get("stop"):
                        stopping = True
                        continue
                    running[_fork(stages[message["stage"]], Path(message["log"]))] = message["stage"]
            for pid, code, cpu, peak_mb in _reaped(list(running)):
                reply = {"event": "ended", "stage": running.pop(pid), "code": code, "cpu": cpu, "peak_mb": peak_mb}
                os.write(replies, (json.dumps(reply) + "\n").encode())
            if stopping and running:
                time.sleep(0.02)
        code = 0
    except BaseException:  # noqa: BLE001 - the runner sees the pipe close
        traceback.print_exc()
    finally:
        os._exit(code)


@contextmanager
def _quiet(what: str) -> Iterator[None]:
    """No progress report (library callers)."""
    del what
    yield
