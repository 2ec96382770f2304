"""The few seconds a worker keeps a counter and the questionnaire in service
(services/reference_cache.py): a change made here is seen at once, one made
elsewhere within the TTL, and unknown codes are never kept."""

import pytest
from sqlalchemy import select, text

from support import Citizen
from survey_app.extensions import db
from survey_app.models import Counter
from survey_app.services.questionnaires import versions as questionnaires
from survey_app.services.reference import cache as reference_cache

COUNTER = "ttphc-dat-dai"


@pytest.fixture
def citizen(client, survey_data):
    return Citizen(client)


@pytest.fixture
def clock(monkeypatch):
    """reference_cache's clock, moved by hand."""
    now = [1000.0]
    monkeypatch.setattr(reference_cache.time, "monotonic", lambda: now[0])
    return now


def close_counter_elsewhere(app, code: str) -> None:
    """What another worker or the CLI does: a committed change this process never saw."""
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE counters SET active = :no WHERE code = :code"),
                           {"no": False, "code": code})


def test_a_counter_closed_through_this_process_is_gone_at_once(app, citizen):
    assert citizen.open(f"/c/{COUNTER}").status_code == 200
    with app.app_context():
        counter = db.session.execute(select(Counter).where(Counter.code == COUNTER)).scalar_one()
        counter.active = False
        db.session.commit()
    assert citizen.open(f"/c/{COUNTER}").status_code == 404


def test_a_counter_closed_elsewhere_is_gone_within_the_ttl(app, citizen, clock):
    assert citizen.open(f"/c/{COUNTER}").status_code == 200
    close_counter_elsewhere(app, COUNTER)
    clock[0] += reference_cache.TTL - 1
    assert citizen.open(f"/c/{COUNTER}").status_code == 200  # still kept
    clock[0] += 2
    assert citizen.open(f"/c/{COUNTER}").status_code == 404


def test_a_new_questionnaire_version_is_served_at_once(app, citizen):
    citizen.open(f"/c/{COUNTER}")
    with app.app_context():
        version = questionnaires.current_version("administrative")
        retitled = {**version.definition,
                    "title": {"vi": "Phiếu đã sửa tiêu đề", "en": "Retitled form"}}
        version.definition = retitled
        db.session.commit()
    citizen.open(f"/c/{COUNTER}")
    assert "Phiếu đã sửa tiêu đề" in citizen.page


def test_a_rolled_back_change_keeps_the_cache(app, citizen):
    citizen.open(f"/c/{COUNTER}")
    with app.app_context():
        counter = db.session.execute(select(Counter).where(Counter.code == COUNTER)).scalar_one()
        counter.name_vi = "Tên thử"
        db.session.flush()
        db.session.rollback()
        assert reference_cache._EXTENSION in app.extensions
    assert citizen.open(f"/c/{COUNTER}").status_code == 200


def test_unknown_codes_are_not_kept(app, citizen):
    for number in range(50):
        assert citizen.open(f"/c/no-such-counter-{number}").status_code == 404
    kept = app.extensions.get(reference_cache._EXTENSION, {})
    assert not any("no-such-counter" in str(key) for key in kept)
