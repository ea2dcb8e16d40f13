"""The yearly report's figures and words, worked out by hand: the change between years, its test, its wording,
the status words and the labels, the projection range. No database: tests/test_report.py checks the documents.
"""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest
from scipy import stats

from metrics.kpi.registry import load_registry
from metrics.kpi.scorecard import STATUSES
from metrics.report.change import two_proportions, welch
from metrics.report.model import STATUS_ORDER
from metrics.report.words import Words, labels

ROOT = Path(__file__).resolve().parents[1]


# ---- the change between years, on figures worked out by hand ---------------------------------


def test_two_proportion_z_test_on_hand_worked_figures():
    # 80/100 then 90/100: pooled 170/200 = 0.85; se = sqrt(0.85 * 0.15 * (1/100 + 1/100)) = 0.0504975;
    # z = 0.10 / 0.0504975 = 1.98030; two-sided p = 2 * (1 - Φ(1.98030)) = 0.04767.
    result = two_proportions(80, 100, 90, 100)
    assert result.statistic == pytest.approx(1.98030, abs=1e-5)
    assert result.p_value == pytest.approx(0.04767, abs=1e-5)
    assert result.significant is True


def test_a_small_change_in_a_share_is_not_significant():
    # 80/100 then 82/100: pooled 0.81; se = sqrt(0.81 * 0.19 * 0.02) = 0.055480; z = 0.02 / 0.055480 = 0.36049;
    # p = 2 * (1 - Φ(0.36049)) = 0.71848.
    result = two_proportions(80, 100, 82, 100)
    assert result.p_value == pytest.approx(0.71848, abs=1e-5)
    assert result.significant is False


def test_welch_t_test_on_hand_worked_figures_and_as_scipy_computes_it():
    # 7.0 (sd 1, n 50) then 7.5 (sd 2, n 40): v1 = 1/50 = 0.02, v2 = 4/40 = 0.1; t = 0.5 / sqrt(0.12) = 1.44338;
    # df = 0.12² / (0.02²/49 + 0.1²/39) = 0.0144 / 0.000264573 = 54.4273.
    result = welch(7.0, 1.0, 50, 7.5, 2.0, 40)
    assert result.statistic == pytest.approx(1.44338, abs=1e-5)
    reference = stats.ttest_ind_from_stats(7.5, 2.0, 40, 7.0, 1.0, 50, equal_var=False)
    assert result.p_value == pytest.approx(reference.pvalue, rel=1e-9)
    assert result.p_value == pytest.approx(2 * stats.t.sf(1.44338, 54.4273), abs=1e-5)
    assert result.significant is False


@pytest.mark.parametrize(("made", "reason"), [
    (lambda: two_proportions(10, 10, 20, 20), "no_variation"),  # every response satisfied both years
    (lambda: two_proportions(0, 0, 5, 10), "too_few"),
    (lambda: welch(4.0, 0.0, 10, 4.0, 0.0, 12), "no_variation"),
    (lambda: welch(4.0, None, 1, 4.5, 0.5, 12), "too_few"),
])
def test_no_test_when_the_figures_cannot_carry_one(made, reason):
    result = made()
    assert (result.p_value, result.reason, result.significant) == (None, reason, None)


# ---- words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("delta", "unit", "lang", "shown"), [
    (0.012, "share", "ko", "+1.2%p"),
    (-0.0004, "share", "ko", "±0.0%p"),  # rounds to nothing: no sign that suggests a change
    (0.64, "points", "ko", "+0.64점"),
    (-61.0, "count", "en", "−61"),
    (1.5, "days", "en", "+1.5 days"),
])
def test_a_change_is_written_with_its_sign_and_unit(delta, unit, lang, shown):
    assert Words(lang).change(delta, unit) == shown


def test_better_or_worse_follows_the_direction_of_the_target():
    words = Words("en")
    assert words.direction(2.0, "<=", "days") == "worse"  # more days against an at-most target
    assert words.direction(0.05, ">=", "share") == "better"
    assert words.direction(0.0001, ">=", "share") == "no change"
    assert words.direction(0.05, None, "share") == ""


def test_status_words_are_those_of_the_dashboard():
    with open(ROOT / "ui" / "labels.toml", "rb") as fh:
        dashboard = tomllib.load(fh)["status"]
    assert labels()["status"] == {s: dashboard[s] for s in STATUSES}
    assert set(STATUS_ORDER) == set(STATUSES)


def test_every_report_label_has_korean_and_english_with_the_same_placeholders():
    def fields(text: str) -> set[str]:
        return set(re.findall(r"{(\w+)}", text))

    bad = [f"{section}.{name}" for section, entries in labels().items() for name, entry in entries.items()
           if not (entry.get("ko") and entry.get("en")) or fields(entry["ko"]) != fields(entry["en"])]
    assert bad == []


def test_the_report_gives_the_projection_range_or_says_why_there_is_none():
    import pandas as pd

    from metrics.kpi.scorecard import compute_from_frames
    from metrics.report.phrases import band_text
    from metrics.store.frames import frames_from_dict

    def trainees(hist_rows):
        att = pd.DataFrame([(t, "과정", "과정", "2026-04-01", True) for t in "xyz"],
                           columns=["trainee_id", "course", "course_key", "end_date", "completed"])
        hist = pd.DataFrame(hist_rows, columns=["year", "date", "n"])
        frames = frames_from_dict(2026, {"attendance": att}, {"attendance": hist})
        return compute_from_frames(frames, 2026, date(2026, 6, 30), load_registry().only("edu.trainees"))[0]

    # 3 so far; 2024 had 2 of 4 by 30 June (alone: 6), 2025 had 1 of 4 (alone: 12).
    two = trainees([(2024, "2024-03-01", 2), (2024, "2024-10-01", 2), (2025, "2025-03-01", 1), (2025, "2025-10-01", 3)])
    assert band_text(two, Words("ko")) == "범위 6–12"
    one = trainees([(2025, "2025-03-01", 1), (2025, "2025-10-01", 3)])
    assert band_text(one, Words("en")) == "no range: only 1 earlier year"
