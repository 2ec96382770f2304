"""Citizen-satisfaction surveys: the Flask application factory."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from flask import Flask

from survey_app import assets, compression
from survey_app import config as app_config
from survey_app.extensions import babel, csrf, db, limiter, login_manager, migrate
from survey_app.serving import redact_app_logs


def create_app(config: Mapping | None = None) -> Flask:
    """Build the app; `config` overrides the environment (tests pass their own)."""
    app = Flask(__name__, instance_path=str(app_config.INSTANCE_DIR))
    app.config.update(app_config.from_environment())
    app.config.update(app_config.FIXED)
    if config:
        app.config.update(config)
    try:
        app_config.validate(app.config)
    except app_config.ConfigurationError as error:
        from survey_app.commands.refusal import refuse_in_cli

        refuse_in_cli(error)  # a `flask` command: one line and exit 2, not a traceback
        raise
    app_config.INSTANCE_DIR.mkdir(exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    assets.init_app(app)
    compression.init_app(app)

    from survey_app.commands import register_commands
    from survey_app.web import register_web_hooks

    register_web_hooks(app)
    register_commands(app)
    _quiet_sql_logs(app)
    redact_app_logs(app)
    logging.getLogger(__name__).debug("app created")
    return app


def _init_extensions(app: Flask) -> None:
    from survey_app import models  # noqa: F401 - register every table on the metadata
    from survey_app.database import configure_engine
    from survey_app.i18n import select_locale, select_timezone
    from survey_app.services.jobs import queue

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    migrate.init_app(app, db, directory=str(app_config.MIGRATIONS_DIR))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    login_manager.init_app(app)
    limiter.init_app(app)
    queue.configure(app)


def _register_blueprints(app: Flask) -> None:
    from survey_app import api, public, staff
    from survey_app.health import bp as health_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(public.make_blueprint())
    app.register_blueprint(staff.make_blueprint(), url_prefix="/staff")
    app.register_blueprint(api.make_blueprint(), url_prefix="/api/v1")


def _quiet_sql_logs(app: Flask) -> None:
    """SQL is logged only when asked for (SQLALCHEMY_ECHO): a root logger at DEBUG would
    otherwise make SQLAlchemy log result rows, i.e. citizens' comments and contacts."""
    sql_logger = logging.getLogger("sqlalchemy.engine")
    if not app.config.get("SQLALCHEMY_ECHO") and sql_logger.level == logging.NOTSET:
        sql_logger.setLevel(logging.WARNING)
