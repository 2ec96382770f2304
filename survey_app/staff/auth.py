"""Staff login and logout."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import limiter, login_manager
from ..services import accounts
from . import bp


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


@login_manager.user_loader
def load_user(user_id: str):
    return accounts.load_session_user(user_id)


login_manager.login_view = "staff.login"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute", methods=["POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(form.username.data, form.password.data)
        except accounts.LoginRefused:
            flash(_("Wrong username or password, or the account is locked for a while."), "error")
        else:
            login_user(user)
            return redirect(_safe_next() or url_for("staff.dashboard"))
    return render_template("staff/login.html", form=form)


@bp.post("/logout")
def logout():
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("staff.login"))


def _safe_next() -> str | None:
    """Only same-site relative paths: never redirect a login to another host."""
    target = request.args.get("next", "")
    if target.startswith("/staff") and not target.startswith("//"):
        return target
    return None
