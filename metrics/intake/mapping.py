"""Which column plays which role: header aliases and keywords, the values in the column, and the kind.

A mapping is a plain dict {header: role}; a header mapped to "" is ignored. The roles come from the
contract (config/contract.toml), so a new alias is a line in that file, not code.
"""

from __future__ import annotations

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import pandas as pd

from metrics.contract import ColumnSpec, Contract, KindSpec, load_contract
from metrics.intake.values import load_likert, normalise_key, parse_ratings, parse_times

ALIAS_SCORE = 1.0
KEYWORD_SCORE = 0.6
MIN_SCORE = 0.5
# A column is a rating question when most of its answers read as ratings.
RATING_SHARE = 0.8
SAMPLE_ROWS = 300
MAX_RATING = 10
# Each column a survey tool adds to its exports (Qualtrics Status, Forms "Completion time") counts for the
# survey kinds, up to a cap, so a tool's export is not taken for an attendance list by its ID and Name.
TOOL_COLUMN_SCORE = 1.0
TOOL_BONUS_MAX = 3.0
# A table with this many of a survey tool's own columns is that tool's export (Qualtrics adds 17, Forms 5).
TOOL_EXPORT_COLUMNS = 3
# A sentence ending other than "?" counts only on a header this long (without spaces): "바다" is no question.
MIN_SENTENCE_CHARS = 4
# A column counting up by one over at least this many rows is a row number, never who a person is.
MIN_RUN = 3
_GRID_PART = re.compile(r"\s*[\[(][^\[\]()]*[\])]\s*$")  # "만족도 [강사]": the row of a grid question


@dataclass(frozen=True)
class KindGuess:
    """A candidate kind for a table and how strongly the table looks like it."""

    kind: str
    score: float
    reasons: tuple[str, ...] = field(default=())


def header_score(header: str, spec: ColumnSpec) -> float:
    """How well `header` names `spec`: 1 for an alias, 0.6 (+ a little for longer words) for a keyword."""
    key = normalise_key(header)
    if not key:
        return 0.0
    if key in {normalise_key(a) for a in spec.aliases}:
        return ALIAS_SCORE
    hits = [w for w in (normalise_key(k) for k in spec.keywords) if w and w in key]
    if not hits:
        return 0.0
    return KEYWORD_SCORE + min(0.3, 0.03 * max(len(w) for w in hits))


def names_a_column(header: str) -> bool:
    """Whether `header` names some column of the contract: one of its aliases, or a keyword in it."""
    return any(header_score(header, spec) > 0 for kind in load_contract().kinds.values() for spec in kind.columns)


def rating_share(column: pd.Series) -> float:
    """Share of a column's non-empty sampled answers that read as ratings (numbers 0–10 or Likert words)."""
    sample = _answered(column)
    if sample.empty:
        return 0.0
    parsed = parse_ratings(sample, {**load_likert(scale=7), **load_likert()})  # 7-point wordings are ratings too
    # A row number or an id is numeric too, but runs past any rating scale.
    ok = parsed.values.between(0, MAX_RATING) & ~parsed.bad
    # "무응답", "해당없음": no answer, which says nothing either way about the column.
    answered = parsed.bad | parsed.values.notna()
    return float(ok.sum() / answered.sum()) if answered.any() else 0.0


def clock_share(column: pd.Series) -> float:
    """Share of a column's non-empty sampled cells that are times of day (09:15, 오후 2:05) and not dates."""
    sample = _answered(column)
    if sample.empty:
        return 0.0
    return float((~parse_times(sample).bad).mean())


def holds_row_numbers(column: pd.Series) -> bool:
    """Whether a column counts its rows (1, 2, 3 … or 101, 102 …: every sampled cell a whole number one more
    than the cell above): the 번호 / 연번 / No. column of a list, which says nothing about who a row is."""
    sample = _answered(column)
    if len(sample) < MIN_RUN:
        return False
    numbers = pd.to_numeric(sample.map(lambda v: str(v).strip()), errors="coerce")
    if numbers.isna().any() or (numbers % 1 != 0).any():
        return False
    return bool((numbers.diff().iloc[1:] == 1).all())


def _clock_mismatch(spec: ColumnSpec, holds_times_of_day: bool) -> bool:
    """A column of times of day alone is never a date, and a column of dates is no time of day."""
    if spec.type in ("date", "datetime"):
        return holds_times_of_day
    return spec.type == "time" and not holds_times_of_day


def _answered(column: pd.Series) -> pd.Series:
    """The first non-empty cells of a column, as objects."""
    sample = column.head(SAMPLE_ROWS)
    return sample[sample.map(lambda v: v is not None and str(v).strip() not in ("", "-"))].astype("object")


def suggest_mapping(frame: pd.DataFrame, kind: KindSpec) -> dict[str, str]:
    """Best guess of {header: role} for `frame` read as `kind`; unknown headers map to ""."""
    headers = list(frame.columns)
    mapping = dict.fromkeys(headers, "")
    singles = [c for c in kind.columns if not c.multiple]
    rating_cols = _rating_columns(frame, kind)
    dated = any(c.type in ("date", "datetime", "time") for c in singles)
    clock_cols = {h for h in headers if clock_share(frame[h]) >= RATING_SHARE} if dated else set()
    # Two lists numbered alike would otherwise make their rows 1, 2, 3 the same people (a 번호 column).
    personal = any(c.type == "personal" for c in singles)
    counters = {h for h in headers if holds_row_numbers(frame[h])} if personal else set()

    candidates = []
    for spec in singles:
        for h in headers:
            score = header_score(h, spec)
            if spec.type == "rating" and h not in rating_cols:
                score = 0.0  # an "overall" header over free text is a comment, not the rating
            if _clock_mismatch(spec, h in clock_cols) or (spec.type == "personal" and h in counters):
                score = 0.0
            if score >= MIN_SCORE:
                candidates.append((score, spec.role, h))
    taken_roles: set[str] = set()
    for _score, role, h in sorted(candidates, key=lambda t: -t[0]):
        if role in taken_roles or mapping[h]:
            continue
        mapping[h] = role
        taken_roles.add(role)

    for spec in (c for c in kind.columns if c.multiple):
        for h in headers:
            if mapping[h]:
                continue
            if spec.type == "rating" and h in rating_cols:
                mapping[h] = spec.role
            elif spec.type == "text" and header_score(h, spec) >= MIN_SCORE:
                mapping[h] = spec.role
    return mapping


def _rating_columns(frame: pd.DataFrame, kind: KindSpec) -> set[str]:
    """Columns read as rating questions: a header that reads like one over answers that read as ratings."""
    if not kind.is_survey:
        return set()
    contract = load_contract()
    return {
        h for h in frame.columns
        if not contract.is_bookkeeping(h) and reads_like_question(h, kind, contract)
        and rating_share(frame[h]) >= RATING_SHARE
    }


def reads_like_question(header: str, kind: KindSpec, contract: Contract | None = None) -> bool:
    """Whether a header reads like a survey question: a question word of the kind, a sentence, or a number.

    A column of small numbers is no question by itself (a status code, a count, a row number): its header
    must say so, or the person maps it by hand.
    """
    contract = contract or load_contract()
    questions = [c for c in kind.columns if c.type == "rating"]
    if any(header_score(header, spec) >= MIN_SCORE for spec in questions):
        return True
    for part in str(header).split(" / "):
        text = _GRID_PART.sub("", part).strip().rstrip(".。 ")
        if _is_sentence(text, contract.question_endings):
            return True
        key = normalise_key(part)
        if any(key.startswith(code) and key[len(code):][:1].isdigit() for code in contract.question_codes):
            return True
    return False


def _is_sentence(text: str, endings: tuple[str, ...]) -> bool:
    """A question or statement to rate: "…하셨습니까?", "…적절하였다" (a lone short word is not one)."""
    if text.endswith(("?", "？")):
        return True
    long_enough = len("".join(text.split())) >= MIN_SENTENCE_CHARS
    return long_enough and any(text.endswith(e) for e in endings)


def detect_kind(frame: pd.DataFrame, context: str = "") -> list[KindGuess]:
    """Kinds ranked by how well the table fits them; `context` is file name, sheet name and title text."""
    contract = load_contract()
    context_key = normalise_key(context)
    header_keys = " ".join(normalise_key(h) for h in frame.columns)
    tool_export = contract.tool_columns(list(frame.columns)) >= TOOL_EXPORT_COLUMNS
    n_ratings = None
    guesses = []
    for kind in contract.kinds.values():
        score, reasons = 0.0, []
        for spec in kind.columns:
            if spec.multiple:
                continue
            best = max((_evidence(h, spec, kind, contract, tool_export) for h in frame.columns), default=0.0)
            if best >= MIN_SCORE:
                score += best * (2.0 if spec.required else 1.0)
                reasons.append(spec.role)
        words = [w for w in kind.detect_words if normalise_key(w) in context_key or normalise_key(w) in header_keys]
        score += 1.5 * len(words)
        if kind.is_survey:
            if n_ratings is None:
                n_ratings = len(_rating_columns(frame, kind))
            score += 3.0 if n_ratings >= 3 else (1.0 if n_ratings >= 1 else -5.0)
            if n_ratings:  # a survey tool's export: its own columns are evidence, once there are answers
                score += min(TOOL_BONUS_MAX, TOOL_COLUMN_SCORE * contract.tool_columns(list(frame.columns)))
        else:
            missing = [c.role for c in kind.columns if c.required and c.role not in reasons]
            score -= 1.5 * len(missing)
        guesses.append(KindGuess(kind.name, round(score, 2), tuple(reasons + words)))
    return sorted(guesses, key=lambda g: -g.score)


def _evidence(header: str, spec: ColumnSpec, kind: KindSpec, contract: Contract, tool_export: bool) -> float:
    """How much `header` says the table is `kind` through `spec`.

    A survey tool's own column speaks for a kind that is no survey only through an alias, and not at all in
    a tool's export: that Qualtrics' StartDate holds "date", its DistributionChannel "channel" and its EndDate
    is an attendance list's alias makes no export a monitoring checklist or an attendance list.
    """
    score = header_score(header, spec)
    if not kind.is_survey and _is_tool_column(header, contract) and (tool_export or score < ALIAS_SCORE):
        return 0.0
    return score


def _is_tool_column(header: str, contract: Contract) -> bool:
    """A column a survey tool adds to its exports (Qualtrics DistributionChannel, RecipientLastName)."""
    key = normalise_key(header)
    return key in contract.tool_headers or any(key.startswith(p) for p in contract.bookkeeping_prefixes)


def missing_required(
    mapping: dict[str, str], kind: KindSpec, given: AbstractSet[str] = frozenset()
) -> list[ColumnSpec]:
    """Required roles that no column plays and no upload option supplies."""
    played = set(mapping.values())
    return [c for c in kind.columns if c.required and c.role not in played and c.role not in given]


def duplicate_roles(mapping: dict[str, str], kind: KindSpec) -> list[str]:
    """Single roles given to more than one column (a mapping mistake to report)."""
    counts: dict[str, int] = {}
    for role in mapping.values():
        if role:
            counts[role] = counts.get(role, 0) + 1
    return [r for r, n in counts.items() if n > 1 and not ((spec := kind.column(r)) is not None and spec.multiple)]


def shape_signature(headers: list[str]) -> str:
    """The shape of a sheet for template reuse: its normalised headers in order."""
    import hashlib

    joined = "\x1f".join(normalise_key(h) for h in headers)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()
