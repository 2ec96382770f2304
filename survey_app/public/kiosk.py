"""Kiosk mode (/k/…): a tablet at the counter with five faces for the overall question.

A tap on a face is a form submit (five submit buttons, no JavaScript). The
thank-you screen resets itself to the faces after KIOSK_RESET_SECONDS with a
<meta refresh>, and offers "tell us more": the full form, with the face carried in
as the overall answer, which then replaces the face's response (services.kiosk:
one person is counted once).
"""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, url_for

from survey_app.extensions import limiter
from survey_app.i18n import pick
from survey_app.public import bp
from survey_app.public.limits import KIOSK_POST, PAGE_GET
from survey_app.public.survey import current_language, survey_page
from survey_app.services.questionnaires.files import items_of, scale_labels
from survey_app.services.questionnaires.forms import build_form_class
from survey_app.services.responses import kiosk, submissions
from survey_app.services.responses.survey_points import (
    NoQuestionnaire,
    SurveyPoint,
    UnknownChoice,
    UnknownCounter,
    choose,
)
from survey_app.services.responses.survey_points import open_counter as find_counter

KIOSK_RESET_SECONDS = 10
# The faces page reloads itself now and then, so that its CSRF token (valid four
# hours) never expires on a tablet left on overnight.
KIOSK_IDLE_RELOAD_SECONDS = 30 * 60


def faces_form(definition: dict, lang: str):
    """The survey form reduced to the overall item (same labels, same validation)."""
    overall = items_of(definition)[definition["overall_item"]]
    only_overall = {**definition, "sections": [
        {"id": "kiosk", "title": definition["title"], "items": [overall]}]}
    return build_form_class(only_overall, lang)()


@bp.route("/k/<counter_code>", methods=["GET", "POST"])
@bp.route("/k/<counter_code>/<sector_code>", methods=["GET", "POST"])
@limiter.limit(KIOSK_POST, methods=["POST"])
@limiter.limit(PAGE_GET, methods=["GET"])
def kiosk_faces(counter_code, sector_code=None):
    try:
        counter = find_counter(counter_code)
        point = choose(counter, sector_code)
    except UnknownCounter:
        return render_template("public/counter_unavailable.html"), 404
    except UnknownChoice:
        if sector_code is not None:
            return redirect(url_for("public.kiosk_faces", counter_code=counter_code))
        return render_template("public/kiosk_sectors.html", counter=counter)
    lang = current_language()
    origin = _origin(point, lang)
    form = faces_form(origin.definition, lang)
    overall = origin.definition["overall_item"]
    if request.method == "POST":
        sector = point.sector.code if sector_code else None
        if form.is_bot():
            return _to_thanks(kiosk.Ticket(counter_code, sector, None, None))
        if form.validate():
            score = form.answers()[overall]
            submission_id = form.submission_id.data
            submissions.submit(origin, {overall: score}, submission_id=submission_id)
            return _to_thanks(kiosk.Ticket(counter_code, sector, submission_id, score))
    labels = scale_labels(origin.definition)
    faces = [(str(n), pick(labels[str(n)], lang)) for n in range(5, 0, -1)]
    page = make_response(render_template(
        "public/kiosk.html", form=form, point=point, faces=faces, field=form[overall],
        question=pick(items_of(origin.definition)[overall]["label"], lang),
        reload_seconds=KIOSK_IDLE_RELOAD_SECONDS,
    ), 422 if form.errors else 200)
    page.headers["Cache-Control"] = "private, no-cache"  # its submission id is its own
    return page


@bp.get("/k/thanks/<ticket>")
def kiosk_thanks(ticket):
    try:
        read = kiosk.read_ticket(ticket)
    except kiosk.TicketRefused:
        return redirect(url_for("public.thanks"))
    more = url_for("public.kiosk_more", ticket=ticket) if read.submission_id else None
    return render_template(
        "public/kiosk_thanks.html", more_url=more, reset_seconds=KIOSK_RESET_SECONDS,
        reset_url=url_for("public.kiosk_faces", counter_code=read.counter_code,
                          sector_code=read.sector_code),
    )


@bp.route("/k/more/<ticket>", methods=["GET", "POST"])
@limiter.limit(KIOSK_POST, methods=["POST"])
def kiosk_more(ticket):
    """The full form after a face: stored in place of the face's response."""
    try:
        read = kiosk.read_ticket(ticket)
        point = choose(find_counter(read.counter_code), read.sector_code)
    except (kiosk.TicketRefused, UnknownCounter, UnknownChoice):
        return render_template("public/kiosk_expired.html"), 410
    if read.submission_id is None:
        return redirect(url_for("public.kiosk_thanks", ticket=ticket))

    def store(origin, form):
        try:
            kiosk.replace_face(
                origin, form.answers(), face_submission_id=read.submission_id,
                submission_id=form.submission_id.data,
                extras=submissions.Extras(contact=form.contact()),
            )
        except kiosk.FollowUpGone:
            return render_template("public/link_state.html", reason="used"), 409
        return _to_thanks(kiosk.Ticket(read.counter_code, read.sector_code, None, None))

    return survey_page(point, "kiosk", overall=read.score, store=store)


def _origin(point: SurveyPoint, lang: str) -> submissions.Origin:
    try:
        return point.origin("kiosk", lang)
    except NoQuestionnaire:
        abort(503)


def _to_thanks(ticket: kiosk.Ticket):
    return redirect(url_for("public.kiosk_thanks", ticket=kiosk.make_ticket(ticket)))
