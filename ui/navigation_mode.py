"""Keep Streamlit from treating pages/ as a legacy multipage folder.

Until st.navigation has run once in the process, Streamlit runs a first deep link (say /area_edu
right after the server starts) as that page alone, without app.py: no menu, no language or year,
no access checks. Leaving that mode and rerunning makes the very first run go through app.py too.
The launcher (ui.serve) declares the mode before the server starts, so there is nothing to leave.
"""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx


def leave_legacy_pages_mode() -> None:
    """Switch to st.navigation mode and rerun, if this run started in the legacy pages/ mode."""
    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


def declare_navigation_mode() -> None:
    """Before the server starts: pages come from st.navigation in app.py, never from the pages/ folder."""
    PagesManager.uses_pages_directory = False
