"""The distribution and breakdown tabs of a KPI, drawn as its measure names their views (MeasureSpec.details)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics import clock
from metrics.kpi import checkins
from metrics.kpi.measures.explore import CHECK_STATES
from metrics.kpi.scorecard import KpiResult
from metrics.kpi.stories import KpiStory
from ui import access, charts_detail, data, plain, tables
from ui.i18n import said, t
from ui.plots import show
from ui.values import translated, word

# The late and pending cases: what matters (which, how late) first, the rest after.
CASE_COLUMNS = ("ref", "state", "days_over", "received", "deadline", "done_on", "days_taken", "title", "case_type",
                "completed", "interim")
# The views that list the items behind a miss (late and pending cases, postings not kept up): a card's link
# opens the tab that shows them.
ITEM_VIEWS = ("late_cases", "postings", "checklist_misses")


def lists_items(story: KpiStory) -> bool:
    """Whether the KPI's distribution tab lists the items behind a miss, as its measure names its views."""
    return any(view in ITEM_VIEWS for view in story.kpi.spec.details.distribution_views)


def distribution_tab(story: KpiStory) -> None:
    """What lies behind the number, as the KPI's measure names its views: ratings, days taken, rings, or the rows counted."""
    views = story.kpi.spec.details.distribution_views
    if not views:
        st.caption(t("table.empty"))
    for view in views:
        DISTRIBUTION_VIEWS[view](story)


def breakdown_tab(story: KpiStory) -> None:
    """Breakdowns, as the KPI's measure names its views: questions and courses, case types, calls by hour, or a table."""
    for view in story.kpi.spec.details.breakdown_views:
        BREAKDOWN_VIEWS[view](story)


def _ratings(story: KpiStory) -> None:
    kpi, key = story.kpi, story.kpi.id
    scale = float(kpi.params.get("scale", 5))
    if story.distribution.empty:
        st.caption(t("table.empty"))
        return
    mark = kpi.spec.details.mark(kpi) if kpi.spec.details.mark else None  # the rating a response must reach
    show(charts_detail.rating_histogram(story.distribution, mark, scale), key=f"{key}-ratings")
    if not story.likert.empty:
        order = list(story.questions["question"]) if not story.questions.empty else []
        show(charts_detail.likert_figure(story.likert, order), key=f"{key}-likert")


def _days(story: KpiStory) -> None:
    kpi = story.kpi
    if story.distribution.empty:
        st.caption(t("table.empty"))
        return
    days = int(kpi.params["days"]) if "days" in kpi.params else None
    show(charts_detail.days_figure(story.distribution, days, kpi.params.get("day_mode", "calendar")), key=f"{kpi.id}-days")


def _late_cases(story: KpiStory) -> None:
    st.markdown(f"**{t('area.late_and_pending')}**")
    cases = story.cases[[c for c in CASE_COLUMNS if c in story.cases.columns]]
    tables.show(translated(cases), key=f"{story.kpi.id}-cases", empty_key="area.no_late_cases")


def _rings(story: KpiStory) -> None:
    if story.distribution.empty:
        st.caption(t("table.empty"))
        return
    show(charts_detail.rings_figure(story.distribution, float(story.kpi.params["max_rings"])), key=f"{story.kpi.id}-rings")


def _events_held(story: KpiStory) -> None:
    st.markdown(f"**{t('area.events_held')}**")
    tables.show(translated(story.breakdown), key=f"{story.kpi.id}-events", empty_key="area.no_events")


def _courses(story: KpiStory) -> None:
    if story.breakdown.empty:
        st.caption(t("table.empty"))
        return
    show(charts_detail.courses_figure(story.breakdown), key=f"{story.kpi.id}-courses")


def _coverage(story: KpiStory) -> None:
    key = story.kpi.id
    unmatched = story.unmatched
    without = unmatched[unmatched["side"] == "course_without_feedback"] if not unmatched.empty else unmatched
    orphans = unmatched[unmatched["side"] == "survey_without_course"] if not unmatched.empty else unmatched
    st.markdown(f"**{t('area.courses_without_feedback')}**")
    tables.show(without.drop(columns=["side", "key"], errors="ignore"), key=f"{key}-without", empty_key="area.all_covered")
    st.markdown(f"**{t('area.survey_courses_unmatched')}**")
    st.caption(t("area.unmatched_help"))
    tables.show(orphans.drop(columns=["side", "key"], errors="ignore"), key=f"{key}-orphans", empty_key="area.none_unmatched")


def _postings_summary(story: KpiStory) -> None:
    frame = story.breakdown
    if frame.empty:
        st.caption(t("table.empty"))
        return
    counts = frame["state"].value_counts()
    cols = st.columns(3)
    for col, state in zip(cols, ("met", "missed", "pending"), strict=True):
        col.metric(t(f"values.posting_state.{state}"), f"{int(counts.get(state, 0)):,}", border=True)
    not_met = frame[frame["state"] != "met"]
    st.markdown(f"**{t('area.postings_not_met')}**")
    tables.show(translated(not_met.drop(columns=["year"], errors="ignore"), {"state": "values.posting_state"}),
                key=f"{story.kpi.id}-postings",
                empty_key="area.none_missed")


def _checklist_misses(story: KpiStory) -> None:
    """How many rows met, missed and were not checked (as the card counts them), then the rows that missed."""
    result, key = story.result, story.kpi.id
    counts = (result.numerator or 0, (result.denominator or 0) - (result.numerator or 0), result.extra.get("not_checked", 0))
    for col, state, n in zip(st.columns(3), CHECK_STATES, counts, strict=True):
        col.metric(t(f"values.check_state.{state}"), f"{int(n):,}", border=True)
    st.markdown(f"**{t('area.checklist_missed')}**")
    missed = story.cases.assign(failed_items=story.cases["failed_items"].map(_item_words)) if not story.cases.empty else story.cases
    tables.show(translated(missed), key=f"{key}-missed", empty_key="area.none_failed")


def _checklist_items(story: KpiStory) -> None:
    st.markdown(f"**{t('area.checklist_items')}**")
    items = story.distribution
    if not items.empty:
        items = items.assign(item=items["item"].map(tables.header))
        if items["limit"].isna().all():
            items = items.drop(columns=["limit"])
    tables.show(items, key=f"{story.kpi.id}-items")


def _item_words(codes: str) -> str:
    """Items missed, named as their columns are ("greeting, name_given" -> "인사말, 소속·이름 안내")."""
    return ", ".join(tables.header(c) for c in codes.split(", ") if c)


def _question_means(story: KpiStory) -> None:
    if story.questions.empty:
        return
    kpi = story.kpi
    # The target is drawn beside the questions' means when it is in points like them (a mean KPI's, not a share's).
    target = kpi.target.value if kpi.unit == "points" and kpi.target else None
    show(charts_detail.question_means_figure(story.questions, target), key=f"{kpi.id}-questions")


def _by_course(story: KpiStory) -> None:
    st.markdown(f"**{t('area.by_course')}**")
    tables.show(story.breakdown, key=f"{story.kpi.id}-by-course", empty_key="area.no_courses")


def _hours(story: KpiStory) -> None:
    if story.breakdown.empty:
        _table(story)
        return
    target = story.kpi.target.value if story.kpi.target else None
    show(charts_detail.hours_figure(story.breakdown, target), key=f"{story.kpi.id}-hours")


def _case_types(story: KpiStory) -> None:
    st.markdown(f"**{t('area.by_case_type')}**")
    tables.show(translated(_case_summary(story.breakdown)), key=f"{story.kpi.id}-types")


def _table(story: KpiStory) -> None:
    tables.show(translated(_plain(story.breakdown)), key=f"{story.kpi.id}-breakdown")


# One drawing per view a measure may name (metrics.kpi.measures, Details): a new measure reuses them by name.
DISTRIBUTION_VIEWS = {"ratings": _ratings, "days": _days, "late_cases": _late_cases, "rings": _rings,
                      "events_held": _events_held, "courses": _courses, "coverage": _coverage, "postings": _postings_summary,
                      "checklist_misses": _checklist_misses, "checklist_items": _checklist_items}
BREAKDOWN_VIEWS = {"question_means": _question_means, "by_course": _by_course, "hours": _hours,
                   "case_types": _case_types, "table": _table}


def _case_summary(frame: pd.DataFrame) -> pd.DataFrame:
    """The deadline summary without the Korean-only title column: each row's cases named by its KPI's filter, each
    value in the words of its own column (a case type, or a suggestion's channel: 교육 만족도 조사, not course_survey)."""
    filters = {k.id: k.filter for k in data.registry()}
    named = [", ".join(word(f"values.{column}", v) for column, values in filters.get(i, {}).items() for v in values) or c
             for i, c in zip(frame["id"], frame["case_type"], strict=True)] if {"id", "case_type"} <= set(frame.columns) else None
    out = frame if named is None else frame.assign(case_type=named)
    return out.drop(columns=["title_ko", "id"], errors="ignore")


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """A breakdown without matching keys (internal normalised names)."""
    return frame.drop(columns=["key"], errors="ignore")


def _checkin_text(note: checkins.Checkin) -> str:
    line = t("checkin.line", when=clock.shown(note.noted_at), who=plain.md(note.author),
             cause=plain.md(note.cause), action=plain.md(note.action))
    return line + (" " + t("checkin.corrects", id=note.corrects) if note.corrects is not None else "")


def notes_by_kpi(year: int) -> dict[str, list[checkins.Checkin]]:
    """Every note of `year`, per KPI, newest first (one query for a page of KPIs)."""
    found: dict[str, list[checkins.Checkin]] = {}
    for note in checkins.notes(data.engine(), year):
        found.setdefault(note.kpi_id, []).append(note)
    return found


def notes_panel(result: KpiResult, notes: list[checkins.Checkin], may_write: bool) -> None:
    """Every note on the promise for the year (`notes`, newest first), and, when `may_write` (managers and
    admins), the form to add one."""
    listed = "\n".join(f"- `{note.id}` {_checkin_text(note)}" for note in notes)
    st.markdown(f"**{t('checkin.heading')}**" + ("\n\n" + listed if listed else ""))
    if not notes:
        st.caption(t("checkin.none", year=result.year))
    if not may_write:
        return
    # The form is drawn only when its expander is opened: a page of 19 KPIs drew 19 forms nobody had asked for.
    adding = st.expander(t("checkin.add"), key=f"checkin-open-{result.id}", on_change="rerun")
    if not adding.open:
        return
    with adding, st.form(key=f"checkin-{result.id}", clear_on_submit=True):
        st.caption(t("checkin.help"))
        cause = st.text_area(t("checkin.cause"), max_chars=checkins.MAX_TEXT, key=f"checkin-cause-{result.id}")
        action = st.text_area(t("checkin.action"), max_chars=checkins.MAX_TEXT, key=f"checkin-action-{result.id}")
        by_id = {n.id: n for n in notes}
        corrects = st.selectbox(
            t("checkin.corrects_choice"), [None, *by_id], key=f"checkin-corrects-{result.id}",
            format_func=lambda i: t("checkin.corrects_none") if i is None else t(
                "checkin.corrects_option", id=i, day=clock.shown_day(by_id[i].noted_at), who=by_id[i].author),
        )
        if not st.form_submit_button(t("checkin.save"), icon=":material/edit_note:"):
            return
    user = access.current_user()  # asked again as the note is written: the session may have ended since the page
    if user is None or not checkins.may_write(user.roles):
        st.error(t("checkin.not_allowed"))
        return
    try:
        checkins.add_note(data.engine(), result.id, result.year, cause=cause, action=action, author=user.name,
                          corrects=corrects, registry=data.registry())
    except checkins.CheckinError as exc:
        st.error(plain.md(said(exc.message)))
        return
    st.toast(t("checkin.saved"))
    st.rerun()
