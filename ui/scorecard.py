"""The executives' page: are we keeping our promises this year? Every KPI as a card, by charter area."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import streamlit as st

from metrics import clock, report
from metrics.kpi import checkins
from metrics.kpi.checkins import Checkin
from metrics.kpi.registry import Area
from metrics.kpi.scorecard import SUMMARY_CATEGORIES, KpiResult, summary_category, summary_counts
from metrics.report.model import TargetChangeLine, target_changes_during
from metrics.store.freshness import KindFreshness
from ui import access, card_grid, clauses_overview, data, freshness, shell, theme
from ui.card_grid import AreaBlock, Link
from ui.cards import card_html, card_links, status_words
from ui.errors import friendly
from ui.i18n import current_lang, lang_query, pick, t


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
    # A row that wraps, each box as wide as its words: never a label cut to "달…" in a narrow window.
    with st.container(horizontal=True, key="summary-counts"):
        for category in shown:
            st.metric(_category_words(category), counts[category], border=True, width="content")
    return st.pills(t("status_filter.label"), [c for c in shown if counts[c]], selection_mode="single",
                    format_func=lambda c: f"{_category_words(c)} {counts[c]}", key="status-filter")


def _category_words(category: str) -> str:
    status = "met" if category == "met_inconclusive" else category
    words = t("summary.met_inconclusive") if category == "met_inconclusive" else status_words(status)
    return f"{theme.status_style(status).symbol} {words}"


@dataclass(frozen=True)
class CardContext:
    """What every card of the page reads, asked once per page: trends, the year before, notes, target changes,
    the kinds' freshness, and whether the person may open the explorer."""

    trend: dict[str, list[tuple[int, float | None]]]
    previous: dict[str, KpiResult]
    notes: dict[str, Checkin]
    changes: dict[str, tuple[TargetChangeLine, ...]]
    found: list[KindFreshness]
    may_explore: bool


def card_context(year: int) -> CardContext:
    """Ask the core (and the session) once for what the cards of `year` show beside their own result."""
    years = data.scorecards_by_year()
    # The year before, as the core computes it (compute_scorecard of year - 1), for each card's change.
    previous = {r.id: r for r in (years.get(year - 1) or data.scorecard_for(year - 1))}
    return CardContext(trends(years), previous, checkins.latest_notes(data.engine(), year),
                       target_changes_during(data.engine(), year), freshness.kinds_freshness(),
                       access.may_open("explore"))


def area_block(area: Area, results: list[KpiResult], year: int, context: CardContext) -> AreaBlock:
    """An area's heading, the link to its page and its cards, as one block of the grid."""
    link = Link(shell.area_url_path(area.id), {"year": str(year), **lang_query(current_lang())},
                t("scorecard.open_area"), "↗")
    cards = [
        card_html(r, context.trend.get(r.id, []), context.previous.get(r.id), context.notes.get(r.id),
                  context.changes.get(r.id, ()), data.registry().get(r.id).target,
                  freshness.stale_line(r, context.found), card_links(r, context.may_explore))
        for r in results
    ]
    return AreaBlock(area.id, pick(area.ko, area.en), link, cards)


def report_downloads(year: int) -> None:
    """The year's report as XLSX, PDF or HTML in the page's language, built on click; each download audited."""
    lang = current_lang()
    words = report.Words(lang)
    st.caption(words.download("help", year=year))
    with st.container(horizontal=True):  # wraps in a narrow window rather than cutting the labels
        for fmt in report.FORMATS:
            st.download_button(
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
    clauses_overview.render(results)  # every clause of the charter, before the cards are filtered
    if chosen is not None:
        kept = [r for r in results if summary_category(r) == chosen]
        st.info(t("status_filter.shown", shown=len(kept), total=len(results), status=_category_words(chosen)),
                icon=":material/filter_alt:")
        results = kept
    context = card_context(year)
    blocks = [area_block(area, [r for r in results if r.area_id == area.id], year, context)
              for area in data.registry().areas]
    card_grid.draw(blocks)  # one element for every card: the browser draws it fast
