"""Showing a survey's first page and taking it back: the counter's form and the link's.

GET renders the first page (the questionnaire's `first_page` items: the overall
question and a comment); POST validates it and stores it through
`services.submissions`, then redirects to the thank-you page so that a reload never
sends it again, with the link to the optional second page (public/details.py) when
the questionnaire has more items. A filled honeypot gets the plain thank-you page
and stores nothing. Errors re-render the form with the answers kept (status 422), and
so do a language switch (200) and a stale form token (400; public/form_token.py).
"""

from __future__ import annotations

import weakref
from typing import Any

from flask import abort, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from survey_app.i18n import pick
from survey_app.public import follow_up, form_token
from survey_app.services.questionnaires.forms import SurveyForm, build_form_class
from survey_app.services.responses import details, device_marks, submissions
from survey_app.services.responses.survey_points import NoQuestionnaire, SurveyPoint

# Status of the page of a refused transaction link: the survey is gone for good
# once used or expired (410); a token we never issued is simply not found (404).
LINK_STATES = {
    "used": 410,
    "expired": 410,
    "replaced": 410,  # a newer link was issued for the same dossier
    "unknown": 404,
    "closed": 410,  # a second page already sent, too late, or from another browser
}


DEFAULT_LANGUAGE = "vi"


def current_language() -> str:
    return str(get_locale() or DEFAULT_LANGUAGE)


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


def survey_page(point: SurveyPoint, channel: str, *, token: str | None = None):
    """The whole GET/POST cycle of the first page of a survey at `point`."""
    lang = current_language()
    try:
        origin = point.origin(channel, lang)
    except NoQuestionnaire:
        abort(503)
    form = build_form_class(page_of(origin.definition, channel, first=True), lang)()
    wanted = None
    if request.method == "POST":
        if form.is_bot():
            return redirect(url_for("public.thanks"))
        wanted = form_token.intent(form)
        if wanted == "send" and form.validate():
            outcome = _submit(token, point.counter.code)(origin, form)
            return outcome or thanks_redirect(form, origin.definition, channel, lang)
    page = make_response(render_template(
        "survey_form.html", form=form, header=header_for(point, origin.definition, lang),
        action=request.path, notice=wanted,
        blank_questions=blank_questions(form) if request.method == "GET" else None,
    ), status_of(form, wanted))
    # The page carries its own submission id: a shared cache must never hand it to a
    # second citizen (whose answers would then pass for a re-sent form and be dropped).
    # A transaction's page is not kept at all.
    page.headers["Cache-Control"] = "no-store" if token else "private, no-cache"
    return page


def status_of(form: SurveyForm, wanted: str | None) -> int:
    """A page shown again: 400 for a stale token, 422 with errors, else 200 (a language
    switch, or the first view)."""
    if wanted == "stale":
        return 400
    return 422 if form.errors else 200


def thanks_redirect(form: SurveyForm, definition: dict, channel: str, lang: str):
    """To the thank-you page: with the second page's link when there is one, saying
    whether the citizen left contact details (then the answer is not anonymous), and in
    the form's language when that is not Vietnamese (a browser without cookies has no
    other way to remember it)."""
    args: dict[str, Any] = {}  # url_for's values (it types them with its own options)
    if details.second_page_ids(definition, channel):
        args["more"] = follow_up.grant(form.submission_id.data)
    if form.contact():
        args["named"] = "1"
    if lang != DEFAULT_LANGUAGE:
        args["lang"] = lang
    return redirect(url_for("public.thanks", **args))


# (id(definition), channel, first) -> (definition, page): the served definition is one
# cached dict per version, and the form class cache hashes what it is given.
_pages: dict[tuple, tuple[dict, dict]] = {}


def page_of(definition: dict, channel: str, *, first: bool) -> dict:
    """The first or second page of `definition`, the same dict on every request."""
    key = (id(definition), channel, first)
    known = _pages.get(key)
    if known is not None and known[0] is definition:
        return known[1]
    ids = (details.first_page_ids if first else details.second_page_ids)(definition, channel)
    page = details.page_definition(definition, ids)
    if len(_pages) >= 64:
        _pages.clear()
    _pages[key] = (definition, page)
    return page


# form class -> the questions rendered blank; a class is one page of one questionnaire
# version in one language, so this holds a few pages' worth of HTML.
_blank_pages: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def blank_questions(form: SurveyForm) -> Markup:
    """The questions of an unanswered `form`, rendered once per form class.

    Rendering radio groups is most of a page view's work, and a blank form's questions
    are the same for every citizen: only the CSRF token and submission id, rendered
    outside them, differ.
    """
    rendered = _blank_pages.get(type(form))
    if rendered is None:
        # The output of an autoescaped template is safe HTML already.
        html = render_template("_survey_questions.html", form=form)
        rendered = _blank_pages[type(form)] = Markup(html)  # noqa: S704
    return rendered


def _submit(token: str | None, counter_code: str):
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
            return link_state_page(refused.reason, counter_code)
        return None

    return store


def link_state_page(reason: str, counter_code: str | None = None):
    """The page of a transaction link that takes no answer (used, expired, replaced,
    unknown) or of a closed second page: what happened, and where the citizen can still
    answer (the counter's open survey, when the link named a counter)."""
    counter_url = (url_for("public.counter", counter_code=counter_code)
                   if counter_code else None)
    return (render_template("public/link_state.html", reason=reason, counter_url=counter_url),
            LINK_STATES[reason])
