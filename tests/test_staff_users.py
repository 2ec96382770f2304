"""User administration: `flask users …` and the admin pages."""

import pytest
from seeding import by_code, load_reference
from sqlalchemy import func, select

from support import StaffActions, csrf_token_from
from survey_app.extensions import db
from survey_app.models import Agency, Sector, StaffUser
from survey_app.services.access import accounts


@pytest.fixture
def loaded(app, runner):
    load_reference(app, runner)
    return runner


def _user(app, username):
    with app.app_context():
        user = db.session.execute(select(StaffUser).where(StaffUser.username == username)
                                  ).scalar_one_or_none()
        if user is None:
            return None
        return user.role, user.active, sorted(
            [s.sector.code for s in user.scopes if s.sector_id]
            + [s.agency.code for s in user.scopes if s.agency_id])


def test_cli_create_prints_a_generated_password_once(app, loaded):
    with app.app_context():
        result = loaded.invoke(args=["users", "create", "yte", "--role", "analyst",
                                     "--sector", "y-te", "--agency", "so-y-te"])
        assert result.exit_code == 0, result.output
        password = result.output.strip().rsplit(": ", 1)[1]
        assert accounts.authenticate("yte", password).role == "analyst"
    assert _user(app, "yte") == ("analyst", True, ["so-y-te", "y-te"])


def test_cli_create_reads_the_password_from_stdin(app, loaded):
    with app.app_context():
        result = loaded.invoke(args=["users", "create", "xa", "--role", "agency", "--agency",
                                     "p-thanh-duc", "--password-stdin"],
                               input=StaffActions.PASSWORD + "\n")
        assert result.exit_code == 0, result.output
        assert StaffActions.PASSWORD not in result.output
        assert accounts.authenticate("xa", StaffActions.PASSWORD)


@pytest.mark.parametrize("args", [
    ["--role", "analyst"],                                   # no scope
    ["--role", "agency", "--sector", "y-te"],                # agency needs one agency
    ["--role", "agency", "--agency", "so-y-te", "--agency", "so-gddt"],
    ["--role", "admin", "--sector", "y-te"],                 # admins need none
    ["--role", "viewer", "--sector", "no-such-sector"],
    ["--role", "boss", "--sector", "y-te"],
])
def test_cli_create_refuses_bad_scopes_and_writes_nothing(app, loaded, args):
    with app.app_context():
        result = loaded.invoke(args=["users", "create", "someone", *args])
    assert result.exit_code == 2
    assert _user(app, "someone") is None


def test_cli_create_normalises_control_characters_in_names(app, loaded):
    with app.app_context():
        accounts_before = db.session.scalar(select(func.count(StaffUser.id)))
        refused = loaded.invoke(args=["users", "create", "nul\x00l", "--role", "admin",
                                      "--password-stdin"], input=StaffActions.PASSWORD + "\n")
        assert refused.exit_code == 2
        assert "null or broken character" in refused.output
        assert db.session.scalar(select(func.count(StaffUser.id))) == accounts_before
        created = loaded.invoke(args=["users", "create", "lan\x1b[31m", "--role", "admin",
                                      "--name", "Nguyễn\u2028Thị Lan\x07",
                                      "--password-stdin"], input=StaffActions.PASSWORD + "\n")
        assert created.exit_code == 0, created.output
        user = accounts.authenticate("lan[31m", StaffActions.PASSWORD)
        assert user.display_name == "NguyễnThị Lan"


def test_cli_set_scope_and_disable(app, loaded):
    with app.app_context():
        StaffActions(app, app.test_client()).create("admin", "admin")
        assert loaded.invoke(args=["users", "create", "a", "--role", "viewer", "--sector",
                                   "y-te"]).exit_code == 0
        result = loaded.invoke(args=["users", "set-scope", "a", "--role", "analyst",
                                     "--sector", "giao-duc"])
        assert result.exit_code == 0, result.output
    assert _user(app, "a") == ("analyst", True, ["giao-duc"])
    with app.app_context():
        assert loaded.invoke(args=["users", "disable", "a"]).exit_code == 0
        # The last active admin stays: nobody could manage accounts otherwise.
        result = loaded.invoke(args=["users", "disable", "admin"])
        assert result.exit_code == 2
    assert _user(app, "a")[1] is False
    assert _user(app, "admin")[1] is True
    with app.app_context():
        listing = loaded.invoke(args=["users", "list"]).output
    assert "a\tanalyst\tdisabled\tgiao-duc" in listing


def test_disabling_ends_open_sessions(app, loaded):
    staff = StaffActions(app, app.test_client())
    staff.create("admin", "admin")
    staff.create("v", "viewer")
    client = app.test_client()
    StaffActions(app, client).login("v")
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        assert loaded.invoke(args=["users", "disable", "v"]).exit_code == 0
    assert client.get("/staff/").status_code == 302


def test_admin_creates_and_edits_an_account_in_the_browser(app, loaded):
    StaffActions(app, app.test_client()).create("admin", "admin")
    client = app.test_client()
    StaffActions(app, client).login("admin")
    with app.app_context():
        health = by_code(Sector, "y-te").id
        commune = by_code(Agency, "p-thanh-duc").id
    page = client.get("/staff/users/new").get_data(as_text=True)
    response = client.post("/staff/users/new", data={
        "csrf_token": csrf_token_from(page), "username": "bsyte", "role": "analyst",
        "sectors": [str(health)]}, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert "Mật khẩu (chỉ hiển thị lần này)" in body
    assert _user(app, "bsyte") == ("analyst", True, ["y-te"])
    # A bad combination is refused with a reason, and nothing changes.
    with app.app_context():
        user_id = db.session.execute(select(StaffUser.id).where(StaffUser.username == "bsyte")
                                     ).scalar()
    page = client.get(f"/staff/users/{user_id}").get_data(as_text=True)
    response = client.post(f"/staff/users/{user_id}", data={
        "csrf_token": csrf_token_from(page), "role": "agency",
        "sectors": [str(health)], "agencies": [str(commune)]})
    assert "Tài khoản cơ quan cần đúng một cơ quan" in response.get_data(as_text=True)
    assert _user(app, "bsyte") == ("analyst", True, ["y-te"])
    response = client.post(f"/staff/users/{user_id}", data={
        "csrf_token": csrf_token_from(page), "role": "agency", "agencies": [str(commune)]})
    assert response.status_code == 302
    assert _user(app, "bsyte") == ("agency", True, ["p-thanh-duc"])
    response = client.post(f"/staff/users/{user_id}/active",
                           data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    assert _user(app, "bsyte")[1] is False
    with app.app_context():
        count = db.session.execute(select(func.count()).select_from(StaffUser)).scalar()
    assert count == 2
