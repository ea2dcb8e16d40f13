"""The scale of a survey's answers: read from its headers, checked against the answers, never guessed silently.

A header often says the scale ("5점 만점", "(1~5)", "1=매우 불만족, 5=매우 만족", "out of 10"). When neither
the person nor the header gives it, the kind's usual scale is used, unless the answers say otherwise (the
highest answer above the usual scale, or at most half of it: a 5-point survey taken for a 10-point one).
When the evidence disagrees with the usual scale, the scale is a question for the person: the upload
wizard asks it and the command line refuses without --scale, saying what it saw.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from metrics.intake.likert_scale import FIVE, NOTHING_WORDED, SEVEN, WordedScale
from metrics.messages import Message

# Scales a header may name; anything else ("2026년", "3개 항목") is not a scale.
MIN_SCALE, MAX_SCALE = 3, 11
PERCENT_SCALE = 100
# The scales offered when the answers alone suggest one: the smallest that holds the highest answer.
COMMON_SCALES = (5.0, 7.0, 10.0, 100.0)

_DASH = r"[~∼〜\-–—]"
_PATTERNS = (
    re.compile(r"(?P<n>\d+)\s*점\s*(?:만점|척도)"),  # 5점 만점, 10점 척도
    re.compile(r"(?P<n>\d+)\s*-?\s*points?\b(?:\s*scale)?", re.IGNORECASE),  # 5-point scale
    re.compile(r"\bout\s+of\s+(?P<n>\d+)\b", re.IGNORECASE),  # out of 10
    re.compile(rf"[(\[]\s*[01]\s*점?\s*{_DASH}\s*(?P<n>\d+)\s*점?\s*[)\]]"),  # (1~5), [0-10점]
    re.compile(r"(?<![\d.])[01]\s*점?\s*[~∼〜]\s*(?P<n>\d+)\s*점"),  # 1~5점
    re.compile(r"\b[01]\s*(?:to|에서)\s*(?P<n>\d+)\b(?:\s*점?\s*까지)?", re.IGNORECASE),  # 1 to 5, 1에서 5까지
)
# Anchored ends: "1=매우 불만족, 5=매우 만족", "1: 전혀 아니다 … 7: 매우 그렇다".
_ANCHOR = re.compile(r"(?<![\d.])(?P<n>\d+)\s*(?:점)?\s*[=:：]\s*[^\d,;/=:：]+")


def scale_in_header(text: str) -> float | None:
    """The scale a header names, or None when it names none."""
    for pattern in _PATTERNS:
        found = [int(m["n"]) for m in pattern.finditer(text)]
        plausible = [n for n in found if MIN_SCALE <= n <= MAX_SCALE or n == PERCENT_SCALE]
        if plausible:
            return float(max(plausible))
    anchors = [int(m["n"]) for m in _ANCHOR.finditer(text)]
    if len(anchors) >= 2 and min(anchors) in (0, 1) and (MIN_SCALE <= max(anchors) <= MAX_SCALE):
        return float(max(anchors))
    return None


@dataclass(frozen=True)
class ScaleEvidence:
    """What the file says about its scale, and the kind's usual scale."""

    usual: float
    headers: tuple[tuple[str, float], ...] = ()  # (header, scale it names)
    answers_max: float | None = None
    worded: WordedScale = NOTHING_WORDED  # the scale the worded answers say (likert_scale.py)
    written: tuple[tuple[str, float], ...] = ()  # (an answer written over its scale, "4/5", that scale)

    @property
    def written_scale(self) -> float | None:
        """The scale the answers are written over ("4/5"), when they all say one; else None (each is checked)."""
        scales = {scale for _, scale in self.written}
        return scales.pop() if len(scales) == 1 else None

    @property
    def header_scales(self) -> tuple[float, ...]:
        """The distinct scales the headers name, smallest first."""
        return tuple(sorted({scale for _, scale in self.headers}))

    @property
    def from_answers(self) -> float | None:
        """A scale the answers point to when they do not fit the usual one, else None."""
        top = self.answers_max
        if top is None or (self.usual / 2 < top <= self.usual):
            return None
        return next((s for s in COMMON_SCALES if s >= top), None)

    @property
    def scale(self) -> float:
        """The scale to read the answers on: the headers', else the answers', else the usual one."""
        if self.header_scales:
            return self.header_scales[-1]
        return self.written_scale or self.worded.sure or self.from_answers or self.usual

    @property
    def disagrees(self) -> bool:
        """True when the person must choose: the headers or the answers point away from the usual scale."""
        said = (self.worded.sure, self.written_scale)
        scales = set(self.header_scales) | {s for s in said if s}
        if self.worded.unsure and not self.header_scales:
            return True
        if self.from_answers is not None and not scales:
            return True
        if len(scales) > 1 or (scales and scales != {self.usual}):
            return True
        return bool(scales) and self.answers_max is not None and self.answers_max > max(scales)

    @property
    def choices(self) -> tuple[float, ...]:
        """The scales to offer: what the file points to, then the usual one."""
        worded = [self.worded.sure] if self.worded.sure else [SEVEN, FIVE] if self.worded.unsure else []
        written = [self.written_scale] if self.written_scale else []
        pointed = list(self.header_scales) or written or worded or ([self.from_answers] if self.from_answers else [])
        return tuple(dict.fromkeys([*pointed, self.usual]))

    def seen(self) -> tuple[str, str]:
        """What was seen, in Korean and English (without the instruction, which depends on the surface)."""
        ko, en = [], []
        for header, scale in self.headers[:3]:
            ko.append(f"'{_short(header)}' 열은 {scale:g}점 척도로 적혀 있습니다")
            en.append(f"the header '{_short(header)}' says {scale:g} points")
        for answer, scale in self.written[:2]:
            ko.append(f"응답 '{answer}'은(는) {scale:g}점 만점으로 적혀 있습니다")
            en.append(f"the answer '{answer}' is written out of {scale:g}")
        if self.worded.sure:
            ko.append(f"응답 문구('{self.worded.example}' 등)는 {self.worded.sure:g}점 척도의 것입니다")
            en.append(f"the worded answers ('{self.worded.example}', …) are those of a {self.worded.sure:g}-point scale")
        if self.worded.unsure:
            ko.append(f"응답 문구 '{self.worded.unsure}'는 5점 척도로도 7점 척도로도 쓰여 척도를 알 수 없습니다")
            en.append(f"the answer '{self.worded.unsure}' is used on 5-point and on 7-point scales alike")
        if self.answers_max is not None:
            ko.append(f"응답의 최댓값은 {self.answers_max:g}점입니다")
            en.append(f"the highest answer is {self.answers_max:g}")
        ko.append(f"이 조사의 보통 척도는 {self.usual:g}점입니다")
        en.append(f"this survey is usually out of {self.usual:g}")
        return "; ".join(ko) + ".", "; ".join(en) + "."

    def note(self) -> Message:
        """Where the scale came from, when the person did not have to choose it."""
        top = "" if self.answers_max is None else f", 응답 최댓값 {self.answers_max:g}"
        top_en = "" if self.answers_max is None else f", highest answer {self.answers_max:g}"
        if self.header_scales:
            return Message(f"척도 {self.scale:g}점: 헤더에 적힌 대로 읽었습니다{top}.",
                           f"Scale: out of {self.scale:g}, as the headers say{top_en}.", code="scale_from_headers")
        if self.written_scale:
            return Message(f"척도 {self.scale:g}점: 응답에 적힌 만점대로 읽었습니다 (예: '{self.written[0][0]}').",
                           f"Scale: out of {self.scale:g}, as the answers are written (e.g. '{self.written[0][0]}').",
                           code="scale_from_answers_written")
        if self.worded.sure:
            return Message(f"척도 {self.scale:g}점: 응답 문구('{self.worded.example}' 등)가 {self.scale:g}점 척도의 것입니다.",
                           f"Scale: out of {self.scale:g}, the worded answers ('{self.worded.example}', …) are those of "
                           f"a {self.scale:g}-point scale.", code="scale_from_wordings")
        return Message(f"척도 {self.scale:g}점: 이 조사의 보통 척도입니다 (헤더에 척도 표시 없음{top}).",
                       f"Scale: out of {self.scale:g}, this survey's usual scale (no scale in the headers{top_en}).",
                       code="scale_usual")


def gather(headers: Iterable[str], answers_max: float | None, usual: float,
           worded: WordedScale = NOTHING_WORDED, written: tuple[tuple[str, float], ...] = ()) -> ScaleEvidence:
    """The evidence of the rating columns' `headers`, their highest answer and their wordings."""
    named = tuple((h, s) for h in headers if (s := scale_in_header(h)) is not None)
    return ScaleEvidence(usual=float(usual), headers=named, answers_max=answers_max, worded=worded,
                         written=written)


def rescale_rule(own: float, target: float) -> tuple[str, str]:
    """How an answer on `own` points becomes a score on `target` points (the KPIs' rule), in Korean and English."""
    example = 4 if own >= 4 else own
    converted = example * target / own
    if own == target:
        return (f"{own:g}점 척도 응답은 그대로 {target:g}점 만점 점수입니다.",
                f"Answers on a {own:g}-point scale are scores out of {target:g} as they are.")
    return (
        f"{own:g}점 척도 응답은 {target:g}점으로 비례 환산합니다: 점수 × {target:g} ÷ {own:g} "
        f"(예: {example:g}점 → {converted:g}점). 저장된 응답은 {own:g}점 그대로 남습니다.",
        f"Answers on a {own:g}-point scale are converted to {target:g} points in proportion: score × {target:g} ÷ "
        f"{own:g} (e.g. {example:g} → {converted:g}). The stored answers stay on their {own:g} points.",
    )


def _short(header: str, width: int = 40) -> str:
    header = header.replace(" / ", " · ")  # a joined two-row header stays one phrase
    return header if len(header) <= width else header[: width - 1] + "…"
