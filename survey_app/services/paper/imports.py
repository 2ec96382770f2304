"""Paper questionnaires into a campaign: one typed form, or a whole file, all or nothing.

Every row is checked by `services.responses.answers.validate`, the check every
web form makes too, so a paper answer is held to exactly the rules of an online
one; its problems become the cell errors of the report. A file is imported in one
transaction: any error in any row and nothing is stored; the report lists every
problem as `row 7, column a3: "6" is not one of 1–5 or KSD`. The same content
imported twice into a campaign is refused (`ImportBatch` is unique per campaign and
content digest).

Messages are msgids with an English source: the CLI prints the English, the web
page the reader's language (`CellError.text(translated=…)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from itertools import islice

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from survey_app.errors import N_, DomainError
from survey_app.extensions import db
from survey_app.i18n import local_at, local_today
from survey_app.models import Campaign, ImportBatch, Response, utcnow
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.paper.files import (
    DATE,
    FACILITY,
    Table,
    allowed_values,
    form_value,
    parse_date,
)
from survey_app.services.questionnaires.files import items_of
from survey_app.services.responses import answers as answer_check
from survey_app.services.responses import bulk
from survey_app.services.responses.submissions import Extras, Origin, add_response
from survey_app.services.rollups import upkeep
from survey_app.vocabulary import Channel

# Rows written per round of INSERTs: few statements, and no more than this many
# rows' dicts in memory at once.
CHUNK = 500
# Problems kept with their place (all are counted): a file of 100,000 rows in the wrong
# scale has millions, and a surveyor corrects the first ones and imports again.
KEPT_ERRORS = 10_000
# Said of a number out of range too: "121" is not a number from 0 to 120.
NOT_ALLOWED = N_('"%(value)s" is not %(allowed)s')
# Codes of the file's own problems, and of the answers' (services.responses.answers).
MESSAGES = {
    "unknown_column": N_('"%(value)s" is not an item of this questionnaire'),
    "missing_column": N_("the column is missing"),
    "required": N_("is empty but must be answered"),
    "not_one_of": N_('"%(value)s" is not one of %(allowed)s'),
    "not_number": NOT_ALLOWED,
    "out_of_range": NOT_ALLOWED,
    "too_long": N_("is longer than allowed (%(allowed)s)"),
    "control_character": N_("holds a null character or a broken one"),
    "unknown_facility": N_('"%(value)s" is not a facility of this campaign'),
    "bad_date": N_('"%(value)s" is not a date (dd/mm/yyyy)'),
    "date_outside": N_('"%(value)s" is outside the campaign (%(allowed)s)'),
    "unreadable": N_("%(value)s"),
    "no_rows": N_("the file has no questionnaires"),
}


@dataclass(frozen=True)
class CellError:
    """One problem: row (0 for the whole file), column, the value found, what is wrong."""

    row: int
    column: str
    problem: str
    value: str = ""
    allowed: str = ""

    def text(self, translated: bool = False) -> str:
        """In English (the command line), or in the current language."""
        say = gettext if translated else _same
        message = say(MESSAGES[self.problem]) % {"value": self.value[:60],
                                                  "allowed": self.allowed}
        if self.row:
            where = say(N_("row %(row)s, column %(column)s")) % {"row": self.row,
                                                                 "column": self.column}
        else:
            where = say(N_("the file"))
        return f"{where}: {message}"


class InvalidFile(DomainError):
    """Rows or columns that do not fit, nothing was stored: `count` problems, the first
    KEPT_ERRORS of them in `errors`."""

    status = 422

    def __init__(self, errors: list[CellError], count: int | None = None):
        count = len(errors) if count is None else count
        super().__init__("file_invalid", count=count)
        self.errors = errors
        self.count = count


class AlreadyImported(DomainError):
    """The same content was imported into this campaign before."""

    status = 409

    def __init__(self, batch: ImportBatch):
        super().__init__("already_imported", name=batch.filename, rows=batch.rows)
        self.batch = batch


@dataclass
class PaperForm:
    """One checked questionnaire: where, when, and the answers `submissions` stores."""

    row: int
    agency_id: int
    filled_on: date
    answers: dict = field(default_factory=dict)


def _no_progress(_done: int, _total: int) -> None:
    pass


def _same(msgid: str) -> str:
    return msgid


def noon_utc(day: date) -> datetime:
    """A paper form is dated by day; it is stored at local noon of that day."""
    return local_at(day, time(12))


class RowChecker:
    """Checks rows of one campaign against its questionnaire, facilities and window."""

    def __init__(self, campaign: Campaign, today: date | None = None):
        self.campaign = campaign
        self.definition = campaign.questionnaire_version.definition
        self.items = items_of(self.definition)
        self.facilities: dict[str, int] = {}
        for facility in campaign.facilities:
            self.facilities[facility.code.lower()] = facility.agency_id
            self.facilities[facility.agency.code.lower()] = facility.agency_id
        self.first_day, last_day = campaigns.local_days(campaign)
        today = today or local_today()
        self.last_day = min(last_day, today)
        self.window = f"{self.first_day:%d/%m/%Y} – {self.last_day:%d/%m/%Y}"

    def check_header(self, header: list[str]) -> list[CellError]:
        errors = [CellError(1, name or "?", "unknown_column", name)
                  for name in header if name not in self.items and name not in (FACILITY, DATE)]
        errors += [CellError(1, name, "missing_column") for name in (FACILITY, DATE)
                   if name not in header]
        return errors

    def check(self, row: int, cells: dict[str, str]) -> tuple[PaperForm | None, list[CellError]]:
        errors: list[CellError] = []
        agency_id = self.facilities.get(cells.get(FACILITY, "").strip().lower())
        if agency_id is None:
            errors.append(CellError(row, FACILITY, "unknown_facility", cells.get(FACILITY, "")))
        filled_on = self._date(row, cells.get(DATE, ""), errors)
        raw = {item_id: form_value(item, cells.get(item_id, ""))
               for item_id, item in self.items.items()}
        checked = answer_check.validate(self.definition, raw)
        errors.extend(self._cell_error(row, problem, cells.get(problem.field, ""))
                      for problem in checked.problems)
        if errors or agency_id is None or filled_on is None:  # each None has its error
            return None, errors
        return PaperForm(row, agency_id, filled_on, checked.values), []

    def _date(self, row: int, text: str, errors: list[CellError]) -> date | None:
        day = parse_date(text)
        if day is None:
            errors.append(CellError(row, DATE, "bad_date", text))
        elif not self.first_day <= day <= self.last_day:
            errors.append(CellError(row, DATE, "date_outside", text, self.window))
        return day

    def _cell_error(self, row: int, problem: answer_check.Problem, text: str) -> CellError:
        """An answer's problem (services.responses.answers) as its cell's, same code."""
        if problem.code == answer_check.REQUIRED:
            return CellError(row, problem.field, problem.code)
        return CellError(row, problem.field, problem.code, text,
                         allowed_values(self.items[problem.field]))


def check_table(checker: RowChecker, table: Table,
                progress: Callable[[int, int], None] | None = None,
                ) -> tuple[list[CellError], int]:
    """The file's first KEPT_ERRORS problems and the count of all (0: every row fits).
    The checked rows are not kept: a file of 100,000 would hold as many answer dicts
    (`checked_forms` checks them again while they are stored, for a fraction of the
    cost of storing them)."""
    errors = checker.check_header(table.header)
    if errors:
        return errors, len(errors)
    if not table.rows:
        return [CellError(0, "", "no_rows")], 1
    count = 0
    for done, (row, cells) in enumerate(table.rows, start=1):
        row_errors = checker.check(row, dict(zip(table.header, cells, strict=True)))[1]
        count += len(row_errors)
        errors.extend(row_errors[:KEPT_ERRORS - len(errors)])
        if progress:
            progress(done, len(table.rows))
    return errors, count


def checked_forms(checker: RowChecker, table: Table) -> Iterator[PaperForm]:
    """The rows of a file that `check_table` found without a problem, as forms."""
    for row, cells in table.rows:
        form, _errors = checker.check(row, dict(zip(table.header, cells, strict=True)))
        if form is None:  # the same check passed a moment ago: it cannot fail now
            raise RuntimeError(f"row {row} failed its second check")
        yield form


def origin_for(campaign: Campaign, agency_id: int) -> Origin:
    version = campaign.questionnaire_version
    return Origin(
        questionnaire_version_id=version.id, definition=version.definition,
        agency_id=agency_id, channel=Channel.PAPER, language="vi",
        sector_id=campaign.sector_id, campaign_id=campaign.id,
    )


def _store(campaign: Campaign, form: PaperForm, user_id: int | None, batch_id: int | None,
           now: datetime) -> None:
    add_response(origin_for(campaign, form.agency_id), form.answers,
                 extras=_extras(form, user_id, batch_id), now=now)


def _extras(form: PaperForm, user_id: int | None, batch_id: int | None) -> Extras:
    return Extras(entered_by_id=user_id, import_batch_id=batch_id,
                  answered_at=noon_utc(form.filled_on))


def _store_all(campaign: Campaign, forms: Iterator[PaperForm], user_id: int | None,
               batch: ImportBatch, progress: Callable[[int], None]) -> None:
    """Write the forms a chunk at a time (a few statements per chunk, not per row)."""
    origins = {facility.agency_id: origin_for(campaign, facility.agency_id)
               for facility in campaign.facilities}
    done = 0
    while chunk := list(islice(forms, CHUNK)):
        bulk.add_responses([(origins[form.agency_id], form.answers,
                             _extras(form, user_id, batch.id)) for form in chunk],
                           batch.imported_at)
        done += len(chunk)
        progress(done)


def enter_one(campaign: Campaign, form: PaperForm, user_id: int) -> None:
    """Store one typed paper questionnaire and commit."""
    _store(campaign, form, user_id, None, utcnow())
    db.session.commit()


def previous_batch(campaign_id: int, digest: str) -> ImportBatch | None:
    return db.session.execute(
        select(ImportBatch).where(ImportBatch.campaign_id == campaign_id,
                                  ImportBatch.file_sha256 == digest)
    ).scalar_one_or_none()


def import_table(campaign: Campaign, filename: str, table: Table, user_id: int | None,
                 progress: Callable[[int, int], None] | None = None) -> ImportBatch:
    """Check every row, then store them all in one transaction (or nothing).

    Raises AlreadyImported (same content before) or InvalidFile (its problems).
    Progress is reported over 2 × rows: checking, then storing.
    """
    digest = table.digest
    earlier = previous_batch(campaign.id, digest)
    if earlier is not None:
        raise AlreadyImported(earlier)
    rows = len(table.rows)
    report = progress or _no_progress
    checker = RowChecker(campaign)
    errors, count = check_table(checker, table, lambda done, _rows: report(done, 2 * rows))
    if count:
        raise InvalidFile(errors, count)
    batch = ImportBatch(campaign_id=campaign.id, file_sha256=digest, filename=filename[-300:],
                        rows=rows, imported_by_id=user_id, imported_at=utcnow())
    try:
        db.session.add(batch)
        db.session.flush()
        _store_all(campaign, checked_forms(checker, table), user_id, batch,
                   lambda done: report(rows + done, 2 * rows))
        upkeep.count(db.session.connection(), Response.import_batch_id == batch.id)
        db.session.commit()
    except IntegrityError:
        # The same file won a race with us (two uploads at once): the first one stands.
        db.session.rollback()
        earlier = previous_batch(campaign.id, digest)
        if earlier is not None:
            raise AlreadyImported(earlier) from None
        raise
    except Exception:
        db.session.rollback()
        raise
    return batch
