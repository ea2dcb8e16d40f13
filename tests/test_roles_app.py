"""Roles through the app (AppTest): each role sees and opens only its pages; signing in and out with a local
account, shared links, sessions that end, actions that check the role again.

The app under test is app.py itself, whose menu ui/access.py filters by role. The identity provider and
local mode are in tests/test_sign_in_modes_app.py.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest
from streamlit.util import calc_hash

from metrics import clock
from metrics.access import audit, auth, sessions
from metrics.kpi import targets
from metrics.kpi.registry import load_registry
from tests.roles_app import (  # noqa: F401 - navigation_only and started_by_the_launcher are fixtures
    AREAS,
    PAGES,
    PASSWORD,
    ROOT,
    navigation_only,
    open_app,
    opens,
    record_messages,
    signed_in,
    started_by_the_launcher,
)
from ui import access, session_routes

pytestmark = pytest.mark.db  # the app reads accounts and data from the database DATABASE_URL names
EXPECTED = {
    "viewer": {"scorecard", *AREAS},
    "manager": {"scorecard", *AREAS, "upload"},
    "analyst": {"scorecard", *AREAS, "explore"},
    "admin": set(PAGES),
}


def _matrix_cases():
    for role, allowed in EXPECTED.items():
        for page in PAGES:
            yield pytest.param(role, page, page in allowed, id=f"{role}-{page}")


@pytest.mark.parametrize(("role", "page", "allowed"), list(_matrix_cases()))
def test_each_role_opens_its_pages_and_no_other(engine, role, page, allowed):
    at = signed_in(engine, (role,))
    assert opens(at, page) is allowed


def test_several_roles_add_up(engine):
    user = auth.User("kim", frozenset({"manager", "analyst"}), "account")
    assert access.pages_allowed(user, set(PAGES)) == {"scorecard", *AREAS, "upload", "explore"}


def test_a_page_nobody_classified_is_for_admins_only():
    assert access.page_role("new_report") == "admin"


# ---- signing in -------------------------------------------------------------------------------------

def test_signed_out_only_the_login_form_is_reachable(engine):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    at = open_app().run()
    assert [t.label for t in at.text_input] == ["아이디", "비밀번호"]
    for page in PAGES:
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{page}.py")


def test_the_login_form_signs_in_and_the_role_decides_the_menu(engine):
    auth.add_user(engine, "kim", PASSWORD, ["manager"], actor="test")
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    at = open_app().run()
    at.text_input[0].input("Kim")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert sessions.resume(engine, at.session_state[access.TOKEN_KEY]).session.user.name == "kim"
    assert opens(at, "upload")
    assert not opens(at, "explore")
    assert audit.read(engine)["action"].tolist()[0] == "login"


def test_a_wrong_password_gets_the_one_message_and_opens_nothing(engine):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    at = open_app().run()
    at.text_input[0].input("kim")
    at.text_input[1].input("not-the-password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [auth.GENERIC_FAILURE.ko]
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_a_throttled_client_is_told_to_wait_even_with_the_right_password(engine, monkeypatch):
    from ui.i18n import text

    monkeypatch.setenv("LOGIN_THROTTLE_FAILURES", "2")
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    for name in ("lee", "park"):  # two unknown names from an address-less client, as under AppTest
        auth.authenticate(engine, name, "not-the-password")
    at = open_app().run()
    at.text_input[0].input("kim")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert [e.value for e in at.error] == [text("auth.throttled", "ko")]
    assert access.TOKEN_KEY not in at.session_state
    assert audit.read(engine)["action"].tolist()[0] == "login_throttled"


def _open_address(at: AppTest, url_path: str) -> AppTest:
    """Open the app at /url_path, as a shared link does. A browser asks for the page by its address (Streamlit
    hashes it); AppTest's switch_page finds pages by file, and signed out every address is the login file."""
    at._page_hash = calc_hash(url_path)
    return at


@pytest.fixture
def forwarded(monkeypatch):
    """The messages the last run sent the browser, by kind."""
    return record_messages(monkeypatch)


def _sign_in_with_the_form(at: AppTest, name: str = "kim") -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(PASSWORD)
    return at.button[0].click().run()


def test_a_shared_link_shows_the_korean_sign_in_form_and_opens_with_its_filters_after(demo_database_url,
                                                                                       engine, forwarded):
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    last_year = clock.today().year - 1
    at = _open_address(open_app(), "area_cert")
    at.query_params["year"] = str(last_year)
    at.run()
    # The sign-in form at that very address (a browser would otherwise get Streamlit's English "Page not found"
    # and the first page; tests/test_browser.py sees that in Chromium), in Korean.
    [navigation] = forwarded("navigation")
    assert navigation.navigation.page_script_hash == calc_hash("area_cert")
    assert [t.label for t in at.text_input] == ["아이디", "비밀번호"]
    assert [b.label for b in at.button] == ["로그인"]
    assert at.query_params["year"] == str(last_year)  # the link's filter waits in the address
    _sign_in_with_the_form(at)
    assert at.title[0].value == "단체표준 인증"
    assert at.sidebar.selectbox(key="year").value == last_year


def test_signed_out_every_page_address_shows_the_sign_in_form_and_no_menu(engine, forwarded):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    for page in PAGES:
        at = _open_address(open_app(), page).run()
        assert [t.label for t in at.text_input] == ["아이디", "비밀번호"], page
        [navigation] = forwarded("navigation")
        assert navigation.navigation.page_script_hash == calc_hash(page), page  # still at that address
        assert navigation.navigation.position == navigation.navigation.HIDDEN, page


def test_with_the_cookie_route_a_sign_in_sends_the_browser_to_trade_a_ticket_and_keeps_nothing_in_the_tab(
        engine, forwarded, monkeypatch):
    monkeypatch.setitem(session_routes._installed, "routes", True)  # as under ui.serve
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    at = _open_address(open_app(), "area_cert")
    at.query_params["year"] = "2025"
    at.query_params["lang"] = "English"
    at.context["url"] = "http://127.0.0.1:8501/area_cert"
    at.run()
    _sign_in_with_the_form(at)
    [redirect] = [m.auth_redirect.url for m in forwarded("auth_redirect")]
    where = urlsplit(redirect)
    query = parse_qs(where.query)
    assert where.path == "/_charter/session"
    assert query["next"] == ["/area_cert?year=2025&lang=English"]
    assert access.TOKEN_KEY not in at.session_state  # the session id only ever reaches the browser's cookie
    token, session = sessions.redeem_ticket(engine, query["ticket"][0])
    assert session.user.name == "kim" and sessions.resume(engine, token).session is not None


def test_with_the_cookie_route_signing_out_ends_the_session_and_sends_the_browser_to_drop_the_cookie(
        engine, forwarded, monkeypatch):
    monkeypatch.setitem(session_routes._installed, "routes", True)
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    token = sessions.start(engine, "kim")
    monkeypatch.setattr(access, "_cookie", lambda: token)  # AppTest cannot seed the browser's cookies
    at = open_app().run()
    assert "고객헌장 이행 현황" in at.title[0].value
    at.sidebar.button(key="auth-logout").click().run()
    assert [m.auth_redirect.url for m in forwarded("auth_redirect")] == ["/_charter/sign-out"]
    assert sessions.resume(engine, token).session is None
    assert audit.read(engine)["action"].tolist()[0] == "logout"


def test_a_tab_whose_session_was_ended_elsewhere_is_signed_out_at_its_next_click(engine, monkeypatch):
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    token = sessions.start(engine, "kim")
    monkeypatch.setattr(access, "_cookie", lambda: token)  # both tabs send the same cookie
    at = open_app().run()
    assert "고객헌장 이행 현황" in at.title[0].value
    sessions.end(engine, token)  # signed out in the other tab
    at.run()
    assert [t.label for t in at.text_input] == ["아이디", "비밀번호"]
    assert not at.info  # not "your session has ended": the person signed out themselves


def test_signing_out_returns_to_the_login_page(engine):
    at = signed_in(engine, ("viewer",))
    token = at.session_state[access.TOKEN_KEY]
    at.sidebar.button(key="auth-logout").click().run()
    assert access.TOKEN_KEY not in at.session_state
    assert sessions.resume(engine, token).session is None  # ended in the database, not only forgotten here
    assert "logout" in audit.read(engine)["action"].tolist()
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_an_idle_session_ends_and_says_so(engine):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    at = open_app()
    long_ago = clock.utc_now() - timedelta(hours=3)
    at.session_state[access.TOKEN_KEY] = sessions.start(engine, "kim", now=long_ago)
    at.run()
    assert any("세션이 끝났습니다" in i.value for i in at.info)
    assert audit.details(audit.read(engine, audit.AuditFilter(actions=("logout",)))) == [{"reason": "idle"}]
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


# ---- actions check the role again ----------------------------------------------------------------

def _guarded_action():
    import streamlit as st

    from ui import access

    access.require("manager")
    st.write("undone")


def test_require_stops_an_action_the_role_does_not_allow(engine):
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    at = AppTest.from_function(_guarded_action)
    at.session_state[access.TOKEN_KEY] = sessions.start(engine, "kim")
    at.run()
    assert [e.value for e in at.error] == ["이 화면이나 작업에는 'manager' 권한이 필요합니다."]
    assert "undone" not in [m.value for m in at.markdown]


def _target_field(at: AppTest, kind: str, prefix: str):
    """The target form's field of `kind` (number_input, selectbox), keyed by KPI, year and version."""
    [field] = [w for w in getattr(at, kind) if str(w.key).startswith(prefix)]
    return field


def test_an_admin_changes_a_target_in_the_app_only_with_a_reason(engine):
    at = signed_in(engine, ("admin",))
    at.switch_page("pages/admin.py").run()
    _target_field(at, "number_input", "target-value-").set_value(95.0)
    at.button(key="FormSubmitter:target-change-목표 변경").click().run()
    assert targets.history(engine).empty
    assert any("사유" in e.value for e in at.error)
    _target_field(at, "number_input", "target-value-").set_value(95.0)
    at.text_area(key="target-reason").input("이사회 결정 / board decision")
    at.button(key="FormSubmitter:target-change-목표 변경").click().run()
    [change] = targets.history(engine).to_dict("records")
    first = load_registry().kpis[0]
    assert (change["kpi_id"], change["value"], change["changed_by"]) == (first.id, 0.95, "kim")


def test_the_target_form_starts_from_the_target_in_force_for_the_chosen_kpi(engine):
    registry = load_registry()
    share = registry.kpis[0]  # a share: the form shows percent
    count = next(k for k in registry if k.unit == "count" and k.target is not None and k.target.value > 100)
    targets.change_target(engine, count.id, ">=", count.target.value + 500, reason="증원 / more places",
                          actor="test", effective_from=date(clock.today().year, 1, 1))
    at = signed_in(engine, ("admin",))
    at.switch_page("pages/admin.py").run()
    assert at.selectbox(key="target-kpi").value == share.id
    assert _target_field(at, "number_input", "target-value-").value == pytest.approx(share.target.value * 100)
    assert _target_field(at, "selectbox", "target-cmp-").value == share.target.comparator
    at.selectbox(key="target-kpi").set_value(count.id).run()
    # the change recorded this year, not the registry's figure (e.g. 3,000 + 500 trainees)
    assert _target_field(at, "number_input", "target-value-").value == count.target.value + 500
    assert _target_field(at, "selectbox", "target-cmp-").value == ">="
    # another year: the registry's target, as the table beside it says
    at.number_input(key="target-year").set_value(clock.today().year - 1).run()
    assert _target_field(at, "number_input", "target-value-").value == count.target.value


# ---- downloads ---------------------------------------------------------------------------------------


def test_no_table_offers_a_download_of_its_own():
    # Chromium sees the toolbar without "Download as CSV" (tests/test_browser.py); this holds without a browser.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
