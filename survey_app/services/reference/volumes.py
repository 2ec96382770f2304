"""Transaction counts from the one-stop software, for the volume alerts (services/alerts.py).

The one-stop software reports how many dossiers each agency handled in each sector
over a month or a quarter. A file of them (CSV or XLSX, read by `paper_files`):

    agency,sector,first_day,last_day,transactions[,late]
    ttphc-tinh,dat-dai,01/08/2025,31/08/2025,412,9

`late` (optional) is how many of those dossiers were settled after their due date;
the 766 satisfaction-with-dossiers rate needs it (services/feedback/service_quality.py).

Agency and sector by their reference codes; days as dd/mm/yyyy or yyyy-mm-dd. Every
row is checked before anything is written; a bad file gets every problem with its
row and column, and nothing is stored. Loading is idempotent: a row for an agency,
sector and first day already stored replaces its count (the one-stop software
corrects late dossiers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from survey_app.errors import DomainError
from survey_app.extensions import db
from survey_app.models import Agency, Sector, TransactionVolume
from survey_app.services.paper.files import parse_date, read_table

COLUMNS = ("agency", "sector", "first_day", "last_day", "transactions")
MAX_ROWS = 200_000  # a province's agencies × sectors × months for decades
LONGEST_PERIOD_DAYS = 366  # the alerts compare answers over the same period: a year at most
MAX_COUNT = 2**31 - 1  # the columns are PostgreSQL integers: a larger count would not fit


class InvalidVolumes(DomainError):
    """The file cannot be loaded; `problems` lists every reason, one line each."""

    def __init__(self, problems: list[str]):
        super().__init__("file_problems", problems="; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Volume:
    agency_id: int
    sector_id: int
    first_day: date
    last_day: date
    transactions: int
    late: int | None = None


def read(filename: str, data: bytes) -> list[Volume]:
    """The file's rows, checked against the reference data; InvalidVolumes otherwise."""
    table = read_table(filename, data, max_rows=MAX_ROWS)  # UnreadableFile if not a table
    missing = [name for name in COLUMNS if name not in table.header]
    if missing:
        raise InvalidVolumes([f"{filename}: row 1: missing column(s) {', '.join(missing)} "
                              f"(expected {', '.join(COLUMNS)})"])
    column = {name: table.header.index(name) for name in COLUMNS}
    agencies = dict(db.session.execute(select(Agency.code, Agency.id)).all())
    sectors = dict(db.session.execute(select(Sector.code, Sector.id)).all())
    volumes: list[Volume] = []
    problems: list[str] = []
    first_rows: dict[tuple, int] = {}
    for number, cells in table.rows:
        found_before = len(problems)

        def problem(name: str, message: str, number=number) -> None:
            problems.append(f"{filename}: row {number}: {name}: {message}")

        cell = {name: cells[index].strip() for name, index in column.items()}
        place = _place_and_period(cell, agencies, sectors, problem)
        transactions = cell["transactions"]
        if not _count(transactions):
            problem("transactions", f"{transactions[:40]!r} is not a whole number from 0 to "
                                    f"{MAX_COUNT}")
        late = _late(cells, table.header, transactions, problem)
        if place is None or len(problems) > found_before:
            continue
        key = place[:3]
        if key in first_rows:
            problem("first_day", f"the same agency, sector and first day as row "
                                 f"{first_rows[key]}")
            continue
        first_rows[key] = number
        volumes.append(Volume(*place, int(transactions), late))
    if problems:
        raise InvalidVolumes(problems)
    return volumes


def _place_and_period(cell: dict[str, str], agencies: dict, sectors: dict,
                      problem) -> tuple[int, int, date, date] | None:
    """A row's agency id, sector id, first and last day; None when one is missing (each
    problem said through `problem`)."""
    agency_id = agencies.get(cell["agency"])
    if agency_id is None:
        problem("agency", f"no agency with code {cell['agency']!r}")
    sector_id = sectors.get(cell["sector"])
    if sector_id is None:
        problem("sector", f"no sector with code {cell['sector']!r}")
    first, last = parse_date(cell["first_day"]), parse_date(cell["last_day"])
    for name, day in (("first_day", first), ("last_day", last)):
        if day is None:
            problem(name, f"{cell[name]!r} is not a date (dd/mm/yyyy or yyyy-mm-dd)")
    if first and last and not 0 <= (last - first).days < LONGEST_PERIOD_DAYS:
        problem("last_day", f"the period must end on or after {first:%d/%m/%Y} "
                            f"and last at most {LONGEST_PERIOD_DAYS} days")
    if agency_id is None or sector_id is None or first is None or last is None:
        return None
    return agency_id, sector_id, first, last


def _late(cells, header, transactions: str, problem) -> int | None:
    """The optional `late` cell: a whole number, at most the transactions; None if absent."""
    if "late" not in header:
        return None
    value = cells[header.index("late")].strip()
    if not value:
        return None
    if not _count(value):
        problem("late", f"{value[:40]!r} is not a whole number from 0 to {MAX_COUNT}")
        return None
    if _count(transactions) and int(value) > int(transactions):
        problem("late", f"{value} late dossiers is more than the {transactions} transactions")
    return int(value)


def _count(text: str) -> bool:
    """A whole number that fits its column (ASCII digits: `isdigit()` takes "²")."""
    return text.isascii() and text.isdigit() and len(text) <= 10 and int(text) <= MAX_COUNT


def load(volumes: list[Volume]) -> tuple[int, int]:
    """Store the volumes in one transaction: (added, replaced)."""
    stored = {
        (v.agency_id, v.sector_id, v.period_start): v
        for v in db.session.execute(select(TransactionVolume)).scalars()
    }
    added = replaced = 0
    for volume in volumes:
        row = stored.get((volume.agency_id, volume.sector_id, volume.first_day))
        if row is None:
            db.session.add(TransactionVolume(
                agency_id=volume.agency_id, sector_id=volume.sector_id,
                period_start=volume.first_day, period_end=volume.last_day,
                transactions=volume.transactions, late_dossiers=volume.late))
            added += 1
        else:
            row.period_end, row.transactions = volume.last_day, volume.transactions
            row.late_dossiers = volume.late
            replaced += 1
    db.session.commit()
    return added, replaced
