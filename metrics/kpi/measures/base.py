"""What every measure takes and gives: the period it measures and its plain result."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, TypeAlias, TypedDict

import numpy as np
import pandas as pd

from metrics.kpi.notes import Note

DayMode: TypeAlias = Literal["business", "calendar"]
# The frames of the year a measure may read beside its own rows: kind -> rows (metrics.store.frames.ROWS).
Frames: TypeAlias = Mapping[str, pd.DataFrame]


class KpiParams(TypedDict, total=False):
    """A KPI's measure settings as registry.toml gives them; which a measure takes is its MeasureSpec.settings.

    Checked on load (metrics.kpi.registry), so a measure reads them as these types; settings left out take
    the default the measure names.
    """

    days: int  # deadline_share: the deadline in days
    day_mode: DayMode  # how the days are counted (민원처리법: business; 민법: calendar)
    interim_counts: bool  # an interim notice answers the case
    roll_to_working_day: bool  # a calendar deadline ending on a day off moves to the next working day
    count_hours: bool  # a business-day deadline of 5 days or less in working hours (default true)
    working_hours: str  # "09:00-18:00"
    lunch_break: str  # "12:00-13:00", or "none"
    scale: float  # survey measures: the scale the target speaks of
    satisfied_at: float  # survey_satisfied_share: satisfied from this score on `scale`
    survey_kind: str  # course_feedback_coverage: the survey that covers a course
    months: int  # posting_duration_share: months online
    max_rings: int  # calls_within_rings: rings before an answer
    columns: list[str]  # share_true: the yes/no columns that must all be yes
    at_most: dict[str, float]  # share_true: number columns that must stay at or below a limit
    with_groups: list[str]  # event_count: the participant groups that must all have taken part
    done: str  # deadline_share, median_days: the date column that closes a row (default completed)



@dataclass(frozen=True)
class Period:
    """A calendar year seen from `today`: finished, current (year to date) or still to come."""

    year: int
    today: date

    @property
    def start(self) -> date:
        """1 January of the year."""
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        """31 December of the year."""
        return date(self.year, 12, 31)

    @property
    def as_of(self) -> date:
        """The day the year is judged on: its end, or today while it is running."""
        return min(self.end, self.today)

    @property
    def open_items_as_of(self) -> date:
        """The day a still-open case or a still-online posting is judged on: today, even for a past year.

        A December case still open in March is late however the year ended, and a posting of an
        October show still online has by now been online for as long as it has.
        """
        return self.today

    @property
    def is_current(self) -> bool:
        """True while the year is unfinished (today falls inside it)."""
        return self.year == self.today.year

    @property
    def as_of64(self) -> np.datetime64:
        """as_of as numpy datetime64[D], for vectorised comparisons."""
        return np.datetime64(self.as_of, "D")


@dataclass(frozen=True)
class MeasureResult:
    """A measure's raw answer, before the target turns it into a status.

    value is None when there is nothing to measure (then `notes` say why). Shares are fractions
    0-1. ci is set only for sample measures (surveys).
    """

    value: float | None
    n: int = 0
    numerator: float | None = None
    denominator: float | None = None
    pending: int | None = None
    ci: tuple[float, float] | None = None
    sample: bool = False
    notes: tuple[Note, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict, compare=False)


def share_result(
    met: int, decided: int, pending: int | None = None, notes: tuple[Note, ...] = (), extra: dict[str, Any] | None = None
) -> MeasureResult:
    """A census share met/decided, None when nothing was decided."""
    value = met / decided if decided else None
    return MeasureResult(
        value=value, n=int(decided), numerator=int(met), denominator=int(decided),
        pending=None if pending is None else int(pending), notes=notes, extra=extra or {},
    )


def dates64(col: pd.Series[Any]) -> np.ndarray:
    """A date column as datetime64[D] (NaT for missing)."""
    if not pd.api.types.is_datetime64_any_dtype(col):
        col = pd.to_datetime(col)
    return col.to_numpy().astype("datetime64[D]")


def filter_rows(frame: pd.DataFrame, flt: Mapping[str, tuple[str, ...]]) -> pd.DataFrame:
    """Rows whose filter columns hold one of the accepted values (a KPI's `filter`)."""
    if not flt or frame.empty:
        return frame
    mask = np.ones(len(frame), dtype=bool)
    for column, values in flt.items():
        mask &= frame[column].isin(values).to_numpy()
    return frame[mask]
