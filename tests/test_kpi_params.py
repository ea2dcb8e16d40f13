"""Kpi.params is typed (metrics.kpi.measures.base.KpiParams): the type and the measures' settings say the same."""

from typing import get_args, get_type_hints

import pytest

from metrics.kpi.measures import MEASURES
from metrics.kpi.measures.base import DayMode, KpiParams
from metrics.kpi.registry import DAY_MODES, load_registry

# What each kind of setting (metrics.kpi.measures.Setting.type) holds once registry.toml is checked.
HELD = {"int": int, "float": float, "bool": bool, "hours": str, "survey_kind": str, "day_mode": DayMode,
        "yesno_columns": list[str], "limits": dict[str, float], "groups": list[str], "date_column": str}


def _settings() -> dict[str, set[str]]:
    kinds: dict[str, set[str]] = {}
    for spec in MEASURES.values():
        for setting in spec.settings:
            kinds.setdefault(setting.name, set()).add(setting.type)
    return kinds


def test_every_measure_setting_is_a_kpi_param_of_the_type_its_check_allows_and_no_other():
    hints = get_type_hints(KpiParams)
    settings = _settings()
    assert sorted(hints) == sorted(settings)
    for name, kinds in settings.items():
        assert len(kinds) == 1, f"{name} is checked as {kinds} by different measures"
        assert hints[name] == HELD[kinds.pop()], name


def test_the_day_modes_the_registry_accepts_are_the_typed_ones():
    assert DAY_MODES == get_args(DayMode) == ("business", "calendar")


def _holds(value: object, held: object) -> bool:
    if held is DayMode:
        return value in get_args(DayMode)
    if held is float:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if held is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if held == list[str]:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if held == dict[str, float]:
        return isinstance(value, dict) and all(_holds(v, float) for v in value.values())
    assert isinstance(held, type)
    return isinstance(value, held)


@pytest.mark.parametrize("kpi", list(load_registry()), ids=lambda k: k.id)
def test_each_charter_kpis_params_hold_what_their_type_says(kpi):
    hints = get_type_hints(KpiParams)
    wrong = {name: value for name, value in kpi.params.items() if not _holds(value, hints[name])}
    assert wrong == {}
    assert set(kpi.params) <= {s.name for s in kpi.spec.settings}
