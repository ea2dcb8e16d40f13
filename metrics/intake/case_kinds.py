"""Builders of the requests answered against a clock: deadline cases and phone calls."""

from __future__ import annotations

import numpy as np
import pandas as pd

from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builds
from metrics.intake.canonical import Built, MappedTable, UploadOptions, _dates, _enum, _flag, _text
from metrics.intake.findings import IssueLog
from metrics.intake.values import parse_numbers
from metrics.timeofday import split_clock


@builds("cases")
def build_cases(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Deadline cases: type, received, completed (empty while open), interim notice."""
    log = IssueLog(t.sheet, t.excel_rows)
    case_type = _enum(t, log, contract, "case_type", "case_type", opts.case_type)
    # The time of day of a date-time cell or of a column beside the date (접수시각) is kept apart from the date.
    received, received_time = split_clock(_dates(t, log, "received", required=True, with_time=True, clock="received_time"))
    completed, completed_time = split_clock(_dates(t, log, "completed", ends=True, with_time=True, clock="completed_time"))
    interim = _dates(t, log, "interim")
    h, raw = t.raw("completed")
    earlier = (completed < received) | ((completed == received) & (completed_time < received_time))
    log.flag(earlier.fillna(False).to_numpy(dtype=bool), h or "", raw, "completed_before_received")
    h, raw = t.raw("interim")
    log.flag((interim < received).fillna(False).to_numpy(dtype=bool), h or "", raw, "interim_before_received")
    rows = pd.DataFrame(
        {
            "case_type": case_type,
            "ref": _text(t, "ref"),
            "title": _text(t, "title"),
            "received": received,
            "received_time": received_time,
            "completed": completed,
            "completed_time": completed_time,
            "interim": interim,
            "expert_team": _flag(t, log, "expert_team"),
            "year": received.dt.year.astype("Int64"),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)


@builds("calls")
def build_calls(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Phone calls: rings before the answer, or seconds converted with seconds-per-ring."""
    log = IssueLog(t.sheet, t.excel_rows)
    call_time = _dates(t, log, "call_time", required=True, with_time=True, clock="call_clock")
    header, raw = t.raw("rings")
    if header is None or raw is None:
        header, raw = t.raw("answer_seconds")
        assert header is not None and raw is not None, "rings or answer_seconds (ingest._check_mapping)"
        parsed = parse_numbers(raw)
        rings = np.ceil(parsed.values / opts.seconds_per_ring)
    else:
        parsed = parse_numbers(raw)
        rings = parsed.values
    log.flag(parsed.bad, header, raw, "bad_number")
    log.flag((parsed.values < 0).fillna(False).to_numpy(dtype=bool), header, raw, "negative")
    log.flag(parsed.values.isna() & ~parsed.bad, header, raw, "missing_required")
    rows = pd.DataFrame(
        {"call_time": call_time, "rings": rings, "year": call_time.dt.year.astype("Int64"), "excel_row": t.excel_rows}
    )
    return Built(rows, log)
