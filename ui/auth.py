"""Signing in and out, the local-mode banner, and the admins' account management."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from metrics.access import auth
from ui import access, data, plain
from ui.i18n import labels, said, t, text


def role_name(role: str) -> str:
    """A role as people read it, in the current language (labels.toml [auth.role]); an unknown one as it is."""
    key = f"auth.role.{role}"
    return t(key) if key in labels() else role


# ---- the login page ------------------------------------------------------------------------------

def login_page() -> None:
    """The page shown to anyone not signed in (or signed in with no role)."""
    st.title(t("app.title"))
    if st.session_state.pop(access.EXPIRED_KEY, False):
        st.info(t("auth.session_ended"))
    if st.user.get("is_logged_in", False):
        _no_role_yet()
        return
    current = access.mode()
    if current == "oidc":
        _oidc_button()
    if current == "local":
        _local_mode_refused()
        return
    if auth.account_count(data.engine()):
        login_form()


def _no_role_yet() -> None:
    st.warning(t("auth.no_role_yet", email=plain.md(st.user.get("email", ""))))
    if st.button(t("auth.sign_out"), key="auth-logout-norole") and access.end_session():
        st.stop()  # the browser is on its way to /auth/logout (see `status`)


def _oidc_button() -> None:
    if st.button(t("auth.sign_in_oidc"), type="primary", icon=":material/badge:", key="auth-oidc"):
        st.login()


def _local_mode_refused() -> None:
    """No account yet, and this session did not bring the start's token or does not come straight from this machine."""
    if access.served_on_loopback():
        st.info(t("auth.local_mode_needs_token"), icon=":material/key:")
    else:
        st.error(t("auth.local_mode_refused"), icon=":material/lock:")


def login_form() -> None:
    """Username and password; one message for every failure, whatever went wrong, another when throttled."""
    with st.form("auth-login"):
        username = st.text_input(t("auth.username"), key="auth-username", autocomplete="username")
        password = st.text_input(t("auth.password"), type="password", key="auth-password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(t("auth.sign_in"), type="primary")
    if not submitted:
        return
    result = auth.authenticate(data.engine(), username, password, address=client_address())
    if result.user is None:
        message = t("auth.throttled") if result.throttled else said(result.message) if result.message else ""
        st.error(message, icon=":material/error:")
        return
    access.sign_in(result.user)  # on to the page asked for, signed in


def client_address() -> str | None:
    """The client's IP address, or None without one; the throttle counts those together, as "unknown"."""
    # None when the browser is on this machine; AppTest has no connection and answers with a stand-in object.
    address = st.context.ip_address
    return address if isinstance(address, str) else None


# ---- the frame around every page -----------------------------------------------------------------

def status(user: auth.User | None) -> None:
    """Who is signed in and a sign-out button (sidebar); the local-mode banner on top of the page."""
    if user is None:
        return
    if user.source == "local":
        st.warning(t("auth.local_mode_banner"), icon=":material/warning:")
    else:
        roles = ", ".join(role_name(r) for r in auth.ROLES if r in user.roles) or "—"
        st.sidebar.caption(f"{plain.md(user.name)} · {roles}")  # a name from the identity provider
    if st.sidebar.button(t("auth.sign_out"), icon=":material/logout:", key="auth-logout"):
        if access.end_session():
            # The browser's trip to /auth/logout or /_charter/sign-out is queued: each clears a sign-in cookie.
            # A rerun would drop it (a new run discards unsent messages) and the next page load would sign the
            # person in again (the identity provider's cookie) or keep a dead cookie, so stop here: the
            # browser leaves the page anyway.
            st.stop()
        st.rerun()


# ---- accounts (admins) ---------------------------------------------------------------------------

def accounts_admin() -> None:
    """The accounts tab: the list, then add, change roles, disable/enable, reset password."""
    from ui.admin_tables import accounts_frame  # here: that module names roles with this one's role_name

    frame = auth.list_users(data.engine())
    if frame.empty:
        st.info(t("auth.no_accounts"))
    else:
        st.dataframe(accounts_frame(frame), hide_index=True, width="stretch")
    _add_account_form()
    if not frame.empty:
        _change_account_form(frame)


def _add_account_form() -> None:
    with st.form("auth-add", clear_on_submit=True):
        st.subheader(t("auth.add_account"))
        name = st.text_input(t("auth.username"), key="auth-add-name")
        roles = st.multiselect(t("auth.roles"), auth.ROLES, default=["viewer"], format_func=role_name, key="auth-add-roles",
                               placeholder=t("auth.choose_roles"), select_all=False)
        password = st.text_input(t("auth.password"), type="password", key="auth-add-pw", autocomplete="new-password")
        again = st.text_input(t("auth.password_again"), type="password", key="auth-add-pw2",
                              autocomplete="new-password")
        submitted = st.form_submit_button(t("auth.add"))
    if submitted:
        _act(lambda actor: _add(name, roles, password, again, actor))


def _add(name: str, roles: list[str], password: str, again: str, actor: str) -> str:
    if password != again:
        raise auth.AccountError(text("auth.passwords_differ", "ko"), text("auth.passwords_differ", "en"))
    created = auth.add_user(data.engine(), name, password, roles, actor=actor)
    return t("auth.created", name=created)


def _change_account_form(frame: pd.DataFrame) -> None:
    st.subheader(t("auth.change_account"))
    name = st.selectbox(t("auth.account"), list(frame["username"]), key="auth-change-name")
    account = frame[frame["username"] == name].iloc[0]
    left, middle, right = st.columns(3)
    with left.form("auth-roles"):
        roles = st.multiselect(t("auth.roles"), auth.ROLES, format_func=role_name, key=f"auth-roles-{name}",
                               placeholder=t("auth.choose_roles"), select_all=False,
                               default=account["roles"].split())
        if st.form_submit_button(t("auth.save_roles")):
            _act(lambda actor: _done(auth.set_roles(data.engine(), name, roles, actor=actor)))  # type: ignore[func-returns-value]
    with middle.form("auth-disable"):
        disable = st.radio(t("auth.state"), (False, True), index=int(bool(account["disabled"])),
                           key=f"auth-disable-{name}",
                           format_func=lambda d: t("auth.disabled") if d else t("auth.enabled"))
        if st.form_submit_button(t("auth.save_state")):
            _act(lambda actor: _done(auth.set_disabled(data.engine(), name, disable, actor=actor)))  # type: ignore[func-returns-value]
    with right.form("auth-reset", clear_on_submit=True):
        password = st.text_input(t("auth.new_password"), type="password", key="auth-reset-pw",
                                 autocomplete="new-password")
        if st.form_submit_button(t("auth.reset_password")):
            _act(lambda actor: _done(auth.set_password(data.engine(), name, password, actor=actor)))  # type: ignore[func-returns-value]


def _done(_result: None = None) -> str:
    return t("auth.saved")


def _act(change: Callable[[str], str]) -> None:
    """Check the admin role again, run the change as that admin, and show its outcome."""
    actor = access.require("admin")
    try:
        st.success(plain.md(change(actor.name)))  # messages quote the username typed
    except auth.AccountError as exc:
        st.error(plain.md(said(exc.message)))
