"""Posters and QR codes of the counters a staff user may see (any role, within scope)."""

from __future__ import annotations

from flask import Response, abort, current_app, render_template

from survey_app.models import Counter
from survey_app.routing import Views
from survey_app.services.printing import posters as service
from survey_app.services.printing import qr
from survey_app.staff.common import current_scope

views = Views()


@views.get("/posters")
def poster_list():
    groups: dict[str, dict] = {}
    for counter in _visible():
        agency = counter.agency
        group = groups.setdefault(agency.code, {
            "code": agency.code, "name": {"vi": agency.name_vi, "en": agency.name_en},
            "counters": [],
        })
        group["counters"].append({
            "code": counter.code, "name": {"vi": counter.name_vi, "en": counter.name_en},
            "url": qr.counter_url(_base_url(), counter.code),
        })
    return render_template("staff/posters.html", groups=list(groups.values()))


@views.get("/posters/<counter_code>.pdf")
def poster_pdf(counter_code: str):
    counter = _counter(counter_code)
    body = service.pdf([service.poster_of(counter, _base_url())], counter.name_vi)
    return _file(body, "application/pdf", f"poster-{counter.code}.pdf")


@views.get("/posters/<counter_code>.png")
def poster_png(counter_code: str):
    counter = _counter(counter_code)
    return _file(service.png(service.poster_of(counter, _base_url())), "image/png",
                 f"poster-{counter.code}.png")


@views.get("/posters/<counter_code>/qr.svg")
def counter_qr_svg(counter_code: str):
    counter = _counter(counter_code)
    return _file(qr.svg(qr.counter_url(_base_url(), counter.code)), "image/svg+xml",
                 f"qr-{counter.code}.svg")


@views.get("/posters/agency/<agency_code>.pdf")
def agency_posters_pdf(agency_code: str):
    """The agency's counters (with its units') that the reader may see, one page each."""
    try:
        agency, counters = service.agency_counters(agency_code)
    except service.UnknownPosterAgency:
        abort(404)
    visible = {counter.id for counter in _visible()}
    posters = [service.poster_of(c, _base_url()) for c in counters if c.id in visible]
    if not posters:
        abort(404)
    return _file(service.pdf(posters, agency.name_vi), "application/pdf",
                 f"posters-{agency.code}.pdf")


def _visible() -> list[Counter]:
    return service.visible_counters(current_scope())


def _counter(code: str) -> Counter:
    """A counter in the reader's scope; 404 otherwise, as if it did not exist."""
    counter = service.visible_counter(current_scope(), code)
    if counter is None:
        abort(404)
    return counter


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


def _file(body: bytes, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    disposition = "inline" if mimetype != "application/pdf" else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response
