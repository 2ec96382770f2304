"""The dashboard's funnel and commune small-area estimates, against independent counts."""

import io
import re
from datetime import UTC, datetime

import numpy as np
import pytest
from openpyxl import load_workbook
from report_support import pdf_text, squeeze
from seeding import add_responses, load_reference
from sqlalchemy import text

import analysis
from support import StaffActions
from survey_app.extensions import db
from survey_app.models import Agency
from survey_app.services.access.scope import Scope
from survey_app.services.reporting import comparisons, periods

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)
# (commune, answers, satisfied): x-cau-ke is far below the 90 % target with many answers
COMMUNES = [
    ("p-thanh-duc", 60, 55), ("p-long-chau", 40, 37), ("p-phuoc-hau", 25, 23),
    ("p-tan-hanh", 50, 45), ("p-binh-minh", 18, 17), ("x-long-ho", 45, 41),
    ("x-tam-binh", 30, 27), ("x-cau-ke", 120, 72),
]


@pytest.fixture
def seeded(app, runner):
    load_reference(app, runner)
    with app.app_context():
        for code, n, satisfied in COMMUNES:
            add_responses(n, scores=[5] * satisfied + [2] * (n - satisfied), agency=code,
                          sector="ho-tich", counter=f"{code}-1c", at=AT)
        StaffActions(app, app.test_client()).create("admin", "admin")
    client = app.test_client()
    StaffActions(app, client).login("admin")
    return client


def _counts(app):
    """n and satisfied per commune by plain SQL, independent of the reporting service."""
    with app.app_context():
        rows = db.session.execute(text(
            "SELECT a.code, COUNT(r.overall_score), "
            "SUM(CASE WHEN r.overall_score >= 4 THEN 1 ELSE 0 END) "
            "FROM responses r JOIN agencies a ON a.id = r.agency_id "
            "WHERE a.level_code = 'commune' GROUP BY a.code ORDER BY a.code")).all()
    return {code: (int(n), int(s)) for code, n, s in rows}


def test_funnel_flags_the_commune_far_below_and_describes_the_rest(app, seeded):
    counts = _counts(app)
    assert counts["x-cau-ke"] == (120, 72)
    html = seeded.get("/staff/?period=2025-Q3&level=commune").get_data(as_text=True)
    section = html[html.index('id="compare-h"'):]
    caption = section.index("Nằm ngoài giới hạn 99,8 %")
    flagged = section[caption:section.index("</table>", caption)]
    assert "Cầu Kè" in flagged
    assert "60,0 %" in flagged  # 72 of 120
    assert "thấp hơn chỉ tiêu" in flagged
    assert "7 cơ quan còn lại: không khác biệt có ý nghĩa so với chỉ tiêu." in section
    assert re.search(r'<img class="chart" src="/staff/charts/funnel.svg\?[^"]*level=commune', html)
    # the ranking chart is no longer the default comparison
    assert "charts/breakdown.svg" not in html


def test_funnel_matches_analysis_on_the_independent_counts(app, seeded):
    counts = _counts(app)
    with app.app_context():
        (found,) = comparisons.funnels(periods.parse_period("2025-Q3"), Scope.all_data(),
                                       "agency", _commune_filters())
        names = {a.id: a.code for a in db.session.query(Agency)}
    codes = [names[u.key] for u in found.units]
    n = np.array([counts[c][0] for c in codes])
    x = np.array([counts[c][1] for c in codes])
    expected = analysis.funnel(x, n, found.target)
    assert found.target == 0.9
    assert [u.signal for u in found.units] == list(expected.signal)
    assert [u.p_adjusted for u in found.units] == pytest.approx(list(expected.p_adjusted))


def test_commune_estimates_sit_beside_the_direct_rates(app, seeded):
    html = seeded.get("/staff/?period=2025-Q3").get_data(as_text=True)
    assert "Xã, phường: ước lượng cho địa bàn nhỏ" in html
    assert "Phương sai giữa các xã, phường σ²ᵥ:" in html
    table = html[html.index('id="communes-h"'):]
    table = table[:table.index("</table>")]
    assert len(re.findall(r"<tr><th scope=\"row\">", table)) == len(COMMUNES)
    counts = _counts(app)
    n = np.array([counts[c][0] for c, *_ in sorted(COMMUNES)])
    x = np.array([counts[c][1] for c, *_ in sorted(COMMUNES)])
    fit = analysis.fay_herriot(x / n, analysis.proportion_variances(x, n))
    with app.app_context():
        found = comparisons.commune_estimates(periods.parse_period("2025-Q3"),
                                              Scope.all_data())
    assert found.sigma2_v_without == pytest.approx(fit.sigma2_v, rel=1e-9)
    # the shrunk estimate of the 18-answer ward lies between its rate and the rest
    small = next(a for a in found.areas if a.n == 18)
    assert small.estimate < small.rate
    assert 0 <= small.weight < 1


def test_funnel_svg_is_drawn_for_the_reader_and_refused_with_too_few_units(app, seeded):
    response = seeded.get("/staff/charts/funnel.svg?period=2025-Q3&level=commune")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    body = response.get_data(as_text=True)
    assert "Giới hạn 99,8 %" in body
    assert response.headers["Cache-Control"] == "private, no-store"
    empty = seeded.get("/staff/charts/funnel.svg?period=2024-Q1")
    assert empty.status_code == 404


def _commune_filters():
    from survey_app.services.reporting.figures import Filters

    return Filters(level="commune", kinds=("administrative",))


def test_each_target_group_gets_its_own_funnel(app, seeded):
    with app.app_context():
        for code, *_ in COMMUNES[:4]:
            add_responses(20, scores=[5, 5, 5, 2], agency=code, sector="dat-dai",
                          counter=f"{code}-1c", at=AT)
        found = comparisons.funnels(periods.parse_period("2025-Q3"), Scope.all_data(),
                                    "agency", _commune_filters())
    assert [(f.target, len(f.units)) for f in found] == [(0.85, 4), (0.9, len(COMMUNES))]
    land = found[0]
    assert all(u.n == 20 for u in land.units)
    response = seeded.get("/staff/charts/funnel.svg?period=2025-Q3&level=commune&part=1")
    assert response.status_code == 200
    assert seeded.get("/staff/charts/funnel.svg?period=2025-Q3&level=commune&part=2"
                      ).status_code == 404


def _report(app, runner, tmp_path, fmt: str) -> bytes:
    out = tmp_path / f"report.{fmt}"
    with app.app_context():  # as the report tests: the audit row needs the app's session
        result = runner.invoke(args=["report", "--period", "2025-Q3", "--format", fmt,
                                     "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_bytes()


def test_pdf_and_xlsx_carry_the_funnel_and_the_commune_estimates(app, seeded, runner, tmp_path):
    printed = squeeze(pdf_text(_report(app, runner, tmp_path, "pdf")))
    assert squeeze("PHỤ LỤC. SO SÁNH CÁC CƠ QUAN VỚI CHỈ TIÊU") in printed
    assert squeeze("Cách đọc biểu đồ phễu") in printed
    assert squeeze("Ủy ban nhân dân xã Cầu Kè") in printed
    assert squeeze("7 cơ quan còn lại: không khác biệt có ý nghĩa so với chỉ tiêu.") in printed
    assert squeeze("Ước lượng cho địa bàn nhỏ") in printed
    book = load_workbook(io.BytesIO(_report(app, runner, tmp_path, "xlsx")))
    rows = list(book["So sánh"].iter_rows(min_row=2, values_only=True))
    flagged = [r for r in rows if r[6] == "thấp hơn"]
    assert [(r[1], r[2], r[3]) for r in flagged] == [
        ("Ủy ban nhân dân xã Cầu Kè", 120, pytest.approx(0.6))]
    estimates = [r for r in rows if r[8] is not None]
    assert len(estimates) == len(COMMUNES)
    assert all(r[9] <= r[8] <= r[10] for r in estimates)
