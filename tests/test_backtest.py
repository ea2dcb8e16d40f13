"""The projection's backtest: the scorecard's own verdict on days of a past year, against that year's real end."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from metrics.cli import main
from metrics.kpi.backtest import BacktestPoint, backtest_kpi, headline, markdown_table
from metrics.kpi.registry import load_registry
from metrics.store import UploadMeta, file_sha256, import_rows
from metrics.store.frames import frames_from_dict

TRAINEES = load_registry().get("edu.trainees")
# Completions by course end date. 2023: 10 by 31 Mar (0.25 of 40), 20 by 30 June (0.5), 30 by 30 Sep (0.75).
# 2024: 20 by 31 Mar (0.25 of 80), 20 by 30 June (0.25), 40 by 30 Sep (0.5). 2025: 10, 20, 30, and 45 at the end.
COMPLETIONS = {
    2023: [("03-01", 10), ("05-01", 10), ("08-01", 10), ("11-01", 10)],
    2024: [("03-01", 20), ("08-01", 20), ("11-01", 40)],
    2025: [("03-15", 10), ("06-15", 10), ("09-15", 10), ("11-15", 15)],
}
DAYS = [date(2025, 3, 31), date(2025, 6, 30), date(2025, 9, 30)]


def enrolments(year: int) -> pd.DataFrame:
    """One completed enrolment per trainee, as many on each course end date as COMPLETIONS says."""
    rows = [(f"t{year}-{day}-{i}", "과정", "과정", f"{year}-{day}", True) for day, n in COMPLETIONS[year] for i in range(n)]
    return pd.DataFrame(rows, columns=["trainee_id", "course", "course_key", "end_date", "completed"])


def test_each_day_is_judged_as_the_scorecard_would_have_then_against_the_real_year_end():
    history = pd.DataFrame([(y, f"{y}-{day}", n) for y in (2023, 2024) for day, n in COMPLETIONS[y]],
                           columns=["year", "date", "n"])
    frames = frames_from_dict(2025, {"attendance": enrolments(2025)}, {"attendance": history})
    march, june, september = backtest_kpi(TRAINEES, frames, DAYS)
    # 31 Mar: 10 so far; pooled (10 + 20) / 120 = 0.25 -> 40; each year 0.25 -> 40 to 40; 45 is outside.
    assert (march.so_far, march.projection, march.low, march.high, march.year_end) == (10, 40, 40, 40, 45)
    assert (march.inside, march.status, march.method) == (False, "at_risk", "history")
    assert march.error == pytest.approx(-5 / 45)
    # 30 June: 20; pooled (20 + 20) / 120 = 1/3 -> 60; 20 / 0.5 = 40 to 20 / 0.25 = 80: inside.
    assert (june.so_far, june.low, june.high, june.inside) == (20, 40, 80, True)
    assert june.projection == pytest.approx(60)
    # 30 Sep: 30; pooled (30 + 40) / 120 = 7/12 -> 51.43; 30 / 0.75 = 40 to 30 / 0.5 = 60: inside.
    assert september.projection == pytest.approx(360 / 7)
    assert (september.low, september.high, september.inside, september.band_years) == (40, 60, True, 2)


def point(kpi, day, projection, low, high, year_end, status="on_track", band_years=2):
    return BacktestPoint(kpi, 2025, day, 1.0, projection, low, high, band_years, None if projection is None else "history",
                         status, year_end)


def test_the_headline_counts_the_year_ends_inside_the_range_per_kpi_and_the_points_without_one():
    points = [
        point("edu.trainees", DAYS[0], 40.0, 40.0, 40.0, 45.0),  # outside
        point("edu.trainees", DAYS[1], 60.0, 40.0, 80.0, 45.0),  # inside
        point("wk.briefing", DAYS[1], 1.0, 1.0, 1.0, 1.0),  # inside, ends included
        point("ft.committee", DAYS[0], 2.0, None, None, 1.0, band_years=1),  # no range: one earlier year
        point("eval.workshop", DAYS[0], None, None, None, 1.0, status="scheduled"),  # no projection
    ]
    assert headline(points) == (
        "The year end fell inside the range in 2 of 3 projections with a range (67%) — edu.trainees 1 of 2, "
        "wk.briefing 1 of 1; 1 projection had no range (fewer than two earlier years with a pace of their own) "
        "and 1 point had no projection (an event still scheduled)."
    )
    table = markdown_table(points).splitlines()
    assert table[2] == "| edu.trainees | 2025 | 03-31 | 1 | 40 (history) | 40–40 | **no** | on_track | 45 | -11.1% |"
    assert "| ft.committee | 2025 | 03-31 | 1 | 2 (history) | none (1 yr) | – | on_track | 1 | +100.0% |" in table
    assert "| eval.workshop | 2025 | 03-31 | 1 | – | – | – | scheduled | 1 | – |" in table


def test_the_command_backtests_every_ended_year_from_the_store(engine, capsys):
    for year in COMPLETIONS:
        frame = enrolments(year).drop(columns=["course_key"]).assign(
            course_key="과정", cohort="1", end_date=lambda f: pd.to_datetime(f["end_date"]), year=year)
        import_rows(engine, UploadMeta(filename=f"att{year}.xlsx", sha256=file_sha256(str(year).encode()), kind="attendance"),
                    frame)
    assert main(["backtest", "--year", "2025"]) == 0
    out = capsys.readouterr().out
    # The history of 2023 and 2024 comes from the store's SQL, as the scorecard's does: the same numbers as above.
    assert "| edu.trainees | 2025 | 06-30 | 20 | 60 (history) | 40–80 | yes | at_risk | 45 | +33.3% |" in out
    assert "| edu.trainees | 2025 | 09-30 | 30 | 51.4 (history) | 40–60 | yes | at_risk | 45 | +14.3% |" in out
    # Event KPIs have no events upload here: nothing was projected, so they are not in the table.
    assert "wk.briefing" not in out
    assert "inside the range in 2 of 3 projections with a range (67%) — edu.trainees 2 of 3;" in out


def test_the_backtest_table_in_the_definitions_is_the_one_the_release_demo_gives(database_url, tmp_path):
    from metrics.kpi.backtest import backtest
    from metrics.store import get_engine
    from tests.test_migrations import _restore_release

    # The release's demo database (made for 2026-11-27): a fixed file, so the table cannot drift with the generator.
    _restore_release(database_url, tmp_path).dispose()
    points = backtest(get_engine(database_url), today=date(2026, 11, 27))
    doc = (Path(__file__).parents[1] / "docs" / "kpi-definitions.md").read_text(encoding="utf-8")
    hint = "run: .venv/bin/python bench/backtest_projection.py, and paste its table into docs/kpi-definitions.md"
    assert markdown_table(points) in doc, hint
    assert f"**Headline:** {headline(points)}" in doc, hint
