"""The explorer's view in the address and as saved views: dataset, years and filters as query parameters.

The page writes what is chosen to the URL (?data=trainee_survey&years=2025&course=…), in codes and keys
rather than words, so a link made in Korean opens the same view in English. A link opened in a new tab,
a saved view opened, or the browser's back button changes the URL: the page then puts that view into its
widgets before drawing them. A saved view is such a set of parameters under a name (metrics.explore.saved_views).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import streamlit as st

from metrics import explore
from metrics.explore import filenames, kpi_states, saved_views
from ui import access, data, plain
from ui.i18n import pick, said, t
from ui.values import word

# The parameters of a view, in the order the URL shows them.
PARAMS = ("data", "years", "course", "type", "from", "to", "timeliness", "kpi_state")
DATASET_KEY = "explore-dataset"
SEEN_KEY = "explore-view-seen"  # the view this session last wrote to (or took from) the URL
PENDING_KEY = "explore-view-pending"  # a view from the URL, waiting for its dataset's choices
SAVED_KEY = "explore-view-saved"  # a message for the run after a view was saved or deleted
MAX_NAMED = 3  # values named in a file name before "외 N"


def widget_keys(name: str) -> dict[str, str]:
    """The session keys of a dataset's filter widgets, by view parameter."""
    return {"years": f"explore-years-{name}", "course": f"explore-courses-{name}", "type": f"explore-types-{name}",
            "from": f"explore-from-{name}", "to": f"explore-to-{name}", "timeliness": f"explore-late-{name}",
            "kpi_state": f"explore-kpi-state-{name}"}


def to_params(name: str, filters: explore.Filters) -> dict[str, list[str]]:
    """The view as query parameters (codes, keys and ISO dates; nothing for a filter not set)."""
    params = {"data": [name], "years": [str(y) for y in filters.years], "course": list(filters.courses),
              "type": list(filters.types), "from": [filters.date_from.isoformat()] if filters.date_from else [],
              "to": [filters.date_to.isoformat()] if filters.date_to else [], "timeliness": list(filters.timeliness),
              "kpi_state": list(filters.kpi_states)}
    return {k: v for k, v in params.items() if v}


def from_params(params: Mapping[str, Sequence[str]], ds: explore.Dataset, choices: explore.Choices) -> explore.Filters:
    """The filters a view names, keeping only values the dataset can take now (a stale link loses the rest)."""
    years = tuple(int(y) for y in params.get("years", ()) if y.isdigit() and int(y) in choices.years)
    judged = {s.code for s in ds.kpi_states}
    return explore.Filters(
        years=years,
        courses=tuple(c for c in params.get("course", ()) if ds.course_column and c in choices.courses),
        types=tuple(c for c in params.get("type", ()) if ds.type_column and c in choices.types),
        date_from=_day(params.get("from")), date_to=_day(params.get("to")),
        timeliness=tuple(c for c in params.get("timeliness", ()) if ds.has_timeliness and c in explore.TIMELINESS),
        kpi_states=tuple(c for c in params.get("kpi_state", ()) if c in judged),
    )


def _day(values: Sequence[str] | None) -> date | None:
    try:
        return date.fromisoformat(values[0]) if values else None
    except ValueError:
        return None


def url_view() -> dict[str, list[str]]:
    """The view the URL holds now."""
    return {k: st.query_params.get_all(k) for k in PARAMS if st.query_params.get_all(k)}


def adopt_dataset(names: list[str]) -> None:
    """Before the dataset is chosen: a URL that is not the page's own (a link, a saved view) chooses it."""
    view = url_view()
    if view == st.session_state.get(SEEN_KEY):
        return
    st.session_state[SEEN_KEY] = view
    wanted = view.get("data", [None])[0]
    if wanted in names:
        st.session_state[DATASET_KEY] = wanted
        st.session_state[PENDING_KEY] = view


def adopt_filters(ds: explore.Dataset, choices: explore.Choices, year: int) -> None:
    """Before the filters are drawn: the URL's view put into them, else the sidebar's year to start with."""
    keys = widget_keys(ds.name)
    view = st.session_state.pop(PENDING_KEY, None)
    if view is not None and view.get("data", [None])[0] == ds.name:
        chosen = from_params(view, ds, choices)
        values = {"years": list(chosen.years), "course": list(chosen.courses), "type": list(chosen.types),
                  "from": chosen.date_from, "to": chosen.date_to, "timeliness": list(chosen.timeliness),
                  "kpi_state": list(chosen.kpi_states)}
        for param, key in keys.items():
            st.session_state[key] = values[param]
    elif keys["years"] not in st.session_state:
        st.session_state[keys["years"]] = [year] if year in choices.years else list(choices.years[:1])


def write_url(name: str, filters: explore.Filters) -> None:
    """After the filters are read: the URL says the view shown (only the explorer's own parameters change)."""
    params = to_params(name, filters)
    for key in PARAMS:
        if key in params:
            if st.query_params.get_all(key) != params[key]:
                st.query_params[key] = params[key]
        elif key in st.query_params:
            del st.query_params[key]
    st.session_state[SEEN_KEY] = params


def clear_url() -> None:
    """Out of the dataset view (the rows behind a KPI): the explorer's parameters leave the URL."""
    for key in PARAMS:
        if key in st.query_params:
            del st.query_params[key]
    st.session_state.pop(SEEN_KEY, None)


# ---- saved views -------------------------------------------------------------------------------

def _owner() -> str:
    user = access.current_user()
    return user.name if user else ""


def _open_view(params: dict[str, tuple[str, ...]]) -> None:
    """Callback: the saved view becomes the URL; the next run puts it into the widgets."""
    for key in PARAMS:
        if key in params:
            st.query_params[key] = list(params[key])
        elif key in st.query_params:
            del st.query_params[key]


def _save_view(params: Mapping[str, Sequence[str]], name_key: str) -> None:
    try:
        view = saved_views.save(data.engine(), _owner(), st.session_state.get(name_key, ""), params)
    except saved_views.SavedViewError as exc:
        st.session_state[SAVED_KEY] = ("error", said(exc.message))
        return
    st.session_state[SAVED_KEY] = ("success", t("views.saved", name=view.name))
    st.session_state[name_key] = ""


def _delete_view(view: saved_views.SavedView) -> None:
    if saved_views.remove(data.engine(), _owner(), view.id):
        st.session_state[SAVED_KEY] = ("success", t("views.deleted", name=view.name))


def saved_views_panel(params: Mapping[str, Sequence[str]]) -> None:
    """Save the view shown under a name; open or delete a saved one (each account sees its own)."""
    access.require("analyst")
    found = saved_views.views(data.engine(), _owner())
    with st.expander(t("views.title", n=len(found)), icon=":material/bookmarks:"):
        kind, message = st.session_state.pop(SAVED_KEY, (None, ""))
        if kind:
            getattr(st, kind)(plain.md(message))
        left, right = st.columns(2)
        with left:
            name_key = "explore-view-name"
            st.text_input(t("views.name"), key=name_key, max_chars=saved_views.MAX_NAME,
                          placeholder=t("views.name_placeholder"))
            st.button(t("views.save"), icon=":material/bookmark_add:", key="explore-view-save",
                      on_click=_save_view, args=(params, name_key))
        with right:
            if not found:
                st.caption(t("views.none"))
                return
            by_id = {v.id: v for v in found}
            chosen = st.selectbox(t("views.saved_views"), list(by_id), format_func=lambda i: by_id[i].name,
                                  key="explore-view-choice")
            view = by_id[chosen]
            st.caption(t("views.describe", what=describe(view.params)))
            go, drop = st.columns(2)
            go.button(t("views.open"), icon=":material/open_in_browser:", key="explore-view-open",
                      on_click=_open_view, args=(view.params,))
            drop.button(t("views.delete"), icon=":material/delete:", key="explore-view-delete",
                        on_click=_delete_view, args=(view,))


# ---- what a view holds, in words -------------------------------------------------------------------

def _named(values: list[str], limit: int = MAX_NAMED) -> str:
    shown = "+".join(values[:limit])
    return shown + (t("views.more", n=len(values) - limit) if len(values) > limit else "")


def _years(years: list[int]) -> str:
    years = sorted(years)
    if not years:
        return t("views.all_years")
    if len(years) > 1 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}-{years[-1]}"
    return "+".join(str(y) for y in years)


def kpi_state_name(code: str) -> str:
    """A KPI's state in words: "전화 응대 시 인사말과 소속·이름 안내: 미충족" (the code itself when no KPI gives it)."""
    found = kpi_states.parse(code, data.registry())
    if found is None:
        return code
    kpi = data.registry().get(found.kpi_id)
    return f"{pick(kpi.title_ko, kpi.title_en)}: {word(found.words, found.state)}"


def view_parts(params: Mapping[str, Sequence[str]], choices: explore.Choices | None = None) -> list[str]:
    """A view as words, part by part: 교육생 만족도, 2025, 과정-상수도 기초, 기한-기한 넘김, 판정-…: 미충족 …"""
    name = (params.get("data") or [""])[0]
    parts = [word("values.kind", name) if name else "", _years([int(y) for y in params.get("years", ()) if str(y).isdigit()])]
    courses = [choices.course_name(c) if choices else c for c in params.get("course", ())]
    if courses:
        parts.append(f"{t('views.course')}-{_named(courses)}")
    if params.get("type"):
        ds = next((d for d in explore.datasets() if d.name == name), None)  # a view may outlive its dataset
        section = f"values.{ds.type_column}" if ds and ds.type_column else ""
        parts.append(f"{t('views.type')}-{_named([word(section, c) for c in params['type']])}")
    start, end = (params.get("from") or [""])[0], (params.get("to") or [""])[0]
    if start or end:
        parts.append(f"{start}~{end}")
    if params.get("timeliness"):
        parts.append(f"{t('views.timeliness')}-{_named([word('values.timeliness', c) for c in params['timeliness']])}")
    if params.get("kpi_state"):
        parts.append(f"{t('views.kpi_state')}-{_named([kpi_state_name(c) for c in params['kpi_state']])}")
    return [p for p in parts if p]


def describe(params: Mapping[str, Sequence[str]]) -> str:
    """A saved view in one line for people: "교육생 만족도 · 2025 · 과정-상수도 기초"."""
    return " · ".join(view_parts(params))


def export_stem(params: Mapping[str, Sequence[str]], choices: explore.Choices) -> str:
    """The export's file name without extension: 교육생만족도_2025_과정-상수도기초 (Windows-safe)."""
    return filenames.stem(view_parts(params, choices))
