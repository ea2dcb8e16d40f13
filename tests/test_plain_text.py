"""Text from files is shown as text: Markdown escaped for Streamlit, HTML escaped for plotly figures."""

from __future__ import annotations

import json
import re

import pandas as pd
import plotly.io as pio
import pytest

from ui import charts_detail, plain

IMAGE = "![x](http://evil.example/p.png)"
LINK = '<a href="http://evil.example">교육</a>'


def _unescape_markdown(text: str) -> str:
    """The text CommonMark makes of text whose punctuation is all backslash-escaped (word joiners kept)."""
    out, chars = [], iter(text)
    for char in chars:
        out.append(next(chars) if char == "\\" else char)
    return "".join(out)


def _shown(text: str) -> str:
    """What a person sees: the text without its escapes and invisible word joiners."""
    return _unescape_markdown(text).replace(plain.WORD_JOINER, "")


@pytest.mark.parametrize("text", [
    IMAGE, "[here](javascript:alert(1))", "**bold** _it_ `code`", "# heading", "1. list", "<img src=x>",
    ":red[colour] :material/home: $x^2$", "a\\b", "&amp; &lt;", "| a | b |", "www.evil.example", "~~gone~~",
])
def test_every_markdown_sign_from_a_file_is_escaped_and_shows_as_itself(text):
    shown = plain.md(text)
    assert _shown(shown) == text
    # Every ASCII punctuation character is preceded by a backslash, so none starts a Markdown construct.
    unescaped = [c for i, c in enumerate(shown) if not c.isalnum() and not c.isspace() and c.isascii()
                 and c != "\\" and shown[i - 1] != "\\"]
    assert unescaped == []


@pytest.mark.parametrize("text", ["http://evil.example/a", "HTTPS://evil.example", "www.evil.example", "WWW.evil.example",
                                  "kim@evil.example", ":smile: :material/home:"])
def test_addresses_and_shortcodes_from_a_file_do_not_become_links_or_icons(text):
    # GFM links bare addresses and Streamlit draws :names: after the escapes are read, so escapes alone fail.
    after_escapes = _unescape_markdown(plain.md(text))
    assert not re.search(r"https?://|www\.|\w@|:\w+[:/]", after_escapes, re.IGNORECASE)
    assert after_escapes.replace(plain.WORD_JOINER, "") == text


def test_a_new_line_from_a_file_cannot_start_a_markdown_block():
    assert plain.md("과정\n\n# 제목\r\n- 항목") == "과정  \\# 제목 \\- 항목"


def test_korean_and_digits_are_left_alone():
    assert plain.md("2024년 상반기 교육 만족도") == "2024년 상반기 교육 만족도"


def test_text_in_our_html_is_escaped_and_kept_on_one_line():
    # A blank line would end the card's HTML block and the rest would be read as Markdown.
    assert plain.html(f"A\n\n{IMAGE}<b>") == "A  ![x](http://evil.example/p.png)&lt;b&gt;"


def test_a_chart_label_shows_tags_and_entities_as_text():
    assert plain.chart(LINK) == '&lt;a href="http://evil.example"&gt;교육&lt;/a&gt;'
    assert plain.chart("R&amp;D") == "R&amp;amp;D"


# ---- the figures --------------------------------------------------------------------------------

def _figure_texts(fig) -> str:
    """Everything a figure will draw as text, as the JSON the browser receives."""
    return json.dumps(json.loads(pio.to_json(fig)), ensure_ascii=False)


def _no_markup(fig) -> None:
    texts = _figure_texts(fig)
    assert "<a" not in texts and "<img" not in texts and "</a>" not in texts
    assert "&lt;a href" in texts


def test_course_names_in_the_completions_chart_are_inert():
    by_course = pd.DataFrame({"course": [LINK, "수질 기초"], "completed": [12, 3]})
    fig = charts_detail.courses_figure(by_course)
    _no_markup(fig)
    bar = fig.data[0]
    assert list(bar.customdata) == ['&lt;a href="http://evil.example"&gt;교육&lt;/a&gt;', "수질 기초"]
    assert bar.y[1] == "수질 기초"


def test_survey_questions_in_the_question_means_chart_are_inert():
    questions = pd.DataFrame({"question": [LINK, "강사는 친절했다"], "mean": [3.5, 4.25], "n": [10, 12], "scale": [5, 5]})
    fig = charts_detail.question_means_figure(questions, 4.0)
    _no_markup(fig)
    assert [row[0] for row in fig.data[0].customdata] == [plain.chart(LINK), "강사는 친절했다"]
    assert [row[1] for row in fig.data[0].customdata] == [10, 12]


def test_survey_questions_in_the_likert_chart_are_inert_even_when_shortened():
    long_link = '<a href="http://evil.example/a-long-address">' + "만족" * 20 + "</a>"
    likert = pd.DataFrame({
        "question": [long_link, long_link, "친절"], "rating": [1, 5, 5], "share": [0.25, 0.75, 1.0], "scale_max": [5, 5, 5],
    })
    fig = charts_detail.likert_figure(likert, [long_link, "친절"])
    texts = _figure_texts(fig)
    assert "<a" not in texts and "</a>" not in texts
    top = fig.data[-1]  # rating 5
    assert list(top.x) == [75.0, 100.0]  # the data still found its question
    assert top.y[0].startswith("&lt;a href=") and top.y[0].endswith("…")
    assert top.customdata[0] == plain.chart(long_link)
