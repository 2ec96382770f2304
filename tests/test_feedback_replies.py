"""The citizen's reply link: created only with consent to contact, no contact detail in it,
shows the answer, takes one rating that the counts include, then stops working."""

import re

from seeding import add_responses, load_reference
from sqlalchemy import select

from support import StaffActions, csrf_token_from
from survey_app.extensions import db
from survey_app.models import AuditLog, CaseEvent, FeedbackCase
from survey_app.services.access.scope import Scope
from survey_app.services.feedback import cases, listing
from survey_app.services.reporting.periods import parse_period

PHONE, EMAIL = "0909123456", "ba.lan@example.org"
ANSWER = "Phường đã bố trí thêm cán bộ tiếp nhận hồ sơ vào buổi sáng."


def _seed(app, runner):
    load_reference(app, runner)
    with app.app_context():
        rows = add_responses(2, scores=[1], agency="p-thanh-duc", sector="ho-tich",
                             comments=["Chờ quá lâu", "Không ai hướng dẫn"])
        consenting = rows[0].comments[0]
        consenting.contact_consent, consenting.contact_phone = True, PHONE
        consenting.contact_email = EMAIL
        rows[1].comments[0].contact_phone = "0911000000"  # given without consent
        db.session.commit()
        cases.open_cases()
        everything = Scope.all_data(allows_editing=True)
        ids = []
        for comment in (consenting, rows[1].comments[0]):
            case_id = listing.case_for_comment(comment.id)
            for action in ("assign", "start"):
                cases.change_case(everything, None, case_id, action,
                                  agency_id=db.session.get(FeedbackCase, case_id).agency_id)
            cases.change_case(everything, None, case_id, "answer", text=ANSWER)
            ids.append(case_id)
    StaffActions(app, app.test_client()).create("admin", "admin")
    client = app.test_client()
    StaffActions(app, client).login("admin")
    return client, ids


def _post(client, case_id, action):
    page = client.get(f"/staff/cases/{case_id}").get_data(as_text=True)
    return client.post(f"/staff/cases/{case_id}", data={
        "csrf_token": csrf_token_from(page), "action": action}, follow_redirects=True)


def test_a_reply_reaches_the_citizen_and_the_rating_is_counted(app, runner):
    staff, (case_id, _other) = _seed(app, runner)
    shown = _post(staff, case_id, "reply_link").get_data(as_text=True)
    (link,) = re.findall(r"https?://[^\s<\"]+/r/[\w-]+", shown)
    path = link.split("://", 1)[1].split("/", 1)[1]
    token = path.rsplit("/", 1)[1]
    assert len(token) == 22
    for private in (PHONE, EMAIL, "ba.lan", str(case_id)):
        assert private not in path.replace(token, "")
    with app.app_context():
        stored = db.session.get(FeedbackCase, case_id)
        assert stored.reply_token_sha256 != token  # only the hash is kept
        assert token not in str(db.session.execute(select(AuditLog.detail)).scalars().all())
    citizen = app.test_client()
    page = citizen.get(f"/{path}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert ANSWER in html
    assert PHONE not in html
    assert "Ông/Bà có hài lòng" in html
    assert "csrf_token" not in html  # no session-bound token: no cookie needed
    assert "Set-Cookie" not in page.headers
    elsewhere = citizen.post(f"/{path}", data={"rating": "satisfied"},
                             headers={"Sec-Fetch-Site": "cross-site"})
    assert elsewhere.status_code == 403  # a post from another site
    missing = citizen.post(f"/{path}", data={})
    assert missing.status_code == 400
    # A browser that refuses cookies (a fresh client, never given one) can rate.
    done = app.test_client().post(f"/{path}", data={"rating": "unsatisfied"},
                                  headers={"Sec-Fetch-Site": "same-origin"})
    assert done.status_code == 200
    assert "Đã nhận đánh giá" in done.get_data(as_text=True)
    # Single use: the link no longer opens, nor takes a second rating.
    assert citizen.get(f"/{path}").status_code == 404
    again = citizen.post(f"/{path}", data={"rating": "satisfied"})
    assert again.status_code == 404
    with app.app_context():
        stored = db.session.get(FeedbackCase, case_id)
        assert stored.rating == "unsatisfied"
        (event,) = [e for e in stored.events if e.action == "rating"]
        assert (event.user_id, event.new_value) == (None, "unsatisfied")
        counts = listing.case_counts(Scope.all_data(), listing.CaseFilters(
            period=parse_period("2025-Q3")))
        assert (counts["unsatisfied"], counts["satisfied"]) == (1, 0)
    assert "0 hài lòng, 1 không hài lòng" in staff.get("/staff/?period=2025-Q3").get_data(
        as_text=True)


def test_no_link_without_consent_or_before_the_answer(app, runner):
    staff, (_case_id, without_consent) = _seed(app, runner)
    html = staff.get(f"/staff/cases/{without_consent}").get_data(as_text=True)
    assert "Tạo đường dẫn trả lời" not in html
    refused = _post(staff, without_consent, "reply_link").get_data(as_text=True)
    assert "không để lại thông tin liên hệ" in refused
    with app.app_context():
        assert db.session.get(FeedbackCase, without_consent).reply_token_sha256 is None
        assert not db.session.execute(select(CaseEvent).where(
            CaseEvent.action == "reply_link")).first()
    assert app.test_client().get("/r/not-a-real-token-at-all").status_code == 404
