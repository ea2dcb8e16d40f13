"""Numbers as people read them, in the current language: 98.5%, 3,120, 7.82점, 12일."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from metrics.kpi.notes import Note
from metrics.kpi.scorecard import format_number
from ui.i18n import current_lang, t

if TYPE_CHECKING:
    from typing_extensions import TypeIs

COMPARATOR_KEYS = {">=": "fmt.target_ge", ">": "fmt.target_gt", "<=": "fmt.target_le", "<": "fmt.target_lt", "==": "fmt.target_eq"}


def missing(value: object) -> TypeIs[None]:
    """True for None and NaN."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: float | None, unit: str) -> str:
    """The bare number of a value in its unit (a share as a percentage), '–' when missing."""
    return format_number(value, unit)


def value(value: float | None, unit: str) -> str:
    """A value with its unit word (점, 일) where the unit needs one."""
    shown = number(value, unit)
    if shown == "–" or unit in ("share", "count"):
        return shown
    return t(f"fmt.unit_{unit}", value=shown)


def target(comparator: str | None, goal: float | None, unit: str) -> str:
    """The target as a phrase ("목표 100% 이상"), or the words for "no target"."""
    if comparator is None or missing(goal):
        return t("fmt.no_target")
    return t(COMPARATOR_KEYS.get(comparator, "fmt.target_ge"), value=value(goal, unit))


def interval(low: float | None, high: float | None, unit: str) -> str:
    """A 95% interval as "7.31 – 8.02"."""
    if missing(low) or missing(high):
        return ""
    return f"{number(low, unit)} – {number(high, unit)}"


def band(low: float | None, high: float | None, band_years: int, unit: str) -> str:
    """A projection's range ("범위 3,112–3,579"), or why there is none ("범위 없음: 예년 자료 1년뿐")."""
    if not missing(low) and not missing(high):
        return t("card.band", low=number(low, unit), high=number(high, unit))
    return t("card.no_band_years", years=band_years) if band_years else t("card.no_band_history")


def note(core_note: Note) -> str:
    """A note of the core in the current language."""
    return core_note.text(current_lang())


def percent(share: float | None) -> str:
    """A fraction as a whole percentage."""
    return "–" if missing(share) else f"{share * 100:.0f}%"
