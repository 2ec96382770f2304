"""Random tokens and their stored hashes (transaction links, API keys, dossier refs)."""

from __future__ import annotations

import hashlib
import hmac
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


def dossier_hmac(dossier: str, key: bytes) -> str:
    """What is stored of a dossier reference: an HMAC under a server key.

    Dossier numbers follow a public pattern (`000.00.12.H62-261201-1000`), so a plain
    hash is reversed by trying them. The HMAC is taken of the reference's SHA-256 so
    that hashes stored before the key existed could be converted without the numbers.
    """
    return hmac.new(key, sha256_hex(dossier).encode("ascii"), hashlib.sha256).hexdigest()
