"""Read curation YAML fast, keeping the line of every key and list item.

Error messages name the line a curator must edit, so the loader needs each
key's and item's position. ruamel.yaml's round-trip loader keeps them but
builds comment-preserving objects in pure Python (about 111 s for 10k
claims). PyYAML's libyaml-backed composer gives the same positions (node
marks) at C speed; this module turns its node tree into plain dicts and lists
that carry a ruamel-style ``lc`` accessor, so the loader's code is the same
for both.

Scalars follow the YAML 1.2 core schema, as ruamel.yaml does: ``yes``, ``no``,
``on`` and ``off`` stay strings (PyYAML's YAML 1.1 default would make them
booleans), and dates stay strings. A key given twice in one mapping is an
error, as in ruamel.yaml, rather than the silent overwrite of PyYAML.
"""
from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

try:  # libyaml is bundled with PyYAML's wheels; fall back to the pure-Python parser
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - only on a PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

YAMLError = yaml.YAMLError
MarkedYAMLError = yaml.MarkedYAMLError


class _Core12Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A libyaml loader whose implicit tags are YAML 1.2's core schema."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}


for _tag, _pattern, _first in (
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+0123456789.")),
):
    _Core12Loader.add_implicit_resolver(_tag, re.compile(_pattern), _first)


class _Lines:
    """ruamel.yaml's ``lc`` interface: 0-based (line, column) of keys and items."""

    __slots__ = ("col", "items", "keys", "line")

    def __init__(self, line: int, col: int):
        self.line, self.col = line, col
        self.keys: dict[Any, tuple[int, int]] = {}
        self.items: list[tuple[int, int]] = []

    def key(self, key: Any) -> tuple[int, int]:
        return self.keys[key]

    def item(self, index: int) -> tuple[int, int]:
        return self.items[index]


class Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping; ``lc.key(k)`` is where key ``k`` stands."""

    lc: _Lines


class Sequence(list):  # type: ignore[type-arg]
    """A YAML list; ``lc.item(i)`` is where item ``i`` starts."""

    lc: _Lines


class DuplicateKeyError(MarkedYAMLError):
    """A mapping names the same key twice."""


def _scalar(loader: _Core12Loader, node: ScalarNode) -> Any:
    if node.tag == "tag:yaml.org,2002:int":
        text = node.value.replace("_", "")
        if text.startswith(("0o", "0x")):
            return int(text, 0)  # YAML 1.2 core: 0o17 octal, 0x1F hexadecimal, Python's own prefixes
        return int(text)
    return loader.construct_object(node, deep=True)


def _construct(loader: _Core12Loader, node: Node) -> Any:
    if isinstance(node, MappingNode):
        result = Mapping()
        result.lc = _Lines(node.start_mark.line, node.start_mark.column)
        loader.flatten_mapping(node)  # merge keys (<<) as the safe loader does
        for key_node, value_node in node.value:
            key = _construct(loader, key_node)
            if key in result:
                first = result.lc.keys[key][0] + 1
                raise DuplicateKeyError("while constructing a mapping", node.start_mark,
                                        f"found duplicate key {key!r} (first at line {first})", key_node.start_mark)
            result.lc.keys[key] = (key_node.start_mark.line, key_node.start_mark.column)
            result[key] = _construct(loader, value_node)
        return result
    if isinstance(node, SequenceNode):
        seq = Sequence()
        seq.lc = _Lines(node.start_mark.line, node.start_mark.column)
        for item in node.value:
            seq.lc.items.append((item.start_mark.line, item.start_mark.column))
            seq.append(_construct(loader, item))
        return seq
    return _scalar(loader, node)  # type: ignore[arg-type]


def load_yaml(text: str) -> Any:
    """The document in ``text`` as Mapping / Sequence / scalars, or None when empty.

    Raises :class:`MarkedYAMLError` (with ``problem_mark``) on a syntax error
    or a duplicate key.
    """
    loader = _Core12Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _construct(loader, node)
    finally:
        loader.dispose()
