"""Work the launcher leaves for the moment Streamlit's runtime has started, before the server answers anyone.

Streamlit prints its address before its runtime exists (st.App starts the runtime in the server's lifespan), so
work that needs the runtime (importing the pages' modules, whose st.cache_data functions must belong to it) cannot
run where the address is printed. `python -m ui.serve` queues that work here; asgi.py hands `lifespan` to st.App,
which enters it once the runtime has started. Requests wait until it is done: the first browser meets a warm server.
Served any other way (`uvicorn asgi:app`), nothing is queued and the lifespan does nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

_queued: list[Callable[[], object]] = []


def queue(job: Callable[[], object]) -> None:
    """Run `job` once the runtime has started (in a worker thread: the server's event loop stays free)."""
    _queued.append(job)


@asynccontextmanager
async def lifespan(_app: object) -> AsyncIterator[None]:
    """st.App's lifespan: the queued work, in order, then the server takes requests."""
    while _queued:
        await asyncio.to_thread(_queued.pop(0))
    yield
