"""The admins' page: accounts, KPI targets (with their history), and the audit log."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from metrics.access import audit
from metrics.explore.export import to_csv_bytes, to_xlsx_bytes
from metrics.kpi import targets
from metrics.kpi.scorecard import format_value
from metrics.kpi.stats import COMPARATORS
from ui import access, auth, data, plain
from ui.i18n import pick, said, t


def targets_table(year: int) -> pd.DataFrame:
    """Every KPI with its registry default and the target in force for `year`."""
    in_force = targets.targets_in_force(data.engine(), year, data.registry())
    rows = []
    for kpi in data.registry():
        now = in_force.get(kpi.id)
        rows.append({
            "kpi": kpi.id, t("admin.kpi"): pick(kpi.title_ko, kpi.title_en),
            t("admin.default_target"): _shown(kpi.target),
            t("admin.in_force", year=year): _shown(now),
        })
    return pd.DataFrame(rows)


def _shown(target) -> str:
    return "—" if target is None else f"{target.comparator} {format_value(target.value, target.unit)}"


def shown_value(target) -> float:
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
                          format_func=lambda i: f"{i} · {pick(kpis[i].title_ko, kpis[i].title_en)}")
    current = targets.targets_in_force(data.engine(), year, data.registry()).get(kpi_id)
    comparators = list(COMPARATORS)
    fresh = f"{kpi_id}-{year}-{targets.targets_version(data.engine())}"
    with st.form("target-change", clear_on_submit=True):
        left, right = st.columns(2)
        comparator = left.selectbox(t("admin.comparator"), comparators, key=f"target-cmp-{fresh}",
                                    index=comparators.index(current.comparator) if current else 0)
        value = right.number_input(t("admin.target_value"), min_value=0.0, value=shown_value(current),
                                   key=f"target-value-{fresh}")
        effective = st.date_input(t("admin.effective_from"), value=date.today(), key="target-from")
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
    year = st.number_input(t("filters.year"), min_value=2000, max_value=2100, value=date.today().year, step=1,
                           key="target-year")
    st.dataframe(targets_table(int(year)), hide_index=True, width="stretch")
    target_form(int(year))
    st.subheader(t("admin.history"))
    st.dataframe(targets.history(data.engine()), hide_index=True, width="stretch")


def audit_filters() -> audit.AuditFilter:
    """The audit filter as chosen in the widgets: who, which actions, which days."""
    left, middle, right = st.columns(3)
    actor = left.text_input(t("admin.audit_actor"), key="audit-actor")
    actions = middle.multiselect(t("admin.audit_actions"), audit.ACTIONS, key="audit-actions")
    days = right.date_input(t("admin.audit_days"), value=(date.today() - timedelta(days=30), date.today()),
                            key="audit-days")
    since, until = _day_range(days)
    return audit.AuditFilter(
        actor=actor.strip() or None, actions=tuple(actions),
        since=datetime.combine(since, time.min) if since else None,
        until=datetime.combine(until, time.max) if until else None,
    )


def _day_range(days) -> tuple[date | None, date | None]:
    """(first, last) of a date_input range; while only the first day is picked, that day alone."""
    if not isinstance(days, tuple) or not days:
        return None, None
    return days[0], days[-1]


def audit_tab() -> None:
    """The audit log, filtered, and its export (the export is itself recorded)."""
    frame = audit.read(data.engine(), audit_filters())
    st.dataframe(frame, hide_index=True, width="stretch")
    left, right = st.columns(2)
    stem = f"audit-{date.today():%Y%m%d}"
    left.download_button("CSV", to_csv_bytes(frame), file_name=f"{stem}.csv", mime="text/csv", key="audit-csv",
                         on_click=access.audited("export", {"what": "audit_log", "format": "csv", "rows": len(frame)}))
    right.download_button("XLSX", lambda: to_xlsx_bytes(frame, sheet_name="audit"), file_name=f"{stem}.xlsx",
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
