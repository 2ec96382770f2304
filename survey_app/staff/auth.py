"""Staff login and logout."""

from __future__ import annotations

import hashlib
import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user, logout_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from survey_app.extensions import limiter, login_manager
from survey_app.routing import Views
from survey_app.services.access import accounts, audit, sessions
from survey_app.text_input import InputForm

views = Views()

LOGIN_AT = "login_at"  # when this session logged in (for the absolute session limit)
PENDING = "pending_login"  # a right password waiting for its one-time code
SESSION_KEY = "sid"  # the key of this session's row on the server (services/access/sessions.py)


class LoginForm(InputForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


@login_manager.user_loader
def load_user(user_id: str):
    user = accounts.load_session_user(user_id)
    if user is None or not sessions.is_live(user.id, session.get(SESSION_KEY)):
        return None  # logged out on the server: a copy of the cookie opens nothing
    return user


login_manager.login_view = "staff.login"


def _username_bucket() -> str:
    """Guesses at one account from one address. Not across addresses: a stranger could
    then use up the owner's own logins at will (a botnet meets the growing delays of
    services/access/accounts.py at each address, and an alert)."""
    name = (request.form.get("username") or "").strip().lower()
    key = f"{name}\n{request.remote_addr}"
    return "login-user:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


@views.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
@limiter.limit("10 per minute;50 per hour", methods=["POST"], key_func=_username_bucket)
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.username.data, form.password.data,
                                         request.remote_addr or "")
        except accounts.LoginRefused:
            flash(_("Wrong username or password, or the account is locked for a while."), "error")
        else:
            if user.totp_secret:
                # The password was right; the session opens only after the second step
                # (staff/totp.py), on a session holding nothing but this pending login.
                _fresh_session()
                session[PENDING] = {"id": user.get_id(), "next": _safe_next(),
                                    "at": int(time.time())}
                return redirect(url_for("staff.login_code"))
            start_session(user)
            return redirect(_safe_next() or url_for("staff.dashboard"))
    return render_template("staff/login.html", form=form)


def start_session(user) -> None:
    """Log in on a fresh session: nothing set before the login survives it (fixation)."""
    _fresh_session()
    # Permanent: the cookie then expires after PERMANENT_SESSION_LIFETIME (12 h).
    session.permanent = True
    session[LOGIN_AT] = int(time.time())
    session[SESSION_KEY] = sessions.open_session(user.id, current_app.permanent_session_lifetime)
    login_user(user)
    audit.record(user.id, "login", second_factor=bool(user.totp_secret))


def _fresh_session() -> None:
    """Empty the session (its CSRF token too) but keep the chosen language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang


@views.post("/logout")
def logout():
    audit.record(current_user.id, "logout")
    sessions.close(session.get(SESSION_KEY))
    logout_user()
    _fresh_session()
    flash(_("You are logged out."), "info")
    return redirect(url_for("staff.login"))


@views.post("/logout-everywhere")
def logout_everywhere():
    """End every session of this account (a lost phone, a shared PC left logged in)."""
    accounts.end_all_sessions(current_user.id)
    logout_user()
    _fresh_session()
    flash(_("You are logged out on every device."), "info")
    return redirect(url_for("staff.login"))


def _safe_next() -> str | None:
    """Only same-site relative paths: never redirect a login to another host."""
    target = request.args.get("next", "")
    # No control character: "/staff\r\nX: 1" would end up in the Location header (a 500).
    if (target.startswith("/staff") and not target.startswith("//")
            and target.isprintable() and "\\" not in target):
        return target
    return None
