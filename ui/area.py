"""An area page: each KPI of one charter area against its target, with the story behind the number."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from metrics.kpi import checkins
from metrics.kpi.checkins import Checkin
from metrics.kpi.scorecard import KpiResult
from metrics.kpi.stories import KpiStory
from metrics.report.model import TargetChangeLine, target_changes_during
from metrics.store.freshness import KindFreshness
from ui import access, cards, charts_kpi, data, freshness, plain, shell, theme
from ui.anchors import scroll_into_view, section_anchor
from ui.area_details import breakdown_tab, distribution_tab, lists_items, notes_by_kpi, notes_panel
from ui.bullet import bullet_html
from ui.cards import status_badge
from ui.errors import friendly
from ui.explain import explanations
from ui.i18n import pick, t
from ui.plots import show_kept


def definition_panel(story: KpiStory) -> None:
    """The KPI's definition and the charter clause it comes from (one element: a page holds many KPIs)."""
    kpi = story.kpi
    st.markdown(f"**{t('area.definition')}**  \n{pick(kpi.definition_ko, kpi.definition_en)}\n\n"
                f"**{t('area.clause', clause=pick(kpi.clause_label, kpi.clause))}**\n\n> {kpi.quote}")


def headline(story: KpiStory) -> None:
    """The bullet chart, and the plain-words explanation under it in one element of its own: the core's notes name
    courses from the files, kept out of any element that holds our HTML."""
    result = story.result
    scale = story.kpi.params.get("scale")
    st.markdown(bullet_html(result, float(scale) if scale else None), unsafe_allow_html=True)
    lines = "\n".join(f"- {plain.md(line)}" for line in explanations(result))
    if lines:
        st.markdown(lines)


def trend_tab(story: KpiStory) -> None:
    """The KPI over the years and through the months of the chosen year."""
    left, right = st.columns(2)
    with left:
        if story.years.empty or story.years["value"].isna().all():
            st.caption(t("area.no_trend"))
        else:
            show_kept(f"{story.kpi.id}-years", f"{story.kpi.id}-years-{story.result.year}",
                      lambda: charts_kpi.years_figure(story.years, story.result), zoom=False)
    with right:
        if story.months.empty or story.months["value"].isna().all():
            st.caption(t("area.no_months"))
        else:
            show_kept(f"{story.kpi.id}-months", f"{story.kpi.id}-months-{story.result.year}",
                      lambda: charts_kpi.months_figure(story.months, story.result), zoom=False)
        undated = story.months.attrs.get("undated", 0) if not story.months.empty else 0
        if undated:
            st.caption(t("area.undated", n=undated))


# The tabs' drawings, in the tabs' order.
TABS = (("area.tab_trend", trend_tab), ("area.tab_distribution", distribution_tab), ("area.tab_breakdown", breakdown_tab))
# An area of more KPIs than this shows each KPI's charts and tables when asked (its details closed at first): a
# browser on two cores spends about 0.1 s laying out each chart, a KPI's trend has two, and an area page should be
# drawn within a second (an area of 19 KPIs drew 38 charts, in 4-7 s, before anyone scrolled).
DETAILS_OPEN_UP_TO = 3


@dataclass(frozen=True)
class PageFacts:
    """What every KPI section of an area page reads, asked once per page (each was a query per KPI): the target
    changes of the year, the kinds' freshness, the notes by KPI, whether the person may add notes."""

    changed: dict[str, tuple[TargetChangeLine, ...]]
    freshness: list[KindFreshness]
    notes: dict[str, list[Checkin]]
    may_write_notes: bool

    @classmethod
    def ask(cls, year: int) -> PageFacts:
        user = access.current_user()
        return cls(target_changes_during(data.engine(), year), freshness.kinds_freshness(), notes_by_kpi(year),
                   user is not None and checkins.may_write(user.roles))


def status_line(result: KpiResult, changed: tuple[TargetChangeLine, ...]) -> None:
    """The status badge, and the mark of a target changed during the year (one element)."""
    mark = f"  \n◆ {plain.md(cards.target_mark(result, changed))}" if changed else ""
    st.markdown(status_badge(result.status) + mark, unsafe_allow_html=True)


def details(story: KpiStory, opened: bool, expanded: bool) -> None:
    """Trend, distribution and breakdown tabs, in an expander: only the open tab of an open expander is drawn.

    `opened`: reached from its card, so the tab with its cases is the one open (when it lists cases)."""
    anchor = section_anchor(story.result.id)
    box = st.expander(t("area.details"), expanded=expanded, key=f"details-{anchor}", icon=":material/monitoring:",
                      on_change="rerun")
    if not box.open:
        return
    labels = [t(label) for label, _ in TABS]
    cases_first = opened and lists_items(story)
    with box:
        tabs = st.tabs(labels, default=labels[1] if cases_first else None, key=f"tabs-{anchor}", on_change="rerun")
    for tab, (_, draw) in zip(tabs, TABS, strict=True):
        if tab.open:
            with tab:
                draw(story)


@st.fragment
@friendly  # a fragment reruns alone, outside the page's own `friendly`
def kpi_section(story: KpiStory, facts: PageFacts, opened: bool = False, details_open: bool = True) -> None:
    """One KPI: title, status, headline and definition, notes; then its details (`details`).

    A fragment: opening its details or another tab redraws this KPI alone, not the page."""
    result = story.result
    st.subheader(cards.title(result, data.registry().get(result.id).target), anchor=section_anchor(result.id),
                 divider="gray", help=t("card.kpi_id", id=result.id))
    status_line(result, facts.changed.get(result.id, ()))
    freshness.stale_note(result, facts.freshness)
    left, right = st.columns([3, 2], gap="large")
    with left:
        headline(story)
    with right:
        definition_panel(story)
    notes_panel(result, facts.notes.get(result.id, []), facts.may_write_notes)
    if result.status == "no_data" and result.extra.get("missing_kinds"):
        if access.may_open("upload"):
            st.page_link(shell.UPLOAD_PAGE, label=t("nav.upload"), icon=":material/upload:")
        return
    details(story, opened, expanded=details_open or opened)


@friendly
def render(area_id: str) -> None:
    """Draw the page of the area `area_id` for the year chosen in the sidebar."""
    year = shell.filters().year
    theme.print_styles()
    registry = data.registry()
    area = next(a for a in registry.areas if a.id == area_id)
    st.title(pick(area.ko, area.en))
    st.caption(t("area.caption", year=year))
    if not data.data_years():
        shell.empty_state("empty.database")
    st.page_link("pages/scorecard.py", label=t("area.back"), icon=":material/arrow_back:")
    in_area = [k.id for k in registry if k.area_id == area_id]
    wanted = st.query_params.get(cards.KPI_PARAM)  # opened from a card (or a link shared from one)
    details_open = len(in_area) <= DETAILS_OPEN_UP_TO
    facts = PageFacts.ask(year)
    for story in data.kpi_stories(in_area, year):  # always in the charter's order, however the page was reached
        kpi_section(story, facts, opened=story.kpi.id == wanted, details_open=details_open)
    if wanted in in_area:
        scroll_into_view(section_anchor(wanted))
