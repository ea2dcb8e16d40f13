"""What happened to a file, for people (its message) and machines (to_dict)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine

from metrics.contract import load_contract
from metrics.intake import reexport
from metrics.intake.findings import Issue
from metrics.intake.scales import ScaleEvidence
from metrics.intake.validation import Prepared
from metrics.messages import Message


@dataclass
class IngestReport:
    """What happened to a file, for people (message) and machines (to_dict)."""

    filename: str
    status: str  # imported | dry_run | nothing_new (every valid row stored already: no upload made) | rejected
    message: Message
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
    notes: list[Message] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "dry_run", "nothing_new")

    def to_dict(self) -> dict[str, Any]:
        d = {k: v for k, v in self.__dict__.items() if k != "issues"}
        d["message"], d["notes"] = str(self.message), [str(n) for n in self.notes]  # both languages, as printed
        d["issues"] = [i.as_dict() for i in self.issues]
        return d


def scale_refusal(evidence: ScaleEvidence) -> Message:
    """Why the command line will not pick the scale, what it saw, and the options to give."""
    seen_ko, seen_en = evidence.seen()
    options = " 또는 ".join(f"--scale {s:g}" for s in evidence.choices)
    options_en = " or ".join(f"--scale {s:g}" for s in evidence.choices)
    return Message(f"척도를 정할 수 없어 가져오지 않았습니다: {seen_ko} {options}(으)로 다시 실행하세요.",
                   f"Not imported, the scale is unclear: {seen_en} Run again with {options_en}.", code="scale_unclear")


def twins_notes(engine: Engine, prepared: Prepared) -> list[Message]:
    """The re-export warning, when the file's timeless survey responses are mostly stored already."""
    note = reexport.reexport_note(engine, prepared.kind, prepared.rows)
    return [note] if note else []


def summary(r: IngestReport, *, imported: bool) -> Message:
    """What was imported, or what a dry run would import."""
    if imported:
        return Message(f"{r.rows_imported:,}행을 가져왔습니다 (이미 있던 행 {r.rows_duplicate:,}, 보류 {r.rows_held:,}).",
                       f"Imported {r.rows_imported:,} rows ({r.rows_duplicate:,} already stored, {r.rows_held:,} held back).",
                       code="imported")
    return Message(f"가져올 수 있는 행 {r.rows_valid:,} (새 행 {r.rows_new:,}, 바뀐 행 {r.rows_superseded:,}, "
                   f"이미 있던 행 {r.rows_duplicate:,}), 보류 {r.rows_held:,} (저장하지 않음).",
                   f"{r.rows_valid:,} rows valid ({r.rows_new:,} new, {r.rows_superseded:,} changed, "
                   f"{r.rows_duplicate:,} already stored), {r.rows_held:,} held back (nothing stored).", code="dry_run")


def no_valid_rows(prepared: Prepared, *, detected: bool) -> Message:
    """Why nothing can be imported; when the kind was guessed, that it may be the wrong one."""
    ko = f"가져올 수 있는 행이 없습니다 (문제 {len(prepared.issues)}건)."
    en = f"No valid rows to import ({len(prepared.issues)} problems)."
    if detected:
        spec = load_contract().kind(prepared.kind)
        ko += f" 자동으로 '{spec.ko}'(으)로 읽었습니다. 다른 자료라면 종류를 직접 고르세요."
        en += f" Read as '{spec.en}' by detection; if it is something else, choose the kind."
    return Message(ko, en, code="no_valid_rows")
