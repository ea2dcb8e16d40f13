"""The data contract (config/contract.toml) as typed objects: upload kinds, their column roles, enums.

Each kind is declared once, here: its columns and how its rows are stored and read (table, period, natural
key, type column, upload options, survey or not). The store, the frames, the explorer and the upload page
ask the declaration; metrics.contract.kinds checks that it agrees with the registered builders and the tables.
Kinds declared in other files (a test's toy kind) join through `register_kinds`.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from metrics.intake.values.cells import normalise_key
from metrics.messages import CharterError
from metrics.settings import CONFIG_DIR

CONTRACT_FILE = CONFIG_DIR / "contract.toml"


@dataclass(frozen=True)
class ColumnSpec:
    """One role a column of an uploaded sheet can play."""

    role: str
    ko: str
    en: str
    type: str
    required: bool = False
    multiple: bool = False
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    range: tuple[float, float] | None = None  # the lowest and highest value a real record can hold

    @property
    def range_text(self) -> str:
        """The range as people read it: "0–100,000"; "" without one."""
        if self.range is None:
            return ""
        return "–".join(f"{b:,.0f}" if float(b).is_integer() else f"{b:,g}" for b in self.range)

    @property
    def enum(self) -> str | None:
        """The enum name for `enum:<name>` types."""
        return self.type.split(":", 1)[1] if self.type.startswith("enum:") else None


@dataclass(frozen=True)
class OneOf:
    """Roles of which at least one must be mapped, and how a refusal names them (Korean, English)."""

    roles: tuple[str, ...]
    ko: str
    en: str


@dataclass(frozen=True)
class KindSpec:
    """An upload kind: what it is called, which columns it has, and how its rows are stored and read."""

    name: str
    ko: str
    en: str
    year_rule: str
    columns: tuple[ColumnSpec, ...]
    detect_words: tuple[str, ...] = ()
    default_scale: float | None = None
    is_survey: bool = False
    table: str = ""
    period: str = ""  # the date that places a row in its month, orders rows and dates the data
    key: tuple[str, ...] = ()  # the natural key
    type_column: str | None = None
    course_column: str | None = None
    options: tuple[str, ...] = ()  # UploadOptions fields the person may give for the whole sheet
    one_of: tuple[OneOf, ...] = ()
    reads: tuple[str, ...] = ()  # stored columns the scorecard reads
    story: tuple[str, ...] = ()  # stored columns a KPI's page adds
    explore: tuple[str, ...] = ()  # stored columns the explorer shows, in order
    group_by: tuple[str, ...] = ()  # what a KPI's breakdown groups the rows by, before the month of `period`
    module: str = "metrics.intake.canonical"  # registers the kind's builder (and a table metrics/store/tables.py lacks)

    def column(self, role: str) -> ColumnSpec | None:
        """The spec of `role`, or None when this kind has no such role."""
        return next((c for c in self.columns if c.role == role), None)

    def roles_of(self, type: str) -> tuple[str, ...]:
        """The roles of `type` (yesno: a checklist's items; personal: what is never stored), in declared order."""
        return tuple(c.role for c in self.columns if c.type == type)

    @property
    def type_enum(self) -> str | None:
        """The enum the type column's values come from (case_type), None without a type column."""
        spec = self.column(self.type_column) if self.type_column else None
        return spec.enum if spec else None


@dataclass(frozen=True)
class Bookkeeping:
    """Columns a survey tool (or the office's own sheets, tool "") adds that are never questions."""

    name: str
    tool: str
    headers: tuple[str, ...]
    prefixes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plausible:
    """Years a date or a year of a record may fall in: from `first_year` to `years_ahead` past the current one."""

    first_year: int
    years_ahead: int

    def years(self, today: date) -> tuple[int, int]:
        """The first and the last plausible year, seen from `today`."""
        return self.first_year, today.year + self.years_ahead


@dataclass(frozen=True)
class Contract:
    """All upload kinds plus the enum labels."""

    kinds: dict[str, KindSpec]
    enums: dict[str, dict[str, tuple[str, ...]]]
    bookkeeping: tuple[Bookkeeping, ...] = ()  # as written in the file
    bookkeeping_headers: frozenset[str] = frozenset()  # normalised keys
    bookkeeping_prefixes: tuple[str, ...] = ()  # normalised keys
    tool_headers: frozenset[str] = frozenset()  # normalised keys of the survey tools' own columns
    question_endings: tuple[str, ...] = ()
    question_codes: tuple[str, ...] = ()  # normalised keys
    plausible: Plausible | None = None

    def is_bookkeeping(self, header: str) -> bool:
        """True for a row-number column or a column a survey tool adds to every export (never a question)."""
        key = normalise_key(header)
        return key in self.bookkeeping_headers or any(key.startswith(p) for p in self.bookkeeping_prefixes)

    def tool_columns(self, headers: list[str]) -> int:
        """How many of `headers` a survey tool adds to its exports (Qualtrics Status, Typeform Network ID...)."""
        return sum(normalise_key(h) in self.tool_headers for h in headers)

    @property
    def survey_kinds(self) -> tuple[str, ...]:
        """The kinds whose rows are survey responses, in the contract's order."""
        return tuple(name for name, spec in self.kinds.items() if spec.is_survey)

    def column_words(self) -> dict[str, tuple[str, str]]:
        """Each column role's (Korean, English) header, as its kinds declare it: the words the explorer and the
        other tables show for that column unless ui/labels.toml words it otherwise. A role several kinds word
        differently (ref: 접수번호, 점검번호, 민원번호) takes the first kind's words, so a kind added later
        never changes how an existing column is named."""
        words: dict[str, tuple[str, str]] = {}
        for spec in self.kinds.values():
            for column in spec.columns:
                words.setdefault(column.role, (column.ko, column.en))
        return words

    @property
    def tables(self) -> tuple[str, ...]:
        """Every table some kind is stored in, each once, in the contract's order."""
        return tuple(dict.fromkeys(spec.table for spec in self.kinds.values()))

    def kind(self, name: str) -> KindSpec:
        """The kind called `name`; a clear error listing the known ones otherwise."""
        if name not in self.kinds:
            known = ", ".join(self.kinds)
            raise UnknownKindError(f"알 수 없는 업로드 종류 '{name}' (알려진 종류: {known})",
                                   f"unknown upload kind '{name}' (known: {known})")
        return self.kinds[name]


class UnknownKindError(CharterError, KeyError):
    """An upload kind the contract does not declare."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.message)


def _column(raw: Mapping[str, Any]) -> ColumnSpec:
    return ColumnSpec(
        role=raw["role"],
        ko=raw["ko"],
        en=raw["en"],
        type=raw["type"],
        required=bool(raw.get("required", False)),
        multiple=bool(raw.get("multiple", False)),
        aliases=tuple(raw.get("aliases", ())),
        keywords=tuple(raw.get("keywords", ())),
        range=_range(raw),
    )


def _range(raw: Mapping[str, Any]) -> tuple[float, float] | None:
    """A column's `range = [low, high]`; a range that is not two numbers, low first, is refused on load."""
    if "range" not in raw:
        return None
    bounds = raw["range"]
    if not (isinstance(bounds, list) and len(bounds) == 2 and all(isinstance(b, int | float) for b in bounds)
            and bounds[0] <= bounds[1]):
        raise ValueError(f"contract.toml: {raw['role']}: range must be [low, high], got {bounds!r}")
    return float(bounds[0]), float(bounds[1])


def _plausible(raw: Mapping[str, Any]) -> Plausible | None:
    table = raw.get("plausible")
    return Plausible(int(table["first_year"]), int(table["years_ahead"])) if table else None


def _kind(name: str, spec: Mapping[str, Any]) -> KindSpec:
    """One kind's declaration; a missing table, period or natural key is refused on load."""
    columns = tuple(_column(c) for c in spec.get("columns", ()))
    missing = [k for k in ("table", "period", "key") if not spec.get(k)]
    if missing:
        raise ValueError(f"contract.toml: 종류 '{name}'에 {', '.join(missing)}이(가) 없습니다 / "
                         f"kind '{name}' does not declare {', '.join(missing)}")
    return KindSpec(
        name=name,
        ko=spec["ko"],
        en=spec["en"],
        year_rule=spec["year_rule"],
        columns=columns,
        detect_words=tuple(spec.get("detect_words", ())),
        default_scale=spec.get("default_scale"),
        is_survey=bool(spec.get("survey", False)),
        table=spec["table"],
        period=spec["period"],
        key=tuple(spec["key"]),
        type_column=spec.get("type_column"),
        course_column=spec.get("course_column"),
        options=tuple(spec.get("options", ())),
        one_of=tuple(OneOf(tuple(g["roles"]), g["ko"], g["en"]) for g in spec.get("one_of", ())),
        reads=tuple(spec.get("reads", ())),
        story=tuple(spec.get("story", ())),
        explore=tuple(spec.get("explore", ())),
        group_by=tuple(spec.get("group_by", ())),
        module=spec.get("module", "metrics.intake.canonical"),
    )


def parse_contract(raw: Mapping[str, Any]) -> Contract:
    """Build the contract from the parsed TOML; `same_as` copies another kind's declaration."""
    raw_kinds = raw["kinds"]
    kinds: dict[str, KindSpec] = {}
    for name, spec in raw_kinds.items():
        own = {k: v for k, v in spec.items() if k != "same_as"}
        kinds[name] = _kind(name, {**raw_kinds[spec["same_as"]], **own} if "same_as" in spec else own)
    enums = {name: {key: tuple(labels) for key, labels in table.items()} for name, table in raw.get("enums", {}).items()}
    tools = tuple(
        Bookkeeping(name, t.get("tool", ""), tuple(t.get("headers", ())), tuple(t.get("prefixes", ())))
        for name, t in raw.get("bookkeeping", {}).items()
    )
    tool_headers = {normalise_key(h) for t in tools if t.tool for h in t.headers}
    questions = raw.get("questions", {})
    return Contract(
        kinds=kinds,
        enums=enums,
        bookkeeping=tools,
        bookkeeping_headers=frozenset(normalise_key(h) for t in tools for h in t.headers),
        bookkeeping_prefixes=tuple(normalise_key(p) for t in tools for p in t.prefixes),
        tool_headers=frozenset(tool_headers - {""}),
        question_endings=tuple(questions.get("endings", ())),
        question_codes=tuple(normalise_key(c) for c in questions.get("codes", ())),
        plausible=_plausible(raw),
    )


# Files declaring kinds beyond contract.toml's own (a test's toy kind), in the order they were added.
_EXTRA_FILES: list[Path] = []


@cache
def load_contract(path: Path = CONTRACT_FILE) -> Contract:
    """The contract from `path` and any registered declarations (cached: read once per process)."""
    raw = _read(path)
    for extra in _EXTRA_FILES:
        _merge(raw, _read(extra), extra)
    return parse_contract(raw)


def register_kinds(path: Path | str) -> None:
    """Add the kinds (and enums) declared in another TOML file, written like contract.toml, to the contract."""
    path = Path(path)
    _merge(_read(CONTRACT_FILE), _read(path), path)  # a clash is refused now, not at the next load
    _EXTRA_FILES.append(path)
    load_contract.cache_clear()


def forget_kinds(path: Path | str) -> None:
    """Take back the kinds `register_kinds` added from `path`."""
    _EXTRA_FILES.remove(Path(path))
    load_contract.cache_clear()


def _read(path: Path) -> dict[str, Any]:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def _merge(raw: dict[str, Any], extra: dict[str, Any], path: Path) -> None:
    """`extra`'s kinds and enums added to `raw`; a name both declare is refused."""
    for section in ("kinds", "enums"):
        clash = sorted(set(raw.get(section, {})) & set(extra.get(section, {})))
        if clash:
            raise ValueError(f"{path}: {section} {', '.join(clash)} 이미 있습니다 / already declared in the contract")
        raw.setdefault(section, {}).update(extra.get(section, {}))
