"""Reading paper-survey files (CSV or XLSX) into plain rows of text, and their cell rules.

The layout (the template made by `paper_template` follows it):

- row 1: column names: `facility`, `date`, then one column per questionnaire item
  (the item id: a1, b3, q_overall …); the order of columns does not matter;
- rows whose first cell starts with `#` are notes and skipped (the template's
  hint row is one);
- every other non-empty row is one paper questionnaire.

Row numbers are the spreadsheet's own (the header is row 1), so an error report
points at the row the surveyor sees in Excel or LibreOffice.

Cell values, as written on paper: a scale answer 1–5 or `KSD` (không sử dụng, not
used); a choice by its value or its number in the list (1, 2 …); several choices
separated by `;`; yes/no as `có`/`không` (or yes/no); numbers with `,` or `.`
decimals; dates as dd/mm/yyyy, yyyy-mm-dd or a spreadsheet date.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree.ElementTree import ParseError

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from survey_app.errors import DomainError
from survey_app.services.questionnaires import kinds

FACILITY, DATE = "facility", "date"
MAX_ROWS = 100_000  # the command line and the task queue (services/jobs/paper.py)
# Bounds checked before a workbook is parsed: its parts unpacked (a few kB can declare
# gigabytes of XML), the strings table openpyxl keeps in memory, and the columns of a row.
MAX_UNPACKED = 256 * 1024 * 1024
MAX_SHARED_STRINGS = 32 * 1024 * 1024
MAX_COLUMNS = 500
MAX_CSV_FIELD = 100_000  # characters (csv's own limit raises an error of its own)
_XML_DECLARATIONS = (b"<!DOCTYPE", b"<!ENTITY")
DATE_SHAPES = (re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"),
               re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"))


class UnreadableFile(DomainError):
    """The file is not a CSV or XLSX table we can read; its code says why."""

    status = 422


class TooManyRows(UnreadableFile):
    """More rows than the caller's `max_rows`: the web hands such a file to the queue."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (spreadsheet row number, cells as text)

    @property
    def digest(self) -> str:
        """SHA-256 of the content, not the bytes: the same forms re-saved or converted
        between CSV and XLSX are the same file."""
        canonical = json.dumps([self.header, [cells for _, cells in self.rows]],
                               ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def read_table(filename: str, data: bytes, max_rows: int = MAX_ROWS) -> Table:
    name = filename.lower()
    if name.endswith(".xlsx"):
        grid = _xlsx_rows(data)
    elif name.endswith(".csv") or name.endswith(".txt"):
        grid = _csv_rows(data)
    else:
        raise UnreadableFile("file_type")
    header: list[str] | None = None
    rows: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(grid, start=1):
        cells = [_text(value) for value in cells]
        if not any(cells) or cells[0].startswith("#"):
            continue
        if header is None:
            header = [cell.strip().lower() for cell in cells]
            continue
        rows.append((number, cells))
        if len(rows) > max_rows:
            raise TooManyRows("too_many_rows", rows=max_rows)
    if header is None:
        raise UnreadableFile("file_empty")
    while header and not header[-1]:
        header.pop()
    return Table(header, [(n, (c + [""] * len(header))[:len(header)]) for n, c in rows])


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UnreadableFile("csv_not_utf8") from None
    # The separator is read off the header line (item ids only, so it is unambiguous):
    # Excel in a Vietnamese locale saves CSV with ";", LibreOffice may use a tab.
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:  # one row at a time: read_table stops at its row limit
            if len(row) > MAX_COLUMNS or any(len(cell) > MAX_CSV_FIELD for cell in row):
                raise UnreadableFile("csv_row_too_wide", row=reader.line_num)
            yield row
    except csv.Error:
        raise UnreadableFile("csv_invalid", row=reader.line_num) from None


def _xlsx_rows(data: bytes):
    """The first sheet's rows, one at a time, after the bounds are checked."""
    _check_package(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError,
            ParseError, zlib.error, EOFError):
        raise UnreadableFile("xlsx_unreadable") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # the declared size ("A1:XFD1048576") is not trusted
        for row in sheet.iter_rows(values_only=True):
            if len(row) > MAX_COLUMNS:
                raise UnreadableFile("xlsx_too_wide", columns=MAX_COLUMNS)
            yield row
    except UnreadableFile:
        raise
    except (ParseError, zipfile.BadZipFile, KeyError, ValueError, zlib.error,
            EOFError, OSError):
        raise UnreadableFile("xlsx_unreadable") from None
    finally:
        workbook.close()


def _check_package(data: bytes) -> None:
    """Refuse on the sizes the zip declares and on DTDs, before any XML is parsed."""
    unreadable = UnreadableFile("xlsx_unreadable")
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = package.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise unreadable from None
    if sum(member.file_size for member in members) > MAX_UNPACKED or any(
            member.filename.endswith("sharedStrings.xml")
            and member.file_size > MAX_SHARED_STRINGS for member in members):
        raise UnreadableFile("xlsx_too_large")
    for member in members:
        if member.filename.endswith((".xml", ".rels")) and _declares_dtd(package, member):
            raise UnreadableFile("xlsx_dtd")


def _declares_dtd(package: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """Whether an XML part has a DOCTYPE or ENTITY, read in chunks (sizes checked)."""
    tail = b""
    try:
        with package.open(member) as stream:
            while chunk := stream.read(1 << 16):
                window = tail + chunk
                if any(mark in window for mark in _XML_DECLARATIONS):
                    return True
                tail = window[-16:]
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError):
        raise UnreadableFile("xlsx_unreadable") from None
    return False


def _text(value) -> str:
    """A cell as the text a person typed: 4.0 -> "4", dates -> ISO."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_date(text: str) -> date | None:
    text = text.strip()
    for shape in DATE_SHAPES:
        match = shape.fullmatch(text)
        if match:
            a, b, c = (int(g) for g in match.groups())
            day, month, year = (c, b, a) if shape is DATE_SHAPES[1] else (a, b, c)
            try:
                return date(year, month, day)
            except ValueError:
                return None
    return None


def form_value(item: dict, text: str) -> str | list[str]:
    """A cell turned into what the web form would have posted for the item."""
    return kinds.get(item["type"]).from_cell(item, text)


# The words of `allowed_values`: English for the CLI, Vietnamese for the template's hints.
WORDS = {
    "en": {"or": "or", "yes_no": "có or không", "several": "several separated by ;",
           "range": "a number from {low} to {high}", "number": "a number",
           "text": "text, at most {limit} characters"},
    "vi": {"or": "hoặc", "yes_no": "có hoặc không", "several": "chọn nhiều: ngăn cách bằng ;",
           "range": "số từ {low} đến {high}", "number": "một số",
           "text": "chữ, tối đa {limit} ký tự"},
}


def allowed_values(item: dict, lang: str = "en") -> str:
    """What a cell of the item may hold, in words for hints and error reports."""
    return kinds.get(item["type"]).allowed(item, WORDS[lang])
