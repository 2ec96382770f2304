"""Public pages: the counter's open survey (/c/…), the transaction link (/t/…), thanks.

The counter's sector and procedure live in the path (/c/<counter>/<sector>[/<procedure>])
rather than in a query string, so the language switch (a link to "?lang=en") keeps
the citizen on the same form.
"""

from flask import make_response, redirect, render_template, request, url_for

from survey_app.extensions import csrf, limiter
from survey_app.public import follow_up, form_token
from survey_app.public.limits import FORM_POST, PAGE_GET, place_cap
from survey_app.public.survey import link_state_page, survey_page
from survey_app.routing import Views
from survey_app.services.responses import invitations, submissions
from survey_app.services.responses.survey_points import (
    CounterNotInService,
    UnknownChoice,
    choose,
    invitation_point,
)
from survey_app.services.responses.survey_points import open_counter as find_counter
from survey_app.vocabulary import Channel

views = Views()
# `survey_token(form)` in the survey templates, on every page of the citizen's side.
views.context_processor(form_token.template_helpers)


@views.get("/")
def index():
    return render_template("public/index.html")


@views.get("/thanks")
def thanks():
    """Thanks; with the second page's link (its nonce) if this browser may still use it."""
    nonce = request.args.get("more")
    page = make_response(render_template(
        "public/thanks.html", named=request.args.get("named") == "1",
        more_url=url_for("public.more", nonce=nonce) if follow_up.granted(nonce) else None))
    page.headers["Cache-Control"] = "no-store"
    return page


def counter_unavailable():
    return render_template("public/counter_unavailable.html"), 404


@csrf.exempt  # survey forms carry their own token (public/form_token.py)
@views.route("/c/<counter_code>", methods=["GET", "POST"])
@limiter.limit(FORM_POST, methods=["POST"])
@place_cap
@limiter.limit(PAGE_GET, methods=["GET"])
def counter(counter_code):
    """A single-sector counter opens its form here; others first ask which sector."""
    try:
        point = find_counter(counter_code)
    except CounterNotInService:
        return counter_unavailable()
    if len(point.sectors) <= 1:
        return survey_page(choose(point), Channel.COUNTER)
    sector, procedure = request.args.get("sector"), request.args.get("procedure")
    picked = "sector" in request.args or "procedure" in request.args
    try:
        chosen = _chosen(point, sector or None, procedure or None)
    except UnknownChoice:
        page = render_template("public/choose_sector.html", counter=point, error=picked)
        return page, (400 if picked else 200)
    # A query's choice (an old picker's GET form) moves into the path (module doc).
    return redirect(url_for(
        "public.counter_survey", counter_code=counter_code, sector_code=chosen.sector.code,
        procedure_code=chosen.procedure.code if chosen.procedure else None,
    ))


def _chosen(point, sector: str | None, procedure: str | None):
    """An old picker's answer (?sector=&procedure=): a sector with another sector's
    procedure keeps the sector, the citizen's first and surer choice."""
    try:
        return choose(point, sector, procedure)
    except UnknownChoice:
        if sector and procedure:
            return choose(point, sector)
        raise


@csrf.exempt  # survey forms carry their own token (public/form_token.py)
@views.route("/c/<counter_code>/<sector_code>", methods=["GET", "POST"])
@views.route("/c/<counter_code>/<sector_code>/<procedure_code>", methods=["GET", "POST"])
@limiter.limit(FORM_POST, methods=["POST"])
@place_cap
@limiter.limit(PAGE_GET, methods=["GET"])
def counter_survey(counter_code, sector_code, procedure_code=None):
    try:
        point = choose(find_counter(counter_code), sector_code, procedure_code)
    except CounterNotInService:
        return counter_unavailable()
    except UnknownChoice:
        return redirect(url_for("public.counter", counter_code=counter_code))
    return survey_page(point, Channel.COUNTER)


@csrf.exempt  # survey forms carry their own token (public/form_token.py)
@views.route("/t/<token>", methods=["GET", "POST"])
@limiter.limit(FORM_POST, methods=["POST"])
@limiter.limit(PAGE_GET, methods=["GET"])
def token_survey(token):
    """The single-use survey of one transaction; a used link never takes a second answer."""
    try:
        invitation = invitations.find_open(token)
    except invitations.UsedToken as used:
        # The citizen whose reply was lost sends the same form again: that is a success.
        if request.method == "POST" and submissions.was_sent(
            request.form.get("submission_id", "")
        ):
            return redirect(url_for("public.thanks"))
        return link_state_page("used", used.counter_code)
    except invitations.ReplacedToken as replaced:
        return link_state_page("replaced", replaced.counter_code)
    except invitations.ExpiredToken as expired:
        return link_state_page("expired", expired.counter_code)
    except invitations.UnknownToken:
        return link_state_page("unknown")
    return survey_page(invitation_point(invitation), Channel.TOKEN, token=token)
