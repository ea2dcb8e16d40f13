"""Intervals against the textbook formulas, verdicts, and the paced projection of counts."""

import math
from datetime import date

import pandas as pd
import pytest

from metrics.kpi.stats import (
    compare,
    history_share,
    interval_conclusive,
    paced_projection,
    t_interval,
    wilson_interval,
)

Z95 = 1.959964  # standard normal 97.5% quantile, from the table


def wilson_textbook(k: int, n: int) -> tuple[float, float]:
    """Wilson (1927): (p + z²/2n ± z·sqrt(p(1-p)/n + z²/4n²)) / (1 + z²/n)."""
    p = k / n
    centre = p + Z95**2 / (2 * n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n))
    return (centre - half) / (1 + Z95**2 / n), (centre + half) / (1 + Z95**2 / n)


@pytest.mark.parametrize(("k", "n"), [(45, 50), (2, 3), (80, 100), (2, 2), (0, 12)])
def test_wilson_interval_matches_the_textbook_formula(k, n):
    low, high = wilson_interval(k, n)
    exp_low, exp_high = wilson_textbook(k, n)
    assert low == pytest.approx(max(0.0, exp_low), abs=1e-5)
    assert high == pytest.approx(min(1.0, exp_high), abs=1e-5)


def test_wilson_interval_hand_worked_for_two_of_three():
    # p = 2/3, z² = 3.8415; denom = 1 + 3.8415/3 = 2.2805; centre = (0.6667 + 0.6403)/2.2805 = 0.5731;
    # half = 1.96 * sqrt(0.2222/3 + 3.8415/36) / 2.2805 = 1.96 * 0.42518 / 2.2805 = 0.3654.
    low, high = wilson_interval(2, 3)
    assert low == pytest.approx(0.2077, abs=1e-3)
    assert high == pytest.approx(0.9385, abs=1e-3)


def test_wilson_interval_of_nothing_is_none():
    assert wilson_interval(0, 0) is None


def test_t_interval_matches_mean_plus_minus_t_sd_over_root_n():
    values = [4, 5, 3, 4, 4]
    # mean 4.0; deviations 0, 1, -1, 0, 0 -> sd = sqrt(2/4) = 0.70711; t(0.975, 4) = 2.776445 (table);
    # half = 2.776445 * 0.70711 / sqrt(5) = 0.87797.
    mean = sum(values) / 5
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / 4)
    low, high = t_interval(mean, sd, 5)
    assert low == pytest.approx(4.0 - 0.87797, abs=1e-4)
    assert high == pytest.approx(4.0 + 0.87797, abs=1e-4)


def test_identical_values_give_no_t_interval_rather_than_a_point():
    # 8, 8 once gave [8, 8] and a "conclusive" verdict; no spread means nothing to build an interval from.
    assert t_interval(8.0, 0.0, 2) is None
    assert t_interval(8.0, 0.0, 12) is None


def test_a_share_from_one_response_has_no_wilson_interval():
    assert wilson_interval(1, 1) is None
    assert wilson_interval(0, 1) is None
    assert wilson_interval(1, 2) is not None


def test_t_interval_needs_two_values():
    assert t_interval(7.0, float("nan"), 1) is None


@pytest.mark.parametrize(
    ("ci", "comparator", "target", "expected"),
    [
        ((0.82, 0.91), ">=", 0.8, True),  # wholly above: met for sure
        ((0.70, 0.78), ">=", 0.8, True),  # wholly below: not met for sure
        ((0.76, 0.86), ">=", 0.8, False),  # straddles the target
        ((7.5, 8.1), ">=", 7.5, True),  # the lower end on the target still meets it
        ((3.0, 9.0), "<=", 10.0, True),
        (None, ">=", 0.8, False),  # no interval, no certainty
    ],
)
def test_conclusive_only_when_the_whole_interval_is_on_one_side(ci, comparator, target, expected):
    assert interval_conclusive(ci, comparator, target) is expected


def test_compare_forgives_float_rounding_at_the_target():
    assert compare(0.1 + 0.7, ">=", 0.8)  # 0.7999999999999999
    assert not compare(0.79, ">=", 0.8)
    assert compare(3, "<", 4) and not compare(4, "<", 4)


def history(rows):
    return pd.DataFrame(rows, columns=["year", "date", "n"]).assign(date=lambda f: pd.to_datetime(f["date"]), key="")


def test_projection_divides_by_the_share_earlier_years_had_reached_by_the_same_day():
    hist = history([
        (2024, "2024-03-15", 400), (2024, "2024-10-01", 600),  # 2024: 1000, 400 by 30 June
        (2025, "2025-06-30", 500), (2025, "2025-11-20", 700),  # 2025: 1200, 500 by 30 June (that day counts)
    ])
    proj = paced_projection(1300, hist, date(2026, 6, 30))
    # share = (400 + 500) / (1000 + 1200) = 900 / 2200 = 0.409091; projection = 1300 / 0.409091 = 3177.78
    assert proj.method == "history"
    assert proj.reached_share == pytest.approx(900 / 2200)
    assert proj.value == pytest.approx(3177.78, abs=0.01)
    assert proj.history_years == (2024, 2025)


def test_projection_is_linear_without_history():
    proj = paced_projection(1500, None, date(2026, 7, 2))
    # 2 July 2026 is day 183 of 365: 1500 * 365 / 183 = 2991.80
    assert proj.method == "linear"
    assert proj.value == pytest.approx(2991.80, abs=0.01)


def test_projection_adds_the_usual_total_when_earlier_years_had_nothing_yet():
    hist = history([(2024, "2024-12-10", 1), (2025, "2025-12-05", 1)])
    proj = paced_projection(0, hist, date(2026, 11, 27))
    # Nothing was ever held by 27 November; the mean yearly total is 1, so 0 + 1 = 1.
    assert proj.method == "history_additive"
    assert proj.value == 1


def test_same_day_of_year_is_month_and_day_so_29_february_precedes_1_march():
    hist = history([(2024, "2024-02-29", 3), (2024, "2024-03-02", 1)])
    share, mean_total, years = history_share(hist, date(2026, 3, 1))
    # By 1 March: the 29 February entries (3) of 4 -> 0.75.
    assert share == pytest.approx(0.75)
    assert mean_total == 4 and years == (2024,)


def test_a_year_without_the_event_stays_in_the_history_as_zero():
    hist = pd.concat([
        history([(2024, "2024-12-10", 1)]),
        history([(2025, None, 0)]),  # 2025: events on file, none of this kind
    ], ignore_index=True)
    share, mean_total, years = history_share(hist, date(2026, 11, 27))
    # Nothing by 27 November in either year: share 0; held once in two years: mean total 0.5.
    assert (share, mean_total, years) == (0.0, 0.5, (2024, 2025))
    proj = paced_projection(0, hist, date(2026, 11, 27))
    assert (proj.method, proj.value) == ("history_additive", 0.5)


def test_only_years_without_the_event_give_no_history_to_pace_from():
    hist = history([(2024, None, 0), (2025, None, 0)])
    assert history_share(hist, date(2026, 6, 30)) == (None, 0.0, ())


def test_projection_carries_a_band_from_each_earlier_years_own_pace():
    hist = history([
        (2024, "2024-03-15", 400), (2024, "2024-10-01", 600),  # 2024 had 0.4 by 30 June
        (2025, "2025-06-30", 500), (2025, "2025-11-20", 700),  # 2025 had 500 / 1200 by 30 June
    ])
    proj = paced_projection(1300, hist, date(2026, 6, 30))
    # 1300 / 0.4 = 3250; 1300 / (500 / 1200) = 3120: the band is [3120, 3250] around the pooled 3177.78.
    assert (proj.low, proj.high) == (pytest.approx(3120.0), pytest.approx(3250.0))
    assert proj.low <= proj.value <= proj.high
    assert proj.band_years == 2


def test_a_year_that_had_reached_nothing_by_the_day_has_no_pace_of_its_own_and_the_band_holds_the_projection():
    hist = history([
        (2023, "2023-03-01", 300), (2023, "2023-09-01", 700),  # 2023 had 0.3 by 30 June
        (2024, "2024-02-01", 200), (2024, "2024-10-01", 300),  # 2024 had 0.4
        (2025, "2025-08-01", 1000),  # 2025 had nothing by 30 June: 600 / 0 says nothing
    ])
    proj = paced_projection(600, hist, date(2026, 6, 30))
    # Pooled: (300 + 200) / (1000 + 500 + 1000) = 0.2, 600 / 0.2 = 3000. Paces of 2023 and 2024 only:
    # 600 / 0.4 = 1500 to 600 / 0.3 = 2000; the pooled 3000 (which counts 2025's late start) stretches it.
    assert proj.value == pytest.approx(3000.0)
    assert (proj.low, proj.high, proj.band_years) == (pytest.approx(1500.0), pytest.approx(3000.0), 2)


def test_the_additive_band_adds_each_earlier_years_own_total():
    hist = history([(2024, "2024-12-10", 1), (2025, "2025-12-05", 2)])
    proj = paced_projection(1, hist, date(2026, 11, 27))
    # Nothing by 27 November in either year: 1 + mean(1, 2) = 2.5; each year alone: 1 + 1 = 2, 1 + 2 = 3.
    assert (proj.method, proj.value, proj.low, proj.high, proj.band_years) == ("history_additive", 2.5, 2.0, 3.0, 2)


def test_one_earlier_year_gives_no_band():
    proj = paced_projection(10, history([(2025, "2025-03-01", 5), (2025, "2025-09-01", 5)]), date(2026, 6, 30))
    # One pace is not a range: no band, and band_years says why.
    assert (proj.value, proj.low, proj.high, proj.band_years) == (20.0, None, None, 1)


def test_a_linear_projection_has_no_band():
    proj = paced_projection(1500, None, date(2026, 7, 2))
    assert (proj.low, proj.high, proj.band_years) == (None, None, 0)
