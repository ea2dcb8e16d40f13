"""The year a file is about, read from its sheet or file name when no column says it.

An exhibitor survey exported by hand often has no date column, but its sheet is called "2026 만족도" and
its file "exhibitor_survey_2026.xlsx". Without a year every row would be held back ("no_year"); with
exactly one plausible year in those names, that year is used and a note says where it came from, so the
person can correct it. Two different years (e.g. "2025-2026") are no hint at all.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from metrics import clock
from metrics.contract import Contract, KindSpec
from metrics.intake.canonical import UploadOptions
from metrics.messages import Message

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")
# Roles that give each row its own year: with one of them mapped, the names are not asked.
_ROW_YEAR_ROLES = frozenset({"exhibition_year", "response_date"})


def with_year_from_names(options: UploadOptions, spec: KindSpec, mapping: dict[str, str], sheet: str,
                         filename: str, contract: Contract, *, today: date | None = None) -> tuple[UploadOptions, list[Message]]:
    """`options` with the year read from the sheet or file name when the kind takes a year at upload and no
    column gives one; and the note that says so. Unchanged otherwise."""
    takes_year = "year" in spec.options
    if options.year is not None or not takes_year or _ROW_YEAR_ROLES & set(mapping.values()):
        return options, []
    first, last = contract.plausible.years(today or clock.today()) if contract.plausible else (1990, 2100)
    found: dict[int, tuple[str, str, str]] = {}
    for where_ko, where_en, text in (("시트 이름", "sheet name", sheet), ("파일 이름", "file name", filename)):
        for year in {int(y) for y in _YEAR.findall(text or "") if first <= int(y) <= last}:
            found.setdefault(year, (where_ko, where_en, text))
    if len(found) != 1:
        return options, []
    year, (where_ko, where_en, text) = next(iter(found.items()))
    note = Message(f"연도 열이 없어 {where_ko}('{text}')에서 {year}년을 읽었습니다. 다른 연도라면 업로드할 때 연도를 지정하세요.",
                   f"No column gives the year, so {year} was read from the {where_en} ('{text}'); give the year at upload "
                   "if it is another.", code="year_from_name")
    return replace(options, year=year), [note]
