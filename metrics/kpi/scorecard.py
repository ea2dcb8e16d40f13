"""The scorecard: every KPI of the registry measured for one year and judged against its target.

Status is one of: met, not_met (a finished year, or a current-year share or mean to date),
on_track, at_risk (a count target of the running year, judged on its year-end projection),
scheduled (a yearly event of the running year not held yet, while the latest date on which an earlier
year held it has not passed),
tracked (no target), no_data (no upload of the source kind covers the year, or nothing to measure).
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from metrics import clock
from metrics.contract import load_contract
from metrics.kpi.clauses import clause_rows
from metrics.kpi.measures.base import MeasureResult, Period, filter_rows
from metrics.kpi.notes import Note, NoteCode
from metrics.kpi.registry import Kpi, Registry, load_registry
from metrics.kpi.stats import SMALL_SAMPLE, compare, interval_conclusive, paced_projection
from metrics.kpi.targets import registry_for_year
from metrics.store.frames import YearFrames, default_year, load_year_frames

STATUSES = ("met", "not_met", "on_track", "at_risk", "scheduled", "tracked", "no_data")


@dataclass(frozen=True)
class KpiResult:
    """One KPI's line on the scorecard; shares are fractions 0-1 (unit 'share'); notes carry stable codes."""

    id: str
    area: str
    area_id: str
    title_ko: str
    title_en: str
    year: int
    value: float | None
    unit: str
    target: float | None
    comparator: str | None
    status: str
    conclusive: bool | None  # None when there is no verdict to be sure of (tracked, paced, no data)
    n: int
    ci_low: float | None
    ci_high: float | None
    ytd: bool
    projection: float | None
    # The band of the projection: lowest and highest of the year ends each earlier year's own pace gives
    # (None without a projection, or with too few earlier years: extra["band_years"] says how many).
    projection_low: float | None
    projection_high: float | None
    numerator: float | None
    denominator: float | None
    pending: int | None
    notes: tuple[Note, ...]
    small_sample: bool
    source: str
    measure: str
    clause: str  # the charter clause id, e.g. "II.1.a"
    definition_ko: str
    definition_en: str
    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    own_target: bool = False  # the target is the association's own, the charter gives no number

    clause_label: str = ""  # the clause as the charter numbers it, e.g. Ⅱ.1.가
    quote: str = ""  # the charter's own sentence of the clause

    @property
    def note(self) -> str:
        """The notes as one readable line, "ko / en; ko / en" (the scorecard's public `note` field)."""
        return "; ".join(str(n) for n in self.notes)


def compute_scorecard(
    engine: Engine, year: int | None = None, *, today: date | None = None, registry: Registry | None = None
) -> list[KpiResult]:
    """Read the year's rows from the store and compute every KPI (default year: latest with data)."""
    registry = registry or load_registry()
    today = today or clock.today()
    year = year or default_year(engine, today)
    registry = registry_for_year(engine, year, registry)  # the targets in force that year
    frames = load_year_frames(engine, year, registry.kinds(), today=today)
    return compute_from_frames(frames, year, today, registry)


def compute_from_frames(
    frames: YearFrames, year: int | None = None, today: date | None = None, registry: Registry | None = None
) -> list[KpiResult]:
    """Every KPI of `registry` from frames already in memory (the warm path, and tests)."""
    registry = registry or load_registry()
    period = Period(year or frames.year, today or clock.today())
    return [evaluate_kpi(kpi, frames, period) for kpi in registry]


def type_label(column: str, value: str) -> str:
    """The Korean label of a case or event type (its first label in contract.toml)."""
    labels = load_contract().enums.get(column, {}).get(value, ())
    return labels[0] if labels else value


def evaluate_kpi(kpi: Kpi, frames: YearFrames, period: Period) -> KpiResult:
    """Measure one KPI on the year's frames and judge it."""
    missing = [k for k in kpi.kinds_needed() if not frames.covers(k)]
    if missing:
        notes = [_missing_upload_note(kind, period.year) for kind in missing]
        return _result(kpi, period, MeasureResult(value=None), "no_data", None, None, notes, {"missing_kinds": missing})
    rows = filter_rows(frames.frame(kpi.source), kpi.filter)
    measured = kpi.spec.fn(rows, kpi.params, period, frames.data)
    notes = list(measured.notes)
    if measured.value is None:
        if rows.empty:
            label = ", ".join(type_label(c, v) for c, values in kpi.filter.items() for v in values) or kpi.source
            notes.insert(0, Note(NoteCode.NO_CASES_OF_TYPE, f"해당 연도 {label} 0건", "no cases of this type in the year"))
        elif measured.pending:
            notes.insert(0, Note(NoteCode.ALL_PENDING, "모두 처리 중", f"all {measured.pending} still pending"))
        return _result(kpi, period, measured, "no_data", None, None, notes, {})
    return _judged(kpi, frames, period, measured, notes)


def _missing_upload_note(kind: str, year: int) -> Note:
    spec = load_contract().kinds.get(kind)
    ko, en = (spec.ko, spec.en) if spec else (kind, kind)
    return Note(NoteCode.MISSING_UPLOAD, f"{ko} 업로드 없음 ({year})", f"no {en} upload covers {year}")


def _judged(kpi: Kpi, frames: YearFrames, period: Period, measured: MeasureResult, notes: list[Note]) -> KpiResult:
    value = measured.value
    assert value is not None  # evaluate_kpi judges only what was measured
    target = kpi.target
    extra: dict[str, Any] = {}
    projection: float | None = None
    band: tuple[float | None, float | None] = (None, None)
    conclusive: bool | None
    if target is None:
        status, conclusive = "tracked", None
    elif kpi.spec.paced and period.is_current:
        proj = paced_projection(value, _history_for(kpi, frames), period.today)
        projection, band = proj.value, (proj.low, proj.high)
        if target.comparator in (">=", ">") and compare(value, target.comparator, target.value):
            status = "met"  # a yearly count already reached cannot be lost before the year ends
        else:
            status = "on_track" if compare(proj.value, target.comparator, target.value) else "at_risk"
        conclusive = None
        extra = {"projection_method": proj.method, "reached_share": proj.reached_share, "history_years": list(proj.history_years),
                 "band_years": proj.band_years}
        due = _usual_last_day(kpi, frames, period) if status != "met" and value == 0 else None
        if due is not None:
            # Not held yet, but earlier years held it as late as `due`: scheduled, not a projection of 0.
            status, projection, band = "scheduled", None, (None, None)
            extra["usual_last_day"] = due.isoformat()
            notes.append(Note(
                NoteCode.NOT_YET_DUE, f"예정: 예년에는 늦게는 {due.month}월 {due.day}일에 개최 (그 날이 지나도록 없으면 달성 위험)",
                f"scheduled: earlier years held it as late as {due:%d %B}; at risk if not held by then",
            ))
        else:
            notes.append(_projection_note(proj.method, proj.value, proj.low, proj.high, proj.band_years))
    else:
        status = "met" if compare(value, target.comparator, target.value) else "not_met"
        conclusive = interval_conclusive(measured.ci, target.comparator, target.value) if kpi.spec.sample else True
    if kpi.spec.sample and measured.n < SMALL_SAMPLE:
        notes.append(Note(
            NoteCode.SMALL_SAMPLE, f"표본 {measured.n}건(30건 미만)", f"small sample: {measured.n} responses (under 30)"
        ))
    if period.is_current:
        notes.append(Note(NoteCode.YEAR_TO_DATE, f"{period.as_of:%Y-%m-%d}까지", "year to date"))
    return _result(kpi, period, measured, status, conclusive, projection, notes, extra, band)


# How each projection method is said, in Korean and English.
PROJECTION_METHODS = {
    "history": ("예년 같은 날까지의 달성 비율로 연말 추정", "projected from the share earlier years had reached by this day"),
    "history_additive": ("예년에는 이 날 이후에 실적 발생: 예년 평균을 더해 추정", "earlier years had nothing by this day: their mean added"),
    "linear": ("과거 자료 없음: 경과 일수 비례 추정", "no history: projected linearly"),
}


def _projection_note(method: str, value: float, low: float | None = None, high: float | None = None,
                     band_years: int = 0) -> Note:
    ko, en = PROJECTION_METHODS[method]
    if low is not None and high is not None:
        band_ko, band_en = f" (예년 속도별 범위 {low:,.1f}~{high:,.1f})", f" (range by earlier years' pace {low:,.1f}–{high:,.1f})"
    else:  # said, not left out: a missing range must not read as a sure projection (0 or 1 earlier year)
        band_ko = f" (범위 없음: 예년 자료 {band_years}년뿐)" if band_years else " (범위 없음: 예년 자료 없음)"
        band_en = f" (no range: only {band_years} earlier year)" if band_years else " (no range: no earlier years)"
    return Note(NoteCode.PROJECTED, f"연말 추정 {value:,.1f}{band_ko} — {ko}", f"year-end projection {value:,.1f}{band_en} — {en}")


def _usual_last_day(kpi: Kpi, frames: YearFrames, period: Period) -> date | None:
    """For an event KPI: this year's date of the latest month-day on which an earlier year held the
    event, when today has not passed it; None otherwise (no history, or the day has passed)."""
    if kpi.source != "events":
        return None
    history = _history_for(kpi, frames)
    if history is None or history.empty:
        return None
    held = pd.to_datetime(history.loc[history["n"] > 0, "date"]).dropna()
    if held.empty:
        return None
    latest = int((held.dt.month * 100 + held.dt.day).max())
    month, day = divmod(latest, 100)
    if period.today.month * 100 + period.today.day > latest:
        return None
    return date(period.year, month, min(day, 28) if (month, day) == (2, 29) else day)


def _history_for(kpi: Kpi, frames: YearFrames) -> pd.DataFrame | None:
    """Earlier years' (year, key, date, n) of the KPI's rows; a year with data of the kind but none of
    the KPI's type (an event not held that year) stays in as one row of n = 0."""
    history = frames.history.get(kpi.source)
    if history is None or history.empty:
        return None
    every_year = history["year"].unique()
    for values in kpi.filter.values():
        history = history[history["key"].isin(values)]
    missing = sorted(set(every_year) - set(history["year"]))
    if missing:
        zeros = pd.DataFrame({"year": missing, "key": "", "date": pd.NaT, "n": 0})
        history = pd.concat([history, zeros.astype({"date": history["date"].dtype})], ignore_index=True)
    return history


def _result(
    kpi: Kpi, period: Period, m: MeasureResult, status: str, conclusive: bool | None, projection: float | None,
    notes: list[Note], extra: dict[str, Any],
    band: tuple[float | None, float | None] = (None, None),
) -> KpiResult:
    target = kpi.target
    ci = m.ci if m.value is not None else None
    return KpiResult(
        id=kpi.id, area=kpi.area, area_id=kpi.area_id, title_ko=kpi.title_ko, title_en=kpi.title_en,
        year=period.year, value=m.value, unit=kpi.unit,
        target=None if target is None else target.value, comparator=None if target is None else target.comparator,
        status=status, conclusive=conclusive, n=int(m.n),
        ci_low=None if ci is None else float(ci[0]), ci_high=None if ci is None else float(ci[1]),
        ytd=period.is_current, projection=projection, projection_low=band[0], projection_high=band[1],
        numerator=m.numerator, denominator=m.denominator, pending=m.pending,
        notes=tuple(notes), small_sample=bool(kpi.spec.sample and m.value is not None and m.n < SMALL_SAMPLE),
        source=kpi.source, measure=kpi.measure, clause=kpi.clause, clause_label=kpi.clause_label, quote=kpi.quote,
        definition_ko=kpi.definition_ko, definition_en=kpi.definition_en,
        extra={**m.extra, **extra}, own_target=kpi.own_target,
    )


# The summary line's categories, in the order it says them: every status once, with "met" split by
# whether the verdict is settled (a sample whose interval reaches across the target, or has none).
SUMMARY_CATEGORIES = ("met", "met_inconclusive", "on_track", "scheduled", "at_risk", "not_met", "tracked", "no_data")


def summary_category(result: KpiResult) -> str:
    """The summary line's category of one result: its status, or met_inconclusive for an unsettled met."""
    if result.status == "met" and result.conclusive is False:
        return "met_inconclusive"
    return result.status


def summary_counts(results: list[KpiResult]) -> dict[str, int]:
    """Promises per summary category, every category named; they add up to len(results)."""
    counts = dict.fromkeys(SUMMARY_CATEGORIES, 0)
    for result in results:
        counts[summary_category(result)] += 1
    return counts


def _plain(value: Any) -> Any:
    """JSON-friendly: numpy scalars to Python, NaN to None."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def result_to_dict(result: KpiResult) -> dict[str, Any]:
    """A KpiResult as a plain dict, ready for JSON: `note` to read, `notes` with codes to act on."""
    plain: dict[str, Any] = _plain({**asdict(result), "note": result.note})
    return plain


def scorecard_json(results: list[KpiResult], registry: Registry | None = None) -> str:
    """The scorecard as JSON (UTF-8 Korean kept readable): {"kpis": [...], "clauses": [...]}.

    `clauses` lists every clause of the charter's catalogue with its KPIs and a status (clause_status), so a
    promise nothing measures yet is there as not_tracked.
    """
    registry = registry or load_registry()
    payload = {"kpis": [result_to_dict(r) for r in results], "clauses": clause_rows(results, registry)}
    return json.dumps(payload, ensure_ascii=False, indent=2)


def format_number(value: float | None, unit: str) -> str:
    """The bare number of a value in its unit: 98.5%, 3,120, 7.82, 12.5 (days); '–' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "share":
        return f"{value * 100:.1f}%"
    if unit == "count":
        return f"{value:,.0f}"
    if unit == "days":
        return f"{value:,.1f}".removesuffix(".0")
    return f"{value:.2f}"


def format_value(value: float | None, unit: str) -> str:
    """The number with its Korean unit where one is needed (12일); the pages add words per language."""
    shown = format_number(value, unit)
    return f"{shown}일" if unit == "days" and shown != "–" else shown
