"""Service Charter Dashboard (고객헌장 이행 대시보드): registers the pages and the global filters, nothing else."""

from __future__ import annotations

import streamlit as st

from metrics.access.auth import User
from ui import access, auth, data, shell, theme  # theme also registers the plotly template on import
from ui.errors import friendly
from ui.i18n import pick, t
from ui.streamlit_words import korean_chrome

AREA_ICONS = {
    "cert": ":material/verified:",
    "wk": ":material/storefront:",
    "eval": ":material/water_drop:",
    "edu": ":material/school:",
    "ft": ":material/rocket_launch:",
    "cs": ":material/support_agent:",
}
# Pages where the year means nothing; there the picker is hidden but keeps its value.
NO_YEAR_PATHS = ("upload", "admin", "login")


def pages_for(user: User | None) -> access.Menu:
    """The menu, by section, with only the pages `user` may open (the login page alone when signed out)."""
    areas = [
        st.Page(f"pages/area_{a.id}.py", title=pick(a.ko, a.en), icon=AREA_ICONS.get(a.id),
                url_path=shell.area_url_path(a.id))
        for a in data.registry().areas
    ]
    sections = {
        t("nav.section_executives"): [
            st.Page("pages/scorecard.py", title=t("nav.scorecard"), icon=":material/dashboard:", default=True),
            *areas,
        ],
        t("nav.section_managers"): [st.Page(shell.UPLOAD_PAGE, title=t("nav.upload"), icon=":material/upload:")],
        t("nav.section_analysts"): [st.Page("pages/explore.py", title=t("nav.explore"), icon=":material/query_stats:",
                                                    url_path=shell.EXPLORE_URL_PATH)],
        **access.admin_section(),
    }
    return access.menu(sections, user)


@friendly
def main() -> None:
    """Draw the shell and run the chosen page (a database or registry failure becomes a plain message)."""
    st.set_page_config(page_title="고객헌장 이행 대시보드", page_icon=":material/fact_check:", layout="wide")
    theme.text_styles()
    korean_chrome()
    shell.language_switch()
    access.accept_local_token()
    user = access.current_user()
    menu = pages_for(user)
    page = st.navigation(menu, position=access.nav_position(menu))
    st.set_page_config(page_title=f"{page.title} · {t('app.title')}")
    auth.status(user)
    if user is not None and user.roles and page.url_path not in NO_YEAR_PATHS:  # no roles: nothing to pick for
        shell.year_picker()
    page.run()


main()
