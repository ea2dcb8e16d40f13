"""Streamlit's front-end files (`/static/...`: the hashed JavaScript, CSS and fonts) served from memory.

A browser that has never opened the app asks for about a hundred of these files before it can draw anything, six
at a time; Streamlit's own handler stats, opens and reads each through a worker thread and its whole middleware
stack, a few milliseconds a file, so the first page waited about half a second for them. This ASGI middleware
(st.App's `middleware=`, so it runs first) answers those requests from bytes read once per process, with the same
headers Streamlit sends (content type, `public, immutable` caching: the names carry a hash of their content).
Anything it does not hold (another path, another method, a name not in Streamlit's folder) goes on to Streamlit
unchanged, so its path checks still apply to everything else.
"""

from __future__ import annotations

import mimetypes
import re
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send
from streamlit import config, file_util
from streamlit.url_util import make_url_path
from streamlit.web.server.starlette.starlette_server_config import STATIC_ASSET_CACHE_MAX_AGE_SECONDS

CACHE_CONTROL = f"public, immutable, max-age={STATIC_ASSET_CACHE_MAX_AGE_SECONDS}".encode()
# A file name Streamlit's build writes (static/js/index.Ab_1-c.js); nothing with "..", a slash or a query.
ASSET_NAME = re.compile(r"(?:js|css|media)/[A-Za-z0-9_.-]+")


class StaticAssets:
    """ASGI middleware: GET and HEAD of `<base>/static/<js|css|media>/<name>` answered from memory."""

    def __init__(self, app: ASGIApp, folder: Path | None = None) -> None:
        self.app = app
        self.folder = (folder or Path(file_util.get_static_dir())) / "static"
        self.prefix = make_url_path(config.get_option("server.baseUrlPath") or "", "static/")
        self._held: dict[str, tuple[bytes, list[tuple[bytes, bytes]]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self._lookup(scope) if scope["type"] == "http" else None
        if found is None:
            await self.app(scope, receive, send)
            return
        body, headers = found
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})

    def _lookup(self, scope: Scope) -> tuple[bytes, list[tuple[bytes, bytes]]] | None:
        """The file's bytes and headers, read on its first request; None when this middleware does not serve it."""
        path: str = scope["path"]
        if scope["method"] not in ("GET", "HEAD") or not path.startswith(self.prefix):
            return None
        name = path[len(self.prefix):]
        if name in self._held:
            return self._held[name]
        if not ASSET_NAME.fullmatch(name):
            return None
        file = self.folder / name
        if not file.is_file():
            return None
        body = file.read_bytes()  # once per file and process; the largest is a few megabytes
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        headers = [(b"content-type", _with_charset(kind).encode()), (b"content-length", str(len(body)).encode()),
                   (b"cache-control", CACHE_CONTROL)]
        self._held[name] = (body, headers)
        return self._held[name]


def _with_charset(kind: str) -> str:
    """Text types carry their encoding, as Starlette's FileResponse writes them."""
    return f"{kind}; charset=utf-8" if kind.startswith("text/") else kind


def middleware() -> list[Any]:
    """The middleware list for st.App(middleware=...)."""
    from starlette.middleware import Middleware

    return [Middleware(StaticAssets)]
