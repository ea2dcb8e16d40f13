"""One plotly template and one colour set (Okabe–Ito, colour-blind safe), registered once per process."""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

FONT = "Noto Sans CJK KR, Malgun Gothic, Apple SD Gothic Neo, sans-serif"
TEMPLATE = "charter"

# Okabe & Ito (2008): distinguishable under the common colour-vision deficiencies.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
TARGET_COLOUR = "#000000"
PACE_COLOUR = "#999999"
BAR_COLOUR = OKABE_ITO[0]
# Likert 1..5 from "very dissatisfied" to "very satisfied": vermillion -> grey -> blue (diverging).
LIKERT_COLOURS = ["#D55E00", "#E69F00", "#BBBBBB", "#56B4E9", "#0072B2"]


@dataclass(frozen=True)
class StatusStyle:
    """How a status is shown: a colour, and an icon and words so colour is never the only cue."""

    colour: str
    icon: str  # a Material icon, for Streamlit widgets
    symbol: str  # a plain glyph every font has (DejaVu, Noto), for HTML badges


STATUS_STYLES: dict[str, StatusStyle] = {
    "met": StatusStyle("#009E73", ":material/check_circle:", "✔"),
    "on_track": StatusStyle("#56B4E9", ":material/trending_up:", "↗"),
    "scheduled": StatusStyle("#CC79A7", ":material/event:", "◇"),
    "at_risk": StatusStyle("#E69F00", ":material/warning:", "⚠"),
    "not_met": StatusStyle("#D55E00", ":material/cancel:", "✖"),
    "tracked": StatusStyle("#0072B2", ":material/visibility:", "◉"),
    "no_data": StatusStyle("#999999", ":material/help:", "○"),
}
# Order of the summary line and of statuses wherever they are listed.
STATUS_ORDER = ("met", "on_track", "scheduled", "at_risk", "not_met", "tracked", "no_data")


def status_style(status: str) -> StatusStyle:
    """The style of `status` (unknown statuses look like missing data rather than failing)."""
    return STATUS_STYLES.get(status, STATUS_STYLES["no_data"])


def badge_html(status: str, words: str) -> str:
    """A status badge: tinted colour, a symbol and the words (readable without colour)."""
    style = status_style(status)
    return (
        f'<span style="display:inline-block;background:{style.colour}26;border:1.5px solid {style.colour};'
        f'color:#1a1a1a;border-radius:0.6rem;padding:1px 10px;font-weight:600;word-break:keep-all">'
        f'<span style="color:{style.colour}">{style.symbol}</span> {words}</span>'
    )


TOP_MARGIN = 36  # px: room for the toolbar (about 30 px) above the plot
LEGEND = dict(orientation="h", xref="container", x=0, xanchor="left", yref="container", y=0, yanchor="bottom")


def _template() -> go.layout.Template:
    return go.layout.Template(
        layout=go.Layout(
            font=dict(family=FONT, size=14, color="#222222"),
            colorway=OKABE_ITO,
            paper_bgcolor="white",
            plot_bgcolor="white",
            # The top strip holds only the chart toolbar (the title is drawn above the chart, ui.plots.show).
            margin=dict(l=48, r=24, t=TOP_MARGIN, b=40),
            title=dict(font=dict(size=16), x=0, xanchor="left"),
            xaxis=dict(showgrid=False, linecolor="#888888", ticks="outside", automargin=True),
            yaxis=dict(gridcolor="#E5E5E5", zerolinecolor="#BBBBBB", automargin=True),
            # Under the plot, at the figure's bottom left (container coordinates): plotly then keeps room for it
            # below the x axis, its rows wrap across the whole width, and the toolbar at the top right never covers it.
            legend=LEGEND,
            hoverlabel=dict(font=dict(family=FONT)),
        )
    )


def register() -> None:
    """Register the template as plotly's default (idempotent: importing twice changes nothing)."""
    if TEMPLATE not in pio.templates:
        pio.templates[TEMPLATE] = _template()
    pio.templates.default = TEMPLATE


register()


# Printing (issue 13 §3): A4 portrait, the page's content only (no sidebar, header, toolbar or buttons), columns
# allowed to wrap rather than be cut at the right edge, a card never split across two sheets, colours kept.
PRINT_CSS = """
@media print {
  @page { size: A4 portrait; margin: 12mm 10mm; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"] {
    height: auto !important; overflow: visible !important; position: static !important; }
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stDownloadButton"], [data-testid="stPageLink"], [data-testid="stExpander"],
  [data-testid="stForm"], [data-testid="stBottom"] { display: none !important; }
  [data-testid="stMain"], [data-testid="stMainBlockContainer"], .block-container {
    max-width: 100% !important; width: 100% !important; padding: 0 !important; margin: 0 !important; }
  [data-testid="stHorizontalBlock"] { flex-wrap: wrap !important; gap: 6px !important; }
  [data-testid="stHorizontalBlock"] > [data-testid="stColumn"] { min-width: 0 !important; }
  [data-testid="stVerticalBlockBorderWrapper"], .kpi-card { break-inside: avoid; page-break-inside: avoid; }
  .kpi-card svg, .kpi-card img { max-width: 100%; }
  * { -webkit-print-color-adjust: exact !important; print-color-adjust: exact !important; }
}
"""


def print_styles() -> None:
    """Add the print rules to the page (a style element only: nothing shows on screen)."""
    import streamlit as st

    st.html(f"<style>{PRINT_CSS}</style>")


# Korean breaks between words, not inside them (word-break: keep-all); a long token (an address, a file name)
# may still break anywhere rather than run past the edge.
TEXT_CSS = """
.stApp :is(p, li, label, span, div, h1, h2, h3, h4, h5, td, th, summary, button) {
  word-break: keep-all; overflow-wrap: anywhere; }
"""


def text_styles() -> None:
    """Add the line-breaking rules for Korean to the page (a style element only)."""
    import streamlit as st

    st.html(f"<style>{TEXT_CSS}</style>")
