"""Store a prepared file as one upload, all or nothing, unless it would store nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from metrics import store
from metrics.intake import preview
from metrics.intake.refusals import check_pseudonym_key
from metrics.intake.validation import Prepared


def commit(engine: Engine, prepared: Prepared, *, uploaded_by: str | None = None,
           plan: preview.ImportPreview | None = None) -> store.UploadResult:
    """Store the valid rows of a prepared file as one upload (all or nothing).

    Refused, before any upload is logged, when it would store nothing: the same file again
    (store.DuplicateFileError) or no row new or changed (preview.NothingNewError). `plan` is a preview
    just made for these rows; without it one is made here."""
    check_pseudonym_key(engine)
    plan = plan or preview.preview(engine, prepared)
    if plan.same_file is not None:
        raise store.DuplicateFileError(plan.same_file.upload_id, plan.same_file.created_at)
    if not plan.writes_anything:
        raise preview.NothingNewError(plan)
    meta = store.UploadMeta(
        filename=prepared.filename,
        sha256=prepared.sha256,
        kind=prepared.kind,
        sheet=prepared.table.sheet,
        uploaded_by=uploaded_by,
        rows_held=prepared.rows_held,
        mapping={"columns": prepared.mapping, "options": prepared.options.__dict__},
        questions=prepared.questions,
    )
    try:
        return store.import_rows(engine, meta, prepared.rows, refuse_empty=True)
    except store.NothingToStoreError:  # another process stored the rows since the preview
        raise preview.NothingNewError(preview.preview(engine, prepared)) from None
