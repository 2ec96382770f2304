"""DISPLAY_TIMEZONE is the one zone of the app: set another and pages, exports and
period bounds all follow it (the province's own zone is the default)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from seeding import add_responses, load_reference
from sqlalchemy import select

from support import make_app
from survey_app.config import ConfigurationError
from survey_app.extensions import db
from survey_app.models import AuditLog, response_cells
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.exports import codebook, csv_export
from survey_app.services.reporting.periods import parse_period
from survey_app.services.rollups import check as rollup_check

TOKYO = ZoneInfo("Asia/Tokyo")  # UTC+9: two hours from the province, no daylight saving


@pytest.fixture
def tokyo(app):
    app.config["DISPLAY_TIMEZONE"] = "Asia/Tokyo"
    return app


def test_the_default_is_the_provinces_zone(app_context):
    assert app_context.config["DISPLAY_TIMEZONE"] == "Asia/Ho_Chi_Minh"
    assert parse_period("2025-Q3").start == datetime(2025, 6, 30, 17, tzinfo=UTC)


def test_a_period_starts_at_the_zones_midnight(tokyo):
    with tokyo.app_context():
        period = parse_period("2025-Q3")
        assert period.start == datetime(2025, 6, 30, 15, tzinfo=UTC)
        assert period.end == datetime(2025, 9, 30, 15, tzinfo=UTC)


def test_the_audit_page_shows_the_zones_time(tokyo, runner, staff):
    staff.create()
    staff.login()
    page = staff.client.get("/staff/audit").get_data(as_text=True)
    with tokyo.app_context():
        logins = select(AuditLog.at).where(AuditLog.action == "login.password")
        at = db.session.scalars(logins).one()
    assert at.astimezone(TOKYO).strftime("%d/%m/%Y %H:%M:%S") in page
    assert at.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%d/%m/%Y %H:%M") not in page


def test_the_csv_hour_and_its_codebook_follow_the_zone(tokyo, runner):
    load_reference(tokyo, runner)
    with tokyo.app_context():
        add_responses(1, scores=5, agency="p-thanh-duc", sector="ho-tich",
                      at=datetime(2025, 8, 1, 3, tzinfo=UTC))
        lines = list(csv_export.rows(parse_period("2025-Q3"), Scope.all_data()))
        described = {row[0]: row for row in codebook.rows(parse_period("2025-Q3"),
                                                           Scope.all_data())}
    hour = lines[0].index("local_hour")
    assert [line[hour] for line in lines[1:]] == ["2025-08-01 12:00"]  # 03:00 UTC + 9 h
    assert "giờ Asia/Tokyo" in described["local_hour"][4]


def test_the_xlsx_generation_time_follows_the_zone(tokyo, runner, staff):
    load_reference(tokyo, runner)
    with tokyo.app_context():
        add_responses(3, scores=5, agency="p-thanh-duc", sector="ho-tich")
    staff.create()
    staff.login()
    before = datetime.now(TOKYO).replace(second=0, microsecond=0, tzinfo=None)
    book = load_workbook(BytesIO(staff.client.get("/staff/reports/xlsx?period=2025-Q3").data))
    cells = {row[0]: row[1] for sheet in book for row in sheet.iter_rows(values_only=True)
             if row and isinstance(row[0], str) and row[0].startswith("Ngày lập")}
    assert list(cells) == ["Ngày lập (giờ Asia/Tokyo)"]
    shown = datetime.strptime(cells["Ngày lập (giờ Asia/Tokyo)"], "%d/%m/%Y %H:%M")
    assert before <= shown <= before + timedelta(minutes=2)


def test_a_response_is_rolled_up_into_the_zones_month(tokyo, runner):
    load_reference(tokyo, runner)
    with tokyo.app_context():
        # 16:00 UTC on 31 July: 01:00 on 1 August in Tokyo, 23:00 on 31 July in the province
        add_responses(1, scores=5, agency="p-thanh-duc", sector="ho-tich",
                      at=datetime(2025, 7, 31, 16, tzinfo=UTC))
        months = db.session.scalars(select(response_cells.c.month)).all()
        assert months == [date(2025, 8, 1)]
        assert rollup_check.differences(db.session.connection()) == []


# A zone with no such place, half an hour off, daylight saving (its midnight moves).
@pytest.mark.parametrize("zone", ["Mars/Olympus", "Asia/Kolkata", "Europe/Paris", ""])
def test_a_zone_that_cannot_bound_hours_stops_the_start(database_url, zone):
    with pytest.raises(ConfigurationError, match="DISPLAY_TIMEZONE"):
        make_app(database_url, DISPLAY_TIMEZONE=zone)
