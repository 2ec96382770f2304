"""The insider's test: with a full dump of the database, can an answer be matched with
the invitation (and so the dossier) that allowed it?

Invitations are issued through the real API for guessable dossier numbers, each
citizen answers through the real link with a comment, then the test dumps every
table and plays the attacker: for each answer, the invitations consistent with
every value the two rows share (counter, sector, procedure) and with every time
(issued before the answer's hour, open at it, used at it when a time of use is
kept). No answer may be matched to fewer than K invitations, and no stored dossier
value may be recomputed from a dossier number without the server's key.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select

from support import Citizen
from survey_app.extensions import db
from survey_app.models import Procedure, Sector, utcnow
from survey_app.services.access import api_keys
from survey_app.services.responses.tokens import sha256_hex

K = 5
COUNTER, SECTOR = "ttphc-tu-phap", "ho-tich"
DOSSIERS = [f"000.00.12.H62-261201-10{i:02d}" for i in range(8)]


@pytest.fixture
def answered(app, client, survey_data):
    """Eight invitations of one counter and sector, each for another procedure where
    the sector has enough, issued over four days and all answered with a comment."""
    with app.app_context():
        key, _ = api_keys.create("ttphc-tinh", "one-stop")
        sector_id = db.session.execute(
            select(Sector.id).where(Sector.code == SECTOR)).scalar_one()
        procedures = db.session.execute(
            select(Procedure.code).where(Procedure.sector_id == sector_id)
            .order_by(Procedure.code)).scalars().all()
    tokens = []
    for number, dossier in enumerate(DOSSIERS):
        body = {"counter": COUNTER, "sector": SECTOR, "dossier": dossier,
                "procedure": procedures[number % len(procedures)]}
        reply = client.post("/api/v1/invitations", json=body,
                            headers={"Authorization": f"Bearer {key}"})
        assert reply.status_code == 201, reply.get_json()
        tokens.append(reply.get_json()["token"])
    _spread_issue_times(app, days=4)
    for number, token in enumerate(tokens):
        citizen = Citizen(client, address=f"198.51.100.{number + 1}")
        sent = citizen.answer(f"/t/{token}", {"q_overall": "4", "cc1": "5",
                                              "q_comment": f"Góp ý số {number}"})
        assert sent.status_code == 302
    with app.app_context():
        return _dump()


def _spread_issue_times(app, days: int) -> None:
    """As if the links had been issued over the last days (the time a real day gives)."""
    with app.app_context():
        table = db.metadata.tables["invitations"]
        ids = db.session.execute(select(table.c.id).order_by(table.c.id)).scalars().all()
        now = utcnow()
        for position, row_id in enumerate(ids):
            created = now - timedelta(days=position % days, hours=position)
            db.session.execute(table.update().where(table.c.id == row_id).values(
                created_at=created, expires_at=created + timedelta(days=30)))
        db.session.commit()


def _dump() -> dict[str, list[dict]]:
    """Every row of every table, as an insider with a database dump has them."""
    return {name: [dict(row._mapping) for row in db.session.execute(select(table))]
            for name, table in db.metadata.tables.items()}


def _naive(moment):
    return moment.replace(tzinfo=None) if moment is not None else None


def _consistent(invitation: dict, response: dict) -> bool:
    shared = (set(invitation) & set(response)) - {"id", "created_at"}
    for column in shared:
        if invitation[column] is not None and response[column] is not None \
                and invitation[column] != response[column]:
            return False
    hour = _naive(response["submitted_hour"])
    if _naive(invitation["created_at"]) >= hour + timedelta(hours=1):
        return False  # issued after the answer
    if _naive(invitation["expires_at"]) <= hour:
        return False  # closed before the answer
    used_at = _naive(invitation.get("used_at"))
    return used_at is None or used_at == hour


def _was_used(invitation: dict) -> bool:
    return bool(invitation.get("used")) or invitation.get("used_at") is not None


def test_no_answer_matches_fewer_than_k_invitations(answered):
    used = [row for row in answered["invitations"] if _was_used(row)]
    assert len(used) == len(DOSSIERS)
    by_token = [row for row in answered["responses"] if row["channel"] == "token"]
    assert len(by_token) == len(DOSSIERS)
    commented = {row["response_id"] for row in answered["comments"]}
    assert commented == {row["id"] for row in by_token}
    matches = [sum(_consistent(invitation, response) for invitation in used)
               for response in by_token]
    assert min(matches) >= K, f"answers matched to {sorted(matches)} invitations"


def test_a_dossier_number_cannot_be_found_in_the_dump_without_the_key(answered):
    guesses = {sha256_hex(dossier) for dossier in DOSSIERS}
    stored = {value for row in answered["invitations"] for value in row.values()
              if isinstance(value, str)}
    assert len(stored & guesses) == 0
    stored_anywhere = {str(value) for rows in answered.values() for row in rows
                       for value in row.values()}
    assert not any(dossier in value for dossier in DOSSIERS for value in stored_anywhere)
