"""The whole road for one file: read -> find the table -> map -> validate -> store.

`prepare` does everything but the write (the upload wizard shows its result and lets the person
adjust the mapping); `ingest_file` is prepare + store, as the command line uses it.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from metrics import store
from metrics.contract import KindSpec, UnknownKindError, load_contract
from metrics.intake import preview, reexport
from metrics.intake.canonical import MappedTable, UploadOptions, build
from metrics.intake.findings import Issue, IssueLog, issues_frame
from metrics.intake.layout import Table, locate_table
from metrics.intake.mapping import detect_kind, duplicate_roles, missing_required, suggest_mapping
from metrics.intake.reading import RawSheet, UnreadableFileError, Upload, open_upload
from metrics.intake.saved_mappings import Template, apply_template, find_template
from metrics.intake.scales import ScaleEvidence
from metrics.intake.year_hint import with_year_from_names
from metrics.messages import CharterError
from metrics.settings import load_settings
from metrics.store import pseudonym

# Below this, a detected kind is a guess too weak to import without the person choosing it.
MIN_KIND_SCORE = 3.0
PREVIEW_ROWS = 200  # rows of each sheet read to choose among several (the header is within the first 39)


class RejectedFileError(CharterError):
    """The file cannot be imported as asked; the message says why and what to do, in Korean and English."""


def _headers_text(headers: list[str], *, limit: int = 8, width: int = 30) -> tuple[str, str]:
    """The first headers, each cut to `width`, and how many more: (Korean, English)."""
    shown = ", ".join(h if len(h) <= width else h[: width - 1] + "…" for h in headers[:limit])
    more = len(headers) - limit
    return (shown + (f" 외 {more}개" if more > 0 else ""), shown + (f" and {more} more" if more > 0 else ""))


@dataclass(frozen=True)
class Prepared:
    """A file read, its table found, mapped and validated, not yet stored."""

    filename: str
    sha256: str
    kind: str
    table: Table
    mapping: dict[str, str]
    options: UploadOptions
    rows: pd.DataFrame
    issues: list[Issue]
    questions: tuple[str, ...]
    notes: list[str]
    template: str | None = None
    scale_question: ScaleEvidence | None = None  # the file's scale disagrees with the usual one: ask

    @property
    def rows_held(self) -> int:
        return len({i.row for i in self.issues if i.holds})  # a finding on an optional column holds nothing

    def issues_frame(self) -> pd.DataFrame:
        return issues_frame(self.issues)


@dataclass
class IngestReport:
    """What happened to a file, for people (message) and machines (to_dict)."""

    filename: str
    status: str  # imported | dry_run | nothing_new (every valid row stored already: no upload made) | rejected
    message: str
    kind: str | None = None
    sheet: str | None = None
    rows_total: int = 0
    rows_valid: int = 0
    rows_held: int = 0
    upload_id: int | None = None
    rows_imported: int = 0
    rows_duplicate: int = 0
    rows_superseded: int = 0
    rows_new: int = 0  # stored for the first time (imported) or would be (dry_run)
    years: list[int] = field(default_factory=list)  # the years of the valid rows
    mapping: dict[str, str] = field(default_factory=dict)
    issues: list[Issue] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "dry_run", "nothing_new")

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "issues"}
        d["issues"] = [i.as_dict() for i in self.issues]
        return d


@dataclass(frozen=True)
class Detected:
    """A file read and its table found: the kind, and a mapping to start from (a template's or suggested)."""

    kind: str
    table: Table
    mapping: dict[str, str]
    options: UploadOptions
    template: str | None = None


def detect(
    engine: Engine | None,
    data: bytes,
    filename: str,
    *,
    kind: str | None = None,
    sheet: str | None = None,
    options: UploadOptions | None = None,
) -> Detected:
    """Read a file and find its table and kind; raises UnreadableFileError or RejectedFileError."""
    settings = load_settings()
    options = options or UploadOptions(seconds_per_ring=settings.seconds_per_ring)
    contract = load_contract()
    if kind is not None:
        contract.kind(kind)  # an unknown kind: UnknownKindError, which names the known ones
    if engine is not None:
        check_pseudonym_key(engine)
    table, kind = _choose_table(data, filename, sheet, kind)
    if len(table.frame) > settings.max_rows:
        raise RejectedFileError(
            f"행이 너무 많습니다 ({len(table.frame):,}행, 한도 {settings.max_rows:,}행). 파일을 나누어 올리세요.",
            f"Too many rows ({len(table.frame):,}; limit {settings.max_rows:,}). Split the file.",
        )
    template = find_template(engine, table.headers) if engine is not None else None
    if template and template.kind == kind:
        mapping = _complete_mapping(table, template.mapping)
        return Detected(kind, table, mapping, _merge_template_options(options, template.options), template.name)
    return Detected(kind, table, _complete_mapping(table, suggest_mapping(table.frame, contract.kind(kind))), options)


def with_template(detected: Detected, template: Template) -> Detected:
    """The detected table with a saved template chosen by hand (its columns may differ a little from the
    sheet's): its roles on the columns it knows, its options where none was chosen."""
    if template.kind != detected.kind:
        raise RejectedFileError(
            f"다른 종류의 자료용 양식입니다: '{template.name}'.", f"The template '{template.name}' is for another kind of data."
        )
    multiple = frozenset(c.role for c in load_contract().kind(detected.kind).columns if c.multiple)
    mapping = apply_template(template, detected.table.headers, detected.mapping, multiple)
    return replace(detected, mapping=mapping, options=_merge_template_options(detected.options, template.options),
                   template=template.name)


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


def validate(
    data: bytes,
    filename: str,
    detected: Detected,
    *,
    mapping: dict[str, str] | None = None,
    options: UploadOptions | None = None,
) -> Prepared:
    """Map and check the rows of a detected table (the file is not read again)."""
    table, kind, contract = detected.table, detected.kind, load_contract()
    spec = contract.kind(kind)
    if mapping is None:
        mapping, options, template_name = detected.mapping, detected.options, detected.template
    else:
        mapping = _complete_mapping(table, mapping)
        options = options or detected.options
        template_name = detected.template if mapping == detected.mapping else None
    options, year_notes = with_year_from_names(options, spec, mapping, table.sheet, filename, contract)
    _check_mapping(mapping, spec, options, table)

    built = build(MappedTable(table.frame, mapping, table.excel_rows, table.sheet), spec, options, contract)
    built.notes.extend(year_notes)
    _hold_read_findings(built.log, table)
    if _has_macros(data):
        built.notes.append("매크로가 든 파일입니다. 매크로는 실행하지 않고 셀 값만 읽었습니다. / "
                           "The file holds macros; they were not run, only the cell values were read.")
    valid = built.rows.loc[~built.log.held].reset_index(drop=True)
    return Prepared(
        filename=filename,
        sha256=store.file_sha256(data),
        kind=kind,
        table=table,
        mapping=mapping,
        options=options,
        rows=valid,
        issues=built.log.issues,
        questions=built.questions,
        notes=built.notes,
        template=template_name,
        scale_question=built.scale_question,
    )


def _choose_table(data: bytes, filename: str, sheet: str | None, kind: str | None) -> tuple[Table, str]:
    """The sheet's table and its kind: the named sheet, else the sheet that best fits a kind.

    Of a workbook with several sheets, only the first rows of each are read to choose; then only the
    chosen sheet is read whole (a few sheets or a few thousand cost the same memory).
    """
    with open_upload(data, filename) as upload:
        if sheet or len(upload.names) == 1:
            best, first_error = _best_table([upload.sheet(upload.match(sheet))], filename, kind)
        else:
            previews, first_error = _previews(upload)
            best, error = _best_table(previews, filename, kind)
            first_error = first_error or error
            if best is not None and not best.raw.complete:
                best, first_error = _best_table([upload.sheet(best.raw.name)], filename, kind)
    if best is None:
        raise first_error or UnreadableFileError("empty", "표를 찾을 수 없습니다.", "No table found in the file.")
    score, table, chosen, reasons = best.score, best.table, best.kind, best.reasons
    # A guess with no column recognised (only numbers that could be ratings) is no guess at all.
    if kind is None and (score < MIN_KIND_SCORE or not reasons):
        kinds = ", ".join(load_contract().kinds)
        found_ko, found_en = _headers_text(table.headers)
        raise RejectedFileError(
            f"어떤 자료인지 알아낼 수 없습니다. 업로드 종류를 직접 고르세요 ({kinds}). 찾은 열: {found_ko}",
            f"Could not tell what kind of data this is; choose the kind ({kinds}). Columns found: {found_en}",
        )
    return table, chosen


def _previews(upload: Upload) -> tuple[list[RawSheet], UnreadableFileError | None]:
    """The first rows of every sheet that holds data, and the first reason a sheet was skipped."""
    previews, first_error = [], None
    for name in upload.names:
        try:
            previews.append(upload.preview(name, PREVIEW_ROWS))
        except UnreadableFileError as exc:
            if exc.code != "empty":
                raise
            first_error = first_error or exc
    return previews, first_error


class _Candidate(NamedTuple):
    score: float
    table: Table
    kind: str
    reasons: tuple[str, ...]
    raw: RawSheet


def _best_table(
    sheets: list[RawSheet], filename: str, kind: str | None
) -> tuple[_Candidate | None, UnreadableFileError | None]:
    """The sheet that best fits `kind` (or any kind), and the first reason a sheet had no table."""
    best: _Candidate | None = None
    first_error: UnreadableFileError | None = None
    for raw in sheets:
        try:
            table = locate_table(raw)
        except UnreadableFileError as exc:
            first_error = first_error or exc
            continue
        context = " ".join([filename, raw.name, _text_above_header(raw, table)])
        guesses = detect_kind(table.frame, context)
        guess = next(g for g in guesses if g.kind == kind) if kind else guesses[0]
        if best is None or guess.score > best[0]:
            best = _Candidate(guess.score, table, guess.kind, tuple(guess.reasons), raw)
    return best, first_error


def _hold_read_findings(log: IssueLog, table: Table) -> None:
    """Rows whose bytes needed help to read (another encoding, bytes of neither, NUL) are held with a finding."""
    for code in dict.fromkeys(f.code for f in table.findings):
        found = [f for f in table.findings if f.code == code]
        positions = np.searchsorted(table.excel_rows, [f.row for f in found])
        log.flag_each(positions, "", code, [f.detail for f in found])


def _has_macros(data: bytes) -> bool:
    """True for a workbook carrying a VBA project (.xlsm, .xls with macros): we read values only."""
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:  # already proved a sound zip by the reader
            return any(name.lower().endswith("vbaproject.bin") for name in archive.namelist())
    return data[:4] == b"\xd0\xcf\x11\xe0" and "_VBA_PROJECT".encode("utf-16-le") in data


def _text_above_header(raw: RawSheet, table: Table) -> str:
    """Title and note text above the header: often says what the sheet is (e.g. 참가기업 만족도)."""
    first_header = min(table.header_rows) if table.header_rows else 1
    cells = [c for row in raw.grid[: max(0, first_header - 1)] for c in row if isinstance(c, str)]
    return " ".join(cells)[:500]


def _merge_template_options(options: UploadOptions, saved: Mapping[str, Any]) -> UploadOptions:
    fields = {k: v for k, v in saved.items() if k in UploadOptions.__dataclass_fields__ and getattr(options, k) in (None, 3.0)}
    return replace(options, **fields)


def _complete_mapping(table: Table, mapping: dict[str, str]) -> dict[str, str]:
    """Every header of the table in the mapping (unmapped ones as ""), and no header it does not have."""
    unknown = [h for h in mapping if h not in table.headers]
    if unknown:
        raise RejectedFileError(
            f"매핑에 있는 열이 파일에 없습니다: {', '.join(unknown)}", f"The mapping names columns the file lacks: {', '.join(unknown)}"
        )
    return {h: mapping.get(h, "") or "" for h in table.headers}


def _check_mapping(mapping: dict[str, str], spec: KindSpec, options: UploadOptions, table: Table) -> None:
    mapped = set(mapping.values())
    # Roles the upload's options give for every row (one case type for the whole sheet, the year).
    given = {o for o in spec.options if o == spec.type_column and getattr(options, o)}
    if options.year is not None:
        given.add("exhibition_year")
    for group in spec.one_of:  # one role of a group mapped stands in for the others (seconds for rings)
        if group.roles and mapped & set(group.roles):
            given.update(group.roles)
    missing = missing_required(mapping, spec, given)
    unmet = next((g for g in spec.one_of if not mapped & set(g.roles)), None)
    if unmet is not None:
        missing_ko, missing_en = unmet.ko, unmet.en
    else:
        missing_ko, missing_en = ", ".join(c.ko for c in missing), ", ".join(c.en for c in missing)
    if missing_ko:
        found_ko, found_en = _headers_text(table.headers, limit=15)
        raise RejectedFileError(
            f"필수 열이 없습니다: {missing_ko}. 파일의 열: {found_ko}. 열을 연결(매핑)하거나 템플릿을 쓰세요.",
            f"Required columns are missing: {missing_en}. Columns in the file: {found_en}. Map them or use the blank template.",
        )
    doubled = duplicate_roles(mapping, spec)
    if doubled:
        raise RejectedFileError(
            f"한 역할에 여러 열이 연결되었습니다: {', '.join(doubled)}", f"Several columns are mapped to: {', '.join(doubled)}"
        )


def check_pseudonym_key(engine: Engine) -> None:
    """Refuse, before anything is read into the store, to work under a key other than the database's."""
    try:
        pseudonym.key_for(engine)
    except pseudonym.PseudonymKeyError as error:
        raise RejectedFileError(error.message.ko, error.message.en, code=error.code) from error


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
        return IngestReport(filename, "rejected", str(exc.message), kind=kind)
    report = IngestReport(
        filename=filename,
        status="dry_run",
        message="",
        kind=prepared.kind,
        sheet=prepared.table.sheet,
        rows_total=len(prepared.table.frame),
        rows_valid=len(prepared.rows),
        rows_held=prepared.rows_held,
        mapping=prepared.mapping,
        issues=prepared.issues,
        notes=prepared.notes + _twins_notes(engine, prepared),
    )
    if prepared.scale_question is not None:  # never guessed: the person says --scale
        report.status, report.message = "rejected", _scale_refusal(prepared.scale_question)
        return report
    if prepared.rows.empty:
        report.status = "rejected"
        report.message = (f"가져올 수 있는 행이 없습니다 (문제 {len(prepared.issues)}건). / "
                          f"No valid rows to import ({len(prepared.issues)} problems).")
        if kind is None:
            spec = load_contract().kind(prepared.kind)
            report.message += (f" 자동으로 '{spec.ko}'(으)로 읽었습니다. 다른 자료라면 종류를 직접 고르세요. / "
                               f"Read as '{spec.en}' by detection; if it is something else, choose the kind.")
        return report
    plan = preview.preview(engine, prepared)
    report.rows_new, report.rows_duplicate, report.rows_superseded = plan.rows_new, plan.rows_repeated, plan.rows_changed
    report.years = list(plan.years)
    if plan.same_file is not None:
        report.status, report.message = "rejected", plan.same_file.message()
        return report
    if dry_run:
        report.message = _summary(report, imported=False)
        return report
    if not plan.writes_anything:
        report.status, report.message = "nothing_new", str(preview.nothing_new_message(plan))
        return report
    try:
        result = commit(engine, prepared, uploaded_by=uploaded_by, plan=plan)
    except store.DuplicateFileError as exc:  # the same file landed from elsewhere since the preview
        report.status, report.message = "rejected", str(exc)
        return report
    except preview.NothingNewError as exc:  # its rows landed from elsewhere since the preview
        fresh = exc.plan
        report.rows_new, report.rows_duplicate, report.rows_superseded = fresh.rows_new, fresh.rows_repeated, fresh.rows_changed
        report.status, report.message = "nothing_new", str(preview.nothing_new_message(fresh))
        return report
    report.status = "imported"
    report.upload_id = result.upload_id
    report.rows_imported = result.rows_imported
    report.rows_duplicate = result.rows_duplicate
    report.rows_superseded = result.rows_superseded
    report.rows_new = result.rows_imported - result.rows_superseded
    report.message = _summary(report, imported=True)
    return report


def _scale_refusal(evidence: ScaleEvidence) -> str:
    """Why the command line will not pick the scale, what it saw, and the options to give."""
    seen_ko, seen_en = evidence.seen()
    options = " 또는 ".join(f"--scale {s:g}" for s in evidence.choices)
    options_en = " or ".join(f"--scale {s:g}" for s in evidence.choices)
    return (f"척도를 정할 수 없어 가져오지 않았습니다: {seen_ko} {options}(으)로 다시 실행하세요. / "
            f"Not imported, the scale is unclear: {seen_en} Run again with {options_en}.")


def _twins_notes(engine: Engine, prepared: Prepared) -> list[str]:
    """The re-export warning, when the file's timeless survey responses are mostly stored already."""
    note = reexport.reexport_note(engine, prepared.kind, prepared.rows)
    return [note] if note else []


def _summary(r: IngestReport, *, imported: bool) -> str:
    if imported:
        return (f"{r.rows_imported:,}행을 가져왔습니다 (이미 있던 행 {r.rows_duplicate:,}, 보류 {r.rows_held:,}). / "
                f"Imported {r.rows_imported:,} rows ({r.rows_duplicate:,} already stored, {r.rows_held:,} held back).")
    return (f"가져올 수 있는 행 {r.rows_valid:,} (새 행 {r.rows_new:,}, 바뀐 행 {r.rows_superseded:,}, "
            f"이미 있던 행 {r.rows_duplicate:,}), 보류 {r.rows_held:,} (저장하지 않음). / "
            f"{r.rows_valid:,} rows valid ({r.rows_new:,} new, {r.rows_superseded:,} changed, "
            f"{r.rows_duplicate:,} already stored), {r.rows_held:,} held back (nothing stored).")
