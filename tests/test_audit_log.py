"""The audit log: append-only in the database and the app; logins, exports, user and case
changes recorded with old and new values; the admin's audit page and its filters."""

import pytest
from seeding import add_responses, load_reference
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from support import StaffActions, csrf_token_from
from survey_app.extensions import db
from survey_app.models import AuditLog, StaffUser
from survey_app.models.append_only import AppendOnly
from survey_app.services.access import audit
from survey_app.services.access.scope import Scope
from survey_app.services.responses import comments


def _actions(app, prefix=""):
    with app.app_context():
        return [(row.user_id, row.action, row.detail) for row in db.session.execute(
            select(AuditLog).where(AuditLog.action.startswith(prefix)).order_by(AuditLog.id)
        ).scalars()]


def test_an_audit_row_cannot_be_changed_or_deleted(app_context):
    row = audit.record(None, "export.pdf", period="2025-Q3")
    row.action = "nothing happened"
    with pytest.raises(AppendOnly):
        db.session.commit()
    db.session.rollback()
    db.session.delete(db.session.get(AuditLog, row.id))
    with pytest.raises(AppendOnly):
        db.session.commit()
    db.session.rollback()
    # Plain SQL (a script, a console) is refused by the database's own triggers.
    for statement in ("UPDATE audit_log SET action = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DatabaseError, match="append-only"):
            db.session.execute(text(statement))
        db.session.rollback()
    (stored,) = db.session.execute(select(AuditLog)).scalars()
    assert (stored.action, stored.detail) == ("export.pdf", {"period": "2025-Q3"})


def test_logins_refusals_and_logouts_are_recorded(app):
    staff = StaffActions(app, app.test_client())
    user_id = staff.create("admin", "admin")
    client = app.test_client()
    StaffActions(app, client).login("admin", "wrong password here")
    StaffActions(app, client).login("nobody-here")
    StaffActions(app, client).login("admin")
    page = client.get("/staff/").get_data(as_text=True)
    client.post("/staff/logout", data={"csrf_token": csrf_token_from(page)})
    found = [(u, a, d) for u, a, d in _actions(app) if a.startswith(("login", "logout"))]
    assert found == [(user_id, "login.refused", {"reason": "password"}),
                     (None, "login.refused", {"reason": "unknown or disabled account"}),
                     (user_id, "login.password", {}),
                     (user_id, "login", {"second_factor": False}),
                     (user_id, "logout", {})]
    assert "nobody-here" not in str(found)


def test_exports_and_user_changes_are_recorded_with_old_and_new(app, runner):
    load_reference(app, runner)
    staff = StaffActions(app, app.test_client())
    admin_id = staff.create("admin", "admin")
    client = app.test_client()
    StaffActions(app, client).login("admin")
    assert client.get("/staff/reports/csv?period=2025-Q3").status_code == 200
    page = client.get("/staff/users/new").get_data(as_text=True)
    client.post("/staff/users/new", data={
        "csrf_token": csrf_token_from(page), "username": "analyst1", "role": "analyst",
        "display_name": "Analyst", "password": "", "sectors": ["1"]})
    with app.app_context():
        new_id = db.session.execute(
            select(StaffUser.id).where(StaffUser.username == "analyst1")).scalar()
    page = client.get(f"/staff/users/{new_id}").get_data(as_text=True)
    client.post(f"/staff/users/{new_id}/active", data={"csrf_token": csrf_token_from(page)})
    assert [a for _, a, _ in _actions(app, "export")] == ["export.csv"]
    created, disabled = _actions(app, "users")
    assert created == (admin_id, "users.create",
                       {"account": new_id, "new": {"role": "analyst", "sectors": [1],
                                                   "agencies": []}})
    assert disabled == (admin_id, "users.active", {"account": new_id, "old": True, "new": False})


def test_comment_changes_keep_old_and_new_values(app, runner):
    load_reference(app, runner)
    with app.app_context():
        (response,) = add_responses(1, scores=[4], agency="p-thanh-duc", comments=["Tốt"])
        comment_id = response.comments[0].id
        comments.update_comment(Scope.all_data(allows_editing=True), None, comment_id,
                                tags="thái độ", reply_note="Cảm ơn Ông/Bà", handled=True)
    ((_, _, detail),) = _actions(app, "comments.update")
    assert detail["old"] == {"tags": [], "status": "new"}
    assert detail["new"] == {"tags": ["thái độ"], "status": "handled"}
    assert "Cảm ơn" not in str(detail)


def test_the_audit_page_lists_and_filters_for_admins_only(app, runner):
    load_reference(app, runner)
    staff = StaffActions(app, app.test_client())
    staff.create("admin", "admin")
    staff.create("reader", "viewer")
    admin = app.test_client()
    StaffActions(app, admin).login("admin")
    admin.get("/staff/reports/csv?period=2025-Q3")
    logins = admin.get("/staff/audit?family=login").get_data(as_text=True)
    assert "login.password" in logins
    assert "export.csv" not in logins
    assert "export.csv" in admin.get("/staff/audit").get_data(as_text=True)
    assert "Nhật ký truy cập" in logins
    assert admin.get("/staff/audit?from=2025-13-01").status_code == 400
    assert admin.get("/staff/audit?family=everything").status_code == 400
    assert "export.csv" not in admin.get("/staff/audit?to=2020-01-01").get_data(as_text=True)
    reader = app.test_client()
    StaffActions(app, reader).login("reader")
    assert reader.get("/staff/audit").status_code == 403
