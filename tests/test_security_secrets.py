"""Secrets: refused when weak, stored only as hashes, shown once, found in no table."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app import create_app
from survey_app.config import ConfigurationError
from survey_app.extensions import db
from survey_app.services.access import api_keys
from survey_app.services.responses import invitations
from survey_app.services.responses.tokens import sha256_hex


@pytest.mark.parametrize("key", [" " * 20, "a" * 40, " changeme ", "ab" * 7, "secret"])
def test_production_refuses_weak_secret_keys(monkeypatch, key):
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app({"TESTING": False, "DEBUG": False})


def _every_stored_value() -> str:
    """The text of every column of every row of every table."""
    db.session.expire_all()
    values = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            values.extend(str(value) for value in row)
    return "\n".join(values)


def test_keys_and_tokens_are_stored_only_as_hashes(reference_data):
    key, info = api_keys.create("ttphc-tinh", "secrets")
    issued = invitations.issue(api_keys.authenticate(key), "ttphc-dat-dai",
                               dossier="000.00.12.H62-SECRET")
    stored = _every_stored_value()
    assert sha256_hex(key) in stored
    assert sha256_hex(issued.token) in stored
    for secret in (key, key[len(info.prefix):], issued.token, "H62-SECRET"):
        assert secret not in stored
    assert info.prefix in stored  # the 48-bit prefix staff use to tell keys apart


def test_an_api_key_is_printed_once(reference_data, runner):
    created = runner.invoke(args=["api-keys", "create", "--agency", "ttphc-tinh"])
    assert created.exit_code == 0, created.output
    key = created.output.strip().splitlines()[-1]
    assert key.startswith(api_keys.KEY_MARK)
    assert created.output.count(key) == 1
    listed = runner.invoke(args=["api-keys", "list"])
    assert key[:api_keys.PREFIX_LENGTH] in listed.output
    assert key not in listed.output
    assert key[api_keys.PREFIX_LENGTH:] not in listed.output
