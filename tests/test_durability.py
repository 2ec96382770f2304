"""No response lost or stored twice when the server is killed mid-flight (SIGKILL).

gunicorn serves the app on loopback against this run's database (the SQLite test
file, or PostgreSQL with TEST_DATABASE_URL). Concurrent citizens answer through
single-use transaction links (/t/<token>) and counter QR codes (/c/<counter>/<sector>):
GET the form, fill it in, POST it. Twice during the run the whole server (master and
workers) is killed with SIGKILL and started again. A citizen who got no answer sends
the same form again — the same submission id, as a browser's resubmit does — until
the thank-you redirect arrives.

At the end the database must hold exactly one response for every citizen (each was
finally told "thank you"), none twice, each with all of its answers, and exactly one
used invitation for each transaction link.
"""

from __future__ import annotations

import http.client
import os
import random
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

import pytest
from live_server import Browser, FilledForm, LiveServer, fill_form
from sqlalchemy import func, select

from support import IN_CI
from survey_app.extensions import db
from survey_app.models import (
    Answer,
    Comment,
    Counter,
    Invitation,
    QuestionnaireVersion,
    Response,
    utcnow,
)
from survey_app.services.questionnaires.files import items_of
from survey_app.services.responses import tokens

# CI runs the full count on each database; a developer's run a smaller one by default.
SUBMISSIONS = int(os.environ.get("DURABILITY_SUBMISSIONS", "2000" if IN_CI else "200"))
CLIENTS = 16
TOKEN_SHARE = 0.5
KILLS_AT = (0.3, 0.65)  # share of citizens thanked when the server is killed
# Seconds for the whole run (every loop below stops by then): generous, since a form
# costs ~0.1 s of CPU on a 2-core machine shared with the load generator.
DEADLINE = 120 + SUBMISSIONS * 0.25
pytestmark = [pytest.mark.slow, pytest.mark.timeout(DEADLINE + 300)]


@dataclass
class Citizen:
    number: int
    path: str
    channel: str
    form: FilledForm | None = None
    thanked: bool = False
    interrupted: int = 0  # requests that got no answer (server killed or restarting)
    server_errors: int = 0
    unexpected: str | None = None


class Run:
    """The citizens, the threads that play them, and the killer."""

    def __init__(self, server: LiveServer, citizens: list[Citizen]):
        self.server = server
        self.citizens = citizens
        self.queue = list(reversed(citizens))
        self.lock = threading.Lock()
        self.thanked = 0
        self.deadline = time.monotonic() + DEADLINE
        self.kills: list[int] = []  # thanked citizens at each kill

    def next_citizen(self) -> Citizen | None:
        with self.lock:
            return self.queue.pop() if self.queue else None

    def play(self, seed: int) -> None:
        rng = random.Random(seed)
        while (citizen := self.next_citizen()) is not None:
            self.answer(citizen, rng)

    def answer(self, citizen: Citizen, rng: random.Random) -> None:
        browser = Browser(self.server.port, address=f"2001:db8::{citizen.number + 1:x}")
        while time.monotonic() < self.deadline:
            try:
                if citizen.form is None:
                    status, _headers, page = browser.send("GET", citizen.path)
                    if status >= 500:
                        citizen.server_errors += 1
                        time.sleep(0.2)
                        continue
                    if status != 200:
                        citizen.unexpected = f"GET {status}"
                        return
                    citizen.form = fill_form(page, rng)
                status, headers, _page = browser.send("POST", citizen.path, citizen.form.data)
            except (OSError, http.client.HTTPException):
                citizen.interrupted += 1  # no answer: send the very same form again
                time.sleep(0.2)
                continue
            if status >= 500:
                citizen.server_errors += 1
                time.sleep(0.2)
                continue
            if status in (302, 303) and "/thanks" in headers.get("Location", ""):
                citizen.thanked = True
                with self.lock:
                    self.thanked += 1
            else:
                citizen.unexpected = f"POST {status}"
            return

    def kill_and_restart(self) -> None:
        for share in KILLS_AT:
            while self.thanked < share * len(self.citizens):
                if time.monotonic() > self.deadline:
                    return
                time.sleep(0.02)
            self.server.kill()
            self.kills.append(self.thanked)
            time.sleep(0.3)
            self.server.start()


def citizens_for(count: int) -> list[Citizen]:
    """Half with a transaction link (invitations inserted here), half at a counter."""
    counters = [c for c in db.session.execute(
        select(Counter).where(Counter.active.is_(True)).order_by(Counter.id)).scalars()
        if c.sectors]
    assert counters, "the reference data has no active counter with a sector"
    citizens = []
    for number in range(count):
        counter = counters[number % len(counters)]
        sector = counter.sectors[number % len(counter.sectors)]
        if number % 2 == 0 and number < 2 * count * TOKEN_SHARE:
            token = tokens.new_token()
            db.session.add(Invitation(
                token_sha256=tokens.sha256_hex(token), counter_id=counter.id,
                sector_id=sector.id, expires_at=utcnow() + timedelta(days=1)))
            citizens.append(Citizen(number, f"/t/{token}", "token"))
        else:
            citizens.append(Citizen(number, f"/c/{counter.code}/{sector.code}", "counter"))
    db.session.commit()
    return citizens


def item_ids() -> set[str]:
    definitions = db.session.execute(select(QuestionnaireVersion.definition)).scalars()
    return {item for definition in definitions for item in items_of(definition)}


def test_no_response_is_lost_or_doubled_when_the_server_is_killed(
        reference_data, database_url, tmp_path):
    citizens = citizens_for(SUBMISSIONS)
    server = LiveServer(database_url, tmp_path / "gunicorn.log", workers=3, TRUSTED_PROXIES=1)
    server.start()
    run = Run(server, citizens)
    players = [threading.Thread(target=run.play, args=(seed,)) for seed in range(CLIENTS)]
    killer = threading.Thread(target=run.kill_and_restart)
    try:
        for thread in [*players, killer]:
            thread.start()
        for thread in [*players, killer]:
            thread.join(timeout=DEADLINE + 60)
    finally:
        server.stop()

    # Every citizen was finally thanked, through two kills that hit requests in flight.
    unexpected = [(c.path.split("/")[1], c.unexpected) for c in citizens if c.unexpected]
    assert not unexpected, unexpected[:10]
    assert all(c.thanked for c in citizens), sum(not c.thanked for c in citizens)
    assert len(run.kills) == len(KILLS_AT)
    assert all(0 < kill < len(citizens) for kill in run.kills), run.kills
    assert sum(c.interrupted for c in citizens) > 0, "no kill hit a request in flight"

    db.session.remove()
    stored = dict(db.session.execute(
        select(Response.submission_id, func.count()).group_by(Response.submission_id)).all())
    sent = {c.form.data["submission_id"]: c for c in citizens}
    assert len(sent) == len(citizens)
    # Exactly once each, and nothing that no citizen sent.
    assert set(stored) == set(sent)
    assert set(stored.values()) == {1}

    # Each response whole: all of its answers, none extra; no answer without its response.
    items = item_ids()
    answers = dict(db.session.execute(
        select(Response.submission_id, func.count(Answer.id))
        .join(Answer, Answer.response_id == Response.id, isouter=True)
        .group_by(Response.submission_id)).all())
    expected = {sid: len(items & set(c.form.data)) for sid, c in sent.items()}
    assert answers == expected
    orphans = db.session.execute(
        select(func.count()).select_from(Answer)
        .where(~Answer.response_id.in_(select(Response.id)))).scalar()
    assert orphans == 0
    assert db.session.execute(select(func.count()).select_from(Comment)).scalar() == 0

    # One used invitation per transaction link, and as many token responses.
    by_channel = dict(db.session.execute(
        select(Response.channel, func.count()).group_by(Response.channel)).all())
    links = sum(c.channel == "token" for c in citizens)
    assert by_channel == {"token": links, "counter": len(citizens) - links}
    used = db.session.execute(
        select(func.count()).select_from(Invitation).where(Invitation.used.is_(True))
    ).scalar()
    assert used == links == db.session.execute(
        select(func.count()).select_from(Invitation)).scalar()
