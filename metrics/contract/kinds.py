"""Upload kinds as extension points: the row builder registered for each kind, and the check that the
contract's declarations, the builders and the tables agree.

A builder turns a mapped sheet into canonical rows of its kind; it registers itself with `@builds("cases")`
in the module the kind's declaration names (`module`, default metrics.intake.canonical), imported the first time
the kind is built. A kind whose table is not one of metrics/store/tables.py's (a test's toy kind) adds it there,
with tables.add_data_table.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import fields
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Date, DateTime, Float, Integer, Table, Time

from metrics.contract import Contract, KindSpec, load_contract
from metrics.store import tables

if TYPE_CHECKING:  # the builders' types only; canonical registers its builders here
    from metrics.intake.canonical import Built, MappedTable, UploadOptions

Builder = Callable[["MappedTable", KindSpec, "UploadOptions", Contract], "Built"]
_BUILDERS: dict[str, Builder] = {}


def builds(*kinds: str) -> Callable[[Builder], Builder]:
    """Register the decorated function as the row builder of `kinds`; a kind built twice is refused."""

    def register(fn: Builder) -> Builder:
        for kind in kinds:
            if _BUILDERS.get(kind, fn) is not fn:
                raise ValueError(f"upload kind {kind!r} already has a builder: {_BUILDERS[kind].__qualname__}")
            _BUILDERS[kind] = fn
        return fn

    return register


def builder(kind: KindSpec) -> Builder:
    """The builder registered for `kind`, importing the module its declaration names when needed."""
    if kind.name not in _BUILDERS:
        importlib.import_module(kind.module)
    found = _BUILDERS.get(kind.name)
    if found is None:
        raise LookupError(f"업로드 종류 '{kind.name}'의 행 변환 함수가 없습니다 / no builder for upload kind "
                          f"'{kind.name}': decorate one with @builds({kind.name!r}) in {kind.module}")
    return found


def problems(contract: Contract | None = None) -> list[str]:
    """Everything on which the declarations, the builders and the tables disagree (empty when they agree)."""
    contract = contract or load_contract()
    found: list[str] = []
    for kind in contract.kinds.values():
        found.extend(f"[{kind.name}] {p}" for p in _kind_problems(kind, contract))
    return found


def _kind_problems(kind: KindSpec, contract: Contract) -> list[str]:
    out = []
    try:
        builder(kind)
    except (ImportError, LookupError) as exc:
        out.append(str(exc))
    try:
        table = table_of(kind)
    except (ImportError, KeyError) as exc:
        return [*out, str(exc.args[0])]
    declared = {"period": (kind.period,), "key": kind.key, "reads": kind.reads, "story": kind.story,
                "explore": kind.explore, "type_column": (kind.type_column,), "course_column": (kind.course_column,),
                "group_by": kind.group_by}
    for what, names in declared.items():
        absent = [n for n in names if n and n not in table.c]
        if absent:
            out.append(f"{what}: table {kind.table} has no column {', '.join(absent)}")
    unread = [c for c in kind.group_by if c not in kind.reads + kind.story]
    if unread:  # a KPI's page reads only these columns
        out.append(f"group_by: {', '.join(unread)} is in neither reads nor story")
    if kind.period in table.c and not isinstance(table.c[kind.period].type, Date | DateTime):
        out.append(f"period: {kind.period} is not a date column of {kind.table}")
    if sum(k.table == kind.table for k in contract.kinds.values()) > 1 and not holds_kinds(table):
        out.append(f"table {kind.table} holds several kinds but has no kind column to tell them apart")
    if kind.type_column and kind.type_enum not in contract.enums:
        out.append(f"type_column {kind.type_column}: the role of that name must be of type enum:<one of {', '.join(contract.enums)}>")
    out.extend(_option_problems(kind))
    for group in kind.one_of:
        unknown = [r for r in group.roles if kind.column(r) is None]
        if unknown:
            out.append(f"one_of names roles the kind does not have: {', '.join(unknown)}")
    return out


def _option_problems(kind: KindSpec) -> list[str]:
    from metrics.intake.canonical import UploadOptions

    known = {f.name for f in fields(UploadOptions)} - {"seconds_per_ring"}
    out = [f"option {o!r} is not one of {', '.join(sorted(known))}" for o in kind.options if o not in known]
    # Any other option gives one value of the type column for every row, so it must name that column.
    typed = set(kind.options) - {"year", "scale"} - {kind.type_column}
    if typed:
        out.append(f"option {', '.join(sorted(typed))} fixes a type column the kind does not declare")
    return out


def table_of(kind: str | KindSpec) -> Table:
    """The table the contract says `kind` is stored in."""
    spec = kind if isinstance(kind, KindSpec) else load_contract().kind(kind)
    try:
        return tables.data_table(spec.table)
    except KeyError:
        importlib.import_module(spec.module)  # the kind's own module may add its table
        return tables.data_table(spec.table)


def holds_kinds(table: Table) -> bool:
    """True for a table several kinds share (the surveys): its rows say their kind, and every query asks it."""
    return "kind" in table.c


def boolean_columns(kind: KindSpec, nullable: bool = False) -> tuple[str, ...]:
    """The kind's stored flags (completed), which some drivers hand back as 0/1; with `nullable`, only the
    flags that may be missing (a checklist item not checked), which must stay missing."""
    return tuple(c.name for c in table_of(kind).columns
                 if isinstance(c.type, Boolean) and (not nullable or c.nullable))


def number_columns(kind: KindSpec) -> tuple[str, ...]:
    """The kind's stored numbers (its bookkeeping and year left out)."""
    bookkeeping = {"id", "upload_id", "excel_row", "year"}
    return tuple(c.name for c in table_of(kind).columns
                 if isinstance(c.type, Float | Integer) and c.name not in bookkeeping)


def date_columns(kind: KindSpec) -> tuple[str, ...]:
    """The kind's stored dates and times, which some drivers hand back as text."""
    return tuple(c.name for c in table_of(kind).columns if isinstance(c.type, Date | DateTime))


def time_columns(kind: KindSpec) -> tuple[str, ...]:
    """The kind's stored times of day (a case's time of receipt), handed back as text or datetime.time by the drivers."""
    return tuple(c.name for c in table_of(kind).columns if isinstance(c.type, Time))
