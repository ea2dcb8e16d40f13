"""Mapped sheet -> canonical rows of one upload kind, every bad cell reported.

Each builder turns the raw columns (as read) into the typed columns of its store table and flags
what it cannot accept; the rows flagged are held back, the others imported. A builder registers itself for
its kinds with @builds (metrics.contract.kinds); `build` asks the registry, never a table of names.
The builders live by family (survey_kinds, training_kinds, case_kinds, exhibition_kinds, service_kinds), each
kind's declaration naming its module; this module holds what they share: the options, the mapped table, the
column readers and the duplicate check.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics import store
from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builder
from metrics.intake.findings import NO_YEAR, IssueLog
from metrics.intake.lengths import hold_too_long
from metrics.intake.plausible import hold_implausible
from metrics.intake.scales import ScaleEvidence
from metrics.intake.values import (
    clean_text,
    normalise_key,
    parse_dates,
    parse_ints,
    parse_times,
    still_running,
    with_clock,
)
from metrics.intake.values.dates import dates_without_year
from metrics.messages import Message


@dataclass(frozen=True)
class UploadOptions:
    """Choices made at upload when the sheet does not say: the year, one type for the whole sheet, the scale."""

    year: int | None = None
    case_type: str | None = None
    event_type: str | None = None
    scale: float | None = None
    seconds_per_ring: float = 3.0


@dataclass
class Built:
    """Canonical rows (valid ones only), findings, and what else the store needs."""

    rows: pd.DataFrame
    log: IssueLog
    questions: tuple[str, ...] = ()
    notes: list[Message] = field(default_factory=list)  # said beside the counts (e.g. where the scale came from)
    scale_question: ScaleEvidence | None = None  # the scale the person must choose (the file disagrees)


class MappedTable:
    """A table seen through its mapping: raw columns by role."""

    def __init__(self, frame: pd.DataFrame, mapping: dict[str, str], excel_rows: np.ndarray, sheet: str,
                 year: int | None = None):
        self.frame = frame.reset_index(drop=True)
        self.mapping = mapping
        self.excel_rows = np.asarray(excel_rows)
        self.sheet = sheet
        self.year = year  # the year the upload names: a date written without one ("3/4") is in it

    def headers(self, role: str) -> list[str]:
        """Headers mapped to `role`, in sheet order."""
        return [h for h in self.frame.columns if self.mapping.get(h) == role]

    def raw(self, role: str) -> tuple[str, pd.Series] | tuple[None, None]:
        """(header, raw column) of a single role, or (None, None) when unmapped."""
        found = self.headers(role)
        return (found[0], self.frame[found[0]]) if found else (None, None)

    def __len__(self) -> int:
        return len(self.frame)


def _dates(t: MappedTable, log: IssueLog, role: str, *, required: bool = False, with_time: bool = False,
           clock: str | None = None, ends: bool = False, optional: bool | np.ndarray = False) -> pd.Series:
    """A date column parsed and its bad cells reported.

    `ends`: "게시중", "진행중" mean not ended, like a blank. `optional` (per row or for all): the row does
    not need the date, so a bad one is a finding on the column that does not hold the row back.
    """
    header, raw = t.raw(role)
    if header is None or raw is None:
        return pd.Series(pd.NaT, index=t.frame.index, dtype="datetime64[us]")
    if ends:
        raw = raw.mask(still_running(raw), None)
    parsed = parse_dates(raw, with_time=with_time, year=t.year)
    bad = parsed.bad.to_numpy(dtype=bool)
    optional = np.broadcast_to(np.asarray(optional, dtype=bool), bad.shape)
    yearless = np.zeros_like(bad)  # "3/4" with no year given at upload: said so, never guessed
    if bad.any():
        yearless[bad] = dates_without_year(raw[bad])
    for where, words in ((bad & ~yearless, None), (yearless, NO_YEAR)):
        log.flag(where & ~optional, header, raw, "bad_date", words=words)
        log.note(where & optional, header, raw, "bad_date", words=words)
    if required:
        log.flag(parsed.values.isna() & ~parsed.bad, header, raw, "missing_required")
    return _at_clock(t, log, clock, parsed.values) if clock else parsed.values


def _at_clock(t: MappedTable, log: IssueLog, clock: str, dates: pd.Series) -> pd.Series:
    """Dates at the time of day of the `clock` column beside them (수신일 + 수신시각), when there is one."""
    header, raw = t.raw(clock)
    if header is None or raw is None:
        return dates
    times = parse_times(raw)
    log.note(times.bad, header, raw, "bad_time")  # the day is enough to count the row
    return with_clock(dates, times.values)


def _text(t: MappedTable, role: str, log: IssueLog | None = None, *, required: bool = False) -> pd.Series:
    header, raw = t.raw(role)
    if header is None or raw is None:
        return pd.Series(pd.NA, index=t.frame.index, dtype="str")
    text = clean_text(raw)
    if required and log is not None:
        log.flag(text.isna(), header, raw, "missing_required")
    return text


def _enum(t: MappedTable, log: IssueLog, contract: Contract, role: str, enum: str, fixed: str | None) -> pd.Series:
    labels = contract.enums[enum]
    if fixed:
        return pd.Series(fixed, index=t.frame.index, dtype="str")
    lookup = {normalise_key(key): key for key in labels}
    lookup.update({normalise_key(label): key for key, names in labels.items() for label in names})
    header, raw = t.raw(role)
    assert header is not None and raw is not None, f"{role} is required unless fixed (ingest._check_mapping)"
    text = clean_text(raw)
    keys = text.map(lambda v: lookup.get(normalise_key(v)) if isinstance(v, str) else None).astype("str")
    accepted = ", ".join(names[0] for names in labels.values())
    log.flag(text.isna(), header, raw, "missing_required")
    log.flag(text.notna() & keys.isna(), header, raw, "unknown_type", accepted)
    return keys


def _year_column(t: MappedTable, log: IssueLog, role: str) -> pd.Series:
    header, raw = t.raw(role)
    if header is None or raw is None:
        return pd.Series(pd.NA, index=t.frame.index, dtype="Int64")
    parsed = parse_ints(raw)
    values = parsed.values
    implausible = values.notna() & ((values < 1990) | (values > 2100))
    log.flag(parsed.bad | implausible.fillna(False).to_numpy(dtype=bool), header, raw, "bad_year")
    return values.where(~implausible.fillna(False), pd.NA)


def _require_year(t: MappedTable, log: IssueLog, year: pd.Series) -> pd.Series:
    # A row already held for its bad date needs no second finding for the year that date would give.
    log.flag(year.isna().to_numpy(dtype=bool) & ~log.held, "", None, "no_year")
    return year


def _keys(text: pd.Series) -> pd.Series:
    """normalise_key of each value, computed once per distinct value (a column repeats its courses)."""
    codes, uniques = pd.factorize(text)
    keys = np.array([normalise_key(u) for u in uniques] + [None], dtype=object)
    return pd.Series(keys[codes], index=text.index, dtype="str")


def _flag(t: MappedTable, log: IssueLog, role: str) -> pd.Series:
    """An optional yes/no column as a nullable boolean; a value that is neither is noted and left empty."""
    header, raw = t.raw(role)
    if raw is None:
        return pd.Series(pd.NA, index=t.frame.index, dtype="boolean")
    from metrics.intake.yes_no import read_yes_no

    parsed = read_yes_no(raw, log, header or "", "bad_flag", holds=False)  # the row is imported without the value
    return parsed.values.astype("boolean")


def build(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Canonical rows for `kind`, with duplicates inside the file held back."""
    built = builder(kind)(t, kind, opts, contract)
    hold_implausible(t, built, kind, contract)
    hold_too_long(t, built, kind)
    _flag_duplicates(built, kind)
    return built


def _flag_duplicates(built: Built, kind: KindSpec) -> None:
    keys = store.natural_keys(built.rows, kind.name)
    built.rows["nk"] = keys  # computed once; the store reuses it
    keys = keys.where(~built.log.held)  # rows already held are not "the first" of a pair
    dup = keys.duplicated(keep="first") & keys.notna()
    if not dup.any():
        return
    first_row = dict(zip(keys[~dup & keys.notna()], built.rows["excel_row"][~dup & keys.notna()], strict=True))
    positions = np.flatnonzero(dup.to_numpy())
    built.log.flag_each(positions, "", "duplicate_in_file", [str(first_row[keys.iloc[p]]) for p in positions])
