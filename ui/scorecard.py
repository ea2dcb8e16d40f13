"""The executives' page: are we keeping our promises this year? Every KPI as a card, by charter area."""

from __future__ import annotations

from functools import partial

import streamlit as st

from metrics import checkins, clock, report
from metrics.report.model import target_changes_during
from metrics.scorecard import SUMMARY_CATEGORIES, KpiResult, summary_category, summary_counts
from ui import access, data, shell, theme
from ui.cards import card, status_words
from ui.errors import friendly
from ui.i18n import current_lang, pick, t

CARDS_PER_ROW = 3


def trends(years: dict[int, list[KpiResult]]) -> dict[str, list[tuple[int, float | None]]]:
    """KPI id -> [(year, value)] over every year with data, oldest first."""
    out: dict[str, list[tuple[int, float | None]]] = {}
    for year in sorted(years):
        for result in years[year]:
            out.setdefault(result.id, []).append((year, result.value))
    return out


def summary(results: list[KpiResult]) -> str | None:
    """Every promise counted once: met, met but not conclusive, on track, scheduled, at risk, missed, tracked, no data.

    Returns the category chosen among the counts to filter the cards by (None: every card)."""
    counts = summary_counts(results)
    st.markdown(t("summary.line", total=len(results), met=counts["met"], met_inconclusive=counts["met_inconclusive"],
                  on_track=counts["on_track"], scheduled=counts["scheduled"], at_risk=counts["at_risk"], missed=counts["not_met"],
                  tracked=counts["tracked"], no_data=counts["no_data"]))
    shown = [s for s in SUMMARY_CATEGORIES if counts[s] or s in ("met", "at_risk", "not_met", "no_data")]
    for column, category in zip(st.columns(len(shown)), shown, strict=True):
        status = "met" if category == "met_inconclusive" else category
        words = t("summary.met_inconclusive") if category == "met_inconclusive" else status_words(status)
        column.metric(f"{theme.status_style(status).symbol} {words}", counts[category], border=True)
    return st.pills(t("status_filter.label"), [c for c in shown if counts[c]], selection_mode="single",
                    format_func=lambda c: f"{_category_words(c)} {counts[c]}", key="status-filter")


def _category_words(category: str) -> str:
    status = "met" if category == "met_inconclusive" else category
    words = t("summary.met_inconclusive") if category == "met_inconclusive" else status_words(status)
    return f"{theme.status_style(status).symbol} {words}"


def area_section(area, results: list[KpiResult], trend: dict, previous: dict | None = None,
                 notes: dict | None = None, changes: dict | None = None) -> None:
    """An area's heading, link and cards."""
    head, link = st.columns([4, 1], vertical_alignment="bottom")
    head.subheader(pick(area.ko, area.en), divider="gray")
    link.page_link(f"pages/area_{area.id}.py", label=t("scorecard.open_area"), icon=":material/open_in_new:")
    for start in range(0, len(results), CARDS_PER_ROW):
        row = results[start : start + CARDS_PER_ROW]
        for column, result in zip(st.columns(CARDS_PER_ROW), row, strict=False):
            with column:
                card(result, trend.get(result.id, []), (previous or {}).get(result.id), (notes or {}).get(result.id),
                     (changes or {}).get(result.id, ()), data.registry().get(result.id).target)


def report_downloads(year: int) -> None:
    """The year's report as XLSX, PDF or HTML in the page's language, built on click; each download audited."""
    lang = current_lang()
    words = report.Words(lang)
    st.caption(words.download("help", year=year))
    for column, fmt in zip(st.columns([1, 1, 1, 2]), report.FORMATS, strict=False):
        column.download_button(
            words.download(fmt), partial(report.report_bytes, data.engine(), year, fmt, lang),
            file_name=report.file_name(year, fmt, lang), mime=report.MIME_TYPES[fmt], icon=":material/download:",
            on_click=access.audited("export", {"what": "report", "format": fmt, "year": year}), key=f"report-{fmt}",
        )


@friendly
def render() -> None:
    """Draw the scorecard of the year chosen in the sidebar."""
    year = shell.filters().year
    theme.print_styles()
    st.title(t("scorecard.title", year=year))
    results = data.scorecard_for(year)
    if year == clock.today().year:
        st.caption(t("scorecard.as_of_ytd", day=clock.today().isoformat()))
    else:
        st.caption(t("scorecard.as_of_closed", year=year))
    if not data.data_years():
        shell.empty_state("empty.database")
    chosen = summary(results)
    report_downloads(year)
    if chosen is not None:
        kept = [r for r in results if summary_category(r) == chosen]
        st.info(t("status_filter.shown", shown=len(kept), total=len(results), status=_category_words(chosen)),
                icon=":material/filter_alt:")
        results = kept
    years = data.scorecards_by_year()
    trend = trends(years)
    # The year before, as the core computes it (compute_scorecard of year - 1), for each card's change.
    previous = {r.id: r for r in (years.get(year - 1) or data.scorecard_for(year - 1))}
    notes = checkins.latest_notes(data.engine(), year)
    changes = target_changes_during(data.engine(), year)
    for area in data.registry().areas:
        in_area = [r for r in results if r.area_id == area.id]
        if in_area:
            area_section(area, in_area, trend, previous, notes, changes)
