"""The dashboard and its charts, checked against an independent count of the seeded rows."""

import re
from datetime import UTC, datetime

import pytest
from seeding import add_responses, by_code, load_reference
from sqlalchemy import text

from support import StaffActions
from survey_app.extensions import db
from survey_app.models import Sector

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)


@pytest.fixture
def admin(app, runner):
    load_reference(app, runner)
    with app.app_context():
        add_responses(40, scores=[5, 4, 3, None], agency="ttphc-tinh", sector="dat-dai",
                      counter="ttphc-dat-dai", at=AT, answers={"c15": [5, 2], "c19": 4})
        add_responses(12, scores=[5, 1], agency="ttphc-tinh", sector="xay-dung",
                      counter="ttphc-xay-dung", at=AT, channel="token")
        add_responses(60, scores=[5, 5, 4, 2], agency="p-thanh-duc", sector="ho-tich",
                      counter="p-thanh-duc-1c", at=AT, repeat_device=False)
        StaffActions(app, app.test_client()).create("admin", "admin")
    client = app.test_client()
    StaffActions(app, client).login("admin")
    return client


def _count(app, where: str) -> tuple[int, int]:
    """n and satisfied by plain SQL, independent of the reporting service."""
    with app.app_context():
        row = db.session.execute(text(
            "SELECT COUNT(r.overall_score), "
            "COALESCE(SUM(CASE WHEN r.overall_score >= 4 THEN 1 ELSE 0 END), 0) "
            "FROM responses r LEFT JOIN sectors s ON s.id = r.sector_id WHERE " + where
        )).one()
    return int(row[0]), int(row[1])


def _row(html: str, label: str) -> str:
    """The table row whose header cell holds `label`."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S):
        if label in row:
            return row
    raise AssertionError(f"no row for {label!r}")


def _pct(n: int, satisfied: int) -> str:
    return f"{100 * satisfied / n:.1f} %".replace(".", ",")  # the Vietnamese decimal comma


def test_dashboard_numbers_match_an_independent_count(app, admin):
    html = admin.get("/staff/?period=2025-Q3").get_data(as_text=True)
    n, satisfied = _count(app, "1 = 1")
    overall = _row(html, "giải quyết thủ tục hành chính đạt tối thiểu 90%")
    assert f"<td>{n}" in overall
    assert _pct(n, satisfied) in overall
    n, satisfied = _count(app, "s.group_code = 'land-construction-investment'")
    land = _row(html, "lĩnh vực đất đai, xây dựng, đầu tư")
    assert f"<td>{n}" in land
    assert _pct(n, satisfied) in land
    assert "Chưa đạt" in land  # 23 of 42 cannot reach 85 %
    # Drill-down: sector group cells, then sectors in the land group.
    group = _row(html, "Đất đai, xây dựng, đầu tư</a>")
    assert _pct(n, satisfied) in group
    html = admin.get("/staff/?period=2025-Q3&group=land-construction-investment").get_data(
        as_text=True)
    n, satisfied = _count(app, "s.code = 'xay-dung'")
    construction = _row(html, "Xây dựng</a>")
    assert _pct(n, satisfied) in construction
    assert "n &lt; 30" in construction  # 12 answers: marked, not hidden


def test_drill_down_to_counters_and_filters(app, admin):
    with app.app_context():
        land = by_code(Sector, "dat-dai")
        agency = db.session.execute(text("SELECT id FROM agencies WHERE code = 'ttphc-tinh'")
                                    ).scalar()
    html = admin.get(f"/staff/?period=2025-Q3&sector={land.id}&agency={agency}").get_data(
        as_text=True)
    counter = _row(html, "quầy đất đai")
    assert ">30<" in counter  # 40 responses, 10 "no opinion"
    assert "66,7 %" in counter
    html = admin.get("/staff/?period=2025-Q3&channel=token").get_data(as_text=True)
    assert ">12<" in _row(html, "Đất đai, xây dựng, đầu tư</a>")
    assert admin.get("/staff/?period=2025-Q3&channel=fax").status_code == 400
    assert admin.get("/staff/?period=2025-Q9").status_code == 400
    assert admin.get("/staff/?from=2025-09-01&to=2025-07-01").status_code == 400
    html = admin.get("/staff/?from=2025-07-15&to=2025-08-15").get_data(as_text=True)
    assert "15/07/2025 – 15/08/2025" in html


def test_verdicts_are_said_in_words_and_shapes(admin):
    html = admin.get("/staff/?period=2025-Q3").get_data(as_text=True)
    assert "▼" in html
    assert "Chưa đạt" in html


@pytest.mark.parametrize("name", ["targets", "breakdown", "trend", "factors"])
def test_charts_are_svg_images_with_vietnamese_text(admin, name):
    response = admin.get(f"/staff/charts/{name}.svg?period=2025-Q3")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "script" not in response.headers["Content-Security-Policy"]
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith("<?xml")
    assert "<script" not in body
    assert any(word in body for word in ("Tỷ lệ hài lòng", "Chỉ số hài lòng", "Kỳ báo cáo"))


def test_chart_without_data_is_not_found_and_unknown_chart_too(admin):
    assert admin.get("/staff/charts/targets.svg?period=2021-Q1").status_code == 404
    assert admin.get("/staff/charts/pie.svg?period=2025-Q3").status_code == 404
