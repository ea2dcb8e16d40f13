"""The analysts' page: one dataset at a time, filtered, shown with formats, downloaded exactly as shown."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from metrics import explore
from metrics.export import to_csv_bytes, to_xlsx_bytes
from ui import access, data, shell, tables
from ui.errors import friendly
from ui.i18n import t
from ui.upload_steps import kind_name
from ui.values import translated, word

TABLE_HEIGHT = 560


def filter_widgets(ds: explore.Dataset, choices: explore.Choices, year: int) -> explore.Filters:
    """The filters that apply to the dataset, as widgets; returns what they select."""
    cols = st.columns(4)
    default_years = [year] if year in choices.years else list(choices.years[:1])
    years = cols[0].multiselect(t("explore.years"), choices.years, default=default_years, key=f"explore-years-{ds.name}",
                                placeholder=t("explore.all"))
    courses: list[str] = []
    types: list[str] = []
    timeliness: list[str] = []
    if ds.course_column:
        # One choice per course (its spelling variants together, as the KPI matches them), named as first written.
        courses = cols[1].multiselect(t("explore.courses"), choices.courses, key=f"explore-courses-{ds.name}",
                                      format_func=choices.course_name, placeholder=t("explore.all"))
    if ds.type_column:
        section = f"values.{ds.type_column}"
        types = cols[1].multiselect(t(f"explore.{ds.type_column}"), choices.types, key=f"explore-types-{ds.name}",
                                    format_func=lambda c: word(section, c), placeholder=t("explore.all"))
    date_from = cols[2].date_input(t("explore.date_from"), value=None, key=f"explore-from-{ds.name}")
    date_to = cols[3].date_input(t("explore.date_to"), value=None, key=f"explore-to-{ds.name}")
    if ds.has_timeliness:
        timeliness = st.pills(t("explore.timeliness"), explore.TIMELINESS, selection_mode="multi",
                              format_func=lambda c: word("values.timeliness", c), key=f"explore-late-{ds.name}")
    return explore.Filters(
        years=tuple(int(y) for y in years), courses=tuple(courses), types=tuple(types),
        date_from=date_from if isinstance(date_from, date) else None,
        date_to=date_to if isinstance(date_to, date) else None, timeliness=tuple(timeliness or ()),
    )


# Postings carry the posting KPI's states (long enough, too short, still online), not a case's.
STATE_WORDS = {"postings": {"state": "values.posting_state"}}


def for_people(rows: pd.DataFrame, name: str = "") -> pd.DataFrame:
    """The rows as shown and exported: codes as words, headers in the current language."""
    return translated(rows, STATE_WORDS.get(name)).rename(columns=tables.header)


def downloads(shown: pd.DataFrame, name: str) -> None:
    """CSV (UTF-8 with BOM, for Korean Excel) and XLSX of exactly the rows shown."""
    access.require("analyst")
    stem = f"{name}_{date.today():%Y%m%d}"
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(t("explore.download_csv"), to_csv_bytes(shown), file_name=f"{stem}.csv", mime="text/csv",
                         on_click=access.audited("export", {"what": name, "format": "csv", "rows": len(shown)}),
                         icon=":material/download:", key="explore-csv")
    # XLSX is slow on big tables: built only when clicked (on the server's download thread).
    right.download_button(t("explore.download_xlsx"), lambda: to_xlsx_bytes(shown, sheet_name=name), file_name=f"{stem}.xlsx",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                          on_click=access.audited("export", {"what": name, "format": "xlsx", "rows": len(shown)}),
                          icon=":material/download:", key="explore-xlsx")


@friendly
def render() -> None:
    """Draw the explorer."""
    st.title(t("explore.title"))
    st.caption(t("explore.help"))
    names = [d.name for d in explore.datasets()]
    name = st.selectbox(t("explore.dataset"), names, format_func=kind_name, key="explore-dataset")
    ds = explore.dataset(name)
    choices = data.explore_choices(name)
    if not choices.years:
        shell.empty_state("empty.dataset")
        return
    filters = filter_widgets(ds, choices, shell.filters().year)
    rows = data.explore_rows(name, filters)
    st.markdown(t("explore.count", n=f"{len(rows):,}"))
    if ds.name == "attendance":
        st.caption(t("explore.pseudonym_note"))
    if rows.empty:
        st.info(t("explore.no_rows"), icon=":material/filter_alt_off:")
        return
    # The same rows twice: coded headers with column formats on screen, translated headers in the files.
    on_screen = translated(rows, STATE_WORDS.get(name))
    st.dataframe(on_screen, column_config=tables.column_config(on_screen), hide_index=True, key="explore-table",
                 height=min(TABLE_HEIGHT, 35 * (len(on_screen) + 1) + 3))
    downloads(for_people(rows, name), name)
