"""The public link of a facility in a sector survey: /s/<facility_code>.

Inside the campaign's window the link shows the campaign's questionnaire (the form
built by `survey_forms`) and stores the answers through `submissions.submit`
with channel `link`, the facility as agency, the campaign's sector and id.
Outside the window it shows when the survey opens or that it has closed, with
the dates, and stores nothing, whatever is posted.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_babel import get_locale

from survey_app.extensions import csrf, limiter
from survey_app.i18n import pick
from survey_app.public import form_token
from survey_app.public.limits import FORM_POST, PAGE_GET, place_cap
from survey_app.public.survey import blank_questions, status_of
from survey_app.routing import Views
from survey_app.services.campaigns import setup as campaigns
from survey_app.services.questionnaires.forms import build_form_class
from survey_app.services.responses import device_marks, submissions
from survey_app.vocabulary import Channel

views = Views()


def _facility_or_404(code: str):
    facility = campaigns.facility_by_code(code)
    if facility is None:
        abort(404)
    return facility


def _origin(facility, lang: str) -> submissions.Origin:
    campaign = facility.campaign
    version = campaign.questionnaire_version
    return submissions.Origin(
        questionnaire_version_id=version.id, definition=version.definition,
        agency_id=facility.agency_id, channel=Channel.LINK, language=lang,
        sector_id=campaign.sector_id, campaign_id=campaign.id,
    )


def _outside_window(facility, state: str, status: int):
    first, last = campaigns.local_days(facility.campaign)
    return render_template("public/campaign_closed.html", campaign=facility.campaign,
                           facility=facility.agency, state=state, first=first, last=last), status


def _header(facility, definition: dict, lang: str) -> dict:
    """What the form says above the questions (the same shape as the counter's form)."""
    campaign = facility.campaign
    return {
        "title": pick(definition["title"], lang),
        "intro": pick(definition.get("intro") or {}, lang),
        "facts": [pick({"vi": facility.agency.name_vi, "en": facility.agency.name_en}, lang),
                  pick({"vi": campaign.name_vi, "en": campaign.name_en}, lang)],
    }


@csrf.exempt  # survey forms carry their own token (public/form_token.py)
@views.route("/s/<code>", methods=["GET", "POST"])
@limiter.limit(FORM_POST, methods=["POST"])
@place_cap
@limiter.limit(PAGE_GET, methods=["GET"])
def campaign_survey(code: str):
    facility = _facility_or_404(code)
    campaign = facility.campaign
    state = campaigns.window_state(campaign)
    if state != "open":
        # A form opened before the close and sent after it is not stored either.
        return _outside_window(facility, state, 200 if request.method == "GET" else 409)
    lang = str(get_locale() or "vi")
    definition = campaign.questionnaire_version.definition
    form = build_form_class(definition, lang)()
    wanted = None
    if request.method == "POST":
        if form.is_bot():
            return redirect(url_for("public.thanks"))
        wanted = form_token.intent(form)
        if wanted == "send" and form.validate():
            origin = _origin(facility, lang)
            # Repeats from one browser at one facility on one day are marked, not refused.
            repeat = device_marks.mark(origin.channel, origin.counter_id, origin.agency_id,
                                       origin.campaign_id)
            submissions.submit(origin, form.answers(), submission_id=form.submission_id.data,
                               extras=submissions.Extras(contact=form.contact(),
                                                         repeat_device=repeat))
            return redirect(url_for("public.thanks"))
    # The citizen's form template, the same as at a counter.
    blank = blank_questions(form) if request.method == "GET" else None
    return render_template("survey_form.html", form=form,
                           header=_header(facility, definition, lang), notice=wanted,
                           action=request.path, blank_questions=blank), status_of(form, wanted)
