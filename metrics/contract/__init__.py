"""The data contract (config/contract.toml) as typed objects: upload kinds, their column roles, enums."""

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
class KindSpec:
    """An upload kind: what it is called and which columns it has."""

    name: str
    ko: str
    en: str
    year_rule: str
    columns: tuple[ColumnSpec, ...]
    detect_words: tuple[str, ...] = ()
    default_scale: float | None = None

    def column(self, role: str) -> ColumnSpec | None:
        """The spec of `role`, or None when this kind has no such role."""
        return next((c for c in self.columns if c.role == role), None)

    @property
    def is_survey(self) -> bool:
        return self.name.endswith("_survey")


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


def parse_contract(raw: Mapping[str, Any]) -> Contract:
    """Build the contract from the parsed TOML; `same_as` copies another kind's columns."""
    kinds: dict[str, KindSpec] = {}
    raw_kinds = raw["kinds"]
    for name, spec in raw_kinds.items():
        source = raw_kinds[spec["same_as"]] if "same_as" in spec else spec
        kinds[name] = KindSpec(
            name=name,
            ko=spec["ko"],
            en=spec["en"],
            year_rule=spec["year_rule"],
            columns=tuple(_column(c) for c in source.get("columns", ())),
            detect_words=tuple(spec.get("detect_words", ())),
            default_scale=spec.get("default_scale", source.get("default_scale")),
        )
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


@cache
def load_contract(path: Path = CONTRACT_FILE) -> Contract:
    """The contract from `path` (cached: it is read once per process)."""
    with open(path, "rb") as fh:
        return parse_contract(tomllib.load(fh))


KIND_NAMES = (
    "exhibitor_survey",
    "trainee_survey",
    "future_talent_survey",
    "attendance",
    "cases",
    "events",
    "postings",
    "calls",
)
