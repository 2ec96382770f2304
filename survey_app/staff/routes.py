"""Staff pages."""

from flask import render_template

from . import bp


@bp.get("/")
def dashboard():
    return render_template("staff/dashboard.html")
