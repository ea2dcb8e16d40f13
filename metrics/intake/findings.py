"""Validation findings: one per rejected cell or row, with the Excel row a person sees, in Korean and English."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from metrics.messages import Message

# code -> (Korean, English). {expected} is filled per finding.
MESSAGES: dict[str, tuple[str, str]] = {
    "bad_date": ("날짜로 읽을 수 없습니다 (예: 2026-03-15, 2026.3.15)", "not a date (e.g. 2026-03-15, 2026.3.15)"),
    "bad_time": ("시각으로 읽을 수 없습니다 (예: 09:15, 오후 2:05)", "not a time of day (e.g. 09:15, 2:05 PM)"),
    "bad_rating": ("점수나 리커트 응답으로 읽을 수 없습니다 (예: 5, 매우 만족)", "not a rating or Likert answer (e.g. 5, very satisfied)"),
    "out_of_scale": ("척도 범위 {expected} 밖의 점수입니다", "rating outside the scale {expected}"),
    "bad_number": ("숫자로 읽을 수 없습니다", "not a number"),
    "bad_yes_no": ("예·아니오로 읽을 수 없습니다 (Y/N, O/X, 예/아니오, 수료/미수료)", "not a yes/no value (Y/N, O/X, 예/아니오, 수료/미수료)"),
    "bad_flag": ("예·아니오로 읽을 수 없습니다 (Y/N, 예/아니오, O/X)", "not a yes/no value (Y/N, O/X)"),
    "unknown_group": ("알 수 없는 참여 대상입니다. 허용: {expected}", "unknown participant group; accepted: {expected}"),
    "missing_required": ("필수 값이 비어 있습니다", "required value is empty"),
    "unknown_type": ("알 수 없는 구분입니다. 허용: {expected}", "unknown type; accepted: {expected}"),
    "completed_before_received": ("처리일이 접수일보다 앞섭니다", "completed before it was received"),
    "interim_before_received": ("중간안내일이 접수일보다 앞섭니다", "interim notice before it was received"),
    "end_before_start": ("종료일이 시작일보다 앞섭니다", "ends before it starts"),
    "posted_to_before_from": ("게시종료일이 게시시작일보다 앞섭니다", "taken down before it was posted"),
    "negative": ("0보다 작을 수 없습니다", "cannot be negative"),
    "no_year": ("연도를 정할 수 없습니다. 날짜 열을 연결하거나 업로드할 때 연도를 지정하세요",
                "the year cannot be decided; map a date column or give the year at upload"),
    "no_answer": ("평가 응답이 하나도 없습니다", "no rating answered"),
    "duplicate_in_file": ("파일 안에서 {expected}행과 중복됩니다", "duplicate of row {expected} in this file"),
    "bad_year": ("연도로 읽을 수 없습니다 (1990–2100)", "not a year (1990–2100)"),
    # Bytes that needed help to read (metrics.intake.decoding): the row is held so that a person checks it.
    "other_encoding": ("이 행만 다른 인코딩({expected})으로 저장되어 있습니다. 파일 전체를 UTF-8로 다시 저장해 주세요",
                       "this row alone is in another encoding ({expected}); save the whole file again as UTF-8"),
    "undecodable": ("이 행에 UTF-8로도 CP949로도 읽을 수 없는 바이트가 있습니다 (깨진 글자 �)",
                    "this row holds bytes that are neither UTF-8 nor CP949 (shown as �)"),
    "broken_character": ("이 행에 이미 깨진 글자(�)가 있습니다. 원본에서 고쳐 주세요",
                         "this row holds a character already broken (�); fix it in the source"),
    "nul_byte": ("이 행에 NUL(0) 바이트가 있어 지웠습니다. 값을 확인해 주세요",
                 "this row held NUL (zero) bytes, which were removed; check its values"),
    # Values outside the plausible ranges of the data contract (metrics.intake.plausible).
    "implausible": ("있을 수 없는 값입니다 (허용 범위 {expected})", "implausible value (accepted: {expected})"),
    "implausible_date": ("있을 수 없는 날짜입니다 (허용 연도 {expected})", "implausible date (years {expected} accepted)"),
    "implausible_year": ("있을 수 없는 연도입니다 (허용 {expected})", "implausible year ({expected} accepted)"),
    "too_long": ("글자가 너무 깁니다 (최대 {expected}자)", "text too long (at most {expected} characters)"),
}


# A yes/no cell that says "partly" (△, 부분 실시): still bad_yes_no / bad_flag, in words that say why.
PARTLY = ("'일부'(△·부분)는 예도 아니오도 아닙니다. 원본에서 예 또는 아니오로 정해 주세요",
          "'partly' (△) is neither yes nor no; settle it as yes or no in the source")

# A date written without its year ("3/4", "Mar 4") and no year given at upload: still bad_date, saying why.
NO_YEAR = ("연도가 없는 날짜입니다. 날짜에 연도를 넣거나, 업로드할 때 연도를 지정하세요 (지정한 연도로 읽습니다)",
           "a date without its year; write the year, or give the year at upload (the date is read in that year)")

# Added to a finding on an optional column, whose row is imported without the value.
IMPORTED_ANYWAY = (" (이 값 없이 행은 가져옵니다)", " (the row is imported without this value)")


@dataclass(frozen=True)
class Issue:
    """One rejected cell or row."""

    sheet: str
    row: int
    column: str
    value: str
    code: str
    message: Message
    holds: bool = True  # False: a finding on an optional column; the row is imported without that value

    def as_dict(self) -> dict[str, Any]:
        """The finding for machines (the command line's JSON, the problems table): its words in both languages."""
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "value": self.value, "code": self.code,
                "message_ko": self.message.ko, "message_en": self.message.en, "holds": self.holds}


def make_issue(sheet: str, row: int, column: str, value: object, code: str, expected: str = "",
               words: tuple[str, str] | None = None) -> Issue:
    """An Issue with its message filled in from MESSAGES, or in `words` closer to the cell than its code's."""
    ko, en = words or MESSAGES[code]
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # Excel stores 7 as 7.0; show it as the person typed it
    # pd.isna takes any scalar; its stubs list only some
    shown = "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)  # type: ignore[call-overload]
    said = Message(ko.format(expected=expected), en.format(expected=expected), code)
    return Issue(sheet, int(row), column, shown[:200], code, said)


class IssueLog:
    """Collects findings for one table and remembers which rows they hold back."""

    def __init__(self, sheet: str, excel_rows: np.ndarray, masked_columns: frozenset[str] = frozenset()):
        self.sheet = sheet
        self.excel_rows = np.asarray(excel_rows)
        self.held = np.zeros(len(self.excel_rows), dtype=bool)
        self.issues: list[Issue] = []
        # Personal columns: report the row and column, never the value.
        self.masked_columns = masked_columns

    def flag(self, mask: npt.ArrayLike, column: str, raw: pd.Series | None, code: str, expected: str = "",
             words: tuple[str, str] | None = None) -> None:
        """Record an issue for every row where `mask` is True and hold those rows back."""
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        self.held |= mask
        self._record(mask, column, raw, code, expected, holds=True, words=words)

    def note(self, mask: npt.ArrayLike, column: str, raw: pd.Series | None, code: str, expected: str = "",
             words: tuple[str, str] | None = None) -> None:
        """Record an issue for every row where `mask` is True on an optional column: the rows are still imported."""
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self._record(mask, column, raw, code, expected, holds=False, words=words)

    def _record(self, mask: np.ndarray, column: str, raw: pd.Series | None, code: str, expected: str, *,
                holds: bool, words: tuple[str, str] | None = None) -> None:
        positions = np.flatnonzero(mask)
        values = raw.to_numpy()[positions] if raw is not None else [None] * len(positions)
        masked = column in self.masked_columns
        for pos, value in zip(positions, values, strict=True):
            shown = "***" if masked and value is not None else value
            issue = make_issue(self.sheet, self.excel_rows[pos], column, shown, code, expected, words)
            if not holds:
                said = issue.message
                issue = replace(issue, holds=False,
                                message=Message(said.ko + IMPORTED_ANYWAY[0], said.en + IMPORTED_ANYWAY[1], said.code))
            self.issues.append(issue)

    def flag_each(self, positions: np.ndarray, column: str, code: str, expected: list[str]) -> None:
        """Record one issue per position, each with its own expected text (e.g. the row it duplicates)."""
        for pos, exp in zip(positions, expected, strict=True):
            self.held[pos] = True
            self.issues.append(make_issue(self.sheet, self.excel_rows[pos], column, None, code, exp))

    def frame(self) -> pd.DataFrame:
        """The findings as a table (for the downloadable report)."""
        return issues_frame(self.issues)


def issues_frame(issues: list[Issue]) -> pd.DataFrame:
    """Findings as a DataFrame ordered by row."""
    cols = ["sheet", "row", "column", "value", "code", "message_ko", "message_en"]
    if not issues:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in cols})
    return pd.DataFrame([i.as_dict() for i in issues], columns=cols).sort_values(["row", "column"], kind="stable")
