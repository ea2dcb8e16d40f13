"""`python -m ui.serve [streamlit options]`: `streamlit run app.py`, with the heavy libraries imported first.

Streamlit runs app.py only when the first browser connects, so the first visitor after a start would wait
about a second for pandas, plotly, SQLAlchemy and scipy to import. Importing them here, before the server
listens, moves that wait to the server's start-up, where nobody is looking at a blank page.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "app.py"
# What every page needs: the libraries and the core. Not the ui modules: their st.cache_data functions
# must be made once Streamlit's runtime exists, or they fall back to a cache the runtime cannot clear.
WARM_MODULES = (
    "pandas",
    "plotly.graph_objects",
    "plotly.io",
    "sqlalchemy",
    "scipy.special",
    "metrics.scorecard",
    "metrics.stories",
    "metrics.explore",
    "metrics.ingest",
    "metrics.auth",
)


def warm_up() -> None:
    """Import what the first page run would otherwise import."""
    for name in WARM_MODULES:
        importlib.import_module(name)


def main() -> None:
    from streamlit.web import cli

    from ui.navigation_mode import declare_navigation_mode

    warm_up()
    declare_navigation_mode()
    sys.argv = ["streamlit", "run", str(APP), *sys.argv[1:]]
    sys.exit(cli.main())


if __name__ == "__main__":
    main()
