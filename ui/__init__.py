"""The Streamlit layer: thin pages over the `metrics` core (widgets -> plain values -> one core call -> draw)."""

from ui.navigation_mode import leave_legacy_pages_mode

# Runs once per process, on the first import (which happens inside the first script run).
leave_legacy_pages_mode()
