"""Strict YAML loading for the data files: safe, duplicate keys refused, lines remembered.

PyYAML keeps the last of two equal keys without a word; in a questionnaire or a
list of agencies that silently drops data, so a duplicate key is an error here.
Strings go through `text_input.clean`: YAML refuses raw control characters but
takes them escaped ("\\x1b", "\\0") and takes U+2028 as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml
from yaml.constructor import ConstructorError

from survey_app.text_input import ControlCharacter, clean

LINE = "__line__"
# libyaml's C parser when present: ten times faster than the pure-Python one.
if TYPE_CHECKING:  # the C loader has the same interface as the pure-Python one
    from yaml import SafeLoader as _SafeLoader
else:
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


def _clean_str(loader, node):
    """A string scalar through `text_input.clean` (escapes such as "\\x1b" reach here)."""
    value = loader.construct_yaml_str(node)
    try:
        return clean(value, multiline=True)
    except ControlCharacter:
        raise ConstructorError(None, None, "a null character or a broken one (a lone "
                               "surrogate) is not allowed", node.start_mark) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:str", _clean_str)


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
