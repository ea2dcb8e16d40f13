"""Find a file's table and tell its kind: the sheet that best fits, and a mapping to start from.

Of a workbook with several sheets, only the first rows of each are read to choose; then only the
chosen sheet is read whole.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from sqlalchemy import Engine

from metrics.contract import load_contract
from metrics.intake.canonical import UploadOptions
from metrics.intake.layout import Table, locate_table
from metrics.intake.mapping import detect_kind, names_a_column, suggest_mapping
from metrics.intake.reading import RawSheet, UnreadableFileError, Upload, open_upload
from metrics.intake.refusals import RejectedFileError, check_pseudonym_key, headers_text
from metrics.intake.saved_mappings import Template, apply_template, find_template
from metrics.settings import load_settings

# Below this, a detected kind is a guess too weak to import without the person choosing it.
MIN_KIND_SCORE = 3.0

PREVIEW_ROWS = 200  # rows of each sheet read to choose among several (the header is within the first 39)


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
        mapping = complete_mapping(table, template.mapping)
        return Detected(kind, table, mapping, _merge_template_options(options, template.options), template.name)
    return Detected(kind, table, complete_mapping(table, suggest_mapping(table.frame, contract.kind(kind))), options)


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
    if table.frame.empty:  # a blank template, or an export with no responses yet: nothing to map or import
        found_ko, found_en = headers_text(table.headers)
        raise RejectedFileError(
            f"'{table.sheet}' 시트의 머리글 아래에 데이터 행이 없습니다 (찾은 열: {found_ko}). 자료를 채운 뒤 다시 올려 주세요.",
            f"Sheet '{table.sheet}' has no data rows under its header (columns found: {found_en}). Fill it in and upload it again.",
            code="no_data_rows",
        )
    # A guess with no column recognised (only numbers that could be ratings) is no guess at all.
    if kind is None and (score < MIN_KIND_SCORE or not reasons):
        kinds = load_contract().kinds
        found_ko, found_en = headers_text(table.headers)
        # The Korean half names the kinds as the upload page does; the English half keeps the codes --kind takes.
        raise RejectedFileError(
            f"어떤 자료인지 알아낼 수 없습니다. 업로드 종류를 직접 고르세요 ({', '.join(k.ko for k in kinds.values())}). "
            f"찾은 열: {found_ko}",
            f"Could not tell what kind of data this is; choose the kind ({', '.join(kinds)}). Columns found: {found_en}",
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
            table = locate_table(raw, contract_names=names_a_column)
        except UnreadableFileError as exc:
            first_error = first_error or exc
            continue
        context = " ".join([filename, raw.name, _text_above_header(raw, table)])
        guesses = detect_kind(table.frame, context)
        guess = next(g for g in guesses if g.kind == kind) if kind else guesses[0]
        if best is None or guess.score > best[0]:
            best = _Candidate(guess.score, table, guess.kind, tuple(guess.reasons), raw)
    return best, first_error


def _text_above_header(raw: RawSheet, table: Table) -> str:
    """Title and note text above the header: often says what the sheet is (e.g. 참가기업 만족도)."""
    first_header = min(table.header_rows) if table.header_rows else 1
    cells = [c for row in raw.grid[: max(0, first_header - 1)] for c in row if isinstance(c, str)]
    return " ".join(cells)[:500]


def _merge_template_options(options: UploadOptions, saved: Mapping[str, Any]) -> UploadOptions:
    fields = {k: v for k, v in saved.items() if k in UploadOptions.__dataclass_fields__ and getattr(options, k) in (None, 3.0)}
    return replace(options, **fields)


def complete_mapping(table: Table, mapping: dict[str, str]) -> dict[str, str]:
    """Every header of the table in the mapping (unmapped ones as ""), and no header it does not have."""
    unknown = [h for h in mapping if h not in table.headers]
    if unknown:
        raise RejectedFileError(
            f"매핑에 있는 열이 파일에 없습니다: {', '.join(unknown)}", f"The mapping names columns the file lacks: {', '.join(unknown)}"
        )
    return {h: mapping.get(h, "") or "" for h in table.headers}
