"""The robustness corpus: real files the dashboard did not make are read into a table or refused clearly.

The corpus lives outside the repository (../shared/corpus, or wherever CORPUS_DIR points); without it
these tests are skipped. Expected values below were read off the files themselves.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from metrics.intake import reading
from metrics.intake.layout import locate_table
from metrics.intake.reading import UnreadableFileError, read_all_sheets, read_sheet, sheet_names

CORPUS = Path(os.environ.get("CORPUS_DIR") or Path(__file__).resolve().parents[2] / "shared" / "corpus")
NOT_INPUTS = {"INDEX.md", "SHA256SUMS"}
FILES = (
    sorted(p for p in CORPUS.rglob("*") if p.is_file() and p.name not in NOT_INPUTS)
    if CORPUS.is_dir()
    else []
)

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.skipif(
        not CORPUS.is_dir(), reason=f"robustness corpus not found at {CORPUS} (set CORPUS_DIR)"
    ),
]


def corpus_file(name: str) -> bytes:
    return (CORPUS / name).read_bytes()


def table_of(name: str, sheet: str | None = None):
    return locate_table(read_sheet(corpus_file(name), Path(name).name, sheet))


def refusal(name: str) -> UnreadableFileError:
    with pytest.raises(UnreadableFileError) as caught:
        read_all_sheets(corpus_file(name), Path(name).name)
    return caught.value


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES] if FILES else None)
def test_every_file_becomes_tables_or_one_clear_refusal(path):
    data = path.read_bytes()
    try:
        names = sheet_names(data, path.name)
        sheets = read_all_sheets(data, path.name)
    except UnreadableFileError as exc:
        assert exc.code and exc.message.ko and exc.message.en
        return
    assert [s.name for s in sheets] == [n for n in names if n in {s.name for s in sheets}]
    for raw in sheets:
        try:
            table = locate_table(raw)
        except UnreadableFileError as exc:
            assert exc.code == "empty"
            continue
        assert len(table.headers) == len(set(table.headers)) == table.frame.shape[1]
        assert len(table.excel_rows) == len(table.frame)


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("cal_pass_protected.xlsx", "encrypted"),
        ("edr_rc4_password.xls", "encrypted"),
        ("corrupt_too_small.xls", "corrupt"),
        ("corrupt_zip_not_ooxml.xlsx", "not_spreadsheet"),
        ("exz_zero_sheets.xlsx", "no_sheets"),
        ("cal_empty_sheet.xlsx", "empty"),
        ("cal_formula_errors.xlsx", "empty"),  # every cell is an error value, which reads as empty
    ],
)
def test_unreadable_files_get_their_reason(name, code):
    assert refusal(name).code == code


def test_expansion_bomb_is_refused_by_the_guard_before_calamine_opens_it(monkeypatch):
    def calamine_must_not_run(*_args, **_kwargs):
        raise AssertionError("calamine was handed the bomb")

    monkeypatch.setattr(reading.CalamineWorkbook, "from_filelike", calamine_must_not_run)
    assert refusal("DANGEROUS/cal_expansion_bomb.ods").code == "bomb"


def test_xls_with_a_damaged_sector_chain_that_calamine_can_still_read_is_imported():
    # xlrd refuses this file (CompDocError); calamine reads all nine price-list sheets consistently.
    sheets = read_all_sheets(corpus_file("corrupt_cfb_chain.xls"), "corrupt_cfb_chain.xls")
    assert len(sheets) == 9
    table = locate_table(sheets[0])
    assert table.header_rows == (4,) and table.headers[0] == "ТИП"


# ---------------------------------------------------------------- Korean public data


def test_seoul_crime_cp949_headers_are_korean():
    table = table_of("ko_seoul_crime_cp949.csv")
    assert table.headers[:3] == ["관서명", "살인 발생", "살인 검거"]
    assert table.frame.iloc[0].tolist()[:8] == ["중부서", "2", "2", "3", "2", "105", "65", "1,395"]


def test_kma_header_is_found_after_seven_metadata_lines_and_dates_lose_their_tab():
    table = table_of("ko_kma_seoul_temperature.csv")
    assert table.headers == ["날짜", "지점", "평균기온(℃)", "최저기온(℃)", "최고기온(℃)"]
    assert table.header_rows == (8,)
    assert table.skipped[:7] == tuple((i, "title") for i in range(1, 7)) + ((7, "blank"),)
    assert table.excel_rows[0] == 9
    assert table.frame.iloc[0].tolist() == ["1907-10-01", "108", "13.5", "7.9", "20.7"]


def test_seoul_population_joins_three_repeated_header_rows_and_drops_the_total_row():
    table = table_of("ko_seoul_population_2017Q1.xls")
    assert table.header_rows == (1, 2, 3)
    assert table.headers[:5] == ["기간", "자치구", "세대", "인구 / 합계 / 계", "인구 / 합계 / 남자"]
    assert (4, "total") in table.skipped
    assert table.frame.iloc[0, 1] == "종로구" and table.excel_rows[0] == 5


def test_opinet_title_and_unit_note_are_skipped_and_text_prices_stay_text():
    table = table_of("ko_opinet_gas_stations.xls")
    assert table.skipped[:2] == ((1, "title"), (2, "note"))
    assert table.header_rows == (3,)
    assert table.headers[6:8] == ["고급휘발유", "휘발유"]
    assert table.frame.iloc[0, 6:8].tolist() == ["-", "1548"]


def test_kosis_population_merged_header_and_subtotal_rows():
    table = table_of("ko_kosis_population_raw.xlsx", "데이터")
    assert table.header_rows == (1, 2)
    assert table.headers[2:5] == ["항목", "2016 / 계", "2016 / 20 - 24세"]
    assert (3, "total") in table.skipped and table.excel_rows[0] == 4


def test_kosis_leisure_four_stub_header_rows():
    table = table_of("ko_kosis_leisure_cp949.csv")
    assert table.header_rows == (1, 2, 3, 4)
    assert table.headers[:2] == ["항목", "전국 / 전체 / 계 / 2000"]
    assert table.frame.iloc[6, 0] == "컴퓨터게임,PC통신" and table.excel_rows[6] == 11


# ---------------------------------------------------------------- survey tools


def test_qualtrics_names_questions_by_the_german_label_row_and_bookkeeping_by_the_export_tag():
    table = table_of("qualtrics_sample_de.csv")
    assert table.headers[:3] == ["StartDate", "EndDate", "Status"]
    assert table.headers[17] == "This is a multiple choice question."
    assert table.header_rows == (2,) and table.skipped == ((1, "header"), (3, "header"))
    assert table.excel_rows.tolist() == [4]


def test_surveymonkey_question_and_option_headers():
    table = table_of("sm_starwars_538.csv")
    assert table.headers[0] == "RespondentID"
    assert table.headers[3] == (
        "Which of the following Star Wars films have you seen? Please select all that apply. / "
        "Star Wars: Episode I The Phantom Menace"
    )
    assert not any(h.endswith("/ Response") for h in table.headers)
    assert table.excel_rows[0] == 3


def test_surveymonkey_html_breaks_are_removed_from_questions():
    header = table_of("sm_steak_538.csv").headers[1]
    assert (
        header.startswith("Consider the following hypothetical situations: In Lottery A")
        and "<br>" not in header
    )


def test_grouped_summary_header_and_grand_total():
    table = table_of("sm_nfl_fandom_grouped_header.csv")
    assert table.headers[2] == "Democrat / Asian" and table.headers[-1] == "Nonwhite%"
    assert table.skipped == ((35, "total"),)


# ---------------------------------------------------------------- odd Excel and CSV shapes


def test_title_row_and_total_row_are_dropped():
    table = table_of("fl_title_row_and_total.xlsx")
    assert table.headers == ["A", "B"]
    assert table.frame.to_numpy().tolist() == [[8.0, 9.0]]
    assert table.skipped == ((1, "title"), (4, "total"))


def test_five_row_merged_header():
    assert table_of("fl_multiline_headers.xlsx").headers[:2] == ["Region", "Caloric contribution / (%)"]


def test_hidden_sheets_and_chartsheets_are_not_offered():
    assert sheet_names(corpus_file("cal_hidden_sheets.xlsx"), "x.xlsx") == ["Visible"]


def test_1904_dates_and_long_durations():
    rows = read_sheet(corpus_file("cal_date_1904.xlsx"), "x.xlsx").rows
    assert rows[0][0] == date(2021, 1, 1)
    assert rows[2][0] == timedelta(days=10, seconds=54610)


def test_offset_table_under_a_stray_note():
    table = table_of("cal_offset_table.xlsx")
    assert table.header_rows == (9,) and table.headers == ["Columns", "Column A", "Column B", "Column C"]


def test_fullwidth_spaces_are_stripped_from_the_header():
    assert table_of("edr_fullwidth_space.xlsx").headers == ["text"]


@pytest.mark.parametrize(
    ("name", "headers", "first"),
    [
        ("csv_utf16le_bom.csv", ["a", "b", "c"], ["1", "2", "3"]),
        ("csv_semicolon_leading_zero.csv", ["fieldNameA", "fieldNameB"], ["0123", "c"]),
        ("csv_ragged_rows.csv", ["id", "name", "age", "열 D"], ["1101", "John", None, None]),
    ],
)
def test_csv_shapes(name, headers, first):
    table = table_of(name)
    assert table.headers == headers and table.frame.iloc[0].tolist() == first
