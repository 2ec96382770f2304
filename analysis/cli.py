"""``python -m analysis summarize``: satisfaction rates from an exported CSV file.

A row of the file is one response. The ``--satisfied-column`` holds either
0/1 (1 = satisfied) or a 1-5 score where 4 (hài lòng) and 5 (rất hài lòng)
count as satisfied; ``--scale`` says which, or ``auto`` decides from the
values (a 0 means 0/1, a 2-5 means scores; a column of only 1s is ambiguous
and must be told). An empty cell is "not used / no opinion": it is left out
of every rate, and the number left out is reported on stderr; so is ``not_used``
("not used / no opinion" in the app's own export), which that file can be read
with directly (``--satisfied-column overall_score``, or an item's column such as
``one-stop-sipas.tc1``).

``--where column=value`` keeps only the rows with that value (repeat: all must
hold). ``--target-file`` gives a target per group: a CSV file whose header has
some of the ``--by`` columns and ``target`` (e.g. ``sector,target`` then
``dat-dai,0.85``); a group with no line in it gets no verdict. The table is
written in ``--lang`` (vi: "90,3 %", groups in Vietnamese alphabetical order).

Bad files (missing, not UTF-8, no header, a missing column, a value that is
not a number or not on the scale, no answers) get one clear message and exit
status 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Sequence
from typing import Any, TextIO

import icu

from .intervals import METHODS
from .table import satisfaction_table

FORMATS = ("table", "csv", "json")
SCALES = ("auto", "binary", "five")
LANGS = ("vi", "en")
NOT_ANSWERED = {"", "not_used"}  # an empty cell, or "not used / no opinion"


class BadInput(Exception):
    """A problem with the file or the options: reported, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)  # argparse itself exits with 2 on bad options
    try:
        rows = summarize(
            args.file,
            by=args.by,
            satisfied_column=args.satisfied_column,
            scale=args.scale,
            target=args.target,
            method=args.method,
            confidence=args.confidence,
            where=args.where,
            target_file=args.target_file,
            lang=args.lang,
        )
        _write(rows, args.format, sys.stdout, args.lang)
    except (BadInput, ValueError) as error:
        print(f"analysis summarize: error: {error}", file=sys.stderr)
        return 2
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m analysis",
        description="Satisfaction rates with confidence intervals from survey exports.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    summary = commands.add_parser(
        "summarize",
        help="rate, interval and verdict per group of a CSV file of responses",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    summary.add_argument("file", help="CSV file, one response per row, UTF-8 with a header")
    summary.add_argument(
        "--by", action="append", required=True, metavar="COLUMN",
        help="group by this column (repeat for several, e.g. --by sector --by agency)",
    )  # fmt: skip
    summary.add_argument("--satisfied-column", required=True, metavar="COLUMN",
                         help="column with 0/1 or a 1-5 score")  # fmt: skip
    summary.add_argument("--scale", choices=SCALES, default="auto",
                         help="binary (0/1), five (1-5, satisfied at 4-5) or auto")  # fmt: skip
    targets = summary.add_mutually_exclusive_group()
    targets.add_argument("--target", type=float, help="target rate, e.g. 0.9, for verdicts")
    targets.add_argument("--target-file", metavar="FILE",
                         help="CSV of targets per group: some --by columns and 'target'")
    summary.add_argument("--where", action="append", default=[], metavar="COLUMN=VALUE",
                         help="keep only rows where COLUMN is VALUE (repeatable)")
    summary.add_argument("--lang", choices=LANGS, default="vi",
                         help="language of the table: vi (90,3 %%) or en (90.3%%)")
    summary.add_argument("--method", choices=METHODS, default="wilson")
    summary.add_argument("--confidence", type=float, default=0.95)
    summary.add_argument("--format", choices=FORMATS, default="table")
    return parser


def summarize(
    path: str,
    by: Sequence[str],
    satisfied_column: str,
    scale: str = "auto",
    target: float | None = None,
    method: str = "wilson",
    confidence: float = 0.95,
    where: Sequence[str] = (),
    target_file: str | None = None,
    lang: str = "vi",
) -> list[dict[str, Any]]:
    """Read the file and return one :func:`analysis.satisfaction_table` row per group."""
    conditions = _conditions(where)
    groups, skipped = _read(path, list(by), satisfied_column, scale, conditions)
    if skipped:
        print(f"analysis summarize: {skipped} row(s) with no answer left out", file=sys.stderr)
    collator = icu.Collator.createInstance(icu.Locale(lang))
    keys = sorted(groups, key=lambda key: [collator.getSortKey(part) for part in key])
    columns: dict[str, Any] = {name: [key[i] for key in keys] for i, name in enumerate(by)}
    columns["n"] = [groups[key][0] for key in keys]
    columns["satisfied"] = [groups[key][1] for key in keys]
    targets: float | str | None = target
    if target_file:
        per_group = _read_targets(target_file, list(by))
        columns["target"] = [_target_of(key, list(by), per_group) for key in keys]
        targets = "target"
    return satisfaction_table(columns, targets=targets, confidence=confidence, method=method)[:]


def _conditions(where: Sequence[str]) -> dict[str, str]:
    conditions = {}
    for text in where:
        column, equals, value = text.partition("=")
        if not equals or not column.strip():
            raise BadInput(f"--where {text!r}: write COLUMN=VALUE, e.g. --where sector=dat-dai")
        conditions[column.strip()] = value.strip()
    return conditions


def _read_targets(path: str, by: list[str]) -> dict[tuple, float]:
    """(column, value) pairs of a target file's line -> its target."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames or []
            keys = [name for name in header if name != "target"]
            if "target" not in header or not keys or set(keys) - set(by):
                raise BadInput(f"{path}: the header must be some of the --by columns "
                               f"({', '.join(by)}) and 'target'; it is {', '.join(header)}")
            targets = {}
            for row in reader:
                raw = (row.get("target") or "").strip()
                try:
                    value = float(raw.replace(",", "."))
                except ValueError:
                    value = math.nan
                if not 0 < value <= 1:
                    raise BadInput(f"{path}, line {reader.line_num}: target {raw!r} is not a "
                                   "rate between 0 and 1 (e.g. 0.85)")
                targets[tuple((k, (row.get(k) or "").strip()) for k in keys)] = value
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    return targets


def _target_of(key: tuple[str, ...], by: list[str], per_group: dict[tuple, float]):
    values = dict(zip(by, key, strict=True))
    for pairs, target in per_group.items():
        if all(values[column] == value for column, value in pairs):
            return target
    return None


def _read(
    path: str, by: list[str], column: str, scale: str, conditions: dict[str, str]
) -> tuple[dict[tuple[str, ...], list[int]], int]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            answers, skipped = _answers(csv.DictReader(handle), path, by, column, conditions)
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text (save the export as CSV UTF-8)") from None
    except csv.Error as error:
        raise BadInput(f"{path}: not a readable CSV file ({error})") from None
    if not answers:
        raise BadInput(f"{path}: no answers in column {column!r}")
    satisfied_from = _scale([value for _, value in answers], scale, column)
    groups: dict[tuple[str, ...], list[int]] = {}
    for key, value in answers:
        counts = groups.setdefault(key, [0, 0])
        counts[0] += 1
        counts[1] += value >= satisfied_from
    return groups, skipped


def _answers(
    reader: csv.DictReader, path: str, by: list[str], column: str, conditions: dict[str, str]
) -> tuple[list[tuple[tuple[str, ...], int]], int]:
    """(group key, answer) of each row meeting the conditions, and the unanswered count."""
    header = reader.fieldnames
    if not header:
        raise BadInput(f"{path}: the file is empty (no header row)")
    missing = [name for name in [*by, column, *conditions] if name not in header]
    if missing:
        raise BadInput(
            f"{path}: no column {', '.join(map(repr, missing))};"
            f" the header has {', '.join(map(repr, header))}"
        )
    answers: list[tuple[tuple[str, ...], int]] = []
    skipped = 0
    for row in reader:
        if any((row.get(c) or "").strip() != v for c, v in conditions.items()):
            continue
        raw = (row.get(column) or "").strip()
        if raw in NOT_ANSWERED:
            skipped += 1
            continue
        value = _number(raw, path, reader.line_num, column)
        answers.append((tuple((row.get(b) or "").strip() for b in by), value))
    return answers, skipped


def _number(raw: str, path: str, line: int, column: str) -> int:
    try:
        value = float(raw.replace(",", "."))
    except ValueError:
        raise BadInput(f"{path}, line {line}: {column} is {raw!r}, not a number") from None
    if not math.isfinite(value) or value != int(value):
        raise BadInput(f"{path}, line {line}: {column} is {raw!r}, not a whole number")
    return int(value)


def _scale(values: list[int], scale: str, column: str) -> int:
    """The smallest value that counts as satisfied: 1 on a 0/1 scale, 4 on a 1-5 scale."""
    seen = set(values)
    if scale == "auto":
        if seen <= {0, 1}:
            if 0 not in seen:
                raise BadInput(
                    f"{column} holds only 1s: 0/1 or 1-5 scores? pass --scale binary or five"
                )
            scale = "binary"
        else:
            scale = "five"
    allowed = {0, 1} if scale == "binary" else {1, 2, 3, 4, 5}
    wrong = sorted(seen - allowed)
    if wrong:
        expected = "0 or 1" if scale == "binary" else "1 to 5"
        raise BadInput(f"{column} has {wrong[0]}, but the answers are {expected}")
    return 1 if scale == "binary" else 4


def _write(rows: list[dict[str, Any]], fmt: str, out: TextIO, lang: str = "vi") -> None:
    if fmt == "json":
        json.dump(rows, out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    fields = [name for name in rows[0] if not all(row[name] is None for row in rows)]
    if fmt == "csv":
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        return
    table = [fields] + [[_cell(name, row[name], lang) for name in fields] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(fields))]
    for line in table:
        cells = (text.ljust(width) for text, width in zip(line, widths, strict=True))
        out.write("  ".join(cells).rstrip())
        out.write("\n")


def _cell(name: str, value: Any, lang: str) -> str:
    if value is None:
        return "-"
    mark = "," if lang == "vi" else "."
    if name in ("rate", "low", "high", "target"):
        # vi: decimal comma and a space before the sign (90,3 %); no thousands here
        return f"{100 * value:.1f}".replace(".", mark) + (" %" if lang == "vi" else "%")
    if name == "p_value":
        return f"{value:.3g}".replace(".", mark)
    if isinstance(value, int) and not isinstance(value, bool) and lang == "vi":
        return f"{value:,}".replace(",", ".")
    return str(value)
