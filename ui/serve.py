"""`python -m ui.serve [streamlit options]`: `streamlit run asgi.py` (app.py plus the sign-in cookie routes),
with the heavy libraries imported first and the scorecards computed ahead.

Streamlit runs app.py only when the first browser connects, so the first visitor after a start would wait
about a second for pandas, plotly, SQLAlchemy and scipy to import. Importing them here, before the server
listens, moves that wait to the server's start-up, where nobody is looking at a blank page.

It also makes this start's local-mode token (ui/local_token.py), puts it in the environment the app reads,
and, once Streamlit's runtime has started and the pages are warm (ui/after_start.py), prints the link that
carries it.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
import threading
import time
from functools import partial
from pathlib import Path

from ui import after_start, local_token

APP = Path(__file__).resolve().parents[1] / "app.py"
# app.py served by st.App with the routes that set the sign-in cookie (ui/session_routes.py).
SERVER = APP.with_name("asgi.py")
# What every page needs: the libraries and the core. Not the ui modules: their st.cache_data functions
# must be made once Streamlit's runtime exists, or they fall back to a cache the runtime cannot clear.
WARM_MODULES = (
    "pandas",
    "plotly.graph_objects",
    "plotly.io",
    "sqlalchemy",
    "scipy.special",
    "metrics.kpi.scorecard",
    "metrics.kpi.stories",
    "metrics.explore",
    "metrics.intake.ingest",
    "metrics.access.auth",
    "metrics.access.sessions",
    "metrics.report.model",
    "metrics.kpi.checkins",
    "metrics.store.freshness",
    "streamlit.emojis",  # a large table Streamlit imports on the first widget with labels (the language switch)
)


# The pages' own modules, imported once Streamlit's runtime exists (their st.cache_data functions then belong to
# it) and before the link is printed: the first page run no longer waits for them.
WARM_WAIT_SECONDS = 10  # the longest the link waits for the scorecards computed ahead
PAGE_MODULES = ("ui.scorecard", "ui.area", "ui.upload", "ui.explore", "ui.admin", "ui.auth")


def warm_pages() -> bool:
    """Import the pages' modules and read the labels, if Streamlit's runtime exists (else nothing: a module
    imported before it would make its caches outside it). Returns whether it did."""
    from streamlit import runtime

    if not runtime.exists():
        return False
    for name in PAGE_MODULES:
        importlib.import_module(name)
    from ui.i18n import labels

    labels()  # the label files and the contract's words, read once
    _check_use_warning_now()
    return True


def _check_use_warning_now() -> None:
    """Let Streamlit make its once-per-process check "is this run outside `streamlit run`?" now.

    It makes it on the first element any page draws, by walking the whole call stack with inspect.stack(), which
    reads the source of every frame: about 0.1 s of the first visitor's page. Made here (the runtime exists, so
    nothing is printed) the first page skips it. A private function: if a Streamlit release drops it, nothing
    happens and the first page pays the check again.
    """
    from streamlit import delta_generator

    check = getattr(delta_generator, "_maybe_print_use_warning", None)
    if callable(check):
        check()


def warm_up() -> None:
    """Import what the first page run would otherwise import, then exempt what that made from the garbage collector.

    Streamlit collects garbage in full after every page run (`runner.postScriptGC`), holding the interpreter
    while it walks every object, and the page's last messages wait for it: with the libraries' few hundred
    thousand objects that was about 0.1 s of every click. gc.freeze() moves the objects that exist now (modules,
    classes, functions: they live as long as the server) out of the collector's view; what pages make after it
    is collected as before.
    """
    for name in WARM_MODULES:
        importlib.import_module(name)
    gc.collect()  # what is garbage already is freed, not kept for ever
    gc.freeze()


def print_link(token: str) -> None:
    """Print the link that opens local mode with `token`, or why there is none (the server listens beyond this
    machine)."""
    from streamlit import config
    from streamlit.web.server import server_util

    address = config.get_option("server.address") or ""
    if address not in local_token.LOOPBACK:
        print("  로컬 모드 꺼짐: 서버가 127.0.0.1에만 열려 있지 않습니다. / Local mode is off: the server does "
              "not listen on 127.0.0.1 only.\n", flush=True)
        return
    host = f"[{address}]" if ":" in address else address  # ::1 in a URL
    print("  로컬 모드(계정이 없을 때)는 이 주소로 여세요 / Open local mode (while no account exists) with:\n"
          f"  {local_token.link(server_util.get_url(host), token)}\n", flush=True)


def warm_scorecards() -> threading.Thread | None:
    """Start computing the scorecards the first page draws, in a thread, while the server starts and the first
    browser loads Streamlit's front end (metrics.kpi.scorecard_cache; kept per data version, so never stale).
    Returns the thread (None when the database cannot be opened)."""
    from metrics import clock, store
    from metrics.kpi import scorecard_cache

    try:
        engine = store.get_engine()  # here, not in the thread: the pages then share this engine
    except Exception as error:  # noqa: BLE001 - the first page says what is wrong with the database, in words
        print(f"scorecards not computed ahead: {type(error).__name__}", flush=True)
        return None
    return scorecard_cache.warm_in_background(engine, clock.today())


def finish_start(token: str, scorecards: threading.Thread | None) -> None:
    """Once the runtime has started (ui.after_start), before the server answers: import the pages' modules, wait
    (at most WARM_WAIT_SECONDS) for the scorecards, say so, then print the local-mode link.

    The first browser then neither waits for the warm-up nor shares the two cores with it (a large database is
    not waited for long: its scorecards go on being computed, and the first page waits for the rest)."""
    started = time.monotonic()
    warmed = warm_pages()
    _ask_freshness_once()
    if scorecards is not None:
        scorecards.join(timeout=WARM_WAIT_SECONDS)
    if warmed:
        seconds = time.monotonic() - started
        print(f"  준비됨: 페이지와 성과표를 미리 준비했습니다 ({seconds:.1f}초) / Ready: pages and scorecards prepared "
              f"in {seconds:.1f} s", flush=True)
    print_link(token)


def _ask_freshness_once() -> None:
    """Ask the kinds' freshness once (the scorecard's cards and the upload page ask it): its queries are then
    compiled before the first visitor's page, not during it."""
    from metrics import store
    from metrics.store.freshness import freshness

    try:
        freshness(store.get_engine())
    except Exception:  # noqa: BLE001 - the first page says what is wrong with the database, in words
        return


def main() -> None:
    from streamlit.web import cli

    from ui.navigation_mode import declare_navigation_mode

    warm_up()
    scorecards = warm_scorecards()
    declare_navigation_mode()
    # A new token at every start, whatever the environment held: an old link stops working.
    token = local_token.make()
    os.environ[local_token.ENV] = token
    after_start.queue(partial(finish_start, token, scorecards))
    sys.argv = ["streamlit", "run", str(SERVER), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
