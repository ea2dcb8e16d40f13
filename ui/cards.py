"""One KPI as a card: value against target, status in words and colour, interval, pace, trend, link."""

from __future__ import annotations

from collections.abc import Sequence

from metrics import clock
from metrics.contract import load_contract
from metrics.kpi.checkins import Checkin
from metrics.kpi.registry import Target
from metrics.kpi.scorecard import KpiResult
from metrics.report.model import TargetChangeLine, change_between, retitled
from metrics.report.phrases import change_line as target_change_line
from metrics.report.words import Words
from ui import fmt, plain, shell, theme
from ui.card_grid import Link, links_html
from ui.i18n import current_lang, lang_query, object_phrase, pick, t
from ui.sparkline import sparkline, sparkline_img

KPI_PARAM = "kpi"  # the area page scrolls to this KPI's section: a card's link opens its own promise
NOTE_CHARS = 80  # a card shows this much of a note's cause and of its action; the area page shows them whole
# Shares are drawn from at most 80% up, counts from zero: a 2-point wobble must not look like a collapse.
SHARE_FLOOR = 0.8


def status_words(status: str) -> str:
    """A status in words ("달성", "Met")."""
    return t(f"status.{status}")


def status_badge(status: str) -> str:
    """The HTML badge of a status."""
    return theme.badge_html(status, status_words(status))


def missing_kinds_text(result: KpiResult) -> str:
    """What to upload so a KPI without data can be measured, naming the upload kinds."""
    kinds = result.extra.get("missing_kinds") or []
    if not kinds:
        return ""
    contract = load_contract()
    names = ", ".join(pick(contract.kinds[k].ko, contract.kinds[k].en) if k in contract.kinds else k for k in kinds)
    return t("empty.upload_kind", kind=object_phrase(names))


def verdict_line(result: KpiResult) -> str:
    """Interval and how sure the verdict is, for sample (survey) KPIs; "" otherwise."""
    if result.ci_low is None:
        return ""
    line = t("card.interval", ci=fmt.interval(result.ci_low, result.ci_high, result.unit), n=f"{result.n:,}")
    if result.conclusive is True:
        return line + " · " + t("card.conclusive")
    if result.conclusive is False:
        return line + " · " + t("card.inconclusive")
    return line


def pace_line(result: KpiResult) -> str:
    """Year to date and the year-end projection of a count while the year runs ("" otherwise).

    Every other current-year card is year to date too; the page says so once, above the cards.
    """
    if not result.ytd or result.projection is None:
        return ""
    return t("card.ytd") + " · " + projection_words(result)


def projection_words(result: KpiResult) -> str:
    """"연말 추정 3,327 (범위 3,112–3,579)"; without a range, why not ("범위 없음: 예년 자료 1년뿐")."""
    band = fmt.band(result.projection_low, result.projection_high, result.extra.get("band_years", 0), result.unit)
    return f'{t("card.projection", value=fmt.value(result.projection, result.unit))} ({band})'


def change_line(result: KpiResult, previous: KpiResult | None) -> str:
    """The change against the previous year in the report's words ("전년(2024년) 78.0% 대비 +2.1%p (개선)")."""
    delta = change_between(result, previous)
    if delta is None or previous is None:  # no previous year, no change
        return t("yoy.none", year=result.year - 1) if result.value is not None else ""
    words = Words(current_lang())
    direction = words.direction(delta, result.comparator, result.unit)
    change = words.change(delta, result.unit) + (f" ({direction})" if direction else "")
    return t("yoy.change", year=result.year - 1, previous=fmt.value(previous.value, result.unit), change=change)


def title(result: KpiResult, charter_target: Target | None) -> str:
    """The KPI's title in the page's language, with the target figure of the year when it was changed."""
    return retitled(pick(result.title_ko, result.title_en), charter_target, result.target, result.unit)


def target_mark(result: KpiResult, changes: tuple[TargetChangeLine, ...]) -> str:
    """"연중 목표 변경: 2026-07-01부터 3,000 이상 → 3,500 이상 (kim: 사유)" ("" without a change that year)."""
    if not changes:
        return ""
    words = Words(current_lang())
    return t("target_mark.title", lines="; ".join(target_change_line(c, result.unit, words) for c in changes))


def _short(text: str) -> str:
    return text if len(text) <= NOTE_CHARS else text[: NOTE_CHARS - 1].rstrip() + "…"


def note_line(note: Checkin | None) -> str:
    """The latest note on the promise, shortened ("" without one)."""
    if note is None:
        return ""
    return t("checkin.card", day=clock.shown_day(note.noted_at), who=note.author, cause=_short(note.cause),
             action=_short(note.action))


def trend_title(result: KpiResult, trend: list[tuple[int, float | None]]) -> str:
    """What the sparkline shows, in words: its tooltip and what a screen reader says."""
    title = t("card.trend_title", first=trend[0][0], last=trend[-1][0]) if trend else ""
    if result.ytd and result.projection is not None:
        title += " · " + t("card.trend_projection", year=result.year, projection=projection_words(result))
    return title


def trend_svg(result: KpiResult, trend: list[tuple[int, float | None]]) -> str:
    """The sparkline of the KPI over the years, as SVG markup."""
    floor = SHARE_FLOOR if result.unit == "share" else 0.0 if result.unit == "count" else None
    projection = None
    if result.ytd and result.projection is not None:
        projection = (result.year, result.projection, result.projection_low, result.projection_high)
    return sparkline(trend, result.target, theme.status_style(result.status).colour, trend_title(result, trend), floor,
                     projection)


def card_html(result: KpiResult, trend: list[tuple[int, float | None]], previous: KpiResult | None = None,
              note: Checkin | None = None, changes: tuple[TargetChangeLine, ...] = (), charter_target: Target | None = None,
              stale: str = "", links: Sequence[Link] = ()) -> str:
    """The whole card as HTML (ui.card_grid draws every card in one element): its words, the note that its data is
    stale (`stale`, "" when current), its sparkline and its `links`."""
    lines = [verdict_line(result), pace_line(result), change_line(result, previous)]
    if result.status == "no_data":
        lines.append(missing_kinds_text(result) or (fmt.note(result.notes[0]) if result.notes else ""))
    if result.small_sample:
        lines.append(t("card.small_sample", n=result.n))
    muted = "color:#5f6368;font-size:0.85rem;margin:2px 0"
    mark = ""
    if changes:  # the badge's tooltip and the line under the target say what changed, when and why
        mark = (f' <span class="target-changed" title="{plain.html(target_mark(result, changes))}" style="display:inline-block;'
                f'border:1.5px dashed #000;border-radius:0.6rem;padding:0 8px;font-size:0.8rem">'
                f'◆ {plain.html(t("target_mark.badge"))}</span>')
        lines.insert(0, target_mark(result, changes))
    body = "".join(f'<div style="{muted}">{plain.html(line)}</div>' for line in lines if line)
    if note is not None:
        body += (f'<div class="kpi-note" style="font-size:0.85rem;margin:4px 0;padding:2px 6px;'
                 f'border-left:3px solid #0072B2;background:#0072B20d">{plain.html(note_line(note))}</div>')
    stale_html = f'<div class="kpi-stale">{plain.html(stale)}</div>' if stale else ""
    hover = f'{result.quote} ({t("card.kpi_id", id=result.id)})' if result.quote else t("card.kpi_id", id=result.id)
    clause = (f'<div class="kpi-clause" style="{muted};font-size:0.75rem">'
              f'{plain.html(t("card.clause", clause=pick(result.clause_label, result.clause)))}</div>') if result.clause else ""
    return (
        f'<div class="kpi-card" data-kpi="{plain.html(result.id)}" data-status="{plain.html(result.status)}">{clause}'
        # The charter's sentence and the KPI's id (for `metrics export --kpi`) on hover, not as raw code on the card.
        f'<div style="font-weight:600;min-height:2.6em" title="{plain.html(hover)}">{plain.html(title(result, charter_target))}</div>'
        f'<div style="margin:6px 0">{status_badge(result.status)}{mark}</div>'
        f'<div class="kpi-value" style="font-size:2rem;font-weight:700;line-height:1.2">'
        f'{plain.html(fmt.value(result.value, result.unit))}</div>'
        f'<div style="{muted}">{plain.html(fmt.target(result.comparator, result.target, result.unit))}'
        f'{plain.html(" · " + t("card.own_target")) if result.own_target else ""}</div>'
        f"{body}{stale_html}"
        f'<div class="kpi-trend">{sparkline_img(trend_svg(result, trend), trend_title(result, trend))}</div>'
        f"{links_html(links)}</div>"
    )


def card_links(result: KpiResult, may_explore: bool) -> list[Link]:
    """The card's way to its promise on the area page, and to the rows behind it for those who may export them
    (`may_explore`: asked once per page, as it reads the signed-in user)."""
    query = {KPI_PARAM: result.id, "year": str(result.year), **lang_query(current_lang())}
    links = [Link(shell.area_url_path(result.area_id), query, t("card.details"), "→")]
    if may_explore:
        links.append(Link(shell.EXPLORE_URL_PATH, query, t("card.rows"), "▤"))
    return links

