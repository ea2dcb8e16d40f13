"""A yes/no column read for a builder: the answers, and a finding per cell that is neither (in words that say
why when the cell says "partly", △)."""

from __future__ import annotations

import pandas as pd

from metrics.intake.findings import PARTLY, IssueLog
from metrics.intake.values import Parsed, load_yes_no, parse_yes_no, partly_answers


def read_yes_no(raw: pd.Series, log: IssueLog, header: str, code: str = "bad_yes_no", *, holds: bool = True) -> Parsed:
    """The column's answers; a cell that is neither is recorded under `code`, holding its row when `holds`."""
    yes, no = load_yes_no()
    parsed = parse_yes_no(raw, yes, no)
    bad = parsed.bad.to_numpy(dtype=bool)
    partly = bad & partly_answers(raw)
    record = log.flag if holds else log.note
    record(bad & ~partly, header, raw, code)
    record(partly, header, raw, code, words=PARTLY)
    return parsed
