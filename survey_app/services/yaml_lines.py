"""YAML loading that remembers on which line each mapping starts (for error messages)."""

from __future__ import annotations

import yaml

LINE = "__line__"


# libyaml's C parser when present: ten times faster than the pure-Python one.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeLoader):
    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping[LINE] = node.start_mark.line + 1
        return mapping


def load_with_lines(text: str):
    """Like yaml.safe_load, with each mapping's first line under the key `__line__`."""
    return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass


def safe_load(text: str):
    return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 - the safe loader


def line_of(mapping) -> int | str:
    return mapping.get(LINE, "?") if isinstance(mapping, dict) else "?"
