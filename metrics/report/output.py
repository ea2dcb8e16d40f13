"""Laying the report out and writing it: render to bytes in one format, write a file atomically."""

from __future__ import annotations

import os
import tempfile
from datetime import date
from pathlib import Path

from sqlalchemy import Engine

from metrics.report import FORMATS
from metrics.report.model import Report, build_report
from metrics.report.words import Words


def check_format(fmt: str) -> None:
    """ValueError, in Korean and English, unless `fmt` is one of FORMATS."""
    if fmt not in FORMATS:
        raise ValueError(" / ".join(Words(lang).t("error.format", formats=", ".join(FORMATS)) for lang in ("ko", "en")))


def render(report: Report, fmt: str, lang: str = "ko") -> bytes:
    """The report laid out in `fmt` (xlsx, pdf or html), in `lang` (ko or en)."""
    check_format(fmt)
    words = Words(lang)
    if fmt == "xlsx":
        from metrics.report.xlsx import render_xlsx

        return render_xlsx(report, words)
    if fmt == "pdf":
        from metrics.report.pdf import render_pdf

        return render_pdf(report, words)
    if fmt == "html":
        from metrics.report.html import render_html

        return render_html(report, words)
    raise AssertionError(fmt)  # check_format let through a format without a renderer


def report_bytes(engine: Engine, year: int, fmt: str, lang: str = "ko", *, today: date | None = None) -> bytes:
    """The report of `year` built from the store and laid out in `fmt` (the page's download)."""
    return render(build_report(engine, year, today=today), fmt, lang)


def write_report(engine: Engine, year: int, fmt: str, out: Path, lang: str = "ko", *, today: date | None = None) -> Report:
    """Build, render and write the report to `out` atomically (a reader never sees half a file)."""
    check_format(fmt)
    Words(lang)  # an unknown language is refused before the work starts
    if fmt == "pdf":  # so is a machine without the Korean font
        from metrics.report.pdf import find_font

        find_font()
    report = build_report(engine, year, today=today)
    data = render(report, fmt, lang)
    out = Path(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return report
