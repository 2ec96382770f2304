"""The optional second page (/more/<nonce>, and the kiosk's "tell us more").

It shows the questionnaire's items that were not on the first page and adds the
answers to the response the first page stored (services/responses/details.py), if
this browser holds the grant for it (public/follow_up.py). A page sent again after
Back is answered with success and stores nothing; a closed one (sent already, too
late, another browser) says so and keeps the first answer.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _

from survey_app.extensions import csrf, limiter
from survey_app.public import follow_up, form_token
from survey_app.public.limits import FORM_POST, PAGE_GET
from survey_app.public.survey import current_language, link_state_page, page_of, status_of
from survey_app.routing import Views
from survey_app.services.questionnaires.forms import SurveyForm, build_form_class
from survey_app.services.responses import details, submissions
from survey_app.services.responses.submissions import Contact

views = Views()

@csrf.exempt  # survey forms carry their own token (public/form_token.py)

@views.route("/more/<nonce>", methods=["GET", "POST"])
@limiter.limit(FORM_POST, methods=["POST"])
@limiter.limit(PAGE_GET, methods=["GET"])
def more(nonce):
    def done(contact: Contact | None):
        return redirect(url_for("public.thanks", named="1" if contact else None))

    return details_page(follow_up.granted(nonce), done)


def details_page(first_submission_id: str | None,
                 done: Callable[[Contact | None], object]):
    """The GET/POST cycle of the second page of the response `first_submission_id`."""
    if request.method == "POST" and submissions.was_sent(
            request.form.get("submission_id", "")):
        return done(None)  # sent again after Back: stored already
    submission_id = first_submission_id or ""  # an unknown id is gone: find says so
    try:
        stored = details.find(submission_id)
    except details.DetailsGone:
        return _closed()
    lang = current_language()
    form = build_form_class(page_of(stored.definition, stored.channel, first=False), lang)()
    shared_device = stored.channel == "kiosk"
    if shared_device and form.has_contact:
        # A kiosk tablet serves everyone: its browser must not offer the last person's
        # name or phone number to the next one.
        for field in (form.contact_name, form.contact_phone, form.contact_email):
            field.render_kw = {**(field.render_kw or {}), "autocomplete": "off"}
    wanted = None
    if request.method == "POST":
        if form.is_bot():
            return done(None)
        wanted = form_token.intent(form)
        if wanted == "send" and form.validate():
            stored_now = _add(submission_id, form)
            if stored_now is None:
                return _closed()
            follow_up.revoke()
            return done(form.contact())
    page = make_response(render_template(
        "survey_form.html", form=form, action=request.path, shared_device=shared_device,
        notice=wanted,
        header={"title": _("A few more questions"),
                "intro": _("Your answer has been received. These questions are optional: "
                           "answer only those you wish, then press Send."),
                "facts": []},
    ), status_of(form, wanted))
    # Bound to this browser and this person: never kept, never restored by Back.
    page.headers["Cache-Control"] = "no-store"
    return page


def _add(first_submission_id: str, form: SurveyForm) -> bool | None:
    """Added (True), re-sent (False), or None when the second page is closed."""
    try:
        return details.add(first_submission_id, form.answers(),
                           submission_id=form.submission_id.data, contact=form.contact())
    except details.DetailsGone:
        return None


def _closed():
    page, status = link_state_page("closed")
    reply = make_response(page, status)
    reply.headers["Cache-Control"] = "no-store"
    return reply
