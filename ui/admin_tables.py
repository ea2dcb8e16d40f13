"""The admins' tables as people read them: headers and codes as words, targets as phrases, times in Korea time.

The core hands over its stored fields (username, roles, detail_json, comparator, ...); each table here
picks the fields it shows and names them from labels.toml ([fields.*], [values.audit_*]), so a field the
core adds later does not reach the page under its raw name.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import pandas as pd

from metrics import clock
from metrics.access import audit
from metrics.access.auth import ROLES
from ui import fmt
from ui.auth import role_name
from ui.i18n import labels, t

# The comparators of metrics.kpi.stats.COMPARATORS, named in [comparator].
COMPARATOR_NAMES = {">=": "ge", ">": "gt", "<=": "le", "<": "lt", "==": "eq"}
# Detail keys shown as plain numbers (no thousands separator): years and numbers that name things.
PLAIN_NUMBERS = ("year", "upload_id", "days")
# The order a detail reads in: what it is about first, then the change, then the circumstances.
DETAIL_ORDER = ("username", "kpi_id", "what", "kind", "filename", "sheet", "upload_id", "year", "comparator", "value",
                "old_comparator", "old_value", "effective_from", "rows", "rows_imported", "rows_held", "format",
                "source", "roles", "known", "reason", "address", "days")


def word(section: str, code: object) -> str:
    """The word for a code in `section` ([values.audit_action] ...); the code itself when it has none."""
    key = f"{section}.{code}"
    return t(key) if key in labels() else str(code)


def comparator_name(comparator: str) -> str:
    """"이상 (≥)" for ">=": the comparator in words."""
    name = COMPARATOR_NAMES.get(comparator)
    return t(f"comparator.{name}") if name else comparator


def _role_names(roles: str | Iterable[str] | None) -> str:
    items = roles.split() if isinstance(roles, str) else list(roles or ())
    order = {role: i for i, role in enumerate(ROLES)}  # as the sidebar lists them, whatever order they were stored in
    return ", ".join(role_name(r) for r in sorted(items, key=lambda r: order.get(r, len(order))))


def _named(frame: pd.DataFrame, section: str) -> pd.DataFrame:
    return frame.rename(columns=lambda c: t(f"fields.{section}.{c}"))


def accounts_frame(users: pd.DataFrame) -> pd.DataFrame:
    """auth.list_users as shown: roles and state in words, times in Korea time."""
    shown = pd.DataFrame({
        "username": users["username"],
        "roles": users["roles"].map(_role_names),
        "disabled": users["disabled"].map(lambda d: t("auth.disabled") if d else t("auth.enabled")),
        "locked_until": users["locked_until"].map(clock.shown),
        "created_at": users["created_at"].map(clock.shown),
        "last_login_at": users["last_login_at"].map(clock.shown),
    })
    return _named(shown, "account")


def target_history_frame(history: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """targets.history as shown: the KPI by its title, old and new targets as phrases, the time in Korea time."""
    records: list[Any] = list(history.itertuples(index=False))  # named tuples of the history columns
    rows = [{
        "kpi": titles.get(r.kpi_id, r.kpi_id),
        "effective_from": f"{pd.Timestamp(r.effective_from):%Y-%m-%d}",
        "target": fmt.target(r.comparator, r.value, r.unit),
        "old_target": fmt.target(r.old_comparator, r.old_value, r.unit) if r.old_comparator else "—",
        "changed_by": r.changed_by,
        "changed_at": clock.shown(r.changed_at),
        "reason": r.reason,
    } for r in records]
    columns = ["kpi", "effective_from", "target", "old_target", "changed_by", "changed_at", "reason"]
    return _named(pd.DataFrame(rows, columns=columns), "target_history")


def audit_frame(log: pd.DataFrame, titles: dict[str, str]) -> pd.DataFrame:
    """The audit log as shown and exported: the action in words, the detail as a sentence, Korea time."""
    shown = pd.DataFrame({
        "id": log["id"],
        "at": log["at"].map(clock.shown).astype("str"),
        "actor": log["actor"],
        "action": log["action"].map(lambda a: word("values.audit_action", a)).astype("str"),
        "detail": [detail_text(a, d, titles) for a, d in zip(log["action"], log["detail"], strict=True)],
    })
    return _named(shown, "audit")


def detail_text(action: str, detail_json: str, titles: dict[str, str]) -> str:
    """An audit detail as one readable line: "파일: a.xlsx · 자료 종류: 처리기한 업무 · 가져온 행: 1,204"."""
    try:
        detail = json.loads(detail_json) if detail_json else {}
    except ValueError:
        return str(detail_json)
    unit = detail.pop("unit", None)
    parts = [f"{word('values.audit_detail', key)}: {_detail_value(action, key, value, unit, titles)}"
             for key, value in sorted(detail.items(), key=lambda kv: _place(kv[0]))]
    return " · ".join(parts)


def _place(key: str) -> int:
    return DETAIL_ORDER.index(key) if key in DETAIL_ORDER else len(DETAIL_ORDER)


def _detail_value(action: str, key: str, value: Any, unit: str | None, titles: dict[str, str]) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return t("values.flag.yes") if value else t("values.flag.no")
    if key == "roles":
        return _role_names(value)
    if key in ("value", "old_value") and unit and isinstance(value, int | float):
        return fmt.value(value, unit)
    if isinstance(value, int | float):
        return str(value) if key in PLAIN_NUMBERS else f"{value:,}"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return _coded_word(action, key, str(value), titles)


def _coded_word(action: str, key: str, value: str, titles: dict[str, str]) -> str:
    if key == "kind":
        return word("values.kind", value)
    if key == "kpi_id":
        return titles.get(value, value)
    if key in ("comparator", "old_comparator"):
        return comparator_name(value)
    if key == "source" or (key == "reason" and action in audit.CODED_REASON_ACTIONS):
        return word(f"values.audit_{key}", value)
    if key == "what":
        return what_words(value)
    if key == "address":
        return word("values.audit_address", value)  # "unknown" in words; an address as it is
    return value


# A filter recorded with an export (metrics.explore.Filters.describe, ui.explore), named as the explorer's widget
# names it, and the section naming its values (None: values as they are, years and dates).
FILTER_WORDS = {"years": ("explore.years", None), "courses": ("explore.courses", None),
                "date_from": ("explore.date_from", None), "date_to": ("explore.date_to", None),
                "timeliness": ("explore.timeliness", "values.timeliness"), "state": ("explore.states", "values.row_state")}


def what_words(value: str) -> str:
    """What was exported, in words: "cases [years=2025; types=cert_review]" -> "처리기한 업무 (연도: 2025; 업무 구분: …)"."""
    head, bracket, rest = value.partition(" [")
    named = next((f"{s}.{head}" for s in ("values.audit_what", "values.kind") if f"{s}.{head}" in labels()), None)
    shown = t(named) if named else head
    if not bracket:
        return shown
    parts = [_filter_words(head, *part.partition("=")[::2]) for part in rest.rstrip("]").split("; ") if part]
    return f"{shown} ({'; '.join(parts)})"


def _filter_words(dataset: str, name: str, values: str) -> str:
    from metrics import explore  # the datasets' type columns (case_type, event_type)

    if name == "types":
        column = next((d.type_column for d in explore.datasets() if d.name == dataset and d.type_column), None)
        label, section = (f"explore.{column}", f"values.{column}") if column else ("explore.types", None)
    else:
        label, section = FILTER_WORDS.get(name, (f"explore.{name}", None))
    items = values.split(",")
    words = ", ".join(word(section, v) for v in items) if section else ", ".join(items)
    return f"{t(label) if label in labels() else name}: {words}"
