"""Signing in and out, the local-mode banner, and the admins' account management."""

from __future__ import annotations

import streamlit as st

from metrics import auth
from ui import access, data
from ui.i18n import pick, split_pair

ROLE_NAMES = {
    "viewer": ("열람", "viewer"),
    "manager": ("담당자(업로드)", "manager (uploads)"),
    "analyst": ("분석(탐색·내려받기)", "analyst (explore, export)"),
    "admin": ("관리자", "admin"),
}


def role_name(role: str) -> str:
    """A role as people read it, in the current language."""
    return pick(*ROLE_NAMES.get(role, (role, role)))


# ---- the login page ------------------------------------------------------------------------------

def login_page() -> None:
    """The page shown to anyone not signed in (or signed in with no role)."""
    st.title(pick("고객헌장 이행 대시보드", "Service Charter Dashboard"))
    if st.session_state.pop("_auth_expired", False):
        st.info(pick("세션이 끝났습니다. 다시 로그인하세요.", "Your session has ended. Please sign in again."))
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
    st.warning(pick(
        f"{st.user.get('email', '')} 계정에 아직 역할이 없습니다. 관리자에게 요청하세요.",
        f"{st.user.get('email', '')} has no role yet. Ask an administrator to add you to roles.toml.",
    ))
    if st.button(pick("로그아웃", "Sign out"), key="auth-logout-norole"):
        access.end_session()


def _oidc_button() -> None:
    if st.button(pick("기관 계정으로 로그인", "Sign in with the organisation's account"), type="primary",
                 icon=":material/badge:", key="auth-oidc"):
        st.login()


def _local_mode_refused() -> None:
    """No account yet, and the request does not come straight from this machine: nothing is served."""
    st.error(pick(
        "아직 계정이 없어 이 컴퓨터(127.0.0.1)에서만 열 수 있습니다. 관리자 계정을 먼저 만드세요: "
        "`python -m metrics user add 이름 --role admin`",
        "No account exists yet, so the app only opens on this machine (127.0.0.1). Create an admin "
        "account first: `python -m metrics user add NAME --role admin`",
    ), icon=":material/lock:")


def login_form() -> None:
    """Username and password; one message for every failure, whatever went wrong."""
    with st.form("auth-login"):
        username = st.text_input(pick("아이디", "Username"), key="auth-username", autocomplete="username")
        password = st.text_input(pick("비밀번호", "Password"), type="password", key="auth-password",
                                 autocomplete="current-password")
        submitted = st.form_submit_button(pick("로그인", "Sign in"), type="primary")
    if not submitted:
        return
    result = auth.authenticate(data.engine(), username, password)
    if result.user is None:
        st.error(split_pair(result.message), icon=":material/error:")
        return
    access.sign_in(result.user)
    st.rerun()


# ---- the frame around every page -----------------------------------------------------------------

def status(user: auth.User | None) -> None:
    """Who is signed in and a sign-out button (sidebar); the local-mode banner on top of the page."""
    if user is None:
        return
    if user.source == "local":
        st.warning(pick(
            "로컬 모드: 계정이 없어 이 컴퓨터에서만 모든 권한으로 열려 있습니다. 다른 사람과 함께 쓰기 전에 "
            "관리자 계정을 만드세요 (관리 화면 또는 `python -m metrics user add`).",
            "Local mode: no account exists, so this machine alone has every right. Before sharing the app, "
            "create an admin account (Administration page or `python -m metrics user add`).",
        ), icon=":material/warning:")
        return
    roles = ", ".join(role_name(r) for r in auth.ROLES if r in user.roles) or "—"
    st.sidebar.caption(f"{user.name} · {roles}")
    if st.sidebar.button(pick("로그아웃", "Sign out"), icon=":material/logout:", key="auth-logout"):
        access.end_session()
        st.rerun()


# ---- accounts (admins) ---------------------------------------------------------------------------

def accounts_admin() -> None:
    """The accounts tab: the list, then add, change roles, disable/enable, reset password."""
    frame = auth.list_users(data.engine())
    if frame.empty:
        st.info(pick("계정이 없습니다 (로컬 모드). 첫 계정은 관리자로 만드세요.",
                     "No accounts yet (local mode). Make the first one an admin."))
    else:
        st.dataframe(frame, hide_index=True, width="stretch")
    _add_account_form()
    if not frame.empty:
        _change_account_form(frame)


def _add_account_form() -> None:
    with st.form("auth-add", clear_on_submit=True):
        st.subheader(pick("계정 추가", "Add an account"))
        name = st.text_input(pick("아이디", "Username"), key="auth-add-name")
        roles = st.multiselect(pick("역할", "Roles"), auth.ROLES, default=["viewer"], format_func=role_name, key="auth-add-roles")
        password = st.text_input(pick("비밀번호", "Password"), type="password", key="auth-add-pw", autocomplete="new-password")
        again = st.text_input(pick("비밀번호 확인", "Password again"), type="password", key="auth-add-pw2",
                              autocomplete="new-password")
        submitted = st.form_submit_button(pick("추가", "Add"))
    if submitted:
        _act(lambda actor: _add(name, roles, password, again, actor))


def _add(name: str, roles: list[str], password: str, again: str, actor: str) -> str:
    if password != again:
        raise auth.AccountError("두 비밀번호가 다릅니다 / the two passwords differ")
    created = auth.add_user(data.engine(), name, password, roles, actor=actor)
    return pick(f"'{created}' 계정을 만들었습니다.", f"Account '{created}' created.")


def _change_account_form(frame) -> None:
    st.subheader(pick("계정 변경", "Change an account"))
    name = st.selectbox(pick("계정", "Account"), list(frame["username"]), key="auth-change-name")
    account = frame[frame["username"] == name].iloc[0]
    left, middle, right = st.columns(3)
    with left.form("auth-roles"):
        roles = st.multiselect(pick("역할", "Roles"), auth.ROLES, format_func=role_name, key=f"auth-roles-{name}",
                               default=account["roles"].split())
        if st.form_submit_button(pick("역할 저장", "Save roles")):
            _act(lambda actor: _done(auth.set_roles(data.engine(), name, roles, actor=actor)))
    with middle.form("auth-disable"):
        disable = st.radio(pick("상태", "State"), (False, True), index=int(bool(account["disabled"])),
                           key=f"auth-disable-{name}",
                           format_func=lambda d: pick("사용 중지", "disabled") if d else pick("사용", "enabled"))
        if st.form_submit_button(pick("상태 저장", "Save state")):
            _act(lambda actor: _done(auth.set_disabled(data.engine(), name, disable, actor=actor)))
    with right.form("auth-reset", clear_on_submit=True):
        password = st.text_input(pick("새 비밀번호", "New password"), type="password", key="auth-reset-pw",
                                 autocomplete="new-password")
        if st.form_submit_button(pick("비밀번호 재설정", "Reset password")):
            _act(lambda actor: _done(auth.set_password(data.engine(), name, password, actor=actor)))


def _done(_result=None) -> str:
    return pick("저장했습니다.", "Saved.")


def _act(change) -> None:
    """Check the admin role again, run the change as that admin, and show its outcome."""
    actor = access.require("admin")
    try:
        st.success(change(actor.name))
    except auth.AccountError as exc:
        st.error(split_pair(str(exc)))
