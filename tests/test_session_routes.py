"""The routes that set and clear the sign-in cookie (ui/session_routes.py), driven over HTTP without a browser:
the cookie's flags, one use per ticket, no redirect elsewhere, nothing done for another site's request."""

from __future__ import annotations

import warnings
from datetime import timedelta

import pytest
from starlette.applications import Starlette

with warnings.catch_warnings():  # Starlette asks for httpx2 over the httpx that Authlib brings; both work here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from metrics import clock
from metrics.access import audit, auth, sessions
from ui import session_routes

pytestmark = pytest.mark.db
PASSWORD = "Pumpkin-Seventeen-42"
SAME_SITE = {"Sec-Fetch-Site": "same-origin"}  # what Chromium sends when our page sends the browser on


@pytest.fixture
def client(engine, monkeypatch):
    monkeypatch.setitem(session_routes._installed, "routes", False)  # restored after the test
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    app = Starlette(routes=session_routes.routes())
    with TestClient(app, base_url="http://127.0.0.1:8501", follow_redirects=False) as test_client:
        yield test_client


def _trade(client, ticket: str, next_path: str = "/area_cert?year=2025", headers=SAME_SITE):
    return client.get("/_charter/session", params={"ticket": ticket, "next": next_path}, headers=headers)


def test_a_ticket_becomes_an_httponly_strict_cookie_and_the_browser_goes_on_to_the_page_it_asked_for(client, engine):
    answer = _trade(client, sessions.issue_ticket(engine, "kim"))
    assert answer.status_code == 303 and answer.headers["location"] == "/area_cert?year=2025"
    cookie = answer.headers["set-cookie"]
    token = cookie.split(";")[0].removeprefix(f"{session_routes.COOKIE}=")
    flags = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "samesite=strict", "path=/", f"max-age={8 * 3600}"} <= flags
    assert "secure" not in flags  # plain HTTP on this machine: a Secure cookie would never come back
    assert answer.headers["cache-control"] == "no-store"
    assert sessions.resume(engine, token).session.user.name == "kim"


def test_behind_a_proxy_that_ends_https_the_cookie_is_secure(client, engine):
    answer = _trade(client, sessions.issue_ticket(engine, "kim"), headers={**SAME_SITE, "X-Forwarded-Proto": "https"})
    assert "secure" in {part.strip().lower() for part in answer.headers["set-cookie"].split(";")}


def test_a_ticket_sets_a_cookie_once(client, engine):
    ticket = sessions.issue_ticket(engine, "kim")
    assert "set-cookie" in _trade(client, ticket).headers
    again = _trade(client, ticket)
    assert again.status_code == 303 and "set-cookie" not in again.headers


def test_a_ticket_brought_by_another_site_is_left_alone(client, engine):
    ticket = sessions.issue_ticket(engine, "kim")
    answer = _trade(client, ticket, headers={"Sec-Fetch-Site": "cross-site"})
    assert "set-cookie" not in answer.headers
    assert "set-cookie" in _trade(client, ticket).headers  # still unused: its owner's browser can trade it


@pytest.mark.parametrize("target", [
    "https://evil.example/x", "//evil.example/x", "/\\evil.example", "evil.example", "javascript:alert(1)",
    "/area_cert\r\nSet-Cookie: x=1", "",
])
def test_the_next_page_is_always_on_this_server(client, engine, target):
    answer = _trade(client, sessions.issue_ticket(engine, "kim"), target)
    assert answer.headers["location"] == "/"


def test_signing_out_drops_the_cookie_and_ends_the_session_it_names(client, engine):
    token = sessions.start(engine, "kim")
    client.cookies.set(session_routes.COOKIE, token)
    answer = client.get("/_charter/sign-out", headers=SAME_SITE)
    assert answer.status_code == 303 and answer.headers["location"] == "/"
    cookie = answer.headers["set-cookie"].lower()
    assert cookie.startswith(f'{session_routes.COOKIE}=""') and "max-age=0" in cookie and "path=/" in cookie
    assert sessions.resume(engine, token).session is None
    assert audit.read(engine)["action"].tolist()[0] == "logout"


def test_another_site_cannot_sign_anyone_out(client, engine):
    token = sessions.start(engine, "kim")
    client.cookies.set(session_routes.COOKIE, token)
    answer = client.get("/_charter/sign-out", headers={"Sec-Fetch-Site": "cross-site"})
    assert "set-cookie" not in answer.headers
    assert sessions.resume(engine, token).session is not None


def test_a_late_ticket_leaves_the_person_at_the_sign_in_form(client, engine):
    ticket = sessions.issue_ticket(engine, "kim", now=clock.utc_now() - timedelta(minutes=2))
    answer = _trade(client, ticket)
    assert answer.headers["location"] == "/area_cert?year=2025" and "set-cookie" not in answer.headers
