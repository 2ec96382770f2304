"""Invitations: checks on counter, agency, sector and procedure; hashes only; token lookup."""

import re
import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from support import PUBLIC_BASE_URL
from survey_app.config import server_key
from survey_app.extensions import db
from survey_app.models import ApiKey, Counter, Invitation, Procedure
from survey_app.services.access import api_keys
from survey_app.services.responses import invitations
from survey_app.services.responses.tokens import dossier_hmac, sha256_hex


@pytest.fixture
def centre_key(reference_only):
    """A key of the provincial service centre (its counters are ttphc-*)."""
    key, _ = api_keys.create("ttphc-tinh", "centre")
    return api_keys.authenticate(key)


def _only_invitation() -> Invitation:
    return db.session.execute(select(Invitation)).scalar_one()


def test_issue_returns_a_short_token_link_and_stores_hashes_only(centre_key):
    issued = invitations.issue(centre_key, "ttphc-tu-phap", "ho-tich",
                               dossier="000.00.12.H62-250101-0001")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", issued.token)  # 128 bits in 22 characters
    assert issued.url == f"{PUBLIC_BASE_URL}/t/{issued.token}"
    row = _only_invitation()
    assert row.token_sha256 == sha256_hex(issued.token)
    assert row.dossier_hmac == dossier_hmac(
        "000.00.12.H62-250101-0001", server_key(current_app.config, "DOSSIER_HASH_KEY"))
    assert row.dossier_hmac != sha256_hex("000.00.12.H62-250101-0001")  # guessable
    assert (row.counter.code, row.sector.code, row.procedure) == ("ttphc-tu-phap", "ho-tich", None)
    assert row.api_key_id == centre_key.id
    for column in Invitation.__table__.columns:
        value = str(getattr(row, column.key))
        assert issued.token not in value
        assert "H62-250101" not in value


def test_expiry_defaults_to_the_configured_days(centre_key, app):
    before = datetime.now(UTC)
    issued = invitations.issue(centre_key, "ttphc-dat-dai")
    days = app.config["INVITATION_TTL_DAYS"]
    assert before + timedelta(days=days) <= issued.expires_at
    assert issued.expires_at <= datetime.now(UTC) + timedelta(days=days)
    short = invitations.issue(centre_key, "ttphc-dat-dai", ttl_days=2)
    assert short.expires_at < datetime.now(UTC) + timedelta(days=2, seconds=1)


def test_single_sector_counter_needs_no_sector(centre_key):
    invitations.issue(centre_key, "ttphc-dat-dai")
    assert _only_invitation().sector.code == "dat-dai"


def test_procedure_implies_its_sector(centre_key):
    invitations.issue(centre_key, "ttphc-tu-phap", procedure_code="dang-ky-khai-sinh")
    row = _only_invitation()
    assert (row.sector.code, row.procedure.code) == ("ho-tich", "dang-ky-khai-sinh")


def test_parent_agency_key_covers_its_sub_units(reference_only):
    key, _ = api_keys.create("vp-ubnd-tinh")  # parent of the service centre
    invitations.issue(api_keys.authenticate(key), "ttphc-dat-dai")
    assert _only_invitation().counter.code == "ttphc-dat-dai"


@pytest.mark.parametrize(("args", "error"), [
    (("no-such-counter", "dat-dai", None), invitations.UnknownInvitationCounter),
    (("ca-tinh-1c", "cu-tru", None), invitations.CounterOfAnotherAgency),
    (("ttphc-tu-phap", "no-such-sector", None), invitations.UnknownSector),
    (("ttphc-tu-phap", None, "no-such-procedure"), invitations.UnknownProcedure),
    (("ttphc-tu-phap", "dat-dai", None), invitations.SectorNotServed),
    (("ttphc-tu-phap", None, "cap-gcn-lan-dau"), invitations.SectorNotServed),
    (("ttphc-tu-phap", None, None), invitations.SectorRequired),
    (("ttphc-tu-phap", "ho-tich", "chung-thuc-ban-sao"), invitations.ProcedureOfAnotherSector),
])
def test_each_problem_has_its_named_error_and_writes_nothing(centre_key, args, error):
    with pytest.raises(error):
        invitations.issue(centre_key, *args)
    assert db.session.execute(select(Invitation)).first() is None


def test_parent_key_cannot_reach_a_sibling_agency(reference_only):
    key, _ = api_keys.create("so-tu-phap")
    with pytest.raises(invitations.CounterOfAnotherAgency):
        invitations.issue(api_keys.authenticate(key), "ttphc-tu-phap", "tu-phap")


def test_inactive_counter_is_refused(centre_key):
    counter = db.session.execute(
        select(Counter).where(Counter.code == "ttphc-dat-dai")
    ).scalar_one()
    counter.active = False
    db.session.commit()
    with pytest.raises(invitations.InactiveCounter):
        invitations.issue(centre_key, "ttphc-dat-dai")


def test_procedure_without_a_sector_needs_one(centre_key):
    db.session.add(Procedure(code="khac", name_vi="Khác", name_en="Other"))
    db.session.commit()
    with pytest.raises(invitations.SectorRequired):
        invitations.issue(centre_key, "ttphc-tu-phap", procedure_code="khac")
    invitations.issue(centre_key, "ttphc-tu-phap", "tu-phap", "khac")
    row = _only_invitation()
    assert (row.sector.code, row.procedure.code) == ("tu-phap", "khac")


@pytest.mark.parametrize("dossier", ["", "   ", "x" * 201])
def test_bad_dossier_is_refused(centre_key, dossier):
    with pytest.raises(invitations.BadDossier):
        invitations.issue(centre_key, "ttphc-dat-dai", dossier=dossier)


@pytest.mark.parametrize("days", [0, -1, 367])
def test_bad_ttl_is_refused(centre_key, days):
    with pytest.raises(invitations.BadTtl):
        invitations.issue(centre_key, "ttphc-dat-dai", ttl_days=days)


def test_find_open_tells_unknown_expired_and_used_apart(centre_key):
    good = invitations.issue(centre_key, "ttphc-dat-dai")
    assert invitations.find_open(good.token).counter.code == "ttphc-dat-dai"
    for token in ["x" * 22, "", "../../etc", "a" * 500, good.token[:-1]]:
        with pytest.raises(invitations.UnknownToken):
            invitations.find_open(token)

    expired = invitations.issue(centre_key, "ttphc-dat-dai")
    row = db.session.execute(
        select(Invitation).where(Invitation.token_sha256 == sha256_hex(expired.token))
    ).scalar_one()
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    db.session.commit()
    with pytest.raises(invitations.ExpiredToken) as gone:
        invitations.find_open(expired.token)
    assert type(gone.value) is invitations.ExpiredToken  # not replaced: no newer link

    row = invitations.find_open(good.token)
    row.used = True
    db.session.commit()
    with pytest.raises(invitations.UsedToken):
        invitations.find_open(good.token)


def test_reissue_for_a_dossier_supersedes_the_open_link(centre_key):
    first = invitations.issue(centre_key, "ttphc-dat-dai", dossier="HS-1")
    other = invitations.issue(centre_key, "ttphc-dat-dai", dossier="HS-2")
    second = invitations.issue(centre_key, "ttphc-dat-dai", dossier="HS-1")
    with pytest.raises(invitations.ReplacedToken) as replaced:
        invitations.find_open(first.token)
    assert replaced.value.counter_code == "ttphc-dat-dai"
    assert invitations.find_open(second.token)
    assert invitations.find_open(other.token)


def test_answered_dossier_gets_no_second_invitation(centre_key):
    first = invitations.issue(centre_key, "ttphc-dat-dai", dossier="HS-1")
    invitations.find_open(first.token).used = True
    db.session.commit()
    with pytest.raises(invitations.DossierAnswered):
        invitations.issue(centre_key, "ttphc-dat-dai", dossier="HS-1")
    assert len(db.session.execute(select(Invitation)).all()) == 1


def test_find_for_key_only_within_the_issuing_agency(centre_key, reference_only):
    issued = invitations.issue(centre_key, "ttphc-dat-dai")
    sibling, _ = api_keys.create("ttphc-tinh", "second system")
    stranger, _ = api_keys.create("so-tu-phap")
    assert invitations.find_for_key(api_keys.authenticate(sibling), issued.token) is not None
    assert invitations.find_for_key(api_keys.authenticate(stranger), issued.token) is None
    assert invitations.find_for_key(centre_key, "not-a-token!") is None


def test_simultaneous_requests_for_one_dossier_leave_one_open_link(app, centre_key):
    """A one-stop system that retries at once sends the same dossier twice in parallel:
    the dossier still ends with exactly one link that can be answered."""
    key_id = centre_key.id
    db.session.commit()
    failures = []

    def issue(dossier: str, barrier: threading.Barrier) -> None:
        with app.app_context():
            key = db.session.get(ApiKey, key_id)
            barrier.wait()
            try:
                invitations.issue(key, "ttphc-dat-dai", dossier=dossier)
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                failures.append(repr(error))
            finally:
                db.session.remove()

    dossiers = [f"HS-cung-luc-{n}" for n in range(15)]
    for dossier in dossiers:
        barrier = threading.Barrier(2)
        pair = [threading.Thread(target=issue, args=(dossier, barrier)) for _ in range(2)]
        for thread in pair:
            thread.start()
        for thread in pair:
            thread.join(timeout=60)
    assert failures == []
    now = datetime.now(UTC)
    open_links = db.session.execute(
        select(Invitation.dossier_hmac, func.count())
        .where(Invitation.used.is_(False), Invitation.expires_at > now)
        .group_by(Invitation.dossier_hmac)
    ).all()
    assert sorted(count for _hash, count in open_links) == [1] * len(dossiers)
    assert db.session.scalar(select(func.count()).select_from(Invitation)) == 2 * len(dossiers)
