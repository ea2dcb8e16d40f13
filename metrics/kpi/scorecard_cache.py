"""Scorecards kept in the process, keyed on the database and its data and target versions, and filled ahead.

The scorecard page draws every year's scorecard (the cards' trend lines) and the year before (the change), so
the first visitor after a start would wait for all of them. `warm` computes them in a background thread when
the server starts (ui/serve.py); `scorecard` answers from what is kept, or computes and keeps it.

Correct across instances: the key holds `store.data_version` and `targets_version`, read at every call, so an
upload, undo or target change made by another server on the same PostgreSQL database is a new key at once.
A key being computed is computed once: a second caller waits for the first rather than repeating the work.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from datetime import date

from sqlalchemy import Engine

from metrics import store
from metrics.kpi import targets
from metrics.kpi.scorecard import KpiResult, compute_scorecard
from metrics.store import frames

log = logging.getLogger(__name__)

MAX_KEPT = 64  # scorecards (about 35 small results each): a few years of a few versions
Key = tuple[str, int, int, int, date]

_kept: OrderedDict[Key, list[KpiResult]] = OrderedDict()
_computing: dict[Key, threading.Lock] = {}
_guard = threading.Lock()


def key(engine: Engine, year: int, today: date) -> Key:
    """What a scorecard depends on: the database, its data and target versions, the year, the day it is judged on."""
    return (engine.url.render_as_string(hide_password=True), store.data_version(engine),
            targets.targets_version(engine), year, today)


def scorecard(engine: Engine, year: int, today: date) -> list[KpiResult]:
    """Every KPI of `year` judged as of `today`, as `compute_scorecard` gives it; computed once per key."""
    wanted = key(engine, year, today)
    with _guard:
        if wanted in _kept:
            _kept.move_to_end(wanted)
            return _kept[wanted]
        lock = _computing.setdefault(wanted, threading.Lock())
    with lock:  # one computation per key; whoever comes second finds it kept
        with _guard:
            if wanted in _kept:
                return _kept[wanted]
        try:
            results = compute_scorecard(engine, year, today=today)
            with _guard:  # kept before the lock is dropped, so no later caller computes it again
                _kept[wanted] = results
                while len(_kept) > MAX_KEPT:
                    _kept.popitem(last=False)
        finally:
            with _guard:
                _computing.pop(wanted, None)
    return results


def years_shown(engine: Engine, today: date) -> list[int]:
    """The years the scorecard page draws: this year (the page's default) and every year with data before it,
    newest first, and the year before the oldest (its cards' change)."""
    years = sorted({y for y in frames.data_years(engine) if y <= today.year} | {today.year}, reverse=True)
    return [*years, years[-1] - 1]


def warm(engine: Engine, today: date) -> None:
    """Compute and keep the scorecards the page draws (a failure is logged: the page then computes them itself)."""
    try:
        for year in years_shown(engine, today):
            scorecard(engine, year, today)
    except Exception:  # noqa: BLE001 - warming is an optimisation; the page reports any real failure
        log.warning("scorecards were not computed ahead", exc_info=True)


def warm_in_background(engine: Engine, today: date) -> threading.Thread:
    """`warm` in a daemon thread (the server starts listening meanwhile); returns the thread."""
    thread = threading.Thread(target=warm, args=(engine, today), name="warm-scorecards", daemon=True)
    thread.start()
    return thread


def forget() -> None:
    """Drop every kept scorecard (tests)."""
    with _guard:
        _kept.clear()
