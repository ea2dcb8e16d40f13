"""An area page: each KPI of one charter area against its target, with the story behind the number."""

from __future__ import annotations

import streamlit as st

from metrics.kpi.stories import KpiStory
from metrics.report.model import target_changes_during
from ui import access, cards, charts_kpi, data, freshness, plain, shell, theme
from ui.anchors import scroll_into_view, section_anchor
from ui.area_details import breakdown_tab, distribution_tab, lists_items, notes_panel
from ui.bullet import bullet_html
from ui.cards import status_badge
from ui.errors import friendly
from ui.explain import explanations
from ui.i18n import pick, t
from ui.plots import show_kept


def definition_panel(story: KpiStory) -> None:
    """The KPI's definition and the charter clause it comes from."""
    kpi = story.kpi
    st.markdown(f"**{t('area.definition')}**  \n{pick(kpi.definition_ko, kpi.definition_en)}")
    st.markdown(f"**{t('area.clause', clause=pick(kpi.clause_label, kpi.clause))}**")
    st.markdown(f"> {kpi.quote}")


def headline(story: KpiStory) -> None:
    """The bullet chart and the plain-words explanation under it."""
    result = story.result
    scale = story.kpi.params.get("scale")
    st.markdown(bullet_html(result, float(scale) if scale else None), unsafe_allow_html=True)
    for line in explanations(result):
        st.markdown(f"- {plain.md(line)}")  # the core's notes name courses from the files


def trend_tab(story: KpiStory) -> None:
    """The KPI over the years and through the months of the chosen year."""
    left, right = st.columns(2)
    with left:
        if story.years.empty or story.years["value"].isna().all():
            st.caption(t("area.no_trend"))
        else:
            show_kept(f"{story.kpi.id}-years", f"{story.kpi.id}-years-{story.result.year}",
                      lambda: charts_kpi.years_figure(story.years, story.result))
    with right:
        if story.months.empty or story.months["value"].isna().all():
            st.caption(t("area.no_months"))
        else:
            show_kept(f"{story.kpi.id}-months", f"{story.kpi.id}-months-{story.result.year}",
                      lambda: charts_kpi.months_figure(story.months, story.result))
        undated = story.months.attrs.get("undated", 0) if not story.months.empty else 0
        if undated:
            st.caption(t("area.undated", n=undated))


def kpi_section(story: KpiStory, opened: bool = False) -> None:
    """One KPI: title, status, headline and definition; then trend, distribution and breakdown tabs.

    `opened`: reached from its card, so the tab with its cases is the one open (when it lists cases)."""
    result = story.result
    st.subheader(cards.title(result, data.registry().get(result.id).target), anchor=section_anchor(result.id),
                 divider="gray", help=t("card.kpi_id", id=result.id))
    st.markdown(status_badge(result.status), unsafe_allow_html=True)
    freshness.stale_note(result)
    changed = target_changes_during(data.engine(), result.year).get(result.id, ())
    if changed:
        st.markdown(f"◆ {plain.md(cards.target_mark(result, changed))}")
    left, right = st.columns([3, 2], gap="large")
    with left:
        headline(story)
    with right:
        definition_panel(story)
    notes_panel(result)
    if result.status == "no_data" and result.extra.get("missing_kinds"):
        if access.may_open("upload"):
            st.page_link(shell.UPLOAD_PAGE, label=t("nav.upload"), icon=":material/upload:")
        return
    labels = [t("area.tab_trend"), t("area.tab_distribution"), t("area.tab_breakdown")]
    cases_first = opened and lists_items(story)
    trend, dist, detail = st.tabs(labels, default=labels[1] if cases_first else None,
                                  key=f"tabs-{section_anchor(result.id)}")
    with trend:
        trend_tab(story)
    with dist:
        distribution_tab(story)
    with detail:
        breakdown_tab(story)


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
    for kpi_id in in_area:  # always in the charter's order: the page looks the same however it was reached
        kpi_section(data.kpi_story(kpi_id, year), opened=kpi_id == wanted)
    if wanted in in_area:
        scroll_into_view(section_anchor(wanted))
