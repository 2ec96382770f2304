"""API routes: issue an invitation, its QR images, the OpenAPI document."""

from __future__ import annotations

from datetime import UTC

from flask import Response, current_app, jsonify, request, url_for

from survey_app.api.auth import current_key
from survey_app.api.errors import ApiError
from survey_app.api.openapi import document
from survey_app.api.payload import invitation_request
from survey_app.routing import Views
from survey_app.services.printing import qr
from survey_app.services.responses import invitations

views = Views()

# Problems with what the body names: 422, except another agency's counter (403) and a
# dossier already answered (409).
STATUS_OF = {
    invitations.CounterOfAnotherAgency: 403,
    invitations.DossierAnswered: 409,
    invitations.BadDossier: 400,
    invitations.BadTtl: 400,
}


@views.post("/invitations")
def create_invitation():
    fields = invitation_request(request)
    try:
        issued = invitations.issue(current_key(), **fields)
    except invitations.InvitationError as error:
        raise ApiError(STATUS_OF.get(type(error), 422), error.code, str(error)) from None
    base = current_app.config["PUBLIC_BASE_URL"]
    body = {
        "token": issued.token,
        "url": issued.url,
        "expires_at": issued.expires_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "qr_svg": base + url_for("api.invitation_qr_svg", token=issued.token),
        "qr_png": base + url_for("api.invitation_qr_png", token=issued.token),
    }
    response = jsonify(body)
    response.status_code = 201
    response.headers["Cache-Control"] = "no-store"  # the token is for this caller only
    return response


@views.get("/invitations/<token>/qr.svg")
def invitation_qr_svg(token: str):
    return _qr_image(token, qr.svg, "image/svg+xml")


@views.get("/invitations/<token>/qr.png")
def invitation_qr_png(token: str):
    return _qr_image(token, qr.png, "image/png")


@views.get("/openapi.json")
def openapi():
    return jsonify(document(current_app.config["PUBLIC_BASE_URL"]))


def _qr_image(token: str, render, mimetype: str) -> Response:
    """Only for the agency that issued it: otherwise this would tell anyone a token exists."""
    invitation = invitations.find_for_key(current_key(), token)
    if invitation is None:
        raise ApiError(404, "unknown_invitation", "No invitation of your agency has this token.")
    try:
        invitations.find_open(token)
    except invitations.TokenProblem:
        raise ApiError(410, "invitation_closed",
                       "This invitation has expired or was answered.") from None
    url = qr.invitation_url(current_app.config["PUBLIC_BASE_URL"], token)
    response = Response(render(url), mimetype=mimetype)
    response.headers["Cache-Control"] = "private, no-store"
    return response
