"""GET /healthz: the app is up and its database answers."""

from __future__ import annotations

from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from survey_app.extensions import db, limiter

bp = Blueprint("health", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        db.session.rollback()
        reason = type(error.orig or error).__name__
        return jsonify(status="error", database="unreachable", reason=reason), 503
    return jsonify(status="ok", database="ok")
