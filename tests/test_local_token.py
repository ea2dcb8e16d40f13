"""The local-mode token: made fresh, compared safely, printed by the launcher after Streamlit's address."""

from __future__ import annotations

import pytest
from streamlit import config

from ui import local_token, serve


@pytest.fixture
def started(monkeypatch) -> str:
    token = local_token.make()
    monkeypatch.setenv(local_token.ENV, token)
    return token


def test_each_start_makes_another_long_token():
    first, second = local_token.make(), local_token.make()
    assert first != second and len(first) >= local_token.MIN_LENGTH


def test_only_this_starts_token_matches(started):
    assert local_token.matches(started)
    assert not local_token.matches(started[:-1] + ("A" if started[-1] != "A" else "B"))
    assert not local_token.matches("")
    assert not local_token.matches(None)


def test_a_token_with_other_characters_is_refused_not_an_error(started):
    # hmac.compare_digest refuses non-ASCII str; the app compares bytes, so a crafted link is just wrong.
    assert not local_token.matches("토큰" * 20)


def test_no_token_in_the_environment_matches_nothing(monkeypatch):
    monkeypatch.delenv(local_token.ENV, raising=False)
    assert local_token.expected() is None
    assert not local_token.matches("")


def test_the_link_carries_the_token_to_the_cookie_route():
    assert local_token.link("http://127.0.0.1:8501/", "abc-_1") == "http://127.0.0.1:8501/_charter/local?token=abc-_1"


@pytest.fixture
def address():
    """Set server.address for one test (the launcher reads it once the server listens)."""
    before = config.get_option("server.address")
    yield lambda value: config.set_option("server.address", value)
    config.set_option("server.address", before)


def test_the_launcher_prints_the_link_with_the_servers_address(capsys, address):
    address("127.0.0.1")
    serve.print_link("t0ken")
    printed = capsys.readouterr().out
    assert "http://127.0.0.1:" in printed and "/_charter/local?token=t0ken" in printed


def test_beyond_this_machine_the_launcher_prints_no_link(capsys, address):
    address("0.0.0.0")
    serve.print_link("t0ken")
    printed = capsys.readouterr().out
    assert "t0ken" not in printed and "Local mode is off" in printed
