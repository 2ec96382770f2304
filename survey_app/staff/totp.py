"""The second factor of staff logins: the code step at login, enrolment, and session limits.

- /staff/login/code: after a right password, an account with a second factor gets
  a session holding only that pending login. Wrong codes are counted on the account
  (`staff_users.totp_failures`), not in the cookie, so replaying the pending-login
  cookie gains nothing; only a right code clears them. Every fifth wrong code
  counts as a failed login (five of those lock the account, services/accounts.py),
  and a locked account takes no code.
- /staff/account/second-factor: enrol (QR code of the otpauth:// URI and the key
  to type by hand; on by proving one code) or turn it off (with a current code).
- Every staff request: a session ends LOGIN_LIFETIME after its login, however
  active (a stolen cookie stops working), and with REQUIRE_TOTP_FOR_ADMINS an
  admin without a second factor can only enrol or log out.
"""

from __future__ import annotations

import base64
import time

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from survey_app.extensions import db, limiter
from survey_app.models import utcnow
from survey_app.routing import Views
from survey_app.services.access import accounts
from survey_app.services.access import totp as service
from survey_app.services.printing import qr
from survey_app.staff.auth import LOGIN_AT, PENDING, start_session
from survey_app.text_input import InputForm
from survey_app.vocabulary import Role

views = Views()

PENDING_SECONDS = 300  # five minutes to type the code after the password
MAX_CODE_TRIES = 5
ENROLMENT = "totp_enrolment"  # the secret being set up, until one code proves it
ENROL_ENDPOINTS = {"staff.second_factor", "staff.logout", "staff.logout_everywhere"}


class CodeForm(InputForm):
    code = StringField(_l("Six-digit code"), validators=[DataRequired(), Length(min=6, max=8)])


@views.before_request
def enforce_session_limits():
    if not current_user.is_authenticated:
        return None
    started = session.get(LOGIN_AT)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if not isinstance(started, int) or time.time() - started > lifetime:
        logout_user()
        session.clear()
        flash(_("Your session has ended. Please log in again."), "info")
        return redirect(url_for("staff.login"))
    if (current_app.config.get("REQUIRE_TOTP_FOR_ADMINS") and current_user.role == Role.ADMIN
            and not current_user.totp_secret and request.endpoint not in ENROL_ENDPOINTS):
        flash(_("Administrators must set up a second factor before going on."), "info")
        return redirect(url_for("staff.second_factor"))
    return None


@views.route("/login/code", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login_code():
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SECONDS:
        session.pop(PENDING, None)
        flash(_("Please log in again."), "info")
        return redirect(url_for("staff.login"))
    user = accounts.load_session_user(str(pending.get("id", "")))
    if user is None:
        session.pop(PENDING, None)
        return redirect(url_for("staff.login"))
    if user.locked_until and user.locked_until > utcnow():
        session.pop(PENDING, None)
        flash(_("Too many wrong codes. Please log in again."), "error")
        return redirect(url_for("staff.login"))
    form = CodeForm()
    if form.validate_on_submit():
        if service.verify(user, form.code.data):
            accounts.note_login_done(user)
            db.session.commit()  # consumes the code's time step
            start_session(user)
            return redirect(pending.get("next") or url_for("staff.dashboard"))
        return _wrong_code(user)
    return render_template("staff/login_code.html", form=form)


def _wrong_code(user):
    user.totp_failures += 1
    if user.totp_failures % MAX_CODE_TRIES:
        db.session.commit()
        flash(_("This code is not right. Check the time on your phone and try again."), "error")
        return render_template("staff/login_code.html", form=CodeForm())
    accounts.note_failed_login(user)  # commits
    session.pop(PENDING, None)
    flash(_("Too many wrong codes. Please log in again."), "error")
    return redirect(url_for("staff.login"))


@views.route("/account/second-factor", methods=["GET", "POST"])
def second_factor():
    user = current_user._get_current_object()
    form = CodeForm()
    if user.totp_secret:
        if form.validate_on_submit():
            try:
                service.disable(user, form.code.data)
            except service.TotpError:
                flash(_("This code is not right."), "error")
            else:
                return _relogin(_("The second factor is off. Please log in again."))
        return render_template("staff/second_factor.html", form=form, enrolled=True)
    secret = session.get(ENROLMENT) or service.new_secret()
    session[ENROLMENT] = secret
    if form.validate_on_submit():
        try:
            service.enrol(user, secret, form.code.data)
        except service.TotpError:
            flash(_("This code is not right. Check the time on your phone and try again."),
                  "error")
        else:
            session.pop(ENROLMENT, None)
            return _relogin(_("The second factor is on. Please log in again with a code."))
    uri = service.provisioning_uri(secret, user.username)
    qr_svg = base64.b64encode(qr.svg(uri)).decode("ascii")
    return render_template("staff/second_factor.html", form=form, enrolled=False,
                           qr_svg=qr_svg, secret=" ".join(_groups(secret)))


def _relogin(message: str):
    """Enrolling or disabling ends every session of the account, this one included."""
    logout_user()
    session.clear()
    flash(message, "info")
    return redirect(url_for("staff.login"))


def _groups(secret: str, size: int = 4) -> list[str]:
    return [secret[i:i + size] for i in range(0, len(secret), size)]
