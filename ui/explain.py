"""What a KPI's number means, in plain words: small samples, inconclusive results, pending and missing data."""

from __future__ import annotations

from metrics.kpi.notes import NoteCode
from metrics.kpi.scorecard import KpiResult
from ui import fmt
from ui.cards import missing_kinds_text
from ui.i18n import labels, t

# Core notes that the lines above already put in words: the status line (missing uploads, the projection),
# the counts line (pending cases and postings), the sample lines (small sample) and the year-to-date line.
WORDED_ABOVE = frozenset({
    NoteCode.MISSING_UPLOAD, NoteCode.PROJECTED, NoteCode.PENDING_LEFT_OUT, NoteCode.STILL_ONLINE_LEFT_OUT,
    NoteCode.ALL_PENDING, NoteCode.SMALL_SAMPLE, NoteCode.YEAR_TO_DATE,
})


def counts_line(result: KpiResult) -> str:
    """"140 of 146 within the deadline" style line for shares; "" where it does not apply."""
    if result.unit != "share" or result.denominator is None or result.numerator is None:
        return ""
    key = f"explain.counts_{result.measure}"
    line = t(key if key in labels() else "explain.counts", numerator=f"{result.numerator:,.0f}",
             denominator=f"{result.denominator:,.0f}")
    if result.pending:
        line += " " + t("explain.pending", pending=f"{result.pending:,}")
    return line


def sample_lines(result: KpiResult) -> list[str]:
    """Interval, conclusiveness and sample size for survey KPIs."""
    if result.ci_low is None:
        return []
    ci = fmt.interval(result.ci_low, result.ci_high, result.unit)
    target = fmt.value(result.target, result.unit)
    lines = []
    if result.conclusive is True:
        lines.append(t("explain.conclusive", ci=ci, target=target))
    elif result.conclusive is False:
        lines.append(t("explain.inconclusive", ci=ci, target=target))
    if result.small_sample:
        lines.append(t("explain.small_sample", n=result.n))
    return lines


def status_lines(result: KpiResult) -> list[str]:
    """Why the status is what it is: no data, tracked only, or judged on a projection."""
    if result.status == "no_data":
        return [missing_kinds_text(result) or t("explain.no_rows")]
    if result.status == "tracked":
        return [t("explain.tracked")]
    if result.status in ("on_track", "at_risk") and result.projection is not None:
        return [t(f"explain.{result.status}", projection=fmt.value(result.projection, result.unit),
                  target=fmt.value(result.target, result.unit)), band_line(result)]
    return []


def band_line(result: KpiResult) -> str:
    """The projection's range in words, or why it has none (too few earlier years to pace from)."""
    years = result.extra.get("band_years", 0)
    if fmt.missing(result.projection_low) or fmt.missing(result.projection_high):
        return t("explain.no_band_years", years=years) if years else t("explain.no_band_history")
    return t("explain.band", low=fmt.value(result.projection_low, result.unit),
             high=fmt.value(result.projection_high, result.unit), years=years)


def explanations(result: KpiResult) -> list[str]:
    """Every plain-words line for a KPI, the most important first; the core's own notes last."""
    lines = status_lines(result)
    counted = counts_line(result)
    if counted:
        lines.append(counted)
    lines.extend(sample_lines(result))
    if result.ytd and result.status != "no_data":
        lines.append(t("explain.ytd"))
    lines.extend(fmt.note(note) for note in result.notes if note.code not in WORDED_ABOVE)
    return lines
