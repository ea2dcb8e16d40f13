"""Every label the UI asks for exists in ui/labels.toml, in Korean and English, with the same placeholders."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from metrics.contract import load_contract
from metrics.kpi.registry import load_registry
from ui.i18n import labels, text

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "app.py", *sorted((ROOT / "ui").glob("*.py"))]
# t("section.name") / t('section.name') / text("section.name", ...)
LITERAL_KEY = re.compile(r"""\b(?:t|text)\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
# Keys passed around as plain strings, e.g. shell.empty_state("empty.database").
PASSED_KEY = re.compile(r"""["']((?:empty|area|explain|fmt|table)\.[a-z_]+)["']""")


def _used_keys() -> set[str]:
    found = set()
    for path in SOURCES:
        source = path.read_text(encoding="utf-8")
        found.update(LITERAL_KEY.findall(source))
        found.update(PASSED_KEY.findall(source))
    return found


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_key_the_code_uses_is_labelled():
    missing = sorted(k for k in _used_keys() if k not in labels())
    assert missing == []


def test_each_label_has_korean_and_english_with_the_same_placeholders():
    problems = [
        key for key, entry in labels().items()
        if not (entry.get("ko", "").strip() and entry.get("en", "").strip()) or _fields(entry["ko"]) != _fields(entry["en"])
    ]
    assert problems == []


def test_every_status_and_coded_value_has_words():
    # Every code, field and status the core can hand to a page: a new one without Korean words fails here.
    from metrics.access import audit
    from metrics.explore import TIMELINESS, datasets
    from metrics.intake.findings import MESSAGES
    from metrics.kpi.measures.rows import REASONS, ROW_STATES
    from metrics.kpi.scorecard import STATUSES
    from metrics.kpi.stats import COMPARATORS
    from ui.admin_tables import COMPARATOR_NAMES
    from ui.upload import HISTORY_COLUMNS

    keys = [f"status.{s}" for s in STATUSES] + [f"values.timeliness.{s}" for s in TIMELINESS]
    contract = load_contract()
    keys += [f"values.case_type.{c}" for c in contract.enums["case_type"]]
    keys += [f"values.event_type.{c}" for c in contract.enums["event_type"]]
    keys += [f"values.kind.{k}" for k in contract.kinds]
    keys += [f"values.issue_code.{code}" for code in MESSAGES]  # upload findings
    keys += [f"values.row_state.{s}" for s in ROW_STATES] + [f"values.reason.{r}" for r in REASONS]
    keys += [f"values.audit_action.{a}" for a in audit.ACTIONS] + [f"values.audit_detail.{k}" for k in audit.DETAIL_KEYS]
    keys += [f"values.audit_{key}.{v}" for key, values in audit.CODED_DETAILS.items() for v in values]
    keys += [f"comparator.{COMPARATOR_NAMES.get(c, c)}" for c in COMPARATORS]
    keys += [f"columns.{c}" for c in HISTORY_COLUMNS]  # the upload history
    keys += [f"columns.{c}" for ds in datasets() for c in ds.columns]  # the explorer's tables and files
    keys += [f"columns.{c}" for c in ("sheet", "row", "column", "value", "problem", "message", "code")]  # findings
    assert [k for k in keys if k not in labels()] == []


def test_every_declared_upload_kind_has_its_words():
    from ui.values import missing_words, words_needed

    needed = words_needed(load_contract())
    assert {"values.kind.calls", "values.case_type.cert_review", "explore.event_type", "upload.fixed_case_type"} <= set(needed)
    assert missing_words(load_contract()) == []


def test_a_column_of_an_upload_kind_is_named_by_the_contract_and_labels_toml_does_not_repeat_it():
    from ui.i18n import file_labels

    contract = load_contract()
    greeting = contract.kind("monitoring").column("greeting")
    assert labels()["columns.greeting"] == {"ko": greeting.ko, "en": greeting.en} == {"ko": "인사말", "en": "Greeting"}
    # Several kinds have a `ref` (접수번호, 점검번호, 민원번호): the first kind declaring it names the column.
    assert labels()["columns.ref"]["ko"] == "접수번호"
    # labels.toml overrides on purpose (교육과정 rather than the upload header 교육과정명) ...
    assert labels()["columns.course"]["ko"] == "교육과정" != contract.kind("trainee_survey").column("course").ko
    # ... but never writes again what the contract already says.
    words = contract.column_words()
    repeated = [name for name, entry in file_labels().items() if name.startswith("columns.")
                and words.get(name.removeprefix("columns.")) == (entry["ko"], entry["en"])]
    assert repeated == []


def test_coded_cells_of_an_enum_column_are_shown_as_words():
    import pandas as pd

    from ui.values import coded_columns, translated

    # Every role of an enum type is a coded column, its words in values.<enum>.
    assert {"case_type": "values.case_type", "via": "values.via", "channel": "values.channel"}.items() <= coded_columns().items()
    shown = translated(pd.DataFrame({"via": ["web", "letter", "fax"]}))
    assert shown["via"].tolist() == ["홈페이지", "서면", "fax"]  # an unknown code stays as it is


def test_every_role_has_words():
    from metrics.access.auth import ROLES

    assert [r for r in ROLES if f"auth.role.{r}" not in labels()] == []


def test_no_source_writes_its_own_korean_english_pair():
    # pick() is for pairs that come from the core's data (KPI titles, kinds); a literal pair belongs in labels.toml.
    literal_pick = re.compile(r"""\bpick\(\s*f?["']""")
    offenders = [
        path.relative_to(ROOT).as_posix()
        for path in [*SOURCES, *sorted((ROOT / "pages").glob("*.py"))]
        if literal_pick.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_every_unit_of_the_registry_can_be_formatted():
    units = {kpi.unit for kpi in load_registry()}
    assert all(f"fmt.unit_{u}" in labels() for u in units - {"share", "count"})


def test_text_falls_back_to_the_key_and_fills_placeholders():
    assert text("no.such.key", "ko") == "no.such.key"
    assert text("scorecard.title", "en", year=2025) == "Charter scorecard 2025"
    assert text("scorecard.title", "ko", year=2025) == "2025년 고객헌장 이행 현황"


def test_korean_object_particle_follows_the_last_sound():
    from ui.i18n import object_phrase

    assert object_phrase("참가기업 만족도 조사") == "참가기업 만족도 조사를"
    assert object_phrase("처리기한 업무 기록") == "처리기한 업무 기록을"


def test_mapping_samples_show_whole_numbers_and_plain_dates():
    from datetime import datetime

    import pandas as pd

    from ui.upload_steps import _sample

    assert _sample(pd.Series([1.0, 2.0, None, 2.5], dtype=object)) == "1, 2, 2.5"
    assert _sample(pd.Series([datetime(2026, 3, 5), datetime(2026, 3, 5, 14, 30)], dtype=object)) == (
        "2026-03-05, 2026-03-05 14:30:00"
    )


def test_the_launcher_warms_modules_that_exist_and_serves_app_py():
    import gc

    from ui import serve

    frozen = gc.get_freeze_count()
    try:
        serve.warm_up()  # a renamed module would fail here, not at the first visitor
        assert gc.get_freeze_count() > frozen  # the libraries' objects are out of the collector's view
    finally:
        gc.unfreeze()  # this test process goes on collecting as before
    assert serve.APP.name == "app.py" and serve.APP.exists()
    # ui modules hold st.cache_data functions, which must be made after Streamlit's runtime starts; of
    # Streamlit itself only a data table, never a module that could start to use the runtime
    assert not [name for name in serve.WARM_MODULES if name.split(".")[0] in ("ui", "pages")]
    assert [name for name in serve.WARM_MODULES if name.startswith("streamlit")] == ["streamlit.emojis"]


def test_the_pages_modules_are_warmed_only_once_streamlits_runtime_exists():
    import subprocess
    import sys

    from ui import serve

    # In a fresh interpreter: no runtime, so nothing is imported (a module imported now would make its caches
    # outside the runtime); the modules named exist.
    code = "import sys; from ui import serve; print(serve.warm_pages(), [m for m in serve.PAGE_MODULES if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
                          cwd=Path(serve.__file__).resolve().parents[1])
    assert done.stdout.split("\n")[-2] == "False []"
    assert all((Path(serve.__file__).parent / f"{m.split('.')[1]}.py").exists() for m in serve.PAGE_MODULES)


def test_the_launcher_makes_streamlits_once_per_process_stack_check_before_the_first_page(monkeypatch):
    from streamlit import delta_generator

    from ui import serve

    # The check walks every frame's source (inspect.stack()); made by the launcher, the first page skips it.
    monkeypatch.setattr(delta_generator, "_use_warning_has_been_displayed", False)
    serve._check_use_warning_now()
    assert delta_generator._use_warning_has_been_displayed is True


def test_tables_show_gaps_as_empty_cells_and_numbers_as_people_write_them():
    import pandas as pd

    from ui.tables import for_display

    frame = pd.DataFrame({
        "comments": ["좋음", None], "received": pd.to_datetime(["2026-03-04", None]),
        "days_taken": [16.0, float("nan")], "share": [0.855, float("nan")], "rings": [2, 3],
    })
    shown = for_display(frame)
    assert shown.to_dict("list") == {
        "comments": ["좋음", ""], "received": ["2026-03-04", ""], "days_taken": ["16", ""], "share": ["85.5%", ""],
        "rings": [2, 3],  # no gap: kept as numbers (and sorted as numbers)
    }


def test_a_yes_no_column_with_a_blank_shows_words_not_true_and_false():
    import pandas as pd

    from ui.tables import for_display

    frame = pd.DataFrame({"callback": pd.array([True, None, False], dtype="boolean"), "greeting": [True, False, True]})
    shown = for_display(frame)
    assert shown["callback"].tolist() == ["예", "", "아니오"]  # a blank item was not checked: blank, never a no
    assert shown["greeting"].dtype == bool  # no blank: kept as a checkbox column


@pytest.mark.parametrize(("upload_id", "expected"), [(24, "업로드 #24를"), (3, "업로드 #3을"), (10, "업로드 #10을"), (7, "업로드 #7을")])
def test_a_particle_follows_how_the_number_before_it_is_read(upload_id, expected):
    assert text("upload.undone", "ko", id=upload_id).startswith(expected)
    assert text("upload.undone", "en", id=upload_id) == f"Upload #{upload_id} was undone."


def test_a_particle_follows_the_unit_word_and_the_quoted_name():
    assert text("explain.on_track", "ko", projection="7.82점", target="7.50점").startswith(
        "지금 속도라면 연말에 7.82점으로 목표 7.50점을 넘을")
    assert "98.5%로 목표 100.0%를" in text("explain.on_track", "ko", projection="98.5%", target="100.0%")
    assert text("upload.template_saved", "ko", name="출석부").startswith("'출석부'를 저장했습니다")


@pytest.mark.db
def test_every_column_the_explorer_and_the_rows_behind_a_kpi_can_show_is_named(demo_database_url):
    # Columns from the core must have words; the survey's own questions come from the file, in its words.
    from metrics import clock, explore
    from metrics.kpi.kpi_rows import kpi_rows
    from metrics.store import get_engine

    engine, year = get_engine(demo_database_url), clock.today().year - 1  # a whole year of the demo
    shown = {c for ds in explore.datasets() for c in explore.load(engine, ds.name, explore.Filters(years=(year,))).columns}
    shown |= {c for kpi in load_registry() for c in kpi_rows(engine, kpi.id, year).rows.columns}
    from_files = {c for c in shown if any("가" <= ch <= "힣" for ch in c)}
    by_kpi = {k.id for k in load_registry()}  # a checklist KPI's column in the explorer, headed by the KPI's title
    assert sorted(c for c in shown - from_files - by_kpi if f"columns.{c}" not in labels()) == []
