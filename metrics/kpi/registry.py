"""The KPI registry (config/registry.toml): read, checked, and handed out as frozen Kpi records.

Every problem is collected before refusing, and each message names the KPI and says how to fix
it, in Korean and English, because the file is edited by staff at the association.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeAlias, cast, get_args

from metrics.contract import Contract, KindSpec, load_contract
from metrics.kpi.clauses import Clause, clause_label, load_clauses
from metrics.kpi.measures import MEASURES, MeasureSpec
from metrics.kpi.measures.base import DayMode, KpiParams
from metrics.kpi.stats import COMPARATORS
from metrics.kpi.workdays import DEFAULT_LUNCH_BREAK, DEFAULT_WORKING_HOURS, WorkingDay, counts_hours
from metrics.messages import CharterError
from metrics.settings import CONFIG_DIR

REGISTRY_PATH = CONFIG_DIR / "registry.toml"

BASE_KEYS = (
    "id", "area", "area_id", "title_ko", "title_en", "clause", "definition_ko", "definition_en",
    "source", "filter", "measure", "target", "own_target",
)
REQUIRED_TEXT = ("area", "area_id", "title_ko", "title_en", "clause", "source", "measure")
DAY_MODES: tuple[str, ...] = get_args(DayMode)
Toml: TypeAlias = dict[str, Any]  # a table of registry.toml as tomllib reads it, before it is checked
Complain: TypeAlias = Callable[[str], None]  # takes one problem found in a [[kpi]] block


class RegistryError(CharterError, ValueError):
    """registry.toml has problems; `problems` lists each one, naming the KPI and the fix."""

    def __init__(self, problems: list[str]):
        self.problems = tuple(problems)
        listed = "\n- " + "\n- ".join(problems)
        super().__init__("KPI 등록부(registry.toml) 오류:" + listed, "registry.toml problems:" + listed)


@dataclass(frozen=True)
class Target:
    """A KPI target: value compared with `comparator`; shares are fractions 0-1 (unit 'share')."""

    comparator: str
    value: float
    unit: str


@dataclass(frozen=True)
class Area:
    """One of the charter's service areas."""

    id: str
    ko: str
    en: str


@dataclass(frozen=True)
class Kpi:
    """One charter promise as a measurable KPI, as declared in registry.toml."""

    id: str
    area_id: str
    area: str
    area_en: str
    title_ko: str
    title_en: str
    clause: str  # the charter clause id (clauses.toml), e.g. "II.1.a"
    definition_ko: str
    definition_en: str
    source: str
    measure: str
    target: Target | None
    filter: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False)  # column -> accepted values
    params: KpiParams = field(default_factory=lambda: KpiParams(), compare=False)  # measure settings (days, scale, ...)
    own_target: bool = False  # the charter gives no number: the target is the association's own (issue 14)
    quote: str = ""  # the charter's own sentence of the clause, from clauses.toml

    @property
    def clause_label(self) -> str:
        """The clause as the charter numbers it, e.g. Ⅱ.1.가."""
        return clause_label(self.clause)

    @property
    def spec(self) -> MeasureSpec:
        """The measure this KPI uses."""
        return MEASURES[self.measure]

    @property
    def unit(self) -> str:
        """The unit of the KPI's value: share, count, points or days."""
        return self.spec.unit

    def kinds_needed(self) -> tuple[str, ...]:
        """Upload kinds that must cover a year before the KPI can be measured."""
        return self.spec.kinds_needed(self.source, self.params)


@dataclass(frozen=True)
class Registry:
    """All KPIs and areas, in file order."""

    kpis: tuple[Kpi, ...]
    areas: tuple[Area, ...]
    clauses: tuple[Clause, ...] = ()  # every promise of the charter, measured or not, in its order

    def __iter__(self) -> Iterator[Kpi]:
        return iter(self.kpis)

    def __len__(self) -> int:
        return len(self.kpis)

    def get(self, kpi_id: str) -> Kpi:
        """The KPI with this id; KeyError naming the known ids otherwise."""
        for kpi in self.kpis:
            if kpi.id == kpi_id:
                return kpi
        raise KeyError(f"unknown KPI {kpi_id!r}; known: {', '.join(k.id for k in self.kpis)}")

    def only(self, *kpi_ids: str) -> Registry:
        """A registry restricted to the given ids (for one KPI's story)."""
        return Registry(tuple(self.get(i) for i in kpi_ids), self.areas, self.clauses)

    def kinds(self) -> set[str]:
        """Every upload kind some KPI reads."""
        return {kind for kpi in self.kpis for kind in kpi.kinds_needed()}

    def clause_kpis(self) -> list[tuple[Clause, tuple[Kpi, ...]]]:
        """Every clause of the charter with the KPIs that measure it (none: not tracked yet)."""
        return [(c, tuple(k for k in self.kpis if k.clause == c.id)) for c in self.clauses]


def load_registry(path: Path | None = None, contract: Contract | None = None, clauses_path: Path | None = None) -> Registry:
    """registry.toml (and the clause catalogue) read and validated; RegistryError lists every problem found."""
    with open(path or REGISTRY_PATH, "rb") as fh:
        data = tomllib.load(fh)
    return parse_registry(data, contract or load_contract(), load_clauses(clauses_path))


def registry_from_text(text: str, contract: Contract | None = None) -> Registry:
    """A registry from TOML text (tests and previews of an edited file), with the shipped clause catalogue."""
    return parse_registry(tomllib.loads(text), contract or load_contract())


def parse_registry(data: Toml, contract: Contract, catalogue: tuple[tuple[Clause, ...], list[str]] | None = None
                   ) -> Registry:
    """Validate the parsed TOML and build the Registry, or raise RegistryError with all problems."""
    clauses, problems = catalogue or load_clauses()
    problems = list(problems)
    known_clauses = {c.id: c for c in clauses}
    areas = _areas(data.get("areas", {}), problems)
    entries = data.get("kpi", [])
    if not entries:
        problems.append("[kpi] 항목이 없습니다 / no [[kpi]] entries: add at least one [[kpi]] block")
    kpis, seen = [], set()
    for position, entry in enumerate(entries, start=1):
        kpi_id = str(entry.get("id") or f"#{position}")
        if not entry.get("id"):
            problems.append(f"[{kpi_id}] id가 없습니다 / no id: add id = \"area.name\" to the {position}th [[kpi]] block")
        elif kpi_id in seen:
            problems.append(f"[{kpi_id}] id가 중복됩니다 / duplicate id: give each [[kpi]] its own id")
        seen.add(kpi_id)
        found = _check_entry(kpi_id, entry, areas, contract)
        if not found and entry["clause"] not in known_clauses:
            found.append(f"[{kpi_id}] 알 수 없는 헌장 조항 clause = \"{entry['clause']}\" / unknown clause: use an id "
                         f"from clauses.toml ({', '.join(known_clauses)}) or add the clause there")
        problems.extend(found)
        if not found:
            kpis.append(_build(kpi_id, entry, areas, known_clauses[entry["clause"]].text_ko))
    if problems:
        raise RegistryError(problems)
    return Registry(tuple(kpis), tuple(areas.values()), clauses)


def _areas(table: Toml, problems: list[str]) -> dict[str, Area]:
    areas = {}
    for area_id, spec in table.items():
        if not isinstance(spec, dict) or "ko" not in spec:
            problems.append(f"[areas.{area_id}] 이름이 없습니다 / no name: write {area_id} = {{ ko = \"…\", en = \"…\" }}")
            continue
        areas[area_id] = Area(area_id, spec["ko"], spec["en"] if "en" in spec else spec["ko"])
    return areas


def _check_entry(kpi_id: str, entry: Toml, areas: dict[str, Area], contract: Contract) -> list[str]:
    """Every problem of one [[kpi]] block, each naming the KPI and the fix."""
    out = []

    def bad(message: str) -> None:
        out.append(f"[{kpi_id}] {message}")

    for key in REQUIRED_TEXT:
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            bad(f"'{key}' 칸이 비었습니다 / '{key}' is missing: add {key} = \"…\"")
    if out:
        return out
    _check_area(entry, areas, bad)
    source, measure = entry["source"], entry["measure"]
    if source not in contract.kinds:
        bad(f"알 수 없는 자료 종류 source = \"{source}\" / unknown upload kind: use one of {', '.join(contract.kinds)}")
    spec = MEASURES.get(measure)
    if spec is None:
        bad(f"알 수 없는 계산 방법 measure = \"{measure}\" / unknown measure: use one of {', '.join(MEASURES)}")
        return out
    if source in contract.kinds and source not in spec.kinds:
        bad(f"measure \"{measure}\"는 source \"{source}\"를 읽을 수 없습니다 / cannot read this kind: use source = one of {', '.join(spec.kinds)}")
    _check_filter(entry.get("filter"), source, contract, bad)
    _check_settings(entry, spec, contract, bad)
    _check_target(entry.get("target"), spec, bad)
    if "own_target" in entry and not isinstance(entry["own_target"], bool):
        bad("own_target는 true 또는 false로 씁니다 / write own_target = true (the association's own target)")
    return out


def _check_area(entry: Toml, areas: dict[str, Area], bad: Complain) -> None:
    area = areas.get(entry["area_id"])
    if area is None:
        bad(f"알 수 없는 분야 area_id = \"{entry['area_id']}\" / unknown area: use one of {', '.join(areas)}")
    elif entry["area"] != area.ko:
        bad(f"area = \"{entry['area']}\"가 area_id \"{area.id}\"와 맞지 않습니다 / area does not match area_id: write area = \"{area.ko}\"")


def _check_filter(flt: object, source: str, contract: Contract, bad: Complain) -> None:
    if flt is None:
        return
    if not isinstance(flt, dict) or not flt:
        bad('filter는 { 열 = "값" } 형태로 쓰세요 / write filter = { case_type = "cert_review" }')
        return
    # A filter names the kind's type column; its values come from that column's enum.
    kind = contract.kinds.get(source)
    column = kind.type_column if kind else None
    for name, value in flt.items():
        if name != column:
            allowed = f"filter = {{ {column} = \"…\" }}" if column else "no filter for this kind (delete the filter line)"
            bad(f"source \"{source}\"에는 filter 열 '{name}'을 쓸 수 없습니다 / cannot filter on '{name}': {allowed}")
            continue
        values = [value] if isinstance(value, str) else value
        enum = kind.type_enum if kind else None  # the kind is known here: its type column was named
        known = tuple(contract.enums.get(enum, {})) if enum else ()
        for v in values if isinstance(values, list) else [values]:
            if not isinstance(v, str) or v not in known:
                bad(f"알 수 없는 {column} \"{v}\" / unknown {column}: use one of {', '.join(known)}")


def _check_settings(entry: Toml, spec: MeasureSpec, contract: Contract, bad: Complain) -> None:
    for key in entry:
        if key not in BASE_KEYS and spec.setting(key) is None:
            known = ", ".join(s.name for s in spec.settings) or "none"
            bad(f"알 수 없는 설정 '{key}' / unknown setting '{key}' for measure {spec.name}: known settings are {known}")
    for setting in spec.settings:
        if setting.name not in entry:
            if setting.required:
                bad(f"'{setting.name}' 설정이 필요합니다 / measure {spec.name} needs '{setting.name}': {setting.help}")
            continue
        problem = _setting_problem(setting.type, entry[setting.name], contract, entry.get("source"))
        if problem:
            bad(f"'{setting.name}' = {entry[setting.name]!r}: {problem} ({setting.help})")
    if spec.one_of_settings and not any(name in entry for name in spec.one_of_settings):
        names = " 또는 / or ".join(f"'{name}'" for name in spec.one_of_settings)
        bad(f"{names} 설정이 필요합니다 / measure {spec.name} needs at least one of them")
    if "roll_to_working_day" in entry and entry.get("day_mode") == "business":
        # Only calendar-day deadlines move off a day off (민법 제161조); a business-day deadline ends on a working day.
        bad("roll_to_working_day는 달력일(day_mode = \"calendar\") 기한에만 씁니다 / roll_to_working_day applies to "
            "calendar days only: delete it, or write day_mode = \"calendar\"")
    _check_hours(entry, bad)


def _check_hours(entry: Toml, bad: Complain) -> None:
    """The working-hours settings: only where the law counts hours, and office hours that make sense."""
    given = [key for key in ("count_hours", "working_hours", "lunch_break") if key in entry]
    if not given:
        return
    days, day_mode = entry.get("days"), entry.get("day_mode")
    if isinstance(days, int) and day_mode in DAY_MODES and not counts_hours(days, day_mode):
        bad(f"{', '.join(given)}: 시간 단위 계산은 5일 이하 영업일 기한에만 씁니다 / hours are counted only for a "
            "business-day deadline of 5 days or less (민원처리법 제19조 ①): delete it")
        return
    hours, lunch = entry.get("working_hours", DEFAULT_WORKING_HOURS), entry.get("lunch_break", DEFAULT_LUNCH_BREAK)
    if isinstance(hours, str) and isinstance(lunch, str):
        try:
            WorkingDay.parse(hours, lunch)
        except ValueError as exc:
            bad(str(exc))


def _setting_problem(kind: str, value: object, contract: Contract, source: str | None = None) -> str | None:
    """Why a setting value is wrong for its type, or None."""
    if kind in ("yesno_columns", "limits"):
        return _columns_problem(kind, value, contract.kinds.get(source) if source else None)
    if kind == "int" and (isinstance(value, bool) or not isinstance(value, int) or value <= 0):
        return "양의 정수로 쓰세요 / write a whole number above 0"
    if kind == "float" and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
        return "0보다 큰 수로 쓰세요 / write a number above 0"
    if kind == "bool" and not isinstance(value, bool):
        return "true 또는 false로 쓰세요 / write true or false"
    if kind == "hours" and not isinstance(value, str):
        return '"09:00-18:00"처럼 따옴표 안에 쓰세요 / write it in quotes, e.g. "09:00-18:00"'
    if kind == "day_mode" and value not in DAY_MODES:
        return 'write "business" or "calendar"'
    if kind == "groups":
        known = tuple(contract.enums.get("participant_group", {}))
        if not isinstance(value, list) or not value or any(v not in known for v in value):
            return f'["…"] 목록으로 쓰세요 / write a list of {", ".join(known)}'
    if kind == "survey_kind" and value not in contract.survey_kinds:
        return f"use one of {', '.join(contract.survey_kinds)}"
    if kind == "date_column":
        return _date_column_problem(value, contract.kinds.get(source) if source else None)
    return None


def _date_column_problem(value: object, source: KindSpec | None) -> str | None:
    """Why `value` is not a date the source kind's rows are read with, or None."""
    from metrics.contract.kinds import date_columns

    known = [c for c in date_columns(source) if c in source.reads] if source else []
    if value not in known:
        return f"알 수 없는 날짜 열 / not a date column the source is read with: use one of {', '.join(known)}"
    return None


def _columns_problem(kind: str, value: object, source: KindSpec | None) -> str | None:
    """Why columns named by a checklist setting are not yes/no (or number) columns of the source kind, or None."""
    from metrics.contract.kinds import boolean_columns, number_columns

    wanted = ("yesno",) if kind == "yesno_columns" else ("int", "number")
    names: list[object]
    if kind == "yesno_columns":
        if not isinstance(value, list) or not value:
            return '["열", …] 목록으로 쓰세요 / write a list, e.g. ["greeting"]'
        names = list(value)
    else:
        if not isinstance(value, dict) or any(isinstance(v, bool) or not isinstance(v, (int, float))
                                              for v in value.values()):
            return "{ 열 = 숫자 } 형태로 쓰세요 / write { column = number }"
        names = list(value)
    if kind == "yesno_columns":  # the stored flags that may be blank: a sheet's yes/no, or one the builder derives
        known = list(boolean_columns(source, nullable=True)) if source else []
    else:  # a number of the sheet, or one the builder derives that the kind is read with (a page's age)
        known = [c.role for c in source.columns if c.type in wanted] if source else []
        known += [c for c in number_columns(source) if c in source.reads and c not in known] if source else []
    unknown = [str(n) for n in names if n not in known]
    if unknown:
        return f"알 수 없는 열 {', '.join(unknown)} / not a {'/'.join(wanted)} column of the source: use {', '.join(known)}"
    return None


def _check_target(target: object, spec: MeasureSpec, bad: Complain) -> None:
    if target is None:
        if spec.needs_target:
            bad(
                f"목표(target)가 없습니다 / measure {spec.name} needs a target: add "
                f"target = {{ comparator = \">=\", value = …, unit = \"{spec.unit}\" }}"
            )
        return
    if not isinstance(target, dict):
        bad('target은 { comparator = ">=", value = 1.0, unit = "share" } 형태로 쓰세요 / write target as a table')
        return
    comparator, value, unit = target.get("comparator"), target.get("value"), target.get("unit", spec.unit)
    if comparator not in COMPARATORS:
        bad(f"target comparator {comparator!r} / unknown comparator: use one of {', '.join(COMPARATORS)}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        bad(f"target value {value!r}: 숫자로 쓰세요 / write a number, e.g. value = 1.0")
    elif unit == "share" and not 0 <= value <= 1:
        bad(f"target value {value}: 비율은 0~1로 씁니다 / a share is written 0-1: 80% is value = 0.8")
    if unit != spec.unit:
        bad(f"target unit \"{unit}\"가 measure {spec.name}와 맞지 않습니다 / wrong unit: write unit = \"{spec.unit}\"")


def _build(kpi_id: str, entry: Toml, areas: dict[str, Area], quote: str) -> Kpi:
    spec = MEASURES[entry["measure"]]
    target = entry.get("target")
    flt = {k: tuple([v] if isinstance(v, str) else v) for k, v in (entry.get("filter") or {}).items()}
    # The settings' types were checked by _check_settings before a Kpi is built.
    params = cast(KpiParams, {s.name: entry[s.name] for s in spec.settings if s.name in entry})
    area = areas[entry["area_id"]]
    return Kpi(
        id=kpi_id, area_id=area.id, area=area.ko, area_en=area.en,
        title_ko=entry["title_ko"], title_en=entry["title_en"], clause=entry["clause"],
        definition_ko=entry.get("definition_ko", ""), definition_en=entry.get("definition_en", ""),
        source=entry["source"], measure=entry["measure"],
        target=None if target is None else Target(target["comparator"], float(target["value"]), target.get("unit", spec.unit)),
        filter=flt, params=params, own_target=entry.get("own_target") is True, quote=quote,
    )
