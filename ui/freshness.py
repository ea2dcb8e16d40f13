"""How fresh the stored data is, per kind: the upload page's table, and a short note on a KPI's card and area
page when the data it rests on is more than a quarter behind today.

Both ask one rule (metrics.store.freshness: the newest data date of each kind, stale after STALE_AFTER_DAYS); the
note asks it for the kinds the KPI reads, and only for the current year.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from metrics import clock
from metrics.kpi.scorecard import KpiResult
from metrics.store import freshness
from ui import data
from ui.i18n import t
from ui.values import word


@st.cache_data(show_spinner=False, max_entries=8)
def _freshness(url: str, version: tuple[int, int]) -> list[freshness.KindFreshness]:
    return freshness.freshness(data.engine())


def _newest(f: freshness.KindFreshness) -> str:
    if f.newest is not None:
        return f.newest.isoformat()
    return t("upload_plan.fresh_year_only", year=f.newest_year) if f.newest_year else t("upload_plan.fresh_none")


def stale_line(result: KpiResult, found: list[freshness.KindFreshness] | None = None) -> str:
    """"⚠ 석 달 넘게 새 자료가 없습니다: 교육생 만족도 (최근 2026-07-31)…", or "" when its data is current.

    `found`: the kinds' freshness when the caller has it already (a page of many cards asks once)."""
    kinds = data.registry().get(result.id).kinds_needed()
    late = freshness.behind(found if found is not None else kinds_freshness(), kinds, result.year, clock.today())
    if not late:
        return ""
    named = ", ".join(t("freshness.kind_newest", kind=word("values.kind", f.kind), day=_newest(f)) for f in late)
    return t("freshness.stale", kinds=named)


def kinds_freshness() -> list[freshness.KindFreshness]:
    """Every kind's freshness in the stored data (kept per data version)."""
    return _freshness(*data.cache_key())


def stale_note(result: KpiResult, found: list[freshness.KindFreshness] | None = None) -> None:
    """The note as a caption (nothing when the data is current); `found` as for `stale_line`."""
    line = stale_line(result, found)
    if line:
        st.caption(line)


def freshness_table(today: date) -> tuple[pd.DataFrame, int]:
    """Per kind: uploads, the last one, the newest data date and its age (⚠ when older than a quarter);
    and how many kinds are stale."""
    from ui.upload_steps import kind_name  # here: the upload page's module is not needed for a card's note

    rows, stale = [], 0
    for f in kinds_freshness():
        age, is_stale = f.age_days(today), f.stale(today)
        stale += is_stale
        if age is None:
            shown_age = "⚠" if is_stale else ""
        else:
            shown_age = t("upload_plan.fresh_stale" if is_stale else "upload_plan.fresh_days", days=f"{age:,}")
        rows.append({
            t("upload_plan.fresh_kind"): kind_name(f.kind),
            t("upload_plan.fresh_uploads"): f.uploads,
            t("upload_plan.fresh_last_upload"): clock.shown(f.last_upload),
            t("upload_plan.fresh_newest"): _newest(f),
            t("upload_plan.fresh_age"): shown_age,
        })
    return pd.DataFrame(rows), stale
