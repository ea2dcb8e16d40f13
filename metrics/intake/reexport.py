"""A survey exported again without response times: caught before its responses are counted twice.

Responses without a time can be told apart only by their row (survey_kinds.build_survey keys them so), so
the same answers exported again in another order, or under an added title row, would be stored a second
time. Before such a file lands, count how many of its timeless responses already have a stored twin with
the same content; when most of them do, the person is told and decides.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import pandas as pd
from sqlalchemy import Engine, select

from metrics import store
from metrics.contract import kinds, load_contract
from metrics.messages import Message

MIN_TWINS = 10  # a handful of identical answer sheets is normal (all "매우 만족")
MIN_SHARE = 0.5  # of the file's timeless responses


def stored_twins(engine: Engine, kind: str, rows: pd.DataFrame) -> tuple[int, int]:
    """(timeless responses in `rows` that would be stored anew, how many of them have a stored twin)."""
    if not load_contract().kind(kind).is_survey or rows.empty:
        return 0, 0
    timeless = rows.loc[rows["response_date"].isna()]
    if timeless.empty:
        return 0, 0
    stored = _stored_timeless(engine, kind, timeless["year"].dropna().unique())
    keys = timeless["nk"] if "nk" in timeless.columns else store.natural_keys(timeless, kind)
    # Rows whose key is stored are not stored again, and the stored rows they match are spoken for.
    matched = keys.isin(set(stored["nk"]))
    fresh = timeless.loc[~matched]
    unmatched = stored.loc[~stored["nk"].isin(set(keys))]
    mine = Counter(store.content_hashes(fresh))
    theirs = Counter(unmatched["row_hash"])
    return len(fresh), sum(min(n, theirs[h]) for h, n in mine.items())


def _stored_timeless(engine: Engine, kind: str, years: Iterable[int]) -> pd.DataFrame:
    table = kinds.table_of(kind)
    t = table.c
    query = select(t.nk, t.row_hash).where(
        t.active.is_(True), t.response_date.is_(None), t.year.in_([int(y) for y in years])
    )
    if kinds.holds_kinds(table):
        query = query.where(t.kind == kind)
    with engine.connect() as conn:
        return pd.DataFrame(conn.execute(query).all(), columns=["nk", "row_hash"])


def reexport_note(engine: Engine, kind: str, rows: pd.DataFrame) -> Message | None:
    """A warning when most of a file's timeless responses are already stored under other rows, else None."""
    fresh, twins = stored_twins(engine, kind, rows)
    if twins < MIN_TWINS or twins < MIN_SHARE * fresh:
        return None
    return Message(
        f"응답 시간이 없는 응답 {fresh:,}건 중 {twins:,}건이 이미 저장된 응답과 내용이 똑같습니다. 같은 설문을 다시 "
        "내보낸 파일이라면 가져오지 마세요: 시간이 없는 응답은 행 위치로만 구별되므로 두 번 집계됩니다.",
        f"{twins:,} of {fresh:,} responses without a time are identical to responses already stored. If this is "
        "the same survey exported again, do not import it: responses without a time are told apart only by "
        "their row, so they would be counted twice.",
        code="reexport",
    )
