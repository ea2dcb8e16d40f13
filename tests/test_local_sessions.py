"""Local-mode sessions (ui/local_sessions.py): opened with this start's token, kept in the server's memory, traded
for the same HttpOnly cookie as a local sign-in (ui/session_routes.py), and ended by a restart, sign-out, idle
time, the maximum age, or the first account."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():  # Starlette asks for httpx2 over the httpx that Authlib brings; both work here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from metrics import clock
from metrics.access.auth import Policy
from tests.app_fixtures import local_mode_env
from ui import local_sessions, local_token, session_routes

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}
POLICY = Policy(idle_minutes=30, max_hours=2)


@pytest.fixture(autouse=True)
def started(monkeypatch):
    """A server started by ui.serve (its token in the environment), with no local-mode session yet."""
    monkeypatch.setattr(local_sessions, "_entries", {})
    return local_mode_env(monkeypatch)


def _session(now=None) -> str:
    ticket = local_sessions.issue_ticket(now=now)
    assert ticket is not None
    traded = local_sessions.redeem_ticket(ticket, now=now, policy=POLICY)
    assert traded is not None
    return traded[0]


def test_a_ticket_is_traded_once_for_a_session_that_lasts_the_maximum_age():
    ticket = local_sessions.issue_ticket()
    token, lifetime = local_sessions.redeem_ticket(ticket, policy=POLICY)
    assert lifetime == timedelta(hours=2) and token != ticket
    assert local_sessions.redeem_ticket(ticket, policy=POLICY) is None
    assert local_sessions.resume(token, policy=POLICY)
    assert not local_sessions.resume(ticket, policy=POLICY)  # a ticket is not a session


def test_a_ticket_older_than_a_minute_is_refused():
    now = clock.utc_now()
    ticket = local_sessions.issue_ticket(now=now)
    assert local_sessions.redeem_ticket(ticket, now=now + timedelta(seconds=61)) is None


def test_a_restart_with_a_new_token_ends_every_local_mode_session(monkeypatch):
    token = _session()
    ticket = local_sessions.issue_ticket()
    monkeypatch.setenv(local_token.ENV, local_token.make())  # what ui.serve does at its next start
    assert not local_sessions.resume(token, policy=POLICY)
    assert local_sessions.redeem_ticket(ticket) is None


def test_without_a_start_token_no_session_is_opened(monkeypatch):
    monkeypatch.delenv(local_token.ENV)  # `streamlit run app.py` without ui.serve
    assert local_sessions.issue_ticket() is None and local_sessions.start() is None


def test_a_session_ends_after_the_idle_time_and_at_its_maximum_age():
    now = clock.utc_now()
    idle = _session(now)
    assert local_sessions.resume(idle, now=now + timedelta(minutes=29), policy=POLICY)
    assert not local_sessions.resume(idle, now=now + timedelta(minutes=29 + 31), policy=POLICY)
    busy = _session(now)
    for minutes in range(20, 120, 20):  # used every 20 minutes, never idle
        assert local_sessions.resume(busy, now=now + timedelta(minutes=minutes), policy=POLICY)
    assert not local_sessions.resume(busy, now=now + timedelta(minutes=120), policy=POLICY)


def test_sign_out_ends_one_session_and_the_first_account_ends_them_all():
    first, second, third = _session(), _session(), _session()
    assert local_sessions.end(first) and not local_sessions.end(first)
    assert not local_sessions.resume(first, policy=POLICY)
    assert local_sessions.end_all() == 2
    assert not local_sessions.resume(second, policy=POLICY) and not local_sessions.resume(third, policy=POLICY)


def test_the_server_keeps_only_a_hash_of_the_session_id():
    token = _session()
    assert token not in local_sessions._entries and all(token not in repr(e) for e in local_sessions._entries.values())


# ---- through the cookie route ----------------------------------------------------------------------

@pytest.fixture
def client(monkeypatch):
    monkeypatch.setitem(session_routes._installed, "routes", False)  # restored after the test
    app = Starlette(routes=session_routes.routes())
    with TestClient(app, base_url="http://127.0.0.1:8501", follow_redirects=False) as test_client:
        yield test_client


def test_the_route_trades_a_local_mode_ticket_for_an_httponly_strict_cookie(client, engine):
    ticket = local_sessions.issue_ticket()
    answer = client.get("/_charter/session", params={"ticket": ticket, "next": "/area_cert?year=2025"},
                        headers=SAME_SITE)
    assert answer.status_code == 303 and answer.headers["location"] == "/area_cert?year=2025"
    cookie = answer.headers["set-cookie"]
    token = cookie.split(";")[0].removeprefix(f"{session_routes.COOKIE}=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/"} <= flags and "secure" not in flags
    assert local_sessions.resume(token)


def test_another_sites_request_gets_no_local_mode_cookie(client, engine):
    ticket = local_sessions.issue_ticket()
    answer = client.get("/_charter/session", params={"ticket": ticket}, headers={"Sec-Fetch-Site": "cross-site"})
    assert "set-cookie" not in answer.headers


def test_the_sign_out_route_ends_the_local_mode_session_and_drops_the_cookie(client, engine):
    token = _session()
    client.cookies.set(session_routes.COOKIE, token)
    answer = client.get("/_charter/sign-out", headers=SAME_SITE)
    assert answer.status_code == 303 and 'charter_session=""' in answer.headers["set-cookie"]
    assert not local_sessions.resume(token)
