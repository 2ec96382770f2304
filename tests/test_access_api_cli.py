"""Access control beyond the staff pages: API keys are bound to their agency, the CLI
exports to the scope they are given, and object ids in staff URLs never cross
departments."""

from __future__ import annotations

import csv
import io

import pytest
from seeding import add_responses, by_code
from sqlalchemy import select

from support import StaffActions
from survey_app.extensions import db
from survey_app.models import Agency, AuditLog, Comment, StaffScope
from survey_app.services.access import api_keys

CENTRE_COMMENT = "Quầy đất đai trung tâm tỉnh: chờ lâu"
WARD_COMMENT = "Phường Thành Đức: cán bộ nhiệt tình"


@pytest.fixture
def two_agencies(reference_data):
    centre_key, _ = api_keys.create("ttphc-tinh", "centre")
    ward_key, _ = api_keys.create("p-thanh-duc", "ward")
    for agency, counter, text in [("ttphc-tinh", "ttphc-dat-dai", CENTRE_COMMENT),
                                  ("p-thanh-duc", "p-thanh-duc-1c", WARD_COMMENT)]:
        response = add_responses(1, scores=4, agency=agency, counter=counter,
                                 sector="dat-dai")[0]
        response.comments.append(Comment(item_code="q_comment", text=text))
    db.session.commit()
    return {"centre": {"Authorization": f"Bearer {centre_key}"},
            "ward": {"Authorization": f"Bearer {ward_key}"}}


def _web(extra_app):
    return extra_app().test_client()


def test_a_key_cannot_issue_links_for_another_agencys_counter(two_agencies, extra_app):
    client = _web(extra_app)
    refused = client.post("/api/v1/invitations", json={"counter": "p-thanh-duc-1c",
                                                       "sector": "dat-dai"},
                          headers=two_agencies["centre"])
    assert (refused.status_code, refused.get_json()["error"]) == (
        403, "counter_of_another_agency")
    allowed = client.post("/api/v1/invitations", json={"counter": "p-thanh-duc-1c",
                                                       "sector": "dat-dai"},
                          headers=two_agencies["ward"])
    assert allowed.status_code == 201


def test_a_key_cannot_fetch_another_agencys_qr(two_agencies, extra_app):
    client = _web(extra_app)
    token = client.post("/api/v1/invitations", json={"counter": "ttphc-dat-dai"},
                        headers=two_agencies["centre"]).get_json()["token"]
    for kind in ("svg", "png"):
        path = f"/api/v1/invitations/{token}/qr.{kind}"
        assert client.get(path, headers=two_agencies["centre"]).status_code == 200
        other = client.get(path, headers=two_agencies["ward"])
        # Not 403: another agency must not even learn that the token exists.
        assert (other.status_code, other.get_json()["error"]) == (404, "unknown_invitation")
        assert client.get(path).status_code == 401


def test_a_revoked_key_is_refused_at_once(two_agencies, extra_app):
    client = _web(extra_app)
    prefix = two_agencies["centre"]["Authorization"].split(" ")[1][:api_keys.PREFIX_LENGTH]
    api_keys.revoke(prefix)
    response = client.post("/api/v1/invitations", json={"counter": "ttphc-dat-dai"},
                           headers=two_agencies["centre"])
    assert (response.status_code, response.get_json()["error"]) == (401, "revoked_key")


def _cli_csv(runner, tmp_path, *scope) -> list[dict]:
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["report", "--period", "2025-Q3", "--format", "csv",
                                 "--out", str(out), *scope])
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))


def test_cli_export_holds_only_the_scope_it_was_given(two_agencies, runner, tmp_path):
    rows = _cli_csv(runner, tmp_path, "--agency", "p-thanh-duc")
    assert len(rows) == 1
    text = str(rows)
    assert WARD_COMMENT in text
    assert CENTRE_COMMENT not in text
    everything = _cli_csv(runner, tmp_path)
    assert len(everything) == 2
    audits = db.session.execute(select(AuditLog).where(AuditLog.action == "export.cli")
                                ).scalars().all()
    assert len(audits) == 2
    assert all(a.user_id is None for a in audits)
    assert CENTRE_COMMENT not in str([a.detail for a in audits])


def test_cli_export_refuses_an_unknown_scope(two_agencies, runner, tmp_path):
    result = runner.invoke(args=["report", "--period", "2025-Q3", "--format", "csv",
                                 "--out", str(tmp_path / "x.csv"), "--agency", "no-such"])
    assert result.exit_code != 0
    assert not (tmp_path / "x.csv").exists() or (tmp_path / "x.csv").stat().st_size == 0


def test_comment_ids_in_urls_do_not_cross_departments(two_agencies, extra_app):
    web = extra_app()
    ward = StaffActions(web, web.test_client())
    ward.create("ward.user", "agency",
                scopes=[StaffScope(agency_id=by_code(Agency, "p-thanh-duc").id)])
    ward.login("ward.user")
    ids = dict(db.session.execute(select(Comment.text, Comment.id)).all())
    mine = ward.client.get(f"/staff/comments/{ids[WARD_COMMENT]}")
    assert mine.status_code == 200
    theirs = ward.client.get(f"/staff/comments/{ids[CENTRE_COMMENT]}")
    assert theirs.status_code in (403, 404)
    assert CENTRE_COMMENT not in theirs.get_data(as_text=True)
    missing = ward.client.get("/staff/comments/999999")
    # The same answer for another department's comment and for none: ids are not confirmed.
    assert missing.status_code == theirs.status_code


def test_user_ids_in_urls_are_for_admins_only(two_agencies, extra_app):
    web = extra_app()
    admin = StaffActions(web, web.test_client())
    admin_id = admin.create("boss", "admin")
    ward = StaffActions(web, web.test_client())
    ward.create("ward.user", "agency",
                scopes=[StaffScope(agency_id=by_code(Agency, "p-thanh-duc").id)])
    ward.login("ward.user")
    for path in (f"/staff/users/{admin_id}", "/staff/users", "/staff/users/new"):
        response = ward.client.get(path)
        assert response.status_code in (403, 404), path
        assert "boss" not in response.get_data(as_text=True)
