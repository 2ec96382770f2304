"""Tokens: 128 random bits in at most 22 URL-safe characters; only hashes are stored."""

import re

from survey_app.services.responses import tokens


def test_tokens_are_short_url_safe_and_distinct():
    seen = {tokens.new_token() for _ in range(2000)}
    assert len(seen) == 2000
    assert all(re.fullmatch(r"[A-Za-z0-9_-]{22}", token) for token in seen)


def test_hash_is_hex_sha256_and_not_the_token():
    token = tokens.new_token()
    digest = tokens.sha256_hex(token)
    assert re.fullmatch(r"[0-9a-f]{64}", digest)
    assert token not in digest
