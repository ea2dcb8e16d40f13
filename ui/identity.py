"""Whether an identity provider is configured: the sign-in's mode depends on it (metrics.access.auth.access_mode).

Its own module, free of the pages' caches, because the cookie routes (ui.session_routes) ask it too, in the
server before any page has run.
"""

from __future__ import annotations

import streamlit as st


def oidc_configured() -> bool:
    """Whether .streamlit/secrets.toml has an [auth] section (the identity provider's settings)."""
    if not st.secrets.load_if_toml_exists():
        return False
    return bool(st.secrets.get("auth"))
