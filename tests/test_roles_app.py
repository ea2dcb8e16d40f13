"""Roles through the app (AppTest): each role sees and opens only its pages; login, OIDC, local mode, expiry.

The app under test is app.py itself, whose menu ui/access.py filters by role.
"""

from __future__ import annotations

import tomllib
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit import config as st_config
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module
from streamlit.util import calc_hash

from metrics.access import audit, auth, sessions
from metrics.kpi import targets
from metrics.kpi.registry import load_registry
from tests.app_fixtures import LOCAL_TOKEN, local_mode_env, with_local_token
from ui import access, local_token, plain, session_routes

pytestmark = pytest.mark.db  # the app reads accounts and data from the database DATABASE_URL names
ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "Pumpkin-Seventeen-42"
AREAS = [f"area_{a.id}" for a in load_registry().areas]
PAGES = ["scorecard", *AREAS, "upload", "explore", "admin"]
EXPECTED = {
    "viewer": {"scorecard", *AREAS},
    "manager": {"scorecard", *AREAS, "upload"},
    "analyst": {"scorecard", *AREAS, "explore"},
    "admin": set(PAGES),
}

@pytest.fixture(autouse=True)
def _started_by_the_launcher(monkeypatch):
    local_mode_env(monkeypatch)  # as ui.serve does at each start; local mode still needs the link's token


@pytest.fixture(autouse=True)
def _navigation_only(monkeypatch):
    # With a pages/ folder beside the main script, Streamlit runs a requested page directly (the old
    # multipage mode) until the main script has called st.navigation once in the process. A server
    # remembers that call; AppTest forgets it before every run, so each switch_page would skip the
    # app's menu. Keep it remembered, as on a server that has served the app once. (The hazard
    # itself is real: see docs/security.md and the report; renaming pages/ removes it.)
    original = PagesManager.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", init)


@pytest.fixture
def app_file() -> str:
    return str(ROOT / "app.py")


def _app(app_file: str) -> AppTest:
    return AppTest.from_file(app_file, default_timeout=60)


def _local(app_file: str) -> AppTest:
    """The app opened with the link printed at start-up (its token in the URL)."""
    return with_local_token(_app(app_file))


def _signed_in(app_file: str, engine, roles: tuple[str, ...]) -> AppTest:
    """The app with a local account of `roles` signed in (its session put in place, as the login form does)."""
    name = auth.add_user(engine, "kim", PASSWORD, roles, actor="test")
    if "admin" not in roles:
        auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    at = _app(app_file)
    at.session_state[access.TOKEN_KEY] = sessions.start(engine, name)
    return at.run()


def _opens(at: AppTest, page: str) -> bool:
    """Whether `page` is in the menu; if it is, it must render without an error."""
    try:
        at.switch_page(f"pages/{page}.py")
    except ValueError:
        return False
    at.run()
    assert not at.exception, at.exception
    assert not [e.value for e in at.error], [e.value for e in at.error]
    assert at.title, f"{page} drew no title"
    return True


def _matrix_cases():
    for role, allowed in EXPECTED.items():
        for page in PAGES:
            yield pytest.param(role, page, page in allowed, id=f"{role}-{page}")


@pytest.mark.parametrize(("role", "page", "allowed"), list(_matrix_cases()))
def test_each_role_opens_its_pages_and_no_other(app_file, engine, role, page, allowed):
    at = _signed_in(app_file, engine, (role,))
    assert _opens(at, page) is allowed


def test_several_roles_add_up(engine):
    user = auth.User("kim", frozenset({"manager", "analyst"}), "account")
    assert access.pages_allowed(user, set(PAGES)) == {"scorecard", *AREAS, "upload", "explore"}


def test_a_page_nobody_classified_is_for_admins_only():
    assert access.page_role("new_report") == "admin"


# ---- signing in -------------------------------------------------------------------------------------

def test_signed_out_only_the_login_form_is_reachable(app_file, engine):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    at = _app(app_file).run()
    assert [t.label for t in at.text_input] == ["아이디", "비밀번호"]
    for page in PAGES:
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{page}.py")


def test_the_login_form_signs_in_and_the_role_decides_the_menu(app_file, engine):
    auth.add_user(engine, "kim", PASSWORD, ["manager"], actor="test")
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    at = _app(app_file).run()
    at.text_input[0].input("Kim")
    at.text_input[1].input(PASSWORD)
    at.button[0].click().run()
    assert sessions.resume(engine, at.session_state[access.TOKEN_KEY]).session.user.name == "kim"
    assert _opens(at, "upload")
    assert not _opens(at, "explore")
    assert audit.read(engine)["action"].tolist()[0] == "login"


def test_a_wrong_password_gets_the_one_message_and_opens_nothing(app_file, engine):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    at = _app(app_file).run()
    at.text_input[0].input("kim")
    at.text_input[1].input("not-the-password")
    at.button[0].click().run()
    assert [e.value for e in at.error] == [auth.GENERIC_FAILURE.ko]
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_a_throttled_client_is_told_to_wait_even_with_the_right_password(app_file, engine, monkeypatch):
    from ui.i18n import text

    monkeypatch.setenv("LOGIN_THROTTLE_FAILURES", "2")
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    for name in ("lee", "park"):  # two unknown names from an address-less client, as under AppTest
        auth.authenticate(engine, name, "not-the-password")
    at = _app(app_file).run()
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
    """The messages each run sent the browser (AppTest keeps no other record of a redirect or a page not found)."""
    runners = []

    class Recording(app_test_module.LocalScriptRunner):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            runners.append(self)

    monkeypatch.setattr(app_test_module, "LocalScriptRunner", Recording)
    return lambda kind: [m for m in runners[-1].forward_msgs() if m.WhichOneof("type") == kind]


def _sign_in_with_the_form(at: AppTest, name: str = "kim") -> AppTest:
    at.text_input[0].input(name)
    at.text_input[1].input(PASSWORD)
    return at.button[0].click().run()


def test_a_shared_link_shows_the_korean_sign_in_form_and_opens_with_its_filters_after(app_file, demo_database_url,
                                                                                       engine, forwarded):
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    last_year = date.today().year - 1
    at = _open_address(_app(app_file), "area_cert")
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


def test_signed_out_every_page_address_shows_the_sign_in_form_and_no_menu(app_file, engine, forwarded):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    for page in PAGES:
        at = _open_address(_app(app_file), page).run()
        assert [t.label for t in at.text_input] == ["아이디", "비밀번호"], page
        [navigation] = forwarded("navigation")
        assert navigation.navigation.page_script_hash == calc_hash(page), page  # still at that address
        assert navigation.navigation.position == navigation.navigation.HIDDEN, page


def test_with_the_cookie_route_a_sign_in_sends_the_browser_to_trade_a_ticket_and_keeps_nothing_in_the_tab(
        app_file, engine, forwarded, monkeypatch):
    monkeypatch.setitem(session_routes._installed, "routes", True)  # as under ui.serve
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    at = _open_address(_app(app_file), "area_cert")
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
        app_file, engine, forwarded, monkeypatch):
    monkeypatch.setitem(session_routes._installed, "routes", True)
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    token = sessions.start(engine, "kim")
    monkeypatch.setattr(access, "_cookie", lambda: token)  # AppTest cannot seed the browser's cookies
    at = _app(app_file).run()
    assert "고객헌장 이행 현황" in at.title[0].value
    at.sidebar.button(key="auth-logout").click().run()
    assert [m.auth_redirect.url for m in forwarded("auth_redirect")] == ["/_charter/sign-out"]
    assert sessions.resume(engine, token).session is None
    assert audit.read(engine)["action"].tolist()[0] == "logout"


def test_a_tab_whose_session_was_ended_elsewhere_is_signed_out_at_its_next_click(app_file, engine, monkeypatch):
    auth.add_user(engine, "kim", PASSWORD, ["viewer"], actor="test")
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    token = sessions.start(engine, "kim")
    monkeypatch.setattr(access, "_cookie", lambda: token)  # both tabs send the same cookie
    at = _app(app_file).run()
    assert "고객헌장 이행 현황" in at.title[0].value
    sessions.end(engine, token)  # signed out in the other tab
    at.run()
    assert [t.label for t in at.text_input] == ["아이디", "비밀번호"]
    assert not at.info  # not "your session has ended": the person signed out themselves


def test_signing_out_returns_to_the_login_page(app_file, engine):
    at = _signed_in(app_file, engine, ("viewer",))
    token = at.session_state[access.TOKEN_KEY]
    at.sidebar.button(key="auth-logout").click().run()
    assert access.TOKEN_KEY not in at.session_state
    assert sessions.resume(engine, token).session is None  # ended in the database, not only forgotten here
    assert "logout" in audit.read(engine)["action"].tolist()
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_an_idle_session_ends_and_says_so(app_file, engine):
    auth.add_user(engine, "kim", PASSWORD, ["admin"], actor="test")
    at = _app(app_file)
    long_ago = datetime.now() - timedelta(hours=3)
    at.session_state[access.TOKEN_KEY] = sessions.start(engine, "kim", now=long_ago)
    at.run()
    assert any("세션이 끝났습니다" in i.value for i in at.info)
    assert audit.details(audit.read(engine, audit.AuditFilter(actions=("logout",)))) == [{"reason": "idle"}]
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


# ---- identity provider ------------------------------------------------------------------------------

@pytest.fixture
def roles_file(tmp_path, monkeypatch):
    path = tmp_path / "roles.toml"
    path.write_text('[emails]\n"kim@kwwa.or.kr" = ["manager"]\n[domains]\n"kwwa.or.kr" = ["viewer"]\n', encoding="utf-8")
    monkeypatch.setenv("ROLES_FILE", str(path))
    return path


def test_an_identity_provider_user_gets_the_roles_of_roles_toml(app_file, engine, roles_file):
    at = _app(app_file)
    at.user = {"is_logged_in": True, "email": "kim@kwwa.or.kr", "email_verified": True, "name": "김"}
    at.run()
    assert _opens(at, "upload")
    assert not _opens(at, "admin")
    [entry] = audit.details(audit.read(engine, audit.AuditFilter(actions=("login",))))
    assert entry == {"source": "oidc", "roles": ["manager", "viewer"]}  # the e-mail and its domain


def test_an_identity_provider_user_with_no_role_sees_no_page(app_file, engine, roles_file):
    at = _app(app_file)
    at.user = {"is_logged_in": True, "email": "guest@example.com"}
    at.run()
    assert any(plain.md("guest@example.com") in w.value for w in at.warning)  # shown as text
    assert not at.sidebar.selectbox  # no year to pick without a page to pick it for
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_signing_out_of_the_identity_provider_sends_the_browser_to_clear_the_cookie(app_file, engine, roles_file,
                                                                                     monkeypatch):
    # st.logout() queues the browser's trip to /auth/logout, the only thing that clears the 30-day sign-in
    # cookie. A st.rerun() after it starts a new run, which drops unsent messages: the page then looked
    # signed out, but the next page load signed the person in again (seen in tests/test_oidc_browser.py).
    runners = []

    class Recording(app_test_module.LocalScriptRunner):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            runners.append(self)

    monkeypatch.setattr(app_test_module, "LocalScriptRunner", Recording)
    at = _app(app_file)
    at.user = {"is_logged_in": True, "email": "kim@kwwa.or.kr", "email_verified": True}
    at.run()
    at.sidebar.button(key="auth-logout").click().run()
    redirects = [m.auth_redirect.url for m in runners[-1].forward_msgs() if m.WhichOneof("type") == "auth_redirect"]
    assert redirects == ["/auth/logout"]
    assert at.user == {"is_logged_in": False}
    assert audit.read(engine)["action"].tolist()[0] == "logout"


def test_an_identity_provider_session_ends_after_the_limit_counted_from_the_token(app_file, engine, roles_file):
    auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    issued = datetime.now() - timedelta(hours=9)
    at = _app(app_file)
    at.user = {"is_logged_in": True, "email": "kim@kwwa.or.kr", "iat": int(issued.timestamp())}
    at.run()
    assert at.user == {"is_logged_in": False}  # st.logout() was called
    assert any("세션이 끝났습니다" in i.value for i in at.info)
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_with_an_identity_provider_configured_there_is_no_local_mode(app_file, engine):
    at = _local(app_file)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "id", "client_secret": "s", "server_metadata_url": "https://idp.example/.well-known"}
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.label for b in at.button] == ["기관 계정으로 로그인"]
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


# ---- local mode ------------------------------------------------------------------------------------

def test_local_mode_gives_every_right_with_a_banner(app_file, engine):
    at = _local(app_file).run()
    assert any("로컬 모드" in w.value for w in at.warning)
    assert _opens(at, "admin") and _opens(at, "upload") and _opens(at, "explore")


def test_local_mode_is_refused_when_the_app_listens_beyond_this_machine(app_file, engine):
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "0.0.0.0")
    try:
        at = _local(app_file).run()
    finally:
        st_config.set_option("server.address", previous)
    assert any("127.0.0.1" in e.value for e in at.error)
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_without_the_token_local_mode_says_how_to_open_the_app(app_file, engine):
    at = _app(app_file).run()  # the address without ?token=, as a reverse proxy or another tab would bring
    [how] = [i.value for i in at.info]
    assert "make run" in how and "?token=" in how and "--role admin" in how
    assert not any("로컬 모드" in w.value for w in at.warning)
    for page in PAGES:
        with pytest.raises(ValueError):
            at.switch_page(f"pages/{page}.py")


def test_the_way_to_open_the_app_is_said_in_english_in_english_mode(app_file, engine):
    at = _app(app_file)
    at.query_params["lang"] = "English"
    at.run()
    [how] = [i.value for i in at.info]
    assert how.startswith("No account exists yet") and "?token=" in how


def test_a_wrong_token_opens_nothing_and_leaves_the_address_bar(app_file, engine):
    at = with_local_token(_app(app_file), local_token.make()).run()  # a link from another start
    assert local_token.QUERY_PARAM not in at.query_params
    assert at.info and not at.warning
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_the_token_leaves_the_address_bar_and_the_session_keeps_it(app_file, engine):
    at = _local(app_file).run()
    assert local_token.QUERY_PARAM not in at.query_params
    at.run()  # a later run of the same session: the URL no longer carries the token
    assert any("로컬 모드" in w.value for w in at.warning)
    assert _opens(at, "admin")


@pytest.mark.parametrize("environment", [None, "short-token"], ids=["not-started-by-the-launcher", "too-short"])
def test_without_a_token_made_at_start_there_is_no_local_mode(app_file, engine, monkeypatch, environment):
    # `streamlit run app.py` without ui.serve makes no token; a short one was not made by it either.
    if environment is None:
        monkeypatch.delenv(local_token.ENV)
    else:
        monkeypatch.setenv(local_token.ENV, environment)
    at = with_local_token(_app(app_file), environment or LOCAL_TOKEN).run()
    assert at.info and not at.warning
    with pytest.raises(ValueError):
        at.switch_page("pages/scorecard.py")


def test_the_first_account_made_in_local_mode_ends_local_mode(app_file, engine):
    at = _local(app_file).run()
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


def test_an_admin_changes_a_target_in_the_app_only_with_a_reason(app_file, engine):
    at = _signed_in(app_file, engine, ("admin",))
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


def test_the_target_form_starts_from_the_target_in_force_for_the_chosen_kpi(app_file, engine):
    registry = load_registry()
    share = registry.kpis[0]  # a share: the form shows percent
    count = next(k for k in registry if k.unit == "count" and k.target is not None and k.target.value > 100)
    targets.change_target(engine, count.id, ">=", count.target.value + 500, reason="증원 / more places",
                          actor="test", effective_from=date(date.today().year, 1, 1))
    at = _signed_in(app_file, engine, ("admin",))
    at.switch_page("pages/admin.py").run()
    assert at.selectbox(key="target-kpi").value == share.id
    assert _target_field(at, "number_input", "target-value-").value == pytest.approx(share.target.value * 100)
    assert _target_field(at, "selectbox", "target-cmp-").value == share.target.comparator
    at.selectbox(key="target-kpi").set_value(count.id).run()
    # the change recorded this year, not the registry's figure (e.g. 3,000 + 500 trainees)
    assert _target_field(at, "number_input", "target-value-").value == count.target.value + 500
    assert _target_field(at, "selectbox", "target-cmp-").value == ">="
    # another year: the registry's target, as the table beside it says
    at.number_input(key="target-year").set_value(date.today().year - 1).run()
    assert _target_field(at, "number_input", "target-value-").value == count.target.value


# ---- downloads ---------------------------------------------------------------------------------------


def test_no_table_offers_a_download_of_its_own():
    # Chromium sees the toolbar without "Download as CSV" (tests/test_browser.py); this holds without a browser.
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True
