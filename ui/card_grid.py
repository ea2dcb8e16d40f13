"""Every area's cards as one block of HTML: the scorecard draws one element instead of some two hundred.

The browser's cost of the scorecard was the number of Streamlit elements (a bordered container, a markdown block
and one or two page links per card, in rows of columns), not what they held: one HTML block draws the same cards
in a CSS grid. Its links are plain anchors, so they also work without this module's script; the script makes a
plain click change the page the way Streamlit's own menu does (no reload: the session, the sidebar and the
browser's back button behave as with st.page_link), through the history event Streamlit listens to.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlencode

import streamlit as st

from ui.plain import html

PHONE_WIDTH = 640  # px: below this the cards stack in one column, as Streamlit's columns do
PHONE_FIRST = ("not_met", "at_risk")  # on a phone these come first, in this order, above every area
NAV_ATTR = "data-nav"  # an anchor the script turns into a page change without a reload

_BORDER = "rgba(49, 51, 63, 0.2)"  # Streamlit's own border colour of a bordered container

GRID_CSS = f"""
.kpi-cards {{ display: flex; flex-direction: column; gap: 0.75rem; }}
.kpi-area-head {{ display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 0.5rem;
  margin: 1.25rem 0 0.25rem; padding-bottom: 0.4rem; border-bottom: 2px solid {_BORDER}; }}
.kpi-area-head h3 {{ margin: 0; padding: 0; font-size: 1.5rem; font-weight: 600; line-height: 1.3; }}
.kpi-grid {{ display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 1rem; }}
.kpi-cards .kpi-card {{ border: 1px solid {_BORDER}; border-radius: 0.5rem; padding: 1rem; min-width: 0;
  display: flex; flex-direction: column; }}
.kpi-card .kpi-trend img {{ display: block; max-width: 100%; height: auto; }}
.kpi-card .kpi-stale {{ color: #5f6368; font-size: 0.85rem; margin: 4px 0; }}
.kpi-links {{ display: flex; flex-wrap: wrap; gap: 0 0.75rem; margin-top: auto; padding-top: 0.4rem; }}
.kpi-cards a.kpi-link {{ color: inherit; text-decoration: none; font-size: 0.95rem; padding: 0.15rem 0.35rem;
  margin-left: -0.35rem; border-radius: 0.4rem; }}
.kpi-cards a.kpi-link:hover {{ background: rgba(151, 166, 195, 0.15); }}
.kpi-cards a.kpi-link:focus-visible {{ outline: 2px solid #0072B2; }}
@media screen and (max-width: {PHONE_WIDTH}px) {{
  .kpi-area, .kpi-grid {{ display: contents; }}
  {" ".join(f'.kpi-cards .kpi-card[data-status="{s}"] {{ order: {rank - len(PHONE_FIRST)}; }}'
            for rank, s in enumerate(PHONE_FIRST))}
}}
@media print {{
  .kpi-links, .kpi-cards a.kpi-link {{ display: none !important; }}
  .kpi-area-head {{ break-after: avoid; page-break-after: avoid; }}
  .kpi-cards .kpi-card {{ break-inside: avoid; page-break-inside: avoid; }}
}}
"""

# A plain left click on a marked anchor: the address changes and Streamlit is told as for the back button, so it
# runs the page of that address with its query (a modified click, or no script at all, still follows the link).
NAV_SCRIPT = """<script>(() => {
  if (window.__charterNav) return;
  window.__charterNav = true;
  document.addEventListener("click", (event) => {
    const link = event.target instanceof Element ? event.target.closest("a[NAV_ATTR]") : null;
    if (!link || event.defaultPrevented || event.button !== 0
        || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (new URL(link.href, document.baseURI).origin !== location.origin) return;
    event.preventDefault();
    history.pushState(null, "", link.href);
    window.dispatchEvent(new PopStateEvent("popstate"));
  }, true);
})();</script>""".replace("NAV_ATTR", NAV_ATTR)


@dataclass(frozen=True)
class Link:
    """A link under a card or beside an area's heading: the page's url path, its query, its words."""

    path: str
    query: dict[str, str]
    label: str
    icon: str = "→"


@dataclass(frozen=True)
class AreaBlock:
    """An area as the scorecard shows it: its heading, the link to its page, its cards' HTML."""

    area_id: str
    heading: str
    link: Link
    cards: Sequence[str]


def href(link: Link) -> str:
    """The anchor's address, relative to the app's root page (so it holds under a base URL path too)."""
    return link.path + ("?" + urlencode(link.query) if link.query else "")


def link_html(link: Link) -> str:
    """One marked anchor."""
    return (f'<a class="kpi-link" {NAV_ATTR} href="{html(href(link))}">'
            f'<span aria-hidden="true">{html(link.icon)}</span> {html(link.label)}</a>')


def links_html(links: Sequence[Link]) -> str:
    """The row of links at a card's foot ("" without any)."""
    return f'<div class="kpi-links">{"".join(link_html(k) for k in links)}</div>' if links else ""


def area_html(block: AreaBlock) -> str:
    """An area's heading, with its link, over the grid of its cards."""
    return (f'<section class="kpi-area" data-area="{html(block.area_id)}">'
            f'<div class="kpi-area-head"><h3>{html(block.heading)}</h3>{link_html(block.link)}</div>'
            f'<div class="kpi-grid">{"".join(block.cards)}</div></section>')


def grid_html(blocks: Sequence[AreaBlock]) -> str:
    """The whole block: its style and every area in the order given (no script: the cards hold people's words)."""
    areas = "".join(area_html(b) for b in blocks if b.cards)
    return f'<style>{GRID_CSS}</style><div class="kpi-cards">{areas}</div>'


def draw(blocks: Sequence[AreaBlock]) -> None:
    """Draw the cards, then the links' script as an element of its own: only that fixed script may run."""
    st.html(grid_html(blocks))
    st.html(NAV_SCRIPT, unsafe_allow_javascript=True, width="content")
