"""What the report says, gathered once from the core; the renderers only lay it out.

Every number is the scorecard's (compute_scorecard for the year, the year before and each earlier
year of the trend), every case state is judge_cases' (through stories_cases.case_list), every checklist row that
missed is the area page's (the measure's details, metrics.report.misses), every target change is targets.history's.
Nothing here measures a KPI.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from metrics import clock
from metrics.kpi import checkins, targets
from metrics.kpi.checkins import Checkin
from metrics.kpi.details.cases import case_list
from metrics.kpi.registry import Kpi, Registry, Target, load_registry
from metrics.kpi.scorecard import KpiResult, compute_scorecard, format_number
from metrics.report.change import ChangeTest, change_test
from metrics.report.misses import Misses, checklist_misses, lists_misses
from metrics.report.sources import UploadLine, year_sources
from metrics.store.frames import YearFrames, data_years, load_year_frames

# The cases a deadline KPI's section lists, and the columns it shows.
CASE_STATES = ("late", "overdue", "pending")
CASE_COLUMNS = ("ref", "title", "received", "done_on", "deadline", "days_over", "state")
TREND_YEARS = 10  # the trend chart shows at most this many years, the report's year last
# The order statuses are listed in, as on the scorecard page (ui/theme.py STATUS_ORDER).
STATUS_ORDER = ("met", "on_track", "scheduled", "at_risk", "not_met", "tracked", "no_data")


@dataclass(frozen=True)
class TrendPoint:
    """One year of a KPI's trend: its value and the target it was judged by that year."""

    year: int
    value: float | None
    target: float | None
    status: str


@dataclass(frozen=True)
class TargetChangeLine:
    """A change of target that took effect during the report's year."""

    effective_from: date
    comparator: str
    value: float
    old_comparator: str | None
    old_value: float | None
    changed_by: str
    reason: str


@dataclass(frozen=True)
class KpiSection:
    """One promise in the report: the scorecard's result and what the report adds around it."""

    kpi: Kpi
    result: KpiResult
    previous: KpiResult | None
    test: ChangeTest | None  # survey KPIs only
    trend: tuple[TrendPoint, ...]
    target_changes: tuple[TargetChangeLine, ...]
    cases: pd.DataFrame | None  # deadline KPIs only: late, overdue and pending cases
    notes: tuple[Checkin, ...] = ()  # the notes on this promise for the year (metrics.kpi.checkins), oldest first
    misses: Misses | None = None  # checklist KPIs with a row that missed: those rows, the first few

    @property
    def change(self) -> float | None:
        """This year's value minus the previous year's (None when either is missing)."""
        return change_between(self.result, self.previous)

    @property
    def is_deadline(self) -> bool:
        """True for a deadline KPI, whose late and pending cases the report lists."""
        return self.cases is not None


def change_between(result: KpiResult, previous: KpiResult | None) -> float | None:
    """A KPI's value minus its value of the previous year (None when either is missing): the report's
    change column and the scorecard card's line say the same."""
    if previous is None or previous.value is None or result.value is None:
        return None
    return result.value - previous.value


@dataclass(frozen=True)
class AreaPart:
    """A charter area and its promises, in the registry's order."""

    id: str
    ko: str
    en: str
    sections: tuple[KpiSection, ...]


@dataclass(frozen=True)
class Report:
    """The yearly report: cover facts, every promise by area, and the uploads behind the numbers."""

    year: int
    today: date
    made_at: datetime
    data_as_of: datetime | None
    areas: tuple[AreaPart, ...]
    uploads: tuple[UploadLine, ...]
    last_uploads: tuple[UploadLine, ...]

    @property
    def sections(self) -> list[KpiSection]:
        """Every promise in the charter's order."""
        return [s for area in self.areas for s in area.sections]

    @property
    def results(self) -> list[KpiResult]:
        """The scorecard's results in the charter's order."""
        return [s.result for s in self.sections]

    @property
    def counts(self) -> dict[str, int]:
        """Promises per status, every status named (they add up to the number of promises)."""
        found = Counter(r.status for r in self.results)
        return {status: found[status] for status in STATUS_ORDER}

    @property
    def ytd(self) -> bool:
        """True while the report's year is still running."""
        return self.year == self.today.year


def build_report(
    engine: Engine, year: int, *, today: date | None = None, made_at: datetime | None = None,
    registry: Registry | None = None,
) -> Report:
    """Ask the core everything the report of `year` shows."""
    registry = registry or load_registry()
    today = today or clock.today()
    years = sorted({y for y in data_years(engine) if y < year} | {year - 1})[-(TREND_YEARS - 1):] + [year]
    cards = {y: {r.id: r for r in compute_scorecard(engine, y, today=today, registry=registry)} for y in years}
    kpis = targets.registry_for_year(engine, year, registry)  # each KPI with the target judged by this year
    deadline = [kpi for kpi in kpis if _lists_cases(kpi)]
    checklists = [kpi for kpi in kpis if lists_misses(kpi)]
    frames = load_year_frames(engine, year, {kpi.source for kpi in deadline + checklists}, today=today, detail=True)
    cases = _deadline_cases(deadline, frames, today)
    misses = {kpi.id: found for kpi in checklists if (found := checklist_misses(kpi, frames, today)) is not None}
    changes = _target_changes(engine, year)
    notes: dict[str, list[Checkin]] = {}
    for note in reversed(checkins.notes(engine, year)):  # oldest first, as a record reads
        notes.setdefault(note.kpi_id, []).append(note)
    areas = []
    for area in registry.areas:
        sections = tuple(
            _section(kpi, year, years, cards, changes.get(kpi.id, ()), cases.get(kpi.id), tuple(notes.get(kpi.id, ())),
                     misses.get(kpi.id))
            for kpi in kpis if kpi.area_id == area.id
        )
        if sections:
            areas.append(AreaPart(area.id, area.ko, area.en, sections))
    uploads, last, newest = year_sources(engine, year)
    return Report(year, today, made_at or clock.utc_now(), newest, tuple(areas), uploads, last)


def _section(
    kpi: Kpi, year: int, years: list[int], cards: dict[int, dict[str, KpiResult]], changes: tuple[TargetChangeLine, ...],
    cases: pd.DataFrame | None, notes: tuple[Checkin, ...], misses: Misses | None,
) -> KpiSection:
    result = cards[year][kpi.id]
    previous = cards[year - 1].get(kpi.id)
    trend = tuple(
        TrendPoint(y, cards[y][kpi.id].value, cards[y][kpi.id].target, cards[y][kpi.id].status)
        for y in years if kpi.id in cards[y] and (y == year or cards[y][kpi.id].status != "no_data")
    )
    return KpiSection(kpi, result, previous, change_test(result, previous), trend, changes, cases, notes, misses)


def _lists_cases(kpi: Kpi) -> bool:
    """A KPI whose measure lists the cases it judged late (its page's `late_cases` view; a checklist's missed rows
    are no late cases: metrics.report.misses)."""
    return (kpi.spec.judge is not None and kpi.spec.details.cases is not None
            and "late_cases" in kpi.spec.details.distribution_views)


def _deadline_cases(deadline: list[Kpi], frames: YearFrames, today: date) -> dict[str, pd.DataFrame]:
    """Each deadline KPI's late, overdue and pending cases, as judge_cases judges them (via stories_cases.case_list)."""
    out = {}
    for kpi in deadline:
        listed = case_list(kpi, frames, today, states=CASE_STATES)
        # Every column the report draws: a suggestion or a remedy has no title (blank there).
        out[kpi.id] = listed.reindex(columns=list(CASE_COLUMNS)).reset_index(drop=True)
    return out


def retitled(title: str, charter: Target | None, target: float | None, unit: str) -> str:
    """A KPI's title with the charter's target figure in it replaced by the target in force ("연간 3,000명 이상
    인재양성" judged by 3,500 reads "연간 3,500명 이상 인재양성"); the title as it is when the figure is not in it."""
    if charter is None or target is None or charter.value == target:
        return title
    for old, new in _figures(charter.value, target, unit):
        if old in title:
            return title.replace(old, new, 1)
    return title


def _figures(old: float, new: float, unit: str) -> list[tuple[str, str]]:
    """How a target figure may be written in a title, most specific first: 3,000 / 3000, 80% / 80.0%, 7.5."""
    if unit == "share":
        return [(f"{old * 100:g}%", f"{new * 100:g}%"), (format_number(old, unit), format_number(new, unit))]
    return [(f"{old:,g}", f"{new:,g}"), (f"{old:g}", f"{new:g}")]


def target_changes_during(engine: Engine, year: int) -> dict[str, tuple[TargetChangeLine, ...]]:
    """Target changes that took effect during `year`, per KPI (what the report and the cards mark)."""
    return _target_changes(engine, year)


def _target_changes(engine: Engine, year: int) -> dict[str, tuple[TargetChangeLine, ...]]:
    """Target changes that took effect during `year`, per KPI, in the order they took effect."""
    history = targets.history(engine)
    if history.empty:
        return {}
    effective = pd.to_datetime(history["effective_from"]).dt.date
    within = history[(effective >= date(year, 1, 1)) & (effective <= date(year, 12, 31))]
    out: dict[str, list[TargetChangeLine]] = {}
    row: Any  # a record of the target history: its cells are untyped
    for row in within.sort_values(["effective_from", "changed_at"]).itertuples():
        out.setdefault(row.kpi_id, []).append(TargetChangeLine(
            pd.Timestamp(row.effective_from).date(), row.comparator, float(row.value), row.old_comparator,
            None if pd.isna(row.old_value) else float(row.old_value), row.changed_by, row.reason,
        ))
    return {k: tuple(v) for k, v in out.items()}
