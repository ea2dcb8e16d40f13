"""The report's words in one language: labels from labels.toml, numbers in their units, targets, changes."""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from metrics import clock
from metrics.kpi.scorecard import format_number

if TYPE_CHECKING:
    from typing_extensions import TypeIs

LABELS_FILE = Path(__file__).with_name("labels.toml")
LANGS = ("ko", "en")


@cache
def labels() -> dict[str, dict[str, dict[str, str]]]:
    """labels.toml as {section: {name: {ko, en}}} (read once per process)."""
    with open(LABELS_FILE, "rb") as fh:
        return tomllib.load(fh)


def missing(value: object) -> TypeIs[None]:
    """True for None and NaN (the narrowing speaks of None: a value found not missing is not None)."""
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Words:
    """Everything the renderers say, in `lang` (ko or en)."""

    lang: str = "ko"

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"언어는 ko 또는 en / the language is ko or en, not {self.lang!r}")

    def t(self, key: str, **values: object) -> str:
        """The label "section.name" with its {placeholders} filled."""
        section, _, name = key.partition(".")
        entry = labels()[section][name]
        template = entry[self.lang]
        return template.format(**values) if values else template

    def download(self, what: str, **values: object) -> str:
        """The words of the scorecard page's report buttons ([download] in labels.toml)."""
        return self.t(f"download.{what}", **values)

    def pick(self, ko: str | None, en: str | None) -> str:
        """One of a Korean/English pair given by the core."""
        return (en or ko or "") if self.lang == "en" else (ko or en or "")

    def status(self, status: str) -> str:
        """A status in words (달성, Met)."""
        return self.t(f"status.{status}")

    def value(self, value: float | None, unit: str) -> str:
        """A number with its unit word where it needs one: 98.5%, 3,120, 7.82점, 12일."""
        shown = format_number(value, unit)
        if shown == "–" or unit in ("share", "count"):
            return shown
        return self.t(f"unit.{unit}", value=shown)

    def target(self, comparator: str | None, goal: float | None, unit: str) -> str:
        """The target as a phrase: "100.0% 이상", "≥ 7.50 pts", or "no target"."""
        if comparator is None or missing(goal):
            return self.t("target.none")
        return self.t(f"target.{comparator}", value=self.value(goal, unit))

    def change(self, delta: float | None, unit: str) -> str:
        """A change against the previous year with its sign: +1.2%p, −0.35점, +58."""
        if missing(delta):
            return "–"
        shown = f"{abs(delta) * 100:.1f}" if unit == "share" else format_number(abs(delta), unit)
        sign = "±" if _is_zero(shown) else ("+" if delta > 0 else "−")
        if unit == "share":
            return self.t("unit.change_share", value=sign + shown)
        if unit in ("points", "days"):
            return sign + self.t(f"unit.{unit}", value=shown)
        return sign + shown

    def direction(self, delta: float | None, comparator: str | None, unit: str) -> str:
        """Better or worse against the target's direction; "no change" when it shows as zero; "" without a target."""
        if missing(delta) or comparator is None:
            return ""
        if self.change(delta, unit).startswith("±"):  # shows as zero
            return self.t("kpi.same")
        higher_is_better = comparator in (">=", ">")
        return self.t("kpi.better") if (delta > 0) == higher_is_better else self.t("kpi.worse")

    def interval(self, low: float | None, high: float | None, unit: str) -> str:
        """A 95% interval as "7.31 – 8.02" ("" without one)."""
        if missing(low) or missing(high):
            return ""
        return f"{format_number(low, unit)} – {format_number(high, unit)}"

    def day(self, value: date | float | None) -> str:
        """A date as 2026-03-04 ("" when missing: None, NaN or NaT)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        try:
            return f"{value:%Y-%m-%d}"
        except ValueError:  # NaT
            return ""

    def moment(self, value: datetime | None) -> str:
        """A stored moment (UTC) in Korea time: 2026-03-04 18:30 (KST)."""
        return clock.shown(value)


def _is_zero(shown: str) -> bool:
    """True when a number as shown rounds to zero ("0.0", "0", "0.00")."""
    return not any(ch in "123456789" for ch in shown)


def p_text(p: float) -> str:
    """A p-value as people read it: p = 0.012, p < 0.001."""
    return "p < 0.001" if p < 0.001 else f"p = {p:.3f}"
