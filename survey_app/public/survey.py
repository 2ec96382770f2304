"""Showing a survey form and taking it back: shared by counter, transaction link and kiosk.

GET renders the form; POST validates it and stores it through
`services.submissions` (or the kiosk's follow-up rule), then redirects to the
thank-you page so that a reload never sends it again. A filled honeypot gets the
same redirect and stores nothing. Errors re-render the form with the answers kept
(status 422).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from survey_app.i18n import pick
from survey_app.services.questionnaires.forms import SurveyForm, build_form_class
from survey_app.services.responses import device_marks, submissions
from survey_app.services.responses.survey_points import NoQuestionnaire, SurveyPoint

# Status of the page of a refused transaction link: the survey is gone for good
# once used or expired (410); a token we never issued is simply not found (404).
LINK_STATES = {
    "used": 410,
    "expired": 410,
    "unknown": 404,
}


def current_language() -> str:
    return str(get_locale() or "vi")


def header_for(point: SurveyPoint, definition: dict, lang: str) -> dict:
    """What the form says above the questions: where, for what, and the questionnaire."""
    facts = [pick(point.counter.agency_name, lang), pick(point.counter.name, lang)]
    if point.sector is not None:
        facts.append(_("Sector: %(name)s", name=pick(point.sector.name, lang)))
    if point.procedure is not None:
        facts.append(_("Procedure: %(name)s", name=pick(point.procedure.name, lang)))
    return {
        "title": pick(definition["title"], lang),
        "intro": pick(definition.get("intro") or {}, lang),
        "facts": facts,
    }


def survey_page(point: SurveyPoint, channel: str, *, token: str | None = None,
                overall: int | None = None,
                store: Callable[[submissions.Origin, SurveyForm], object] | None = None):
    """The whole GET/POST cycle of one survey form at `point`.

    `store` replaces the ordinary submit (the kiosk's follow-up uses it); it may
    return a response (e.g. a redirect) to send instead of the thank-you page.
    """
    lang = current_language()
    try:
        origin = point.origin(channel, lang)
    except NoQuestionnaire:
        abort(503)
    form = build_form_class(origin.definition, lang)()
    shared_device = channel == "kiosk"
    if shared_device and form.has_contact:
        # A kiosk tablet serves everyone: its browser must not offer the last person's
        # name or phone number to the next one.
        for field in (form.contact_name, form.contact_phone, form.contact_email):
            field.render_kw = {**(field.render_kw or {}), "autocomplete": "off"}
    if request.method == "POST":
        if form.is_bot():
            return redirect(url_for("public.thanks"))
        if form.validate():
            outcome = (store or _submit(token))(origin, form)
            return outcome or redirect(url_for("public.thanks"))
    elif overall is not None:  # the kiosk's face, carried into the full form
        form[origin.definition["overall_item"]].data = str(overall)
    status = 422 if form.errors else 200
    blank = request.method == "GET" and overall is None
    page = make_response(render_template(
        "survey_form.html", form=form, header=header_for(point, origin.definition, lang),
        action=request.path,
        blank_questions=blank_questions(form, shared_device) if blank else None,
    ), status)
    # The page carries its own submission id: a shared cache must never hand it to a
    # second citizen (whose answers would then pass for a re-sent form and be dropped).
    # A transaction's page, and a kiosk's full form (the back button of a shared
    # tablet), are not kept at all.
    page.headers["Cache-Control"] = (
        "no-store" if token or shared_device else "private, no-cache")
    return page


# form class -> {variant: the questions rendered blank}; a class is one questionnaire
# version in one language, so this holds a few pages' worth of HTML.
_blank_pages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def blank_questions(form: SurveyForm, variant: object = None) -> Markup:
    """The questions of an unanswered `form`, rendered once per form class and variant.

    Rendering two dozen radio groups is most of a page view's work, and a blank form's
    questions are the same for every citizen: only the CSRF token and submission id,
    rendered outside them, differ. `variant` names anything else that changes them
    (the kiosk's autocomplete="off").
    """
    rendered = _blank_pages.setdefault(type(form), {})
    if variant not in rendered:
        # The output of an autoescaped template is safe HTML already.
        html = render_template("_survey_questions.html", form=form)
        rendered[variant] = Markup(html)  # noqa: S704
    return rendered[variant]


def _submit(token: str | None):
    def store(origin: submissions.Origin, form: SurveyForm):
        # Repeats from one browser at one counter on one day are marked, not refused.
        repeat = device_marks.mark(origin.channel, origin.counter_id, origin.agency_id,
                                   origin.campaign_id)
        try:
            submissions.submit(
                origin, form.answers(), submission_id=form.submission_id.data, token=token,
                extras=submissions.Extras(contact=form.contact(), repeat_device=repeat),
            )
        except submissions.SubmissionRefused as refused:
            return link_state_page(refused.reason)
        return None

    return store


def link_state_page(reason: str):
    """The friendly page of a used, expired or unknown transaction link."""
    return render_template("public/link_state.html", reason=reason), LINK_STATES[reason]
