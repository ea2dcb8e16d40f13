"""The server: app.py on Streamlit's own server, plus the routes that set and clear the sign-in cookie.

`python -m ui.serve` (what `make run` runs) starts this file with `streamlit run`, which finds the st.App below
and serves it with uvicorn; `uvicorn asgi:app` works too. st.App is Streamlit's supported way to add routes.
"""

import streamlit as st

from ui import after_start, session_routes, static_assets
from ui.navigation_mode import declare_navigation_mode

declare_navigation_mode()  # pages come from st.navigation in app.py, never from the pages/ folder
app = st.App("app.py", routes=session_routes.routes(), middleware=static_assets.middleware(),
             lifespan=after_start.lifespan)
