"""Streamlit's front-end files served from memory (ui/static_assets.py): the same bytes and caching as Streamlit's own
handler, and everything else (other paths, methods, names outside its folder) passed on untouched."""

from __future__ import annotations

import warnings

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from streamlit.testing.v1.util import patch_config_options

with warnings.catch_warnings():  # Starlette asks for httpx2 over the httpx that Authlib brings; both work here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from ui.static_assets import StaticAssets

BUNDLE = b"console.log('charter');\n"


def _passed_on(request):
    return PlainTextResponse(f"streamlit {request.method} {request.url.path}")


@pytest.fixture
def folder(tmp_path):
    """A static folder shaped like Streamlit's: static/js, static/css, static/media, and a file beside them."""
    for part, name, body in [("js", "index.Ab_1-c.js", BUNDLE), ("css", "index.Qx9.css", b"body{}"),
                             ("media", "font.Zz.woff2", b"\x00\x01woff")]:
        (tmp_path / "static" / part).mkdir(parents=True)
        (tmp_path / "static" / part / name).write_bytes(body)
    (tmp_path / "static" / "secret.txt").write_text("not an asset")
    (tmp_path / "index.html").write_text("<html></html>")
    return tmp_path


def _client(folder) -> TestClient:
    fallback = Route("/{path:path}", _passed_on, methods=["GET", "HEAD", "POST"])
    app = Starlette(routes=[fallback], middleware=[Middleware(StaticAssets, folder=folder)])
    return TestClient(app)


def test_a_bundle_is_served_byte_for_byte_with_streamlits_immutable_caching(folder):
    answer = _client(folder).get("/static/js/index.Ab_1-c.js")
    assert answer.status_code == 200 and answer.content == BUNDLE
    assert answer.headers["cache-control"] == "public, immutable, max-age=31536000"
    assert answer.headers["content-length"] == str(len(BUNDLE))
    assert "javascript" in answer.headers["content-type"]


def test_text_types_carry_their_encoding_and_fonts_do_not(folder):
    client = _client(folder)
    assert client.get("/static/css/index.Qx9.css").headers["content-type"] == "text/css; charset=utf-8"
    assert client.get("/static/media/font.Zz.woff2").headers["content-type"] == "font/woff2"


def test_a_head_request_gets_the_headers_without_the_body(folder):
    answer = _client(folder).head("/static/js/index.Ab_1-c.js")
    assert answer.status_code == 200 and answer.content == b""
    assert answer.headers["content-length"] == str(len(BUNDLE))


def test_a_file_changed_after_its_first_request_is_still_served_as_first_read(folder):
    # The names carry a hash of the content: one name, one content, for the life of the process.
    client = _client(folder)
    client.get("/static/js/index.Ab_1-c.js")
    (folder / "static" / "js" / "index.Ab_1-c.js").write_bytes(b"changed")
    assert client.get("/static/js/index.Ab_1-c.js").content == BUNDLE


@pytest.mark.parametrize("path", [
    "/static/secret.txt",                 # beside the asset folders, not in one
    "/static/js/missing.js",              # not in the folder: Streamlit answers (its index.html fallback)
    "/static/js/..%2F..%2Findex.html",    # a way out of the folder, spelled encoded
    "/static/js/sub/index.Ab_1-c.js",     # a folder deeper than Streamlit's build writes
    "/index.html",
    "/_stcore/health",
])
def test_anything_but_a_named_asset_goes_on_to_streamlit(folder, path):
    answer = _client(folder).get(path)
    assert answer.status_code == 200 and answer.text.startswith("streamlit GET")


def test_other_methods_go_on_to_streamlit(folder):
    assert _client(folder).post("/static/js/index.Ab_1-c.js").text == "streamlit POST /static/js/index.Ab_1-c.js"


def test_a_base_url_path_moves_the_assets_with_it(folder):
    with patch_config_options({"server.baseUrlPath": "charter"}):
        client = _client(folder)
        assert client.get("/charter/static/js/index.Ab_1-c.js").content == BUNDLE
        assert client.get("/static/js/index.Ab_1-c.js").text.startswith("streamlit GET")


def test_the_server_parses_http_and_runs_its_event_loop_with_the_c_libraries():
    # uvicorn chooses them itself when installed (requirements.txt); without them it falls back to pure Python.
    import uvicorn

    async def app(scope, receive, send):  # pragma: no cover - never called
        pass

    config = uvicorn.Config(app)
    config.load()
    assert config.http_protocol_class.__name__ == "HttpToolsProtocol"
    loop = config.get_loop_factory()()
    try:
        assert type(loop).__module__.startswith("uvloop")
    finally:
        loop.close()
