"""User administration pages (admin only): list, create, change scope, disable."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from survey_app import formatting
from survey_app.errors import describe
from survey_app.extensions import db
from survey_app.models import Agency, Sector, StaffUser
from survey_app.routing import Views
from survey_app.services.access import accounts, users_admin
from survey_app.staff.common import require_role
from survey_app.text_input import InputForm
from survey_app.vocabulary import Role

views = Views()


class ScopeForm(InputForm):
    role = SelectField(_l("Role"), choices=Role.choices())
    sectors = SelectMultipleField(_l("Sectors"), coerce=int)
    agencies = SelectMultipleField(_l("Agencies"), coerce=int)


class NewUserForm(ScopeForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=80)])
    display_name = StringField(_l("Display name"), validators=[Optional(), Length(max=200)])
    password = PasswordField(_l("Password (empty: generate one)"),
                             validators=[Optional(), Length(max=200)])


def _with_choices(form: ScopeForm) -> ScopeForm:
    form.sectors.choices = [SelectChoice(s.id, formatting.local_name(s)) for s in
                            formatting.sort_by_local_name(
                                db.session.execute(select(Sector)).scalars())]
    form.agencies.choices = [SelectChoice(a.id, formatting.local_name(a)) for a in
                             formatting.sort_by_local_name(
                                 db.session.execute(select(Agency)).scalars())]
    return form


@views.get("/users")
@require_role(Role.ADMIN)
def user_list():
    return render_template("staff/users.html", users=users_admin.list_users(),
                           role_labels=Role.labels())


@views.route("/users/new", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def user_new():
    form = _with_choices(NewUserForm())
    if form.validate_on_submit():
        try:
            _user, generated = users_admin.create_with_scope(
                form.username.data, form.role.data, form.sectors.data, form.agencies.data,
                form.password.data or None, form.display_name.data or "",
                actor_id=current_user.id)
        except accounts.AccountError as error:
            flash(_("The account was not created: %(reason)s", reason=describe(error)), "error")
        else:
            if generated:
                # Shown once, in this page's body (sent no-store): a flash message would
                # carry it in the session cookie, which the browser keeps and anyone can
                # decode. Only the hash is stored.
                return render_template("staff/users.html", users=users_admin.list_users(),
                                       role_labels=Role.labels(),
                                       created=(form.username.data, generated))
            flash(_("Account created."), "info")
            return redirect(url_for("staff.user_list"))
    return render_template("staff/user_new.html", form=form)


@views.route("/users/<int:user_id>", methods=["GET", "POST"])
@require_role(Role.ADMIN)
def user_edit(user_id: int):
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = _with_choices(ScopeForm())
    if form.validate_on_submit():
        try:
            users_admin.set_scope(user, form.sectors.data, form.agencies.data, form.role.data,
                                  actor_id=current_user.id)
        except accounts.AccountError as error:
            flash(_("The scope was not changed: %(reason)s", reason=describe(error)), "error")
        else:
            flash(_("Scope saved. The user's open sessions were ended."), "info")
            return redirect(url_for("staff.user_list"))
    elif not form.is_submitted():
        form.role.data = user.role
        form.sectors.data = [s.sector_id for s in user.scopes if s.sector_id is not None]
        form.agencies.data = [s.agency_id for s in user.scopes if s.agency_id is not None]
    return render_template("staff/user_edit.html", form=form, user=user,
                           state_form=InputForm())


@views.post("/users/<int:user_id>/active")
@require_role(Role.ADMIN)
def user_active(user_id: int):
    user = db.session.get(StaffUser, user_id) or abort(404)
    form = InputForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        users_admin.set_active(user, not user.active, actor_id=current_user.id)
    except accounts.AccountError as error:
        flash(_("The account was not changed: %(reason)s", reason=describe(error)), "error")
    else:
        flash(_("Account enabled.") if user.active else _("Account disabled."), "info")
    return redirect(url_for("staff.user_list"))
