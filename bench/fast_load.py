"""Load millions of synthetic responses fast: COPY on PostgreSQL, executemany on SQLite.

Why not `services.demo_data.generate`: it builds a realistic story (comments in
Vietnamese, campaigns, background items, per-respondent item correlations) with
per-row Python, and measured ~550 responses/s here — half an hour per million.
The benchmarks need volume, not a story: this loader draws whole columns with
numpy, formats them in bulk and hands them to the driver's bulk path, at tens of
thousands of responses (and ~23 answers each) per second.

Rows follow the app's real shapes: one-stop responses of the latest administrative
questionnaire at every active counter × sector, spread over the working hours of
one year (2025, UTC), every 5-point item answered (the overall item included, as
the form stores it), about 4 % "not used" on the other items.
"""

from __future__ import annotations

import numpy as np
from common import Progress
from sqlalchemy import func, select, text

YEAR_START = np.datetime64("2025-01-01T00", "h")
CHUNK = 100_000
CHANNELS = np.array(["token", "counter", "kiosk", "paper"])
SCORE_P = [0.03, 0.05, 0.10, 0.40, 0.42]
NULL = "\\N"  # COPY's text format for NULL
SQLITE_TIME = ".000000"  # SQLAlchemy's SQLite DateTime text ends with microseconds


def _world():
    from survey_app.extensions import db
    from survey_app.models import Counter, Questionnaire, QuestionnaireVersion, counter_sectors
    from survey_app.services.questionnaires.files import items_of

    cells = db.session.execute(
        select(Counter.agency_id, Counter.id, counter_sectors.c.sector_id)
        .join(counter_sectors, counter_sectors.c.counter_id == Counter.id)
        .where(Counter.active.is_(True)).order_by(Counter.id)
    ).all()
    version = db.session.execute(
        select(QuestionnaireVersion).join(Questionnaire)
        .where(Questionnaire.kind == "administrative", QuestionnaireVersion.status == "published")
        .order_by(QuestionnaireVersion.id.desc()).limit(1)
    ).scalar_one()
    items = [i for i, item in items_of(version.definition).items() if item["type"] == "scale5"]
    overall = version.definition["overall_item"]
    # Each factor's columns in the score matrix: the tallies the app writes with a response.
    factors = [[items.index(i) for i in f["items"]] for f in version.definition["factors"]]
    first_id = (db.session.execute(select(func.max(text("id"))).select_from(
        text("responses"))).scalar() or 0) + 1
    return np.array(cells), version.id, items, overall, factors, first_id


def load(app, n: int, *, answers: bool = True, seed: int = 7) -> dict:
    """Append `n` responses (and their answers) to the app's database; returns counts."""
    from survey_app.extensions import db

    rng = np.random.default_rng(seed)
    with app.app_context():
        cells, version_id, items, overall, factors, first_id = _world()
        postgres = db.engine.dialect.name == "postgresql"
        raw = db.engine.raw_connection()
    progress = Progress("responses", n)
    written_answers = 0
    try:
        cursor = raw.cursor()
        if not postgres:
            cursor.execute("PRAGMA synchronous=OFF")  # a bulk load; durability is not the point
        for start in range(0, n, CHUNK):
            size = min(CHUNK, n - start)
            ids = np.arange(first_id + start, first_id + start + size)
            chosen = cells[rng.integers(len(cells), size=size)]
            hours = YEAR_START + (rng.integers(0, 365, size) * 24 + rng.integers(0, 10, size)
                                 ).astype("timedelta64[h]")
            when = np.char.replace(np.datetime_as_string(hours, unit="s"), "T", " ").tolist()
            if not postgres:
                when = [moment + SQLITE_TIME for moment in when]
            scores = rng.choice(5, size=(size, len(items)), p=SCORE_P) + 1
            overall_scores = scores[:, items.index(overall)]
            channel = CHANNELS[rng.integers(len(CHANNELS), size=size)].tolist()
            response_rows = list(zip(
                ids.tolist(), [version_id] * size, chosen[:, 0].tolist(), chosen[:, 1].tolist(),
                chosen[:, 2].tolist(), channel, ["vi"] * size, when, overall_scores.tolist(),
                strict=True))
            answer_rows, tally_rows = [], []
            if answers:
                not_used = rng.random(scores.shape) < 0.04
                not_used[:, items.index(overall)] = False
                answer_rows = _answer_rows(ids, items, scores, not_used, when)
                tally_rows = _tally_rows(ids, factors, scores, not_used, when)
            if postgres:
                _copy(cursor, response_rows, answer_rows, tally_rows)
            else:
                _insert(cursor, response_rows, answer_rows, tally_rows)
            raw.commit()
            written_answers += len(answer_rows)
            progress(start + size)
        if postgres:
            cursor.execute("SELECT setval(pg_get_serial_sequence('responses', 'id'), "
                           "(SELECT MAX(id) FROM responses))")
            raw.commit()
    finally:
        raw.close()
    _count_cells(app, first_id, first_id + n)
    _analyze(app)
    return {"responses": n, "answers": written_answers}


def _count_cells(app, first_id: int, end_id: int) -> None:
    """The loaded responses into the rolled-up counts, in one statement (as every writer
    keeps them; services/rollups/upkeep.py)."""
    from survey_app.extensions import db
    from survey_app.models import Response
    from survey_app.services.rollups import upkeep

    with app.app_context(), db.engine.begin() as connection:
        upkeep.count(connection, Response.id >= first_id, Response.id < end_id)


def _answer_rows(ids, items, scores, not_used, when) -> list[tuple]:
    """(response_id, item, score or None, 'not_used' or None, the response's hour): ~4 %
    not used, never overall."""
    response_ids = np.repeat(ids, len(items)).tolist()
    hours = np.repeat(np.array(when), len(items)).tolist()
    codes = items * len(ids)
    flat_scores = scores.ravel().tolist()
    flat_not_used = not_used.ravel().tolist()
    return [(r, c, None, "not_used", h) if nu else (r, c, s, None, h)
            for r, c, s, nu, h in zip(response_ids, codes, flat_scores, flat_not_used, hours,
                                      strict=True)]


def _tally_rows(ids, factors, scores, not_used, when) -> list[tuple]:
    """response_factors rows (id, satisfied and scored per slot, the response's hour), as
    services/factor_tallies.py writes them with each response."""
    from survey_app.models import FACTOR_SLOTS

    scored = ~not_used
    satisfied = scored & (scores >= 4)
    zeros = np.zeros(len(ids), dtype=np.int64)
    columns = [ids]
    for slot in range(FACTOR_SLOTS):
        members = factors[slot] if slot < len(factors) else None
        columns += ([satisfied[:, members].sum(1), scored[:, members].sum(1)]
                    if members else [zeros, zeros])
    table = np.column_stack(columns)
    kept = table[:, 2::2].sum(1) > 0
    return [(*row, hour) for row, hour in zip(table[kept].tolist(),
                                              np.array(when)[kept].tolist(), strict=True)]


def _tally_columns() -> str:
    from survey_app.services.responses.factor_tallies import COLUMNS

    return ", ".join(COLUMNS)


RESPONSE_COLUMNS = ("id, questionnaire_version_id, agency_id, counter_id, sector_id, channel, "
                    "language, submitted_hour, overall_score, repeat_device")


def _copy(cursor, responses, answers, tallies) -> None:
    with cursor.copy(f"COPY responses ({RESPONSE_COLUMNS}) FROM STDIN") as copy:
        copy.write("".join(f"{i}\t{v}\t{a}\t{c}\t{s}\t{ch}\t{lang}\t{w}\t{o}\tf\n"
                           for i, v, a, c, s, ch, lang, w, o in responses))
    if answers:
        with cursor.copy("COPY answers (response_id, item_code, score, choice, submitted_hour) "
                         "FROM STDIN") as copy:
            copy.write("".join(f"{r}\t{c}\t{NULL if s is None else s}\t{n or NULL}\t{h}\n"
                               for r, c, s, n, h in answers))
    if tallies:
        with cursor.copy(f"COPY response_factors ({_tally_columns()}) FROM STDIN") as copy:
            copy.write("".join("\t".join(map(str, row)) + "\n" for row in tallies))


def _insert(cursor, responses, answers, tallies) -> None:
    cursor.executemany(
        f"INSERT INTO responses ({RESPONSE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
        responses)
    if answers:
        cursor.executemany(
            "INSERT INTO answers (response_id, item_code, score, choice, submitted_hour) "
            "VALUES (?, ?, ?, ?, ?)",
            answers)
    if tallies:
        cursor.executemany(f"INSERT INTO response_factors ({_tally_columns()}) "  # noqa: S608
                           f"VALUES ({', '.join('?' * len(tallies[0]))})", tallies)


def _analyze(app) -> None:
    """Fresh planner statistics, as autovacuum / a nightly ANALYZE would leave them."""
    from survey_app.extensions import db

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            raw = db.engine.raw_connection()
            raw.driver_connection.autocommit = True
            raw.cursor().execute("VACUUM ANALYZE responses")
            raw.cursor().execute("VACUUM ANALYZE answers")
            raw.cursor().execute("VACUUM ANALYZE response_factors")
            raw.close()
        else:
            with db.engine.begin() as connection:
                connection.execute(text("ANALYZE"))
        db.engine.dispose()
