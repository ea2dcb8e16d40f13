"""The analysts' page: one dataset at a time, or the rows behind one KPI's number, downloaded exactly as shown.

A scorecard card links here with ?kpi=ID&year=YYYY: the page then opens on the rows behind that number;
&state=missed (the states chosen there, as `export --kpi ID --where state=missed` names them) opens it on
those rows only. A dataset's own filters, a KPI's state of each row among them, are in explore_views.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from metrics import clock, explore
from metrics.explore import filenames
from metrics.explore.export import to_csv_bytes, to_xlsx_bytes
from metrics.kpi.kpi_rows import KpiRows, kpi_rows
from metrics.kpi.measures.rows import ROW_STATES
from ui import access, data, explain, fmt, shell, tables
from ui import explore_views as views
from ui.cards import status_words
from ui.errors import friendly
from ui.i18n import pick, t
from ui.upload_steps import kind_name
from ui.values import translated, word

TABLE_HEIGHT = 560
FILTER_WIDTH, DATE_WIDTH = 260, 170  # px: a few chosen years or courses; a date as yyyy/mm/dd with its icon
KPI_STATE_WIDTH = 440  # px: a KPI's title and a state
# A chosen KPI state wraps its words rather than being cut: on a phone the cut part is the state itself.
KPI_STATE_CSS = """<style>
[class*="st-key-explore-kpi-state-"] [data-tag] { height: auto; white-space: normal; padding-top: 2px; padding-bottom: 2px; }
[class*="st-key-explore-kpi-state-"] [data-tag] > span[title] { white-space: normal; overflow: visible; text-overflow: clip; }
</style>"""
MODES = ("dataset", "kpi")
KPI_KEY = "kpi"  # bound to ?kpi=, the parameter a scorecard card's link sets
STATE_KEY = "state"  # ?state=missed: the rows behind the number in those states
STATES_WIDGET = "explore-states"
STATES_SEEN = "explore-states-seen"  # the states this session last wrote to the URL
# The rows behind a number carry a KPI's states and reasons, not a case's.
ROW_WORDS = {"state": "values.row_state", "reason": "values.reason"}


def filter_widgets(ds: explore.Dataset, choices: explore.Choices) -> explore.Filters:
    """The filters that apply to the dataset, as widgets (started by explore_views from the URL or the
    sidebar's year); returns what they select."""
    keys = views.widget_keys(ds.name)
    # One row that wraps, each filter wide enough for its values (four equal columns cut the dates in a narrow window).
    row = st.container(horizontal=True)
    years = row.multiselect(t("explore.years"), choices.years, key=keys["years"],
                            placeholder=t("explore.all"), select_all=False, width=FILTER_WIDTH)
    courses: list[str] = []
    types: list[str] = []
    timeliness: list[str] = []
    if ds.course_column:
        # One choice per course (its spelling variants together, as the KPI matches them), named as first written.
        courses = row.multiselect(t("explore.courses"), choices.courses, key=keys["course"], format_func=choices.course_name,
                                  placeholder=t("explore.all"), select_all=False, width=FILTER_WIDTH)
    if ds.type_column:
        section = f"values.{ds.type_column}"
        types = row.multiselect(t(f"explore.{ds.type_column}"), choices.types, key=keys["type"],
                                format_func=lambda c: word(section, c), placeholder=t("explore.all"), select_all=False,
                                width=FILTER_WIDTH)
    date_from = row.date_input(t("explore.date_from"), value=None, key=keys["from"], format="YYYY-MM-DD", width=DATE_WIDTH)
    date_to = row.date_input(t("explore.date_to"), value=None, key=keys["to"], format="YYYY-MM-DD", width=DATE_WIDTH)
    judged = [s.code for s in ds.kpi_states]
    if judged:
        st.html(KPI_STATE_CSS)
    chosen_states = row.multiselect(t("explore.kpi_state"), judged, key=keys["kpi_state"], format_func=views.kpi_state_name,
                                    placeholder=t("explore.all"), help=t("explore.kpi_state_help"), select_all=False,
                                    width=KPI_STATE_WIDTH) if judged else []
    if ds.has_timeliness:
        timeliness = st.pills(t("explore.timeliness"), explore.TIMELINESS, selection_mode="multi",
                              format_func=lambda c: word("values.timeliness", c), key=keys["timeliness"])
    return explore.Filters(
        years=tuple(int(y) for y in years), courses=tuple(courses), types=tuple(types),
        date_from=date_from if isinstance(date_from, date) else None,
        date_to=date_to if isinstance(date_to, date) else None, timeliness=tuple(timeliness or ()),
        kpi_states=tuple(chosen_states),
    )


def state_words(name: str) -> dict[str, str]:
    """Where the dataset's judged codes are named: postings carry the posting KPI's states, not a case's."""
    return explore.dataset(name).words if name else {}


def for_people(rows: pd.DataFrame, name: str = "") -> pd.DataFrame:
    """The rows as shown and exported: codes as words, headers in the current language."""
    return translated(rows, state_words(name)).rename(columns=tables.header)


def downloads(shown: pd.DataFrame, name: str, stem: str, sheet: str, detail: dict[str, object] | None = None) -> None:
    """CSV (UTF-8 with BOM, for Korean Excel) and XLSX of exactly the rows shown, named `stem` (what is in them);
    each download audited with `detail`."""
    access.require("analyst")
    detail = {"what": name, **(detail or {}), "rows": len(shown)}
    sheet = filenames.sheet(sheet)
    row = st.container(horizontal=True)  # wraps in a narrow window rather than cutting the labels
    row.download_button(t("explore.download_csv"), to_csv_bytes(shown), file_name=f"{stem}.csv", mime="text/csv",
                        on_click=access.audited("export", {**detail, "format": "csv"}),
                        icon=":material/download:", key="explore-csv")
    # XLSX is slow on big tables: built only when clicked (on the server's download thread).
    row.download_button(t("explore.download_xlsx"), lambda: to_xlsx_bytes(shown, sheet_name=sheet), file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          on_click=access.audited("export", {**detail, "format": "xlsx"}),
                          icon=":material/download:", key="explore-xlsx")


@st.cache_data(show_spinner=False, max_entries=32)
def _kpi_rows(url: str, version: tuple[int, int], kpi_id: str, year: int, today: date) -> KpiRows:
    return kpi_rows(data.engine(), kpi_id, year, today=today, registry=data.registry())


def kpi_rows_section() -> None:
    """The rows behind one KPI's number for the sidebar's year: each in its state, adding up to the card."""
    ids = [k.id for k in data.registry()]
    titles = {k.id: pick(k.title_ko, k.title_en) for k in data.registry()}
    # The link's ?kpi= chooses the KPI when the page opens (a stale or mistyped one: the first KPI); the URL
    # then follows the choice, so the address can be shared. (A bound widget would keep its label in the URL.)
    wanted = st.query_params.get(KPI_KEY)
    kpi_id = st.selectbox(t("explore.kpi"), ids, index=ids.index(wanted) if wanted in ids else 0,
                          format_func=lambda i: titles[i], key="explore-kpi")
    assert kpi_id is not None  # options and an index: always a choice
    st.query_params[KPI_KEY] = kpi_id
    year = shell.filters().year
    found = _kpi_rows(*data.cache_key(), kpi_id, year, clock.today())
    r = found.result
    st.markdown(t("explore.kpi_line", year=year, value=fmt.value(r.value, r.unit),
                  target=fmt.target(r.comparator, r.target, r.unit), status=status_words(r.status)))
    for line in [explain.counts_line(r), *explain.status_lines(r)]:
        if line:
            st.caption(line)
    st.caption(t("explore.kpi_help"))
    counts = found.counts()
    for column, state in zip(st.columns(len(ROW_STATES)), ROW_STATES, strict=True):
        column.metric(word("values.row_state", state), f"{counts[state]:,}", border=True)
    chosen = _states_widget()
    rows = found.rows[found.rows["state"].isin(chosen)] if chosen else found.rows
    if rows.empty:
        st.info(t("explore.no_rows"), icon=":material/filter_alt_off:")
        return
    on_screen = tables.for_display(translated(rows, ROW_WORDS))
    st.dataframe(on_screen, column_config=tables.column_config(on_screen), hide_index=True, key="explore-kpi-table",
                 height=min(TABLE_HEIGHT, 35 * (len(on_screen) + 1) + 3))
    what = "kpi_rows" + (f" [state={','.join(chosen)}]" if chosen else "")
    states = [f"{t('explore.states')}-{'+'.join(word('values.row_state', s) for s in chosen)}"] if chosen else []
    stem = filenames.stem([titles[kpi_id], t("explore.mode_kpi"), year, *states])
    downloads(translated(rows, ROW_WORDS).rename(columns=tables.header), "kpi_rows", stem, t("explore.mode_kpi"),
              {"what": what, "kpi_id": kpi_id, "year": year})


def _states_widget() -> list[str]:
    """The states to show, as pills that follow the URL's ?state= when it changed outside the page (a link)."""
    asked = [s for s in st.query_params.get_all(STATE_KEY) if s in ROW_STATES]
    if asked != st.session_state.get(STATES_SEEN):
        st.session_state[STATES_WIDGET] = asked
    chosen = list(st.pills(t("explore.states"), ROW_STATES, selection_mode="multi", key=STATES_WIDGET,
                           format_func=lambda s: word("values.row_state", s)) or [])
    if chosen and st.query_params.get_all(STATE_KEY) != chosen:
        st.query_params[STATE_KEY] = chosen
    elif not chosen:
        st.query_params.pop(STATE_KEY, None)
    st.session_state[STATES_SEEN] = chosen
    return chosen


@friendly
def render() -> None:
    """Draw the explorer: a dataset, or the rows behind a KPI (where a scorecard card's link lands)."""
    st.title(t("explore.title"))
    st.caption(t("explore.help"))
    mode = st.radio(t("explore.mode"), MODES, index=MODES.index("kpi" if KPI_KEY in st.query_params else "dataset"),
                    format_func=lambda m: t(f"explore.mode_{m}"), horizontal=True, key="explore-mode")
    if mode == "kpi":
        views.clear_url()
        kpi_rows_section()
    else:
        for key in (KPI_KEY, STATE_KEY):
            st.query_params.pop(key, None)
        st.session_state.pop(STATES_SEEN, None)
        dataset_section()


def dataset_section() -> None:
    """One dataset, filtered, shown and downloaded exactly as shown."""
    names = [d.name for d in explore.datasets()]
    views.adopt_dataset(names)  # a link or a saved view chooses the dataset...
    name = st.selectbox(t("explore.dataset"), names, format_func=kind_name, key=views.DATASET_KEY)
    ds = explore.dataset(name)
    choices = data.explore_choices(name)
    if not choices.years:
        shell.empty_state("empty.dataset")
        return
    views.adopt_filters(ds, choices, shell.filters().year)  # ...and its filters, once they are known
    filters = filter_widgets(ds, choices)
    views.write_url(name, filters)
    params = views.to_params(name, filters)
    views.saved_views_panel(params)
    rows = data.explore_rows(name, filters)
    st.markdown(t("explore.count", n=f"{len(rows):,}"))
    if ds.pseudonymised:
        st.caption(t("explore.pseudonym_note"))
    if rows.empty:
        st.info(t("explore.no_rows"), icon=":material/filter_alt_off:")
        return
    # The same rows twice: coded headers with column formats on screen, translated headers in the files.
    on_screen = tables.for_display(translated(rows, state_words(name)))
    st.dataframe(on_screen, column_config=tables.column_config(on_screen), hide_index=True, key="explore-table",
                 height=min(TABLE_HEIGHT, 35 * (len(on_screen) + 1) + 3))
    described = filters.describe()
    downloads(for_people(rows, name), name, views.export_stem(params, choices), kind_name(name),
              {"what": f"{name} [{described}]" if described else name})
