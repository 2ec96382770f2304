"""Retention: comments and contact details anonymised after the period, aggregates kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from seeding import add_responses
from sqlalchemy import func, select

from survey_app.extensions import db
from survey_app.models import Answer, AuditLog, Comment, Invitation, Response, utcnow
from survey_app.services.access import api_keys
from survey_app.services.responses import invitations, retention
from survey_app.services.responses.submissions import hour_of

PHONE, EMAIL = "0912 345 678", "nguyen.thi.hoa@example.vn"


def _seed(age_days: int, *, contact: bool, text: str) -> Response:
    at = hour_of(utcnow() - timedelta(days=age_days))
    response = add_responses(1, scores=2, agency="ttphc-tinh", sector="dat-dai",
                             counter="ttphc-dat-dai", at=at,
                             answers={"q1_1": 4})[0]
    comment = Comment(item_code="q_comment", text=text, tags=["thai-do"], status="handled",
                      reply_note=f"Đã gọi lại {PHONE}")
    if contact:
        comment.contact_consent = True
        comment.contact_name, comment.contact_phone = "Nguyễn Thị Hoa", PHONE
        comment.contact_email = EMAIL
    response.comments.append(comment)
    db.session.commit()
    return response


@pytest.fixture
def seeded(reference_data):
    old = _seed(800, contact=True, text=f"Gọi tôi ở số {PHONE}")
    old_plain = _seed(731, contact=False, text="Chờ quá lâu")
    recent = _seed(100, contact=True, text="Cán bộ tận tình")
    key, _ = api_keys.create("ttphc-tinh", "retention")
    issued = invitations.issue(api_keys.authenticate(key), "ttphc-dat-dai", dossier="H62-0001")
    row = db.session.execute(select(Invitation)).scalar_one()
    row.created_at = utcnow() - timedelta(days=900)
    row.expires_at = utcnow() - timedelta(days=870)
    invitations.issue(api_keys.authenticate(key), "ttphc-dat-dai", dossier="H62-0002")
    db.session.commit()
    return {"old": old.id, "old_plain": old_plain.id, "recent": recent.id, "token": issued.token}


def _comment(response_id: int) -> Comment:
    db.session.expire_all()
    return db.session.execute(
        select(Comment).where(Comment.response_id == response_id)).scalar_one()


def _counts() -> tuple:
    return tuple(db.session.execute(select(func.count()).select_from(model)).scalar_one()
                 for model in (Response, Answer, Comment, Invitation))


def test_dry_run_counts_and_changes_nothing(seeded):
    before = _counts()
    summary = retention.purge(timedelta(days=730), dry_run=True)
    assert (summary.comments, summary.contacts, summary.dossiers) == (2, 1, 1)
    assert _comment(seeded["old"]).contact_phone == PHONE
    assert _counts() == before
    assert db.session.execute(select(AuditLog)).first() is None


def test_purge_anonymises_old_comments_and_keeps_aggregates(seeded):
    before = _counts()
    scores = db.session.execute(select(Response.overall_score).order_by(Response.id)).all()
    summary = retention.purge(timedelta(days=730))
    assert (summary.comments, summary.contacts, summary.dossiers) == (2, 1, 1)
    old = _comment(seeded["old"])
    assert old.text == ""
    assert (old.contact_name, old.contact_phone, old.contact_email) == (None, None, None)
    assert old.contact_consent is False
    assert old.reply_note is None
    assert old.purged_at is not None
    assert (old.status, old.tags, old.item_code) == ("handled", ["thai-do"], "q_comment")
    assert _comment(seeded["old_plain"]).text == ""
    recent = _comment(seeded["recent"])
    assert (recent.text, recent.contact_phone, recent.purged_at) == (
        "Cán bộ tận tình", PHONE, None)
    assert _counts() == before
    assert db.session.execute(select(Response.overall_score).order_by(Response.id)).all() == scores
    dossiers = db.session.execute(
        select(Invitation.dossier_hmac).order_by(Invitation.id)).scalars().all()
    assert dossiers[0] is None
    assert dossiers[1] is not None
    audit = db.session.execute(select(AuditLog)).scalar_one()
    assert audit.action == "retention.purge"
    assert audit.user_id is None
    assert (audit.detail["comments"], audit.detail["contacts"], audit.detail["days"]) == (
        2, 1, 730)
    assert PHONE not in str(audit.detail)
    assert EMAIL not in str(audit.detail)
    # Nothing is due twice.
    assert retention.purge(timedelta(days=730)).comments == 0


def test_cli_purge_uses_the_configured_period(seeded, runner, app):
    app.config["COMMENT_RETENTION_DAYS"] = 50
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would anonymise 3 comment(s), 2 with contact details" in dry.output
    assert "older than 50 days" in dry.output
    assert _comment(seeded["recent"]).contact_phone == PHONE
    real = runner.invoke(args=["purge", "--older-than", "2y"])
    assert real.exit_code == 0, real.output
    assert "anonymised 2 comment(s), 1 with contact details" in real.output
    assert PHONE not in real.output
    assert EMAIL not in real.output
    assert _comment(seeded["recent"]).contact_phone == PHONE


@pytest.mark.parametrize("period", ["", "730", "two years", "0d", "-5d", "3m", "1d; DROP"])
def test_cli_purge_refuses_a_bad_period(seeded, runner, period):
    before = _counts()
    result = runner.invoke(args=["purge", "--older-than", period])
    assert result.exit_code == 2
    assert "error:" in result.output
    assert _counts() == before
    assert _comment(seeded["old"]).contact_phone == PHONE


@pytest.mark.parametrize(("text", "days"), [("730d", 730), ("104w", 728), ("2y", 730),
                                            (" 1d ", 1)])
def test_parse_period(text, days):
    assert retention.parse_period(text) == timedelta(days=days)
