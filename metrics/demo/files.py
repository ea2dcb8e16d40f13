"""The demo data as the spreadsheets people really send: realistic layouts, one file per source.

Each writer renders frames from `metrics.demo.generate` in one layout (a Google Forms export, a
hand-made sheet with a title and a totals row, a CP949 CSV, ...). Files are byte-for-byte the same
for the same data: xlsx files carry a fixed creation date, and a file is rewritten only when its
bytes change.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict

import pandas as pd
import xlsxwriter

from metrics.demo import DemoData, names
from metrics.demo.calendar import rng_for
from metrics.demo.layouts import (
    attendance_sheet,
    exhibitor_sheet,
    google_forms_time,
    korean_date,
    write_table,
)

if TYPE_CHECKING:
    from xlsxwriter.workbook import Workbook

MANIFEST = "manifest.json"


class UploadChoices(TypedDict, total=False):
    """What the upload is told about a sample file beside its kind (metrics.intake.ingest.ingest_file's options)."""

    year: int
    case_type: str
    event_type: str


@dataclass(frozen=True)
class SampleFile:
    """A written sample and what to tell the upload about it."""

    path: Path
    kind: str
    rows: int  # data rows (title, subtotal and totals rows not counted)
    year: int | None = None
    case_type: str | None = None
    event_type: str | None = None

    def upload_options(self) -> UploadChoices:
        """The ingest options this file needs besides its kind (e.g. year=2025)."""
        options = UploadChoices()
        if self.year is not None:
            options["year"] = self.year
        if self.case_type is not None:
            options["case_type"] = self.case_type
        if self.event_type is not None:
            options["event_type"] = self.event_type
        return options


def write_samples(data: DemoData, out_dir: Path) -> list[SampleFile]:
    """Write every sample file (and a README listing them) into out_dir; returns them in upload order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    previous = read_manifest(out_dir)
    span = f"{data.years[0]}-{data.years[-1]}"
    samples: list[SampleFile] = []
    for year in data.years:
        samples += _nonempty(
            _exhibitor_file(data, year, out_dir / f"exhibitor_survey_{year}.xlsx"),
            _trainee_file(data, year, out_dir / f"trainee_survey_{year}_google_forms.xlsx"),
            _attendance_file(data, year, out_dir / f"attendance_{year}.xlsx"),
        )
    samples += _nonempty(
        _future_talent_file(data, out_dir / f"future_talent_survey_{span}_ms_forms.xlsx"),
        _cases_csv(data, out_dir / f"cases_{span}_cp949.csv"),
        _web_inquiry_file(data, out_dir / f"web_inquiries_{span}.xlsx"),
        _events_file(data, out_dir / f"events_{span}.xlsx"),
        _postings_file(data, out_dir / f"postings_{span}.xlsx"),
        _calls_csv(data, out_dir / f"calls_{span}_utf8.csv"),
        _monitoring_file(data, out_dir / f"service_monitoring_{span}.xlsx"),
        _suggestions_file(data, out_dir / f"suggestions_{span}.xlsx"),
        _remedies_csv(data, out_dir / f"remedies_{span}_cp949.csv"),
        _plain_file(data, "website_review", "홈페이지 점검", out_dir / f"website_review_{span}.xlsx"),
        _plain_file(data, "customer_visits", "고객 방문 기록", out_dir / f"customer_visits_{span}.xlsx"),
    )
    _write_if_changed(out_dir / "README.md", _readme(data, samples).encode("utf-8"))
    _write_if_changed(out_dir / MANIFEST, _manifest(data, samples).encode("utf-8"))
    _remove_stale(out_dir, previous, samples)
    return samples


def _remove_stale(out_dir: Path, previous: dict[str, Any] | None, samples: list[SampleFile]) -> None:
    """Delete samples an earlier run listed that this run no longer makes (e.g. a year dropped out)."""
    current = {s.path.name for s in samples}
    for entry in (previous or {}).get("files", []):
        name = Path(entry["file"]).name  # only ever a file directly in out_dir
        if name not in current:
            (out_dir / name).unlink(missing_ok=True)


def read_manifest(out_dir: Path) -> dict[str, Any] | None:
    """What write_samples recorded in out_dir (today, seed, files), or None when nothing was written."""
    path = out_dir / MANIFEST
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _manifest(data: DemoData, samples: list[SampleFile]) -> str:
    files = [{"file": s.path.name, "kind": s.kind, "rows": s.rows, **s.upload_options()} for s in samples]
    body = {"today": data.today.isoformat(), "seed": data.seed, "files": files}
    return json.dumps(body, ensure_ascii=False, indent=1) + "\n"


def _nonempty(*samples: SampleFile | None) -> list[SampleFile]:
    return [s for s in samples if s is not None]


def _write_if_changed(path: Path, content: bytes) -> None:
    """Write only new bytes, so regenerating the samples leaves unchanged files untouched."""
    if not path.exists() or path.read_bytes() != content:
        path.write_bytes(content)


def _save_workbook(path: Path, data: DemoData, fill: Callable[[Workbook], None]) -> None:
    """Build an xlsx in memory with `fill(workbook)` and a fixed creation date, then save it."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_urls": False})
    workbook.set_properties({"created": datetime(data.today.year, data.today.month, data.today.day, 9, 0, 0)})
    fill(workbook)
    workbook.close()
    _write_if_changed(path, buffer.getvalue())


def _exhibitor_file(data: DemoData, year: int, path: Path) -> SampleFile | None:
    """Hand-made result sheet: title, blank row, two-row merged header, 평균 row, footnote."""
    frame = data.for_year("exhibitor_survey", year).dropna(axis=1, how="all")
    if frame.empty:
        return None
    frame = frame.drop(columns=[names.header("exhibitor_survey", "exhibition_year")])
    _save_workbook(path, data, lambda wb: exhibitor_sheet(wb, frame, f"{year} WATER KOREA 참가기업 만족도 조사 결과"))
    return SampleFile(path, "exhibitor_survey", len(frame), year=year)


def _trainee_file(data: DemoData, year: int, path: Path) -> SampleFile | None:
    """Google Forms export: 타임스탬프 as Korean text, question texts as headers, Likert words as answers."""
    frame = data.for_year("trainee_survey", year)
    if frame.empty:
        return None
    h = {r: names.header("trainee_survey", r) for r in ("response_date", "course", "overall", "comment")}
    sheet = frame.assign(**{h["response_date"]: frame[h["response_date"]].map(google_forms_time)}).rename(
        columns={
            h["response_date"]: "타임스탬프",
            h["course"]: names.TRAINEE_COURSE_QUESTION,
            h["overall"]: names.TRAINEE_OVERALL,
            h["comment"]: names.TRAINEE_COMMENT,
        }
    )

    def fill(wb: Workbook) -> None:
        ws = wb.add_worksheet("설문지 응답 시트1")
        write_table(wb, ws, sheet, header_format=None)
        ws.freeze_panes(1, 0)

    _save_workbook(path, data, fill)
    return SampleFile(path, "trainee_survey", len(frame))


def _future_talent_file(data: DemoData, path: Path) -> SampleFile | None:
    """Microsoft Forms export: ID, Start time, Completion time, Email, Name, then the questions (1-5)."""
    frame = data.future_talent_survey
    if frame.empty:
        return None
    h = {r: names.header("future_talent_survey", r) for r in ("response_date", "course", "overall", "comment")}
    rng = rng_for(data.seed, "ms_forms")
    done = frame[h["response_date"]]
    started = done - pd.to_timedelta(rng.integers(90, 600, len(frame)), unit="s")
    questions = frame.drop(columns=[h["response_date"]]).rename(
        columns={h["course"]: names.FUTURE_COURSE_QUESTION, h["overall"]: names.FUTURE_OVERALL,
                 h["comment"]: names.FUTURE_COMMENT}
    )
    sheet = pd.concat(
        [
            pd.DataFrame({"ID": range(1, len(frame) + 1), "Start time": started, "Completion time": done,
                          "Email": "anonymous", "Name": None, "Last modified time": None}),
            questions,
        ],
        axis=1,
    )

    def fill(wb: Workbook) -> None:
        ws = wb.add_worksheet("Sheet1")
        write_table(wb, ws, sheet, date_format="m/d/yy h:mm:ss", header_format={"bold": True})

    _save_workbook(path, data, fill)
    return SampleFile(path, "future_talent_survey", len(frame))


def _attendance_file(data: DemoData, year: int, path: Path) -> SampleFile | None:
    """Register with personal columns, title row and totals; older years say Y/N and carry 소계 rows."""
    frame = data.for_year("attendance", year)
    if frame.empty:
        return None
    back = data.today.year - year
    done_col = names.header("attendance", "completed")
    yes, no = ("Y", "N") if back >= 2 else ("수료", "미수료")
    sheet = frame.assign(**{done_col: frame[done_col].map({True: yes, False: no})})
    title = f"{year}년 상하수도 교육 교육생 명부 및 수료 현황"
    _save_workbook(path, data, lambda wb: attendance_sheet(wb, sheet, title, yes, subtotals=back == len(data.years) - 1))
    return SampleFile(path, "attendance", len(frame))


CASE_TEAMS = {
    "cert_review": "인증사업팀", "cert_complaint": "인증사업팀", "regulation_notice": "인증사업팀",
    "eval_report": "성과평가팀", "tech_support": "성과평가팀", "service_complaint": "경영지원팀",
}


def _cases_csv(data: DemoData, path: Path) -> SampleFile | None:
    """The office's case register as Excel saves a CSV in Korean Windows: CP949, CRLF, dates as 2026.03.15."""
    h = {r: names.header("cases", r) for r in ("case_type", "ref", "title", "received", "received_time", "completed",
                                                "expert_team")}
    labels = {names.enum_label("case_type", t): t for t in CASE_TEAMS}
    frame = data.cases[data.cases[h["case_type"]].isin(labels)]
    if frame.empty:
        return None
    sheet = pd.DataFrame(
        {
            h["ref"]: frame[h["ref"]],
            h["case_type"]: frame[h["case_type"]],
            h["title"]: frame[h["title"]],
            h["received"]: frame[h["received"]].dt.strftime("%Y.%m.%d"),
            h["received_time"]: frame[h["received_time"]].map(lambda t: t.strftime("%H:%M")),  # 접수시각 beside the date
            h["completed"]: frame[h["completed"]].dt.strftime("%Y.%m.%d"),
            "담당부서": frame[h["case_type"]].map(lambda label: CASE_TEAMS[labels[label]]),
            "처리상태": frame[h["completed"]].notna().map({True: "처리완료", False: "처리중"}),
            h["expert_team"]: frame[h["expert_team"]],  # filled for technical support only
        }
    )
    text = sheet.to_csv(index=False, lineterminator="\r\n")
    _write_if_changed(path, text.encode("cp949"))
    return SampleFile(path, "cases", len(sheet))


def _web_inquiry_file(data: DemoData, path: Path) -> SampleFile | None:
    """The web board's inquiry log: one case type only, given at upload."""
    h = {r: names.header("cases", r) for r in ("case_type", "ref", "title", "received", "received_time", "completed",
                                                "interim")}
    frame = data.cases[data.cases[h["case_type"]] == names.enum_label("case_type", "web_inquiry")]
    if frame.empty:
        return None
    rng = rng_for(data.seed, "web_authors")
    authors = [f"{names.SURNAMES[int(rng.integers(8))]}*{names.GIVEN_SECOND[int(rng.integers(20))]}" for _ in range(len(frame))]
    sheet = pd.DataFrame(
        {
            "번호": frame[h["ref"]],
            h["title"]: frame[h["title"]],
            "작성자": authors,
            h["received"]: frame[h["received"]],
            "접수시간": frame[h["received_time"]].map(lambda t: t.strftime("%H:%M")),  # the board's own words
            "처리상태": frame[h["completed"]].notna().map({True: "답변완료", False: "접수"}),
            "답변일": frame[h["completed"]],
            h["interim"]: frame[h["interim"]],
        }
    )

    def fill(wb: Workbook) -> None:
        ws = wb.add_worksheet("문의내역")
        write_table(wb, ws, sheet, date_format="yyyy-mm-dd", header_format={"bold": True, "bg_color": "#DDEBF7", "border": 1})

    _save_workbook(path, data, fill)
    return SampleFile(path, "cases", len(sheet), case_type="web_inquiry")


def _events_file(data: DemoData, path: Path) -> SampleFile | None:
    """The yearly events list, dates typed as Korean text (2026년 3월 15일)."""
    frame = data.events
    if frame.empty:
        return None
    date_col = names.header("events", "date")
    sheet = frame.assign(**{date_col: frame[date_col].map(korean_date)})
    sheet.insert(0, "연번", range(1, len(sheet) + 1))

    def fill(wb: Workbook) -> None:
        ws = wb.add_worksheet("행사실적")
        write_table(wb, ws, sheet, header_format={"bold": True, "bg_color": "#E2EFDA", "border": 1})

    _save_workbook(path, data, fill)
    return SampleFile(path, "events", len(sheet))


def _postings_file(data: DemoData, path: Path) -> SampleFile | None:
    """Product pages on the show's site; 게시종료일 empty while a page is still online."""
    frame = data.postings
    if frame.empty:
        return None
    sheet = frame.copy()
    sheet.insert(0, "연번", range(1, len(sheet) + 1))

    def fill(wb: Workbook) -> None:
        ws = wb.add_worksheet("제품정보 게시현황")
        write_table(wb, ws, sheet, date_format="yyyy-mm-dd", header_format={"bold": True, "border": 1})

    _save_workbook(path, data, fill)
    return SampleFile(path, "postings", len(sheet))


def _calls_csv(data: DemoData, path: Path) -> SampleFile | None:
    """The switchboard export: UTF-8 with BOM, so Korean Excel opens it right."""
    frame = data.calls
    if frame.empty:
        return None
    time_col = names.header("calls", "call_time")
    sheet = frame.assign(**{time_col: frame[time_col].dt.strftime("%Y-%m-%d %H:%M:%S")})
    _write_if_changed(path, sheet.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig"))
    return SampleFile(path, "calls", len(sheet))


def _monitoring_file(data: DemoData, path: Path) -> SampleFile | None:
    """The coordinator's checklist workbook: a title, a blank row, 연번 and the checklist marked O/X."""
    frame = data.monitoring
    if frame.empty:
        return None
    sheet = frame.copy()
    sheet.insert(0, "연번", range(1, len(sheet) + 1))

    def fill(wb: Any) -> None:
        ws = wb.add_worksheet("모니터링 결과")
        ws.write(0, 0, f"고객서비스 모니터링 점검 결과 ({data.years[0]}~{data.years[-1]})", wb.add_format({"bold": True, "font_size": 14}))
        write_table(wb, ws, sheet, top=2, header_format={"bold": True, "border": 1, "bg_color": "#D9E1F2", "text_wrap": True})

    _save_workbook(path, data, fill)
    return SampleFile(path, "monitoring", len(sheet))


def _suggestions_file(data: DemoData, path: Path) -> SampleFile | None:
    """The suggestions register: a plain table, dates as dates, 결정일 empty while under review."""
    frame = data.suggestions
    if frame.empty:
        return None

    def fill(wb: Any) -> None:
        ws = wb.add_worksheet("개선의견 관리대장")
        write_table(wb, ws, frame, date_format="yyyy-mm-dd", header_format={"bold": True, "border": 1})

    _save_workbook(path, data, fill)
    return SampleFile(path, "suggestions", len(frame))


def _remedies_csv(data: DemoData, path: Path) -> SampleFile | None:
    """The remedies register saved from Excel as CSV: CP949, dates written 2025.03.04."""
    frame = data.remedies
    if frame.empty:
        return None
    dated = {c: frame[c].dt.strftime("%Y.%m.%d") for c in frame.columns if pd.api.types.is_datetime64_any_dtype(frame[c])}
    _write_if_changed(path, frame.assign(**dated).to_csv(index=False, lineterminator="\r\n").encode("cp949"))
    return SampleFile(path, "remedies", len(frame))


def _plain_file(data: DemoData, kind: str, sheet_name: str, path: Path) -> SampleFile | None:
    """A plain register kept in Excel: the header on the first row, dates as dates, marks O/X."""
    frame = getattr(data, kind)
    if frame.empty:
        return None

    def fill(wb: Any) -> None:
        ws = wb.add_worksheet(sheet_name)
        write_table(wb, ws, frame, date_format="yyyy-mm-dd", header_format={"bold": True, "border": 1})

    _save_workbook(path, data, fill)
    return SampleFile(path, kind, len(frame))


def _readme(data: DemoData, samples: list[SampleFile]) -> str:
    """What each sample is and how to upload it."""
    lines = [
        "# Sample uploads (demo data)",
        "",
        f"Generated by `metrics.demo.files.write_samples` for today = {data.today.isoformat()}, seed = {data.seed}.",
        "Everything is invented: names, birth dates and phone numbers belong to nobody.",
        "`python -m metrics demo` writes these files and imports each of them; to try one by hand:",
        "`python -m metrics ingest data/samples/<file> --kind <kind> [--year N] [--case-type T]`.",
        "",
        "| file | kind | data rows | upload options |",
        "|---|---|---:|---|",
    ]
    for s in samples:
        options = ", ".join(f"{k}={v}" for k, v in s.upload_options().items()) or "—"
        lines.append(f"| {s.path.name} | {s.kind} | {s.rows:,} | {options} |")
    return "\n".join(lines) + "\n"

