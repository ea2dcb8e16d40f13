"""Builders of the exhibition's activities: the yearly events and who took part, the product pages posted."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builds
from metrics.intake.canonical import (
    Built,
    MappedTable,
    UploadOptions,
    _dates,
    _enum,
    _require_year,
    _text,
    _year_column,
)
from metrics.intake.findings import IssueLog
from metrics.intake.values import clean_text, normalise_key, parse_ints


@builds("events")
def build_events(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Yearly activities: type, date, title, participants."""
    log = IssueLog(t.sheet, t.excel_rows)
    event_type = _enum(t, log, contract, "event_type", "event_type", opts.event_type)
    date = _dates(t, log, "date", required=True)
    header, raw = t.raw("participants")
    participants = pd.Series(pd.NA, index=t.frame.index, dtype="Int64")
    if header is not None and raw is not None:
        parsed = parse_ints(raw)
        log.note(parsed.bad, header, raw, "bad_number")  # the event is held all the same
        participants = parsed.values
    rows = pd.DataFrame(
        {
            "event_type": event_type,
            "date": date,
            "title": _text(t, "title"),
            "participants": participants,
            "participant_groups": _groups(t, log, contract),
            "year": date.dt.year.astype("Int64"),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)


GROUP_SPLIT = r"[,，、·ㆍ/;+&\n]|\s및\s|\s그리고\s"


def _groups(t: MappedTable, log: IssueLog, contract: Contract) -> pd.Series:
    """Who took part, as the sorted codes of [enums.participant_group] joined by commas ("contractor,local_gov").

    Each listed name is that group when it contains one of the group's labels (spaces and case ignored); a name
    matching no group is noted, and the event is imported with the groups it does name.
    """
    header, raw = t.raw("participant_groups")
    if raw is None:
        return pd.Series(pd.NA, index=t.frame.index, dtype="str")
    labels = [(normalise_key(label), code) for code, names in contract.enums["participant_group"].items()
              for label in (code, *names)]
    labels.sort(key=lambda pair: -len(pair[0]))  # 지자체 공무원 before 공무원

    def codes(cell: object) -> tuple[str | None, bool]:
        text = clean_text(pd.Series([cell])).iloc[0]
        if not isinstance(text, str):
            return None, False
        found, unknown = set(), False
        for part in re.split(GROUP_SPLIT, text):
            key = normalise_key(part)
            if not key:
                continue
            code = next((c for label, c in labels if label and label in key), None)
            if code is None:
                unknown = True
            else:
                found.add(code)
        return (",".join(sorted(found)) or None), unknown

    pairs = [codes(v) for v in raw]
    log.note(np.array([u for _c, u in pairs]), header or "", raw, "unknown_group",
             " / ".join(names[0] for names in contract.enums["participant_group"].values()))
    return pd.Series([c for c, _u in pairs], index=t.frame.index, dtype="str")


@builds("postings")
def build_postings(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Product pages on the WATER KOREA site: posted from, posted to (empty while online)."""
    log = IssueLog(t.sheet, t.excel_rows)
    company = _text(t, "company", log, required=True)
    posted_from = _dates(t, log, "posted_from", required=True)
    posted_to = _dates(t, log, "posted_to", ends=True)
    h, raw = t.raw("posted_to")
    log.flag((posted_to < posted_from).fillna(False).to_numpy(dtype=bool), h or "", raw, "posted_to_before_from")
    if opts.year is not None:
        year = pd.Series(opts.year, index=t.frame.index, dtype="Int64")
    else:
        year = _year_column(t, log, "exhibition_year")
    rows = pd.DataFrame(
        {
            "company": company,
            "product": _text(t, "product"),
            "posted_from": posted_from,
            "posted_to": posted_to,
            "year": _require_year(t, log, year),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)
