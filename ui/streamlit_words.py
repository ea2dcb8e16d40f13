"""Streamlit's own words in Korean where it has no parameter for them: a style puts our words over its English.

Streamlit 1.67 is English only. Widget labels, help, placeholders and formats are set where each widget is
made. What is left and has a stable data-testid is covered here, the way ui.upload covers the file uploader's
button: the text is shrunk to nothing and ours is drawn after it. The main menu (Print, Record screen, "Made
with Streamlit") has no words to swap in, so it is hidden (the browser's own print, Ctrl+P, uses the same
print styles); client.toolbarMode = "minimal" would hide it too, but also the running indicator. In English
mode nothing is added. What no style can reach
(tooltips, calendar month names, plotly's toolbar) is listed in README.md, "Streamlit's own words".
"""

from __future__ import annotations

import json

import streamlit as st

from ui.i18n import current_lang, t

# Where each text lives: the status widget's Stop button while a page runs; the hint under a text box while typing.
STOP = '[data-testid="stStatusWidget"] button'
MAIN_MENU = '[data-testid="stMainMenu"]'
HINT = '[data-testid="InputInstructions"] > span:first-child'
HINTS = (  # the most specific place last: it wins
    (f"{HINT}", "words.enter_to_apply"),
    (f'[data-testid="stTextArea"] {HINT}', "words.ctrl_enter_to_apply"),
    (f'[data-testid="stForm"] {HINT}', "words.enter_to_submit"),
    (f'[data-testid="stForm"] [data-testid="stTextArea"] {HINT}', "words.ctrl_enter_to_submit"),
)


def overlay(selector: str, words: str, size: str = "inherit") -> str:
    """A rule that hides the text of `selector` and draws `words` in its place."""
    return (f"{selector} {{ font-size: 0 !important; }} "
            f"{selector}::after {{ content: {json.dumps(words, ensure_ascii=False)}; font-size: {size}; }}")


def korean_css() -> str:
    """The rules for the Korean page."""
    rules = [f"{MAIN_MENU} {{ display: none; }}", overlay(STOP, t("words.stop"), "0.875rem")]
    rules += [overlay(selector, t(key), "0.75rem") for selector, key in HINTS]
    return "\n".join(rules)


def korean_chrome() -> None:
    """Add the rules to the page in Korean mode (a style element only)."""
    if current_lang() != "en":
        st.html(f"<style>{korean_css()}</style>")
