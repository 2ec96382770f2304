"""The anonymised responses of a period and scope as CSV, streamed in constant memory.

One row per response: questionnaire, version and campaign, agency, counter, sector
and procedure codes, channel, language, the hour in local time, the overall score
and every item's answer (a score, `not_used`, an option value or a number; whole
numbers as integers). An answer column is named by questionnaire and item
("one-stop-sipas.tc1"), so a column never means two questions; `codebook.py`
describes each column (question text, answer codes).
No database id, no exact time, no contact detail; the comment text only when the
scope may read comments.

The database packs each response's answers into two strings (`group_concat` /
`string_agg`, grouped by response): the item codes ("tc1;tc2;…") and, in the same
order, the values ("4;not_used;…"), and streams the rows through a server-side
cursor (`yield_per`), so Python sees one row per response and keeps only a chunk
of them at a time, whatever the number of responses. Responses of a version mostly
answer the same items in the same order: the layout of a codes string (which value
goes to which column) is worked out once and reused (`_layouts`), so a row costs a
`split` and an `itemgetter` instead of Python work per answer. (A `MAX(CASE …)` per
item column was tried first: with a hundred item columns it was several times slower.
A JSON object per response, read by item, tripled the database's time.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime
from functools import partial
from operator import itemgetter
from typing import Any

from sqlalchemy import DateTime, String, and_, case, cast, func, select, type_coerce

from survey_app.extensions import db
from survey_app.i18n import local_time
from survey_app.models import (
    Agency,
    Answer,
    Campaign,
    Comment,
    Counter,
    Procedure,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Sector,
)
from survey_app.services.access.scope import Scope
from survey_app.services.questionnaires import kinds
from survey_app.services.reporting.figures import NO_FILTERS, Filters, response_conditions
from survey_app.services.reporting.periods import Period

CHUNK_ROWS = 2000
LAYOUTS_KEPT = 10_000  # distinct (version, answered items) layouts remembered per export
FIXED_COLUMNS = ("questionnaire", "version", "campaign", "agency", "counter", "sector",
                 "procedure", "channel", "language", "local_hour", "overall_score")
ANSWER_TYPES = {name for name, kind in kinds.KINDS.items() if not kind.comment}


def _filters(survey: str | None) -> Filters:
    return NO_FILTERS if survey is None else Filters(kinds=(survey,))


def _versions(period: Period, scope: Scope,
              survey: str | None = None) -> dict[int, tuple[str, int, dict]]:
    """The questionnaire versions answered in the period and scope (of the `survey` kind if
    given): id -> (code, version, definition)."""
    conditions = response_conditions(period.start, period.end, scope, _filters(survey))
    used = select(Response.questionnaire_version_id).where(and_(*conditions)).distinct()
    rows = db.session.execute(
        select(QuestionnaireVersion.id, Questionnaire.code, QuestionnaireVersion.version,
               QuestionnaireVersion.definition, Questionnaire.kind)
        .join(Questionnaire).where(QuestionnaireVersion.id.in_(used))
        .order_by(Questionnaire.code, QuestionnaireVersion.version)
    ).all()
    # The one-stop survey's items first: most rows are its answers.
    rows = sorted(rows, key=lambda row: row[4] != "administrative")
    return {vid: (code, version, definition) for vid, code, version, definition, _ in rows}


def answer_items(definition: dict):
    """The answered items of a version's definition (not the overall item), in form order."""
    overall = definition.get("overall_item")
    for section in definition["sections"]:
        for item in section["items"]:
            if item["type"] in ANSWER_TYPES and item["id"] != overall:
                yield item


def column_name(code: str, item_id: str) -> str:
    """An answer column: questionnaires reuse ids (tc1 in two forms), so the name says whose."""
    return f"{code}.{item_id}"


def answer_columns(versions: dict) -> list[str]:
    """The answer columns of the answered versions, in form order, each once."""
    seen: dict[str, None] = {}
    for code, _version, definition in versions.values():
        for item in answer_items(definition):
            seen.setdefault(column_name(code, item["id"]), None)
    return list(seen)


def item_columns(versions: dict) -> list[str]:
    """Item ids of the answered versions, each once (what the database stores)."""
    return list(dict.fromkeys(column.split(".", 1)[1] for column in answer_columns(versions)))


def _codes(model) -> dict[int, str]:
    return dict(db.session.execute(select(model.id, model.code)).all())


def count(period: Period, scope: Scope, survey: str | None = None) -> int:
    """How many rows the export of this period and scope has (for a progress bar)."""
    conditions = response_conditions(period.start, period.end, scope, _filters(survey))
    counted = select(func.count()).select_from(Response).where(and_(*conditions))
    return db.session.execute(counted).scalar_one()


def rows(period: Period, scope: Scope, survey: str | None = None) -> Iterator[list]:
    """The header, then one list per response, in id order (streamed)."""
    versions = _versions(period, scope, survey)
    items = answer_columns(versions)
    with_comments = scope.allows_comments
    header = [*FIXED_COLUMNS, *items] + (["comment"] if with_comments else [])
    yield header
    if not versions:
        return
    query = _packed_query(period, scope, survey, with_comments)
    agencies, counters, campaigns = _codes(Agency), _codes(Counter), _codes(Campaign)
    sectors, procedures = _codes(Sector), _codes(Procedure)
    layouts = _Layouts(versions, items)
    hours: dict = {}  # a year has a few thousand distinct hours: format each once
    # Core rows (no ORM loading step): a plain tuple per response.
    for row in db.session.connection().execute(query):
        code, version, _ = versions[row[0]]
        hour = hours.get(row[7])
        if hour is None:
            hour = hours[row[7]] = _local_hour(row[7])
        yield [code, version, campaigns.get(row[11]), agencies.get(row[1]),
               counters.get(row[2]), sectors.get(row[3]), procedures.get(row[4]), row[5], row[6],
               hour, row[8], *layouts.answers(row[0], row[9], row[10]),
               *[_inert(text) for text in row[12:]]]


def _packed_query(period: Period, scope: Scope, survey: str | None, with_comments: bool):
    """One row per response in id order: its columns, then its answers' item codes and
    values as two strings in the same order (both aggregates read the same rows)."""
    answer_text = func.coalesce(cast(Answer.score, String), Answer.choice,
                                cast(Answer.number, String))
    # Codes and values never hold ';' (codes are [a-z0-9_], values scores, option values
    # or numbers). An answer without a value has no code either, so the two stay aligned.
    codes = func.aggregate_strings(case((answer_text.is_not(None), Answer.item_code)), ";")
    values = func.aggregate_strings(answer_text, ";")
    # columns of several types: each row is read by position in `rows`
    columns: list[Any] = [
        Response.questionnaire_version_id, Response.agency_id, Response.counter_id,
        Response.sector_id, Response.procedure_id, Response.channel, Response.language,
        # the stored naive UTC hour, not UTCDateTime's aware copy of it made for each row
        type_coerce(Response.submitted_hour, DateTime), Response.overall_score, codes, values,
        Response.campaign_id]
    # The answers' own hour bounds too: on PostgreSQL they prune its monthly partitions.
    query = (select(*columns).select_from(Response).outerjoin(Answer, and_(
        Answer.response_id == Response.id, Answer.submitted_hour == Response.submitted_hour,
        Answer.submitted_hour >= period.start, Answer.submitted_hour < period.end)))
    if with_comments:
        query = query.add_columns(func.max(Comment.text)).outerjoin(
            Comment, and_(Comment.response_id == Response.id, Comment.purged_at.is_(None)))
    conditions = response_conditions(period.start, period.end, scope, _filters(survey))
    # (id, submitted_hour) is the primary key of partitioned responses: both grouped
    return (query.where(and_(*conditions))
            .group_by(Response.id, Response.submitted_hour).order_by(Response.id)
            .execution_options(yield_per=CHUNK_ROWS))


def _local_hour(stored: datetime) -> str:
    """A stored (naive UTC) hour as the local hour the export shows."""
    return local_time(stored.replace(tzinfo=UTC)).strftime("%Y-%m-%d %H:00")


class _Layouts:
    """Where each packed value of a response goes among the answer columns.

    Worked out once per version and codes string ("tc1;tc2;…"), then reused: the
    responses of a version mostly answer the same items in the same order, so a row
    costs a `split` and an `itemgetter`, not Python work per answer. At most
    `LAYOUTS_KEPT` are remembered, so memory stays flat whatever the answers.
    """

    def __init__(self, versions: dict, columns: list[str]):
        column = {name: index for index, name in enumerate(columns)}
        # Per version: item id -> its column (the overall item is its own column already).
        self.positions = {vid: {item["id"]: column[column_name(code, item["id"])]
                                for item in answer_items(definition)}
                          for vid, (code, _version, definition) in versions.items()}
        self.width = len(columns)
        self.blank: tuple[None, ...] = (None,) * self.width
        self.known: dict[tuple[int, str], Callable[[str], Sequence]] = {}

    def answers(self, vid: int, codes: str | None, values: str | None) -> Sequence:
        """The answer columns of one response, from its packed codes and values."""
        if codes is None or values is None:
            return self.blank
        place = self.known.get((vid, codes))
        if place is None:
            place = _layout(self.positions[vid], codes.split(";"), self.width)
            if len(self.known) < LAYOUTS_KEPT:
                self.known[vid, codes] = place
        return place(values)


def _layout(position: dict[str, int], codes: list[str],
            width: int) -> Callable[[str], Sequence]:
    """The function from a response's packed values (in `codes` order) to its answer
    columns."""
    targets = [position.get(code) for code in codes]
    placed = [target for target in targets if target is not None]
    if len(placed) != len(set(placed)):  # several options of a multiple choice: "a|b"
        return partial(_joined, targets, width)
    # Each column takes the value of its code, or the None appended after the values.
    source = [len(codes)] * width
    for index, target in enumerate(targets):
        if target is not None:
            source[target] = index
    pick = itemgetter(*source) if width > 1 else (lambda parts: tuple(parts[i] for i in source))

    def place(values: str) -> Sequence:
        parts: list = values.split(";")
        if len(parts) != len(codes):
            raise ValueError(f"{len(parts)} answer values for {len(codes)} item codes")
        if ".0" in values:  # a number that may be whole ("34.0": SQLite's text of a float)
            parts = [_whole(part) for part in parts]
        parts.append(None)
        return pick(parts)
    return place


def _joined(targets: list[int | None], width: int, values: str) -> list:
    """Answer columns where a column has several values (a multiple choice's options, in
    the order the database gave them), the first one made whole as a single value is."""
    parts = values.split(";")
    if len(parts) != len(targets):
        raise ValueError(f"{len(parts)} answer values for {len(targets)} item codes")
    answers: list[str | None] = [None] * width
    for target, value in zip(targets, parts, strict=True):
        if target is not None:
            answers[target] = (_whole(value) if answers[target] is None
                               else f"{answers[target]}|{value}")
    return answers


def _whole(value: str) -> str:
    """A number answer that is whole as an integer ("34", not the float column's "34.0")."""
    if value.endswith(".0") and value[:-2].lstrip("-").isdigit():
        return value[:-2]
    return value


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(text: str | None) -> str | None:
    """A citizen's comment must not become a spreadsheet formula (=HYPERLINK(…), +cmd …):
    a leading quote makes Excel and LibreOffice show it as text."""
    if text and text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def stream(period: Period, scope: Scope, progress=None,
           survey: str | None = None) -> Iterator[str]:
    """CSV text in chunks of rows (UTF-8 with a BOM first, so spreadsheet programs read
    the Vietnamese correctly); `progress(rows)` after each chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield "\ufeff"
    batch: list = []
    written = 0
    for row in rows(period, scope, survey):
        batch.append(row)
        if len(batch) >= CHUNK_ROWS:
            writer.writerows(batch)
            written += len(batch)
            batch.clear()
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            if progress:
                progress(written - 1)  # the header is not a response
    writer.writerows(batch)
    written += len(batch)
    yield buffer.getvalue()
    if progress:
        progress(written - 1)
