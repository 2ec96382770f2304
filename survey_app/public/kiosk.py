"""Kiosk mode (/k/…): a tablet at the counter with five faces for the overall question.

A tap on a face is a form submit (five submit buttons, no JavaScript). The
thank-you screen resets itself to the faces, in Vietnamese, after
KIOSK_RESET_SECONDS with a <meta refresh>, and offers "tell us more": the other items,
added to the face's response (public/details.py: one person is counted once).

The next person must not reach the previous one's answers: the faces page drops
the "tell us more" grant (public/follow_up.py), so Back, the history or a restored
tab lead to a closed page; every page after a face is `no-store`, its form has
autocomplete off (no restored input), and kiosk.js reloads a page the browser
brings back from its back/forward cache.
"""

from __future__ import annotations

from flask import abort, make_response, redirect, render_template, request, url_for

from survey_app.extensions import csrf, limiter
from survey_app.i18n import pick
from survey_app.public import follow_up, form_token
from survey_app.public.details import details_page
from survey_app.public.limits import KIOSK_POST, PAGE_GET, place_cap
from survey_app.public.survey import current_language, status_of
from survey_app.routing import Views
from survey_app.services.questionnaires.files import items_of
from survey_app.services.questionnaires.forms import build_form_class
from survey_app.services.questionnaires.kinds.scale5 import scale_labels
from survey_app.services.responses import device_marks, kiosk, submissions
from survey_app.services.responses.submissions import Contact
from survey_app.services.responses.survey_points import (
    CounterNotInService,
    NoQuestionnaire,
    SurveyPoint,
    UnknownChoice,
    choose,
)
from survey_app.services.responses.survey_points import open_counter as find_counter
from survey_app.vocabulary import Channel

views = Views()

KIOSK_RESET_SECONDS = 10
# The faces page reloads itself now and then, so that its form token (valid four
# hours) never expires on a tablet left on overnight.
KIOSK_IDLE_RELOAD_SECONDS = 30 * 60


# id(definition) -> (definition, its overall-only copy): the served definition is one
# cached dict per version, so the copy (and the form class cache's digest of it) is
# made once, not on every tap.
_faces: dict[int, tuple[dict, dict]] = {}


def faces_form(definition: dict, lang: str):
    """The survey form reduced to the overall item (same labels, same validation)."""
    known = _faces.get(id(definition))
    if known is None or known[0] is not definition:
        overall = items_of(definition)[definition["overall_item"]]
        if len(_faces) >= 16:
            _faces.clear()
        known = _faces[id(definition)] = (definition, {**definition, "sections": [
            {"id": "kiosk", "title": definition["title"], "items": [overall]}]})
    return build_form_class(known[1], lang)()


@csrf.exempt  # survey forms carry their own token (public/form_token.py)
@views.route("/k/<counter_code>", methods=["GET", "POST"])
@views.route("/k/<counter_code>/<sector_code>", methods=["GET", "POST"])
@limiter.limit(KIOSK_POST, methods=["POST"])
@place_cap
@limiter.limit(PAGE_GET, methods=["GET"])
def kiosk_faces(counter_code, sector_code=None):
    try:
        counter = find_counter(counter_code)
        point = choose(counter, sector_code)
    except CounterNotInService:
        return render_template("public/counter_unavailable.html"), 404
    except UnknownChoice:
        if sector_code is not None:
            return redirect(url_for("public.kiosk_faces", counter_code=counter_code))
        return render_template("public/kiosk_sectors.html", counter=counter)
    lang = current_language()
    origin = _origin(point, lang)
    form = faces_form(origin.definition, lang)
    overall = origin.definition["overall_item"]
    sector = point.sector.code if sector_code else None
    wanted = None
    if request.method == "POST":
        if form.is_bot():
            return _to_thanks(kiosk.Ticket(counter_code, sector, None))
        wanted = form_token.intent(form)
        if wanted == "send" and form.validate():
            submission_id = form.submission_id.data
            repeat = device_marks.mark(Channel.KIOSK, origin.counter_id, origin.agency_id)
            submissions.submit(origin, {overall: form.answers()[overall]},
                               submission_id=submission_id,
                               extras=submissions.Extras(repeat_device=repeat))
            nonce = follow_up.grant(submission_id, Channel.KIOSK)
            return _to_thanks(kiosk.Ticket(counter_code, sector, nonce))
    else:  # a new person at the tablet
        follow_up.revoke()
        device_marks.forget(origin.counter_id, origin.agency_id)
    labels = scale_labels(origin.definition)
    faces = [(str(n), pick(labels[str(n)], lang)) for n in range(5, 0, -1)]
    page = make_response(render_template(
        "public/kiosk.html", form=form, point=point, faces=faces, field=form[overall],
        question=pick(items_of(origin.definition)[overall]["label"], lang),
        reload_seconds=KIOSK_IDLE_RELOAD_SECONDS, reset_url=_start(counter_code, sector),
        stale=wanted == "stale",
    ), status_of(form, wanted))
    page.headers["Cache-Control"] = "private, no-cache"  # its submission id is its own
    return page


@views.get("/k/thanks/<ticket>")
def kiosk_thanks(ticket):
    try:
        read = kiosk.read_ticket(ticket)
    except kiosk.TicketRefused:
        return redirect(url_for("public.thanks"))
    more = None
    if read.nonce and follow_up.granted(read.nonce):
        more = url_for("public.kiosk_more", ticket=ticket)
    page = make_response(render_template(
        "public/kiosk_thanks.html", more_url=more, reset_seconds=KIOSK_RESET_SECONDS,
        reset_url=_start(read.counter_code, read.sector_code),
    ))
    page.headers["Cache-Control"] = "no-store"
    return page


@csrf.exempt  # survey forms carry their own token (public/form_token.py)
@views.route("/k/more/<ticket>", methods=["GET", "POST"])
@limiter.limit(KIOSK_POST, methods=["POST"])
def kiosk_more(ticket):
    """The other items after a face, added to the face's response."""
    try:
        read = kiosk.read_ticket(ticket)
    except kiosk.TicketRefused:
        read = kiosk.Ticket("", None, None)

    def done(_contact: Contact | None):
        return _to_thanks(kiosk.Ticket(read.counter_code, read.sector_code, None))

    return details_page(follow_up.granted(read.nonce), done)


def _start(counter_code: str, sector_code: str | None) -> str:
    """The faces page for the next person: always in Vietnamese."""
    return url_for("public.kiosk_faces", counter_code=counter_code, sector_code=sector_code,
                   lang="vi")


def _origin(point: SurveyPoint, lang: str) -> submissions.Origin:
    try:
        return point.origin(Channel.KIOSK, lang)
    except NoQuestionnaire:
        abort(503)


def _to_thanks(ticket: kiosk.Ticket):
    return redirect(url_for("public.kiosk_thanks", ticket=kiosk.make_ticket(ticket)))
