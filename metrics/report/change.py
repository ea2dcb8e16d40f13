"""Is a survey KPI's change against the previous year more than chance? Thin wrappers over scipy.

Shares (a satisfied share): the two-proportion z test with the pooled share. Means (a mean score):
Welch's t test, which does not assume the two years have the same spread. Both are two-sided at the
5% level, and both read only what the scorecard gives (value, n, numerator, sd): the report never
goes back to the responses. The rule is written in docs/kpi-definitions.md.

The p-values come from scipy.special's distribution functions (as metrics.kpi.stats does): scipy.stats
takes over a second to import, and the tests check these against scipy.stats' own tests.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import special

from metrics.kpi.measures import MEASURES
from metrics.kpi.scorecard import KpiResult

ALPHA = 0.05


@dataclass(frozen=True)
class ChangeTest:
    """The test of a change: its method, statistic and p-value, or why there is none (`reason`)."""

    method: str  # "z" (two proportions) or "welch" (two means)
    statistic: float | None = None
    p_value: float | None = None
    reason: str | None = None  # no_previous | too_few | no_variation

    @property
    def significant(self) -> bool | None:
        """True when p < 0.05; None when there is no test."""
        return None if self.p_value is None else self.p_value < ALPHA


def two_proportions(x1: float, n1: int, x2: float, n2: int) -> ChangeTest:
    """Two-sided z test of x2/n2 against x1/n1 with the pooled share (z > 0: the second is higher)."""
    if n1 < 1 or n2 < 1:
        return ChangeTest("z", reason="too_few")
    pooled = (x1 + x2) / (n1 + n2)
    se = math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    if se == 0:  # both years all satisfied (or none): no spread, nothing to test
        return ChangeTest("z", reason="no_variation")
    z = (x2 / n2 - x1 / n1) / se
    return ChangeTest("z", z, float(2 * special.ndtr(-abs(z))))


def welch(mean1: float, sd1: float | None, n1: int, mean2: float, sd2: float | None, n2: int) -> ChangeTest:
    """Two-sided Welch t test of mean2 against mean1 from the summary figures (t > 0: the second is higher)."""
    if n1 < 2 or n2 < 2 or sd1 is None or sd2 is None:
        return ChangeTest("welch", reason="too_few")
    if sd1 == 0 and sd2 == 0:
        return ChangeTest("welch", reason="no_variation")
    v1, v2 = sd1 * sd1 / n1, sd2 * sd2 / n2
    t = (mean2 - mean1) / math.sqrt(v1 + v2)
    df = (v1 + v2) ** 2 / (v1 * v1 / (n1 - 1) + v2 * v2 / (n2 - 1))  # Welch-Satterthwaite
    return ChangeTest("welch", t, float(2 * special.stdtr(df, -abs(t))))


def change_test(current: KpiResult, previous: KpiResult | None) -> ChangeTest | None:
    """The test for a survey KPI's change (None for census KPIs, which have no sampling error)."""
    if not MEASURES[current.measure].sample:
        return None
    method = "z" if current.unit == "share" else "welch"
    if previous is None or previous.value is None or current.value is None:
        return ChangeTest(method, reason="no_previous")
    if method == "z":
        return two_proportions(previous.numerator or 0, previous.n, current.numerator or 0, current.n)
    return welch(previous.value, previous.extra.get("sd"), previous.n, current.value, current.extra.get("sd"), current.n)
