"""The local-mode token: made by the launcher at each start, handed to the app in an environment variable.

Local mode (no account yet, every right) opens only for a browser that brought this token, the way a
local notebook server does: `python -m ui.serve` (what `make run` starts) makes a new one with `secrets`,
puts it in the environment before the server starts, and prints the link that carries it. The app compares
what the link brought with the environment in constant time. No Streamlit here: the launcher imports it.
"""

from __future__ import annotations

import hmac
import os
import secrets
from urllib.parse import urlencode

ENV = "LOCAL_MODE_TOKEN"
QUERY_PARAM = "token"
# The addresses local mode may be served on: this machine only.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# secrets.token_urlsafe(32) gives 43 characters; anything much shorter was not made here.
MIN_LENGTH = 32


def make() -> str:
    """A fresh token (256 random bits, URL-safe)."""
    return secrets.token_urlsafe(32)


def expected() -> str | None:
    """The token of this server's start, or None when the app was not started by the launcher."""
    token = os.environ.get(ENV, "")
    return token if len(token) >= MIN_LENGTH else None


def matches(given: str | None) -> bool:
    """Whether `given` is this start's token (constant-time comparison; False when there is none)."""
    token = expected()
    if token is None or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def link(base_url: str, token: str) -> str:
    """The address that opens local mode: `base_url` with the token as its query."""
    return f"{base_url.rstrip('/')}/?{urlencode({QUERY_PARAM: token})}"
