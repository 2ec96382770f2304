"""Comment follow-up: list and read (audited), tag, assign, handle, and the pace of handling."""

from datetime import UTC, datetime, timedelta

import pytest
from seeding import add_responses, by_code, load_reference
from sqlalchemy import select

from support import StaffActions, csrf_token_from
from survey_app.extensions import db
from survey_app.models import Agency, AuditLog, Comment, Sector, StaffScope
from survey_app.services.access.scope import Scope
from survey_app.services.reporting.periods import parse_period
from survey_app.services.responses import comments

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)


@pytest.fixture
def seeded(app, runner):
    load_reference(app, runner)
    with app.app_context():
        # Scores of 4: these comments ask for nothing, so they stay plain comments (not cases).
        rows = add_responses(3, scores=[4], agency="p-thanh-duc", sector="ho-tich",
                             counter="p-thanh-duc-1c", at=AT,
                             comments=["Chờ lâu quá", "Cán bộ nhiệt tình", "Thiếu ghế ngồi"])
        contact = rows[0].comments[0]
        contact.contact_consent, contact.contact_phone = True, "0909123456"
        rows[1].comments[0].contact_phone = "0911000000"  # no consent: never shown
        db.session.commit()
        staff = StaffActions(app, app.test_client())
        staff.create("admin", "admin")
        staff.create("commune", "agency",
                     [StaffScope(agency_id=by_code(Agency, "p-thanh-duc").id)])
        staff.create("viewer", "viewer",
                     [StaffScope(sector_id=by_code(Sector, "ho-tich").id)])
        return [r.comments[0].id for r in rows]


def _login(app, username):
    client = app.test_client()
    StaffActions(app, client).login(username)
    return client


def _audit(app, action):
    with app.app_context():
        return list(db.session.execute(
            select(AuditLog).where(AuditLog.action == action)).scalars())


def test_list_shows_comments_in_local_time_and_is_audited(app, seeded):
    client = _login(app, "commune")
    html = client.get("/staff/comments?period=2025-Q3").get_data(as_text=True)
    assert "Chờ lâu quá" in html
    assert "01/08/2025 10:00" in html  # 03:00 UTC is 10:00 in Vĩnh Long
    assert "0909123456" not in html  # contact details only on the comment's own page
    (row,) = _audit(app, "comments.list")
    assert sorted(row.detail["comment_ids"]) == sorted(seeded)
    assert "Chờ lâu quá" not in str(row.detail)  # the log holds ids, not the text


def test_contact_shown_only_with_consent(app, seeded):
    client = _login(app, "commune")
    assert "0909123456" in client.get(f"/staff/comments/{seeded[0]}").get_data(as_text=True)
    assert "0911000000" not in client.get(f"/staff/comments/{seeded[1]}").get_data(as_text=True)
    assert len(_audit(app, "comments.read")) == 2


def test_tag_assign_and_handle(app, seeded):
    client = _login(app, "commune")
    page = client.get(f"/staff/comments/{seeded[0]}").get_data(as_text=True)
    with app.app_context():
        commune_id = by_code(Agency, "p-thanh-duc").id
    response = client.post(f"/staff/comments/{seeded[0]}", data={
        "csrf_token": csrf_token_from(page), "tags": "Chờ đợi, cơ sở vật chất, chờ đợi",
        "assign_agency": str(commune_id), "reply_note": "Đã bổ sung ghế chờ.",
        "handled": "y"})
    assert response.status_code == 302
    with app.app_context():
        comment = db.session.get(Comment, seeded[0])
        assert comment.tags == ["chờ đợi", "cơ sở vật chất"]
        assert comment.assigned_agency_id == commune_id
        assert comment.status == "handled"
        assert comment.handled_at is not None
    (row,) = _audit(app, "comments.update")
    assert row.detail["changed"] == ["tags", "assigned", "note", "handled"]


@pytest.mark.parametrize(("data", "message"), [
    ({"handled": "y"}, "Hãy viết nội dung trả lời"),
    ({"tags": 'a"b'}, "Nhãn chỉ gồm chữ"),
    ({"assign_agency": "99999"}, "Hãy chọn một cơ quan trong phạm vi"),
])
def test_bad_updates_change_nothing(app, seeded, data, message):
    client = _login(app, "commune")
    page = client.get(f"/staff/comments/{seeded[1]}").get_data(as_text=True)
    response = client.post(f"/staff/comments/{seeded[1]}",
                           data={"csrf_token": csrf_token_from(page), **data})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Góp ý chưa được cập nhật" in body
    assert message in body
    with app.app_context():
        comment = db.session.get(Comment, seeded[1])
        assert (comment.status, comment.tags, comment.reply_note) == ("new", [], None)


def test_viewer_reads_no_comments(app, seeded):
    client = _login(app, "viewer")
    assert client.get("/staff/comments").status_code == 403
    assert client.get(f"/staff/comments/{seeded[0]}").status_code == 403
    with app.app_context():
        with pytest.raises(comments.CommentRefused):
            comments.list_comments(Scope.all_data(allows_comments=False), None,
                                   parse_period("2025-Q3"))


def test_tag_filter_and_statistics(app, seeded):
    with app.app_context():
        period = parse_period("2025-Q3")
        everything = Scope.all_data(allows_editing=True)
        comments.update_comment(everything, None, seeded[0], tags="chờ đợi",
                                reply_note="Đã trả lời", handled=True)
        comments.update_comment(everything, None, seeded[1], tags="thái độ",
                                reply_note="Đã trả lời", handled=True)
        # Handled 30 and 50 hours after the answer's hour: the median is 40 hours.
        for comment_id, hours in ((seeded[0], 30), (seeded[1], 50)):
            db.session.get(Comment, comment_id).handled_at = AT + timedelta(hours=hours)
        db.session.commit()
        page = comments.list_comments(everything, None, period, tag="chờ đợi")
        assert [row.id for row in page.rows] == [seeded[0]]
        assert page.total == 1
        stats = comments.comment_stats(period, everything)
        assert (stats.total, stats.new, stats.handled) == (3, 1, 2)
        assert stats.median_hours_to_handle == pytest.approx(40)
    html = _login(app, "admin").get("/staff/?period=2025-Q3").get_data(as_text=True)
    assert "1,7 ngày" in html  # 40 hours = 1,7 days, with the Vietnamese decimal comma
