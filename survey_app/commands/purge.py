"""flask purge [--older-than 730d] [--dry-run]: anonymise comments past their retention.

Run it daily from cron or a systemd timer; it only touches what has become due.
"""

from __future__ import annotations

import click
from flask import current_app

from survey_app.i18n import local_time
from survey_app.services.responses import retention

INVALID = 2


@click.command("purge", help="Anonymise comments and contact details older than the "
                             "retention period (COMMENT_RETENTION_DAYS by default).")
@click.option("--older-than", "older_than", default=None, metavar="PERIOD",
              help="e.g. 730d, 104w or 2y (default: COMMENT_RETENTION_DAYS days).")
@click.option("--dry-run", is_flag=True, help="Count what would be anonymised; change nothing.")
def purge(older_than, dry_run):
    try:
        period = (retention.parse_period(older_than) if older_than is not None
                  else retention.default_period(current_app.config))
        summary = retention.purge(period, dry_run=dry_run)
    except retention.RetentionError as error:
        click.echo(f"error: {error}", err=True)
        raise SystemExit(INVALID) from None
    verb = "would anonymise" if dry_run else "anonymised"
    cutoff = local_time(summary.cutoff)
    click.echo(
        f"{verb} {summary.comments} comment(s), {summary.contacts} with contact details, "
        f"and {summary.dossiers} dossier reference(s) from before {cutoff:%Y-%m-%d %H:%M} "
        f"(older than {period.days} days)"
    )
