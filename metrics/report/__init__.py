"""The yearly charter report (고객헌장 이행실적): one model asked of the core, laid out as XLSX, PDF or HTML.

    report = build_report(engine, 2025)          # every number from the scorecard
    data = render(report, "pdf", lang="ko")      # bytes
    write_report(engine, 2025, "pdf", path)      # both, written atomically

Importing this package is light (the command line's --help, the scorecard page's button): the model and
the renderers are imported when first asked for, so each caller pays only for the format it uses.
"""

from __future__ import annotations

import importlib
from typing import Any

FORMATS = ("xlsx", "pdf", "html")
MIME_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "html": "text/html",
}
# Public names and the module that holds each, imported on first use (PEP 562).
_LAZY = {
    "Report": "metrics.report.model", "build_report": "metrics.report.model", "Words": "metrics.report.words",
    "check_format": "metrics.report.output", "render": "metrics.report.output",
    "report_bytes": "metrics.report.output", "write_report": "metrics.report.output",
}

__all__ = ["FORMATS", "MIME_TYPES", "file_name", *_LAZY]


def file_name(year: int, fmt: str, lang: str = "ko") -> str:
    """The download's name: charter-report-2025.pdf (charter-report-2025-en.pdf in English)."""
    return f"charter-report-{year}{'-en' if lang == 'en' else ''}.{fmt}"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
