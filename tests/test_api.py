"""The one-stop API over real HTTP: keys, invitations, QR images, errors, rate limit."""

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app
from PIL import Image
from sqlalchemy import select

from support import PUBLIC_BASE_URL
from survey_app.config import server_key
from survey_app.extensions import db
from survey_app.models import Invitation
from survey_app.services.access import api_keys
from survey_app.services.responses import invitations
from survey_app.services.responses.tokens import dossier_hmac, sha256_hex

zxingcpp = pytest.importorskip("zxingcpp")


@pytest.fixture
def api(reference_only, client):
    """A client with a key of the provincial service centre."""
    key, _ = api_keys.create("ttphc-tinh", "one-stop")
    return Api(client, key)


class Api:
    def __init__(self, client, key):
        self.client, self.key = client, key

    def headers(self, key=None):
        return {"Authorization": f"Bearer {key or self.key}"}

    def issue(self, body=None, key=None, **kwargs):
        body = {"counter": "ttphc-tu-phap", "sector": "ho-tich"} if body is None else body
        return self.client.post("/api/v1/invitations", json=body, headers=self.headers(key),
                                **kwargs)

    def get(self, url, key=None):
        return self.client.get(url.removeprefix(PUBLIC_BASE_URL), headers=self.headers(key))


def test_issue_invitation(api):
    response = api.issue({"counter": "ttphc-tu-phap", "procedure": "dang-ky-khai-sinh",
                          "dossier": "000.00.12.H62-250101-0001"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"token", "url", "expires_at", "qr_svg", "qr_png"}
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", body["token"])
    assert body["url"] == f"{PUBLIC_BASE_URL}/t/{body['token']}"
    expires = datetime.strptime(body["expires_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert timedelta(days=29, hours=23) < expires - datetime.now(UTC) <= timedelta(days=30)
    assert body["qr_png"] == f"{PUBLIC_BASE_URL}/api/v1/invitations/{body['token']}/qr.png"
    assert response.headers["Cache-Control"] == "no-store"
    row = db.session.execute(select(Invitation)).scalar_one()
    assert row.token_sha256 == sha256_hex(body["token"])
    assert row.dossier_hmac == dossier_hmac(
        "000.00.12.H62-250101-0001", server_key(current_app.config, "DOSSIER_HASH_KEY"))
    assert row.dossier_hmac != sha256_hex("000.00.12.H62-250101-0001")  # guessable
    assert (row.sector.code, row.procedure.code) == ("ho-tich", "dang-ky-khai-sinh")


def test_links_come_from_configuration_not_the_host_header(api):
    response = api.issue(base_url="http://evil.example")
    assert response.status_code == 201
    body = response.get_json()
    assert all(body[k].startswith(PUBLIC_BASE_URL) for k in ("url", "qr_svg", "qr_png"))


def test_qr_png_decodes_to_the_exact_link(api):
    body = api.issue().get_json()
    response = api.get(body["qr_png"])
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(response.data)))
    assert [barcode.text for barcode in decoded] == [body["url"]]


def test_qr_svg_is_an_svg_without_inline_style(api):
    body = api.issue().get_json()
    response = api.get(body["qr_svg"])
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = response.get_data(as_text=True)
    assert svg.startswith("<svg")
    assert "<path" in svg
    assert "style" not in svg
    assert "<script" not in svg


def test_qr_images_only_for_the_issuing_agency_and_open_invitations(api):
    body = api.issue().get_json()
    same_agency, _ = api_keys.create("ttphc-tinh", "second system")
    stranger, _ = api_keys.create("so-tu-phap")
    assert api.get(body["qr_png"], key=same_agency).status_code == 200
    refused = api.get(body["qr_png"], key=stranger)
    assert refused.status_code == 404
    assert refused.get_json()["error"] == "unknown_invitation"
    assert api.get(body["qr_svg"].replace(body["token"], "A" * 22)).status_code == 404
    invitations.find_open(body["token"]).used = True
    db.session.commit()
    closed = api.get(body["qr_svg"])
    assert (closed.status_code, closed.get_json()["error"]) == (410, "invitation_closed")
    assert api.client.get(body["qr_svg"].removeprefix(PUBLIC_BASE_URL)).status_code == 401


@pytest.mark.parametrize(("headers", "code", "challenge"), [
    ({}, "missing_key", 'Bearer realm="survey-api"'),
    ({"Authorization": "Basic dXNlcjpwYXNz"}, "bad_authorization", 'error="invalid_request"'),
    ({"Authorization": "Bearer"}, "bad_authorization", 'error="invalid_request"'),
    ({"Authorization": "Bearer svk_" + "A" * 43}, "bad_key", 'error="invalid_token"'),
    ({"Authorization": "Bearer not-even-a-key"}, "bad_key", 'error="invalid_token"'),
])
def test_bad_keys_get_401_with_a_challenge(api, headers, code, challenge):
    response = api.client.post("/api/v1/invitations", json={"counter": "ttphc-dat-dai"},
                               headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"] == code
    assert challenge in response.headers["WWW-Authenticate"]
    assert db.session.execute(select(Invitation)).first() is None


def test_revoked_key_is_refused(api):
    api_keys.revoke(api.key[:12])
    response = api.issue()
    assert response.status_code == 401
    assert response.get_json()["error"] == "revoked_key"
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"counter": "no-such-counter", "sector": "ho-tich"}, 422, "unknown_counter"),
    ({"counter": "ttphc-tu-phap", "sector": "no-such-sector"}, 422, "unknown_sector"),
    ({"counter": "ttphc-tu-phap", "procedure": "no-such-procedure"}, 422, "unknown_procedure"),
    ({"counter": "ttphc-tu-phap", "sector": "dat-dai"}, 422, "sector_not_served"),
    ({"counter": "ttphc-tu-phap"}, 422, "sector_required"),
    ({"counter": "ttphc-tu-phap", "sector": "ho-tich", "procedure": "chung-thuc-ban-sao"},
     422, "procedure_of_another_sector"),
    ({"counter": "ca-tinh-1c", "sector": "cu-tru"}, 403, "counter_of_another_agency"),
    ({"sector": "ho-tich"}, 400, "missing_field"),
    ({"counter": None}, 400, "missing_field"),
    ({"counter": 12}, 400, "wrong_type"),
    ({"counter": ["ttphc-tu-phap"]}, 400, "wrong_type"),
    ({"counter": "ttphc-dat-dai", "dossier": 123}, 400, "wrong_type"),
    ({"counter": "ttphc-dat-dai", "ttl_days": "7"}, 400, "wrong_type"),
    ({"counter": "ttphc-dat-dai", "ttl_days": True}, 400, "wrong_type"),
    ({"counter": "ttphc-dat-dai", "ttl_days": 0}, 400, "invalid_field"),
    ({"counter": ""}, 400, "invalid_field"),
    ({"counter": "x" * 81}, 400, "invalid_field"),
    ({"counter": "ttphc-dat-dai", "dossier": "x" * 201}, 400, "invalid_field"),
    ({"counter": "ttphc-dat-dai", "citizen_phone": "0909"}, 400, "unknown_fields"),
    ({"counter": "ttphc-dat-dai\u0000"}, 400, "invalid_field"),  # PostgreSQL refuses NUL
    ({"counter": "ttphc-dat-dai", "dossier": "HS\u00001"}, 400, "invalid_field"),
    (["ttphc-dat-dai"], 400, "bad_body"),
    ("ttphc-dat-dai", 400, "bad_body"),
])
def test_bad_bodies_get_clear_json_errors_and_write_nothing(api, body, status, code):
    response = api.issue(body)
    assert response.status_code == status, response.get_json()
    assert response.get_json()["error"] == code
    assert response.get_json()["message"]
    assert db.session.execute(select(Invitation)).first() is None


@pytest.mark.parametrize(("data", "content_type", "status", "code"), [
    (b'{"counter": ', "application/json", 400, "malformed_json"),
    (b"\xff\xfe", "application/json", 400, "malformed_json"),
    (b"", "application/json", 400, "malformed_json"),
    (b"[" * 4000 + b"]" * 4000, "application/json", 413, "body_too_large"),
    (b"[" * 2040 + b"]" * 2040, "application/json", 400, "malformed_json"),  # too deep
    (b"counter=ttphc-dat-dai", "application/x-www-form-urlencoded", 415,
     "unsupported_media_type"),
    (b'{"counter": "ttphc-dat-dai", "dossier": "' + b"x" * 5000 + b'"}', "application/json",
     413, "body_too_large"),
])
def test_malformed_and_oversized_bodies(api, data, content_type, status, code):
    response = api.client.post("/api/v1/invitations", data=data, content_type=content_type,
                               headers=api.headers())
    assert response.status_code == status
    assert response.get_json()["error"] == code
    assert db.session.execute(select(Invitation)).first() is None


def test_oversized_chunked_body_is_refused(api):
    def chunks():
        yield b'{"counter": "ttphc-dat-dai", "dossier": "'
        for _ in range(100):
            yield b"x" * 100
        yield b'"}'

    response = api.client.post(
        "/api/v1/invitations", input_stream=io.BytesIO(b"".join(chunks())),
        # What a WSGI server sets when it has de-chunked the body.
        environ_overrides={"wsgi.input_terminated": True},
        headers={**api.headers(), "Content-Type": "application/json",
                 "Transfer-Encoding": "chunked"},
    )
    assert response.status_code == 413
    assert db.session.execute(select(Invitation)).first() is None


def test_answered_dossier_gets_409(api):
    first = api.issue({"counter": "ttphc-dat-dai", "dossier": "HS-1"}).get_json()
    invitations.find_open(first["token"]).used = True
    db.session.commit()
    response = api.issue({"counter": "ttphc-dat-dai", "dossier": "HS-1"})
    assert (response.status_code, response.get_json()["error"]) == (409, "dossier_answered")


def test_wrong_method_and_unknown_route_answer_json(api):
    response = api.client.get("/api/v1/invitations", headers=api.headers())
    assert response.status_code == 405
    assert response.get_json()["error"]
    response = api.client.get("/api/v1/nothing", headers=api.headers())
    assert response.status_code == 404
    assert response.get_json()["error"]


def test_the_api_needs_no_csrf_token_and_sets_no_cookie(api):
    response = api.issue()
    assert response.status_code == 201
    assert "Set-Cookie" not in response.headers


def test_rate_limit_is_per_key(other_app, reference_only):
    app = other_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        first, _ = api_keys.create("ttphc-tinh", "a")
        second, _ = api_keys.create("ttphc-tinh", "b")

    def post(key):
        return client.post("/api/v1/invitations", json={"counter": "ttphc-dat-dai"},
                           headers={"Authorization": f"Bearer {key}"})

    assert [post(first).status_code for _ in range(3)] == [201, 201, 201]
    limited = post(first)
    assert limited.status_code == 429
    assert limited.get_json()["error"] == "too_many_requests"
    assert "Retry-After" in limited.headers
    assert post(second).status_code == 201  # another key has its own allowance


def test_rate_limit_is_per_key_however_the_header_is_spelt(other_app, reference_only):
    """Row 7: `Bearer␠␠K`, `bearer K`, `BEarer K` each got a fresh allowance."""
    app = other_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="3 per minute")
    client = app.test_client()
    with app.app_context():
        key, _ = api_keys.create("ttphc-tinh", "a")
    statuses = [client.post("/api/v1/invitations", json={"counter": "ttphc-dat-dai"},
                            headers={"Authorization": f"{scheme}{key}"}).status_code
                for scheme in ("Bearer ", "Bearer  ", "bearer ", "BEarer ")]
    assert statuses == [201, 201, 201, 429]


def test_tokens_and_keys_never_reach_the_logs(api, caplog):
    caplog.set_level("DEBUG")
    body = api.issue({"counter": "ttphc-dat-dai", "dossier": "HS-LOG-1"}).get_json()
    api.get(body["qr_png"])
    api.issue({"counter": "no-such-counter"})
    api.issue(key="svk_" + "Z" * 43)
    for secret in (body["token"], api.key, "HS-LOG-1", "svk_" + "Z" * 43):
        assert secret not in caplog.text
