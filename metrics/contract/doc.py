"""docs/data-contract.md rendered from config/contract.toml, so the document cannot drift from the code."""

from __future__ import annotations

import io

from metrics.contract import Contract, load_contract

TYPE_WORDS = {
    "text": "텍스트 / text",
    "date": "날짜 / date",
    "datetime": "날짜·시각 / date and time",
    "time": "시각 (날짜 열 옆) / time of day, beside the date column",
    "int": "정수 / integer",
    "number": "숫자 / number",
    "rating": "점수 또는 리커트 응답 / rating or Likert answer",
    "yesno": "예·아니오 (Y/N, 수료/미수료, O/X, ○/×, ☑/☐) / yes or no",
    "personal": "개인정보: 저장하지 않고 가명 ID로만 / personal: never stored, pseudonymised",
}

INTRO = """# 데이터 계약 / Data contract

*Generated from `metrics/config/contract.toml` by `python -m metrics contract-doc`; edit the TOML, not this file.*

Each upload kind below lists the columns the dashboard understands. Headers are matched without spaces,
brackets or case, through the aliases (exact) and keywords (contained) given here, so the association's own
sheets usually map without help; the upload wizard shows the mapping and lets a person correct it, and a
corrected mapping can be saved as a named template for the next file of the same shape. A column that counts its
rows (`번호`, `연번`, `No.`: 1, 2, 3 …) is never taken for who a person is, so two lists numbered alike never make
their rows the same trainees.

Values are read as people write them: dates as Excel dates or serials, `2026-03-15`, `2026.03.15`,
`2026. 3. 15.`, `2026/3/15`, `2026년 3월 15일`, Google Forms `2026. 3. 15 오후 2:30:15`; Likert answers as numbers
or words (`매우 만족` … `매우 불만족`, `매우 그렇다` … `전혀 그렇지 않다`, see `metrics/config/likert.toml`);
numbers with thousands separators; `-` for missing. Title rows, notes, merged and multi-row headers, subtotal and
totals rows (소계, 합계, 계, TOTAL) and footnotes (※ …) are recognised and skipped.

Survey tools' own forms are read too: `2025/05/16 9:51:33 오전 GMT+9`, `01/10/2025 11:05:16 AM` (the wall-clock
time is kept, the zone dropped), Likert answers with their number (`매우 만족(5)`, `5점`, `5 - 매우 그렇다`), a date
and its time of day in two columns (`수신일` + `수신시각`; a column of times of day alone is never taken for a date),
cells merged down over a block of rows (read on every row they cover), and an end date that says the item is still
running (`게시중`, `진행중`, `현재`: not ended, like an empty cell).

Worded answers are read on the survey's scale: `그렇다` is 4 of 5 and 6 of 7. The scale is the one given at upload
(`--scale`), else the one the headers name, else the one the wordings say: a wording only 7-point scales use
(`slightly satisfied`), or a "slightly" wording beside the plain one (`약간 그렇다` and `그렇다`, `약간 만족` and `만족`),
says 7 points; a wording only 5-point scales use (`매우 좋음`, `대체로 만족`) says 5. A "slightly" wording with nothing
else to tell (`매우 불만족 / 약간 불만족 / 보통 / 약간 만족 / 매우 만족` is a 5-point scale too) leaves the scale open:
the upload asks for it, and the command line refuses without `--scale`. The plain wordings alone (`매우 그렇다`,
`그렇다`, `보통이다` …) are read on 5 points. A scale other than the kind's usual one is always asked.

A rating written with the scale it is out of (`4/5`, `4점/5점`, `5점 만점에 4점`, `4 out of 5`, `만족 (4/5)`, stars
`★★★★☆`: the filled stars of all the stars) is read as its number when that scale is the survey's; answers all
written out of one scale say the scale like a header does, and an answer written out of another (`4/10` on a 5-point
survey) is a finding (`out_of_scale`), never read as 4. Stars without empty ones (`★★★★`) are the number only.

Yes/no answers may be words (`예/아니오`, `수료/미수료`, `실시/미실시`, `있음/없음`, `예(Y)`) or marks: `O`/`○`, `◎`, `●`,
`✓`/`✔`/`V`, `☑`/`✅` are yes; `X`/`×`, `✗`/`✘`/`❌`, `☐`/`□` are no. In a column holding both `●` and `○` (radio
buttons), `○` is the one not chosen: a no; alone it is a yes (O/X). `△`, `부분`, `일부 실시` ("partly") are neither:
a finding that says so (`bad_yes_no`), to be settled as yes or no in the source, never guessed.

Dates with English month names, as English-language survey tools and Excel write them, are read: `Mar 4, 2026`,
`March 4th 2026`, `Wednesday, March 4, 2026`, `4-Mar-2026`, `04-Mar-26`, `4 March 2026`. A date without its year
(`3/4`, `3/4(화)`, `3월 4일`, `Mar 4`, `4-Mar`) is read in the year given at upload (`--year`, or the wizard's year,
for the kinds that take one); without it, it is a finding that says the year is missing (`bad_date`): a year is
never guessed from today or from the other rows.

A header written twice, in English and in Korean (`Timestamp | Course | …` over `타임스탬프 | 교육과정명 | …`, or the
reverse), is read by its Korean row when that row names the contract's columns and a row with a date or a number
follows; the English row is skipped as a header row.

A case's time of receipt and of answer (`received_time`, `completed_time`) are stored beside their dates: from a
date-time cell in the date column (`2025-11-14 17:05`) or from a column of their own (`접수일` + `접수시각`, `처리일` +
`처리시각`; also `접수시간`, `수신시각`, `received time`, `time received`), to the minute. The date stays what identifies
the case (the natural key holds `received`, never its time) and says its year; a time of 00:00 (an Excel date cell)
reads as no time; a blank time is no time, and one that cannot be read is a finding on its column while the case is
imported without it. A deadline of 5 business days or less is counted in working hours from that time, and a case
without one in whole days, with a note saying how many (docs/kpi-definitions.md).

A row with a problem (a date that is not a date, a rating outside the scale, a completion before the receipt,
an unknown type, a missing required value, a duplicate within the file) is held back and reported with its
Excel row number; the valid rows can be imported while the others wait for a corrected file. A value that cannot
be read in a column the row does not need (a course start date, a head count, a time of day, a response time when
the survey year is given) is reported on its column and the row imported without it.
"""

ADDING_A_KIND = """
## 업로드 종류 추가 / Adding an upload kind

A kind is declared once, in `metrics/config/contract.toml`; the frames the scorecard reads, the explorer's
dataset and filters, the month a row falls in, the upload page's choices and kind list, the command line's
`--kind`, freshness and the blank template all follow from the declaration.

1. **Declare it**: `[kinds.NAME]` with its names, `year_rule`, `detect_words` and `columns`, and how it is stored
   and read: `table`, `period`, `key`, and where they apply `survey`, `type_column` (with an `[enums.…]` table and a
   column of type `enum:…`), `course_column`, `options`, `one_of`, `reads`, `story`, `explore`, `group_by`. The
   comment at the top of the file says what each means.
2. **Write its builder**: a function `(MappedTable, KindSpec, UploadOptions, Contract) -> Built` decorated with
   `@builds("NAME")` (`metrics/contract/kinds.py`), in the module the declaration names (`module = "…"`, a family
   such as `metrics/intake/case_kinds.py`; the shared column readers are in `metrics/intake/canonical.py`).
3. **Give it a table**: a `Table` in `metrics/store/tables.py` made of `row_columns()`, the builder's columns and `year`,
   added to `DATA_TABLES`, and an Alembic revision in `metrics/store/migrations/versions/` that creates it (the next after
   the head; the app applies it on start, `python -m metrics db upgrade` by hand). Or share a table that has a
   `kind` column, as the surveys share `survey_responses`. Tables are written by hand, not derived from the
   declaration: what is stored is what the builder makes (a pseudonymised `trainee_id`, a survey's `score` and
   `items_json`), not the sheet's roles, and a migration has to name its columns and types for good.
4. **Words**: `values.kind.NAME` in `ui/labels.toml`; for a type column, its values (`values.<enum>.<value>`), the
   explorer's filter (`explore.<type_column>`) and, when the upload may fix it, `upload.fixed_<type_column>`. The
   columns' headers are the declaration's `ko` and `en` (`ui/labels.toml` words only a column the builder derives,
   or one it names differently on purpose); the cells of an `enum:…` column are shown with `values.<enum>.…`.
5. **Check**: `pytest tests/test_kinds.py tests/test_app_labels.py` (`metrics.contract.kinds.problems()` says where the
   declaration, the builder and the table disagree; `ui.values.missing_words` which words are missing), then
   `python -m metrics contract-doc > docs/data-contract.md`.

A KPI on the new kind is an entry in `registry.toml` with a measure that reads the kind (the survey measures read
every kind declared `survey = true`, the checklist measure `share_true` every kind whose table has a yes/no column
that may be blank: a role of type `yesno`, or a flag the builder derives). `tests/test_toy_kind.py` declares a toy kind from a fixture
(`contract.register_kinds`) and follows it through upload, store, explorer and the labels check.
"""


def render(contract: Contract | None = None) -> str:
    """The markdown document for `contract`."""
    contract = contract or load_contract()
    out = io.StringIO()
    out.write(INTRO)
    for kind in contract.kinds.values():
        out.write(f"\n## `{kind.name}` — {kind.ko} / {kind.en}\n\n")
        out.write(f"- **연도 / year of a row:** {kind.year_rule}\n")
        out.write(f"- **저장 / stored:** table `{kind.table}`, one row per natural key `{', '.join(kind.key)}`; "
                  f"months and freshness by `{kind.period}`\n")
        if kind.default_scale:
            out.write(f"- **척도 / scale:** {kind.default_scale:g}점 usually; a scale the headers name (`5점 만점`, `(1~5)`) is "
                      "read, and when the headers or the answers disagree with the usual scale the upload asks for it "
                      "(`--scale` on the command line)\n")
        out.write("\n| role | 한국어 헤더 | English header | type | required | also matched |\n|---|---|---|---|---|---|\n")
        for c in kind.columns:
            kind_type = TYPE_WORDS.get(c.type, c.type)
            if c.enum:
                kind_type = f"구분 / one of the `{c.enum}` labels below"
            if c.range:
                kind_type += f", {c.range_text}"
            required = "필수 / required" if c.required else ("여러 열 / several" if c.multiple else "선택 / optional")
            also = ", ".join(c.aliases[:6] + tuple(f"…{k}…" for k in c.keywords[:4]))
            out.write(f"| `{c.role}` | {c.ko} | {c.en} | {kind_type} | {required} | {also} |\n")
    _write_bookkeeping(out, contract)
    for enum, labels in contract.enums.items():
        out.write(f"\n## `{enum}` labels\n\n| value | accepted labels |\n|---|---|\n")
        for key, names in labels.items():
            out.write(f"| `{key}` | {', '.join(names)} |\n")
    _write_plausible(out, contract)
    out.write(ADDING_A_KIND)
    return out.getvalue()


def _write_plausible(out: io.StringIO, contract: Contract) -> None:
    """The values no real record holds: the years, and each count's range."""
    if contract.plausible is None:
        return
    first, ahead = contract.plausible.first_year, contract.plausible.years_ahead
    out.write("\n## 있을 수 없는 값 / Implausible values\n\n")
    out.write(f"A row is held back with a finding when a date or its year falls before {first} or more than {ahead} "
              f"year(s) after the current one\n(year 1 and 9999 are typos or placeholders), or when a count falls "
              f"outside its range. / {first}년 이전이나 올해보다 {ahead}년 넘게 뒤인 날짜·연도, 범위 밖의 수는 보류합니다.\n\n"
              "| kind | role | range |\n|---|---|---|\n")
    for kind in contract.kinds.values():
        for c in kind.columns:
            if c.range:
                out.write(f"| `{kind.name}` | `{c.role}` | {c.range_text} |\n")


def _write_bookkeeping(out: io.StringIO, contract: Contract) -> None:
    """The bookkeeping columns of the office's sheets and of each survey tool."""
    out.write("\n## 관리용 열 / Bookkeeping columns\n\n")
    out.write("Never taken for a rating question, whatever numbers they hold; a number column is a question only when\n"
              "its header reads like one (a question word, a sentence, a question number such as Q3 or 문항 4) or the\n"
              "person maps it. / 설문 문항으로 읽지 않는 열.\n\n| tool | headers | header starts |\n|---|---|---|\n")
    for group in contract.bookkeeping:
        headers = ", ".join(f"`{h}`" for h in group.headers)
        prefixes = ", ".join(f"`{p}…`" for p in group.prefixes)
        out.write(f"| {group.tool or '사무실 시트 / office sheets'} | {headers} | {prefixes} |\n")
