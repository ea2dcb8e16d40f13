"""Map and check the rows of a detected table: the valid rows, the findings, the notes; nothing stored."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from metrics import store
from metrics.contract import KindSpec, load_contract
from metrics.intake.canonical import MappedTable, UploadOptions, build
from metrics.intake.detection import Detected, complete_mapping
from metrics.intake.findings import Issue, IssueLog, issues_frame
from metrics.intake.layout import Table
from metrics.intake.mapping import duplicate_roles, missing_required
from metrics.intake.refusals import RejectedFileError, headers_text
from metrics.intake.scales import ScaleEvidence
from metrics.intake.year_hint import with_year_from_names
from metrics.messages import Message


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
    notes: list[Message]
    template: str | None = None
    scale_question: ScaleEvidence | None = None  # the file's scale disagrees with the usual one: ask

    @property
    def rows_held(self) -> int:
        return len({i.row for i in self.issues if i.holds})  # a finding on an optional column holds nothing

    def issues_frame(self) -> pd.DataFrame:
        return issues_frame(self.issues)


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
        mapping = complete_mapping(table, mapping)
        options = options or detected.options
        template_name = detected.template if mapping == detected.mapping else None
    options, year_notes = with_year_from_names(options, spec, mapping, table.sheet, filename, contract)
    _check_mapping(mapping, spec, options, table)

    built = build(MappedTable(table.frame, mapping, table.excel_rows, table.sheet, options.year), spec, options, contract)
    built.notes.extend(year_notes)
    _hold_read_findings(built.log, table)
    if _has_macros(data):
        built.notes.append(Message("매크로가 든 파일입니다. 매크로는 실행하지 않고 셀 값만 읽었습니다.",
                                   "The file holds macros; they were not run, only the cell values were read.",
                                   code="macros_not_run"))
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
    # Each group none of whose roles is mapped is named once, in its own words; then the other missing columns.
    unmet = [g for g in spec.one_of if not mapped & set(g.roles)]
    in_groups = {r for g in unmet for r in g.roles}
    alone = [c for c in missing if c.role not in in_groups]
    missing_ko = ", ".join([g.ko for g in unmet] + [c.ko for c in alone])
    missing_en = ", ".join([g.en for g in unmet] + [c.en for c in alone])
    if missing_ko:
        found_ko, found_en = headers_text(table.headers, limit=15)
        raise RejectedFileError(
            f"필수 열이 없습니다: {missing_ko}. 파일의 열: {found_ko}. 열을 연결(매핑)하거나 템플릿을 쓰세요.",
            f"Required columns are missing: {missing_en}. Columns in the file: {found_en}. Map them or use the blank template.",
        )
    doubled = duplicate_roles(mapping, spec)
    if doubled:
        raise RejectedFileError(
            f"한 역할에 여러 열이 연결되었습니다: {', '.join(doubled)}", f"Several columns are mapped to: {', '.join(doubled)}"
        )


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
