"""Cached reads of the core, keyed on the database and its data version, so browsing never recomputes.

store.data_version changes with every import or undo; it is part of every cache key, so a new
upload shows at once and an unchanged database is never read twice for the same question.
The database URL is in the key too: tests point several apps at several databases in one process.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from metrics import clock, explore, store
from metrics.kpi import scorecard, scorecard_cache, stories, targets
from metrics.kpi.registry import Registry, load_registry
from metrics.settings import load_settings
from metrics.store import frames


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    return store.get_engine(url)


def engine() -> Engine:
    """The shared engine of the configured database (one per process, thread-safe pool)."""
    return _engine_for(load_settings().database_url)


def cache_key() -> tuple[str, tuple[int, int]]:
    """(database URL, data and target versions): what every cached read is keyed on."""
    url = load_settings().database_url
    engine = _engine_for(url)
    return url, (store.data_version(engine), targets.targets_version(engine))


@st.cache_resource(show_spinner=False)
def registry() -> Registry:
    """The KPI registry (read and checked once per process)."""
    return load_registry()


@st.cache_data(show_spinner=False, max_entries=16)
def _years(url: str, version: tuple[int, int]) -> list[int]:
    return frames.data_years(_engine_for(url))


def data_years() -> list[int]:
    """Years some stored row belongs to, ascending."""
    return _years(*cache_key())


@st.cache_data(show_spinner=False, max_entries=64)
def _scorecard(url: str, version: tuple[int, int], year: int, today: date) -> list[scorecard.KpiResult]:
    # The core keeps them too: filled ahead when the server starts (ui/serve.py), shared by every session.
    return scorecard_cache.scorecard(_engine_for(url), year, today)


def scorecard_for(year: int) -> list[scorecard.KpiResult]:
    """Every KPI of `year`, judged as of today."""
    return _scorecard(*cache_key(), year, clock.today())


def scorecards_by_year() -> dict[int, list[scorecard.KpiResult]]:
    """The scorecard of every year with data up to this one (for sparklines); each year cached on its own."""
    today = clock.today()
    return {y: scorecard_for(y) for y in data_years() if y <= today.year}


@st.cache_data(show_spinner=False, max_entries=16)
def _uploads(url: str, version: tuple[int, int]) -> pd.DataFrame:
    return store.list_uploads(_engine_for(url))


def uploads() -> pd.DataFrame:
    """The upload log, newest first."""
    return _uploads(*cache_key())


@st.cache_data(show_spinner=False, max_entries=32)
def _choices(url: str, version: tuple[int, int], name: str) -> explore.Choices:
    return explore.choices(_engine_for(url), name)


def explore_choices(name: str) -> explore.Choices:
    """What a dataset's filters can take."""
    return _choices(*cache_key(), name)


@st.cache_data(show_spinner=False, max_entries=32)
def _explore(url: str, version: tuple[int, int], name: str, filters: explore.Filters, today: date) -> pd.DataFrame:
    return explore.load(_engine_for(url), name, filters, today=today)


def explore_rows(name: str, filters: explore.Filters) -> pd.DataFrame:
    """A dataset's rows passing `filters`: what the explorer shows and exports."""
    return _explore(*cache_key(), name, filters, clock.today())


@st.cache_data(show_spinner=False, max_entries=64)
def _story(url: str, version: tuple[int, int], kpi_id: str, year: int, today: date) -> stories.KpiStory:
    return stories.kpi_story(_engine_for(url), kpi_id, year, today=today, registry=registry())


def kpi_story(kpi_id: str, year: int) -> stories.KpiStory:
    """Everything one KPI's section shows for `year`."""
    return _story(*cache_key(), kpi_id, year, clock.today())


def kpi_stories(kpi_ids: list[str], year: int) -> list[stories.KpiStory]:
    """`kpi_story` of each of `kpi_ids`, the data version asked once (a query) for them all."""
    key, today = cache_key(), clock.today()
    return [_story(*key, kpi_id, year, today) for kpi_id in kpi_ids]
