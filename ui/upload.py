"""The managers' page: upload a spreadsheet step by step, see what was imported, undo, get blank templates."""

from __future__ import annotations

import json
from dataclasses import replace

import streamlit as st

from metrics import clock, store
from metrics.contract import load_contract
from metrics.explore import filenames
from metrics.intake import blank_templates
from metrics.intake.canonical import UploadOptions
from metrics.intake.reading_text import CSV_SHEET
from metrics.intake.refusals import RejectedFileError
from metrics.kpi import course_aliases
from metrics.settings import load_settings
from metrics.store import freshness
from ui import access, data, plain, shell, tables
from ui import upload_steps as steps
from ui.errors import friendly, show_user_error
from ui.freshness import freshness_table as data_freshness_table
from ui.i18n import current_lang, t
from ui.values import translated

# Page-local wizard state: a counter in the uploader's key (a new key empties it after an import
# or a cancel) and one message carried over that rerun.
NONCE_KEY = "upload_nonce"
FLASH_KEY = "upload_flash"
FILE_TYPES = ["xlsx", "xlsm", "xls", "csv", "txt"]
HISTORY_COLUMNS = ("id", "status", "created_at", "filename", "kind", "rows_imported", "rows_held", "rows_duplicate",
                   "rows_superseded", "uploaded_by", "sheet", "undone_at")


def flash(message: str) -> None:
    """Keep a success message for the next run (the rerun that empties the uploader)."""
    st.session_state[FLASH_KEY] = message


def show_flash() -> None:
    """Show and forget the message of the previous run."""
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def reset_wizard() -> None:
    """Empty the uploader (and with it every choice made for the file)."""
    st.session_state[NONCE_KEY] = st.session_state.get(NONCE_KEY, 0) + 1


def uploader_words(max_mb: int) -> None:
    """The uploader's own button and limits line in Korean: Streamlit has no parameter for them, so a style
    puts our words over its English ones (in English mode its own words stay)."""
    if current_lang() == "en":
        return
    box = '[data-testid="stFileUploaderDropzone"]'
    limits = t("upload.limits", mb=max_mb, types=", ".join(ext.upper() for ext in FILE_TYPES))
    st.html(
        f"<style>{box} button [data-testid=\"stMarkdownContainer\"] p {{ font-size: 0; }}"
        f"{box} button [data-testid=\"stMarkdownContainer\"] p::after {{ content: {json.dumps(t('upload.browse'), ensure_ascii=False)}; "
        "font-size: 0.875rem; }"
        f"{box} [data-testid=\"stFileUploaderDropzoneInstructions\"] span {{ font-size: 0; }}"
        f"{box} [data-testid=\"stFileUploaderDropzoneInstructions\"] span::after {{ content: {json.dumps(limits, ensure_ascii=False)}; "
        "font-size: 0.875rem; }</style>"
    )


@friendly
def wizard() -> None:
    """File -> kind and sheet -> options -> mapping -> report -> import or cancel."""
    max_mb = int(load_settings().max_upload_mb)
    uploader_words(max_mb)
    file = st.file_uploader(t("upload.file", mb=max_mb), type=FILE_TYPES, key=f"upload-file-{st.session_state.get(NONCE_KEY, 0)}",
                            max_upload_size=max_mb, help=t("upload.file_help"))
    if file is None:
        st.caption(t("upload.hint"))
        return
    file_bytes, filename = file.getvalue(), file.name
    same = steps.same_file(file_bytes)
    if same is not None:  # said at once: nothing to check or import in a file already stored
        steps.show_same_file(same)
        return
    left, right = st.columns(2)
    with left:
        kind = steps.choose_kind()
    with right:
        sheet = steps.choose_sheet(file_bytes, filename)
    defaults = UploadOptions(seconds_per_ring=load_settings().seconds_per_ring)
    try:
        detected = steps.detect(file_bytes, filename, kind, sheet, defaults)
    except RejectedFileError as exc:
        show_user_error(exc)
        return  # the kind could not be told: the person chooses it above
    picked_kind, kind = kind, detected.kind
    if detected.table.sheet == CSV_SHEET:  # a text file has no sheet: its stand-in name is not said
        st.caption(t("upload.detected_text", kind=steps.kind_name(kind)))
    else:
        st.caption(t("upload.detected", kind=steps.kind_name(kind), sheet=plain.md(detected.table.sheet)))
    table = detected.table
    file_key = f"{len(file_bytes)}-{filename}-{kind}-{table.sheet}"
    detected = steps.choose_template(detected, key=f"template-{file_key}")
    template = detected.template
    options = steps.choose_options(kind, detected.options)
    st.markdown(f"**{t('upload.mapping')}**")
    st.caption(t("upload.mapping_help"))
    chosen = steps.mapping_editor(table, detected.mapping, kind, key=f"mapping-{file_key}-{template}")
    try:
        prepared = steps.prepare(file_bytes, filename, picked_kind, sheet, defaults, chosen, options, template)
    except RejectedFileError as exc:
        show_user_error(exc)
        return  # e.g. a required column still unmapped: the table above fixes it
    if prepared.scale_question is not None:
        scale = steps.ask_scale(prepared.scale_question, key=f"ask-scale-{prepared.sha256[:12]}-{kind}")
        if scale is None:
            return  # never guessed: nothing is reported or imported until the scale is chosen
        options = replace(options, scale=scale)
        prepared = steps.prepare(file_bytes, filename, picked_kind, sheet, defaults, chosen, options, template)
    with st.expander(t("upload.preview", rows=min(steps.PREVIEW_ROWS, len(prepared.table.frame))), icon=":material/table:"):
        steps.preview(prepared)
    st.markdown(f"#### {t('upload.report')}")
    steps.report(prepared)
    plan = steps.plan(prepared)
    steps.show_plan(plan)
    go, cancel = st.columns([1, 1])
    # An import that would store nothing is not offered (a file of invalid rows keeps its disabled button).
    if (plan.writes_anything or prepared.rows.empty) and go.button(
            t("upload.import", n=f"{plan.rows_written:,}"), type="primary", disabled=not plan.writes_anything,
            icon=":material/cloud_upload:", key="upload-import"):
        access.require("manager")  # checked again on the action itself, not only on the page
        flash(steps.commit(prepared, shell.user_name(), plan))
        reset_wizard()
        st.rerun()
    if cancel.button(t("upload.cancel"), icon=":material/close:", key="upload-cancel"):
        reset_wizard()
        st.rerun()
    steps.save_template_form(prepared)


@friendly
def history() -> None:
    """Every upload, newest first, and undo of one (after a confirmation)."""
    st.subheader(t("upload.history"), divider="gray")
    frame = data.uploads()
    if frame.empty:
        st.caption(t("upload.no_uploads"))
        return
    shown = frame.assign(status=frame["undone_at"].isna().map({True: t("upload.status_active"), False: t("upload.status_undone")}))
    shown = tables.korea_times(shown[[c for c in HISTORY_COLUMNS if c in shown.columns]], ("created_at", "undone_at"))
    tables.show(translated(shown), key="upload-history", height=min(420, 36 * len(shown) + 40))
    active = frame[frame["undone_at"].isna()]
    if active.empty:
        return
    names = dict(zip(active["id"], active["filename"], strict=True))
    rows = dict(zip(active["id"], active["rows_imported"], strict=True))
    with st.container(border=True):
        # Keyed on the newest upload: after an import (here or elsewhere) the box proposes that one,
        # not the choice left over from before it.
        choice = st.selectbox(t("upload.undo_which"), list(names), format_func=lambda i: f"#{i} · {names[i]}",
                              index=0, key=f"undo-choice-{max(names)}")
        confirm = st.checkbox(t("upload.undo_confirm", rows=f"{rows[choice]:,}", id=choice), key=f"undo-confirm-{choice}")
        if st.button(t("upload.undo_button"), disabled=not confirm, icon=":material/undo:", key="undo-button"):
            access.require("manager")
            store.undo_upload(data.engine(), int(choice))
            access.audit("undo", {"upload_id": int(choice), "filename": names[choice]})
            flash(t("upload.undone", id=choice))
            st.rerun()


@friendly
def data_freshness() -> None:
    """Per kind, the last upload and the newest data date, so stale data is obvious."""
    frame, stale = data_freshness_table(clock.today())
    title = t("upload_plan.freshness") + (" · " + t("upload_plan.freshness_stale", n=stale) if stale else "")
    with st.expander(title, icon=":material/event_available:", expanded=bool(stale)):
        st.caption(t("upload_plan.freshness_help", days=freshness.STALE_AFTER_DAYS))
        tables.show(frame, key="upload-freshness")


@friendly
def course_names() -> None:
    """Survey course names that match no roster course, mapped by hand to the course they mean (kept in the database)."""
    n = steps.unmatched_course_count()
    if n == 0:
        return
    with st.expander(t("upload_plan.courses_title", n=f"{n:,}"), icon=":material/link:"):
        st.caption(t("upload_plan.courses_help"))
        changes = steps.course_alias_editor(key=f"course-aliases-{data.cache_key()[1]}")
        if st.button(t("upload_plan.courses_save"), disabled=not changes, icon=":material/save:", key="course-aliases-save"):
            access.require("manager")
            saved = course_aliases.save(data.engine(), changes, updated_by=shell.user_name())
            flash(t("upload_plan.courses_saved", n=f"{saved:,}"))
            st.rerun()


@st.cache_data(show_spinner=False)
def _blank(kind: str) -> bytes:
    return blank_templates.blank_template(kind)


@friendly
def blank_template_downloads() -> None:
    """A blank spreadsheet (Korean headers) to download for every upload kind."""
    st.subheader(t("upload.blank_templates"), divider="gray")
    st.caption(t("upload.blank_help"))
    # A row that wraps, each button as wide as its words: four equal columns cut them at 1024 px ("참가기업 …").
    row = st.container(horizontal=True)
    for kind in load_contract().kinds:
        row.download_button(
            t(f"values.kind.{kind}"), _blank(kind), help=steps.kind_name(kind), file_name=blank_file_name(kind),
            on_click="ignore", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            icon=":material/download:", key=f"blank-{kind}", width="content",
        )


def blank_file_name(kind: str) -> str:
    """A blank template's file name in the page's language: 참가기업만족도_양식.xlsx, not exhibitor_survey_template.xlsx."""
    return f"{filenames.stem([t(f'values.kind.{kind}'), t('upload.template_file')])}.xlsx"


def render() -> None:
    """Draw the upload page."""
    st.title(t("upload.title"))
    show_flash()
    wizard()
    data_freshness()
    course_names()
    history()
    blank_template_downloads()
