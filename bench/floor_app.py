"""The submit benchmark's floor: the baseline plus only what a survey submit must do.

Served like the app and the baseline (`-c gunicorn.conf.py bench.floor_app:app`),
against the same database, at the same path as the app's counter form. One view:

- the survey forms' own signed token (`public/form_token.py`: the page's submission id
  and path, and the request's Sec-Fetch-Site/Origin), as the app checks it;
- Flask-Limiter counts the same limits as the survey's POST (per address
  FORM_POST, per place PLACE_RATE_LIMIT), in the same storage;
- the questionnaire's own WTForms form (`survey_forms.build_form_class`) validates
  the answers;
- `submissions.add_response` writes the response and its answers; one commit.

Nothing else: no counter or questionnaire lookup (read once at start-up), no
template, language choice, security headers, device mark or error pages. It
shows how close the app comes to what its libraries cost, and so what the
baseline ratio can reach while the submit path keeps them. GET answers 405: the
benchmark sends it the same bodies and tokens as the app (same secret).
"""

from __future__ import annotations

from flask import Flask, abort, redirect
from sqlalchemy import select
from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app import config as app_config
from survey_app.database import configure_engine
from survey_app.extensions import babel, db, limiter
from survey_app.models import Counter
from survey_app.public import form_token
from survey_app.public.limits import FORM_POST, place_bucket, place_limit
from survey_app.services.questionnaires.forms import build_form_class
from survey_app.services.questionnaires.versions import current_version
from survey_app.services.responses import submissions
from survey_app.services.responses.survey_points import COUNTER_QUESTIONNAIRE

app = Flask(__name__)
app.config.update(app_config.from_environment())
app.config.update(app_config.FIXED)
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["TRUSTED_PROXIES"])
db.init_app(app)
babel.init_app(app)
limiter.init_app(app)

with app.app_context():
    configure_engine(db.engine)
    _version = current_version(COUNTER_QUESTIONNAIRE)
    _counters = {c.code: c for c in db.session.execute(select(Counter)).scalars()}
    ORIGINS = {
        (code, sector.code): submissions.Origin(
            questionnaire_version_id=_version.id, definition=_version.definition,
            agency_id=counter.agency_id, counter_id=counter.id, sector_id=sector.id,
            channel="counter", language="vi")
        for code, counter in _counters.items() for sector in counter.sectors
    }
    FORM = build_form_class(_version.definition, "vi")
    db.session.remove()


@app.post("/c/<counter_code>/<sector_code>")
@limiter.limit(FORM_POST)
@limiter.limit(place_limit, key_func=place_bucket)
def submit(counter_code, sector_code):
    origin = ORIGINS.get((counter_code, sector_code)) or abort(404)
    form = FORM()
    if form_token.intent(form) != "send" or not form.validate():
        abort(422)
    submissions.add_response(origin, form.answers(), submission_id=form.submission_id.data)
    db.session.commit()
    return redirect("/thanks")


@app.get("/healthz")
def healthz():
    return "ok"
