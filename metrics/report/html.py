"""The report as one self-contained HTML file: inline CSS, inline SVG charts, no script, prints on A4.

Inline SVG rather than plotly: plotly's script alone is about 4.8 MB, while eighteen small trend
charts in SVG are about 30 KB, need no script to show, and print sharply.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any, TypeAlias, cast

import pandas as pd

from metrics.report.charts import STATUS_COLOURS, hex_colour, trend_svg
from metrics.report.misses import Misses
from metrics.report.model import KpiSection, Report
from metrics.report.phrases import (
    CASE_HEADS,
    as_of_line,
    change_line,
    checkin_line,
    facts,
    kind_name,
    misses_heads,
    misses_rows,
    more_misses_line,
    period_line,
    previous_text,
    summary_line,
)
from metrics.report.sources import UploadLine
from metrics.report.words import Words, missing

Cell: TypeAlias = str | tuple[str, str]  # a table cell's html, or (html, its class)
CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "Noto Sans CJK KR", "Noto Sans KR", "Malgun Gothic", "Apple SD Gothic Neo", sans-serif;
       color: #1d1d1f; max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem; line-height: 1.5; font-size: 14px;
       word-break: keep-all; overflow-wrap: anywhere; }
h1 { font-size: 1.9rem; margin: 0 0 .25rem; } h2 { border-bottom: 2px solid #0072B2; padding-bottom: .2rem; margin-top: 2rem; }
h3 { margin: 1.6rem 0 .4rem; font-size: 1.1rem; }
.cover { border-bottom: 1px solid #ccc; padding-bottom: 1rem; } .muted { color: #555; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 .8rem; font-size: .9rem; }
th, td { border: 1px solid #d0d7de; padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #eef3f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; color: #fff; font-size: .85rem; white-space: nowrap; }
blockquote { margin: .3rem 0; padding: .3rem .7rem; border-left: 3px solid #bbb; background: #fafafa; }
dl { display: grid; grid-template-columns: 11rem 1fr; gap: .15rem .8rem; margin: .4rem 0; } dt { color: #555; }
dd { margin: 0; } svg.trend { width: 100%; max-width: 560px; height: auto; display: block; margin: .3rem 0; }
section.kpi { break-inside: avoid-page; } nav ol { columns: 2; }
@media print { body { max-width: none; padding: 0; font-size: 11px; } h2 { break-before: page; } a { color: inherit; } }
"""


def render_html(report: Report, words: Words) -> bytes:
    """The page's bytes (UTF-8)."""
    title = words.t("report.title", year=report.year)
    body = [_cover(report, words), _summary(report, words)]
    for area in report.areas:
        body.append(f'<h2 id="area-{escape(area.id)}">{escape(words.pick(area.ko, area.en))}</h2>')
        body.extend(_section(s, report, words) for s in area.sections)
    body.append(_appendix(report, words))
    page = (f'<!DOCTYPE html><html lang="{words.lang}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{escape(title)}</title>'
            f"<style>{CSS}</style></head><body>{''.join(body)}</body></html>")
    return page.encode("utf-8")


def _row(cells: Iterable[Cell], tag: str = "td") -> str:
    """A table row of already-escaped cells; a cell given as (html, class) gets that class."""
    out = []
    for cell in cells:
        html, cls = cell if isinstance(cell, tuple) else (cell, "")
        out.append(f'<{tag} class="{cls}">{html}</{tag}>' if cls else f"<{tag}>{html}</{tag}>")
    return "<tr>" + "".join(out) + "</tr>"


def _table(heads: list[str], rows: list[str], style: str = "") -> str:
    head = _row([escape(h) for h in heads], "th")
    return f'<table{style}>{head}{"".join(rows)}</table>'


def _badge(status: str, words: Words) -> str:
    colour = hex_colour(STATUS_COLOURS.get(status, STATUS_COLOURS["no_data"]))
    return f'<span class="badge" style="background:{colour}">{escape(words.status(status))}</span>'


def _cover(report: Report, words: Words) -> str:
    links = [(f"area-{a.id}", words.pick(a.ko, a.en)) for a in report.areas] + [("appendix", words.t("report.sheet_appendix"))]
    contents = "".join(f'<li><a href="#{escape(anchor)}">{escape(name)}</a></li>' for anchor, name in links)
    return (f'<header class="cover"><h1>{escape(words.t("report.title", year=report.year))}</h1>'
            f'<p class="muted">{escape(words.t("report.subtitle"))}</p><p>{escape(period_line(report, words))}</p>'
            f'<p>{escape(words.t("report.made_on", day=words.moment(report.made_at)))}<br>'
            f"{escape(as_of_line(report, words))}</p>"
            f'<nav><strong>{escape(words.t("report.contents"))}</strong><ol>{contents}</ol></nav></header>')


def _summary(report: Report, words: Words) -> str:
    counts = [_row([_badge(s, words), (str(n), "num")]) for s, n in report.counts.items()]
    counts.append(_row([escape(words.t("summary.total")), (str(len(report.results)), "num")], "th"))
    rows = []
    for s in report.sections:
        r = s.result
        rows.append(_row([
            f'<a href="#kpi-{escape(r.id)}">{escape(words.pick(r.clause_label, r.clause))}</a>',
            escape(words.pick(r.title_ko, r.title_en)),
            escape(words.target(r.comparator, r.target, r.unit)), (escape(words.value(r.value, r.unit)), "num"),
            _badge(r.status, words), (escape(previous_text(s, words)), "num"), (escape(words.change(s.change, r.unit)), "num"),
        ]))
    heads = [words.t(f"col.{h}") for h in ("clause", "title", "target", "value", "status", "previous", "change")]
    return (f'<h2 id="summary">{escape(words.t("summary.heading"))}</h2><p>{escape(summary_line(report, words))}</p>'
            + _table([words.t("summary.status"), words.t("summary.count")], counts, ' style="width:auto"')
            + _table(heads, rows))


def _section(s: KpiSection, report: Report, words: Words) -> str:
    r = s.result
    dl = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts(s, report, words))
    parts = [f'<section class="kpi" id="kpi-{escape(r.id)}"><h3>{escape(words.pick(r.title_ko, r.title_en))} '
             f'{_badge(r.status, words)}</h3>',
             f'<blockquote><span class="clause">{escape(words.t("kpi.clause_id", clause=words.pick(r.clause_label, r.clause)))}</span> '
             f"{escape(r.quote)}</blockquote>",
             f'<p class="muted">{escape(words.pick(r.definition_ko, r.definition_en))}</p><dl>{dl}</dl>']
    if s.target_changes:
        items = "".join(f"<li>{escape(change_line(c, r.unit, words))}</li>" for c in s.target_changes)
        parts.append(f'<p><strong>{escape(words.t("kpi.target_changes"))}</strong></p><ul>{items}</ul>'
                     f'<p class="muted">{escape(words.t("kpi.target_judged"))}</p>')
    if s.notes:
        items = "".join(f"<li>{escape(checkin_line(n, words))}</li>" for n in s.notes)
        parts.append(f'<p><strong>{escape(words.t("checkin.heading"))}</strong></p><ul class="checkins">{items}</ul>')
    if r.notes:
        items = "".join(f"<li>{escape(n.text(words.lang))}</li>" for n in r.notes)
        parts.append(f'<p><strong>{escape(words.t("kpi.notes"))}</strong></p><ul>{items}</ul>')
    if s.trend:
        parts.append(trend_svg(s.trend, r.unit, words, words.t("kpi.trend")))
    if s.cases is not None:  # a deadline KPI
        parts.append(_cases(s.cases, words))
    if s.misses is not None:  # a checklist KPI with rows that missed
        parts.append(_misses(s.misses, words))
    parts.append("</section>")
    return "".join(parts)


def _cases(cases: pd.DataFrame, words: Words) -> str:
    head = f'<p><strong>{escape(words.t("kpi.cases"))}</strong></p>'
    if cases.empty:
        return head + f'<p class="muted">{escape(words.t("kpi.no_cases"))}</p>'
    rows = [
        _row([escape(_text(c.ref)), escape(_text(c.title)), words.day(_day(c.received)), words.day(_day(c.done_on)),
              words.day(_day(c.deadline)), ("" if missing(c.days_over) else f"{c.days_over:,.0f}", "num"),
              escape(words.t(f"case.{c.state}"))])
        for c in cast("Iterable[Any]", cases.itertuples(index=False))  # records: their cells are untyped
    ]
    return head + _table([words.t(f"case.{h}") for h in CASE_HEADS], rows)


def _misses(misses: Misses, words: Words) -> str:
    """The rows that missed, as the late cases are listed, and how many more there are."""
    head = f'<p><strong>{escape(words.t("misses.heading", total=f"{misses.total:,}"))}</strong></p>'
    rows = [_row([escape(cell) for cell in cells]) for cells in misses_rows(misses, words)]
    more = more_misses_line(misses, words)
    return head + _table(misses_heads(misses, words), rows) + (f'<p class="muted">{escape(more)}</p>' if more else "")


def _day(value: Any) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _uploads(uploads: tuple[UploadLine, ...], words: Words, year: int, with_rows: bool) -> str:
    if not uploads:
        return f'<p class="muted">{escape(words.t("appendix.none"))}</p>'
    heads = [words.t(f"appendix.{h}") for h in ("id", "created_at", "uploaded_by", "filename", "kind")]
    heads += [words.t("appendix.rows", year=year)] if with_rows else []

    def cells(u: UploadLine) -> list[Cell]:
        shown: list[Cell] = [(str(u.id), "num"), words.moment(u.created_at), escape(u.uploaded_by), escape(u.filename),
                             escape(kind_name(u.kind, words))]
        return shown + ([(f"{u.rows:,}", "num")] if with_rows else [])

    return _table(heads, [_row(cells(u)) for u in uploads])


def _appendix(report: Report, words: Words) -> str:
    return (f'<h2 id="appendix">{escape(words.t("appendix.heading"))}</h2>'
            f'<p class="muted">{escape(words.t("appendix.help", year=report.year))}</p>'
            + _uploads(report.uploads, words, report.year, True)
            + f'<h3>{escape(words.t("appendix.last_heading"))}</h3>' + _uploads(report.last_uploads, words, report.year, False))
