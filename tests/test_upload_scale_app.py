"""The upload wizard's scale question, drawn by Streamlit: it waits for the person and shows the rescaling rule."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _question_page() -> None:
    import streamlit as st

    from metrics.intake.scales import gather
    from ui import upload_steps

    evidence = gather(["종합 만족도 (5점 만점)"], 5.0, usual=10.0)
    chosen = upload_steps.ask_scale(evidence, key="ask-scale")
    st.write(f"chosen={chosen}")


def _texts(at: AppTest) -> str:
    parts = [e.value for kind in ("warning", "caption", "text", "markdown") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def test_the_wizard_asks_the_scale_and_waits_until_it_is_chosen():
    at = AppTest.from_function(_question_page, default_timeout=60).run()
    assert not at.exception
    assert "chosen=None" in _texts(at)  # nothing chosen for the person
    assert "짐작하지 않습니다" in _texts(at)
    assert "'종합 만족도 (5점 만점)' 열은 5점 척도" in _texts(at) and "보통 척도는 10점" in _texts(at)
    assert "점수 × 10 ÷ 5" in _texts(at)  # the rescaling rule, where the scale is chosen
    radio = at.radio(key="ask-scale")
    assert radio.options == ["5점 만점", "10점 만점"]
    radio.set_value(5.0).run()
    assert "chosen=5.0" in _texts(at)


def _options_page() -> None:
    import streamlit as st

    from metrics.intake.canonical import UploadOptions
    from ui import upload_steps

    options = upload_steps.choose_options("exhibitor_survey", UploadOptions(scale=5.0))
    st.write(f"scale={options.scale}")


def test_choosing_another_scale_than_the_usual_one_shows_how_answers_are_converted():
    at = AppTest.from_function(_options_page, default_timeout=60).run()
    assert not at.exception
    assert "scale=5.0" in _texts(at)
    assert any("점수 × 10 ÷ 5" in c.value and "4점 → 8점" in c.value for c in at.caption)
