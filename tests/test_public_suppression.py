"""Row 13: on /ket-qua no hidden cell can be derived by subtraction from the cells shown.

The page is read as an outsider reads it (the HTML): every group's answers minus
its shown sectors, and the survey's total (published through the overall target)
minus the shown groups, must leave 0 or at least 30 answers; and the independent
attacker (tests/suppression_attack.py) derives no hidden cell under 30. Checked on
the outside test's own case and on a quarter of demo data.
"""

from __future__ import annotations

import re
from datetime import timedelta

from seeding import add_responses, load_reference
from suppression_attack import MIN, attack

from survey_app.demo import generate as demo_data
from survey_app.public import results
from survey_app.services.reporting.periods import last_closed_quarter

ROW = re.compile(r'<tr( class="sum")?><th scope="row">([^<]+)</th>\s*(?:<td>([\d.]+)</td>|'
                 r'<td colspan="3">([^<]+)</td>)')


def _tables(html: str) -> list[list[tuple[bool, str, int | None]]]:
    """Per survey table: (is a group row, name, answers shown or None)."""
    tables = []
    for table in html.split('<table class="figures">')[1:]:
        table = table.split("</table>")[0]
        if 'class="sum"' in table:  # a survey's table, not the targets'
            tables.append([(bool(total), name, int(n.replace(".", "")) if n else None)
                           for total, name, n, _hidden in ROW.findall(table)])
    return tables


def _every_subtraction(page, truth) -> None:
    """`truth` maps each row's name to its real answers; `page` holds what is shown."""
    for rows in _tables(page):
        group_rows = [r for r in rows if r[0]]
        total = sum(truth[name] for _g, name, _n in group_rows) + truth.get("unknown", 0)
        shown_groups = sum(n for _g, _name, n in group_rows if n is not None)
        assert total - shown_groups == 0 or total - shown_groups >= MIN
        for _g, group, n in group_rows:
            if n is None:
                continue
            members = [r for r in rows if not r[0] and r[1] in truth["members"][group]]
            rest = n - sum(m for _g, _name, m in members if m is not None)
            assert rest == 0 or rest >= MIN, (group, rest)


def test_the_outside_tests_subtraction_no_longer_works(app, runner, client):
    """245 answers in a group, shown; two sectors of 120 and 123 shown gave the third's 2."""
    load_reference(app, runner)
    at = last_closed_quarter().start + timedelta(days=10)
    with app.app_context():
        add_responses(120, scores=[5, 4, 2], agency="ttphc-tinh", sector="dat-dai", at=at)
        add_responses(123, scores=[5, 5, 3], agency="ttphc-tinh", sector="xay-dung", at=at)
        add_responses(2, scores=5, agency="ttphc-tinh", sector="dau-tu", at=at)
        add_responses(60, scores=[5, 1], agency="ttphc-tinh", sector="ho-tich", at=at)
    page = client.get("/ket-qua?lang=vi").get_data(as_text=True)
    [admin] = _tables(page)
    shown = {name: n for _g, name, n in admin}
    assert shown["Đất đai, xây dựng, đầu tư"] == 245  # the group is still shown
    assert shown["Hộ tịch"] == 60
    assert shown["Đầu tư"] is None  # the small sector
    assert shown["Đất đai"] is None  # and the smaller of the two others with it
    assert shown["Xây dựng"] == 123
    assert "không hiển thị để bảo vệ một nhóm nhỏ" in page
    assert "Các nhóm nhỏ được ẩn" in page
    truth = {"Đất đai, xây dựng, đầu tư": 245, "Thủ tục hành chính khác": 60, "Đất đai": 120,
             "Xây dựng": 123, "Đầu tư": 2, "Hộ tịch": 60,
             "members": {"Đất đai, xây dựng, đầu tư": {"Đất đai", "Xây dựng", "Đầu tư"},
                         "Thủ tục hành chính khác": {"Hộ tịch"}}}
    truth.update({name: n for _g, name, n in admin if name not in truth})
    _every_subtraction(page, truth)
    english = client.get("/ket-qua?lang=en").get_data(as_text=True)
    assert "Small groups are hidden" in english
    assert "not shown, to protect a small group" in english


def test_no_hidden_cell_of_a_demo_quarter_can_be_derived(app, runner):
    load_reference(app, runner)
    quarter = last_closed_quarter()
    with app.app_context():
        demo_data.generate(2500, seed=3, start=quarter.first_day,
                           end=quarter.last_day, campaigns=False)
        computed = results.public_results()
        checked = withheld = 0
        for survey, _kinds in results.SURVEYS:
            groups, sectors = computed.groups[survey], computed.sectors[survey]
            counts = {("group", c.key): c.n for c in groups}
            counts.update({("sector", c.key): c.n for c in sectors})
            counts["total"] = sum(c.n for c in groups)
            relations = [("total", [("group", c.key) for c in groups])]
            relations += [(("group", g.key), [("sector", s.key) for s in sectors
                                              if s.code in _sector_codes(g.key)])
                          for g in groups if g.key is not None]
            hidden = {("group", c.key) for c in groups
                      if c.key is None or c.too_small or c.withheld}
            hidden |= {("sector", c.key) for c in sectors if c.too_small or c.withheld}
            fixed = ["total"] if counts["total"] >= MIN else []
            assert attack(counts, relations, hidden, fixed) == (set(), [])
            checked += len(counts)
            withheld += sum(1 for c in groups + sectors if c.withheld)
        assert checked > 20  # the demo quarter filled the tables
        assert withheld >= 1  # and some cell was hidden only to protect a small one


def _sector_codes(group_code) -> set[str]:
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.models import Sector

    return set(db.session.execute(select(Sector.code).where(
        Sector.group_code == group_code)).scalars())


def test_a_group_published_by_its_target_is_never_the_one_withheld(app, runner, client):
    """The land target's row shows that group's rate and interval: when a small group
    needs a companion, another group is hidden, not the one the target gives away."""
    from sqlalchemy import update

    from survey_app.extensions import db
    from survey_app.models import Plan

    load_reference(app, runner)
    at = last_closed_quarter().start + timedelta(days=10)
    with app.app_context():
        db.session.execute(update(Plan).values(provisional=False))
        add_responses(50, scores=[5, 4, 2], agency="ttphc-tinh", sector="dat-dai", at=at)
        add_responses(100, scores=[5, 3], agency="so-y-te", sector="y-te", at=at)
        add_responses(20, scores=5, agency="ttphc-tinh", sector="ho-tich", at=at)
    page = client.get("/ket-qua?lang=vi").get_data(as_text=True)
    assert "Mức độ hài lòng" in page  # the targets are shown
    [admin] = _tables(page)
    shown = {name: n for _g, name, n in admin}
    assert shown["Đất đai, xây dựng, đầu tư"] == 50
    assert shown["Y tế, giáo dục"] is None  # withheld with the small group instead
    assert shown["Thủ tục hành chính khác"] is None


def test_a_target_over_two_surveys_is_hidden_when_one_of_them_is_small(app, runner, client):
    """Health and education share a target: its 50 answers minus education's 40 (all
    shown) would give the 10 health answers away."""
    from sqlalchemy import update

    from survey_app.extensions import db
    from survey_app.models import Plan

    load_reference(app, runner)
    at = last_closed_quarter().start + timedelta(days=10)
    with app.app_context():
        db.session.execute(update(Plan).values(provisional=False))
        add_responses(10, scores=5, agency="bv-da-khoa-vinh-long", sector="y-te",
                      kind="health_inpatient", channel="paper", at=at)
        add_responses(40, scores=[5, 2], agency="thpt-luu-van-liet", sector="giao-duc",
                      kind="education_parent", channel="paper", at=at)
    page = client.get("/ket-qua?lang=vi").get_data(as_text=True)
    row = re.search(r"dịch vụ y tế, giáo dục công lập đạt tối thiểu 85%[^<]*</th>(.*?)</tr>", page,
                    re.S)
    assert row is not None
    assert "không hiển thị để bảo vệ một nhóm nhỏ" in row.group(1)
    assert "%" not in row.group(1).replace("85 %", "")  # no rate, no interval
