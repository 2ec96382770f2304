"""Staff sessions: no secret inside the session cookie, and logging out ends the
session on the server (a copied cookie stops working)."""

import re

import pytest
from seeding import by_code, load_reference

from support import StaffActions, csrf_token_from
from survey_app.models import Sector


@pytest.fixture
def admin(app, runner):
    load_reference(app, runner)
    client = app.test_client()
    actions = StaffActions(app, client)
    actions.create("admin", "admin")
    actions.login("admin")
    return client


def _session_of(app, client) -> dict:
    """What the browser's session cookie says, decoded as anyone holding it can."""
    cookie = client.get_cookie(app.config.get("SESSION_COOKIE_NAME", "session"))
    if cookie is None:
        return {}
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.loads(cookie.value)


def test_a_generated_password_is_shown_in_the_page_never_put_in_the_cookie(app, admin):
    with app.app_context():
        health = by_code(Sector, "y-te").id
    page = admin.get("/staff/users/new").get_data(as_text=True)
    response = admin.post("/staff/users/new", data={
        "csrf_token": csrf_token_from(page), "username": "bsyte", "role": "analyst",
        "sectors": [str(health)]})
    after_post = repr(_session_of(app, admin))  # what the browser now keeps
    if response.status_code == 302:
        response = admin.get(response.headers["Location"])
    body = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    [password] = re.findall(r"Mật khẩu \(chỉ hiển thị lần này\): (\S+)</", body)
    assert password not in after_post
    # and it is the account's password
    other = app.test_client()
    assert StaffActions(app, other).login("bsyte", password).status_code == 302


def test_logging_out_ends_a_copied_session_cookie(app, admin):
    """Row 10: the cookie copied before the logout opens nothing afterwards."""
    assert admin.get("/staff/").status_code == 200
    copied = admin.get_cookie("session").value
    page = admin.get("/staff/account/second-factor").get_data(as_text=True)
    assert admin.post("/staff/logout", data={"csrf_token": csrf_token_from(page)}
                      ).status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/staff/")
    assert response.status_code == 302
    assert "/staff/login" in response.headers["Location"]


def test_other_sessions_survive_one_logout(app, admin):
    other = app.test_client()
    StaffActions(app, other).login("admin")
    page = admin.get("/staff/account/second-factor").get_data(as_text=True)
    admin.post("/staff/logout", data={"csrf_token": csrf_token_from(page)})
    assert other.get("/staff/").status_code == 200


@pytest.mark.parametrize("target", ["/staff%0d%0aX:1", "/staff%0aSet-Cookie:x=1",
                                    "/staff/%09", "/staff\\\\evil.example"])
def test_a_next_with_control_characters_is_dropped_not_a_500(app, runner, target):
    """Row 9: `/staff/login?next=/staff%0d%0aX:1` after a good login was a 500."""
    load_reference(app, runner)
    client = app.test_client()
    actions = StaffActions(app, client)
    actions.create("admin", "admin")
    page = client.get(f"/staff/login?next={target}").get_data(as_text=True)
    response = client.post(f"/staff/login?next={target}", data={
        "username": "admin", "password": StaffActions.PASSWORD,
        "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"
    assert "X" not in response.headers
