"""The ``jakkg`` command: a thin layer that parses options and calls the pipeline.

Errors that a user can fix (bad data, missing files) are printed as plain
lines, never as tracebacks, and set the exit code: 1 for invalid data, 2 for
unusable input.
"""
from __future__ import annotations

import math
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

from . import __version__
from .errors import JakkgError, UsageError
from .paths import output_dir, output_file

DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("build")
MAX_LISTED = 40  # lines of a list (graphs removed from a store) before the rest is counted, not listed


def default_sources() -> Path:
    """The seed texts: ../shared/seeds when it exists, else ./seeds."""
    for candidate in (Path("../shared/seeds"), Path("seeds")):
        if candidate.is_dir():
            return candidate
    return Path("../shared/seeds")


def reports_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a JakkgError into its message on stderr and its exit code."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except JakkgError as exc:
            click.echo(f"error: {exc}" if "\n" not in str(exc) else f"error: {len(getattr(exc, 'problems', [])) or 'several'} problem(s):\n{exc}", err=True)
            sys.exit(exc.exit_code)

    return wrapper


def seconds(value: float, option: str = "--timeout") -> float | None:
    """A time limit from the command line, checked before any work: None for 0 (no limit).

    click reads ``nan``, ``inf`` and ``-1`` as floats; none is a time limit,
    and each used to surface later as a traceback.
    """
    if not math.isfinite(value) or value < 0:
        raise UsageError(f"{option} {value}: expected a number of seconds, 0 or more (0: no limit)")
    return value or None


data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True, help="Curated data directory.")
sources_option = click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=None, help="Directory of the papers' texts [default: ../shared/seeds].")
engine_option = click.option("--engine", "engine", type=click.Choice(["turbo", "pyshacl"]), default="turbo", show_default=True,
                             help="SHACL engine: pyshacl-turbo (Rust) or pySHACL, the reference it is tested against.")
out_option = click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True, help="Output directory.")


@click.group()
@click.version_option(__version__, prog_name="jakkg")
def main() -> None:
    """Build and use the JAK-inhibitor / dermatomyositis knowledge graph."""


@main.command()
@data_option
@sources_option
@out_option
@click.option("--no-validate", "no_validate", is_flag=True, help="Write the graph even if it does not conform to the SHACL shapes.")
@engine_option
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="Processes that validate papers in parallel.")
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=None,
              help="Also write the SHACL validation report (Turtle) to this file.")
@click.option("--allow-removals", is_flag=True,
              help="Publish even when claims, cohorts or patients of the previous build in --out are gone (they are listed).")
@click.option("--no-cache", "no_cache", is_flag=True,
              help="Load and build every paper again, ignoring and not writing OUT/.cache/papers (the result is the same).")
@click.option("--store", "with_store", is_flag=True,
              help="Also leave on-disk Oxigraph stores of the TriG and Turtle in OUT/.cache, which stats, pool, export, "
                   "disagreements and `query --engine oxigraph` then open instead of parsing (worth it when many queries follow).")
@reports_errors
def build(data_dir: Path, sources_dir: Path | None, out_dir: Path, no_validate: bool = False, engine: str = "turbo",
          jobs: int = 2, report_path: Path | None = None, allow_removals: bool = False, no_cache: bool = False,
          with_store: bool = False) -> None:
    """Load data/, check every quote, validate with SHACL, and write build/jakdm.{trig,ttl,nt}."""
    from .build import build_graph
    from .export import STORES, removals, write_outputs
    from .load import load_corpus
    from .progress import step

    output_dir(out_dir)
    if report_path is not None:
        output_file(report_path, "--report")
    cache = None
    if not no_cache:
        from .buildcache import PaperCache

        cache = PaperCache(out_dir / ".cache" / "papers")
    with step(f"load {data_dir}"):
        corpus = load_corpus(data_dir, sources_dir or default_sources(), cache=cache)
    with step(f"build {len(corpus.claims)} claims"):
        built = build_graph(corpus, cache.parts if cache else None)
    if cache is not None:
        written = cache.store(corpus, built)
        click.echo(f"built {written} of {built.papers} papers; {len(cache.restored)} unchanged, from {cache.dir}", err=True)
    del corpus  # the models are done with: at 100k claims they hold gigabytes the later steps need
    if not no_validate:  # before writing: a graph that does not conform is never published
        from .validate import validate_built

        with step(f"validate ({engine}, {jobs} process{'es' * (jobs > 1)})"):
            report = validate_built(built, source=f"graph built from {data_dir}", engine=engine, jobs=jobs,
                                    cache_dir=out_dir / ".cache" / "validation")
        if not report.conforms:
            click.echo(report.text(), err=True, nl=False)
            click.echo(f"error: nothing written to {out_dir}; fix the data or pass --no-validate", err=True)
            sys.exit(1)
        click.echo(report.summary() + (" (see them with `jakkg validate`)" if report.warnings else ""))
        click.echo(f"validated {report.checked} of {report.checked + report.reused} partitions (papers, and the shared records); "
                   f"{report.reused} unchanged, from {out_dir / '.cache' / 'validation'}", err=True)
        if report_path is not None:
            from .validate import write_report

            write_report(report.to_turtle(), report_path)
    if (gone := removals(built, out_dir)) and not allow_removals:
        shown = "\n".join(f"  {line}" for line in gone[:30]) + (f"\n  ... and {len(gone) - 30} more" if len(gone) > 30 else "")
        click.echo(f"error: this build would remove {len(gone)} record(s) that {out_dir} publishes:\n{shown}\n"
                   f"nothing written; pass --allow-removals if they were removed on purpose", err=True)
        sys.exit(1)
    with step("write"):
        paths, n_quads = write_outputs(built, out_dir, STORES if with_store else ())
    click.echo(
        f"built {built.claims} claims, {built.cohorts} cohorts, {built.patients} patients "
        f"from {built.papers} papers: {n_quads} quads"
    )
    for path in paths.values():
        click.echo(f"  wrote {path}")


@main.command()
@click.argument("graph_file", type=click.Path(path_type=Path), default=DEFAULT_OUT / "jakdm.trig")
@reports_errors
def stats(graph_file: Path) -> None:
    """Print counts per class and per source paper of a built graph."""
    from .stats import graph_stats

    for section, rows in graph_stats(graph_file).items():
        click.echo(f"{section}:")
        width = max((len(k) for k, _ in rows), default=0)
        for key, value in rows:
            click.echo(f"  {key:<{width}}  {value:>6}")


@main.command()
@data_option
@sources_option
@click.option("--paper", "papers", multiple=True, help="Only this paper id (repeatable).")
@click.option("--missing-only", is_flag=True, help="List only the sentences with no claim and no skip reason.")
@click.option("--strict", is_flag=True, help="Exit 1 when a sentence has neither a claim nor a skip reason.")
@click.option("--output", type=click.Path(path_type=Path), default=None, help="Also write the report to this file.")
@reports_errors
def coverage(data_dir: Path, sources_dir: Path | None, papers: tuple[str, ...], missing_only: bool, strict: bool, output: Path | None) -> None:
    """Per paper, every sentence of the body with the claims that quote it, or why it was skipped."""
    from .coverage import corpus_coverage, format_report, write_report
    from .load import load_corpus

    if output:
        output_file(output)
    corpus = load_corpus(data_dir, sources_dir or default_sources())
    unknown = [p for p in papers if p not in corpus.papers]
    if unknown:
        raise UsageError(f"unknown paper id(s): {', '.join(unknown)} (known: {', '.join(sorted(corpus.papers))})")
    reports = [r for r in corpus_coverage(corpus) if not papers or r.paper in papers]
    text = format_report(reports, missing_only=missing_only)
    click.echo(text)
    if output:
        write_report(output, format_report(reports))
    missing = sum(r.count("missing") for r in reports)
    if strict and missing:
        click.echo(f"{missing} sentence(s) have neither a claim nor a skip reason", err=True)
        sys.exit(1)

# -- jakkg reason (issue 5: OWL reasoning with owlready2 + HermiT) ------------
@main.command()
@click.option("--in", "in_path", type=click.Path(path_type=Path), default=DEFAULT_OUT / "jakdm.trig", show_default=True,
              help="The built graph (.trig or .ttl).")
@out_option
@click.option("--ontology", "ontology_files", type=click.Path(path_type=Path), multiple=True,
              help="Ontology Turtle file, repeatable [default: the packaged jakkg.ttl and jakkg-axioms.ttl].")
@reports_errors
def reason(in_path: Path, out_dir: Path, ontology_files: tuple[Path, ...]) -> None:
    """Run HermiT on the ontology and the graph's entity-level facts; write
    build/jakdm-inferred.ttl (new triples) and build/jakdm-reasoned.ttl (asserted + inferred).

    Exits 1 when the graph contradicts the ontology (naming the individuals
    and axioms), 2 when Java, the input or the ontology cannot be used.
    """
    from .progress import step
    from .reason import reason_file, summary

    output_dir(out_dir)
    result = reason_file(in_path, out_dir, list(ontology_files) or None, progress=step)
    for line in summary(result):
        click.echo(line)
    for path in result.paths.values():
        click.echo(f"  wrote {path}")


# -- evidence network: networkx projection, analytics, exports, pictures (issue 7) --------------
graph_file_argument = click.argument("graph_file", type=click.Path(path_type=Path), required=False)


@main.command("graph")
@graph_file_argument
@click.option("--out", "out_dir", type=click.Path(path_type=Path), default=None,
              help="Write jakdm.graphml, jakdm.gexf and jakdm.nodelink.json here [default: build, unless --summary alone].")
@click.option("--summary", is_flag=True, help="Print the analytics tables: statistics, mechanistic paths, sources per edge, disagreements.")
@reports_errors
def graph_command(graph_file: Path | None, out_dir: Path | None, summary: bool) -> None:
    """Project the built graph (GRAPH_FILE, default OUT/jakdm.trig) onto a networkx evidence network.

    Writes GraphML and GEXF (Gephi, Cytoscape) and node-link JSON; with
    --summary (and no --out) only prints the tables.
    """
    from .analytics import summary_report
    from .draw import plural
    from .graph import load_projection, write_exports

    write = out_dir is not None or not summary
    out_dir = out_dir or DEFAULT_OUT
    if write:
        output_dir(out_dir)
    G = load_projection(graph_file or out_dir / "jakdm.trig")
    if summary:
        click.echo(summary_report(G), nl=False)
    if write:
        paths = write_exports(G, out_dir)
        n_claims = sum(d["n_claims"] for _, _, d in G.edges(data=True))
        click.echo(f"evidence network: {plural(G.number_of_nodes(), 'node')}, {plural(G.number_of_edges(), 'edge')}, {plural(n_claims, 'claim')}")
        for path in paths.values():
            click.echo(f"  wrote {path}")


@main.command("draw")
@graph_file_argument
@out_option
@reports_errors
def draw_command(graph_file: Path | None, out_dir: Path) -> None:
    """Draw the evidence network of GRAPH_FILE (default OUT/jakdm.trig): PNG, SVG and an interactive HTML page."""
    from .draw import page_context, write_pictures
    from .errors import display_path
    from .graph import project
    from .store import load_store

    output_dir(out_dir)
    source = graph_file or out_dir / "jakdm.trig"
    store = load_store(source, on_disk=False)  # the projection's queries are faster in memory (jakkg.store)
    G = project(store)
    if G.number_of_edges() == 0:
        raise UsageError(f"{display_path(source)}: the graph has no claims, so there is nothing to draw")
    for path in write_pictures(G, out_dir, context=page_context(store)).values():
        click.echo(f"  wrote {path}")

# -- pool: pooled estimates from the graph (issue 14) ------------------------------------
@main.command("pool")
@graph_file_argument
@out_option
@click.option("--include-case-reports", is_flag=True, help="Pool case reports too (by default they are listed, not pooled).")
@click.option("--allow-overlap", is_flag=True,
              help="Pool studies that may share patients (shared authors); the overlap is still named in the table.")
@click.option("--no-plots", is_flag=True, help="Write the table and the RDF only, without forest plots.")
@reports_errors
def pool_command(graph_file: Path | None, out_dir: Path, include_case_reports: bool, allow_overlap: bool, no_plots: bool) -> None:
    """Pool n/N outcomes reported by at least two independent studies (random effects, logit scale).

    Writes OUT/pooled-estimates.csv (every n/N outcome, pooled or with the
    reason it was not), OUT/pooled-estimates.ttl (each estimate derived from
    the claims it pools) and OUT/forest-ID.png/.svg per pooled outcome.
    """
    from .pool import write_pool

    results, paths = write_pool(graph_file or out_dir / "jakdm.trig", out_dir, include_case_reports=include_case_reports,
                                allow_overlap=allow_overlap, plots=not no_plots)
    pooled = sum(r.estimate is not None for r in results)
    click.echo(f"{len(results)} outcome(s) reported as n/N, {pooled} pooled")
    for path in paths[:2]:
        click.echo(f"  wrote {path}")
    if len(paths) > 2:
        click.echo(f"  wrote {len(paths) - 2} forest plot file(s) in {out_dir}")


@main.command("evidence-map")
@graph_file_argument
@out_option
@reports_errors
def evidence_map_command(graph_file: Path | None, out_dir: Path) -> None:
    """Draw the evidence map of GRAPH_FILE (default OUT/jakdm.trig): JAK inhibitors against outcome groups.

    Writes OUT/evidence-map.csv (one row per cell, with its claims),
    OUT/evidence-map.png and OUT/evidence-map.svg; juvenile and adult apart.
    """
    from .evidence_map import write_evidence_map

    emap, paths = write_evidence_map(graph_file or out_dir / "jakdm.trig", out_dir)
    used = sum(len(c["claims"]) for c in emap.cells)
    left = ", ".join(f"{n} {why}" for why, n in sorted(emap.skipped.items()))
    click.echo(f"{len(emap.cells)} cell(s) from {used} claim(s)" + (f"; not on the map: {left}" if left else ""))
    for path in paths:
        click.echo(f"  wrote {path}")


@main.command("disagreements")
@graph_file_argument
@out_option
@click.option("--rejected", "rejected_file", type=click.Path(path_type=Path), default=DEFAULT_DATA / "rejected-disagreements.yaml",
              show_default=True, help="Candidates a curator rejected, with reasons (YAML list of {claims: [A, B], reason}).")
@reports_errors
def disagreements_command(graph_file: Path | None, out_dir: Path, rejected_file: Path) -> None:
    """Run the disagreement rules on GRAPH_FILE (default OUT/jakdm-reasoned.ttl, else OUT/jakdm.trig) and
    write OUT/disagreement-candidates.csv: one row per candidate group (rule, key, the claims on each side, its pair counts
    and verdict), and the curated links no rule found."""
    from .disagree import compare, to_csv
    from .export import atomic_outputs
    from .store import load_store

    if graph_file is None:
        reasoned = out_dir / "jakdm-reasoned.ttl"
        graph_file = reasoned if reasoned.is_file() else out_dir / "jakdm.trig"
    rows, counts = compare(load_store(graph_file), rejected_file)
    with atomic_outputs(out_dir) as stage:
        stage("disagreement-candidates.csv", to_csv(rows))
    click.echo(f"{counts['candidates']} candidate pair(s) in {counts['groups']} group(s): {counts['confirmed']} pair(s) confirmed by a curated link, "
               f"{counts['rejected']} rejected by a curator, {counts['open']} open; groups: {counts['groups confirmed']} confirmed, "
               f"{counts['groups rejected']} rejected, {counts['groups'] - counts['groups confirmed'] - counts['groups rejected']} open; "
               f"{counts['curated missed']} of {counts['curated']} curated link(s) found by no rule")
    click.echo(f"  wrote {out_dir / 'disagreement-candidates.csv'}")


# -- export: the graph in other ecosystems' formats (issue 13) ----------------
@main.command("export")
@graph_file_argument
@click.option("--format", "fmt", type=click.Choice(["kgx"]), default="kgx", show_default=True,
              help="kgx: Biolink KGX nodes and edges TSV, one edge per claim.")
@out_option
@reports_errors
def export_command(graph_file: Path | None, fmt: str, out_dir: Path) -> None:
    """Write the built graph (GRAPH_FILE, default OUT/jakdm.trig) for other tools: KGX TSV for the Biolink ecosystem."""
    from .kgx import export_kgx

    del fmt  # one format so far
    for path in export_kgx(graph_file or out_dir / "jakdm.trig", out_dir).values():
        click.echo(f"  wrote {path}")


# -- query: SPARQL competency queries on the graph or a store -----------------
@main.command()
@click.argument("query_name", metavar="NAME|FILE", required=False)
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a query variable: a CURIE or IRI becomes an IRI, anything else a literal. Repeatable.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table", show_default=True)
@click.option("--graph", "graph", type=click.Choice(["asserted", "reasoned"]), default=None,
              help="build/jakdm.ttl (asserted, default) or build/jakdm-reasoned.ttl (made by `jakkg reason`).")
@click.option("--engine", type=click.Choice(["rdflib", "oxigraph"]), default="rdflib", show_default=True,
              help="Embedded SPARQL engine.")
@click.option("--endpoint", default=None, metavar="URL", help="Query this SPARQL endpoint over HTTP instead.")
@click.option("--build", "build_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Directory of the built graph.")
@click.option("--input", "input_file", type=click.Path(path_type=Path), default=None,
              help="Query this RDF file (.ttl, .nt, .trig) instead of the built graph.")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Stop the query after this many seconds (0: no limit).")
@click.option("--output", "-o", "output", type=click.Path(path_type=Path), default=None,
              help="Write the result to this file (atomically) instead of standard output.")
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries and the questions they answer.")
@reports_errors
def query(query_name: str | None, params: tuple[str, ...], fmt: str, graph: str | None, engine: str, endpoint: str | None,
          build_dir: Path, input_file: Path | None, timeout: float, output: Path | None, list_queries: bool) -> None:
    """Run a bundled competency query (by NAME) or a SPARQL file on the graph.

    Exit codes: 0 answered, 2 unusable query or input (syntax error with its
    line and column, refused SERVICE / LOAD / FROM, bad parameter, missing
    graph), 3 time limit reached.
    """
    from .query import find_query, graph_path, render, run_query
    from .query import list_queries as listing

    if list_queries:
        click.echo(listing(), nl=False)
        return
    if not query_name:
        raise UsageError("give a query NAME or FILE (`jakkg query --list` shows the bundled ones)")
    limit = seconds(timeout)
    if output is not None:
        output_file(output)
    named = find_query(query_name)
    if endpoint and (graph or input_file):
        raise UsageError("--graph and --input choose a local graph file; with --endpoint the store's data is queried "
                         "(load the reasoned graph with `jakkg load --graph reasoned`)")
    source = None
    if not endpoint:
        source = input_file if input_file is not None else graph_path(build_dir, graph or "asserted")
        if not source.is_file():
            raise UsageError(f"{source}: file not found")
    result, checked = run_query(named, params=params, engine=engine, source=source, endpoint=endpoint,
                                timeout=limit)
    text = render(result, fmt, checked.prefixes)
    if output is None:
        click.echo(text, nl=False)
        return
    from .export import atomic_outputs

    with atomic_outputs(output.parent if str(output.parent) else Path(".")) as stage:
        stage(output.name, text)
    n = len(result.rows)
    rows = "true/false" if result.form == "ASK" else f"{n} row{'' if n == 1 else 's'}"
    click.echo(f"wrote {output} ({rows})", err=True)


@main.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="Graph Store HTTP Protocol URL: Oxigraph http://HOST:7878/store, Fuseki http://HOST:3030/DS/data, "
                   "GraphDB http://HOST:7200/repositories/ID/rdf-graphs/service.")
@click.option("--build", "build_dir", type=click.Path(path_type=Path), default=DEFAULT_OUT, show_default=True)
@click.option("--graph", "graph", type=click.Choice(["asserted", "reasoned"]), default="asserted", show_default=True,
              help="Which merged graph goes into the default graph.")
@click.option("--mode", type=click.Choice(["graphs", "dataset"]), default="graphs", show_default=True,
              help="graphs: PUT each named graph (standard); dataset: POST the whole TriG (Oxigraph, Fuseki, GraphDB).")
@click.option("--default-graph/--no-default-graph", "default_graph", default=True, show_default=True,
              help="Also PUT the merged graph into the store's default graph, where queries without GRAPH look.")
@click.option("--query-endpoint", "query_url", default=None, metavar="URL",
              help="The store's SPARQL query URL, asked which jakkg graphs it holds [default: found from --endpoint "
                   "for Oxigraph (/store -> /query), Fuseki (/data -> /sparql) and GraphDB].")
@click.option("--timeout", type=float, default=60.0, show_default=True, help="Seconds to wait for each request (0: no limit).")
@reports_errors
def load(endpoint: str, build_dir: Path, graph: str, mode: str, default_graph: bool, query_url: str | None,
         timeout: float) -> None:
    """Push build/jakdm.trig (named graphs) and the merged graph to a triple store.

    jakkg's named graphs that the store holds but the build no longer has (a
    claim deleted or renamed) are removed, and listed; other graphs are left alone.
    """
    from .query import graph_path
    from .triplestore import push

    limit = seconds(timeout)
    trig = build_dir / "jakdm.trig"
    merged = graph_path(build_dir, graph) if default_graph else None
    report = push(endpoint, trig, merged, mode=mode, timeout=limit, query_url=query_url)
    click.echo(f"loaded {report.named_graphs} named graphs ({report.quads} quads) into {endpoint}"
               + (f"; {report.default_triples} triples into the default graph" if default_graph else ""))
    if report.removed:
        click.echo(f"removed {len(report.removed)} named graph{'s' if len(report.removed) != 1 else ''} "
                   f"({sum(n for _, n in report.removed)} quads) that are no longer in the build:")
        shown = report.removed if len(report.removed) <= MAX_LISTED else report.removed[:MAX_LISTED - 1]
        for iri, n in shown:
            click.echo(f"  removed <{iri}> ({n} quad{'s' if n != 1 else ''})")
        if len(shown) < len(report.removed):
            click.echo(f"  ... and {len(report.removed) - len(shown)} more")

# -- jakkg validate (issue 4) -------------------------------------------------
@main.command("validate")
@click.argument("graph_file", type=click.Path(path_type=Path), default=DEFAULT_OUT / "jakdm.ttl")
@click.option("--shapes", "shapes_file", type=click.Path(path_type=Path), default=None,
              help="SHACL shapes in Turtle [default: the packaged shapes/jakkg.shapes.ttl].")
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True,
              help="text: the report for curators; turtle: the SHACL validation report; json: findings with file and line.")
@click.option("--output", "output", type=click.Path(path_type=Path), default=None,
              help="Write the report to FILE (the text summary is still printed).")
@engine_option
@reports_errors
def validate_command(graph_file: Path, shapes_file: Path | None, fmt: str, output: Path | None, engine: str = "turbo") -> None:
    """Check any RDF file (default build/jakdm.ttl) against the SHACL shapes.

    Exit 0 when it conforms (warnings are printed), 1 on violations, 2 when
    the file or the shapes cannot be used.
    """
    from .validate import validate_file, write_report

    if output is not None:
        output_file(output)
    report = validate_file(graph_file, shapes_file, engine=engine)
    rendered = {"text": report.text, "turtle": report.to_turtle, "json": report.to_json}[fmt]()
    if output is None:
        click.echo(rendered, nl=False)
    else:
        write_report(rendered, output)
        click.echo(report.text(), nl=False)
        click.echo(f"wrote {output}")
    sys.exit(0 if report.conforms else 1)


# -- stages: everything `make run` does after the build, sharing one parse (issue 10) -----------------
@main.command("stages")
@data_option
@sources_option
@out_option
@click.option("--jobs", type=click.IntRange(1, 64), default=2, show_default=True, help="Stages that run at the same time.")
@click.option("--only", "only", default=None, metavar="NAME,...", help="Run only these stages (comma-separated names).")
@click.option("--pipeline", "pipeline_file", type=click.Path(path_type=Path), default=None,
              help="The stages to run [default: the packaged pipeline.yaml].")
@click.option("--timings", "timings_file", type=click.Path(path_type=Path), default=None,
              help="Also write each stage's status, wall and CPU seconds and peak memory here (JSON).")
@click.option("--list", "list_stages", is_flag=True, help="List the stages and their command lines, and exit.")
@reports_errors
def stages_command(data_dir: Path, sources_dir: Path | None, out_dir: Path, jobs: int, only: str | None,
                   pipeline_file: Path | None, timings_file: Path | None, list_stages: bool) -> None:
    """Run every stage of `make run` (build, coverage, reason, stats, graph, draw, queries, pool,
    evidence map, disagreements), JOBS at a time, parsing OUT/jakdm.trig once for all that read it.

    Each stage is the jakkg command it names, with the same outputs; the
    build's output shows as it comes, the others' when they end. Exits with
    the first failed stage's code.
    """
    import json

    from .pipeline import read_pipeline, run_pipeline, select
    from .progress import step

    values = {"data": str(data_dir), "sources": str(sources_dir or default_sources()), "out": str(out_dir)}
    pipeline = select(read_pipeline(values, pipeline_file), [n.strip() for n in only.split(",") if n.strip()] if only else None)
    if list_stages:
        for s in pipeline.stages:
            after = f"  (after {', '.join(s.needs)})" if s.needs else ""
            click.echo(f"{s.name}: jakkg {' '.join(s.argv)}{after}")
        return
    if timings_file is not None:
        output_file(timings_file, "--timings")
    outcomes = run_pipeline(pipeline, jobs, report=_report_stage, progress=step)
    if timings_file is not None:
        from .export import atomic_outputs

        with atomic_outputs(timings_file.parent if str(timings_file.parent) else Path(".")) as stage:
            stage(timings_file.name, json.dumps([o.figures() for o in outcomes], indent=1) + "\n")
    failed = [o for o in outcomes if o.status == "failed"]
    done = sum(o.status == "ok" for o in outcomes)
    click.echo(f"stages: {done} of {len(outcomes)} ran to the end" + (f"; failed: {', '.join(o.stage for o in failed)}" if failed else ""),
               err=bool(failed))
    if failed:
        sys.exit(failed[0].exit_code or 1)


def _report_stage(outcome: Any) -> None:
    """A stage's heading (status and figures) and its output, as it ends."""
    if outcome.status in ("ok", "failed"):
        head = (f"== {outcome.stage}: {'ok' if outcome.status == 'ok' else f'FAILED (exit {outcome.exit_code})'}, "
                f"{outcome.wall:.1f} s wall, {outcome.cpu:.1f} s cpu, peak {outcome.peak_mb:,.0f} MB")
    else:
        head = f"== {outcome.stage}: {outcome.status.upper()}: {outcome.why}"
    click.echo(head, err=outcome.status != "ok")
    if outcome.output:
        click.echo(outcome.output, nl=not outcome.output.endswith("\n"), err=outcome.status != "ok")
