"""The OpenAPI document matches the implementation: every route documented, every
documented status produced by a real request and its body valid against the schema."""

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import validate as validate_spec

from support import PUBLIC_BASE_URL
from survey_app.extensions import db
from survey_app.services.access import api_keys
from survey_app.services.responses import invitations

API = "/api/v1"


@pytest.fixture
def document(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_document_is_valid_openapi(document):
    validate_spec(document)
    assert document["servers"] == [{"url": f"{PUBLIC_BASE_URL}{API}"}]


def test_every_route_under_the_api_is_documented(app, document):
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API + "/"):
            path = rule.rule.removeprefix(API).replace("<", "{").replace(">", "}")
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {
        (path, method) for path, item in document["paths"].items() for method in item
    }
    assert routes == documented


def _operations(document):
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status in operation["responses"]:
                yield path, method, status


def _check(document, path, method, status, response):
    declared = document["paths"][path][method]["responses"][status]
    assert str(response.status_code) == status, (path, method, response.get_data()[:200])
    (mimetype, media), = declared["content"].items()
    assert response.mimetype == mimetype
    for header in declared.get("headers", {}):
        assert header in response.headers, (path, status, header)
    if mimetype == "application/json":
        schema = {**media["schema"], "components": document["components"]}
        Draft202012Validator(schema, format_checker=FormatChecker()).validate(
            response.get_json()
        )


def test_every_documented_status_matches_a_real_reply(other_app, reference_only, document):
    """Drive each documented (path, method, status) with a real request."""
    app = other_app(RATELIMIT_ENABLED=True, API_RATE_LIMIT="40 per minute")
    client = app.test_client()
    with app.app_context():
        key, _ = api_keys.create("ttphc-tinh")
        limited_key, _ = api_keys.create("ttphc-tinh", "limited")

    def post(body, key=key, **kwargs):
        return client.post(f"{API}/invitations", json=body,
                           headers={"Authorization": f"Bearer {key}"}, **kwargs)

    def get(path, key=key):
        return client.get(API + path, headers={"Authorization": f"Bearer {key}"})

    issued = post({"counter": "ttphc-dat-dai", "dossier": "HS-9"}).get_json()
    answered = post({"counter": "ttphc-dat-dai"}).get_json()
    with app.app_context():
        invitations.find_open(answered["token"]).used = True
        db.session.commit()
        invitations.find_open(issued["token"]).used = True
        db.session.commit()
    fresh = post({"counter": "ttphc-dat-dai"}).get_json()

    def exhaust(request):
        for _ in range(45):
            response = request()
            if response.status_code == 429:
                return response
        raise AssertionError("no 429")

    replies = {
        ("/invitations", "post", "201"): lambda: post({"counter": "ttphc-dat-dai"}),
        ("/invitations", "post", "400"): lambda: post({"counter": 1}),
        ("/invitations", "post", "401"): lambda: post({"counter": "x"}, key="svk_wrong"),
        ("/invitations", "post", "403"): lambda: post({"counter": "ca-tinh-1c"}),
        ("/invitations", "post", "409"): lambda: post({"counter": "ttphc-dat-dai",
                                                       "dossier": "HS-9"}),
        ("/invitations", "post", "413"): lambda: post({"counter": "x" * 5000}),
        ("/invitations", "post", "415"): lambda: client.post(
            f"{API}/invitations", data="counter=x", headers={"Authorization": f"Bearer {key}"},
            content_type="text/plain"),
        ("/invitations", "post", "422"): lambda: post({"counter": "no-such-counter"}),
        ("/invitations", "post", "429"): lambda: exhaust(
            lambda: post({"counter": "no-such-counter"}, key=limited_key)),
        **{
            (f"/invitations/{{token}}/qr.{kind}", "get", status): request
            for kind in ("svg", "png")
            for status, request in {
                "200": lambda kind=kind: get(f"/invitations/{fresh['token']}/qr.{kind}"),
                "401": lambda kind=kind: get(f"/invitations/{fresh['token']}/qr.{kind}",
                                             key="svk_wrong"),
                "404": lambda kind=kind: get(f"/invitations/{'A' * 22}/qr.{kind}"),
                "410": lambda kind=kind: get(f"/invitations/{answered['token']}/qr.{kind}"),
                "429": lambda kind=kind: exhaust(
                    lambda: get(f"/invitations/{'B' * 22}/qr.{kind}", key=limited_key + kind)),
            }.items()
        },
        ("/reports", "get", "200"): lambda: get("/reports?period=2025-Q3"),
        ("/reports", "get", "400"): lambda: get("/reports?period=2025-Q9"),
        ("/reports", "get", "401"): lambda: get("/reports?period=2025-Q3", key="svk_wrong"),
        ("/reports", "get", "429"): lambda: exhaust(
            lambda: get("/reports?period=2025-Q3", key=limited_key + "r")),
        ("/openapi.json", "get", "200"): lambda: client.get(f"{API}/openapi.json"),
        ("/openapi.json", "get", "429"): lambda: exhaust(lambda: client.get(f"{API}/openapi.json")),
    }
    documented = set(_operations(document))
    assert documented == set(replies), documented ^ set(replies)
    for (path, method, status), request in replies.items():
        _check(document, path, method, status, request())
