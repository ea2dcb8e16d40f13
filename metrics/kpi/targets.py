"""KPI targets changed by admins, with their history: who, when, old and new, why, and from when.

registry.toml holds the default target of each KPI. A change made here takes effect from its
`effective_from` date; a year's scorecard uses, for each KPI, the latest change effective on or
before 31 December of that year, so last year's report keeps last year's promise.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, func, select

from metrics import clock
from metrics.access import audit
from metrics.access.tables import ensure_tables, target_changes
from metrics.kpi.registry import Registry, Target, load_registry
from metrics.kpi.stats import COMPARATORS
from metrics.messages import CharterError
from metrics.store import database


class TargetError(CharterError, ValueError):
    """A target change was refused; the message says why, in Korean and English."""


@dataclass(frozen=True)
class TargetChange:
    """One recorded change of a KPI's target."""

    kpi_id: str
    target: Target
    old: Target | None
    effective_from: date
    changed_at: datetime
    changed_by: str
    reason: str


def change_target(engine: Engine, kpi_id: str, comparator: str, value: float, *, reason: str, actor: str,
                  effective_from: date | None = None, now: datetime | None = None,
                  registry: Registry | None = None) -> TargetChange:
    """Record a new target for a KPI (and its audit entry, in one transaction); TargetError if invalid."""
    ensure_tables(engine)
    registry = registry or load_registry()
    now = now or clock.utc_now()
    effective_from = effective_from or clock.korea_time(now).date()  # the day in Korea
    target = _checked(registry, kpi_id, comparator, value, reason)
    old = _in_force_on(engine, kpi_id, effective_from, registry)
    with database.writing(engine) as conn:
        conn.execute(target_changes.insert().values(
            kpi_id=kpi_id, comparator=target.comparator, value=target.value, unit=target.unit,
            old_comparator=old.comparator if old else None, old_value=old.value if old else None,
            effective_from=effective_from, changed_at=now, changed_by=actor, reason=reason.strip(),
        ))
        audit.record_in(conn, actor, "target_change", {
            "kpi_id": kpi_id, "comparator": target.comparator, "value": target.value, "unit": target.unit,
            "old_comparator": old.comparator if old else None, "old_value": old.value if old else None,
            "effective_from": effective_from.isoformat(), "reason": reason.strip(),
        }, now=now)
    return TargetChange(kpi_id, target, old, effective_from, now, actor, reason.strip())


def _checked(registry: Registry, kpi_id: str, comparator: str, value: float, reason: str) -> Target:
    """The new Target, or TargetError naming what is wrong."""
    try:
        kpi = registry.get(kpi_id)
    except KeyError as exc:
        raise TargetError("없는 지표입니다", f"unknown KPI {kpi_id!r}") from exc
    if not (reason or "").strip():
        raise TargetError("변경 사유를 적어 주세요", "a reason is required for every target change")
    if comparator not in COMPARATORS:
        raise TargetError(f"비교 기호는 {', '.join(COMPARATORS)} 중 하나", f"comparator must be one of {', '.join(COMPARATORS)}")
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise TargetError("목표값은 숫자여야 합니다", "the target value must be a number")
    if kpi.unit == "share" and not 0 <= value <= 1:
        raise TargetError("비율은 0~1로 적습니다 (80% = 0.8)", "a share is written 0-1 (80% = 0.8)")
    if value < 0:
        raise TargetError("목표값은 0 이상", "the target value cannot be negative")
    return Target(comparator, float(value), kpi.unit)


def targets_in_force(engine: Engine, year: int, registry: Registry | None = None) -> dict[str, Target]:
    """Each KPI's target for `year`: the latest change effective by 31 December, else the registry's."""
    registry = registry or load_registry()
    return _in_force(engine, date(year, 12, 31), registry)


def _in_force_on(engine: Engine, kpi_id: str, day: date, registry: Registry) -> Target | None:
    return _in_force(engine, day, registry).get(kpi_id)


def _in_force(engine: Engine, day: date, registry: Registry) -> dict[str, Target]:
    ensure_tables(engine)
    out = {kpi.id: kpi.target for kpi in registry if kpi.target is not None}
    c = target_changes.c
    # Latest effective date wins; between changes on the same date, the one recorded last.
    query = select(c.kpi_id, c.comparator, c.value, c.unit).where(c.effective_from <= day).order_by(
        c.effective_from, c.changed_at, c.id
    )
    with engine.connect() as conn:
        for row in conn.execute(query):
            out[row.kpi_id] = Target(row.comparator, float(row.value), row.unit)
    return out


def apply_targets(registry: Registry, overrides: dict[str, Target]) -> Registry:
    """A copy of `registry` whose KPIs carry the given targets (KPIs not named keep theirs)."""
    kpis = tuple(
        dataclasses.replace(kpi, target=overrides[kpi.id]) if kpi.id in overrides else kpi for kpi in registry
    )
    return dataclasses.replace(registry, kpis=kpis)


def registry_for_year(engine: Engine, year: int, registry: Registry | None = None) -> Registry:
    """The registry with each KPI carrying the target in force in `year` (what the scorecard judges by)."""
    registry = registry or load_registry()
    return apply_targets(registry, targets_in_force(engine, year, registry))


def history(engine: Engine, kpi_id: str | None = None) -> pd.DataFrame:
    """Recorded changes, newest first (one KPI's or all): effective date, new and old target, who, when, why."""
    ensure_tables(engine)
    c = target_changes.c
    query = select(
        c.kpi_id, c.effective_from, c.comparator, c.value, c.unit, c.old_comparator, c.old_value,
        c.changed_by, c.changed_at, c.reason,
    ).order_by(c.changed_at.desc(), c.id.desc())
    if kpi_id:
        query = query.where(c.kpi_id == kpi_id)
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=[col.name for col in query.selected_columns])


def targets_version(engine: Engine) -> int:
    """A marker that changes with every target change: add it to scorecard cache keys."""
    ensure_tables(engine)
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(target_changes)).scalar_one())
