"""The upload wizard's steps as small functions: choose, prepare (cached), map, report, import, save template.

Each step takes plain values and returns plain values; the page (ui/upload.py) puts them in order.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, time

import pandas as pd
import streamlit as st

from metrics import clock
from metrics.contract import load_contract
from metrics.explore import filenames
from metrics.explore.export import to_csv_bytes
from metrics.intake import commit as storing
from metrics.intake import detection, reexport, saved_mappings, validation
from metrics.intake import preview as import_preview
from metrics.intake.canonical import UploadOptions
from metrics.intake.layout import Table
from metrics.intake.reading import sheet_names
from metrics.intake.scales import ScaleEvidence, rescale_rule
from metrics.kpi import course_aliases
from metrics.messages import Message
from metrics.settings import load_settings
from metrics.store import file_sha256
from ui import access, data, plain, tables
from ui.i18n import current_lang, pick, said, t
from ui.values import word

AUTO = ""
UNUSED = "-"  # the editor's value for "this column is not used" (an empty cell would read as None)
SCALES = (5.0, 7.0, 10.0, 100.0)
PREVIEW_ROWS = 20


def kind_name(kind: str) -> str:
    """An upload kind's name in the current language."""
    spec = load_contract().kinds.get(kind)
    return pick(spec.ko, spec.en) if spec else kind


def choose_sheet(file_bytes: bytes, filename: str) -> str | None:
    """The sheet to read when the workbook has several (None: let the file tell)."""
    names = sheet_names(file_bytes, filename)
    if len(names) <= 1:
        return None
    picked = st.selectbox(t("upload.sheet"), [AUTO, *names], format_func=lambda s: s or t("upload.auto_sheet"))
    return picked or None


def choose_kind() -> str | None:
    """The upload kind, or None to detect it from the file."""
    picked = st.selectbox(t("upload.kind"), [AUTO, *load_contract().kinds], format_func=lambda k: kind_name(k) if k else t("upload.auto_kind"))
    return picked or None


def choose_options(kind: str, start: UploadOptions) -> UploadOptions:
    """The choices the sheet may not make itself, as the kind declares them: the survey scale, the year, one
    type for every row.

    `start` holds what a saved template chose, so its choices show preselected.
    """
    contract = load_contract()
    spec = contract.kind(kind)
    scale = year = fixed = None
    cols = st.columns(3)
    if "scale" in spec.options:
        scales = [None, *sorted(set(SCALES) | ({float(start.scale)} if start.scale else set()))]
        scale = cols[0].selectbox(
            t("upload.scale"), scales, index=scales.index(float(start.scale)) if start.scale else 0, key=f"scale-{kind}",
            format_func=lambda s: t("upload.scale_auto", default=f"{spec.default_scale or 5:g}") if s is None
            else t("upload.scale_points", scale=f"{s:g}"), help=t("upload.scale_help"),
        )
        if scale and spec.default_scale and scale != spec.default_scale:
            cols[0].caption(pick(*rescale_rule(scale, spec.default_scale)))
    if "year" in spec.options:
        year = cols[1].number_input(t("upload.year"), min_value=1990, max_value=2100, value=start.year, step=1,
                                    placeholder=t("upload.year_from_file"), key=f"year-{kind}")
    column = spec.type_column
    if column and column in spec.options:  # one type for every row: the type column's option
        given = getattr(start, column)
        enum = spec.type_enum or ""  # a type column is of an enum type (metrics.contract.kinds checks it)
        keys = [AUTO, *contract.enums[enum]]
        fixed = cols[2].selectbox(t(f"upload.fixed_{column}"), keys, index=keys.index(given) if given in keys else 0,
                                  format_func=lambda k: t(f"values.{enum}.{k}") if k else t("upload.from_column"),
                                  key=f"fixed-{kind}")
    return UploadOptions(year=int(year) if year else None, scale=scale, seconds_per_ring=load_settings().seconds_per_ring,
                         **({column: fixed or None} if column and column in spec.options else {}))


def ask_scale(evidence: ScaleEvidence, key: str) -> float | None:
    """The scale of a file that disagrees with its survey's usual scale, as the person chooses it (None until then)."""
    with st.container(border=True):
        st.warning(t("upload.scale_question"), icon=":material/straighten:")
        st.text(pick(*evidence.seen()))  # plain text: it quotes the file's headers
        choice = st.radio(t("upload.scale_choice"), evidence.choices, index=None, horizontal=True, key=key,
                          format_func=lambda s: t("upload.scale_points", scale=f"{s:g}"))
        for scale in evidence.choices:
            if scale != evidence.usual:
                st.caption(pick(*rescale_rule(scale, evidence.usual)))
    return choice


def _templates_stamp() -> str:
    """Changes whenever a template is saved, so a cached preparation sees the new template."""
    return repr(saved_mappings.list_templates(data.engine()))


@st.cache_data(show_spinner=False, max_entries=8)
def _detect(url: str, stamp: str, file_bytes: bytes, filename: str, kind: str | None, sheet: str | None,
            options: UploadOptions) -> detection.Detected:
    return detection.detect(data.engine(), file_bytes, filename, kind=kind, sheet=sheet, options=options)


def detect(file_bytes: bytes, filename: str, kind: str | None, sheet: str | None, options: UploadOptions) -> detection.Detected:
    """The file's table, kind and starting mapping (a saved template's or suggested), cached on every choice."""
    with st.spinner(t("upload.reading")):
        return _detect(load_settings().database_url, _templates_stamp(), file_bytes, filename, kind, sheet, options)


@st.cache_data(show_spinner=False, max_entries=8)
def _validate(url: str, stamp: str, file_bytes: bytes, filename: str, kind: str | None, sheet: str | None,
              defaults: UploadOptions, mapping: tuple[tuple[str, str], ...], options: UploadOptions, template: str | None) -> validation.Prepared:
    detected = _detect(url, stamp, file_bytes, filename, kind, sheet, defaults)  # cached: not read again
    if template and template != detected.template:
        detected = _with_template(detected, template)
    return validation.validate(file_bytes, filename, detected, mapping=dict(mapping), options=options)


def _with_template(detected: detection.Detected, name: str) -> detection.Detected:
    chosen = saved_mappings.load_template(data.engine(), name)
    return detected if chosen is None else detection.with_template(detected, chosen)


def prepare(file_bytes: bytes, filename: str, kind: str | None, sheet: str | None, defaults: UploadOptions,
            mapping: dict[str, str], options: UploadOptions, template: str | None = None) -> validation.Prepared:
    """Map and validate the table `detect` found with the same choices (cached on every choice);
    `template` names a saved template chosen by hand."""
    frozen = tuple(sorted(mapping.items()))
    with st.spinner(t("upload.reading")):
        return _validate(load_settings().database_url, _templates_stamp(), file_bytes, filename, kind, sheet,
                         defaults, frozen, options, template)


def choose_template(detected: detection.Detected, key: str) -> detection.Detected:
    """A saved template to apply by hand, offered when some share columns with the sheet; returns the detected
    table as that template maps it (unchanged when none is chosen)."""
    ranked = saved_mappings.closest_templates(data.engine(), detected.table.headers, kind=detected.kind)
    if not ranked:
        return detected
    common = {tpl.name: n for tpl, n in ranked}
    names = [AUTO, *common]
    start = names.index(detected.template) if detected.template in common else 0
    picked = st.selectbox(t("upload_plan.template"), names, index=start, key=key, help=t("upload_plan.template_help"),
                          format_func=lambda n: t("upload_plan.template_option", name=n, n=common[n]) if n
                          else t("upload_plan.template_auto"))
    if not picked or picked == detected.template:
        return detected
    chosen = next(tpl for tpl, _ in ranked if tpl.name == picked)
    st.caption(t("upload_plan.template_chosen", name=plain.md(picked)))
    return detection.with_template(detected, chosen)


def mapping_editor(table: Table, mapping: dict[str, str], kind: str, key: str) -> dict[str, str]:
    """A table of the sheet's columns with a role to choose for each; returns {header: role}."""
    spec = load_contract().kind(kind)
    roles = {c.role: f"{pick(c.ko, c.en)}{' *' if c.required else ''}" for c in spec.columns}
    frame = pd.DataFrame({
        "header": table.headers,
        "role": [mapping.get(h, "") or UNUSED for h in table.headers],
        "sample": [_sample(table.frame[h]) for h in table.headers],
    })
    edited = st.data_editor(
        frame, key=key, hide_index=True, disabled=["header", "sample"], num_rows="fixed", width="stretch",
        column_config={
            "header": st.column_config.TextColumn(t("upload.col_header")),
            "role": st.column_config.SelectboxColumn(t("upload.col_role"), options=[UNUSED, *roles], required=True,
                                                     format_func=lambda r: roles.get(str(r), t("upload.role_ignore"))),
            "sample": st.column_config.TextColumn(t("upload.col_sample")),
        },
    )
    return {h: "" if r in (None, UNUSED) else r for h, r in zip(edited["header"], edited["role"], strict=True)}


def _sample(column: pd.Series) -> str:
    """The first three values as a person would write them (1, not 1.0; a date without 00:00:00)."""
    values = [_shown(v) for v in column.head(50) if v is not None and str(v).strip() not in ("", "nan", "None")]
    return ", ".join(values[:3])[:80]


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()
    return str(value)


def preview(prepared: validation.Prepared) -> None:
    """The first rows of the table as read, with their Excel row numbers."""
    table = prepared.table
    head = table.frame.head(PREVIEW_ROWS).copy()
    head.index = table.excel_rows[: len(head)]
    head.index.name = t("upload.excel_row")
    st.dataframe(head.astype("object").astype("str").replace({"None": "", "nan": ""}), width="stretch")


def issues_frame(prepared: validation.Prepared) -> pd.DataFrame:
    """The validation findings in the current language: the problem named in words and the message. In English the
    code follows, last, as a small detail for whoever helps; a Korean page and its CSV carry no code (issue 12)."""
    frame = prepared.issues_frame()
    english = current_lang() == "en"
    keep = "message_en" if english else "message_ko"
    frame = frame.rename(columns={keep: "message"}).drop(columns=["message_ko", "message_en"], errors="ignore")
    frame = frame.assign(problem=frame["code"].map(lambda c: word("values.issue_code", c)).astype("str"))
    return frame[["sheet", "row", "column", "value", "problem", "message", *(["code"] if english else [])]]


def report(prepared: validation.Prepared) -> None:
    """Counts, notes and every problem with its Excel row; the problems downloadable as CSV."""
    total, valid, held = len(prepared.table.frame), len(prepared.rows), prepared.rows_held
    c1, c2, c3 = st.columns(3)
    c1.metric(t("upload.rows_total"), f"{total:,}", border=True)
    c2.metric(t("upload.rows_valid"), f"{valid:,}", border=True)
    c3.metric(t("upload.rows_held"), f"{held:,}", border=True)
    if prepared.template:
        st.caption(t("upload.template_used", name=plain.md(prepared.template)))
    for note in prepared.notes:
        st.info(plain.md(said(note)), icon=":material/info:")  # notes quote headers
    choices = (prepared.sha256, prepared.table.sheet, prepared.kind, tuple(sorted(prepared.mapping.items())),
               prepared.options)
    url, version = data.cache_key()
    twins = _reexport_note(url, version, *choices, _prepared=prepared)
    if twins:
        st.warning(plain.md(said(twins)), icon=":material/content_copy:")
    if not prepared.issues:
        st.success(t("upload.no_issues"), icon=":material/check_circle:")
        return
    frame = issues_frame(prepared)
    st.warning(issues_summary(len(frame), held, valid), icon=":material/warning:")
    tables.show(frame, key="upload-issues", height=min(400, 36 * len(frame) + 40))
    name, body = problems_csv(prepared.filename, frame)
    st.download_button(t("upload.download_issues"), body, file_name=name, mime="text/csv", on_click="ignore",
                       icon=":material/download:")


def problems_csv(filename: str, frame: pd.DataFrame) -> tuple[str, bytes]:
    """The problems as a CSV for Korean Excel, headed in the current language, named after the file."""
    stem = filenames.stem([filename.rsplit(".", 1)[0], t("upload.problems_file")])
    return f"{stem}.csv", to_csv_bytes(frame.rename(columns=tables.header))


def issues_summary(problems: int, held: int, valid: int) -> str:
    """The line above the problems: how many, how many rows they hold back, whether any row is left to import."""
    if held == 0:
        return t("upload_plan.issues_hold_nothing", n=f"{problems:,}")
    if valid == 0:
        return t("upload_plan.issues_none_left", n=f"{problems:,}", rows=f"{held:,}")
    return t("upload.issues_found", n=f"{problems:,}", rows=f"{held:,}")


@st.cache_data(show_spinner=False, max_entries=8)
def _reexport_note(url: str, version: tuple[int, int], sha256: str, sheet: str, kind: str, mapping: tuple[tuple[str, str], ...],
                   options: UploadOptions, *, _prepared: validation.Prepared) -> Message | None:
    """Keyed on the stored data and the file and choices that made these rows (the rows are not hashed)."""
    return reexport.reexport_note(data.engine(), _prepared.kind, _prepared.rows)


def commit(prepared: validation.Prepared, uploaded_by: str | None, found: import_preview.ImportPreview) -> str:
    """Store the valid rows (one transaction) with progress shown; returns the summary to show.

    `found` is the plan shown on this very run (cached on the data version read in it), so the same file
    or rows that landed since the page was drawn are refused before any upload is logged."""
    with st.status(t("upload.importing", n=f"{found.rows_written:,}"), expanded=False) as status:
        result = storing.commit(data.engine(), prepared, uploaded_by=uploaded_by, plan=found)
        access.audit("upload", {"upload_id": result.upload_id, "filename": prepared.filename, "kind": prepared.kind,
                                "rows_imported": result.rows_imported, "rows_held": result.rows_held})
        status.update(label=t("upload.imported_status"), state="complete")
    return t("upload.imported", upload_id=result.upload_id, imported=f"{result.rows_imported:,}",
             duplicate=f"{result.rows_duplicate:,}", superseded=f"{result.rows_superseded:,}", held=f"{result.rows_held:,}")


def save_template_form(prepared: validation.Prepared) -> None:
    """Save the mapping (and options) under a name, to be applied to sheets of the same shape."""
    with st.expander(t("upload.save_template"), icon=":material/bookmark_add:"):
        default = prepared.template or prepared.filename.rsplit(".", 1)[0]
        name = st.text_input(t("upload.template_name"), value=default, key=f"template-name-{prepared.sha256[:12]}")
        if st.button(t("upload.save_template_button"), key=f"template-save-{prepared.sha256[:12]}", disabled=not name.strip()):
            options = {k: v for k, v in asdict(prepared.options).items() if v is not None}
            saved_mappings.save_template(data.engine(), name.strip(), prepared.kind, prepared.table.headers,
                                    prepared.mapping, options)
            st.success(t("upload.template_saved", name=plain.md(name.strip())), icon=":material/bookmark_added:")


@st.cache_data(show_spinner=False, max_entries=8)
def _same_file(url: str, version: tuple[int, int], sha256: str) -> import_preview.SameFile | None:
    with data.engine().connect() as conn:
        return import_preview.same_file(conn, sha256)


def same_file(file_bytes: bytes) -> import_preview.SameFile | None:
    """The live upload of these very bytes, if any: said as soon as the file is chosen."""
    return _same_file(*data.cache_key(), file_sha256(file_bytes))


def show_same_file(found: import_preview.SameFile) -> None:
    """The refusal of a file already imported, and what to do instead."""
    st.error(t("upload_plan.same_file", id=found.upload_id, at=clock.shown(found.created_at)),
             icon=":material/content_copy:")
    st.caption(t("upload_plan.same_file_hint"))


@st.cache_data(show_spinner=False, max_entries=8)
def _plan(url: str, version: tuple[int, int], sha256: str, sheet: str, kind: str, mapping: tuple[tuple[str, str], ...], options: UploadOptions,
          *, _prepared: validation.Prepared) -> import_preview.ImportPreview:
    """Keyed on the stored data and the file and choices that made these rows (the rows are not hashed)."""
    return import_preview.preview(data.engine(), _prepared)


def plan(prepared: validation.Prepared) -> import_preview.ImportPreview:
    """What importing the prepared file would do now (nothing written)."""
    choices = (prepared.sha256, prepared.table.sheet, prepared.kind, tuple(sorted(prepared.mapping.items())),
               prepared.options)
    url, version = data.cache_key()
    return _plan(url, version, *choices, _prepared=prepared)


def show_plan(found: import_preview.ImportPreview) -> None:
    """Rows new, changed, already stored (and by which uploads), held back, and the years, before Import."""
    st.markdown(f"#### {t('upload_plan.title')}")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric(t("upload_plan.new"), f"{found.rows_new:,}", border=True, help=t("upload_plan.new_help"))
    c2.metric(t("upload_plan.changed"), f"{found.rows_changed:,}", border=True, help=t("upload_plan.changed_help"))
    c3.metric(t("upload_plan.repeated"), f"{found.rows_repeated:,}", border=True, help=t("upload_plan.repeated_help"))
    c4.metric(t("upload_plan.held"), f"{found.rows_held:,}", border=True, help=t("upload_plan.held_help"))
    if found.repeated_from:
        st.caption(t("upload_plan.repeated_from", uploads=_upload_refs(found.repeated_from)))
    if found.changed_from:
        st.caption(t("upload_plan.changed_from", uploads=_upload_refs(found.changed_from)))
    years = t("upload_plan.years", years=_years(found.years))
    if found.years_written != found.years:
        years += " · " + t("upload_plan.years_written", years=_years(found.years_written))
    st.caption(years)
    if not found.writes_anything and found.rows_repeated:
        st.info(t("upload_plan.nothing_new", n=f"{found.rows_repeated:,}"), icon=":material/check_circle:")


def _upload_refs(refs: tuple[import_preview.UploadRef, ...], limit: int = 3) -> str:
    shown = ", ".join(t("upload_plan.upload_ref", id=r.id, filename=plain.md(r.filename), date=clock.shown_day(r.created_at),
                        n=f"{r.rows:,}") for r in refs[:limit])
    return shown + (" " + t("upload_plan.more_uploads", n=len(refs) - limit) if len(refs) > limit else "")


def _years(years: tuple[int, ...]) -> str:
    return ", ".join(str(y) for y in years) if years else t("upload_plan.years_none")


@st.cache_data(show_spinner=False, max_entries=8)
def _courses(url: str, version: tuple[int, int]) -> tuple[pd.DataFrame, pd.DataFrame]:
    engine = data.engine()
    return course_aliases.unmatched(engine), course_aliases.roster_courses(engine)


def course_alias_editor(key: str) -> dict[str, str | None]:
    """Survey course names matching no roster course, each with the roster course chosen for it;
    returns the changes made in the table ({survey name: roster name, or None to remove})."""
    alone, roster = _courses(*data.cache_key())
    names = dict(zip(roster["key"], roster["name"], strict=True))
    before = [names.get(k, UNUSED) if k else UNUSED for k in alone["course_key"]]
    frame = pd.DataFrame({"survey": alone["name"], "responses": alone["responses"], "course": before})
    edited = st.data_editor(
        frame, key=key, hide_index=True, disabled=["survey", "responses"], num_rows="fixed", width="stretch",
        column_config={
            "survey": st.column_config.TextColumn(t("upload_plan.courses_survey")),
            "responses": st.column_config.NumberColumn(t("upload_plan.courses_responses"), format="localized"),
            "course": st.column_config.SelectboxColumn(t("upload_plan.courses_course"), options=[UNUSED, *roster["name"]],
                                                       required=True),
        },
    )
    return {s: (None if c in (None, UNUSED) else c) for s, c, old in zip(edited["survey"], edited["course"], before, strict=True)
            if c != old}


def unmatched_course_count() -> int:
    """How many survey course names match no roster course (mapped or not)."""
    return len(_courses(*data.cache_key())[0])
