"""The whole road for one file: read -> find the table -> map -> validate -> store.

`prepare` does everything but the write (the upload wizard shows its result and lets the person
adjust the mapping); `ingest_file` is prepare + store, as the command line uses it. Each step is its
own module: `detection` (the table and its kind), `validation` (rows and findings), `commit` (the
store), `report` (what happened).
"""

from __future__ import annotations

from sqlalchemy import Engine

from metrics import store
from metrics.contract import UnknownKindError
from metrics.intake import preview
from metrics.intake.canonical import UploadOptions
from metrics.intake.commit import commit
from metrics.intake.detection import detect
from metrics.intake.reading import UnreadableFileError
from metrics.intake.refusals import RejectedFileError
from metrics.intake.report import IngestReport, no_valid_rows, scale_refusal, summary, twins_notes
from metrics.intake.validation import Prepared, validate
from metrics.messages import Message
from metrics.settings import load_settings


def prepare(
    engine: Engine | None,
    data: bytes,
    filename: str,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    options: UploadOptions | None = None,
) -> Prepared:
    """Detect, then map and validate a file (with `mapping` and `options` when the person chose them)."""
    detected = detect(engine, data, filename, kind=kind, sheet=sheet, options=options)
    return validate(data, filename, detected, mapping=mapping, options=options)


def ingest_file(
    engine: Engine,
    data: bytes,
    filename: str,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    year: int | None = None,
    case_type: str | None = None,
    event_type: str | None = None,
    scale: float | None = None,
    uploaded_by: str | None = None,
    dry_run: bool = False,
) -> IngestReport:
    """Prepare and (unless dry_run) store a file; every failure becomes a report, never an exception."""
    options = UploadOptions(year=year, case_type=case_type, event_type=event_type, scale=scale,
                            seconds_per_ring=load_settings().seconds_per_ring)
    try:
        prepared = prepare(engine, data, filename, kind=kind, sheet=sheet, mapping=mapping, options=options)
    except (UnreadableFileError, RejectedFileError, UnknownKindError) as exc:
        return IngestReport(filename, "rejected", exc.message, kind=kind)
    report = IngestReport(
        filename=filename,
        status="dry_run",
        message=Message("", ""),  # said below, once the outcome is known
        kind=prepared.kind,
        sheet=prepared.table.sheet,
        rows_total=len(prepared.table.frame),
        rows_valid=len(prepared.rows),
        rows_held=prepared.rows_held,
        mapping=prepared.mapping,
        issues=prepared.issues,
        notes=prepared.notes + twins_notes(engine, prepared),
    )
    if prepared.scale_question is not None:  # never guessed: the person says --scale
        report.status, report.message = "rejected", scale_refusal(prepared.scale_question)
        return report
    if prepared.rows.empty:
        report.status, report.message = "rejected", no_valid_rows(prepared, detected=kind is None)
        return report
    plan = preview.preview(engine, prepared)
    report.rows_new, report.rows_duplicate, report.rows_superseded = plan.rows_new, plan.rows_repeated, plan.rows_changed
    report.years = list(plan.years)
    if plan.same_file is not None:
        report.status, report.message = "rejected", plan.same_file.message()
        return report
    if dry_run:
        report.message = summary(report, imported=False)
        return report
    if not plan.writes_anything:
        report.status, report.message = "nothing_new", preview.nothing_new_message(plan)
        return report
    try:
        result = commit(engine, prepared, uploaded_by=uploaded_by, plan=plan)
    except store.DuplicateFileError as exc:  # the same file landed from elsewhere since the preview
        report.status, report.message = "rejected", exc.message
        return report
    except preview.NothingNewError as exc:  # its rows landed from elsewhere since the preview
        fresh = exc.plan
        report.rows_new, report.rows_duplicate, report.rows_superseded = fresh.rows_new, fresh.rows_repeated, fresh.rows_changed
        report.status, report.message = "nothing_new", preview.nothing_new_message(fresh)
        return report
    report.status = "imported"
    report.upload_id = result.upload_id
    report.rows_imported = result.rows_imported
    report.rows_duplicate = result.rows_duplicate
    report.rows_superseded = result.rows_superseded
    report.rows_new = result.rows_imported - result.rows_superseded
    report.message = summary(report, imported=True)
    return report
