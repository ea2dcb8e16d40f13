"""A KPI's section on its area page as a place to go: its anchor, and the scroll that brings it into view.

A card links to `area page?kpi=ID` (st.page_link: the page changes without a reload, so the local-mode session
and the sidebar's year stay). A `#fragment` would not survive that, nor the sign-in's redirect, which the
browser never sends a fragment to; the query does both. So the area page scrolls to the section itself.
"""

from __future__ import annotations

import json

import streamlit as st

HEADER_ROOM = "4.5rem"  # Streamlit's fixed header would cover a heading scrolled to the very top
SETTLE_MS = 1500  # charts above the section draw after it and push it down: hold it until nothing moves
GIVE_UP_MS = 20_000  # a loaded machine draws slowly, but never keep pulling the page after this

# Scroll the section's heading to the top of the view, again whenever the charts drawn above it move it, until
# it has held still for SETTLE_MS; stop at once when the person scrolls, types or clicks (they take over).
_SCRIPT = """<script>(() => {
  const id = %(id)s, settle = %(settle)d, giveUp = %(give_up)d, room = %(room)s;
  const started = Date.now();
  let stopped = false, steadySince = null, lastTop = null;
  const stop = () => { stopped = true; };
  for (const kind of ["wheel", "touchmove", "keydown", "mousedown"]) {
    window.addEventListener(kind, stop, {once: true, capture: true, passive: true});
  }
  const tick = () => {
    if (stopped || Date.now() - started > giveUp) return;
    const heading = document.getElementById(id);
    if (heading) {
      heading.style.scrollMarginTop = room;
      const top = Math.round(heading.getBoundingClientRect().top);
      if (top !== lastTop) {
        heading.scrollIntoView({block: "start"});
        lastTop = Math.round(heading.getBoundingClientRect().top);
        steadySince = Date.now();
      } else if (Date.now() - steadySince > settle) {
        return;
      }
    }
    setTimeout(tick, 100);
  };
  tick();
})();</script>"""


def section_anchor(kpi_id: str) -> str:
    """The id of a KPI's heading on its area page (dots are not kept in Streamlit's anchors)."""
    return kpi_id.replace(".", "-")


def _js(text: str) -> str:
    """A JavaScript string literal that cannot end the script element it stands in."""
    return json.dumps(text).replace("<", "\\u003c")


def scroll_into_view(anchor: str) -> None:
    """Bring the heading `anchor` to the top of the view once the page has drawn (a script, nothing shown)."""
    script = _SCRIPT % {"id": _js(anchor), "settle": SETTLE_MS, "give_up": GIVE_UP_MS, "room": _js(HEADER_ROOM)}
    st.html(script, unsafe_allow_javascript=True, width="content")
