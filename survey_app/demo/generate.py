"""Synthetic survey responses for demos, tests and benchmarks.

`generate(n, seed, start, end)` fills the database with a realistic year (or
several) of responses across the reference data already loaded: one-stop
counters and their sectors and procedures, channels, office hours, quarters,
answers to every item of the questionnaire, comments in Vietnamese (some
handled), and optionally health and education campaigns at the hospitals and
schools.

The true satisfaction rates are chosen against the targets in the database so
that a report shows every kind of verdict: the land, construction and
investment group misses its target, health and education meet theirs, and the
province-wide rate of administrative procedures sits on its target (not yet
decidable for the year; missed early in the year, met late, by a trend).

It is built for millions of rows: responses are drawn with numpy in chunks and
written with COPY on PostgreSQL or `executemany` on SQLite, each chunk in its
own transaction, so memory stays constant whatever `n` is. The same seed and
arguments give the same rows. Response ids are assigned here (after the
largest existing one), so run it on a database nobody is writing to.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import numpy as np
from sqlalchemy import func, select

from survey_app.demo import answers as demo_answers
from survey_app.demo import texts as demo_texts
from survey_app.demo.campaigns import campaign_cells
from survey_app.demo.story import (
    CAMPAIGN_SHARE,
    CHANNEL_EFFECT,
    CHANNEL_MIX,
    Slice,
    active,
    calibrate,
)
from survey_app.demo.story import slices as quarter_slices
from survey_app.demo.writer import RowWriter
from survey_app.extensions import db
from survey_app.models import (
    Counter,
    Level,
    Procedure,
    Questionnaire,
    QuestionnaireVersion,
    Response,
    Sector,
)
from survey_app.services.responses import factor_tallies
from survey_app.services.rollups import upkeep

CHUNK = 5_000
SECTOR_VOLUME = {
    "dat-dai": 5.0, "ho-tich": 4.0, "chung-thuc": 4.0, "xay-dung": 2.0,
    "lao-dong-tbxh": 1.5, "doanh-nghiep": 1.5, "dau-tu": 0.6, "cu-tru": 2.0,
    "giao-thong-van-tai": 1.5, "tu-phap": 1.0,
}  # fmt: skip
FACTOR_OFFSET = (0.03, 0.02, 0.04, 0.03, -0.02)  # by factor order: feedback is weakest
# Local hours 7:00–16:00; mornings are the busiest at one-stop counters.
_OFFICE_HOURS = np.array([0.10, 0.16, 0.16, 0.14, 0.05, 0.04, 0.10, 0.11, 0.09, 0.05])
_OFFICE_HOURS = _OFFICE_HOURS / _OFFICE_HOURS.sum()


class DemoDataError(ValueError):
    """The database lacks what the generator needs (reference data, questionnaires)."""


@dataclass(frozen=True)
class Summary:
    responses: int
    answers: int
    comments: int
    campaigns: int
    start: date
    end: date
    seconds: float


@dataclass
class _Form:
    """What the generator needs of one questionnaire version."""

    version_id: int
    kind: str
    overall: str
    scale_items: list[str]
    item_offsets: np.ndarray
    other_items: list[dict]
    comment_item: str | None
    definition: dict


@dataclass
class _Cells:
    """The places a response can come from, with their volume and true rate."""

    agency: np.ndarray
    counter: np.ndarray  # -1: none (campaign responses)
    sector: np.ndarray
    group: list[str]
    form: list[_Form]
    campaign: np.ndarray  # -1: none
    retires: list[date | None]
    volume: np.ndarray
    rate: np.ndarray
    procedures: list[list[int]]


def generate(
    n_responses: int,
    seed: int = 1,
    start: date | None = None,
    end: date | None = None,
    *,
    campaigns: bool = True,
    progress: Callable[[int, int], None] | None = None,
    chunk_size: int = CHUNK,
) -> Summary:
    """Write `n_responses` synthetic responses dated in [start, end) (default: last year).

    Each chunk of `chunk_size` responses (with their answers and comments) is
    committed on its own: an interruption keeps the chunks already written.
    """
    if n_responses < 1:
        raise DemoDataError("the number of responses must be at least 1")
    today = datetime.now(UTC).date()
    start = start or date(today.year - 1, 1, 1)
    end = end or date(start.year + 1, 1, 1)
    if end <= start:
        raise DemoDataError("the end date must come after the start date")
    began = time.perf_counter()
    rng = np.random.default_rng(seed)
    cells = _cells(rng, start, end, campaigns)
    slices = quarter_slices(start, end)
    calibrate(cells, slices, start, end)
    next_id = (db.session.execute(select(func.max(Response.id))).scalar() or 0) + 1
    db.session.commit()

    done = answers = comments = 0
    while done < n_responses:
        size = min(chunk_size, n_responses - done)
        batch = _draw(rng, cells, slices, size, next_id + done, end)
        writer = RowWriter(db.session.connection())
        writer.write("responses", batch.response_columns, batch.responses, ("submitted_hour",))
        writer.write("answers", batch.answer_columns, batch.answers, ("submitted_hour",))
        writer.write("response_factors", factor_tallies.COLUMNS, batch.factor_tallies,
                     ("submitted_hour",))
        writer.write("comments", batch.comment_columns, batch.comments,
                     ("handled_at", "submitted_hour"))
        upkeep.count(db.session.connection(), Response.id >= next_id + done,
                     Response.id < next_id + done + size)
        db.session.commit()
        done += size
        answers += len(batch.answers)
        comments += len(batch.comments)
        if progress:
            progress(done, n_responses)
    RowWriter(db.session.connection()).sync_sequence("responses")
    db.session.commit()
    used = len({c for c in cells.campaign.tolist() if c >= 0})
    return Summary(done, answers, comments, used, start, end, time.perf_counter() - began)


# --- the world: cells, their volumes and true rates ---------------------------------------


def _cells(rng: np.random.Generator, start: date, end: date, campaigns: bool) -> _Cells:
    forms = _forms()
    if "administrative" not in forms:
        raise DemoDataError(
            "no published administrative questionnaire: run `flask questionnaires load "
            "questionnaires/` first"
        )
    retired = dict(db.session.execute(select(Level.code, Level.retired_on)).all())
    procedures = _procedures_by_sector()
    rows = _counter_cells(rng, retired)
    if not rows:
        raise DemoDataError("no counters: run `flask reference load reference/` first")
    if campaigns:
        rows += campaign_cells(rng, forms, start, end, retired)
    return _cells_of(rows, forms, procedures)


def _procedures_by_sector() -> dict[int | None, list[int]]:
    procedures: dict[int | None, list[int]] = {}
    for proc_id, sector_id in db.session.execute(
            select(Procedure.id, Procedure.sector_id).order_by(Procedure.code)):
        procedures.setdefault(sector_id, []).append(proc_id)
    return procedures


def _counter_cells(rng: np.random.Generator, retired: dict) -> list[tuple]:
    """One cell per active counter and sector, with its agency's effect on the rate."""
    groups = dict(db.session.execute(select(Sector.id, Sector.group_code)).all())
    rows: list[tuple] = []
    # Ordered by code everywhere: the same seed gives the same rows on SQLite and PostgreSQL.
    counters = db.session.execute(
        select(Counter).where(Counter.active.is_(True)).order_by(Counter.code)).scalars()
    agency_effect: dict[int, float] = {}
    for counter in counters:
        agency = counter.agency
        if agency.id not in agency_effect:
            agency_effect[agency.id] = float(np.clip(rng.normal(0, 0.02), -0.04, 0.04))
        effect = agency_effect[agency.id]
        # The provincial centre serves many more people than a commune's section.
        size = 6.0 if agency.kind == "service-centre" else 1.0
        for sector in sorted(counter.sectors, key=lambda row: row.code):
            spread = max(len(counter.sectors), 1) ** 0.5
            volume = size * SECTOR_VOLUME.get(sector.code, 0.7) / spread
            rows.append((agency.id, counter.id, sector.id, groups[sector.id], "administrative", -1,
                         retired.get(agency.level_code), volume, effect))
    return rows


def _cells_of(rows: list[tuple], forms: dict[str, _Form], procedures: dict) -> _Cells:
    sectors = np.array([r[2] for r in rows])
    volume = np.array([r[7] for r in rows], dtype=float)
    in_campaign = np.array([r[5] >= 0 for r in rows])
    if in_campaign.any():  # campaigns get their share of the responses, whatever the counters
        volume[in_campaign] *= (CAMPAIGN_SHARE / (1 - CAMPAIGN_SHARE)
                                * volume[~in_campaign].sum() / volume[in_campaign].sum())
    return _Cells(
        agency=np.array([r[0] for r in rows]),
        counter=np.array([r[1] for r in rows]),
        sector=sectors,
        group=[r[3] for r in rows],
        form=[forms[r[4]] for r in rows],
        campaign=np.array([r[5] for r in rows]),
        retires=[r[6] for r in rows],
        volume=volume,
        rate=np.array([r[8] for r in rows], dtype=float),  # the agency effect, for now
        procedures=[procedures.get(s, []) for s in sectors.tolist()],
    )


def _forms() -> dict[str, _Form]:
    """The latest published version of each questionnaire kind, read for generation."""
    forms: dict[str, _Form] = {}
    versions = db.session.execute(
        select(Questionnaire.kind, QuestionnaireVersion)
        .join(QuestionnaireVersion.questionnaire)
        .where(QuestionnaireVersion.status == "published")
        .order_by(Questionnaire.code, QuestionnaireVersion.version)
    ).all()
    for kind, version in versions:
        if kind in forms and forms[kind].version_id > version.id:
            continue
        forms[kind] = _form_of(kind, version)
    return forms


def _form_of(kind: str, version: QuestionnaireVersion) -> _Form:
    """What generation needs of one version: its items by type and their offsets."""
    definition = version.definition
    items = [i for s in definition["sections"] for i in s["items"]]
    overall = definition["overall_item"]
    scale = [i["id"] for i in items if i["type"] == "scale5" and i["id"] != overall]
    comment = next((i["id"] for i in items if i["type"] == "text" and i.get("personal")), None)
    others = [i for i in items if i["type"] not in ("scale5", "text")]
    return _Form(version.id, kind, overall, scale, _offsets(definition, scale), others, comment,
                 definition)


def _offsets(definition: dict, scale: list[str]) -> np.ndarray:
    """Each scale item's offset by its factor (feedback answered worst); 0 outside factors."""
    factor_of = {item: index for index, factor in enumerate(definition.get("factors") or [])
                 for item in factor["items"]}
    return np.array([FACTOR_OFFSET[factor_of[i] % len(FACTOR_OFFSET)] if i in factor_of
                     else 0.0 for i in scale])


# --- drawing one chunk ------------------------------------------------------------------


@dataclass
class _Batch:
    responses: list[tuple]
    answers: list[tuple]
    comments: list[tuple]
    factor_tallies: list[tuple]
    response_columns = ("id", "questionnaire_version_id", "campaign_id", "agency_id", "counter_id",
                        "sector_id", "procedure_id", "channel", "language", "submitted_hour",
                        "overall_score", "repeat_device")
    # Child rows end with their response's submitted_hour (the partition key on PostgreSQL).
    answer_columns = (*demo_answers.ANSWER_COLUMNS, "submitted_hour")
    comment_columns = ("response_id", "item_code", "text", "status", "tags", "assigned_agency_id",
                       "reply_note", "handled_at", "contact_consent", "submitted_hour")


def _draw(rng, cells: _Cells, slices: list[Slice], size: int, first_id: int, end: date) -> _Batch:
    weights = np.array([len(s.days) for s in slices], dtype=float)
    which = rng.choice(len(slices), size=size, p=weights / weights.sum())
    which.sort()  # responses arrive in time order, roughly
    cell = np.empty(size, dtype=np.int64)
    day = np.empty(size, dtype="datetime64[D]")
    trend = np.empty(size)
    for index, piece in enumerate(slices):
        mask = which == index
        count = int(mask.sum())
        if not count:
            continue
        volume = cells.volume * active(cells, piece)
        cell[mask] = rng.choice(len(volume), size=count, p=volume / volume.sum())
        days = np.array(piece.days, dtype="datetime64[D]")
        day[mask] = days[rng.integers(len(days), size=count)]
        trend[mask] = piece.trend
    campaign = cells.campaign[cell]
    channels = np.array(list(CHANNEL_MIX))
    channel = np.where(
        campaign >= 0,
        np.where(rng.random(size) < 0.7, "link", "paper"),
        channels[rng.choice(len(channels), size=size, p=list(CHANNEL_MIX.values()))],
    )
    effect = np.vectorize(CHANNEL_EFFECT.get)(channel, 0.0)
    rate = np.clip(cells.rate[cell] + trend + effect, 0.02, 0.99)
    satisfied = rng.random(size) < rate
    overall = demo_answers.scores(rng, satisfied)
    hour = rng.choice(np.arange(7, 17), size=size, p=_OFFICE_HOURS)
    local = day.astype("datetime64[h]") + hour.astype("timedelta64[h]")
    utc = (local - np.timedelta64(7, "h")).astype(datetime)
    language = np.where(rng.random(size) < 0.03, "en", "vi")
    ids = np.arange(first_id, first_id + size)

    # 80 % of responses name their procedure (when the sector lists any).
    named = rng.random(size) < 0.8
    pick = rng.integers(1 << 30, size=size)
    hours = dict(zip(ids.tolist(), utc.tolist(), strict=True))
    responses, answers, comments, tallies = [], [], [], []
    for i, c in enumerate(cell.tolist()):
        procs = cells.procedures[c]
        responses.append((
            int(ids[i]), cells.form[c].version_id, int(campaign[i]) if campaign[i] >= 0 else None,
            int(cells.agency[c]), int(cells.counter[c]) if cells.counter[c] >= 0 else None,
            int(cells.sector[c]), procs[pick[i] % len(procs)] if procs and named[i] else None,
            str(channel[i]), str(language[i]), utc[i], int(overall[i]), False,
        ))
    by_form: dict[int, list[int]] = {}
    for i, c in enumerate(cell.tolist()):
        by_form.setdefault(id(cells.form[c]), []).append(i)
    for members in by_form.values():
        rows = np.array(members)
        form = cells.form[int(cell[rows[0]])]
        scored = demo_answers.item_answers(rng, form, ids[rows], rate[rows], satisfied[rows],
                                           overall[rows])
        answers += scored
        tallies += factor_tallies.rows_from_answers(form.definition, scored, hours)
        answers += demo_answers.other_answers(rng, form, ids[rows])
        if form.comment_item:
            comments += demo_texts.comments(
                rng, form.comment_item, ids[rows], satisfied[rows], utc[rows],
                cells.agency[cell[rows]], demo_texts.COMMENT_RATE, end, form.kind,
            )
    return _Batch(responses, [(*row, hours[row[0]]) for row in answers],
                  [(*row, hours[row[0]]) for row in comments], tallies)

