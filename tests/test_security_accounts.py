"""Staff account takeover: throttling, lockout, session rotation and limits, logging out
everywhere, password strength, and the TOTP second factor (RFC 6238)."""

from __future__ import annotations

import base64
import time
from datetime import timedelta
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from sqlalchemy import select

from support import StaffActions, csrf_token_from
from survey_app.extensions import db
from survey_app.models import AuditLog, LoginFailure, StaffUser, utcnow
from survey_app.services.access import accounts, totp
from survey_app.staff.auth import LOGIN_AT

# RFC 6238, appendix B: the SHA-1 secret is the ASCII string "12345678901234567890".
RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()
RFC_VECTORS = [(59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
               (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130")]


@pytest.mark.parametrize(("moment", "code"), RFC_VECTORS)
def test_totp_matches_the_rfc_6238_test_vectors(moment, code):
    assert totp.code_at(RFC_SECRET, moment, digits=8) == code


def test_totp_accepts_one_step_of_drift_and_nothing_more():
    secret = totp.new_secret()
    now = 1_750_000_000
    for offset, accepted in [(-60, False), (-30, True), (0, True), (30, True), (60, False)]:
        code = totp.code_at(secret, now + offset)
        found = totp.matching_step(secret, code, now)
        # A 6-digit code of another step collides with one in the window 3 in 10^6 times.
        assert (found is not None) is accepted, offset
    assert totp.matching_step(secret, "12345", now) is None
    assert totp.matching_step(secret, "abcdef", now) is None


def test_provisioning_uri_is_what_authenticator_apps_read():
    secret = totp.new_secret()
    uri = urlparse(totp.provisioning_uri(secret, "nguyen.van.a"))
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == "/Khao sat hai long Vinh Long:nguyen.van.a"
    query = parse_qs(uri.query)
    assert query["secret"] == [secret]
    assert (query["digits"], query["period"], query["algorithm"]) == (["6"], ["30"], ["SHA1"])
    assert len(base64.b32decode(secret + "=" * (-len(secret) % 8))) == 20


def _enrol(app, user_id) -> str:
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        secret = totp.new_secret()
        totp.enrol(user, secret, totp.code_at(secret, time.time()))
        return secret


def _code_page(client, code):
    page = client.get("/staff/login/code")
    return client.post("/staff/login/code", data={
        "code": code, "csrf_token": csrf_token_from(page.get_data(as_text=True))})


def test_login_with_a_second_factor_needs_the_code(staff, app, client):
    user_id = staff.create("ba.admin")
    secret = _enrol(app, user_id)
    response = staff.login("ba.admin")
    assert response.headers["Location"].endswith("/staff/login/code")
    assert client.get("/staff/").status_code == 302  # a right password alone opens nothing
    wrong = _code_page(client, "000000" if totp.code_at(secret, time.time()) != "000000"
                       else "111111")
    assert "Mã này không đúng" in wrong.get_data(as_text=True)
    # The enrolment code's step is spent; the next step's code is within the drift window.
    response = _code_page(client, totp.code_at(secret, time.time() + 30))
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 200


def test_a_code_is_never_accepted_twice(staff, app, client):
    user_id = staff.create("ba.admin")
    secret = _enrol(app, user_id)
    code = totp.code_at(secret, time.time() + 30)
    staff.login("ba.admin")
    _code_page(client, code)
    assert client.get("/staff/").status_code == 200
    other = app.test_client()
    StaffActions(app, other).login("ba.admin")
    _code_page(other, code)
    assert other.get("/staff/").status_code == 302


def test_five_wrong_codes_count_as_a_failed_login(staff, app, client):
    user_id = staff.create("ba.admin")
    secret = _enrol(app, user_id)
    valid = {totp.code_at(secret, time.time() + d) for d in (-30, 0, 30)}
    wrong = next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)
    staff.login("ba.admin")
    for _ in range(5):
        response = _code_page(client, wrong)
    assert response.headers["Location"].endswith("/staff/login")
    with app.app_context():
        assert db.session.get(StaffUser, user_id).failed_logins == 1
    # The pending login is gone: the code page sends back to the password.
    assert client.get("/staff/login/code").headers["Location"].endswith("/staff/login")
    assert client.get("/staff/").status_code == 302


def test_enrolment_page_shows_qr_and_key_and_turns_the_factor_on(staff, app, client):
    user_id = staff.create("ba.admin")
    staff.login("ba.admin")
    page = client.get("/staff/account/second-factor")
    html = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in html
    key = html.split('<code class="secret">')[1].split("</code>")[0].replace(" ", "")
    assert len(key) == 32
    svg = base64.b64decode(html.split("data:image/svg+xml;base64,")[1].split('"')[0])
    assert svg.startswith(b"<svg")
    assert b"<script" not in svg
    response = client.post("/staff/account/second-factor", data={
        "code": totp.code_at(key, time.time()), "csrf_token": csrf_token_from(html)})
    assert response.headers["Location"].endswith("/staff/login")
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        assert totp.secret_of(user) == key
        assert key not in user.totp_secret  # encrypted at rest
        # Logins are audited too (test_audit_log.py); here only the enrolment matters.
        assert db.session.execute(select(AuditLog.action).where(
            AuditLog.action.not_like("log%"))).scalars().all() == ["totp.enrol"]
    assert client.get("/staff/").status_code == 302  # enrolling ended the session


def test_wrong_code_at_enrolment_changes_nothing(staff, app, client):
    user_id = staff.create("ba.admin")
    staff.login("ba.admin")
    html = client.get("/staff/account/second-factor").get_data(as_text=True)
    client.post("/staff/account/second-factor", data={"code": "12345x",
                                                      "csrf_token": csrf_token_from(html)})
    with app.app_context():
        assert db.session.get(StaffUser, user_id).totp_secret is None
    assert client.get("/staff/").status_code == 200


def test_turning_the_factor_off_needs_a_code(staff, app, client):
    user_id = staff.create("ba.admin")
    secret = _enrol(app, user_id)
    staff.login("ba.admin")
    _code_page(client, totp.code_at(secret, time.time() + 30))
    html = client.get("/staff/account/second-factor").get_data(as_text=True)
    assert "Tắt xác thực hai bước" in html
    with app.app_context():
        db.session.get(StaffUser, user_id).totp_last_step = None  # let the next code be reused
        db.session.commit()
    client.post("/staff/account/second-factor", data={
        "code": totp.code_at(secret, time.time()), "csrf_token": csrf_token_from(html)})
    with app.app_context():
        assert db.session.get(StaffUser, user_id).totp_secret is None


def test_cli_totp_reset(staff, app, runner, app_context):
    user_id = staff.create("ba.admin")
    _enrol(app, user_id)
    result = runner.invoke(args=["users", "totp-reset", "BA.ADMIN"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        assert user.totp_secret is None
        audit = db.session.execute(
            select(AuditLog).where(AuditLog.action == "totp.reset")).scalar_one()
        assert audit.user_id is None
        assert audit.detail == {"account": user_id}
    again = runner.invoke(args=["users", "totp-reset", "ba.admin"])
    assert again.exit_code == 2
    assert "no second factor" in again.output
    unknown = runner.invoke(args=["users", "totp-reset", "nobody"])
    assert unknown.exit_code == 2
    assert unknown.output == "error: No account is named nobody.\n"


def test_admins_can_be_required_to_enrol(extra_app, app):
    strict = extra_app(REQUIRE_TOTP_FOR_ADMINS=True)
    actions = StaffActions(strict, strict.test_client())
    actions.create("ba.admin")
    actions.create("viewer", "viewer")
    actions.login("ba.admin")
    response = actions.client.get("/staff/")
    assert response.headers["Location"].endswith("/staff/account/second-factor")
    assert actions.client.get("/staff/account/second-factor").status_code == 200
    viewer = StaffActions(strict, strict.test_client())
    viewer.login("viewer")
    assert viewer.client.get("/staff/").status_code == 200


def test_login_rotates_the_session(staff, client):
    staff.create("ba.admin")
    client.get("/staff/login?lang=en")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker before the login"
        before = session.get("csrf_token")
    staff.login("ba.admin")
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != before
        assert session["lang"] == "en"
        assert session.permanent
        assert isinstance(session[LOGIN_AT], int)


def test_a_session_ends_after_its_lifetime_however_active(staff, client, app):
    staff.create("ba.admin")
    staff.login("ba.admin")
    assert client.get("/staff/").status_code == 200
    with client.session_transaction() as session:
        session[LOGIN_AT] = int(time.time() - app.permanent_session_lifetime.total_seconds() - 5)
    assert client.get("/staff/").status_code == 302
    assert client.get("/staff/").status_code == 302


def test_logout_everywhere_ends_every_session(staff, app, client):
    user_id = staff.create("ba.admin")
    staff.login("ba.admin")
    other = StaffActions(app, app.test_client())
    other.login("ba.admin")
    assert other.client.get("/staff/").status_code == 200
    html = client.get("/staff/account/second-factor").get_data(as_text=True)
    response = client.post("/staff/logout-everywhere", data={"csrf_token": csrf_token_from(html)})
    assert response.status_code == 302
    assert client.get("/staff/").status_code == 302
    assert other.client.get("/staff/").status_code == 302
    with app.app_context():
        assert db.session.get(StaffUser, user_id).session_version == 2


def test_logout_everywhere_needs_csrf(staff, client):
    staff.create("ba.admin")
    staff.login("ba.admin")
    assert client.post("/staff/logout-everywhere").status_code == 400
    assert client.get("/staff/").status_code == 200


def _attempt(client, username, password):
    html = client.get("/staff/login").get_data(as_text=True)
    return client.post("/staff/login", data={
        "username": username, "password": password,
        "csrf_token": csrf_token_from(html)}).status_code


def test_a_stranger_cannot_lock_or_throttle_the_owner_out(extra_app, app):
    """Row 8: guesses at `admin` from one address hold that address only, with growing
    delays and an alert; the owner, from their own address, logs in at once."""
    limited = extra_app(RATELIMIT_ENABLED=True)
    user_id = StaffActions(limited, limited.test_client()).create("admin")
    stranger = limited.test_client()
    stranger.environ_base["REMOTE_ADDR"] = "198.51.100.66"
    statuses = [_attempt(stranger, "admin", f"guess number {n}") for n in range(12)]
    assert statuses[:10] == [200] * 10
    assert statuses[10:] == [429, 429]  # the limit of one account from one address
    owner = limited.test_client()
    owner.environ_base["REMOTE_ADDR"] = "203.0.113.50"
    assert _attempt(owner, "admin", StaffActions.PASSWORD) == 302
    assert owner.get("/staff/").status_code == 200
    with limited.app_context():
        assert _held(user_id).failures == 5  # tries while held are refused unchecked
        assert db.session.get(StaffUser, user_id).locked_until is None  # the account is not


def test_login_is_throttled_per_address(extra_app, app):
    limited = extra_app(RATELIMIT_ENABLED=True)
    client = limited.test_client()
    html = client.get("/staff/login").get_data(as_text=True)
    statuses = [client.post("/staff/login", data={
        "username": f"user{i}", "password": "x" * 12,
        "csrf_token": csrf_token_from(html)}).status_code for i in range(11)]
    assert statuses[-1] == 429
    assert statuses[:10] == [200] * 10


def test_an_address_waits_longer_after_each_failure_and_an_alert_is_raised(staff, app):
    user_id = staff.create("admin")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        staff.login("admin", password="not the password")
    waits = []
    for _ in range(3):
        with app.app_context():
            held = _held(user_id)
            waits.append(round((held.locked_until - utcnow()).total_seconds() / 60))
            held.locked_until = utcnow() - timedelta(seconds=1)  # the wait is over
            db.session.commit()
        staff.login("admin", password="not the password")
    assert waits == [1, 2, 4]
    with app.app_context():
        alerts = db.session.execute(
            select(AuditLog).where(AuditLog.action == "login.locked")).scalars().all()
        assert [alert.detail["minutes"] for alert in alerts] == [1, 2, 4, 8]


def test_lockout_ends_after_its_time(staff, app):
    user_id = staff.create("ba.admin")
    for _ in range(accounts.MAX_FAILED_LOGINS):
        staff.login("ba.admin", password="not the password")
    with app.app_context():
        held = _held(user_id)
        assert held.locked_until > utcnow()
        held.locked_until = utcnow() - timedelta(seconds=1)
        db.session.commit()
    staff.login("ba.admin")
    assert staff.client.get("/staff/").status_code == 200


def _held(user_id):
    return db.session.execute(
        select(LoginFailure).where(LoginFailure.user_id == user_id)).scalar_one()


@pytest.mark.parametrize(("username", "password", "message"), [
    ("nguyen.hoa", "nguyen.hoa-2025-mk", "username"),
    ("hoa", "Password2025!!", "too common"),
    ("hoa", "matkhau@123456", "too common"),
    ("hoa", "Vinhlong#2025#", "too common"),
    ("hoa", "738201945617", "easy to guess"),
    ("hoa", "abcdefghijklmn", "easy to guess"),
])
def test_weak_passwords_are_refused(app_context, username, password, message):
    with pytest.raises(accounts.AccountError, match=message):
        accounts.create_user(username, password, "viewer")


@pytest.mark.parametrize("password", [
    "correct horse battery staple", "Sông Cổ Chiên mùa nước nổi", "k7#Rq2!vLm9@",
])
def test_reasonable_passwords_are_accepted(app_context, password):
    assert accounts.create_user("hoa", password, "viewer").check_password(password)


def _wrong_code_for(secret: str) -> str:
    valid = {totp.code_at(secret, time.time() + d) for d in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def test_replaying_the_pending_login_cookie_gains_no_code_tries(staff, app, client):
    """Row 4: the count of wrong codes is on the server, whatever cookie comes back."""
    user_id = staff.create("ba.admin")
    secret = _enrol(app, user_id)
    staff.login("ba.admin")
    page = client.get("/staff/login/code").get_data(as_text=True)
    saved = client.get_cookie("session").value  # the cookie after the password step
    wrong = _wrong_code_for(secret)
    for _ in range(accounts.MAX_FAILED_LOGINS * 5):
        client.set_cookie("session", saved)
        _code_page(client, wrong)
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        assert user.totp_failures == 25
        assert user.locked_until > utcnow()  # five rounds of five wrong codes
    client.set_cookie("session", saved)
    assert client.get("/staff/login/code").headers["Location"].endswith("/staff/login")
    client.set_cookie("session", saved)
    client.post("/staff/login/code", data={  # a locked account takes no code, even a right one
        "code": totp.code_at(secret, time.time() + 30), "csrf_token": csrf_token_from(page)})
    assert client.get("/staff/").status_code == 302


def test_a_right_password_does_not_clear_wrong_codes(staff, app, client):
    """Row 4: logging in again with the password keeps counting the codes."""
    user_id = staff.create("ba.admin")
    secret = _enrol(app, user_id)
    wrong = _wrong_code_for(secret)
    for _ in range(accounts.MAX_FAILED_LOGINS):
        for _ in range(4):
            staff.login("ba.admin")
            _code_page(client, wrong)
        staff.login("ba.admin")  # a right password, before the fifth wrong code
        _code_page(client, wrong)
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        assert user.locked_until is not None
        assert user.locked_until > utcnow()
    # and a right code clears the counts
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        user.locked_until = None
        db.session.commit()
    staff.login("ba.admin")
    _code_page(client, totp.code_at(secret, time.time() + 30))
    assert client.get("/staff/").status_code == 200
    with app.app_context():
        user = db.session.get(StaffUser, user_id)
        assert (user.totp_failures, user.failed_logins) == (0, 0)


def test_the_second_factor_secret_is_encrypted_at_rest(staff, app):
    user_id = staff.create("ba.admin")
    secret = _enrol(app, user_id)
    with app.app_context():
        stored = db.session.execute(
            select(StaffUser.totp_secret).where(StaffUser.id == user_id)).scalar_one()
        assert secret not in stored
        assert base64.b32encode(base64.b32decode(secret + "=" * (-len(secret) % 8))
                                ).decode() not in stored
    # Another key (a copied database without the configuration) cannot decrypt it.
    with app.app_context():
        app.config["TOTP_ENCRYPTION_KEY"] = "another-key-entirely-of-enough-length"
        try:
            assert totp.secret_of(db.session.get(StaffUser, user_id)) is None
        finally:
            app.config["TOTP_ENCRYPTION_KEY"] = ""


@pytest.mark.parametrize("password", [
    "P@ssw0rd2026", "Passwordpassword", "Aa123456789!", "Summer2026!!", "abc123abc123"])
def test_the_outside_test_s_weak_passwords_are_refused(app_context, password):
    """Row 12: each passed the length-and-classes rules before zxcvbn."""
    with pytest.raises(accounts.AccountError, match="easy to guess|common|repetitive"):
        accounts.create_user("hoa", password, "viewer")
