"""The two HTTP routes that set and clear the sign-in cookie, added to Streamlit's server through st.App (asgi.py).

A Streamlit page talks to the browser over a websocket, so it cannot answer with a Set-Cookie; and a cookie
written by a script on the page could be read by any script on the page. So a local sign-in hands the browser
a one-time ticket (metrics.access.sessions) and sends it to `/_charter/session`, which trades the ticket for a session
id and answers with the cookie (HttpOnly, SameSite=Strict, Secure when the request came over HTTPS) and a
redirect to the page the person asked for. Every page reads the cookie back with st.context.cookies (the
browser sends it with the websocket's opening request). `/_charter/sign-out` clears it. `/_charter/local` is where the link printed at start-up goes: it opens local mode
with the same cookie before any page loads (ui.local_sessions).

Both routes refuse to act for a request another site started (the browser's Sec-Fetch-Site header), so a link
elsewhere can neither sign someone in with a ticket it planted nor sign them out.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route
from streamlit import config
from streamlit.url_util import make_url_path

from metrics import store
from metrics.access import audit, auth, sessions
from ui import identity, local_sessions, local_token

COOKIE = "charter_session"
SIGN_IN_PATH = "_charter/session"
SIGN_OUT_PATH = "_charter/sign-out"
_installed = {"routes": False}


def routes() -> list[Route]:
    """The routes for st.App(routes=...); from then on the app in this process hands out cookies."""
    _installed["routes"] = True
    return [
        Route(make_url_path(_base(), SIGN_IN_PATH), _sign_in, methods=["GET"]),
        Route(make_url_path(_base(), SIGN_OUT_PATH), _sign_out, methods=["GET"]),
        Route(make_url_path(_base(), local_token.LINK_PATH), _local_mode, methods=["GET"]),
    ]


def installed() -> bool:
    """Whether this server has the routes (served by ui.serve); if not (AppTest, plain `streamlit run app.py`)
    a sign-in lasts as long as its tab."""
    return _installed["routes"]


def sign_in_url(ticket: str, next_path: str) -> str:
    """Where the browser trades `ticket` for the cookie, then goes on to `next_path`."""
    return f"{make_url_path(_base(), SIGN_IN_PATH)}?{urlencode({'ticket': ticket, 'next': next_path})}"


def sign_out_url() -> str:
    """Where the browser drops the cookie, then goes on to the app's first page."""
    return make_url_path(_base(), SIGN_OUT_PATH)


def safe_next(target: str | None) -> str:
    """`target` if it is a path on this server, else the app's first page: never a redirect elsewhere."""
    home = make_url_path(_base(), "")
    if not target or "\\" in target or any(ord(ch) < 0x20 for ch in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
        return home
    return urlunsplit(("", "", parts.path, parts.query, ""))


def _base() -> str:
    return config.get_option("server.baseUrlPath") or ""


def _cookie_path() -> str:
    base = _base().strip("/")
    return f"/{base}" if base else "/"


def _over_https(request: Request) -> bool:
    # A proxy that ends TLS says so in X-Forwarded-Proto; trusting it can only add Secure, never remove it.
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def _from_this_site(request: Request, *, typed_is_fine: bool) -> bool:
    """Whether the request came from one of our pages (or, if `typed_is_fine`, from the address bar).
    Browsers too old to send Sec-Fetch-Site are let through: SameSite=Strict still guards the cookie."""
    site = request.headers.get("sec-fetch-site")
    return site is None or site == "same-origin" or (typed_is_fine and site == "none")


def _redirect(target: str) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the ticket never travels on in a Referer
    return response


async def _sign_in(request: Request) -> RedirectResponse:
    response = _redirect(safe_next(request.query_params.get("next")))
    if not _from_this_site(request, typed_is_fine=False):
        return response
    ticket = request.query_params.get("ticket", "")
    traded = local_sessions.redeem_ticket(ticket)  # local mode's tickets live in this process's memory
    if traded is None:
        account = await run_in_threadpool(sessions.redeem_ticket, store.get_engine(), ticket)
        traded = None if account is None else (account[0], account[1].expires_at - account[1].started_at)
    if traded is not None:  # an unknown, used or late ticket: the person meets the sign-in form again
        token, lifetime = traded
        response.set_cookie(
            COOKIE, token, max_age=int(lifetime.total_seconds()),
            path=_cookie_path(), secure=_over_https(request), httponly=True, samesite="strict",
        )
    return response


async def _local_mode(request: Request) -> RedirectResponse:
    """The printed link: this start's token, on this machine, while no account exists, opens a local-mode session
    with the cookie at once; the browser then loads the first page once (the token never reaches a page, its
    address bar or its history). Anything else goes on to the first page as it is, which asks for a sign-in."""
    response = _redirect(safe_next(request.query_params.get("next")))
    if not _from_this_site(request, typed_is_fine=True):  # a link copied from the terminal is typed in
        return response
    client = request.client.host if request.client else ""
    on_this_machine = local_token.loopback_request(
        config.get_option("server.address") or "", client in local_token.LOOPBACK, dict(request.headers))
    if not on_this_machine or not local_token.matches(request.query_params.get(local_token.QUERY_PARAM)):
        return response
    if await run_in_threadpool(auth.access_mode, store.get_engine(), identity.oidc_configured()) != "local":
        return response
    token = local_sessions.start()
    if token is not None:
        lifetime = int(auth.Policy.from_env().max_hours * 3600)
        response.set_cookie(COOKIE, token, max_age=lifetime, path=_cookie_path(), secure=_over_https(request),
                            httponly=True, samesite="strict")
    return response


async def _sign_out(request: Request) -> RedirectResponse:
    response = _redirect(make_url_path(_base(), ""))
    if not _from_this_site(request, typed_is_fine=True):
        return response
    token = request.cookies.get(COOKIE)
    if token and not local_sessions.end(token):
        # The page has ended the session already (and recorded it); this covers the address typed by hand.
        ended = await run_in_threadpool(sessions.end, store.get_engine(), token)
        if ended:
            await run_in_threadpool(audit.record, store.get_engine(), ended, "logout", {"reason": "logout"})
    response.delete_cookie(COOKIE, path=_cookie_path(), secure=_over_https(request), httponly=True, samesite="strict")
    return response
