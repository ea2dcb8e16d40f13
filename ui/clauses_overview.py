"""The charter's clauses at a glance, on the scorecard: each promise as the charter numbers it (Ⅱ.1.가), in a few
words, its status in words and colour, and the KPIs that back it.

Statuses come from the core (metrics.kpi.clauses.clause_rows, the same rows as `scorecard --json` `clauses`);
nothing is judged here. Drawn as one HTML table inside a closed expander: a single element, no chart, so the
scorecard's first load does not wait on it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import streamlit as st

from metrics.kpi.clauses import clause_rows
from metrics.kpi.scorecard import KpiResult
from ui import data, theme
from ui.i18n import current_lang, pick, t

KEY = "clauses-overview"
# A status of a clause the theme has no style for (미측정 / not tracked) looks like missing data. On a phone the
# table scrolls sideways inside its box rather than widening the page.
STYLE = f"""<style>
.{KEY} {{ overflow-x: auto; }}
.{KEY} table {{ border-collapse: collapse; width: 100%; font-size: .9rem; word-break: keep-all; }}
.{KEY} th, .{KEY} td {{ border-bottom: 1px solid #e6e6e6; padding: 4px 8px; text-align: left; vertical-align: top; }}
.{KEY} th {{ background: #f6f6f6; font-weight: 600; }}
.{KEY} tr.section td {{ background: #fafafa; font-weight: 600; color: #444; }}
.{KEY} td.clause, .{KEY} td.status {{ white-space: nowrap; }}
.{KEY} ul {{ margin: 0; padding: 0; list-style: none; }}
</style>"""


def render(results: Sequence[KpiResult]) -> None:
    """Every clause of the charter with its status and KPIs, for the year of `results` (all of them, unfiltered)."""
    rows = clause_rows(list(results), data.registry())
    if not rows:
        return
    with st.expander(t("clauses.heading", count=len(rows)), icon=":material/list_alt:"):
        st.html(table_html(rows, {r.id: r for r in results}))


def table_html(rows: list[dict[str, Any]], results: dict[str, KpiResult]) -> str:
    """The overview as one HTML table: a row per clause under a row per charter section, Korean first."""
    heads = "".join(f"<th>{escape(t(f'clauses.col_{c}'))}</th>" for c in ("clause", "promise", "status", "kpis"))
    body, section = [], None
    for row in rows:
        this_section = pick(row["section_ko"], row["section_en"])
        if this_section != section:
            section = this_section
            body.append(f'<tr class="section"><td colspan="4">{escape(section)}</td></tr>')
        body.append(_row(row, results))
    return f'{STYLE}<div class="{KEY}"><table><thead><tr>{heads}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'


def _row(row: dict[str, Any], results: dict[str, KpiResult]) -> str:
    label = row["label"] if current_lang() == "ko" else row["id"]  # Ⅱ.1.가, or II.1.a in English
    promise = pick(row["short_ko"], row["text_en"])
    full = pick(row["text_ko"], row["text_en"])  # the charter's own sentence, on hover
    status = theme.badge_html(row["status"], escape(pick(row["status_ko"], row["status_en"])))
    kpis = [results[k] for k in row["kpis"] if k in results]
    backing = "".join(
        f'<li><span style="color:{theme.status_style(r.status).colour}">{theme.status_style(r.status).symbol}</span> '
        f"{escape(pick(r.title_ko, r.title_en))}</li>"
        for r in kpis
    )
    backing_cell = f"<ul>{backing}</ul>" if backing else escape(t("clauses.no_kpi"))
    return (f'<tr data-clause="{escape(row["id"])}" data-status="{escape(row["status"])}">'
            f'<td class="clause">{escape(label)}</td><td title="{escape(full)}">{escape(promise)}</td>'
            f'<td class="status">{status}</td><td>{backing_cell}</td></tr>')
