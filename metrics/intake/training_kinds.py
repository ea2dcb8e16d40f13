"""Builder of the training attendance: one row per trainee and course, the person kept only as a pseudonym."""

from __future__ import annotations

import pandas as pd

from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builds
from metrics.intake.canonical import Built, MappedTable, UploadOptions, _dates, _keys, _text
from metrics.intake.findings import IssueLog
from metrics.intake.periods import parse_periods
from metrics.intake.yes_no import read_yes_no
from metrics.messages import Message
from metrics.store.pseudonym import identity_text, load_key, pseudonymise


@builds("attendance")
def build_attendance(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Enrolments: the trainee pseudonymised, never their name, birth date or phone."""
    masked = frozenset(h for r in kind.roles_of("personal") for h in t.headers(r))
    log = IssueLog(t.sheet, t.excel_rows, masked)
    course = _text(t, "course", log, required=True)
    start = _dates(t, log, "start_date", optional=True)  # the end date decides the year and the count
    period_header, period_raw = t.raw("course_period")
    end = _dates(t, log, "end_date", required=period_raw is None)
    end_header, end_raw = t.raw("end_date")
    if period_header is not None and period_raw is not None:  # 교육기간 "2026.03.02~03.06": the dates not given apart
        first, last, bad = parse_periods(period_raw)
        start, end = start.fillna(first), end.fillna(last)
        if end_header is None:  # the period stands in for the end date, and is named in its findings
            end_header, end_raw = period_header, period_raw
        log.flag(bad.to_numpy(dtype=bool) & end.isna().to_numpy(), period_header, period_raw, "bad_date")
        log.flag((end.isna() & ~bad).to_numpy(dtype=bool), end_header, end_raw, "missing_required")
    log.flag((end < start).fillna(False).to_numpy(dtype=bool), end_header or "", end_raw, "end_before_start")
    done_header, done_raw = t.raw("completed")
    assert done_header is not None and done_raw is not None, "completed is required (ingest._check_mapping)"
    done = read_yes_no(done_raw, log, done_header)
    log.flag(done.values.isna() & ~done.bad, done_header, done_raw, "missing_required")
    name, birth, phone, ref = (t.raw(r)[1] for r in ("name", "birth_date", "phone", "trainee_ref"))
    identity = identity_text(name, birth, phone, ref, index=t.frame.index)
    notes = []
    if (identity == "").all():
        notes.append(Message("교육생을 식별할 열(성명·생년월일·연락처·번호)이 없어 실인원은 셀 수 없습니다.",
                             "No column identifies trainees, so unique trainees cannot be counted.", code="no_trainee_identity"))
    rows = pd.DataFrame(
        {
            "trainee_id": pseudonymise(identity, load_key()),
            "course": course,
            "course_key": _keys(course),
            "cohort": _text(t, "cohort"),
            "start_date": start,
            "end_date": end,
            "year": end.dt.year.astype("Int64"),
            "completed": done.values.fillna(False).astype(bool),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log, notes=notes)
