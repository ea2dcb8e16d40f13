"""Command line: ingest, uploads, undo, demo, scorecard, backtest, audit. Errors become one line and a non-zero exit."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from metrics.cli.export import add_export_command, run_export
from metrics.cli.users import add_user_commands, cli_actor, run_user_command
from metrics.contract import load_contract
from metrics.korean import josa
from metrics.report.command import add_report_command, run_report
from metrics.store import database


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m metrics", description="고객헌장 이행 대시보드 core / Service Charter Dashboard core")
    sub = p.add_subparsers(dest="command", required=True)

    ing = sub.add_parser("ingest", help="import a spreadsheet / 파일 가져오기")
    ing.add_argument("file", type=Path)
    ing.add_argument("--kind", choices=tuple(load_contract().kinds))
    ing.add_argument("--sheet")
    ing.add_argument("--mapping", type=Path, help="JSON file {header: role}, or a saved template name")
    ing.add_argument("--year", type=int)
    ing.add_argument("--case-type")
    ing.add_argument("--event-type")
    ing.add_argument("--scale", type=float)
    ing.add_argument("--dry-run", action="store_true")
    ing.add_argument("--json", action="store_true")

    up = sub.add_parser("uploads", help="list uploads / 업로드 목록")
    up.add_argument("--json", action="store_true")

    undo = sub.add_parser("undo", help="undo an upload / 업로드 취소")
    undo.add_argument("upload_id", type=int)

    demo = sub.add_parser("demo", help="write demo data / 데모 데이터")
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no upload yet")
    demo.add_argument("--today", type=date.fromisoformat)
    demo.add_argument("--out", type=Path, help="where to write the sample files (default data/samples)")

    sc = sub.add_parser("scorecard", help="the charter scorecard / 헌장 이행 점검표")
    sc.add_argument("--year", type=int)
    sc.add_argument("--json", action="store_true")
    bt = sub.add_parser("backtest", help="the paced projections of past years against their year end / 연말 추정 사후 검증")
    bt.add_argument("--year", type=int, action="append", help="a past year (repeatable; default: every year that has ended)")
    sub.add_parser("contract-doc", help="print docs/data-contract.md from the contract")
    sub.add_parser("clauses-doc", help="print the clause table of docs/kpi-definitions.md / 헌장 조항 표")
    add_user_commands(sub)
    _add_audit_commands(sub)
    _add_db_commands(sub)
    add_export_command(sub)
    add_report_command(sub)
    return p


def _add_db_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = subparsers.add_parser("db", help="the database schema / 데이터베이스 스키마")
    sub = db.add_subparsers(dest="db_command", required=True)
    sub.add_parser("upgrade", help="bring the schema to this release's revision (also done on start) / 스키마 갱신")
    sub.add_parser("current", help="the revision the database stands at / 현재 스키마 버전")


def _db(args: argparse.Namespace) -> int:
    from metrics.store import database

    engine = database.get_engine()  # making the engine upgrades, under the lock
    if args.db_command == "upgrade":
        database.set_up_schema(engine)
    current, head = database.current_revision(engine), database.head_revision()
    state = "최신 / up to date" if current == head else f"갱신 필요 / upgrade needed to {head}"
    print(f"{current} ({state})")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one command; returns the exit status."""
    args = _parser().parse_args(argv)
    handler = {"ingest": _ingest, "uploads": _uploads, "undo": _undo, "demo": _demo, "scorecard": _scorecard,
               "contract-doc": _contract_doc, "clauses-doc": _clauses_doc, "backtest": _backtest, "user": run_user_command, "audit": _audit_prune, "db": _db,
               "report": run_report,
               "export": run_export}[args.command]
    try:
        return handler(args)
    except SQLAlchemyError as exc:
        ko, en = database.failure_message(exc)
        print(f"error: {ko} / {en}", file=sys.stderr)
        return 1
    except (OSError, ValueError, KeyError) as exc:
        message = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"error: {message}", file=sys.stderr)
        return 2


def _engine() -> Engine:
    from metrics.store import get_engine

    return get_engine()


def _audit(engine: Engine, action: str, detail: Mapping[str, object]) -> None:
    """The command line leaves the same trail as the app, under the operating-system user."""
    from metrics.access import audit

    audit.record(engine, cli_actor(), action, detail)


def _add_audit_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    log = subparsers.add_parser("audit", help="the audit log / 감사 기록")
    sub = log.add_subparsers(dest="audit_command", required=True)
    prune = sub.add_parser("prune", help="delete entries older than the retention / 보존 기간이 지난 기록 삭제")
    prune.add_argument("--older-than", type=int, metavar="DAYS",
                       help="days to keep (default AUDIT_RETENTION_DAYS, 730; 0 keeps everything)")
    prune.add_argument("--dry-run", action="store_true", help="count what would go, delete nothing")


def _audit_prune(args: argparse.Namespace) -> int:
    from metrics.access import audit

    done = audit.prune(_engine(), actor=cli_actor(), days=args.older_than, dry_run=args.dry_run)
    if done.before is None:
        print("보존 기간이 0이라 모두 보관합니다 / the retention is 0 days: every entry is kept")
    elif args.dry_run:
        print(f"{done.before:%Y-%m-%d %H:%M} 이전 기록 {done.rows}건을 지울 수 있습니다 (시험 실행) "
              f"/ {done.rows} entries older than {done.before:%Y-%m-%d %H:%M} would be deleted (dry run)")
    else:
        print(f"{done.before:%Y-%m-%d %H:%M} 이전 기록 {done.rows}건을 지웠습니다 "
              f"/ {done.rows} entries older than {done.before:%Y-%m-%d %H:%M} deleted")
    return 0


def _load_mapping(engine: Engine, value: Path | None) -> dict[str, str] | None:
    if value is None:
        return None
    if value.exists():
        mapping: dict[str, str] = json.loads(value.read_text(encoding="utf-8"))
        return mapping
    from metrics.intake.saved_mappings import load_template

    template = load_template(engine, str(value))
    if template is None:
        raise ValueError(f"매핑 파일이나 템플릿 '{value}'이(가) 없습니다 / no mapping file or template '{value}'")
    return template.mapping


def _ingest(args: argparse.Namespace) -> int:
    from metrics.intake.ingest import ingest_file

    engine = _engine()
    report = ingest_file(
        engine,
        args.file.read_bytes(),
        args.file.name,
        kind=args.kind,
        sheet=args.sheet,
        mapping=_load_mapping(engine, args.mapping),
        year=args.year,
        case_type=args.case_type,
        event_type=args.event_type,
        scale=args.scale,
        dry_run=args.dry_run,
    )
    if report.status == "imported":
        _audit(engine, "upload", {"upload_id": report.upload_id, "filename": args.file.name, "kind": report.kind,
                                  "rows_imported": report.rows_imported, "rows_held": report.rows_held})
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str))
    else:
        stream = sys.stdout if report.ok else sys.stderr
        print(("" if report.ok else "error: ") + str(report.message), file=stream)
        for note in report.notes:
            print(f"note: {note}", file=stream)
        for issue in report.issues[:20]:
            print(f"  {issue.sheet}!{issue.column} row {issue.row}: {issue.message} [{issue.value}]", file=stream)
        if len(report.issues) > 20:
            print(f"  ... {len(report.issues) - 20} more (use --json)", file=stream)
    return 0 if report.ok else 1


def _uploads(args: argparse.Namespace) -> int:
    import pandas as pd

    from metrics import clock
    from metrics.store import list_uploads

    frame = list_uploads(_engine())
    moments = [c for c in ("created_at", "undone_at") if c in frame.columns]
    if args.json:  # for scripts: UTC, marked as such ("...Z")
        utc = frame.assign(**{c: pd.to_datetime(frame[c]).dt.tz_localize("UTC") for c in moments})
        print(utc.to_json(orient="records", force_ascii=False, date_format="iso"))
    else:  # for people: Korea time
        shown = frame.assign(**{c: frame[c].map(clock.shown) for c in moments})
        print(shown.to_string(index=False) if not frame.empty else "(no uploads / 업로드 없음)")
    return 0


def _undo(args: argparse.Namespace) -> int:
    from metrics.store import UnknownUploadError, undo_upload

    engine = _engine()
    try:
        undo_upload(engine, args.upload_id)
    except UnknownUploadError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    _audit(engine, "undo", {"upload_id": args.upload_id})
    print(josa(f"업로드 #{args.upload_id}을(를) 취소했습니다 / upload #{args.upload_id} undone"))
    return 0


def _demo(args: argparse.Namespace) -> int:
    from metrics.demo import run_demo

    options = {"out_dir": args.out} if args.out else {}
    reports = run_demo(_engine(), today=args.today, if_empty=args.if_empty, **options)
    for r in reports:
        print(f"{r.filename}: {r.message}" if hasattr(r, "filename") else r)
    if not reports:
        print("데이터베이스에 이미 업로드가 있어 데모를 건너뜁니다 / the database already holds uploads; demo skipped")
    return 0 if all(getattr(r, "ok", True) for r in reports) else 1


def _scorecard(args: argparse.Namespace) -> int:
    from metrics.kpi.scorecard import compute_scorecard, format_value, scorecard_json

    results = compute_scorecard(_engine(), args.year)
    if args.json:
        print(scorecard_json(results))
        return 0
    if results:
        print(f"{results[0].year}년 / year {results[0].year}")
    for r in results:
        target = "" if r.target is None else f"{r.comparator} {format_value(r.target, r.unit)}"
        print(f"{r.id:26} {r.status:9} {format_value(r.value, r.unit):>9}  {target:>9}  {r.title_ko}")
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from metrics.kpi.backtest import backtest, headline, markdown_table

    points = backtest(_engine(), args.year)
    sys.stdout.write(markdown_table(points) + "\n" + headline(points) + "\n")
    return 0


def _contract_doc(_args: argparse.Namespace) -> int:
    from metrics.contract.doc import render

    sys.stdout.write(render())
    return 0


def _clauses_doc(_args: argparse.Namespace) -> int:
    from metrics.kpi.clauses import clauses_markdown
    from metrics.kpi.registry import load_registry

    print(clauses_markdown(load_registry()))
    return 0
