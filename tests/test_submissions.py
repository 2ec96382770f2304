"""The submit path: rows written, single-use links, re-sent forms, unlinkability, races."""

import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from survey_app.extensions import db
from survey_app.models import Answer, Comment, Counter, Invitation, Response, utcnow
from survey_app.services.questionnaires import versions as questionnaires
from survey_app.services.responses import submissions, tokens


@pytest.fixture
def origin(reference_data):
    version = questionnaires.current_version("administrative")
    counter = db.session.execute(select(Counter).order_by(Counter.id)).scalars().first()
    return submissions.Origin(
        questionnaire_version_id=version.id, definition=version.definition,
        agency_id=counter.agency_id, counter_id=counter.id, sector_id=counter.sectors[0].id,
        channel="token", language="vi",
    )


def invitation(origin, *, expires_in=timedelta(days=30)) -> str:
    token = tokens.new_token()
    db.session.add(Invitation(
        token_sha256=tokens.sha256_hex(token), counter_id=origin.counter_id,
        sector_id=origin.sector_id, expires_at=utcnow() + expires_in,
    ))
    db.session.commit()
    return token


def answers(origin, overall=5, **more):
    return {origin.definition["overall_item"]: overall, **more}


def count(model) -> int:
    return db.session.execute(select(func.count()).select_from(model)).scalar()


def test_a_response_keeps_its_answers_and_only_the_hour(origin):
    items = [i for s in origin.definition["sections"] for i in s["items"]]
    scale = next(i["id"] for i in items if i["type"] == "scale5" and i.get("allow_not_used"))
    text = next(i["id"] for i in items if i["type"] == "text")
    stored = submissions.submit(
        origin, answers(origin, 4, **{scale: "not_used", text: "  Cán bộ rất nhiệt tình.  "}),
        submission_id=str(uuid.uuid4()),
    )
    assert stored is True
    response = db.session.execute(select(Response)).scalar_one()
    assert response.overall_score == 4
    assert response.submitted_hour.minute == 0
    assert response.submitted_hour.second == 0
    rows = {(a.item_code, a.score, a.choice) for a in response.answers}
    assert (scale, None, "not_used") in rows
    assert response.comments[0].text == "Cán bộ rất nhiệt tình."


def test_not_used_on_the_overall_item_leaves_no_score(origin):
    submissions.submit(origin, answers(origin, "not_used"), submission_id=str(uuid.uuid4()))
    assert db.session.execute(select(Response.overall_score)).scalar_one() is None


def test_a_resent_form_is_stored_once(origin):
    submission_id = str(uuid.uuid4())
    assert submissions.submit(origin, answers(origin), submission_id=submission_id) is True
    assert submissions.submit(origin, answers(origin), submission_id=submission_id) is False
    assert count(Response) == 1


def test_a_transaction_link_takes_one_response(origin):
    token = invitation(origin)
    assert submissions.submit(origin, answers(origin), submission_id="a" * 36, token=token)
    with pytest.raises(submissions.SubmissionRefused) as refused:
        submissions.submit(origin, answers(origin), submission_id="b" * 36, token=token)
    assert refused.value.reason == "used"
    assert count(Response) == 1
    # The same form re-sent after its link was used is still a success, not an error.
    assert submissions.submit(origin, answers(origin), submission_id="a" * 36, token=token) is False


@pytest.mark.parametrize(("token_kind", "reason"), [("expired", "expired"), ("forged", "unknown")])
def test_expired_and_unknown_links_store_nothing(origin, token_kind, reason):
    token = invitation(origin, expires_in=timedelta(seconds=-1)) if token_kind == "expired" \
        else tokens.new_token()
    with pytest.raises(submissions.SubmissionRefused) as refused:
        submissions.submit(origin, answers(origin), submission_id=str(uuid.uuid4()), token=token)
    assert refused.value.reason == reason
    assert count(Response) == 0
    assert count(Answer) == 0


def test_response_cannot_be_linked_to_its_invitation(origin):
    token = invitation(origin)
    submissions.submit(origin, answers(origin), submission_id=str(uuid.uuid4()), token=token)
    response_columns = {c.name for c in inspect(Response).columns}
    assert not any("invitation" in name or "token" in name for name in response_columns)
    used = db.session.execute(select(Invitation)).scalar_one()
    assert used.used
    assert used.procedure_id is None
    for moment in (used.created_at, used.expires_at):  # cut to the day, not the answer's hour
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)


def test_contact_details_attach_to_the_comment_only_with_consent(origin):
    text = next(i["id"] for s in origin.definition["sections"] for i in s["items"]
                if i["type"] == "text")
    extras = submissions.Extras(contact=submissions.Contact(phone="0901234567"))
    submissions.submit(origin, answers(origin, 2, **{text: "Chờ quá lâu."}),
                       submission_id=str(uuid.uuid4()), extras=extras)
    comment = db.session.execute(select(Comment)).scalar_one()
    assert comment.contact_consent is True
    assert comment.contact_phone == "0901234567"


def test_simultaneous_submissions_of_one_link_store_exactly_one(app, origin):
    token = invitation(origin)
    outcomes = []
    barrier = threading.Barrier(8)

    def citizen(n):
        with app.app_context():
            barrier.wait()
            try:
                outcomes.append(submissions.submit(
                    origin, answers(origin), submission_id=f"{n:036d}", token=token))
            except submissions.SubmissionRefused as refused:
                outcomes.append(refused.reason)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=citizen, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(map(str, outcomes)) == ["True"] + ["used"] * 7
    assert count(Response) == 1
