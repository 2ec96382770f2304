"""The citizen's reply page: read the agency's answer to their feedback and rate it.

/r/<token> is the single-use link staff sent to the contact the citizen gave (see
services/feedback/replies.py). An unknown, used or expired link is a 404 page that
says so, never a traceback and never a hint of whose case it was.
"""

from __future__ import annotations

from flask import render_template, request

from survey_app.extensions import csrf, limiter
from survey_app.models.feedback import CASE_RATINGS
from survey_app.public import form_token
from survey_app.routing import Views
from survey_app.services.feedback import replies

views = Views()


# No session-bound CSRF token: the link's single-use secret is what a forged post would
# need, and a browser refusing cookies can still rate (as on the survey forms).
@csrf.exempt
@views.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit("20 per minute")
def reply(token: str):
    if request.method == "POST":
        form_token.refuse_other_sites()
        rating = request.form.get("rating", "")
        if rating not in CASE_RATINGS:
            return _page(token, missing=True), 400
        try:
            replies.rate(token, rating)
        except replies.ReplyLinkInvalid:
            return render_template("public/reply_gone.html"), 404
        return render_template("public/reply_thanks.html")
    return _page(token)


def _page(token: str, missing: bool = False):
    try:
        view = replies.read_reply(token)
    except replies.ReplyLinkInvalid:
        return render_template("public/reply_gone.html"), 404
    return render_template("public/reply.html", view=view, missing=missing)
