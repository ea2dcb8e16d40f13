"""Text that came from outside (a file, a person, the identity provider) shown as itself: never markup.

Streamlit renders Markdown in st.markdown, st.caption, st.info and the other message boxes and in widget
labels, so a sheet named `![x](http://…)` would fetch that address and `[click](…)` would become a link.
Plotly renders a subset of HTML in every label, title, tick and hover text, so a course named `<a href=…>`
would become a link in a chart. Every piece of outside text passes through one of these on its way there; the
words of labels.toml and the registry are ours and keep their formatting.
"""

from __future__ import annotations

import re
from html import escape

# Every ASCII punctuation character can be escaped with a backslash in CommonMark, and then means itself:
# that covers links, images, emphasis, code, headings, lists, tables, HTML, autolinks and Streamlit's
# :colour[…] and $maths$ alike, without having to know which of them a renderer supports.
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029]")
# Some extensions work on the text after the escapes are gone: GFM turns http://…, www.… and a@b.c into
# links, Streamlit turns :name: into an emoji or icon. An invisible word joiner breaks each pattern.
WORD_JOINER = "\u2060"
_AFTER_THE_ESCAPES = re.compile(r"(?<=\\:)|(?=\\@)|(?<=www)(?=\\\.)", re.IGNORECASE)  # after \:, before \@ and \.


def md(text: object) -> str:
    """`text` as Markdown that shows exactly its characters, on one line (a new line would start a block).

    Nothing is added but backslashes (which do not show) and invisible word joiners (see above).
    """
    escaped = _MARKDOWN_PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(text)))
    return _AFTER_THE_ESCAPES.sub(WORD_JOINER, escaped)


def html(text: object) -> str:
    """`text` inside our own HTML (st.markdown with unsafe_allow_html): escaped, on one line.

    One line matters too: a blank line would end the HTML block, and Markdown would be read after it.
    """
    return escape(_LINE_BREAKS.sub(" ", str(text)))


def chart(text: object) -> str:
    """`text` for a plotly label, title, tick or hover text: its '<', '>' and '&' as entities, so no tag works."""
    return escape(str(text), quote=False)
