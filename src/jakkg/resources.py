"""Package data (ontology, shapes, queries) located through the installed package.

The top-level ontology/ and shapes/ folders are linked into the package, so
an installed jakkg finds them with importlib.resources rather than through
paths relative to the working directory.
"""
from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def package_path(*parts: str) -> Path:
    """The filesystem path of a file or folder shipped inside the package."""
    return Path(str(files("jakkg").joinpath(*parts)))


def ontology_file() -> Path:
    """The jakkg OWL ontology in Turtle."""
    return package_path("ontology", "jakkg.ttl")
