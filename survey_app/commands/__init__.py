"""`flask` command groups: thin shells over the services."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from .demo import demo
    from .api_keys import api_keys
    from .imports import import_responses
    from .questionnaires import questionnaires
    from .reference import reference
    from .users import users

    for group in (questionnaires, reference, users, api_keys):
        app.cli.add_command(group)
    app.cli.add_command(import_responses)
    app.cli.add_command(demo)
