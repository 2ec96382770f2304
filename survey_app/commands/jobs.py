"""flask jobs worker: run the task queue's worker (long paper imports, large reports and
packages, the daily purge)."""

from __future__ import annotations

import logging

import click
from flask.cli import AppGroup

from survey_app.services.jobs import (
    paper,  # noqa: F401 - registers its task on the queue
    periodic,  # noqa: F401 - registers the daily purge
    queue,
    reports,  # noqa: F401 - registers its task on the queue
)

jobs = AppGroup("jobs", help="The task queue: long work run outside the web request.")


@jobs.command("worker", help="Run the queue's worker until stopped (Ctrl-C or SIGTERM).")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 16),
              help="Tasks run at the same time (threads).")
def worker(workers: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread",
                                          periodic=True)
    consumer.run()
