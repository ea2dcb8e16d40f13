"""A blank template downloads under a Korean name that says its kind (issue 12: Korean file names)."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from metrics.contract import load_contract

APP_SCRIPT = """
import streamlit as st
from metrics.contract import load_contract
from ui.upload import blank_file_name
for kind in load_contract().kinds:
    st.text(blank_file_name(kind))
"""


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_blank_templates_file_is_named_for_its_kind_in_the_pages_language(lang):
    at = AppTest.from_string(APP_SCRIPT, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    names = [e.value for e in at.text]
    kinds = load_contract().kinds
    assert len(names) == len(kinds) and all(n.endswith(".xlsx") for n in names)
    if lang == "ko":
        assert all(n.endswith("_양식.xlsx") for n in names), names
        assert not any(kind in n for kind, n in zip(kinds, names, strict=True)), names  # no exhibitor_survey_template
        assert "참가기업만족도_양식.xlsx" in names
    else:
        assert all(n.endswith("_template.xlsx") for n in names), names
