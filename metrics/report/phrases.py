"""Sentences every format says the same way: a promise's facts, the test of a change, a target change."""

from __future__ import annotations

from typing import Any

import pandas as pd

from metrics.contract import load_contract
from metrics.kpi.checkins import Checkin
from metrics.kpi.scorecard import KpiResult
from metrics.report.misses import FAILED, Misses, is_date, item_codes
from metrics.report.model import KpiSection, Report, TargetChangeLine
from metrics.report.words import Words, labels, p_text


def test_words(section: KpiSection, words: Words) -> str:
    """The test of the change in plain words ("" for a KPI that is not a survey)."""
    test = section.test
    if test is None:
        return ""
    method = words.t("test.z" if test.method == "z" else "test.welch")
    if test.p_value is None:
        return f"{method}: " + words.t(f"test.{test.reason}")
    key = "test.significant" if test.significant else "test.not_significant"
    return f"{method}: " + words.t(key, p=p_text(test.p_value))


def checkin_line(note: Checkin, words: Words) -> str:
    """A note on the promise in words: "2025-06-02 09:00 kim — 원인: … · 조치: …" (and the note it corrects)."""
    line = words.t("checkin.line", when=words.moment(note.noted_at), who=note.author, cause=note.cause, action=note.action)
    if note.corrects is not None:
        line += " " + words.t("checkin.corrects", id=note.corrects)
    return f"[{note.id}] {line}"


def change_line(change: TargetChangeLine, unit: str, words: Words) -> str:
    """A target change in words: "2026-07-01부터 3,000 이상 → 3,500 이상 (kim: 사유)"."""
    old = words.target(change.old_comparator, change.old_value, unit) if change.old_comparator else "–"
    return words.t("kpi.target_change_line", day=words.day(change.effective_from), old=old,
                   new=words.target(change.comparator, change.value, unit), who=change.changed_by, why=change.reason)


def kind_name(kind: str, words: Words) -> str:
    """An upload kind's name in the report's language (from contract.toml)."""
    spec = load_contract().kinds.get(kind)
    return words.pick(spec.ko, spec.en) if spec else words.pick(kind, kind)


def summary_line(report: Report, words: Words) -> str:
    """"약속 18개 중 달성 12개, 미달 5개, …", naming every status that has a promise."""
    parts = ", ".join(f"{words.status(s)} {n}" for s, n in report.counts.items() if n)
    return words.t("summary.line", total=len(report.results), parts=parts)


def period_line(report: Report, words: Words) -> str:
    """The period the report covers (to today while the year runs)."""
    if report.ytd:
        return words.t("report.period_ytd", year=report.year, day=words.day(report.today))
    return words.t("report.period_closed", year=report.year)


def as_of_line(report: Report, words: Words) -> str:
    """"자료 기준 2026-11-30 09:12 (가장 최근 업로드)"."""
    if report.data_as_of is None:
        return words.t("report.no_upload")
    return words.t("report.data_as_of", when=words.moment(report.data_as_of))


def previous_text(s: KpiSection, words: Words) -> str:
    """The previous year's value in its unit, or the words for none."""
    if s.previous is None or s.previous.value is None:
        return words.t("kpi.no_previous")
    return words.value(s.previous.value, s.result.unit)


def band_text(r: KpiResult, words: Words) -> str:
    """The projection's range, or why there is none (the same words as the scorecard card)."""
    if r.projection_low is not None and r.projection_high is not None:
        return words.t("kpi.band", low=words.value(r.projection_low, r.unit), high=words.value(r.projection_high, r.unit))
    years = r.extra.get("band_years", 0)
    return words.t("kpi.no_band_years", years=years) if years else words.t("kpi.no_band_history")


def facts(s: KpiSection, report: Report, words: Words) -> list[tuple[str, str]]:
    """A promise's facts as (label, text) pairs, in the order every format shows them."""
    r = s.result
    value = words.value(r.value, r.unit)
    if r.ytd:
        value += f" ({words.t('kpi.ytd', day=words.day(report.today))})"
    if r.projection is not None:
        value += " · " + words.t("kpi.projection", value=words.value(r.projection, r.unit)) + f" ({band_text(r, words)})"
    out = [(words.t("kpi.target"), words.target(r.comparator, r.target, r.unit)), (words.t("kpi.value"), value)]
    if r.ci_low is not None:
        sure = "" if r.conclusive is None else " · " + words.t("kpi.conclusive" if r.conclusive else "kpi.inconclusive")
        out.append((words.t("kpi.interval"), f"{words.interval(r.ci_low, r.ci_high, r.unit)} (n = {r.n:,}){sure}"))
    out.append((words.t("kpi.verdict"), words.status(r.status)))
    out.append((words.t("kpi.previous", year=report.year - 1), previous_text(s, words)))
    if s.change is not None:
        direction = words.direction(s.change, r.comparator, r.unit)
        change = words.change(s.change, r.unit) + (f" ({direction})" if direction else "")
        if r.ytd:  # a year still running against a whole year: say so beside the number
            change += " · " + words.t("kpi.change_ytd", day=words.day(report.today))
        out.append((words.t("kpi.change"), change))
    if s.test is not None:
        out.append((words.t("kpi.test"), test_words(s, words)))
    return out


CASE_HEADS = ("ref", "title", "received", "answered", "deadline", "days_over", "state")


def column_head(kind: str, column: str, words: Words) -> str:
    """A column of a kind as its declaration names it (점검번호, 메뉴(페이지)); the report's word for an item the
    upload's builder derives ([item] in labels.toml); the column's name only when neither names it."""
    spec = load_contract().kind(kind).column(column)
    if spec is not None:
        return words.pick(spec.ko, spec.en)
    return words.t(f"item.{column}") if column in labels()["item"] else column


def missed_items(misses: Misses, cell: object, words: Words) -> str:
    """The items a row missed, in words: "인사말, 소속·이름 안내"; a number item with its limit ("대기시간(분) 10 초과")."""
    named = []
    for item in item_codes(cell):
        head = column_head(misses.kind, item, words)
        limit = misses.limits.get(item)
        named.append(head if limit is None else words.t("misses.over_limit", item=head, limit=f"{limit:,g}"))
    return ", ".join(named)


def misses_heads(misses: Misses, words: Words) -> list[str]:
    """The headings of the rows that missed: the kind's columns, then the items missed."""
    return [column_head(misses.kind, c, words) for c in misses.columns] + [words.t("misses.items")]


def misses_rows(misses: Misses, words: Words) -> list[list[str]]:
    """The rows listed, as text: days as 2025-03-04, blank cells empty, the items missed in words."""
    out = []
    for record in misses.rows.to_dict("records"):
        cells = [words.day(_day(record[c])) if is_date(misses.kind, c) else _text(record[c]) for c in misses.columns]
        out.append([*cells, missed_items(misses, record[FAILED], words)])
    return out


def _day(value: Any) -> pd.Timestamp | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value)


def _text(value: Any) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def more_misses_line(misses: Misses, words: Words) -> str:
    """How many rows that missed are not listed and where to see them all ("" when every one is listed)."""
    return words.t("misses.more", more=f"{misses.more:,}", total=f"{misses.total:,}") if misses.more else ""
