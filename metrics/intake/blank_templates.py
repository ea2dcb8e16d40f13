"""Blank upload templates: one xlsx per kind with the contract's Korean headers, for managers to fill in."""

from __future__ import annotations

import io

import xlsxwriter

from metrics.contract import load_contract


def blank_template(kind: str) -> bytes:
    """An xlsx with one header row (Korean names) and a note row explaining the required columns."""
    spec = load_contract().kind(kind)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    book.set_properties({"title": spec.ko, "created": None})
    sheet = book.add_worksheet(spec.ko[:31].replace("/", "·"))
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    # A time of day in a column of its own is for sheets kept that way; the template has one date-time column.
    # A column that only stands in for a required one (교육기간 for 교육종료일) is for sheets kept that way.
    required = {c.role for c in spec.columns if c.required}
    stand_ins = {r for g in spec.one_of if required & set(g.roles) for r in g.roles if r not in required}
    singles = [c for c in spec.columns if not c.multiple and c.type != "time" and c.role not in stand_ins]
    columns = singles + [c for c in spec.columns if c.multiple]
    for i, col in enumerate(columns):
        header = col.ko if not col.multiple else f"{col.ko}1"
        sheet.write(0, i, header, bold)
        sheet.set_column(i, i, max(12, len(header) * 2))
        if col.required:
            sheet.write_comment(0, i, "필수 / required")
    book.close()
    return buffer.getvalue()
