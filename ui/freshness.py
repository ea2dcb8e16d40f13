"""A short note on a KPI's card and area page when the data it rests on is more than a quarter behind today.

The rule is the upload page's (metrics.freshness: the newest data date of each kind, stale after
STALE_AFTER_DAYS), asked for the kinds the KPI reads; only the current year gets a note.
"""

from __future__ import annotations

import streamlit as st

from metrics import clock, freshness
from metrics.scorecard import KpiResult
from ui import data
from ui.i18n import t
from ui.values import word


@st.cache_data(show_spinner=False, max_entries=8)
def _freshness(url: str, version: tuple) -> list[freshness.KindFreshness]:
    return freshness.freshness(data.engine())


def _newest(f: freshness.KindFreshness) -> str:
    if f.newest is not None:
        return f.newest.isoformat()
    return t("upload_plan.fresh_year_only", year=f.newest_year) if f.newest_year else t("upload_plan.fresh_none")


def stale_line(result: KpiResult) -> str:
    """"⚠ 석 달 넘게 새 자료가 없습니다: 교육생 만족도 (최근 2026-07-31)…", or "" when its data is current."""
    kinds = data.registry().get(result.id).kinds_needed()
    late = freshness.behind(_freshness(*data.cache_key()), kinds, result.year, clock.today())
    if not late:
        return ""
    named = ", ".join(t("freshness.kind_newest", kind=word("values.kind", f.kind), day=_newest(f)) for f in late)
    return t("freshness.stale", kinds=named)


def stale_note(result: KpiResult) -> None:
    """The note as a caption (nothing when the data is current)."""
    line = stale_line(result)
    if line:
        st.caption(line)
