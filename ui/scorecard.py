"""The executives' page: are we keeping our promises this year? Every KPI as a card, by charter area."""

from __future__ import annotations

from functools import partial

import streamlit as st

from metrics import clock, report
from metrics.kpi import checkins
from metrics.kpi.checkins import Checkin
from metrics.kpi.registry import Area
from metrics.kpi.scorecard import SUMMARY_CATEGORIES, KpiResult, summary_category, summary_counts
from metrics.report.model import TargetChangeLine, target_changes_during
from ui import access, clauses_overview, data, shell, theme
from ui.cards import card, status_words
from ui.errors import friendly
from ui.i18n import current_lang, pick, t

CARDS_PER_ROW = 3
CARDS_KEY = "cards"  # the container of every area's cards (its class, st-key-cards, is what the phone CSS orders)
PHONE_FIRST = ("not_met", "at_risk")  # on a phone the cards stack in one column: these come first, in this order
PHONE_WIDTH = 640  # px: below this Streamlit stacks columns


def phone_order_css() -> str:
    """On a phone, every card in one column with the missed ones first (then those at risk), the rest after.

    The rows and columns between the cards and their container are dissolved (display: contents), so each card
    becomes an item of the one column and its `order` moves it above every area; a wide window is untouched."""
    cards = f".st-key-{CARDS_KEY}"
    card_box = f'{cards} [data-testid="stColumn"] > [data-testid="stVerticalBlock"] > *'
    dissolved = ", ".join([
        f'{cards} > [data-testid="stLayoutWrapper"]:has(> [data-testid="stHorizontalBlock"] .kpi-card)',
        f'{cards} [data-testid="stHorizontalBlock"]:has(.kpi-card)',
        f'{cards} [data-testid="stColumn"]:has(.kpi-card)',
        f'{cards} [data-testid="stColumn"] > [data-testid="stVerticalBlock"]',
    ])
    rules = [f"{dissolved} {{ display: contents; }}"]
    for rank, status in enumerate(PHONE_FIRST):
        rules.append(f'{card_box}:has(.kpi-card[data-status="{status}"]) {{ order: {rank - len(PHONE_FIRST)}; }}')
    return f"@media screen and (max-width: {PHONE_WIDTH}px) {{ {' '.join(rules)} }}"


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


def area_section(area: Area, results: list[KpiResult], trend: dict[str, list[tuple[int, float | None]]],
                 previous: dict[str, KpiResult] | None = None, notes: dict[str, Checkin] | None = None,
                 changes: dict[str, tuple[TargetChangeLine, ...]] | None = None) -> None:
    """An area's heading, link and cards."""
    # The link goes under the heading when narrow; on paper the heading stays with its cards (ui.theme's print CSS).
    with st.container(horizontal=True, vertical_alignment="bottom", key=f"{theme.AREA_HEAD_KEY}-{area.id}"):
        st.subheader(pick(area.ko, area.en), divider="gray")
        st.page_link(f"pages/area_{area.id}.py", label=t("scorecard.open_area"), icon=":material/open_in_new:")
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
    years = data.scorecards_by_year()
    trend = trends(years)
    # The year before, as the core computes it (compute_scorecard of year - 1), for each card's change.
    previous = {r.id: r for r in (years.get(year - 1) or data.scorecard_for(year - 1))}
    notes = checkins.latest_notes(data.engine(), year)
    changes = target_changes_during(data.engine(), year)
    st.html(f"<style>{phone_order_css()}</style>")
    with st.container(key=CARDS_KEY):
        for area in data.registry().areas:
            in_area = [r for r in results if r.area_id == area.id]
            if in_area:
                area_section(area, in_area, trend, previous, notes, changes)
