"""Backtest of the paced projection: what the scorecard would have said on a day of a past year, against its year end.

Each point is the scorecard's own verdict (`scorecard.evaluate_kpi`, so `stats.paced_projection`) on the
year's frames seen from that day: the measures count only what had happened by then, and the history is
the earlier years', as it was while the year ran. Nothing here projects on its own.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from metrics import clock
from metrics.kpi.measures.base import Period
from metrics.kpi.registry import Kpi, Registry, load_registry
from metrics.kpi.scorecard import evaluate_kpi, format_number
from metrics.kpi.targets import registry_for_year
from metrics.store.frames import YearFrames, data_years, load_year_frames

DAYS = ((3, 31), (6, 30), (9, 30))  # month, day: the end of each of the first three quarters


@dataclass(frozen=True)
class BacktestPoint:
    """One paced KPI of one past year as the scorecard saw it on `day`, and the year's real end."""

    kpi: str
    year: int
    day: date
    so_far: float | None
    projection: float | None
    low: float | None
    high: float | None
    band_years: int
    method: str | None
    status: str
    year_end: float | None

    @property
    def inside(self) -> bool | None:
        """Whether the year end fell within the range (ends included); None without a range or a projection."""
        if self.low is None or self.high is None or self.year_end is None:
            return None
        return self.low <= self.year_end <= self.high

    @property
    def error(self) -> float | None:
        """(projection − year end) / year end; None without a projection or with a year end of 0."""
        if self.projection is None or not self.year_end:
            return None
        return (self.projection - self.year_end) / self.year_end


def backtest_kpi(kpi: Kpi, frames: YearFrames, days: Iterable[date]) -> list[BacktestPoint]:
    """The KPI judged on each day of `frames.year` (frames holding the whole year and the earlier years' history)."""
    end = evaluate_kpi(kpi, frames, Period(frames.year, date(frames.year + 1, 1, 1)))  # the finished year
    points = []
    for day in days:
        r = evaluate_kpi(kpi, frames, Period(frames.year, day))
        points.append(BacktestPoint(
            kpi=kpi.id, year=frames.year, day=day, so_far=r.value, projection=r.projection,
            low=r.projection_low, high=r.projection_high, band_years=int(r.extra.get("band_years", 0)),
            method=r.extra.get("projection_method") if r.projection is not None else None,
            status=r.status, year_end=end.value,
        ))
    return points


def backtest(
    engine: Engine, years: Iterable[int] | None = None, *, today: date | None = None, registry: Registry | None = None,
    days: Iterable[tuple[int, int]] = DAYS,
) -> list[BacktestPoint]:
    """Every paced KPI of every year that has ended (or of `years`), judged on each of `days` of that year."""
    registry = registry or load_registry()
    today = today or clock.today()
    years = list(years) if years is not None else [y for y in data_years(engine) if y < today.year]
    points = []
    for year in years:
        paced = [k for k in registry_for_year(engine, year, registry) if k.spec.paced]  # the targets of that year
        kinds = {kind for k in paced for kind in k.kinds_needed()}
        # Loaded as if the year were running: with the history of the years before it.
        frames = load_year_frames(engine, year, kinds, today=date(year, 12, 31))
        for kpi in paced:
            if not all(frames.covers(kind) for kind in kpi.kinds_needed()):
                continue  # no data of the kind that year: nothing was projected, nothing to check
            points.extend(backtest_kpi(kpi, frames, [date(year, m, d) for m, d in days]))
    return points


def headline(points: list[BacktestPoint]) -> str:
    """How often the year end fell inside the range, and how many points had no range (or no projection)."""
    banded = [p for p in points if p.inside is not None]
    inside = sum(1 for p in banded if p.inside)
    unbanded = sum(1 for p in points if p.projection is not None and p.inside is None)
    without = sum(1 for p in points if p.projection is None)
    share = f" ({inside / len(banded):.0%})" if banded else ""
    by_kpi = ", ".join(
        f"{kpi} {sum(1 for p in banded if p.kpi == kpi and p.inside)} of {sum(1 for p in banded if p.kpi == kpi)}"
        for kpi in dict.fromkeys(p.kpi for p in banded)
    )
    return (f"The year end fell inside the range in {inside} of {len(banded)} projections with a range{share}"
            + (f" — {by_kpi}" if by_kpi else "") + "; "
            f"{_count(unbanded, 'projection')} had no range (fewer than two earlier years with a pace of their own) and "
            f"{_count(without, 'point')} had no projection (an event still scheduled).")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def markdown_table(points: list[BacktestPoint]) -> str:
    """The points as a markdown table, by year, day and KPI."""
    lines = ["| KPI | year | day | so far | projection | range | inside | status then | year end | error |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for p in sorted(points, key=lambda p: (p.year, p.day, p.kpi)):
        if p.low is not None:
            band = f"{_n(p.low)}–{_n(p.high)}"
        else:
            band = "–" if p.projection is None else f"none ({p.band_years} yr)"
        inside = {True: "yes", False: "**no**", None: "–"}[p.inside]
        error = "–" if p.error is None else f"{p.error:+.1%}"
        projection = "–" if p.projection is None else f"{_n(p.projection)} ({p.method})"
        lines.append(f"| {p.kpi} | {p.year} | {p.day:%m-%d} | {_n(p.so_far)} | {projection} | {band} | {inside} | "
                     f"{p.status} | {_n(p.year_end)} | {error} |")
    return "\n".join(lines) + "\n"


def _n(value: float | None) -> str:
    """A count as people read it (3,327); a small fraction keeps one decimal (0.5 events)."""
    if value is not None and abs(value) < 100 and value != int(value):
        return f"{value:.1f}"
    return format_number(value, "count")
