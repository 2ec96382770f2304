"""Strict YAML loading for the data files: safe, duplicate keys refused, lines remembered.

PyYAML keeps the last of two equal keys without a word; in a questionnaire or a
list of agencies that silently drops data, so a duplicate key is an error here.
"""

from __future__ import annotations

import yaml
from yaml.constructor import ConstructorError

LINE = "__line__"
# libyaml's C parser when present: ten times faster than the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_SafeLoader):
    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base class reports it
                break
            if duplicate:
                raise ConstructorError(
                    "while reading a mapping", node.start_mark,
                    f"duplicate key {key!r}", key_node.start_mark,
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _LineLoader(_StrictLoader):
    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_with_lines(text: str):
    """Like yaml.safe_load, with each mapping's first line under the key `__line__`."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass


def safe_load(text: str):
    """yaml.safe_load that refuses duplicate keys."""
    return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass


def line_of(mapping) -> int | str:
    return mapping.get(LINE, "?") if isinstance(mapping, dict) else "?"
