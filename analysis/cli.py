"""``python -m analysis summarize``: satisfaction rates from an exported CSV file.

A row of the file is one response. The ``--satisfied-column`` holds either
0/1 (1 = satisfied) or a 1-5 score where 4 (hài lòng) and 5 (rất hài lòng)
count as satisfied; ``--scale`` says which, or ``auto`` decides from the
values (a 0 means 0/1, a 2-5 means scores; a column of only 1s is ambiguous
and must be told). An empty cell is "not used / no opinion": it is left out
of every rate, and the number left out is reported on stderr.

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

from .intervals import METHODS
from .table import satisfaction_table

FORMATS = ("table", "csv", "json")
SCALES = ("auto", "binary", "five")


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
        )
        _write(rows, args.format, sys.stdout)
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
    summary.add_argument("--target", type=float, help="target rate, e.g. 0.9, for verdicts")
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
) -> list[dict[str, Any]]:
    """Read the file and return one :func:`analysis.satisfaction_table` row per group."""
    groups, skipped = _read(path, list(by), satisfied_column, scale)
    if skipped:
        print(f"analysis summarize: {skipped} row(s) with no answer left out", file=sys.stderr)
    keys = sorted(groups)
    columns: dict[str, Any] = {name: [key[i] for key in keys] for i, name in enumerate(by)}
    columns["n"] = [groups[key][0] for key in keys]
    columns["satisfied"] = [groups[key][1] for key in keys]
    return satisfaction_table(columns, targets=target, confidence=confidence, method=method)[:]


def _read(
    path: str, by: list[str], column: str, scale: str
) -> tuple[dict[tuple[str, ...], list[int]], int]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            header = reader.fieldnames
            if not header:
                raise BadInput(f"{path}: the file is empty (no header row)")
            missing = [name for name in [*by, column] if name not in header]
            if missing:
                raise BadInput(
                    f"{path}: no column {', '.join(map(repr, missing))};"
                    f" the header has {', '.join(map(repr, header))}"
                )
            answers: list[tuple[tuple[str, ...], int]] = []
            skipped = 0
            for row in reader:
                raw = (row.get(column) or "").strip()
                if not raw:
                    skipped += 1
                    continue
                value = _number(raw, path, reader.line_num, column)
                answers.append((tuple((row.get(b) or "").strip() for b in by), value))
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


def _write(rows: list[dict[str, Any]], fmt: str, out: TextIO) -> None:
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
    table = [fields] + [[_cell(name, row[name]) for name in fields] for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(fields))]
    for line in table:
        cells = (text.ljust(width) for text, width in zip(line, widths, strict=True))
        out.write("  ".join(cells).rstrip())
        out.write("\n")


def _cell(name: str, value: Any) -> str:
    if value is None:
        return "-"
    if name in ("rate", "low", "high", "target"):
        return f"{100 * value:.1f}%"
    if name == "p_value":
        return f"{value:.3g}"
    return str(value)
