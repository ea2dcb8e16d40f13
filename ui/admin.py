"""The admins' page: accounts, KPI targets (with their history), and the audit log."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from metrics import clock
from metrics.access import audit
from metrics.explore import filenames
from metrics.explore.export import to_csv_bytes, to_xlsx_bytes
from metrics.kpi import targets
from metrics.kpi.registry import Target
from metrics.kpi.stats import COMPARATORS
from ui import access, admin_tables, auth, data, fmt, plain
from ui.i18n import pick, said, t


def kpi_titles() -> dict[str, str]:
    """Each KPI's title in the current language, by id (ids are for the registry, not for people)."""
    return {kpi.id: pick(kpi.title_ko, kpi.title_en) for kpi in data.registry()}


def targets_table(year: int) -> pd.DataFrame:
    """Every KPI with its registry default and the target in force for `year`, as phrases ("목표 100.0% 이상")."""
    in_force = targets.targets_in_force(data.engine(), year, data.registry())
    rows = []
    for kpi in data.registry():
        now = in_force.get(kpi.id)
        rows.append({
            t("admin.kpi"): pick(kpi.title_ko, kpi.title_en),
            t("admin.default_target"): _shown(kpi.target),
            t("admin.in_force", year=year): _shown(now),
        })
    return pd.DataFrame(rows)


def _shown(target: Target | None) -> str:
    return "—" if target is None else fmt.target(target.comparator, target.value, target.unit)


def shown_value(target: Target | None) -> float:
    """A target's value as the form shows it: shares in percent, the rest as they are (0 without a target)."""
    if target is None:
        return 0.0
    return round(target.value * 100, 6) if target.unit == "share" else float(target.value)


def target_form(year: int) -> None:
    """Change one KPI's target; a reason is required and the change is kept with who and when.

    The form starts from the target in force for `year`: the KPI is chosen outside the form (so choosing one
    fills it), and the fields are keyed by KPI, year and the targets' version, so that after a change they
    start from the new target.
    """
    kpis = {kpi.id: kpi for kpi in data.registry()}
    kpi_id = st.selectbox(t("admin.kpi"), list(kpis), key="target-kpi",
                          format_func=lambda i: pick(kpis[i].title_ko, kpis[i].title_en))
    current = targets.targets_in_force(data.engine(), year, data.registry()).get(kpi_id)
    comparators = list(COMPARATORS)
    fresh = f"{kpi_id}-{year}-{targets.targets_version(data.engine())}"
    with st.form("target-change", clear_on_submit=True):
        left, right = st.columns(2)
        comparator = left.selectbox(t("admin.comparator"), comparators, key=f"target-cmp-{fresh}", format_func=admin_tables.comparator_name,
                                    index=comparators.index(current.comparator) if current else 0)
        value = right.number_input(t("admin.target_value"), min_value=0.0, value=shown_value(current),
                                   key=f"target-value-{fresh}")
        effective = st.date_input(t("admin.effective_from"), value=clock.today(), key="target-from")
        reason = st.text_area(t("admin.reason"), key="target-reason")
        submitted = st.form_submit_button(t("admin.change_target"), type="primary")
    if not submitted:
        return
    actor = access.require("admin")
    stored = value / 100 if kpis[kpi_id].unit == "share" else value
    try:
        targets.change_target(data.engine(), kpi_id, comparator, stored, reason=reason, actor=actor.name,
                              effective_from=effective, registry=data.registry())
    except targets.TargetError as exc:
        st.error(plain.md(said(exc.message)))
        return
    st.success(t("admin.target_changed"))


def targets_tab() -> None:
    """Targets in force this year, the change form and the history of changes."""
    year = st.number_input(t("filters.year"), min_value=2000, max_value=2100, value=clock.today().year, step=1,
                           key="target-year")
    st.dataframe(targets_table(int(year)), hide_index=True, width="stretch")
    target_form(int(year))
    st.subheader(t("admin.history"))
    history = admin_tables.target_history_frame(targets.history(data.engine()), kpi_titles())
    st.dataframe(history, hide_index=True, width="stretch")


def audit_filters() -> audit.AuditFilter:
    """The audit filter as chosen in the widgets: who, which actions, which days."""
    left, middle, right = st.columns(3)
    actor = left.text_input(t("admin.audit_actor"), key="audit-actor")
    actions = middle.multiselect(t("admin.audit_actions"), audit.ACTIONS, key="audit-actions",
                                 format_func=lambda a: admin_tables.word("values.audit_action", a),
                                 placeholder=t("explore.all"), select_all=False)
    days = right.date_input(t("admin.audit_days"), value=(clock.today() - timedelta(days=30), clock.today()),
                            key="audit-days")
    since, until = _day_range(days)
    return audit.AuditFilter(
        actor=actor.strip() or None, actions=tuple(actions),
        # The days are Korean calendar days; the log is kept in UTC.
        since=clock.utc_from_korea_day(since) if since else None,
        until=clock.utc_from_korea_day(until, end=True) if until else None,
    )


def audit_stem(chosen: audit.AuditFilter) -> str:
    """The export's file name without its extension: 감사기록_2026-11-01~2026-12-01 (the days shown)."""
    days = [clock.shown_day(d) for d in (chosen.since, chosen.until) if d is not None]
    return filenames.stem([t("admin.tab_audit"), "~".join(dict.fromkeys(days)), chosen.actor or ""])


def _day_range(days: object) -> tuple[date | None, date | None]:
    """(first, last) of a date_input range; while only the first day is picked, that day alone."""
    if not isinstance(days, tuple) or not days:
        return None, None
    return days[0], days[-1]


def audit_tab() -> None:
    """The audit log, filtered, and its export as shown (the export is itself recorded)."""
    chosen = audit_filters()
    frame = admin_tables.audit_frame(audit.read(data.engine(), chosen), kpi_titles())
    st.dataframe(frame, hide_index=True, width="stretch")
    left, right = st.columns(2)
    stem, sheet = audit_stem(chosen), t("admin.tab_audit")  # words read here: the XLSX is built on another thread
    left.download_button(t("explore.download_csv"), to_csv_bytes(frame), file_name=f"{stem}.csv", mime="text/csv",
                         key="audit-csv", icon=":material/download:",
                         on_click=access.audited("export", {"what": "audit_log", "format": "csv", "rows": len(frame)}))
    right.download_button(t("explore.download_xlsx"), lambda: to_xlsx_bytes(frame, sheet_name=sheet),
                          file_name=f"{stem}.xlsx", icon=":material/download:",
                          mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="audit-xlsx",
                          on_click=access.audited("export", {"what": "audit_log", "format": "xlsx", "rows": len(frame)}))


def render() -> None:
    """Draw the admins' page: accounts, targets and the audit log, one tab each."""
    access.require("admin")  # again here: render() may be called from elsewhere than pages/admin.py
    st.title(t("admin.title"))
    accounts, target_view, log = st.tabs([t("admin.tab_accounts"), t("admin.tab_targets"), t("admin.tab_audit")])
    with accounts:
        auth.accounts_admin()
    with target_view:
        targets_tab()
    with log:
        audit_tab()
