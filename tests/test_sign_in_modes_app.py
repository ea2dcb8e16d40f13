"""Signing in without a local account (AppTest): through the organisation's identity provider (roles from
roles.toml), or in local mode (no account yet: every right, only with the token the launcher printed).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit import config as st_config

from metrics.access import audit, auth
from tests.app_fixtures import LOCAL_TOKEN, with_local_token
from tests.roles_app import (  # noqa: F401 - navigation_only and started_by_the_launcher are fixtures
    PAGES,
    PASSWORD,
    navigation_only,
    open_app,
    open_local,
    opens,
    record_messages,
    started_by_the_launcher,
)
from ui import local_token, plain

pytestmark = pytest.mark.db  # the app reads accounts from the database DATABASE_URL names


@pytest.fixture
def roles_file(tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text('[emails]\n"kim@kwwa.or.kr" = ["manager"]\n[domains]\n"kwwa.or.kr" = ["viewer"]\n', encoding="utf-8")
    monkeypatch.setenv("ROLES_FILE", str(path))
    return path


def test_an_identity_provider_user_gets_the_roles_of_roles_toml(engine, roles_file):
    at = open_app()
    at.user = {"is_logged_in": True, "email": "kim@kwwa.or.kr", "email_verified": True, "name": "김"}
    at.run()
    assert opens(at, "upload")
    assert not opens(at, "admin")
    [entry] = audit.details(audit.read(engine, audit.AuditFilter(actions=("login",))))
    assert entry == {"source": "oidc", "roles": ["manager", "viewer"]}  # the e-mail and its domain


def test_an_identity_provider_user_with_no_role_sees_no_page(engine, roles_file):
    at = open_app()
    at.user = {"is_logged_in": True, "email": "guest@example.com"}
    at.run()
    assert any(plain.md("guest@example.com") in w.value for w in at.warning)  # shown as text
    assert not at.sidebar.selectbox  # no year to pick without a page to pick it for
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_signing_out_of_the_identity_provider_sends_the_browser_to_clear_the_cookie(engine, roles_file,
                                                                                     monkeypatch):
    # st.logout() queues the browser's trip to /auth/logout, the only thing that clears the 30-day sign-in
    # cookie. A st.rerun() after it starts a new run, which drops unsent messages: the page then looked
    # signed out, but the next page load signed the person in again (seen in tests/test_oidc_browser.py).
    forwarded = record_messages(monkeypatch)
    at = open_app()
    at.user = {"is_logged_in": True, "email": "kim@kwwa.or.kr", "email_verified": True}
    at.run()
    at.sidebar.button(key="auth-logout").click().run()
    assert [m.auth_redirect.url for m in forwarded("auth_redirect")] == ["/auth/logout"]
    assert at.user == {"is_logged_in": False}
    assert audit.read(engine)["action"].tolist()[0] == "logout"


def test_an_identity_provider_session_ends_after_the_limit_counted_from_the_token(engine, roles_file):
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    issued = datetime.now(UTC) - timedelta(hours=9)
    at = open_app()
    at.user = {"is_logged_in": True, "email": "kim@kwwa.or.kr", "iat": int(issued.timestamp())}
    at.run()
    assert at.user == {"is_logged_in": False}  # st.logout() was called
    assert any("세션이 끝났습니다" in i.value for i in at.info)
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_with_an_identity_provider_configured_there_is_no_local_mode(engine):
    at = open_local()
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "s", "server_metadata_url": "https://idp.example/.well-known"}
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["기관 계정으로 로그인"]
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


# ---- local mode ------------------------------------------------------------------------------------


def test_local_mode_gives_every_right_with_a_banner(engine):
    at = open_local().run()
    assert any("로컬 모드" in w.value for w in at.warning)
    assert opens(at, "admin") and opens(at, "upload") and opens(at, "explore")


def test_local_mode_is_refused_when_the_app_listens_beyond_this_machine(engine):
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = open_local().run()
    finally:
        st_config.set_option("server.address", previous)
    assert any("127.0.0.1" in e.value for e in at.error)
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_without_the_token_local_mode_says_how_to_open_the_app(engine):
    at = open_app().run()  # the address without ?token=, as a reverse proxy or another tab would bring
    [how] = [i.value for i in at.info]
    assert "make run" in how and "?token=" in how and "--role admin" in how
    assert not any("로컬 모드" in w.value for w in at.warning)
    for page in PAGES:
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{page}.py")


def test_the_way_to_open_the_app_is_said_in_english_in_english_mode(engine):
    at = open_app()
    at.query_params["lang"] = "English"
    at.run()
    [how] = [i.value for i in at.info]
    assert how.startswith("No account exists yet") and "?token=" in how


def test_a_wrong_token_opens_nothing_and_leaves_the_address_bar(engine):
    at = with_local_token(open_app(), local_token.make()).run()  # a link from another start
    assert local_token.QUERY_PARAM not in at.query_params
    assert at.info and not at.warning
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_the_token_leaves_the_address_bar_and_the_session_keeps_it(engine):
    at = open_local().run()
    assert local_token.QUERY_PARAM not in at.query_params
    at.run()  # a later run of the same session: the URL no longer carries the token
    assert any("로컬 모드" in w.value for w in at.warning)
    assert opens(at, "admin")


@pytest.mark.parametrize("environment", [None, "short-token"], ids=["not-started-by-the-launcher", "too-short"])
def test_without_a_token_made_at_start_there_is_no_local_mode(engine, monkeypatch, environment):
    # `streamlit run app.py` without ui.serve makes no token; a short one was not made by it either.
    if environment is None:
        monkeypatch.delenv(local_token.ENV)
    else:
        monkeypatch.setenv(local_token.ENV, environment)
    at = with_local_token(open_app(), environment or LOCAL_TOKEN).run()
    assert at.info and not at.warning
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_the_first_account_made_in_local_mode_ends_local_mode(engine):
    at = open_local().run()
    at.switch_page("pages/admin.py").run()
    at.text_input(key="auth-add-name").input("boss")
    at.multiselect(key="auth-add-roles").set_value(["admin"])
    at.text_input(key="auth-add-pw").input(PASSWORD)
    at.text_input(key="auth-add-pw2").input(PASSWORD)
    at.button(key="FormSubmitter:auth-add-추가").click().run()
    assert auth.list_users(engine)["username"].tolist() == ["boss"]
    at.run()
    assert [t.label for t in at.text_input] == ["아이디", "비밀번호"]


# ---- actions check the role again ----------------------------------------------------------------


def test_signing_out_of_local_mode_ends_it_until_the_printed_link_is_opened_again(engine):
    at = open_local().run()
    at.sidebar.button(key="auth-logout").click().run()
    assert at.info and not at.warning  # how to open the app, and no banner
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")
    with_local_token(at).run()
    assert any("로컬 모드" in w.value for w in at.warning)
