"""Secrets for programs: generated with `secrets`, stored only as a SHA-256 digest.

The secrets are long random strings, so a plain digest is enough to make a leaked table useless (no password
hashing needed) and lets a request find its credential with one indexed lookup.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_PREFIX = "bm_"  # noqa: S105 - a label, not a secret
OPEN311_PREFIX = "o311_"


def new_secret(prefix: str) -> str:
    return prefix + secrets.token_urlsafe(32)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def display_prefix(secret: str) -> str:
    """What a person sees to tell their credentials apart: the first characters, never the whole secret."""
    return secret[: min(len(secret) // 2, 12)]
