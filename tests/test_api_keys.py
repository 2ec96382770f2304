"""API keys: shown once, stored hashed, listed by prefix, revocable; the CLI around them."""

import re

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import ApiKey
from survey_app.services.access import api_keys
from survey_app.services.responses.tokens import sha256_hex

KEY = re.compile(r"svk_[A-Za-z0-9_-]{43}")


def test_create_returns_a_256_bit_key_and_stores_only_its_hash(reference_data):
    key, info = api_keys.create("ttphc-tinh", "one-stop")
    assert KEY.fullmatch(key)
    row = db.session.execute(select(ApiKey)).scalar_one()
    assert row.key_sha256 == sha256_hex(key)
    assert row.prefix == key[:12] == info.prefix
    stored = [str(getattr(row, column.key)) for column in ApiKey.__table__.columns]
    assert not any(key in value or key[12:] in value for value in stored)


def test_authenticate_accepts_the_key_and_refuses_others(reference_data):
    key, _ = api_keys.create("ttphc-tinh")
    assert api_keys.authenticate(key).agency.code == "ttphc-tinh"
    for wrong in [key[:-1] + ("A" if key[-1] != "A" else "B"), "svk_", "", "Bearer " + key,
                  key[12:], "svk_" + "x" * 300]:
        with pytest.raises(api_keys.UnknownKey):
            api_keys.authenticate(wrong)


def test_revoked_key_is_refused(reference_data):
    key, info = api_keys.create("ttphc-tinh")
    revoked = api_keys.revoke(info.prefix)
    assert revoked.revoked_at is not None
    with pytest.raises(api_keys.RevokedKey):
        api_keys.authenticate(key)
    # Revoking again keeps the first time.
    assert api_keys.revoke(info.prefix).revoked_at == revoked.revoked_at


def test_errors_are_named(reference_data):
    with pytest.raises(api_keys.UnknownKeyAgency):
        api_keys.create("no-such-agency")
    with pytest.raises(api_keys.ApiKeyError, match="longer"):
        api_keys.create("ttphc-tinh", "x" * 201)
    with pytest.raises(api_keys.UnknownKey):
        api_keys.revoke("svk_nothing1")
    with pytest.raises(api_keys.UnknownKeyAgency):
        api_keys.list_keys("no-such-agency")


def test_ambiguous_prefix_is_refused_not_guessed(reference_data):
    _, info = api_keys.create("ttphc-tinh")
    agency_id = db.session.execute(select(ApiKey.agency_id)).scalar_one()
    db.session.add(ApiKey(agency_id=agency_id, name="twin", prefix=info.prefix,
                          key_sha256="0" * 64))
    db.session.commit()
    with pytest.raises(api_keys.AmbiguousPrefix):
        api_keys.revoke(info.prefix)
    assert all(row.revoked_at is None for row in db.session.execute(select(ApiKey)).scalars())


def test_cli_create_prints_the_key_alone_on_the_last_line(reference_data, runner):
    result = runner.invoke(args=["api-keys", "create", "--agency", "so-tu-phap",
                                 "--name", "Hệ thống một cửa điện tử"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    key = lines[-1]
    assert KEY.fullmatch(key)
    assert all(key not in line for line in lines[:-1])
    assert api_keys.authenticate(key).name == "Hệ thống một cửa điện tử"


def test_cli_list_shows_prefixes_never_keys(reference_data, runner):
    key, info = api_keys.create("so-tu-phap", "justice")
    other_key, _ = api_keys.create("ttphc-tinh", "centre")
    result = runner.invoke(args=["api-keys", "list"])
    assert result.exit_code == 0, result.output
    assert info.prefix in result.output
    assert "active" in result.output
    assert key not in result.output
    assert other_key not in result.output
    only = runner.invoke(args=["api-keys", "list", "--agency", "so-tu-phap"])
    assert "so-tu-phap" in only.output
    assert "ttphc-tinh" not in only.output


def test_cli_revoke(reference_data, runner):
    key, info = api_keys.create("so-tu-phap")
    result = runner.invoke(args=["api-keys", "revoke", info.prefix])
    assert result.exit_code == 0, result.output
    assert "revoked" in runner.invoke(args=["api-keys", "list"]).output
    with pytest.raises(api_keys.RevokedKey):
        api_keys.authenticate(key)


@pytest.mark.parametrize(("args", "message"), [
    (["create", "--agency", "no-such-agency"], "unknown agency"),
    (["revoke", "svk_unknown1"], "no key has the prefix"),
    (["list", "--agency", "no-such-agency"], "unknown agency"),
])
def test_cli_errors_exit_2_with_a_message(reference_data, runner, args, message):
    result = runner.invoke(args=["api-keys", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert db.session.execute(select(ApiKey)).first() is None
