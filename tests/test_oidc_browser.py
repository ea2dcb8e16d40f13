"""End to end in headless Chromium: signing in through a real OpenID provider (oidc-provider-mock), roles from roles.toml.

Everything else that touches the identity provider fakes `st.user` in AppTest; this drives the real
`st.login` flow: the app's button, the provider's authorization form, the callback and its signed cookie.
"""

from __future__ import annotations

import json
import re
import secrets
import tempfile
import urllib.request
import warnings
from pathlib import Path

import pytest

from metrics.kpi.registry import load_registry
from tests.app_fixtures import browser_missing_reason, browser_page, free_port, running_app, wait_drawn
from ui import plain

pytestmark = [
    pytest.mark.browser,
    # authlib, serving the mock provider inside this process, warns about its own API on every token.
    pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning"),
]


def _provider_missing_reason() -> str | None:
    try:
        with warnings.catch_warnings():
            import authlib.deprecate  # noqa: F401 - it sets an "always" filter for its warnings when imported

            warnings.simplefilter("ignore", DeprecationWarning)  # the mock imports authlib.jose, deprecated
            import oidc_provider_mock  # noqa: F401
    except ImportError as exc:
        return f"oidc-provider-mock cannot be imported: {exc} (pip install -r requirements-dev.txt)"
    return None


NO_BROWSER = browser_missing_reason() or _provider_missing_reason()
SIGN_IN = "기관 계정으로 로그인"
ROLES_TOML = '[emails]\n"kim@example.org" = ["manager"]\n'
# Subjects unlike the e-mail addresses, so the roles can only have come from the claims registered below.
def _shown(words: str) -> re.Pattern:
    """`words` as the page shows them: an address's '@' comes after an invisible word joiner (ui/plain.py)."""
    return re.compile(re.escape(words).replace("@", f"{plain.WORD_JOINER}?@"))


KIM = ("kim-0001", {"email": "kim@example.org", "email_verified": True, "name": "Kim Min-ji"})
STRANGER = ("stranger-0002", {"email": "stranger@example.org", "email_verified": True, "name": "Lee Stranger"})


def _register(issuer: str, sub: str, claims: dict) -> None:
    """The claims the provider puts in `sub`'s ID token (oidc-provider-mock 0.3: the claims, flat)."""
    request = urllib.request.Request(
        f"{issuer}/users/{sub}", data=json.dumps(claims).encode(), method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 204


def _secrets_file(folder: Path, issuer: str, app: str) -> Path:
    """An [auth] section for this run only: the repository's .streamlit/ is left alone."""
    path = folder / "secrets.toml"
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(16)}"\n'
        'client_id = "charter-dashboard"\n'
        'client_secret = "not-a-secret"\n'
        f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def _at_home(app: str) -> re.Pattern:
    return re.compile(rf"^{re.escape(app)}/(\?.*)?$")


def _sign_in(page, issuer: str, app: str, sub: str) -> None:
    """The app's sign-in button, then the provider's form: the subject typed and authorised."""
    page.get_by_role("button", name=SIGN_IN).click()
    page.wait_for_url(f"{issuer}/oauth2/authorize**")
    page.locator('input[name="sub"]').fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()
    page.wait_for_url(_at_home(app))  # through /oauth2callback, which sets the signed cookie
    wait_drawn(page)


def _sign_out(page, issuer: str, app: str, where: str = "stSidebar") -> None:
    """A sign-out button (in the sidebar, or `where`), then the provider's end-session page (the mock asks to confirm)."""
    page.locator(f'[data-testid="{where}"]').get_by_role("button", name="로그아웃").click()
    page.wait_for_url(f"{issuer}/oauth2/end_session**")
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(_at_home(app))
    wait_drawn(page)


def _menu(page) -> list[str]:
    """The page titles listed in the sidebar menu, top to bottom."""
    return page.locator('[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"]').all_inner_texts()


@pytest.mark.skipif(NO_BROWSER is not None, reason=NO_BROWSER or "")
def test_identity_provider_sign_in_gives_the_mapped_role_or_no_access(tmp_path, database_url):
    import oidc_provider_mock

    roles = tmp_path / "roles.toml"
    roles.write_text(ROLES_TOML, encoding="utf-8")
    port = free_port()
    # localhost, not 127.0.0.1: the redirect URI's host must be the one the browser uses, or the cookie is lost.
    app = f"http://localhost:{port}"
    manager_menu = ["헌장 이행 현황", *(a.ko for a in load_registry().areas), "데이터 업로드"]

    with oidc_provider_mock.run_server_in_thread() as provider:
        issuer = f"http://localhost:{provider.server_port}"
        for sub, claims in (KIM, STRANGER):
            _register(issuer, sub, claims)
        with (
            running_app(database_url, env={"ROLES_FILE": str(roles)},
                        args=[f"--secrets.files={_secrets_file(tmp_path, issuer, app)}"], port=port,
                        log=tmp_path / "app.log"),
            tempfile.TemporaryDirectory() as profile,
            browser_page(Path(profile)) as page,
        ):
            # The provider's pages link a stylesheet on a CDN; the test needs no network.
            page.context.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())

            # Nobody signed in and no local account: the identity provider's button, no password form, no menu.
            page.goto(app)
            wait_drawn(page)
            assert page.get_by_role("button", name=SIGN_IN).is_visible()
            assert page.get_by_label("아이디").count() == 0
            assert _menu(page) == []

            # Kim (manager by e-mail in roles.toml) signs in: her address and role, and the manager's menu.
            _sign_in(page, issuer, app, KIM[0])
            sidebar = page.locator('[data-testid="stSidebar"]')
            assert sidebar.get_by_text(_shown("kim@example.org · 담당자(업로드)")).is_visible()
            assert page.get_by_role("button", name=SIGN_IN).count() == 0
            assert _menu(page) == manager_menu
            assert "데이터 탐색" not in _menu(page) and "계정·목표·감사" not in _menu(page)

            page.locator('[data-testid="stSidebarNavLink"]', has_text="데이터 업로드").click()
            page.wait_for_url(f"{app}/upload**")
            wait_drawn(page)
            assert page.locator("h1").first.inner_text().strip() == "데이터 업로드"

            # A fresh page load keeps her signed in (the cookie), and the admin page stays out of reach.
            page.goto(f"{app}/admin")
            page.get_by_text("역할이 있어야 열 수 있습니다").wait_for(timeout=60_000)  # says which role, in Korean
            wait_drawn(page)
            assert sidebar.get_by_text(_shown("kim@example.org · 담당자(업로드)")).is_visible()
            assert page.locator("h1").first.inner_text().strip() != "관리"
            assert page.get_by_text("Page not found").count() == 0

            # Signed out for good: the provider's sign-out ran, and a fresh page load does not bring her back.
            _sign_out(page, issuer, app)
            page.reload()
            wait_drawn(page)
            assert page.get_by_role("button", name=SIGN_IN).is_visible()
            assert page.get_by_text(_shown("kim@example.org")).count() == 0
            assert _menu(page) == []

            # Someone in no table of roles.toml gets in, but is told they have no role yet, and sees no page.
            _sign_in(page, issuer, app, STRANGER[0])
            assert page.get_by_text(_shown("stranger@example.org 계정에 아직 역할이 없습니다")).is_visible()
            assert _menu(page) == []
            assert page.get_by_text("헌장 이행 현황").count() == 0
            assert page.get_by_text("데이터 업로드").count() == 0
            _sign_out(page, issuer, app, where="stMain")  # the no-role page's own button
            assert page.get_by_role("button", name=SIGN_IN).is_visible()
