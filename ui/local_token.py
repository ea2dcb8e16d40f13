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
from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

ENV = "LOCAL_MODE_TOKEN"
QUERY_PARAM = "token"
# The addresses local mode may be served on: this machine only.
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
# A reverse proxy on the same machine connects from 127.0.0.1 too; these headers give it away.
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-Ip")
# The route the printed link opens (ui.session_routes): it trades the token for the session cookie and sends
# the browser on to the first page, which then loads once, already in local mode.
LINK_PATH = "_charter/local"
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
    """The address that opens local mode: the cookie route under `base_url`, with the token as its query."""
    return f"{base_url.rstrip('/')}/{LINK_PATH}?{urlencode({QUERY_PARAM: token})}"


def loopback_request(server_address: str, remote_is_loopback: bool, headers: Mapping[str, str]) -> bool:
    """Whether a request reached the app on this machine directly: the server listens on a loopback address,
    the browser connected from one, no proxy forwarded it, and the address it asked for is a loopback one."""
    if server_address not in LOOPBACK or not remote_is_loopback:
        return False
    lowered = {k.lower(): v for k, v in headers.items()}
    if any(lowered.get(h.lower()) for h in PROXY_HEADERS):
        return False
    host = lowered.get("host")
    return host is None or (urlsplit(f"//{host}").hostname or "") in LOOPBACK
