"""Scale benchmark: every stage of `make run` on synthetic corpora of growing size (issue 10).

For each size the driver generates a corpus with benchmarks/synthetic.py
(cached under benchmarks/.cache/, keyed by the arguments and by the bytes of
the generator, data/ and the seed texts), then runs each stage of the
Makefile's `run` recipe as its own process, with the `jakkg` console script
of this interpreter's environment, in the corpus directory (so `data`,
SOURCES=sources and OUT=build name the corpus's own). The stages are read
from the Makefile itself, so the benchmark cannot drift from `make run`.

Per stage it measures the wall time and the peak resident memory. The peak
is the ru_maxrss that os.wait4 returns for that one child (the largest of
the child and the processes it waited for, such as the Java reasoner): the
same figure as /usr/bin/time -v, and not getrusage(RUSAGE_CHILDREN), which
keeps the maximum over every earlier stage. A stage that fails or times out
is reported with its exit code and the last line of its stderr, and the
driver goes on. The growth exponent is log(t2/t1)/log(n2/n1) between the
two largest sizes.

Run:  python benchmarks/scale.py                       # 1k and 10k claims, all stages
      python benchmarks/scale.py --sizes 1000,10000,100000 --timeout 900
      python benchmarks/scale.py --sizes 1000 --stages build,validate --markdown
      python benchmarks/scale.py --incremental          # then add one claim and rerun everything
      python benchmarks/scale.py --sizes 10000 --stages graph   # reuses the outputs of an earlier build

A run that includes `build` starts from an empty OUT; without it, the
stages read what the last build of that corpus left.
      make bench [BENCH_SIZES=1000,10000,100000]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synthetic

ROOT = Path(__file__).resolve().parents[1]
MAKEFILE = ROOT / "Makefile"
CACHE = Path(__file__).resolve().parent / ".cache"
OUT, SOURCES, DATA = "build", "sources", "data"  # relative to the corpus directory, where each stage runs
JOBS = "2"  # `make run`'s default: the stages after the build, two at a time
RUNNER_ROW = "jakkg stages, 2 at a time"  # the runner's own row: its wall time is what the stages cost together
RUNNER = "stages"  # the recipe's `jakkg stages` line: the runner of the stages listed in jakkg's pipeline.yaml
INCREMENTAL_TARGET_S = 5.0


# -- the stages, read from the Makefile ------------------------------------------
@dataclass(frozen=True)
class Stage:
    """One line of the `run` recipe: its name (the jakkg subcommand, and the query's name) and its arguments."""

    name: str
    args: tuple[str, ...]  # after `jakkg`, with the Makefile variables substituted
    runner: bool = False  # one of the stages of the recipe's `jakkg stages` line (args: that line)

    def matches(self, token: str) -> bool:
        """`query` selects both queries; `query drug-targets` or `query:drug-targets` one of them."""
        return token in (self.name, self.name.split()[0], self.name.replace(" ", ":"))


def makefile_stages(makefile: Path = MAKEFILE) -> list[Stage]:
    """The stages of `make run`, in order: each `$(BIN)/jakkg ...` line of the `run` recipe, and in place of
    its `jakkg stages` line the stages that runner runs (jakkg's pipeline.yaml), each with its own name."""
    stages, in_run = [], False
    for raw in makefile.read_text(encoding="utf-8").splitlines():
        if re.match(r"^[A-Za-z0-9_.-]+\s*:(?!=)", raw):
            in_run = raw.split(":")[0].strip() == "run"
            continue
        if not in_run or not raw.startswith("\t"):
            continue
        at = raw.find("$(BIN)/jakkg ")  # also inside a shell conditional (`@if command -v java ...; then ...`)
        if at < 0:
            continue
        words = shlex.split(raw[at:].split(";")[0])
        args = tuple(substitute(w) for w in words[1:])
        if args[0] == RUNNER:
            stages += [Stage(name, ("stages", *args[1:]), runner=True) for name in pipeline_names()]
            continue
        name = args[0] + (f" {args[1]}" if args[0] == "query" and len(args) > 1 else "")
        stages.append(Stage(name, args))
    if not stages:
        raise SystemExit(f"error: {makefile}: no `$(BIN)/jakkg ...` line in the run recipe")
    return stages


def pipeline_names() -> list[str]:
    """The names of the stages `jakkg stages` runs, from the installed jakkg's pipeline.yaml."""
    from jakkg.pipeline import read_pipeline

    return [s.name for s in read_pipeline({"data": DATA, "sources": SOURCES, "out": OUT}).stages]


def substitute(word: str) -> str:
    """Replace $(OUT), $(SOURCES) and $(DATA) by the corpus directory's own; any other variable is an error."""
    word = word.replace("$(OUT)", OUT).replace("$(SOURCES)", SOURCES).replace("$(DATA)", DATA).replace("$(JOBS)", JOBS)
    if m := re.search(r"\$[({]\w+[)}]", word):
        raise SystemExit(f"error: {MAKEFILE}: the run recipe uses {m.group()}, which benchmarks/scale.py does not know")
    return word


def select(stages: list[Stage], wanted: str | None) -> list[Stage]:
    """The stages named in --stages (all when None), in the Makefile's order."""
    if not wanted:
        return stages
    tokens = [t.strip() for t in wanted.split(",") if t.strip()]
    unknown = [t for t in tokens if not any(s.matches(t) for s in stages)]
    if unknown:
        raise SystemExit(f"error: unknown stage(s) {', '.join(unknown)}; the run recipe has: {', '.join(s.name for s in stages)}")
    return [s for s in stages if any(s.matches(t) for t in tokens)]


# -- corpora -----------------------------------------------------------------
def inputs_digest(data_dir: Path, seeds_dir: Path) -> str:
    """A hash of what a corpus is made from: the generator and its inputs."""
    h = hashlib.sha256(Path(synthetic.__file__).read_bytes())
    for base in (data_dir, seeds_dir):
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            h.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:12]


def corpus_dir(claims: int, errors: int, seed: int, digest: str, data_dir: Path, seeds_dir: Path) -> Path:
    """The cached corpus for these arguments, generated first if missing."""
    target = CACHE / f"corpus-{claims}-e{errors}-s{seed}-{digest}"
    if not (target / "manifest.json").is_file():
        partial = target.with_name(target.name + ".partial")
        shutil.rmtree(partial, ignore_errors=True)
        started = time.perf_counter()
        synthetic.generate(claims, partial, errors, seed, data_dir, seeds_dir)
        shutil.rmtree(target, ignore_errors=True)
        partial.rename(target)
        print(f"generated {target} in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    return target


# -- running one stage -------------------------------------------------------------
@dataclass
class Result:
    """What one stage did: wall seconds, peak memory, and how it ended."""

    stage: str
    wall: float
    peak_mb: float
    exit_code: int
    cpu: float = 0.0  # user + system seconds of the child: less sensitive than wall time to a busy host
    timed_out: bool = False
    last_error: str = ""
    within: str | None = None  # run by `jakkg stages` (RUNNER_ROW), at the same time as others: not added to the total
    left: str = ""  # why a stage of the runner did not run: "skipped" (no Java) or "not run" (an earlier stage failed)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and not self.left


def stem(stage: Stage) -> str:
    """The name of a process's log files."""
    return stage.name.replace(" ", "-").replace(",", "")


def run_stage(jakkg: Path, stage: Stage, cwd: Path, timeout: float | None, logs: Path) -> Result:
    """Run one stage in its own process (and session, so a timeout stops its children too)."""
    logs.mkdir(parents=True, exist_ok=True)
    with open(logs / f"{stem(stage)}.stdout", "wb") as out, open(logs / f"{stem(stage)}.stderr", "wb") as err:
        started = time.perf_counter()
        proc = subprocess.Popen([str(jakkg), *stage.args], cwd=cwd, stdout=out, stderr=err, start_new_session=True)
        status, usage, timed_out = _wait(proc, started, timeout)
        wall = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    proc.returncode = code
    lines = (logs / f"{stem(stage)}.stderr").read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return Result(stage.name, wall, usage.ru_maxrss / 1024, code, usage.ru_utime + usage.ru_stime, timed_out,
                  lines[-1] if lines else "")


def _wait(proc: subprocess.Popen, started: float, timeout: float | None) -> tuple[int, object, bool]:
    """Reap the child with os.wait4 (its own rusage); kill its process group past the timeout."""
    timed_out, pause = False, 0.005
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid == proc.pid:
            return status, usage, timed_out
        if timeout and not timed_out and time.perf_counter() - started > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            timed_out = True
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def run_pipeline(jakkg: Path, stages: list[Stage], cwd: Path, timeout: float | None, label: str) -> list[Result]:
    """Every process of the recipe in order: the build, then `jakkg stages` with --only the selected
    stages; a failure is recorded and the next process runs anyway. The runner's stages each get their
    own result (from its --timings file), and the runner its own, whose wall time is what they cost."""
    results = []
    logs = cwd / "logs" / label
    for i, stage in enumerate(stages):
        if stage.runner and i and stages[i - 1].runner:
            continue  # run with the first of them
        if stage.runner:
            chosen = [s.name for s in stages[i:] if s.runner]
            timings = logs / "stages.json"
            only = () if chosen == pipeline_names() else ("--only", ",".join(chosen))
            process = Stage(RUNNER_ROW, (*stage.args, *only, "--timings", str(timings.resolve())))
            timings.unlink(missing_ok=True)
            result = run_stage(jakkg, process, cwd, timeout, logs)
            errors = [ln for ln in (logs / f"{stem(process)}.stderr").read_text(encoding="utf-8", errors="replace").splitlines()
                      if ln.startswith("error:")]
            results += [*runner_results(timings, chosen, result, errors[-1] if errors else ""), result]
        else:
            results.append(run_stage(jakkg, stage, cwd, timeout, logs))
    for result in results:
        status = "ok" if result.ok else ("timed out" if result.timed_out else f"failed, exit {result.exit_code}")
        print(f"  [{label}] {result.stage}: {result.wall:.1f} s wall, {result.cpu:.1f} s cpu, {result.peak_mb:.0f} MB, {status}",
              file=sys.stderr, flush=True)
    return results


def runner_results(timings: Path, chosen: list[str], runner: Result, streamed_error: str = "") -> list[Result]:
    """One result per stage of the runner, from its --timings file (none of it when the runner failed before writing it).

    A stage whose output the runner streams (the build) has no last line of
    its own in the file: a failure of it gets ``streamed_error``, the last
    `error:` line of the runner's stderr."""
    figures = {f["stage"]: f for f in json.loads(timings.read_text(encoding="utf-8"))} if timings.is_file() else {}
    out = []
    for name in chosen:
        f = figures.get(name)
        if f is None:
            out.append(Result(name, 0.0, 0.0, runner.exit_code or 1, within=RUNNER_ROW, last_error=runner.last_error))
            continue
        ran = f["status"] in ("ok", "failed")
        out.append(Result(name, f["wall_s"], f["peak_mb"], f["exit_code"] if ran else 0, f["cpu_s"], within=RUNNER_ROW,
                          last_error=f.get("last_error") or f.get("why", "") or (streamed_error if f["status"] == "failed" else ""),
                          left="" if ran else f["status"]))
    return out


def count_lines(path: Path) -> int | None:
    """Lines of an N-Triples file: its triples."""
    if not path.is_file():
        return None
    with path.open("rb") as fh:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))


# -- incremental rerun ---------------------------------------------------------------
def add_one_claim(corpus: Path) -> str:
    """Append a claim to the first claims file of a corpus (a curator's edit); return its id."""
    from ruamel.yaml import YAML

    path = min((corpus / "data" / "claims").glob("*.yaml"))
    text = path.read_text(encoding="utf-8")
    first = YAML(typ="safe", pure=True).load(text)["claims"][0]
    claim = {**first, "id": f"{first['id']}-INC", "note": "Added by benchmarks/scale.py --incremental."}
    claim.pop("disagrees_with", None)
    lines: list[str] = []
    synthetic._mapping(claim, 4, lines, first_prefix="  - ")
    marker = "\nclaims:\n"
    if marker not in text:
        raise SystemExit(f"error: {path}: no claims: section to add a claim to")
    path.write_text(text.replace(marker, marker + "\n".join(lines) + "\n", 1), encoding="utf-8")
    return f"{claim['id']} in {path.relative_to(corpus)}"


def incremental(jakkg: Path, stages: list[Stage], corpus: Path, timeout: float | None) -> tuple[str, list[Result]]:
    """Copy the corpus with its outputs, add one claim, and rerun every stage there."""
    work = corpus.with_name(corpus.name + "-incremental")
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(corpus, work, symlinks=True, ignore=shutil.ignore_patterns("logs"))  # copy2: mtimes kept
    what = add_one_claim(work)
    return what, run_pipeline(jakkg, stages, work, timeout, "incremental")


# -- reporting ------------------------------------------------------------------
def machine(load_before: tuple[float, float, float]) -> str:
    """Cores, memory, CPU model, Python version and load: what the figures were measured on."""
    model, mem_gb = platform.processor() or "unknown CPU", 0.0
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        if m := re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE):
            model = m.group(1).strip()
        mem_gb = int(re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE).group(1)) / 1024**2
    except (OSError, AttributeError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    load = lambda xs: ", ".join(f"{x:.1f}" for x in xs)
    return (f"{cores} cores ({model}), {mem_gb:.1f} GB memory, Python {platform.python_version()} "
            f"on {platform.system()} {platform.release()}; load average (1, 5, 15 min) at the start {load(load_before)}, "
            f"at the end {load(os.getloadavg())}")


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def cell(result: Result | None) -> str:
    if result is None:
        return "not run"
    if result.left:
        return f"{result.left}: {result.last_error}"
    if result.timed_out:
        return f"timed out at {result.wall:.0f} s"
    if result.exit_code != 0:
        return f"failed (exit {result.exit_code}) {result.wall:.1f} s"
    return f"{result.wall:.1f} s / {result.peak_mb:.0f} MB"


def growth(sizes: list[int], rows: dict[int, Result | None]) -> str:
    """log(t2/t1)/log(n2/n1) between the two largest sizes, when both ran to the end."""
    if len(sizes) < 2:
        return "-"
    (n1, n2) = sizes[-2:]
    r1, r2 = rows.get(n1), rows.get(n2)
    if not (r1 and r2 and r1.ok and r2.ok) or r1.wall <= 0 or r2.wall <= 0:
        return "n/a"
    return f"{math.log(r2.wall / r1.wall) / math.log(n2 / n1):.2f}"


def processes(results: list[Result]) -> list[Result]:
    """The results of the recipe's own processes (the build, the runner): what the total adds up."""
    return [r for r in results if r.within is None]


def table(sizes: list[int], stages: list[Stage], runs: dict[int, list[Result]], markdown: bool) -> str:
    """stage | one column a size (wall / peak) | growth exponent; the runner's own row; then the total.

    A stage of the runner is timed in its own process, but runs at the same
    time as another: its row says what it costs, the runner's row what the
    stages cost together, and only the build and the runner add up to the total.
    """
    by = {n: {r.stage: r for r in runs[n]} for n in sizes}
    header = ["stage", *(f"{size_label(n)} claims: wall / peak" for n in sizes)]
    if len(sizes) > 1:
        header.append(f"growth {size_label(sizes[-2])}->{size_label(sizes[-1])}")
    names = [s.name for s in stages]
    if any(s.runner for s in stages):
        names.insert(max(i for i, s in enumerate(stages) if s.runner) + 1, RUNNER_ROW)
    rows = []
    for name in names:
        label = (f"**{name}**" if name == RUNNER_ROW else f"`jakkg {name}`") if markdown else name
        rows.append([label, *(cell(by[n].get(name)) for n in sizes)]
                    + ([growth(sizes, {n: by[n].get(name) for n in sizes})] if len(sizes) > 1 else []))
    totals = {n: Result("total", sum(r.wall for r in processes(runs[n])), max((r.peak_mb for r in runs[n]), default=0),
                        0 if all(r.ok for r in runs[n]) else 1) for n in sizes}
    rows.append(["**total**" if markdown else "total",
                 *((f"{t.wall:.1f} s / {t.peak_mb:.0f} MB max" + ("" if t.ok else " (with failures)")) for t in totals.values())]
                + ([growth(sizes, totals)] if len(sizes) > 1 else []))
    return render(header, rows, markdown)


def render(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
        lines += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    fmt = lambda r: "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
    return "\n".join([fmt(header), fmt(["-" * w for w in widths]), *map(fmt, rows)])


def failures(runs: dict[str, list[Result]]) -> list[str]:
    """One line per failed stage: size, stage, exit code, last line of stderr."""
    return [f"{label}: {r.stage}: {r.left if r.left else 'timed out' if r.timed_out else f'exit {r.exit_code}'}: {r.last_error or '(no stderr)'}"
            for label, results in runs.items() for r in results if not r.ok]


# -- main -------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000", help="claims per corpus, comma-separated (default 1000,10000)")
    parser.add_argument("--stages", default=None, help="only these stages of the run recipe, comma-separated (query selects both queries)")
    parser.add_argument("--timeout", type=float, default=None, help="stop a stage after this many seconds")
    parser.add_argument("--incremental", action="store_true",
                        help="after the largest size, add one claim to a copy of its corpus and rerun every stage")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    parser.add_argument("--errors", type=int, default=0, help="planted SHACL violations per corpus (build then fails by design)")
    parser.add_argument("--seed", type=int, default=0, help="the generator's random seed (default 0)")
    parser.add_argument("--data", type=Path, default=synthetic.DEFAULT_DATA, help="the curated data/ the corpora copy (default: the repository's)")
    parser.add_argument("--sources", type=Path, default=synthetic.DEFAULT_SEEDS, help="their seed texts (default ../shared/seeds)")
    parser.add_argument("--makefile", type=Path, default=MAKEFILE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes: {args.sizes!r} is not a comma-separated list of numbers")
    if not sizes or sizes[0] < 1:
        parser.error("--sizes needs at least one size of 1 or more")
    jakkg = Path(sys.executable).parent / "jakkg"
    if not jakkg.is_file():
        raise SystemExit(f"error: no jakkg console script next to {sys.executable}; install jakkg in this environment")
    stages = select(makefile_stages(args.makefile), args.stages)
    digest = inputs_digest(args.data, args.sources)
    load_before = os.getloadavg()

    runs: dict[int, list[Result]] = {}
    corpora: dict[int, tuple[Path, dict]] = {}
    for n in sizes:
        corpus = corpus_dir(n, args.errors, args.seed, digest, args.data, args.sources)
        if any(s.name == "build" for s in stages):
            shutil.rmtree(corpus / OUT, ignore_errors=True)  # a run with the build starts from nothing
        shutil.rmtree(corpus / "logs" / size_label(n), ignore_errors=True)
        runs[n] = run_pipeline(jakkg, stages, corpus, args.timeout, size_label(n))
        corpora[n] = (corpus, json.loads((corpus / "manifest.json").read_text(encoding="utf-8")))
    labelled = {size_label(n): runs[n] for n in sizes}
    inc = None
    if args.incremental:
        inc = incremental(jakkg, stages, corpora[sizes[-1]][0], args.timeout)
        labelled["incremental"] = inc[1]

    print(table(sizes, stages, runs, args.markdown))
    print()
    for n in sizes:
        corpus, manifest = corpora[n]
        triples = count_lines(corpus / OUT / "jakdm.nt")
        print(f"{size_label(n)}: {manifest['claims']} claims in {manifest['papers']} paper{'s' if manifest['papers'] != 1 else ''}, {manifest['cohorts']} cohorts, "
              f"{manifest['patients']} patients" + (f", {triples} triples (jakdm.nt)" if triples is not None else "")
              + f"; corpus {corpus}")
    if inc is not None:
        total = sum(r.wall for r in processes(inc[1]))
        verdict = "met" if total <= INCREMENTAL_TARGET_S and all(r.ok for r in inc[1]) else "not met"
        print(f"incremental: after adding {inc[0]}, every stage again: {total:.1f} s "
              f"(target {INCREMENTAL_TARGET_S:.0f} s: {verdict}); per stage: "
              + ", ".join(f"{r.stage} {cell(r)}" for r in inc[1])
              + f"; cpu {sum(r.cpu for r in processes(inc[1])):.1f} s")
    if failed := failures(labelled):
        print("failed stages (exit code: last line of stderr; logs in the corpus's logs/ directory):")
        print("\n".join(f"  {line}" for line in failed))
    print(f"processes: `{jakkg} stages ...` in the corpus directory, as `make run` runs it: {JOBS} stages at a time, the build "
          f"first with coverage beside it, then the stages that read jakdm.trig forked from one process that parsed it; a stage's "
          f"wall time, CPU time and peak are the runner's figures for it (os.wait4: its ru_maxrss, with the children it waited for "
          f"and, for a forked stage, the parsed store's pages); stages share the cores, so their CPU time is the steadier figure")
    print(f"machine: {machine(load_before)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
