"""The link printed at start-up opens local mode at the cookie route (ui.session_routes), before any page loads:
only this start's token, only on this machine, only while no account exists, never for another site's request."""

from __future__ import annotations

import warnings

import pytest
from starlette.applications import Starlette
from streamlit import config

with warnings.catch_warnings():  # Starlette asks for httpx2 over the httpx that Authlib brings; both work here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from metrics.access import auth
from tests.app_fixtures import local_mode_env
from ui import local_sessions, local_token, session_routes

pytestmark = pytest.mark.db
TYPED = {"Sec-Fetch-Site": "none"}  # what Chromium sends for an address pasted from the terminal


@pytest.fixture
def token(engine, monkeypatch):
    """This start's token, a server listening on 127.0.0.1 and no local-mode session yet (restored after)."""
    monkeypatch.setattr(local_sessions, "_entries", {})
    monkeypatch.setitem(session_routes._installed, "routes", False)
    before = config.get_option("server.address")
    config.set_option("server.address", "127.0.0.1")
    yield local_mode_env(monkeypatch)
    config.set_option("server.address", before)


def _client(host: str = "127.0.0.1") -> TestClient:
    return TestClient(Starlette(routes=session_routes.routes()), base_url="http://127.0.0.1:8501",
                      follow_redirects=False, client=(host, 50000))


def _open(token: str, headers=TYPED, host: str = "127.0.0.1", **query: str):
    with _client(host) as client:
        return client.get(f"/{local_token.LINK_PATH}", params={local_token.QUERY_PARAM: token, **query}, headers=headers)


def _cookie(answer) -> str | None:
    header = answer.headers.get("set-cookie")
    return None if header is None else header.split(";")[0].removeprefix(f"{session_routes.COOKIE}=")


def test_the_printed_link_sets_the_local_mode_cookie_and_goes_on_to_the_first_page(token):
    answer = _open(token)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    flags = {part.strip().lower() for part in answer.headers["set-cookie"].split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= flags
    session = _cookie(answer)
    assert session and session != token and local_sessions.resume(session)  # a session id, never the token


def test_the_link_goes_on_to_the_page_it_names_on_this_server_only(token):
    assert _open(token, next="/upload?year=2025").headers["location"] == "/upload?year=2025"
    assert _open(token, next="https://elsewhere.example/").headers["location"] == "/"


@pytest.mark.parametrize("case", ["other token", "through a proxy", "from another machine", "another site's link",
                                  "asked for by another name"])
def test_the_link_opens_nothing_but_the_first_page_when_a_condition_fails(token, case):
    given, headers, host = token, dict(TYPED), "127.0.0.1"
    if case == "other token":
        given = local_token.make()
    elif case == "through a proxy":
        headers["X-Forwarded-For"] = "203.0.113.9"
    elif case == "from another machine":
        host = "192.0.2.7"
    elif case == "another site's link":
        headers["Sec-Fetch-Site"] = "cross-site"
    else:
        headers["Host"] = "dashboard.example.org"
    answer = _open(given, headers=headers, host=host)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    assert _cookie(answer) is None and not local_sessions._entries


def test_once_an_account_exists_the_link_opens_nothing(token, engine):
    auth.add_user(engine, "boss", "Pumpkin-Seventeen-42", ["admin"], actor="test")
    answer = _open(token)
    assert _cookie(answer) is None and not local_sessions._entries
