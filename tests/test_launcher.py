"""The launcher (`python -m ui.serve`, what `make run` runs) as a person starts it: the pages are warmed once
Streamlit's runtime exists, and only then is the local-mode link printed and anyone answered."""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.app_fixtures import ROOT, running_app

READY = re.compile(r"Ready: pages and scorecards prepared in (\d+\.\d) s")


def test_the_link_is_printed_after_the_pages_are_warm_and_before_anyone_is_answered(database_url):
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "app.log"
        with running_app(database_url, log=log) as app:  # it returns once the server answers
            printed = log.read_text(encoding="utf-8")
            ready = READY.search(printed)
            assert ready is not None, printed[-2000:]  # the warm-up ran with the runtime (it does nothing without)
            assert printed.index("You can now view") < ready.start() < printed.index(f"token={app.token}")


def test_the_served_app_answers_streamlits_front_end_files_from_memory_before_streamlits_own_stack():
    # In a fresh interpreter: importing asgi.py makes an st.App, which sets Streamlit's options for this process.
    code = "import asgi; print([m.cls.__module__ + '.' + m.cls.__name__ for m in asgi.app._user_middleware])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                          cwd=ROOT)
    assert done.stdout.strip().splitlines()[-1] == "['ui.static_assets.StaticAssets']"
