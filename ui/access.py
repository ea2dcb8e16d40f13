"""Server-side access checks for the app: who is signed in, which pages they see, `require` before acting.

A page the user's roles do not allow is left out of st.navigation, so it is neither listed nor
reachable by URL (its address shows a hidden stand-in naming the role it needs); every action (import, undo, export, account or target change) calls `require`
again right before acting, because a menu is not a permission check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Literal, NoReturn
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit import config as st_config
from streamlit.navigation.page import StreamlitPage as Page

from metrics.access import audit as audit_log
from metrics.access import auth, oidc, sessions
from ui import data, identity, local_sessions, local_token, plain, session_routes
from ui.i18n import said, t

SESSION_KEY = "_auth_session"  # an identity-provider session (metrics.access.auth.Session), kept per tab
# A local account's session id, kept in this tab's server memory, only when the server has no route to put it
# in a cookie (AppTest, or `streamlit run app.py` without ui.serve); otherwise it lives in the browser's cookie.
TOKEN_KEY = "_auth_session_token"
EXPIRED_KEY = "_auth_expired"
LOCAL_TOKEN_KEY = "_local_mode_session"  # a local-mode session id, likewise only without the cookie route
# Absolute, so the pages resolve whichever script is the main one (app.py, or a test app).
PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
LOGIN_PAGE = PAGES_DIR / "login.py"
ADMIN_PAGE = PAGES_DIR / "admin.py"
# The role each page needs, by its url path; area pages (area_<id>) share one entry.
PAGE_ROLES = {"scorecard": "viewer", "area": "viewer", "upload": "manager", "explore": "analyst", "admin": "admin"}
DEFAULT_PAGE = "scorecard"
# What st.navigation takes: pages by section (the menu), or a bare list (the login page, menu hidden).
Menu = dict[str, list[Page]] | list[Page]


# ---- where we are --------------------------------------------------------------------------------

def served_on_loopback() -> bool:
    """Whether this session reaches the app on 127.0.0.1 directly: the only place local mode is allowed."""
    # Read through the config module: AppTest patches config.get_option, not the st.get_option alias.
    address = st_config.get_option("server.address") or ""
    if not address and st_config.get_option("global.appTest"):
        return True  # AppTest opens no socket at all
    # Streamlit gives no IP address for a browser on this machine.
    return local_token.loopback_request(address, st.context.ip_address is None, dict(st.context.headers))


def accept_local_token() -> None:
    """Take the local-mode token out of the address bar and, if it is this start's, open a local-mode session.

    The link printed at start-up carries it once. With the cookie route (ui.serve), the browser trades a
    one-time ticket for the session cookie and comes back to this address, so reloads and new tabs stay in
    local mode (ui.local_sessions); without it, the session id stays in this tab's server memory.
    """
    given = st.query_params.get(local_token.QUERY_PARAM)
    if given is None:
        return
    del st.query_params[local_token.QUERY_PARAM]  # never left in the address bar, the history or a shared link
    if not local_token.matches(given) or mode() != "local" or not served_on_loopback():
        return
    if session_routes.installed():
        if local_sessions.resume(_cookie()):  # this browser is in local mode already: no trip needed
            return
        ticket = local_sessions.issue_ticket()
        if ticket is not None:
            _send_browser_to(session_routes.sign_in_url(ticket, _here()))
            st.stop()  # a rerun would drop the message that sends the browser on
    st.session_state[LOCAL_TOKEN_KEY] = local_sessions.start()


def _local_session_id() -> str | None:
    """This tab's local-mode session id (no cookie route), else the browser's cookie."""
    return st.session_state.get(LOCAL_TOKEN_KEY) or _cookie()


def local_mode_open() -> bool:
    """Whether this session gets local mode: no account, served on this machine only, and a live local-mode
    session opened with this start's token."""
    session_id = _local_session_id()
    if not session_id:
        return False
    if mode() != "local":  # an account exists now: local mode is over for good, in every browser
        local_sessions.end_all()
        st.session_state.pop(LOCAL_TOKEN_KEY, None)
        return False
    return served_on_loopback() and local_sessions.resume(session_id)


def mode() -> str:
    """"oidc", "accounts" or "local" (see metrics.access.auth.access_mode)."""
    return auth.access_mode(data.engine(), identity.oidc_configured())


# ---- who is signed in ------------------------------------------------------------------------------

def current_user() -> auth.User | None:
    """The signed-in user (identity provider, local account, or local mode), or None."""
    if st.user.get("is_logged_in", False):
        return _oidc_user()
    user = _account_user()
    if user is not None:
        return user
    if local_mode_open():
        return auth.local_mode_user()
    return None


def _session_token() -> str | None:
    """The local-account session id: this tab's own (no cookie route), else the browser's cookie."""
    return st.session_state.get(TOKEN_KEY) or _cookie()


def _cookie() -> str | None:
    """The session cookie the browser sent when this tab connected, if any."""
    value = st.context.cookies.get(session_routes.COOKIE)
    return value if isinstance(value, str) else None  # AppTest answers with a stand-in object


def _account_user() -> auth.User | None:
    token = _session_token()
    if not token:
        return None
    found = sessions.resume(data.engine(), token)
    if found.session is not None:
        return found.session.user
    st.session_state.pop(TOKEN_KEY, None)
    if found.ended:  # idle, too old, or the account disabled: say so on the sign-in form
        audit_log.record(data.engine(), found.username, "logout", {"reason": found.ended})
        st.session_state[EXPIRED_KEY] = True
    return None


def _oidc_user() -> auth.User | None:
    claims = st.user.to_dict()
    user = oidc.oidc_user(claims, role_map())
    session = st.session_state.get(SESSION_KEY)
    if session is None or session.user.source != "oidc" or session.user.name != user.name:
        session = auth.start_session(user, started_at=oidc.oidc_started_at(claims))
        audit_log.record(data.engine(), user.name, "login", {"source": "oidc", "roles": sorted(user.roles)})
    # roles.toml is read on every run, so an edit applies from each person's next click.
    refreshed = auth.refresh_session(data.engine(), replace(session, user=user))
    if refreshed is None:
        end_session(reason="expired")
        return None
    st.session_state[SESSION_KEY] = refreshed
    return user


def role_map() -> oidc.RoleMap:
    """roles.toml; a broken file grants nothing and says why, rather than guessing."""
    try:
        return oidc.load_role_map()
    except auth.AccountError as exc:
        st.error(plain.md(said(exc.message)))  # it quotes the file's entries
    except (OSError, ValueError):  # missing, unreadable or not TOML: the system's English words are not said
        st.error(t("auth.roles_file_unreadable"))
    return oidc.RoleMap({}, {}, {})


def sign_in(user: auth.User) -> NoReturn:
    """Start a session for a user who just passed the login form, on the page they asked for.

    With the cookie route (ui.serve), the browser takes a one-time ticket to it, gets the session cookie and
    comes back to this page's address with its query (a shared link's filters). Without it, the session id
    stays in this tab's server memory and the page reruns.
    """
    if session_routes.installed():
        ticket = sessions.issue_ticket(data.engine(), user.name)
        _send_browser_to(session_routes.sign_in_url(ticket, _here()))
        st.stop()  # a rerun would drop the message that sends the browser on
    st.session_state[TOKEN_KEY] = sessions.start(data.engine(), user.name)
    st.rerun()


def end_session(reason: str = "logout") -> bool:
    """Sign out: end the local session or the identity provider's, record it, and say so if it expired.

    Returns True when the browser has been sent on to finish (to drop the identity provider's cookie or ours):
    the caller must then stop rather than rerun, which would drop that message.
    """
    session = st.session_state.pop(SESSION_KEY, None)
    if session is not None:
        audit_log.record(data.engine(), session.user.name, "logout", {"reason": reason})
    own, cookie = st.session_state.pop(TOKEN_KEY, None), _cookie()
    local_sessions.end(st.session_state.pop(LOCAL_TOKEN_KEY, None) or cookie)
    ended = sessions.end(data.engine(), own or cookie)
    if ended:
        audit_log.record(data.engine(), ended, "logout", {"reason": reason})
    if reason == "expired":
        st.session_state[EXPIRED_KEY] = True
    if st.user.get("is_logged_in", False):
        st.logout()
        return True
    if cookie and session_routes.installed():
        _send_browser_to(session_routes.sign_out_url())
        return True
    return False


def _here() -> str:
    """This page's address on the server, with its query but never the local-mode token."""
    path = urlsplit(st.context.url or "").path or "/"
    query = [(k, v) for k in st.query_params if k != local_token.QUERY_PARAM for v in st.query_params.get_all(k)]
    return f"{path}?{urlencode(query)}" if query else path


def _send_browser_to(url: str) -> None:
    """Send the browser to `url` on this server, where the page loads afresh.

    Streamlit has no public call for this; it is the message st.login and st.logout send for their own routes
    (tests/test_roles_app.py, tests/test_sign_in_modes_app.py and tests/test_browser.py check that it still works).
    """
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        ctx.enqueue(message)


# ---- what they may do ------------------------------------------------------------------------------

def page_role(key: str) -> str:
    """The role a page needs; a page nobody classified is for admins only (closed by default)."""
    if key == "":  # st.Page gives the default page the url path "": in app.py that is the scorecard
        key = DEFAULT_PAGE
    return PAGE_ROLES.get("area" if key.startswith("area_") else key, "admin")


def page_keys() -> set[str]:
    """Every page of the app, by url path."""
    return {"scorecard", "upload", "explore", "admin"} | {f"area_{a.id}" for a in data.registry().areas}


def page_allowed(user: auth.User | None, key: str) -> bool:
    """Whether `user` may open the page `key` (for links: st.page_link to an unlisted page raises)."""
    return user is not None and user.has(page_role(key))


def may_open(key: str) -> bool:
    """Whether the current user may open the page `key`."""
    return page_allowed(current_user(), key)


def pages_allowed(user: auth.User | None, keys: set[str] | None = None) -> set[str]:
    """The page keys `user` may open (none when nobody is signed in)."""
    if user is None:
        return set()
    return {key for key in (keys or page_keys()) if page_allowed(user, key)}


def menu(sections: dict[str, list[Page]], user: auth.User | None) -> Menu:
    """The st.navigation argument for `user`: allowed pages by section, else the login page at every address."""
    if user is None:
        return _login_everywhere(sections, t("nav.login"), ":material/login:")
    allowed = pages_allowed(user, {p.url_path for pages in sections.values() for p in pages})
    kept = {name: [p for p in pages if p.url_path in allowed] for name, pages in sections.items()}
    kept = {name: pages for name, pages in kept.items() if pages}
    if not kept:  # signed in through the identity provider but given no role yet
        return _login_everywhere(sections, t("nav.no_access"), ":material/block:")
    # A link to a page this person may not open (an analyst's explorer link sent to a viewer) says so in words
    # under its own address, rather than Streamlit's English "Page not found"; the page itself stays unregistered.
    denied = [_no_access_page(p) for pages in sections.values() for p in pages if p.url_path not in allowed]
    first = next(iter(kept))
    return {**kept, first: [*kept[first], *denied]}


def _no_access_page(page: Page) -> Page:
    """A hidden page at `page`'s address that only says which role opens it."""
    needed = page_role(page.url_path)

    def no_access() -> None:
        st.title(page.title)
        st.warning(t("auth.page_needs_role", role=t(f"auth.role.{needed}")), icon=":material/block:")

    return st.Page(no_access, title=page.title, url_path=page.url_path or DEFAULT_PAGE, visibility="hidden")


def _login_everywhere(sections: dict[str, list[Page]], title: str, icon: str) -> list[Page]:
    """The login page under every page's address, so a shared link (/area_cert?year=2025) shows the sign-in
    form rather than Streamlit's "Page not found", and the address and its query stay for after the sign-in.
    Shown with the menu hidden (`nav_position`): the person sees one page."""
    keys = [page.url_path or DEFAULT_PAGE for pages in sections.values() for page in pages]
    return [st.Page(LOGIN_PAGE, title=title, icon=icon, url_path=key, default=key == DEFAULT_PAGE) for key in keys]


def nav_position(menu_pages: Menu) -> Literal["sidebar", "hidden"]:
    """Where st.navigation draws the menu: in the sidebar for a user's pages, nowhere for the login page."""
    return "sidebar" if isinstance(menu_pages, dict) else "hidden"


def admin_section() -> dict[str, list[Page]]:
    """The admins' section of the menu (app.py adds it; `menu` drops it for everyone else)."""
    return {t("nav.section_admin"): [
        st.Page(ADMIN_PAGE, title=t("nav.admin"), icon=":material/admin_panel_settings:"),
    ]}


def require(role: str) -> auth.User:
    """The current user if they hold `role`; otherwise a message and st.stop(), so nothing below runs."""
    user = current_user()
    if user is None or not user.has(role):
        st.error(t("access.needs_role", role=role), icon=":material/lock:")
        st.stop()
    return user


def audit(action: str, detail: Mapping[str, object] | None = None) -> None:
    """Record an action of the current user in the audit log."""
    user = current_user()
    audit_log.record(data.engine(), user.name if user else "?", action, detail)


def audited(action: str, detail: Mapping[str, object] | None = None) -> Callable[[], None]:
    """An on_click callback that records `action` (for download buttons: the export happens on click)."""
    return lambda: audit(action, detail)
