"""`flask` command groups: thin shells over the services."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from . import second_factor  # noqa: F401 - adds `users totp-reset`
    from .api_keys import api_keys
    from .demo import demo
    from .imports import import_responses
    from .purge import purge
    from .qr import qr
    from .questionnaires import questionnaires
    from .reference import reference
    from .report import report
    from .users import users

    for group in (questionnaires, reference, users, api_keys, qr):
        app.cli.add_command(group)
    app.cli.add_command(demo)
    app.cli.add_command(report)
    app.cli.add_command(import_responses)
    app.cli.add_command(purge)
