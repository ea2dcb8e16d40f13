"""The app under AppTest as the role tests open it: app.py served as ui.serve serves it, signed in, local or not.

Fixtures (import them into a test module to use them there; the autouse ones then apply to that module):
`started_by_the_launcher` and `navigation_only`. The app's menu is filtered by role in ui/access.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.runtime.pages_manager import PagesManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from metrics.access import auth, sessions
from metrics.kpi.registry import load_registry
from tests.app_fixtures import local_mode_env, with_local_token
from ui import access

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
PASSWORD = "Pumpkin-Seventeen-42"
AREAS = [f"area_{a.id}" for a in load_registry().areas]
PAGES = ["scorecard", *AREAS, "upload", "explore", "admin"]


@pytest.fixture(autouse=True)
def started_by_the_launcher(monkeypatch):
    local_mode_env(monkeypatch)  # as ui.serve does at each start; local mode still needs the link's token


@pytest.fixture(autouse=True)
def navigation_only(monkeypatch):
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


def open_app(app_file: str = APP) -> AppTest:
    return AppTest.from_file(app_file, default_timeout=60)


def open_local() -> AppTest:
    """The app opened with the link printed at start-up (its token in the URL)."""
    return with_local_token(open_app())


def signed_in(engine, roles: tuple[str, ...], app_file: str = APP) -> AppTest:
    """The app with a local account of `roles` signed in (its session put in place, as the login form does)."""
    name = auth.add_user(engine, "kim", PASSWORD, roles, actor="test")
    if "admin" not in roles:
        auth.add_user(engine, "boss", PASSWORD, ["admin"], actor="test")
    at = open_app(app_file)
    at.session_state[access.TOKEN_KEY] = sessions.start(engine, name)
    return at.run()


def opens(at: AppTest, page: str) -> bool:
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


def record_messages(monkeypatch):
    """From now on, remember what each AppTest run sent the browser; returns `kind -> that kind's messages
    of the last run` (AppTest keeps no other record of a redirect or a page not found)."""
    runners = []

    class Recording(app_test_module.LocalScriptRunner):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            runners.append(self)

    monkeypatch.setattr(app_test_module, "LocalScriptRunner", Recording)
    return lambda kind: [m for m in runners[-1].forward_msgs() if m.WhichOneof("type") == kind]
