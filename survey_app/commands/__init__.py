"""`flask` command groups: thin shells over the services."""

from flask import Flask


def register_commands(app: Flask) -> None:
    from survey_app.commands import second_factor  # noqa: F401 - adds `users totp-reset`
    from survey_app.commands.api_keys import api_keys
    from survey_app.commands.demo import demo
    from survey_app.commands.imports import import_responses
    from survey_app.commands.jobs import jobs
    from survey_app.commands.partitions import partitions
    from survey_app.commands.purge import purge
    from survey_app.commands.qr import qr
    from survey_app.commands.questionnaires import questionnaires
    from survey_app.commands.reference import reference
    from survey_app.commands.refusal import refuse_missing_schema
    from survey_app.commands.report import report
    from survey_app.commands.rollups import rollups
    from survey_app.commands.users import users

    for group in (questionnaires, reference, users, api_keys, qr, jobs, rollups, partitions):
        app.cli.add_command(group)
    app.cli.add_command(demo)
    app.cli.add_command(report)
    app.cli.add_command(import_responses)
    app.cli.add_command(purge)
    for command in (questionnaires, reference, users, api_keys, qr, jobs, rollups, demo,
                    report, import_responses, purge, partitions):
        refuse_missing_schema(command)
