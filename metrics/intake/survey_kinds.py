"""Builders of the survey kinds: responses of exhibitors, trainees and future-talent courses, rated on a scale.

Items and overall are read on the kind's scale (or the one chosen at upload); the per-response score is the
overall answer, else the mean of the items.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builds
from metrics.intake.canonical import (
    Built,
    MappedTable,
    UploadOptions,
    _dates,
    _keys,
    _require_year,
    _text,
    _year_column,
)
from metrics.intake.findings import IssueLog
from metrics.intake.likert_scale import FIVE, SEVEN, WordedScale, worded_scale
from metrics.intake.scales import ScaleEvidence
from metrics.intake.scales import gather as gather_scale
from metrics.intake.values import Parsed, clean_text, load_likert, parse_denominators, parse_ratings


@builds("exhibitor_survey", "trainee_survey", "future_talent_survey")
def build_survey(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Survey responses: items and overall on the scale, the per-response score derived here."""
    log = IssueLog(t.sheet, t.excel_rows)
    item_headers = t.headers("item")
    overall_header, _ = t.raw("overall")
    rated = [h for h in [*item_headers, overall_header] if h]
    worded = worded_scale(t.frame[h] for h in rated)
    # Worded answers are read on the scale their wordings (or the person) say: "그렇다" is 6 of 7, 4 of 5.
    read_on = SEVEN if SEVEN in (opts.scale, worded.sure) else FIVE
    answers = {h: parse_ratings(t.frame[h], load_likert(scale=read_on)) for h in rated}
    over = {h: parse_denominators(t.frame[h]) for h in rated}  # "4/5" is written over 5
    evidence = _scale_evidence(answers, kind, worded, _written(t, over))
    scale = float(opts.scale or evidence.scale)
    if scale == SEVEN and read_on != SEVEN:  # a header or the numbers said 7 points
        answers = {h: parse_ratings(t.frame[h], load_likert(scale=SEVEN)) for h in rated}
    low = 1.0 if scale <= 7 else 0.0
    expected = f"{low:g}–{scale:g}"

    def ratings(header: str) -> pd.Series:
        raw, parsed = t.frame[header], answers[header]
        log.flag(parsed.bad, header, raw, "bad_rating")
        out_of_scale = parsed.values.notna() & ((parsed.values < low) | (parsed.values > scale))
        out_of_scale |= over[header].notna() & (over[header] != scale)  # "4/10" on 5 points is no 4
        log.flag(out_of_scale, header, raw, "out_of_scale", expected)
        return parsed.values.where(~out_of_scale)

    items = np.column_stack([ratings(h).to_numpy(dtype=float) for h in item_headers]) if item_headers else np.empty((len(t), 0))
    overall = ratings(overall_header) if overall_header else pd.Series(np.nan, index=t.frame.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a response with no item answered has no mean
        item_mean = np.nanmean(items, axis=1) if items.shape[1] else np.full(len(t), np.nan)
    score = overall.where(overall.notna(), pd.Series(item_mean, index=t.frame.index))
    log.flag(score.isna().to_numpy() & ~log.held, overall_header or "", None, "no_answer")

    given_year = _given_year(t, log, kind, opts)
    # A row whose year is given needs no response date: a bad one is reported and the row imported.
    response_date = _dates(t, log, "response_date", with_time=True, clock="response_clock",
                           optional=given_year.notna().to_numpy(dtype=bool))
    year = _require_year(t, log, given_year.fillna(response_date.dt.year.astype("Int64")))
    course = _text(t, "course")
    rows = pd.DataFrame(
        {
            "kind": kind.name,
            "year": year,
            "response_date": response_date,
            "course": course,
            "course_key": _keys(course),
            "company": _text(t, "company"),
            "overall": overall.astype(float),
            "score": score.astype(float),
            "scale_max": scale,
            "items_json": _items_json(items),
            "comments": _joined_comments(t),
            "excel_row": t.excel_rows,
        }
    )
    # Anonymous responses without a time cannot be told apart from a twin: key them by their row.
    rows["_nk_extra"] = np.where(response_date.isna(), t.excel_rows.astype(str), "")
    # The scale is never guessed silently: said where it came from, or asked when the file disagrees.
    question = evidence if opts.scale is None and evidence.disagrees else None
    notes = [evidence.note()] if opts.scale is None and question is None else []
    return Built(rows, log, tuple(item_headers), notes, scale_question=question)


def _scale_evidence(answers: dict[str, Parsed], kind: KindSpec, worded: WordedScale,
                    written: tuple[tuple[str, float], ...]) -> ScaleEvidence:
    """What the rating columns' headers, highest answer, wordings and written scales say about the scale."""
    tops = [p.values[~p.bad].max() for p in answers.values() if p.values[~p.bad].notna().any()]
    return gather_scale(answers, float(max(tops)) if tops else None, kind.default_scale or 5, worded, written)


def _written(t: MappedTable, over: dict[str, pd.Series]) -> tuple[tuple[str, float], ...]:
    """One answer as written per scale the answers are written over ("4/5" -> 5), in order of first use."""
    seen: dict[float, str] = {}
    for header, scales in over.items():
        for index, scale in scales.dropna().drop_duplicates().items():  # the first answer per scale
            seen.setdefault(float(scale), str(t.frame.at[index, header]).strip())
    return tuple((answer, scale) for scale, answer in seen.items())


def _given_year(t: MappedTable, log: IssueLog, kind: KindSpec, opts: UploadOptions) -> pd.Series:
    """The survey year given at upload, else the exhibition year column; NA where neither gives one."""
    if opts.year is not None:
        return pd.Series(opts.year, index=t.frame.index, dtype="Int64")
    if kind.column("exhibition_year") is not None and t.raw("exhibition_year")[0]:
        return _year_column(t, log, "exhibition_year")
    return pd.Series(pd.NA, index=t.frame.index, dtype="Int64")


def _items_json(items: np.ndarray) -> pd.Series:
    """Each response's item scores as a JSON list; few distinct scores, so format each once."""
    if items.shape[1] == 0:
        return pd.Series(["[]"] * items.shape[0], dtype="str")
    columns = []
    for col in items.T:
        uniques, inverse = np.unique(col, return_inverse=True)  # NaN sorts last, once per column
        texts = np.array(["null" if np.isnan(u) else f"{u:g}" for u in uniques], dtype=object)
        columns.append(texts[inverse].tolist())
    return pd.Series(["[" + ",".join(r) + "]" for r in zip(*columns, strict=True)], dtype="str")


def _joined_comments(t: MappedTable) -> pd.Series:
    headers = t.headers("comment")
    if not headers:
        return pd.Series(pd.NA, index=t.frame.index, dtype="str")
    parts = [clean_text(t.frame[h]) for h in headers]
    joined = parts[0].fillna("")
    for p in parts[1:]:
        joined = joined.str.cat(p.fillna(""), sep="\n")
    joined = joined.str.strip()
    return joined.where(joined != "", pd.NA)
