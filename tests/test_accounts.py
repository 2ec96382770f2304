"""Staff accounts: first admin, login, lockout, and the staff area locked by default."""

import pytest
from sqlalchemy import select

from support import StaffActions
from survey_app.extensions import db
from survey_app.models import LoginFailure, StaffUser
from survey_app.services.access import accounts


def test_ensure_admin_generates_a_password_once(app_context, runner, monkeypatch):
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)
    first = runner.invoke(args=["users", "ensure-admin"])
    assert first.exit_code == 0
    password = first.output.strip().rsplit(": ", 1)[1]
    assert accounts.authenticate("admin", password).role == "admin"
    second = runner.invoke(args=["users", "ensure-admin"])
    assert "exists already" in second.output
    assert password not in second.output


def test_password_is_stored_hashed(app_context):
    user = accounts.create_user("hoa", StaffActions.PASSWORD, "viewer")
    assert StaffActions.PASSWORD not in user.password_hash
    assert user.password_hash.startswith("scrypt:")


@pytest.mark.parametrize(("password", "message"), [
    ("short", "at least 12"), ("aaaaaaaaaaaaaaaa", "repetitive"),
])
def test_weak_passwords_are_refused(app_context, password, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.create_user("weak", password, "viewer")


def test_staff_area_requires_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_login_and_logout(staff, client):
    staff.create()
    response = staff.login()
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_login_form_without_csrf_token_is_refused(staff, client):
    staff.create()
    response = client.post("/staff/login", data={"username": "admin",
                                                 "password": StaffActions.PASSWORD})
    assert response.status_code == 400
    assert client.get("/staff/").status_code == 302


def test_repeated_failures_lock_the_account(staff, app):
    user_id = staff.create()
    for _ in range(accounts.MAX_FAILED_LOGINS):
        response = staff.login(password="wrong password!")
        assert "Sai tên đăng nhập" in response.get_data(as_text=True)
    # Even the right password is refused while the lockout lasts.
    staff.login()
    assert staff.client.get("/staff/").status_code == 302
    with app.app_context():
        held = db.session.execute(select(LoginFailure).where(LoginFailure.user_id == user_id)
                                  ).scalar_one()
        assert held.locked_until is not None


def test_bumping_session_version_logs_out_everywhere(staff, client, app):
    user_id = staff.create()
    staff.login()
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        db.session.get(StaffUser, user_id).session_version += 1
        db.session.commit()
    assert client.get("/staff/").status_code == 302


def test_ensure_admin_refuses_a_weak_admin_password_clearly(app_context, runner, monkeypatch):
    monkeypatch.setenv("ADMIN_PASSWORD", "admin")
    result = runner.invoke(args=["users", "ensure-admin"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ")
    assert "Traceback" not in result.output
