"""Helpers shared by the app tests and the browser scripts: a demo database, a running app, a headless Chromium."""

from __future__ import annotations

import contextlib
import html
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from ui import local_token

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# Flags that let Debian's chromium run headless in a container (see ../shared/STACK.md).
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]

# This test process's local-mode token, made as ui.serve makes one at each start. AppTest runs the app in
# this process: `local_mode_env` puts it where the app reads it, `with_local_token` puts it in the URL.
LOCAL_TOKEN = local_token.make()
LINK = re.compile(r"https?://\S+\?" + local_token.QUERY_PARAM + r"=([\w-]+)")


def local_mode_env(monkeypatch) -> str:
    """What ui.serve does before the server starts: the token in the environment; returns it."""
    monkeypatch.setenv(local_token.ENV, LOCAL_TOKEN)
    return LOCAL_TOKEN


def with_local_token(at, token: str = LOCAL_TOKEN):
    """An AppTest opened as the printed link opens the app: the token in the URL's query."""
    at.query_params[local_token.QUERY_PARAM] = token
    return at


def fill_demo(url: str, folder: Path, today: date | None = None) -> None:
    """Fill the database at `url` with metrics.demo through the pipeline (sample files go to `folder`)."""
    from metrics import demo, store

    engine = store.get_engine(url)
    demo.run_demo(engine, today=today, out_dir=folder / "samples")
    engine.dispose()
    store._engines.pop(url, None)


def build_demo_db(folder: Path, today: date | None = None) -> str:
    """A SQLite database in `folder` filled by metrics.demo through the pipeline; returns its URL."""
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'demo.db'}"
    fill_demo(url, folder, today)
    return url


def copy_db(source: Path, folder: Path) -> str:
    """A private copy of a SQLite database in `folder` (the shared demo: tests/conftest.py); returns its URL."""
    target = folder / source.name
    shutil.copyfile(source, target)
    return f"sqlite:///{target}"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(base: str, timeout: float = 90.0) -> None:
    """Poll Streamlit's health endpoint until it answers ok (the launcher warms the pages and computes the
    scorecards before the server answers: up to ~15 s on a loaded machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return
        time.sleep(0.1)
    raise TimeoutError(f"the app at {base} did not become healthy in {timeout:.0f} s")


@dataclass(frozen=True)
class RunningApp:
    """A served app: its base URL and the local-mode token its start printed (None if it printed none)."""

    base: str
    token: str | None

    def url(self, path: str = "", **query) -> str:
        """`base/path?query`, without the token (a page load that did not bring it)."""
        tail = f"?{urlencode(query)}" if query else ""
        return f"{self.base}/{path.lstrip('/')}{tail}"

    def link(self, path: str = "", **query) -> str:
        """The printed link, going on to `url(path, **query)`: the token opens local mode (its cookie) on the way.
        A new browser needs it once; without a token, just the page's address."""
        if not self.token:
            return self.url(path, **query)
        page = "/" + path.lstrip("/") + (f"?{urlencode(query)}" if query else "")
        return self.url(local_token.LINK_PATH, **{local_token.QUERY_PARAM: self.token, "next": page})


def printed_token(log: Path, timeout: float = 10.0) -> str | None:
    """The token of the local-mode link the server printed to `log`, waiting for it up to `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if found := LINK.search(text):
            return found.group(1)
        if "Local mode is off" in text:
            return None
        time.sleep(0.1)
    raise TimeoutError(f"the server printed no local-mode link in {timeout:.0f} s")


@contextlib.contextmanager
def running_app(database_url: str, env: dict | None = None, args: list[str] | tuple[str, ...] = (),
                port: int | None = None, log: Path | None = None) -> Iterator[RunningApp]:
    """The app served as `make run` serves it (`python -m ui.serve`: `streamlit run app.py` with the libraries
    imported first) on a localhost port (free unless given) against `database_url`; yields where it runs and
    the local-mode token read from what it printed, as a person copies the link from the terminal.

    `args` are extra command-line options (e.g. `--secrets.files=...`). The server's output goes to `log`
    (a temporary file unless given), and its end is printed if the test fails, so the failure report shows
    what the server said.
    """
    port = port or free_port()
    command = [
        sys.executable, "-m", "ui.serve", f"--server.port={port}",
        "--server.address=127.0.0.1", "--server.headless=true", "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none", *args,
    ]
    environment = {**os.environ, "DATABASE_URL": database_url, **(env or {})}
    environment.pop(local_token.ENV, None)  # the server makes its own, as at every start
    with contextlib.ExitStack() as stack:
        if log is None:
            log = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="charter-app-"))) / "app.log"
        # Never a pipe nobody reads: a chatty server would block once the pipe's buffer is full.
        output = stack.enter_context(open(log, "wb"))
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=output, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_healthy(base)
            yield RunningApp(base, printed_token(log))
        except BaseException:
            print(f"--- the end of {log} ---\n{log.read_text(encoding='utf-8', errors='replace')[-4000:]}")
            raise
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def browser_missing_reason() -> str | None:
    """Why no headless browser can be had here, or None when one can."""
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-cjk)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright cannot be imported: {exc}"
    return None


@contextlib.contextmanager
def browser_page(profile: Path, width: int = 1400, height: int = 1000, lang: str = "ko-KR"):
    """A Playwright page in headless Debian Chromium (no `playwright install` needed)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, locale=lang,
            viewport={"width": width, "height": height},
        )
        try:
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


SNAPSHOT_JS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    if (!main) return null;
    const plots = [...main.querySelectorAll('[data-testid="stPlotlyChart"]')];
    return {
        running: !!document.querySelector('[data-testid="stStatusWidgetRunningIcon"], [data-testid="stSkeleton"], [data-stale="true"]'),
        title: !!main.querySelector('h1'),
        shape: [main.scrollHeight, main.querySelectorAll('*').length, plots.filter(p => p.querySelector('.main-svg')).length,
                plots.length].join('/'),
    };
}"""


def wait_drawn(page, timeout_s: float = 30.0, quiet_s: float = 0.6) -> float:
    """Wait until the page is drawn and has stopped changing; returns the time.monotonic() of the last change.

    Streamlit shows its running indicator only after a short delay, so "not running" alone can be
    seen before a fast run has even started: the page must also hold still for `quiet_s`. A navigation
    while waiting (the local-mode link trades its token for a cookie first) just starts the wait over.
    """
    from playwright.sync_api import Error

    deadline = time.monotonic() + timeout_s
    last_shape, last_change = None, time.monotonic()
    while time.monotonic() < deadline:
        try:
            snap = page.evaluate(SNAPSHOT_JS)
        except Error as exc:  # the page left for a route and back (the printed link's trip to its cookie)
            if "context was destroyed" not in str(exc):
                raise
            snap = None
        now = time.monotonic()
        if snap is None or snap["running"] or not snap["title"] or snap["shape"] != last_shape:
            last_shape = None if snap is None else snap["shape"]
            last_change = now
        elif now - last_change >= quiet_s:
            return last_change
        time.sleep(0.05)
    raise TimeoutError(f"the page did not finish drawing in {timeout_s:.0f} s")


def eventually(check, timeout_s: float = 30.0):
    """`check()`'s first truthy value, asked every 0.2 s; its last (falsy) value once `timeout_s` has passed
    (a loaded machine draws slowly, so browser tests poll rather than look once)."""
    deadline = time.monotonic() + timeout_s
    while not (found := check()):
        if time.monotonic() > deadline:
            return found
        time.sleep(0.2)
    return found


def open_tab(at, kpi_ids, label: str):
    """An AppTest whose area page opens the details and their tab `label` ("분포", "세부 내역") of each KPI of
    `kpi_ids` on its next run: only what is open is drawn (ui.area.details), as a person's clicks would choose."""
    from ui.anchors import section_anchor

    for kpi_id in kpi_ids:
        at.session_state[f"details-{section_anchor(kpi_id)}"] = True
        at.session_state[f"tabs-{section_anchor(kpi_id)}"] = label
    return at


def scorecard_cards(at) -> dict[str, str]:
    """Each card's HTML on a scorecard run by AppTest, by KPI id, in the page's order (every card is in one
    st.html block, ui.card_grid): from its opening tag to the next card's."""
    text = "\n".join(h.value for h in at.html if 'class="kpi-card"' in h.value)
    pieces = text.split('<div class="kpi-card" ')[1:]
    return {re.match(r'data-kpi="([^"]+)"', p).group(1): p for p in pieces}


def card_hrefs(at, path: str) -> list[str]:
    """The query strings of the scorecard's links (the cards' and the areas' headings') to the page at url path `path`
    ("explore", "area_cs"), in the page's order."""
    text = "\n".join(h.value for h in at.html if 'class="kpi-card"' in h.value)
    hrefs = [html.unescape(h) for h in re.findall(r'href="([^"]+)"', text)]
    return [h.split("?", 1)[1] if "?" in h else "" for h in hrefs if h.split("?", 1)[0] == path]
