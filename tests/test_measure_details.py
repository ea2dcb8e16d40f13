"""A measure owns its details: what the area page shows and how the explorer judges rows are registered with
the measure, and the pages, stories and explorer ask it instead of switching on its name."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pandas as pd

from metrics.kpi.measures import MEASURES, Details
from metrics.kpi.registry import load_registry
from metrics.kpi.stories import breakdown, distribution, story_from_frames
from metrics.store.frames import frames_from_dict

ROOT = Path(__file__).resolve().parents[1]
TODAY = date(2026, 3, 2)


def test_every_view_a_measure_names_has_a_drawing_on_the_area_page():
    from ui.area_details import BREAKDOWN_VIEWS, DISTRIBUTION_VIEWS

    for spec in MEASURES.values():
        assert set(spec.details.distribution_views) <= set(DISTRIBUTION_VIEWS), spec.name
        assert set(spec.details.breakdown_views) <= set(BREAKDOWN_VIEWS), spec.name


def test_no_page_story_or_explorer_switches_on_a_measure_name():
    names = "|".join(re.escape(n) for n in MEASURES)
    literal = re.compile(rf"""["']({names})["']""")
    sources = ["metrics/kpi/stories.py", "metrics/explore/__init__.py", "metrics/kpi/kpi_rows.py", "metrics/report/model.py",
               "ui/area_details.py", "ui/explore.py"]
    found = {s: literal.findall((ROOT / s).read_text(encoding="utf-8")) for s in sources}
    assert {s: names for s, names in found.items() if names} == {}


def _calls() -> pd.DataFrame:
    # Three calls at 9 h (1, 2 and 4 rings) and one at 14 h (3 rings).
    return pd.DataFrame({"call_time": ["2026-02-02 09:05", "2026-02-02 09:40", "2026-02-03 09:10", "2026-02-03 14:00"],
                         "rings": [1.0, 2.0, 4.0, 3.0]})


def test_the_story_of_a_kpi_is_what_its_measure_registers():
    kpi = load_registry().get("cs.phone_3_rings")  # answered before the third ring: max_rings = 2
    frames = frames_from_dict(2026, {"calls": _calls()})
    hours = breakdown(kpi, frames, TODAY).set_index("hour")
    assert hours.loc[9, ["calls", "within"]].tolist() == [3, 2] and hours.loc[14, ["calls", "within"]].tolist() == [1, 0]
    rings = distribution(kpi, frames, TODAY).set_index("rings")
    assert rings["count"].to_dict() == {1.0: 1, 2.0: 1, 3.0: 1, 4.0: 1}
    assert rings["within"].to_dict() == {1.0: True, 2.0: True, 3.0: False, 4.0: False}


def test_a_measure_that_registers_no_details_gets_empty_parts_not_another_measures():
    kpi = load_registry().get("cs.phone_3_rings")
    bare = replace(kpi.spec, details=Details())
    MEASURES["_bare"] = bare
    try:
        story = story_from_frames(replace(kpi, measure="_bare"), frames_from_dict(2026, {"calls": _calls()}), TODAY)
    finally:
        del MEASURES["_bare"]
    assert story.breakdown.empty and story.distribution.empty and story.cases.empty
    assert story.result.value == 0.5  # the number itself is still the measure's: 2 of 4 within 2 rings


def test_the_survey_rating_mark_is_the_measures_own():
    registry = load_registry()
    mean, share = registry.get("wk.exhibitor_score"), registry.get("edu.satisfaction")
    assert mean.spec.details.mark(mean) == mean.target.value  # a mean KPI: its target, in points
    assert share.spec.details.mark(share) == float(share.params["satisfied_at"])  # a share KPI: "satisfied"
