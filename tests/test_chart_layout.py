"""Charts laid out for narrow windows (issue 12 "Layout"): legends under the plot, months that never stand upright,
questions without the group they all share, no toolbar over the headline's number, titles above the chart.
(The browser measures the result: tests/test_layout_browser.py.)"""

from __future__ import annotations

import json

import pandas as pd
import plotly.io as pio
from streamlit.testing.v1 import AppTest

from metrics.kpi.scorecard import KpiResult
from ui import bullet, charts_detail, charts_kpi, theme


def _result(**changes) -> KpiResult:
    base = dict(id="edu.trainees", area="교육", area_id="edu", title_ko="연간 3,000명", title_en="3,000 a year",
                year=2026, value=1200.0, unit="count", target=3000.0, comparator=">=", status="on_track",
                conclusive=None, n=1200, ci_low=None, ci_high=None, ytd=True, projection=None, projection_low=None, projection_high=None, numerator=None,
                denominator=None, pending=None, notes=(), small_sample=False, source="attendance",
                measure="completed_enrolments", clause="", definition_ko="", definition_en="")
    return KpiResult(**{**base, **changes})


def test_every_legend_sits_under_the_plot_at_the_figures_left_edge():
    legend = pio.templates[theme.TEMPLATE].layout.legend
    assert (legend.orientation, legend.xref, legend.yref, legend.x, legend.y) == ("h", "container", "container", 0, 0)
    likert = pd.DataFrame({"question": ["가", "가", "나"], "rating": [1, 5, 5], "share": [0.5, 0.5, 1.0],
                           "scale_max": [5, 5, 5]})
    fig = charts_detail.likert_figure(likert, ["가", "나"])
    assert fig.layout.legend.yref == "container" and fig.layout.legend.title.side == "top"


def test_months_are_numbers_every_other_one_labelled_under_a_month_title():
    months = pd.DataFrame({"month": list(range(1, 13)), "value": [100.0 * m for m in range(1, 13)],
                           "cumulative": [100.0 * m for m in range(1, 13)], "n": [1] * 12})
    fig = charts_kpi.months_figure(months, _result())
    axis = fig.layout.xaxis
    assert (axis.tickmode, axis.tick0, axis.dtick, axis.ticklabelstep) == ("linear", 1, 1, 2)
    assert axis.title.text == "월"


def test_questions_lose_the_group_they_all_share_but_keep_it_in_the_hover():
    questions = pd.DataFrame({"question": ["항목별 만족도 / 시설", "항목별 만족도 / 운영"], "mean": [3.5, 4.25],
                              "n": [10, 12], "scale": [5, 5]})
    fig = charts_detail.question_means_figure(questions, 4.0)
    assert list(fig.data[0].y) == ["시설", "운영"]
    assert [row[0] for row in fig.data[0].customdata] == ["항목별 만족도 / 시설", "항목별 만족도 / 운영"]


def test_questions_of_different_groups_keep_their_whole_names():
    questions = pd.DataFrame({"question": ["만족도 / 시설", "홍보 / 운영", "전반"], "mean": [3.5, 4.0, 4.25],
                              "n": [10, 12, 9], "scale": [5, 5, 5]})
    fig = charts_detail.question_means_figure(questions, None)
    assert list(fig.data[0].y) == ["만족도 / 시설", "홍보 / 운영", "전반"]


def test_a_long_question_is_ticked_on_two_short_lines_and_kept_whole_in_the_hover():
    long = "교육 담당자의 안내와 운영에 만족하십니까? 다음 과정에도 참여하시겠습니까?"  # 41 characters
    questions = pd.DataFrame({"question": [long, "전반"], "mean": [3.5, 4.0], "n": [10, 12], "scale": [5, 5]})
    fig = charts_detail.question_means_figure(questions, None)
    first, second = fig.data[0].y[0].split("<br>")
    assert first == "교육 담당자의 안내와 운영에"  # broken between words, 15 characters
    assert second.endswith("…") and len(second) <= charts_detail.LABEL_LINE_CHARS
    assert fig.data[0].y[1] == "전반"
    assert fig.data[0].customdata[0][0] == long



def test_bars_ticked_on_two_lines_are_taller_by_a_line_so_their_ticks_never_meet():
    def means(questions: list[str]) -> pd.DataFrame:
        return pd.DataFrame({"question": questions, "mean": 4.0, "n": 10, "scale": 5})

    short = [f"문항 {i}" for i in range(8)]
    long = [f"{i}번 교육 담당자의 안내와 운영에 만족하십니까?" for i in range(8)]
    one_line = charts_detail.question_means_figure(means(short), None).layout.height
    two_lines = charts_detail.question_means_figure(means(long), None).layout.height
    assert one_line == 40 * 8 + 100  # 420 px: above the charts' least height (340)
    assert two_lines - one_line == 8 * charts_detail.SECOND_LINE_PX


def _positions(html: str) -> dict[str, str]:
    """The left edge and width of each coloured box of a bullet, by colour."""
    import re

    return {m["colour"]: (m["left"], m["width"]) for m in re.finditer(
        r"left:(?P<left>[\d.]+)%;width:(?P<width>[\d.]+)%;[^\"]*background:(?P<colour>#\w+)", html)}


def test_the_headline_bullet_draws_value_interval_and_target_where_they_belong_without_a_chart():
    result = _result(id="edu.satisfaction", unit="share", value=0.8, target=0.85, status="not_met", ci_low=0.75,
                     ci_high=0.85, ytd=False, n=200)
    html = bullet.bullet_html(result)
    boxes = _positions(html)
    assert boxes[theme.status_style("not_met").colour] == ("0.00", "80.00")  # the value, on a 0-100% track
    assert boxes[bullet.INTERVAL_COLOUR] == ("75.00", "10.00")
    assert "left:calc(85.00% - 2px)" in html  # the target line, centred on 85%
    assert ">80.0%</div>" in html and ">100%</span>" in html
    assert 'aria-label="실적 80.0% · 목표 85.0% 이상 · 95% 신뢰구간' in html


def test_a_count_bullet_leaves_room_above_the_projection_and_shades_the_pace_to_it():
    html = bullet.bullet_html(_result(value=1200.0, target=3000.0, projection=3200.0))
    top = 3200.0 * 1.15
    boxes = _positions(html)
    assert boxes[bullet.PACE_COLOUR] == (f"{1200 / top * 100:.2f}", f"{(3200 - 1200) / top * 100:.2f}")
    assert ">1,200</div>" in html and ">3,000</span>" in html and ">0</span>" in html


def test_a_bullet_without_a_value_draws_the_target_alone_and_no_number():
    html = bullet.bullet_html(_result(value=None, status="no_data", target=3000.0))
    assert "bullet-target" in html and 'class="bullet-number" style="' in html
    assert html.endswith("color:#222\"></div></div>")  # the number's box is empty


def test_tick_steps_are_round_and_whole_for_counts():
    assert bullet.ticks(1.0, "share") == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert bullet.ticks(5.75, "count") == [0, 1, 2, 3, 4, 5]
    assert bullet.ticks(3450.0, "count") == [0, 1000, 2000, 3000]
    assert bullet.ticks(10.0, "points") == [0, 2, 4, 6, 8, 10]


def _two_charts():
    import plotly.graph_objects as go

    from ui.plots import show

    show(go.Figure(go.Scatter(x=[1, 2], y=[3, 4]), layout={"title": {"text": "연도별 추이"}}), key="with-title")
    show(go.Figure(go.Indicator(mode="number", value=1)), key="headline", toolbar=False)


def test_a_charts_title_is_drawn_above_it_and_the_headline_has_no_toolbar():
    at = AppTest.from_function(_two_charts).run()
    assert [m.value for m in at.markdown] == ["**연도별 추이**"]
    first, second = at.get("plotly_chart")
    assert "text" not in json.loads(first.proto.spec)["layout"].get("title", {})
    assert json.loads(second.proto.config).get("displayModeBar") is False
    assert "displayModeBar" not in json.loads(first.proto.config)


def test_a_kept_figure_is_built_once_per_data_version_and_language_with_its_title_taken_out():
    import datetime

    import plotly.graph_objects as go

    from ui import plots

    built = []

    def build():
        built.append(1)
        return go.Figure(go.Scatter(x=[1], y=[2]), layout={"title": {"text": "연도별 추이"}})

    plots._kept.clear()
    day = datetime.date(2026, 1, 10)
    title, fig = plots._kept("edu.trainees-years-2025", ("db", (3, 0)), "ko", day, build)
    assert plots._kept("edu.trainees-years-2025", ("db", (3, 0)), "ko", day, build)[1] is fig
    assert (title, fig.layout.title.text, fig.layout.template.layout.font.family) == (
        "연도별 추이", None, pio.templates[theme.TEMPLATE].layout.font.family)
    assert len(built) == 1
    plots._kept("edu.trainees-years-2025", ("db", (4, 0)), "ko", day, build)  # an upload or an undo
    plots._kept("edu.trainees-years-2025", ("db", (4, 0)), "en", day, build)  # the English page
    assert len(built) == 3
    plots._kept.clear()
