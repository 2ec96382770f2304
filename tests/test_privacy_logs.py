"""No personal data in logs: a full run with a planted phone number and e-mail.

Every logger is captured at DEBUG (the root logger and everything below it:
Flask, Werkzeug, SQLAlchemy's SQL log, Flask-Limiter …) while a citizen answers
with a comment and consented contact details, a one-stop system issues a link
through the API and the citizen answers it, an error is provoked, and staff read
the comment list, the comment and export the reports. Then no log line may hold
the phone number, the e-mail, the comment, the transaction token or the API key.
"""

from __future__ import annotations

import io
import logging
import re

import pytest
from sqlalchemy import select

from support import StaffActions, csrf_token_from
from survey_app.extensions import db
from survey_app.models import Comment
from survey_app.services.access import api_keys

PHONE = "0987 654 321"
EMAIL = "tran.thi.planted@example.vn"
COMMENT = f"Chờ quá lâu, xin gọi lại {PHONE} hoặc {EMAIL} – mã riêng XKQ-PLANTED"
SUBMISSION_ID = re.compile(
    r'name="submission_id"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="submission_id"')


@pytest.fixture
def all_logs():
    """Every record of every logger, formatted with its arguments, at DEBUG."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Loggers that stop propagating are opened up; levels the app sets stay (that is
    # what a root logger at DEBUG meets in production).
    touched = []
    for name in list(logging.root.manager.loggerDict) + ["werkzeug", "flask_limiter",
                                                          "survey_app"]:
        logger = logging.getLogger(name)
        touched.append((logger, logger.level, logger.propagate, logger.disabled))
        # Every level opened up, except the SQL logger the app keeps at WARNING on
        # purpose (its DEBUG logs result rows; test_sql_logs_stay_quiet checks the pin).
        if not name.startswith("sqlalchemy.engine"):
            logger.setLevel(logging.DEBUG)
        # dictConfig (gunicorn's, another test's) disables existing loggers by default.
        logger.propagate, logger.disabled = True, False
    previous_disable = logging.root.manager.disable
    logging.disable(logging.NOTSET)
    yield stream
    logging.disable(previous_disable)
    root.removeHandler(handler)
    root.setLevel(old_level)
    for logger, level, propagate, disabled in touched:
        logger.setLevel(level)
        logger.propagate, logger.disabled = propagate, disabled


def _form(client, path):
    page = client.get(path)
    html = page.get_data(as_text=True)
    match = SUBMISSION_ID.search(html)
    return {"csrf_token": csrf_token_from(html), "submission_id": match.group(1) or match.group(2)}


def test_a_full_run_logs_no_personal_data_and_no_secret(reference_data, extra_app, all_logs):
    key, _ = api_keys.create("ttphc-tinh", "log scan")
    # A second app object: its requests get their own app context (as in production).
    web = extra_app()
    citizen = web.test_client()

    # 1. The open QR, with a comment and consented contact details.
    answers = {**_form(citizen, "/c/ttphc-dat-dai"), "q_overall": "2", "q_comment": COMMENT,
               "contact_consent": "y", "contact_name": "Trần Thị Planted",
               "contact_phone": PHONE, "contact_email": EMAIL}
    assert citizen.post("/c/ttphc-dat-dai", data=answers).status_code == 302
    # The same form sent again (a double tap) and once more without its CSRF token.
    citizen.post("/c/ttphc-dat-dai", data=answers)
    citizen.post("/c/ttphc-dat-dai", data={**answers, "csrf_token": "forged"})

    # 2. The API issues a transaction link; its QR; the citizen answers it.
    api = web.test_client()
    auth = {"Authorization": f"Bearer {key}"}
    issued = api.post("/api/v1/invitations", json={"counter": "ttphc-dat-dai",
                                                   "dossier": "000.00.12.H62-PLANTED"},
                      headers=auth).get_json()
    token = issued["token"]
    assert api.get(f"/api/v1/invitations/{token}/qr.svg", headers=auth).status_code == 200
    api.post("/api/v1/invitations", json={"counter": PHONE}, headers=auth)  # a 422
    api.post("/api/v1/invitations", data="{not json " + EMAIL, headers=auth,
             content_type="application/json")  # a 400
    other = web.test_client()
    link = f"/t/{token}"
    assert other.post(link, data={**_form(other, link), "q_overall": "5",
                                  "q_comment": COMMENT}).status_code == 302
    other.get(link)  # the used link's page

    # 3. Staff: log in, the dashboard, the comments, one comment, the exports.
    staff = StaffActions(web, web.test_client())
    staff.create("log.admin")
    staff.login("log.admin")
    staff.login("log.admin", password=PHONE)  # a failed login with the phone as password
    assert staff.client.get("/staff/").status_code == 200
    listing = staff.client.get("/staff/comments?period=" + _this_quarter())
    assert listing.status_code == 200
    comment_id = db.session.execute(select(Comment.id).limit(1)).scalar_one()
    detail = staff.client.get(f"/staff/comments/{comment_id}")
    assert PHONE in detail.get_data(as_text=True)  # staff in scope do see it…
    for fmt in ("csv", "xlsx"):
        assert staff.client.get(f"/staff/reports/{fmt}?period=" + _this_quarter()
                                ).status_code == 200

    logged = all_logs.getvalue()
    assert "survey_app DEBUG app created" in logged  # the capture saw DEBUG records
    for secret in (PHONE, PHONE.replace(" ", ""), EMAIL, "XKQ-PLANTED", "H62-PLANTED",
                   "Trần Thị Planted", token, key, key[len("svk_"):]):
        assert secret not in logged, f"{secret!r} appears in the logs"


def _this_quarter() -> str:
    from survey_app.services.reporting.periods import current_quarter

    return current_quarter().code


def test_sql_logs_stay_quiet_unless_asked_for(extra_app):
    extra_app()
    assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() >= logging.WARNING
