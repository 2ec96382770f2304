"""Work the worker runs on a clock: the daily retention purge (and built reports older
than a week dropped), and the monthly partitions created ahead (PostgreSQL).

`flask purge` still exists for cron; with the worker running (make run, make serve,
the systemd unit in docs/deployment.md) nobody has to remember to schedule it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from survey_app.extensions import db
from survey_app.services import partitions
from survey_app.services.jobs import queue, reports
from survey_app.services.responses import retention

log = logging.getLogger(__name__)


# 02:30 local time: the quietest hour of the citizen's path.
PURGE_AT = (2, 30)


def _at_local(moment: datetime, hour_minute: tuple[int, int]) -> bool:
    """Whether the scheduler's minute (naive UTC, as huey passes it) is `hour_minute` in
    the app's DISPLAY_TIMEZONE."""
    zone = ZoneInfo(queue.app().config["DISPLAY_TIMEZONE"])
    local = moment.replace(tzinfo=UTC).astimezone(zone)
    return (local.hour, local.minute) == hour_minute


def at_local_purge_time(moment: datetime) -> bool:
    """02:30 in DISPLAY_TIMEZONE (19:30 UTC in Asia/Ho_Chi_Minh)."""
    return _at_local(moment, PURGE_AT)


@queue.huey.periodic_task(at_local_purge_time, name="daily_purge")
def daily_purge() -> None:
    app = queue.app()
    with app.app_context():
        try:
            summary = retention.purge(retention.default_period(app.config))
            log.info("retention purge: %s comment(s), %s dossier reference(s) anonymised",
                     summary.comments, summary.dossiers)
            log.info("built reports dropped: %s", reports.forget_old_files())
        finally:
            db.session.remove()


# 02:45 local, after the purge; a month is created three months before it begins, so a
# worker that was down for weeks still leaves no row to the default partition.
PARTITIONS_AT = (2, 45)


def at_local_partition_time(moment: datetime) -> bool:
    return _at_local(moment, PARTITIONS_AT)


@queue.huey.periodic_task(at_local_partition_time, name="daily_partitions")
def daily_partitions() -> None:
    """`flask partitions ensure`: the coming months' partitions (nothing on SQLite)."""
    app = queue.app()
    with app.app_context():
        try:
            created = partitions.ensure(db.session.connection())
            db.session.commit()
            log.info("partitions created: %s", ", ".join(created) or "none needed")
        except partitions.PartitionRefused as refused:
            db.session.rollback()
            log.error("partitions: %s", refused)
        finally:
            db.session.remove()
