"""A paper file is written a chunk of rows at a time (services/responses/bulk.py): the
rows it stores are the ones storing each form by itself stores, row for row, and the
rolled-up cells still match the rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from campaign_support import analyst, csv_file, health_input, paper_row, scale_items, today
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import Answer, Comment, Response, response_factors
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.jobs import paper as paper_jobs
from survey_app.services.paper import imports as paper_import
from survey_app.services.paper.files import read_table
from survey_app.services.rollups import check as rollups_check

# More than two chunks, the last one short: a row given another row's id would show.
ROWS = 2 * paper_import.CHUNK + 37
FACILITIES = ("bv-da-khoa-vinh-long", "bv-da-khoa-tra-vinh")


@pytest.fixture
def health_analyst(reference_data):
    return analyst("yte", "y-te")


@pytest.fixture
def campaign(health_analyst):
    return campaigns.create(health_input(), health_analyst)


def varied_rows(campaign, count: int) -> list[dict]:
    """Rows that differ from their neighbours in every kind of answer."""
    definition = campaign.questionnaire_version.definition
    items = [item for item in scale_items(definition) if item != definition["overall_item"]]
    rows = []
    for i in range(count):
        answers = {item: ("KSD" if (i + k) % 11 == 0 else 1 + (i * 7 + k) % 5)
                   for k, item in enumerate(items) if (i + k) % 13}
        answers.update(gioi_tinh=1 + i % 2, tuoi=f"{18 + i % 80},{i % 10}",
                       bhyt=("có", "không", "")[i % 3])
        if i % 4 == 0:
            answers["q_comment"] = f"góp ý số {i}"
        row = paper_row(campaign, FACILITIES[i % 2], today() - timedelta(days=i % 3),
                        1 + i % 5)
        rows.append({**row, **{key: str(value) for key, value in answers.items()}})
    return rows


def stored(*where) -> list[tuple]:
    """Each response meeting `where` in id order, without ids: its row, answers,
    comments and factor tally."""
    responses = db.session.execute(select(Response).where(*where)
                                   .order_by(Response.id)).scalars().all()
    found = []
    for response in responses:
        answers = sorted(db.session.execute(
            select(Answer.item_code, Answer.score, Answer.choice, Answer.number)
            .where(Answer.response_id == response.id)).all())
        comments = sorted(db.session.execute(
            select(Comment.item_code, Comment.text, Comment.status, Comment.tags,
                   Comment.contact_consent).where(Comment.response_id == response.id)).all())
        tally = db.session.execute(select(*list(response_factors.c)[1:]).where(
            response_factors.c.response_id == response.id)).all()
        found.append(((response.agency_id, response.submitted_hour, response.overall_score,
                       response.channel, response.entered_by_id, response.sector_id,
                       response.campaign_id, response.questionnaire_version_id),
                      answers, comments, tally))
    return found


def test_a_file_stores_what_its_forms_stored_one_by_one_would(campaign, health_analyst):
    table = read_table("dot1.csv", csv_file(campaign, varied_rows(campaign, ROWS)))
    batch = paper_import.import_table(campaign, "dot1.csv", table, health_analyst.id)
    assert batch.rows == ROWS
    bulk = stored(Response.import_batch_id == batch.id)
    # the same forms, each stored by itself as a form typed in is (no batch)
    checker = paper_import.RowChecker(campaign)
    for form in paper_import.checked_forms(checker, table):
        paper_import.enter_one(campaign, form, health_analyst.id)
    one_by_one = stored(Response.import_batch_id.is_(None))
    assert len(bulk) == ROWS
    assert sum(1 for _row, _answers, comments, _tally in bulk if comments) == (ROWS + 3) // 4
    assert bulk == one_by_one


def test_the_cells_match_the_rows_after_a_file_of_several_chunks(campaign):
    table = read_table("dot1.csv", csv_file(campaign, varied_rows(campaign, ROWS)))
    paper_import.import_table(campaign, "dot1.csv", table, None)
    assert rollups_check.differences(db.session.connection()) == []


def test_a_bad_row_in_the_last_chunk_stores_nothing(campaign):
    rows = varied_rows(campaign, ROWS)
    rows[-1]["a3"] = "6"
    table = read_table("sai.csv", csv_file(campaign, rows))
    with pytest.raises(paper_import.InvalidFile) as refused:
        paper_import.import_table(campaign, "sai.csv", table, None)
    assert [e.text() for e in refused.value.errors] == [
        f'row {ROWS + 2}, column a3: "6" is not one of 1–5 or KSD']
    assert db.session.execute(select(Response.id)).first() is None


def test_every_problem_is_counted_the_first_ones_kept(campaign, monkeypatch):
    monkeypatch.setattr(paper_import, "KEPT_ERRORS", 25)
    rows = varied_rows(campaign, 40)
    for row in rows:
        row.update(a3="6", b1="0")
    table = read_table("sai.csv", csv_file(campaign, rows))
    with pytest.raises(paper_import.InvalidFile) as refused:
        paper_import.import_table(campaign, "sai.csv", table, None)
    assert refused.value.count == 80
    assert len(refused.value.errors) == 25
    assert refused.value.errors[:2] == [
        paper_import.CellError(3, "a3", "not_one_of", "6", "1–5 or KSD"),
        paper_import.CellError(3, "b1", "not_one_of", "0", "1–5 or KSD")]
    assert "80" in str(refused.value)


def test_progress_climbs_to_the_end_in_a_few_hundred_steps(monkeypatch):
    reported: list[tuple[int, int]] = []
    monkeypatch.setattr(paper_jobs.queue, "set_progress",
                        lambda job_id, done, total: reported.append((done, total)))
    report = paper_jobs.Reporter(7)
    total = 2 * ROWS
    for done in range(1, ROWS + 1):  # checked one by one
        report(done, total)
    for done in range(ROWS + paper_import.CHUNK, total, paper_import.CHUNK):  # stored
        report(done, total)
    report(total, total)
    steps = [done for done, _ in reported]
    assert steps == sorted(set(steps))
    assert steps[-1] == total
    assert 100 <= len(steps) <= 201
    assert {t for _, t in reported} == {total}
    # every chunk stored moves the bar
    assert {ROWS + paper_import.CHUNK, ROWS + 2 * paper_import.CHUNK} <= set(steps)
