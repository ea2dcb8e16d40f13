"""The frame around every page: the language switch and year picker (both in the URL), empty states."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import streamlit as st

from metrics import clock
from ui import access, data
from ui.i18n import LANG_KEY, LANG_NAMES, LANGS, current_lang, t

YEAR_KEY = "year"
UPLOAD_PAGE = "pages/upload.py"
EXPLORE_URL_PATH = "explore"  # the explorer's address (app.py registers it; the cards link to it)


def area_url_path(area_id: str) -> str:
    """An area page's address (app.py registers it; the cards and the scorecard's headings link to it)."""
    return f"area_{area_id}"


@dataclass(frozen=True)
class Filters:
    """The global filters every page may read."""

    lang: str
    year: int


def language_switch() -> str:
    """The sidebar switch between Korean and English; bound to the URL (?lang=English) so a link keeps it.

    Bound widgets write their option's label to the URL, hence English rather than en.
    """
    st.sidebar.segmented_control(
        "언어 / Language", LANGS, default="ko", required=True, key=LANG_KEY,
        format_func=LANG_NAMES.__getitem__, bind="query-params",
    )
    return current_lang()


def year_options(years: list[int], today: date) -> list[int]:
    """Years with data up to the current one (planned events of next year are no scorecard yet), newest first."""
    return sorted({y for y in years if y <= today.year} | {today.year}, reverse=True)


def year_picker() -> int:
    """The sidebar year picker (current year by default); bound to ?year= and kept across pages.

    The option labels are plain years in every language: the URL holds the label, so a link must
    not depend on the language it was made in.
    """
    options = year_options(data.data_years(), clock.today())
    return st.sidebar.selectbox(
        t("filters.year"), options, index=options.index(clock.today().year), key=YEAR_KEY,
        format_func=str, bind="query-params", persist_state="session",
    )


def filters() -> Filters:
    """The global filters as chosen in the sidebar (read from the widgets' own state)."""
    # Page scripts cannot take arguments under st.navigation, so a page reads the two sidebar
    # widgets' values here, in one place, rather than through ad-hoc session keys.
    year = st.session_state.get(YEAR_KEY)
    return Filters(lang=current_lang(), year=int(year) if year else clock.today().year)


def empty_state(message_key: str) -> None:
    """A plain note that there is nothing to show yet, with the way to the upload page."""
    st.info(t(message_key), icon=":material/upload_file:")
    if access.may_open("upload"):  # a link to a page outside the person's menu would fail
        st.page_link(UPLOAD_PAGE, label=t("nav.upload"), icon=":material/upload:")


def user_name() -> str | None:
    """Who is signed in (recorded with an upload); None in local mode."""
    user = access.current_user()
    return user.name if user else None
