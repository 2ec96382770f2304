"""Abuse of the open QR: device marks for repeat answers, and volume alerts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from seeding import add_responses, by_code
from survey_app.extensions import db
from survey_app.models import Agency, Sector, TransactionVolume
from survey_app.services import alerts, device_marks
from survey_app.services.scope import Scope

SECRET = "test-secret-key-that-is-long-enough"
TODAY = date(2025, 8, 1)


def test_device_mark_round_trip():
    value = device_marks.write({"c1", "c7"}, SECRET, TODAY)
    assert device_marks.read(value, SECRET, TODAY) == {"c1", "c7"}
    assert "c1" not in value  # signed, base64: not a readable list of places


@pytest.mark.parametrize("tamper", [
    lambda v: v[:-2] + ("AA" if not v.endswith("AA") else "BB"),  # broken signature
    lambda v: device_marks.write({"c1"}, "another-secret-key-of-some-length", TODAY),
    lambda v: device_marks.write({"c1"}, SECRET, date(2025, 7, 31)),  # yesterday's
    lambda v: "x" * 5000,
    lambda v: "",
    lambda v: None,
])
def test_forged_or_stale_marks_are_ignored(tamper):
    value = device_marks.write({"c1"}, SECRET, TODAY)
    assert device_marks.read(tamper(value), SECRET, TODAY) == set()


def test_marks_are_bounded():
    many = {f"c{i}" for i in range(100)}
    value = device_marks.write(many, SECRET, TODAY)
    assert len(device_marks.read(value, SECRET, TODAY)) == device_marks.MAX_COUNTERS


def _volume(agency: str, sector: str, transactions: int, first=date(2025, 8, 1),
            last=date(2025, 8, 31)):
    db.session.add(TransactionVolume(
        agency_id=by_code(Agency, agency).id, sector_id=by_code(Sector, sector).id,
        period_start=first, period_end=last, transactions=transactions))
    db.session.commit()


@pytest.fixture
def stuffed(reference_data):
    _volume("ttphc-tinh", "dat-dai", 10)
    add_responses(30, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 10, 2, tzinfo=UTC))
    add_responses(10, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 10, 3, tzinfo=UTC), repeat_device=True)
    # Local 23:00 on 31/8 counts; local 00:00 on 1/9 (17:00 UTC) does not.
    add_responses(1, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 31, 16, tzinfo=UTC))
    add_responses(50, scores=5, agency="ttphc-tinh", sector="dat-dai", counter="ttphc-dat-dai",
                  at=datetime(2025, 8, 31, 17, tzinfo=UTC))
    # Paper entries are typed by staff: never counted against the transactions.
    add_responses(50, scores=5, agency="ttphc-tinh", sector="dat-dai", channel="paper",
                  at=datetime(2025, 8, 10, 2, tzinfo=UTC))
    # A normal place: fewer answers than transactions.
    _volume("ttphc-tinh", "xay-dung", 100)
    add_responses(30, scores=4, agency="ttphc-tinh", sector="xay-dung",
                  counter="ttphc-xay-dung", at=datetime(2025, 8, 12, 2, tzinfo=UTC))
    return reference_data


def test_alert_flags_answers_far_above_transactions(stuffed):
    found = alerts.volume_alerts(date(2025, 7, 1), date(2025, 9, 30), Scope.all_data())
    assert len(found) == 1
    alert = found[0]
    assert (alert.agency_code, alert.sector_code) == ("ttphc-tinh", "dat-dai")
    assert (alert.transactions, alert.responses, alert.repeats) == (10, 41, 10)
    assert alert.ratio == pytest.approx(4.1)
    assert alert.repeat_share == pytest.approx(10 / 41)
    assert [(c.code, c.responses) for c in alert.counters] == [("ttphc-dat-dai", 41)]


def test_small_numbers_and_other_windows_raise_no_alert(stuffed):
    assert alerts.volume_alerts(date(2025, 9, 1), date(2025, 9, 30), Scope.all_data()) == []
    assert alerts.volume_alerts(date(2025, 8, 1), date(2025, 8, 31), Scope.all_data(),
                                minimum=42) == []


def test_alerts_respect_the_readers_scope(stuffed):
    other = Scope(agency_ids=frozenset({by_code(Agency, "vp-ubnd-tinh").id}))
    assert alerts.volume_alerts(date(2025, 8, 1), date(2025, 8, 31), other) == []
    land = Scope(sector_ids=frozenset({by_code(Sector, "dat-dai").id}))
    assert len(alerts.volume_alerts(date(2025, 8, 1), date(2025, 8, 31), land)) == 1
