"""Random tokens and their stored hashes (transaction links, API keys, dossier refs)."""

from __future__ import annotations

import hashlib
import secrets

TOKEN_BYTES = 16  # 128 bits of randomness -> 22 URL-safe characters


def new_token() -> str:
    """A 22-character URL-safe token carrying 128 random bits."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def sha256_hex(value: str) -> str:
    """What is stored instead of a token or key: its SHA-256.

    The tokens are 128-bit random, so a plain hash cannot be reversed by guessing;
    a slow KDF would only slow the citizen's submit.
    """
    return hashlib.sha256(value.encode("utf-8")).hexdigest()
