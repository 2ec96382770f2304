"""Feedback cases: which comments are cases, deadlines in working days, every state with
its history, owners in service, filters and counts that match the list."""

from datetime import UTC, date, datetime

import pytest
from seeding import add_responses, by_code, load_reference
from sqlalchemy import select

from support import StaffActions, csrf_token_from
from survey_app.errors import describe
from survey_app.extensions import db
from survey_app.models import Agency, AuditLog, CaseEvent, Comment, FeedbackCase, StaffScope
from survey_app.services.access.scope import Scope
from survey_app.services.feedback import calendar, cases, listing
from survey_app.services.reporting.periods import parse_period
from survey_app.services.responses import comments

AT = datetime(2025, 8, 1, 3, tzinfo=UTC)  # Friday 01/08/2025, 10:00 in Vĩnh Long
LATE_AUGUST = datetime(2025, 8, 29, 3, tzinfo=UTC)  # Friday before the 1–2/9 holidays


@pytest.mark.parametrize(("start", "days", "expected"), [
    # Counted by hand on a calendar: weekends and Vietnamese public holidays skipped.
    (date(2025, 8, 1), 10, date(2025, 8, 15)),
    (date(2025, 8, 29), 10, date(2025, 9, 16)),  # 1/9 and 2/9 (National Day) skipped
    (date(2026, 2, 13), 1, date(2026, 2, 23)),  # Tết: 16–20/02/2026 skipped
    (date(2026, 4, 29), 1, date(2026, 5, 4)),  # 30/4 and 1/5
])
def test_working_days_skip_weekends_and_vietnamese_holidays(start, days, expected):
    assert calendar.add_working_days(start, days) == expected
    assert calendar.working_days_between(start, expected) == days


@pytest.fixture
def seeded(app, runner):
    load_reference(app, runner)
    with app.app_context():
        low = add_responses(2, scores=[1, 2], agency="p-thanh-duc", sector="ho-tich", at=AT,
                            comments=["Chờ lâu quá", "Không ai hướng dẫn"])
        late = add_responses(1, scores=[2], agency="p-thanh-duc", sector="dat-dai",
                             at=LATE_AUGUST, comments=["Hồ sơ trả chậm"])
        good = add_responses(2, scores=[5], agency="p-thanh-duc", sector="ho-tich", at=AT,
                             comments=["Cán bộ nhiệt tình", "Nên có thêm ghế"])
        db.session.commit()
        staff = StaffActions(app, app.test_client())
        staff.create("admin", "admin")
        staff.create("commune", "agency",
                     [StaffScope(agency_id=by_code(Agency, "p-thanh-duc").id)])
        staff.create("viewer", "viewer", [StaffScope(agency_id=by_code(Agency, "p-thanh-duc").id)])
        ids = [r.comments[0].id for r in low + late + good]
        return dict(zip(("low1", "low2", "late", "praise", "idea"), ids, strict=True))


def _login(app, username):
    client = app.test_client()
    StaffActions(app, client).login(username)
    return client


def _case_of(comment_id):
    return db.session.execute(
        select(FeedbackCase).where(FeedbackCase.comment_id == comment_id)).scalar()


def test_low_scores_and_tags_open_cases_and_praise_is_kept_apart(app, seeded):
    with app.app_context():
        assert cases.open_cases() == 3
        assert cases.open_cases() == 0  # never twice
        everything = Scope.all_data(allows_editing=True)
        comments.update_comment(everything, None, seeded["idea"], tags="đề xuất")
        comments.update_comment(everything, None, seeded["praise"], tags="khen")
        idea, praise = _case_of(seeded["idea"]), _case_of(seeded["praise"])
        assert (idea.kind, idea.state) == ("proposal", "new")
        assert praise is None
        low = _case_of(seeded["low1"])
        assert (low.kind, low.opened_on, low.deadline) == (
            "low_score", date(2025, 8, 1), date(2025, 8, 15))
        assert _case_of(seeded["late"]).deadline == date(2025, 9, 16)


def _act(client, case_id, action, **data):
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    return client.post(f"/staff/cases/{case_id}", data={
        "csrf_token": csrf_token_from(page), "action": action, **data})


def test_a_case_goes_through_every_state_with_its_full_history(app, seeded):
    client = _login(app, "commune")
    assert client.get("/staff/cases?period=2025-Q3").status_code == 200
    with app.app_context():
        case_id = _case_of(seeded["low1"]).id
        owner = by_code(Agency, "p-thanh-duc").id
    steps = [("assign", {"agency": str(owner)}, "assigned"),
             ("start", {}, "in_progress"),
             ("note", {"text": "Đã gọi điện cho bộ phận một cửa."}, "in_progress"),
             ("answer", {"text": "Phường đã bố trí thêm một cán bộ tiếp nhận."}, "answered"),
             ("close", {}, "closed"),
             ("reopen", {"text": "Công dân phản hồi chưa thỏa đáng."}, "in_progress"),
             ("answer", {"text": "Đã bổ sung quầy hướng dẫn."}, "answered"),
             ("close", {}, "closed")]
    for action, data, state in steps:
        response = _act(client, case_id, action, **data)
        assert response.status_code == 302, (action, response.get_data(as_text=True)[:300])
        with app.app_context():
            assert db.session.get(FeedbackCase, case_id).state == state
    with app.app_context():
        events = list(db.session.execute(
            select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
        ).scalars())
        history = [(e.action, e.old_value, e.new_value) for e in events if e.action == "state"]
        assert history == [("state", "new", "assigned"), ("state", "assigned", "in_progress"),
                           ("state", "in_progress", "answered"), ("state", "answered", "closed"),
                           ("state", "closed", "in_progress"),
                           ("state", "in_progress", "answered"), ("state", "answered", "closed")]
        texts = [e.text for e in events if e.text]
        assert texts == ["Đã gọi điện cho bộ phận một cửa.",
                         "Phường đã bố trí thêm một cán bộ tiếp nhận.",
                         "Công dân phản hồi chưa thỏa đáng.", "Đã bổ sung quầy hướng dẫn."]
        assert all(e.user_id is not None for e in events if e.action != "opened")
        audited = list(db.session.execute(
            select(AuditLog).where(AuditLog.action == "case.state").order_by(AuditLog.id)
        ).scalars())
        assert [(a.detail["old"], a.detail["new"]) for a in audited] == [h[1:] for h in history]
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    assert "Đã bổ sung quầy hướng dẫn." in page
    assert "Phường đã bố trí" in page
    assert "Đang xử lý → Đã trả lời" in page


@pytest.mark.parametrize(("action", "data", "message"), [
    ("answer", {}, "trạng thái hiện tại"),  # a new case is not yet in progress
    ("note", {}, "Hãy viết ghi chú"),
    ("assign", {"agency": "h-long-ho"}, "cơ quan đang hoạt động"),
    ("assign", {"agency": "so-noi-vu"}, "cơ quan đang hoạt động"),  # outside the commune
])
def test_refused_changes_change_nothing(app, seeded, action, data, message):
    client = _login(app, "commune")
    client.get("/staff/cases?period=2025-Q3")
    with app.app_context():
        case_id = _case_of(seeded["low2"]).id
        if "agency" in data:
            data = {"agency": str(by_code(Agency, data["agency"]).id)}
    response = _act(client, case_id, action, **data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        case = db.session.get(FeedbackCase, case_id)
        assert (case.state, len(case.events)) == ("new", 1)


def test_home_affairs_reassigns_across_the_province(app, seeded):
    client = _login(app, "admin")
    client.get("/staff/cases?period=2025-Q3")
    with app.app_context():
        case_id = _case_of(seeded["low2"]).id
        department = by_code(Agency, "so-noi-vu").id
    assert _act(client, case_id, "assign", agency=str(department)).status_code == 302
    with app.app_context():
        case = db.session.get(FeedbackCase, case_id)
        assert (case.agency_id, case.state) == (department, "assigned")
    # The commune still sees the case (its response) but may no longer change it.
    assert _login(app, "commune").get(f"/staff/cases/{case_id}").status_code == 200
    assert _act(_login(app, "commune"), case_id, "start").status_code == 403


def test_filters_and_counts_match_the_list(app, seeded):
    with app.app_context():
        cases.open_cases()
        everything = Scope.all_data(allows_editing=True)
        first = _case_of(seeded["low1"]).id
        for action in ("assign", "start"):
            cases.change_case(everything, None, first, action,
                              agency_id=by_code(Agency, "p-thanh-duc").id)
        cases.change_case(everything, None, first, "answer", text="Đã trả lời")
        period = parse_period("2025-Q3")
        counts = listing.case_counts(everything, listing.CaseFilters(period=period))
        assert (counts["total"], counts["new"], counts["answered"]) == (3, 2, 1)
        # Today is long past the deadlines: the two open cases are overdue, the answered not.
        assert counts["overdue"] == 2
        variants = [{"state": "new"}, {"state": "answered"}, {"overdue": True}, {"score": 1},
                    {"sector_id": by_code_id("dat-dai")}, {"kind": "low_score"}]
        for variant in variants:
            filters = listing.CaseFilters(period=period, **variant)
            page = listing.list_cases(everything, None, filters)
            assert page.total == len(page.rows) == listing.case_counts(
                everything, filters)["total"], variant
        late_answer = listing.list_cases(everything, None, listing.CaseFilters(
            period=period, state="answered")).rows[0]
        assert late_answer.late
        assert not late_answer.overdue
    html = _login(app, "admin").get("/staff/cases?period=2025-Q3&overdue=1").get_data(
        as_text=True)
    assert "Chờ lâu quá" not in html
    assert "Không ai hướng dẫn" in html
    dashboard = _login(app, "viewer").get("/staff/?period=2025-Q3").get_data(as_text=True)
    assert "3 trường hợp" in dashboard
    assert "2 quá hạn" in dashboard


def by_code_id(code):
    from survey_app.models import Sector
    return by_code(Sector, code).id


def test_viewers_and_bad_filters(app, seeded):
    viewer = _login(app, "viewer")
    assert viewer.get("/staff/cases").status_code == 403
    admin = _login(app, "admin")
    assert admin.get("/staff/cases?state=lost").status_code == 400
    assert admin.get("/staff/cases?score=9").status_code == 400
    assert admin.get("/staff/cases/99999").status_code == 404
    with app.app_context():
        assert db.session.get(Comment, seeded["praise"]).status == "new"


def test_the_retention_purge_empties_the_thread_and_ends_the_reply_link(app, seeded):
    from datetime import timedelta

    from survey_app.services.responses import retention
    with app.app_context():
        cases.open_cases()
        everything = Scope.all_data(allows_editing=True)
        case_id = _case_of(seeded["low1"]).id
        cases.change_case(everything, None, case_id, "note", text="Công dân tên Lan gọi lại")
        db.session.get(FeedbackCase, case_id).reply_token_sha256 = "x" * 64
        db.session.commit()
        retention.purge(timedelta(days=365), now=AT + timedelta(days=400))
        db.session.expire_all()
        case = db.session.get(FeedbackCase, case_id)
        assert [e.text for e in case.events] == [None, None]
        assert [e.action for e in case.events] == ["opened", "note"]  # the history stays
        assert case.reply_token_sha256 is None


def test_agency_staff_handle_their_own_cases_and_home_affairs_sees_all(app, seeded):
    with app.app_context():
        (other,) = add_responses(1, scores=[1], agency="p-long-chau", sector="ho-tich", at=AT,
                                 comments=["Phường khác: chờ lâu"])
        db.session.commit()
        cases.open_cases()
        other_case = _case_of(other.comments[0].id).id
    commune = _login(app, "commune")
    listed = commune.get("/staff/cases?period=2025-Q3").get_data(as_text=True)
    assert "Chờ lâu quá" in listed
    assert "Phường khác" not in listed
    assert commune.get(f"/staff/cases/{other_case}").status_code == 404
    refused = commune.post(f"/staff/cases/{other_case}", data={
        "csrf_token": csrf_token_from(listed), "action": "assign", "agency": "1"})
    assert refused.status_code == 404
    admin = _login(app, "admin")
    overdue = admin.get("/staff/cases?period=2025-Q3&overdue=1").get_data(as_text=True)
    assert "Phường khác" in overdue
    assert "Chờ lâu quá" in overdue


def test_a_case_is_not_marked_handled_from_the_comment_page(app, seeded):
    with app.test_request_context():
        cases.open_cases()
        with pytest.raises(comments.CommentInvalid) as refused:
            comments.update_comment(Scope.all_data(allows_editing=True), None, seeded["low1"],
                                    reply_note="Đã xử lý", handled=True)
        assert "trang của trường hợp" in describe(refused.value, "vi")
        assert db.session.get(Comment, seeded["low1"]).status == "new"
    page = _login(app, "commune").get(f"/staff/comments/{seeded['low1']}").get_data(
        as_text=True)
    assert 'name="handled"' not in page
    assert "/staff/cases/" in page
