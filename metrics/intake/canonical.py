"""Mapped sheet -> canonical rows of one upload kind, every bad cell reported.

Each builder turns the raw columns (as read) into the typed columns of its store table and flags
what it cannot accept; the rows flagged are held back, the others imported. A builder registers itself for
its kinds with @builds (metrics.contract.kinds); `build` asks the registry, never a table of names.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from metrics import store
from metrics.contract import Contract, KindSpec
from metrics.contract.kinds import builder, builds
from metrics.intake.findings import IssueLog
from metrics.intake.lengths import hold_too_long
from metrics.intake.plausible import hold_implausible
from metrics.intake.scales import ScaleEvidence
from metrics.intake.scales import gather as gather_scale
from metrics.intake.values import (
    Parsed,
    clean_text,
    load_likert,
    load_yes_no,
    normalise_key,
    parse_dates,
    parse_ints,
    parse_numbers,
    parse_ratings,
    parse_times,
    still_running,
    with_clock,
)
from metrics.store.pseudonym import identity_text, load_key, pseudonymise
from metrics.timeofday import split_clock


@dataclass(frozen=True)
class UploadOptions:
    """Choices made at upload when the sheet does not say: the year, one type for the whole sheet, the scale."""

    year: int | None = None
    case_type: str | None = None
    event_type: str | None = None
    scale: float | None = None
    seconds_per_ring: float = 3.0


@dataclass
class Built:
    """Canonical rows (valid ones only), findings, and what else the store needs."""

    rows: pd.DataFrame
    log: IssueLog
    questions: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)
    scale_question: ScaleEvidence | None = None  # the scale the person must choose (the file disagrees)


class MappedTable:
    """A table seen through its mapping: raw columns by role."""

    def __init__(self, frame: pd.DataFrame, mapping: dict[str, str], excel_rows: np.ndarray, sheet: str):
        self.frame = frame.reset_index(drop=True)
        self.mapping = mapping
        self.excel_rows = np.asarray(excel_rows)
        self.sheet = sheet

    def headers(self, role: str) -> list[str]:
        """Headers mapped to `role`, in sheet order."""
        return [h for h in self.frame.columns if self.mapping.get(h) == role]

    def raw(self, role: str) -> tuple[str, pd.Series] | tuple[None, None]:
        """(header, raw column) of a single role, or (None, None) when unmapped."""
        found = self.headers(role)
        return (found[0], self.frame[found[0]]) if found else (None, None)

    def __len__(self) -> int:
        return len(self.frame)


def _dates(t: MappedTable, log: IssueLog, role: str, *, required: bool = False, with_time: bool = False,
           clock: str | None = None, ends: bool = False, optional: bool | np.ndarray = False) -> pd.Series:
    """A date column parsed and its bad cells reported.

    `ends`: "게시중", "진행중" mean not ended, like a blank. `optional` (per row or for all): the row does
    not need the date, so a bad one is a finding on the column that does not hold the row back.
    """
    header, raw = t.raw(role)
    if header is None or raw is None:
        return pd.Series(pd.NaT, index=t.frame.index, dtype="datetime64[us]")
    if ends:
        raw = raw.mask(still_running(raw), None)
    parsed = parse_dates(raw, with_time=with_time)
    bad = parsed.bad.to_numpy(dtype=bool)
    optional = np.broadcast_to(np.asarray(optional, dtype=bool), bad.shape)
    log.flag(bad & ~optional, header, raw, "bad_date")
    log.note(bad & optional, header, raw, "bad_date")
    if required:
        log.flag(parsed.values.isna() & ~parsed.bad, header, raw, "missing_required")
    return _at_clock(t, log, clock, parsed.values) if clock else parsed.values


def _at_clock(t: MappedTable, log: IssueLog, clock: str, dates: pd.Series) -> pd.Series:
    """Dates at the time of day of the `clock` column beside them (수신일 + 수신시각), when there is one."""
    header, raw = t.raw(clock)
    if header is None or raw is None:
        return dates
    times = parse_times(raw)
    log.note(times.bad, header, raw, "bad_time")  # the day is enough to count the row
    return with_clock(dates, times.values)


def _text(t: MappedTable, role: str, log: IssueLog | None = None, *, required: bool = False) -> pd.Series:
    header, raw = t.raw(role)
    if header is None or raw is None:
        return pd.Series(pd.NA, index=t.frame.index, dtype="str")
    text = clean_text(raw)
    if required and log is not None:
        log.flag(text.isna(), header, raw, "missing_required")
    return text


def _enum(t: MappedTable, log: IssueLog, contract: Contract, role: str, enum: str, fixed: str | None) -> pd.Series:
    labels = contract.enums[enum]
    if fixed:
        return pd.Series(fixed, index=t.frame.index, dtype="str")
    lookup = {normalise_key(key): key for key in labels}
    lookup.update({normalise_key(label): key for key, names in labels.items() for label in names})
    header, raw = t.raw(role)
    assert header is not None and raw is not None, f"{role} is required unless fixed (ingest._check_mapping)"
    text = clean_text(raw)
    keys = text.map(lambda v: lookup.get(normalise_key(v)) if isinstance(v, str) else None).astype("str")
    accepted = ", ".join(names[0] for names in labels.values())
    log.flag(text.isna(), header, raw, "missing_required")
    log.flag(text.notna() & keys.isna(), header, raw, "unknown_type", accepted)
    return keys


def _year_column(t: MappedTable, log: IssueLog, role: str) -> pd.Series:
    header, raw = t.raw(role)
    if header is None or raw is None:
        return pd.Series(pd.NA, index=t.frame.index, dtype="Int64")
    parsed = parse_ints(raw)
    values = parsed.values
    implausible = values.notna() & ((values < 1990) | (values > 2100))
    log.flag(parsed.bad | implausible.fillna(False).to_numpy(dtype=bool), header, raw, "bad_year")
    return values.where(~implausible.fillna(False), pd.NA)


def _require_year(t: MappedTable, log: IssueLog, year: pd.Series) -> pd.Series:
    # A row already held for its bad date needs no second finding for the year that date would give.
    log.flag(year.isna().to_numpy(dtype=bool) & ~log.held, "", None, "no_year")
    return year


@builds("exhibitor_survey", "trainee_survey", "future_talent_survey")
def build_survey(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Survey responses: items and overall on the scale, the per-response score derived here."""
    log = IssueLog(t.sheet, t.excel_rows)
    item_headers = t.headers("item")
    overall_header, _ = t.raw("overall")
    likert = load_likert()
    answers = {h: parse_ratings(t.frame[h], likert) for h in [*item_headers, overall_header] if h}
    evidence = _scale_evidence(answers, kind)
    scale = float(opts.scale or evidence.scale)
    low = 1.0 if scale <= 7 else 0.0
    expected = f"{low:g}–{scale:g}"

    def ratings(header: str) -> pd.Series:
        raw, parsed = t.frame[header], answers[header]
        log.flag(parsed.bad, header, raw, "bad_rating")
        out_of_scale = parsed.values.notna() & ((parsed.values < low) | (parsed.values > scale))
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
    notes = [" / ".join(evidence.note())] if opts.scale is None and question is None else []
    return Built(rows, log, tuple(item_headers), notes, scale_question=question)


def _scale_evidence(answers: dict[str, Parsed], kind: KindSpec) -> ScaleEvidence:
    """What the rating columns' headers and highest answer say about the scale."""
    tops = [p.values[~p.bad].max() for p in answers.values() if p.values[~p.bad].notna().any()]
    return gather_scale(answers, float(max(tops)) if tops else None, kind.default_scale or 5)


def _keys(text: pd.Series) -> pd.Series:
    """normalise_key of each value, computed once per distinct value (a column repeats its courses)."""
    codes, uniques = pd.factorize(text)
    keys = np.array([normalise_key(u) for u in uniques] + [None], dtype=object)
    return pd.Series(keys[codes], index=text.index, dtype="str")


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


@builds("attendance")
def build_attendance(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Enrolments: the trainee pseudonymised, never their name, birth date or phone."""
    masked = frozenset(h for r in kind.roles_of("personal") for h in t.headers(r))
    log = IssueLog(t.sheet, t.excel_rows, masked)
    course = _text(t, "course", log, required=True)
    start = _dates(t, log, "start_date", optional=True)  # the end date decides the year and the count
    end = _dates(t, log, "end_date", required=True)
    end_header, end_raw = t.raw("end_date")
    log.flag((end < start).fillna(False).to_numpy(dtype=bool), end_header or "", end_raw, "end_before_start")
    yes, no = load_yes_no()
    done_header, done_raw = t.raw("completed")
    from metrics.intake.values import parse_yes_no

    assert done_header is not None and done_raw is not None, "completed is required (ingest._check_mapping)"
    done = parse_yes_no(done_raw, yes, no)
    log.flag(done.bad, done_header, done_raw, "bad_yes_no")
    log.flag(done.values.isna() & ~done.bad, done_header, done_raw, "missing_required")
    name, birth, phone, ref = (t.raw(r)[1] for r in ("name", "birth_date", "phone", "trainee_ref"))
    identity = identity_text(name, birth, phone, ref, index=t.frame.index)
    notes = []
    if (identity == "").all():
        notes.append("교육생을 식별할 열(성명·생년월일·연락처·번호)이 없어 실인원은 셀 수 없습니다. / "
                     "No column identifies trainees, so unique trainees cannot be counted.")
    rows = pd.DataFrame(
        {
            "trainee_id": pseudonymise(identity, load_key()),
            "course": course,
            "course_key": _keys(course),
            "cohort": _text(t, "cohort"),
            "start_date": start,
            "end_date": end,
            "year": end.dt.year.astype("Int64"),
            "completed": done.values.fillna(False).astype(bool),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log, notes=notes)


@builds("cases")
def build_cases(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Deadline cases: type, received, completed (empty while open), interim notice."""
    log = IssueLog(t.sheet, t.excel_rows)
    case_type = _enum(t, log, contract, "case_type", "case_type", opts.case_type)
    # The time of day of a date-time cell or of a column beside the date (접수시각) is kept apart from the date.
    received, received_time = split_clock(_dates(t, log, "received", required=True, with_time=True, clock="received_time"))
    completed, completed_time = split_clock(_dates(t, log, "completed", ends=True, with_time=True, clock="completed_time"))
    interim = _dates(t, log, "interim")
    h, raw = t.raw("completed")
    earlier = (completed < received) | ((completed == received) & (completed_time < received_time))
    log.flag(earlier.fillna(False).to_numpy(dtype=bool), h or "", raw, "completed_before_received")
    h, raw = t.raw("interim")
    log.flag((interim < received).fillna(False).to_numpy(dtype=bool), h or "", raw, "interim_before_received")
    rows = pd.DataFrame(
        {
            "case_type": case_type,
            "ref": _text(t, "ref"),
            "title": _text(t, "title"),
            "received": received,
            "received_time": received_time,
            "completed": completed,
            "completed_time": completed_time,
            "interim": interim,
            "expert_team": _flag(t, log, "expert_team"),
            "year": received.dt.year.astype("Int64"),
            "excel_row": t.excel_rows,
        }
    )
    return Built(rows, log)


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


def _flag(t: MappedTable, log: IssueLog, role: str) -> pd.Series:
    """An optional yes/no column as a nullable boolean; a value that is neither is noted and left empty."""
    header, raw = t.raw(role)
    if raw is None:
        return pd.Series(pd.NA, index=t.frame.index, dtype="boolean")
    from metrics.intake.values import parse_yes_no

    yes, no = load_yes_no()
    parsed = parse_yes_no(raw, yes, no)
    log.note(parsed.bad, header or "", raw, "bad_flag")  # the row is imported without the value
    return parsed.values.astype("boolean")


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


@builds("calls")
def build_calls(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Phone calls: rings before the answer, or seconds converted with seconds-per-ring."""
    log = IssueLog(t.sheet, t.excel_rows)
    call_time = _dates(t, log, "call_time", required=True, with_time=True, clock="call_clock")
    header, raw = t.raw("rings")
    if header is None or raw is None:
        header, raw = t.raw("answer_seconds")
        assert header is not None and raw is not None, "rings or answer_seconds (ingest._check_mapping)"
        parsed = parse_numbers(raw)
        rings = np.ceil(parsed.values / opts.seconds_per_ring)
    else:
        parsed = parse_numbers(raw)
        rings = parsed.values
    log.flag(parsed.bad, header, raw, "bad_number")
    log.flag((parsed.values < 0).fillna(False).to_numpy(dtype=bool), header, raw, "negative")
    log.flag(parsed.values.isna() & ~parsed.bad, header, raw, "missing_required")
    rows = pd.DataFrame(
        {"call_time": call_time, "rings": rings, "year": call_time.dt.year.astype("Int64"), "excel_row": t.excel_rows}
    )
    return Built(rows, log)


def build(t: MappedTable, kind: KindSpec, opts: UploadOptions, contract: Contract) -> Built:
    """Canonical rows for `kind`, with duplicates inside the file held back."""
    built = builder(kind)(t, kind, opts, contract)
    hold_implausible(t, built, kind, contract)
    hold_too_long(t, built, kind)
    _flag_duplicates(built, kind)
    return built


def _flag_duplicates(built: Built, kind: KindSpec) -> None:
    keys = store.natural_keys(built.rows, kind.name)
    built.rows["nk"] = keys  # computed once; the store reuses it
    keys = keys.where(~built.log.held)  # rows already held are not "the first" of a pair
    dup = keys.duplicated(keep="first") & keys.notna()
    if not dup.any():
        return
    first_row = dict(zip(keys[~dup & keys.notna()], built.rows["excel_row"][~dup & keys.notna()], strict=True))
    positions = np.flatnonzero(dup.to_numpy())
    built.log.flag_each(positions, "", "duplicate_in_file", [str(first_row[keys.iloc[p]]) for p in positions])
