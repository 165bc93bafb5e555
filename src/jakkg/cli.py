"""The ``jakkg`` command: a thin layer that parses options and calls the pipeline.

Errors that a user can fix (bad data, missing files) are printed as plain
lines, never as tracebacks, and set the exit code: 1 for invalid data, 2 for
unusable input.
"""
from __future__ import annotations

import sys
from functools import wraps
from pathlib import Path
from typing import Any, Callable

import click

from . import __version__
from .errors import JakkgError

DEFAULT_DATA = Path("data")
DEFAULT_OUT = Path("build")


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


data_option = click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default=True, help="Curated data directory.")
sources_option = click.option("--sources", "sources_dir", type=click.Path(path_type=Path), default=None, help="Directory of the papers' texts [default: ../shared/seeds].")
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
@reports_errors
def build(data_dir: Path, sources_dir: Path | None, out_dir: Path, no_validate: bool = False) -> None:
    """Load data/, check every quote, validate with SHACL, and write build/jakdm.{trig,ttl,nt}."""
    from .build import build_dataset
    from .export import merged_graph, write_outputs
    from .load import load_corpus

    corpus = load_corpus(data_dir, sources_dir or default_sources())
    ds = build_dataset(corpus)
    if not no_validate:  # before writing: a graph that does not conform is never published
        from .validate import validate_graph

        report = validate_graph(merged_graph(ds), source=f"graph built from {data_dir}")
        if not report.conforms:
            click.echo(report.text(), err=True, nl=False)
            click.echo(f"error: nothing written to {out_dir}; fix the data or pass --no-validate", err=True)
            sys.exit(1)
        click.echo(report.summary() + (" (see them with `jakkg validate`)" if report.warnings else ""))
    paths = write_outputs(ds, out_dir)
    n_quads = sum(1 for _ in ds.quads((None, None, None, None)))
    click.echo(
        f"built {len(corpus.claims)} claims, {len(corpus.cohorts)} cohorts, {len(corpus.patients)} patients "
        f"from {len(corpus.papers)} papers: {n_quads} quads"
    )
    for path in paths.values():
        click.echo(f"  wrote {path}")


@main.command()
@click.argument("graph_file", type=click.Path(path_type=Path), default=DEFAULT_OUT / "jakdm.trig")
@reports_errors
def stats(graph_file: Path) -> None:
    """Print counts per class and per source paper of a built graph."""
    from .stats import graph_stats, read_dataset

    ds = read_dataset(graph_file)
    for section, rows in graph_stats(ds).items():
        click.echo(f"{section}:")
        width = max((len(k) for k, _ in rows), default=0)
        for key, value in rows:
            click.echo(f"  {key:<{width}}  {value:>6}")


# -- jakkg validate (issue 4) -------------------------------------------------
@main.command("validate")
@click.argument("graph_file", type=click.Path(path_type=Path), default=DEFAULT_OUT / "jakdm.ttl")
@click.option("--shapes", "shapes_file", type=click.Path(path_type=Path), default=None,
              help="SHACL shapes in Turtle [default: the packaged shapes/jakkg.shapes.ttl].")
@click.option("--format", "fmt", type=click.Choice(["text", "turtle", "json"]), default="text", show_default=True,
              help="text: the report for curators; turtle: the SHACL validation report; json: findings with file and line.")
@click.option("--output", "output", type=click.Path(path_type=Path), default=None,
              help="Write the report to FILE (the text summary is still printed).")
@reports_errors
def validate_command(graph_file: Path, shapes_file: Path | None, fmt: str, output: Path | None) -> None:
    """Check any RDF file (default build/jakdm.ttl) against the SHACL shapes.

    Exit 0 when it conforms (warnings are printed), 1 on violations, 2 when
    the file or the shapes cannot be used.
    """
    from .validate import validate_file, write_report

    report = validate_file(graph_file, shapes_file)
    rendered = {"text": report.text, "turtle": report.to_turtle, "json": report.to_json}[fmt]()
    if output is None:
        click.echo(rendered, nl=False)
    else:
        write_report(rendered, output)
        click.echo(report.text(), nl=False)
        click.echo(f"wrote {output}")
    sys.exit(0 if report.conforms else 1)
