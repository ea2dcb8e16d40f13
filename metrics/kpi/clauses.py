"""The charter's clause catalogue (config/clauses.toml): every promise by id, its section and its words.

The registry loader checks each KPI's `clause` against it; the scorecard lists every clause with its KPIs
and a status, so a promise nothing measures yet shows as 미측정 / not tracked instead of disappearing.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metrics.settings import CONFIG_DIR

if TYPE_CHECKING:  # types only: the registry and the scorecard import this module
    from metrics.kpi.registry import Registry
    from metrics.kpi.scorecard import KpiResult

CLAUSES_PATH = CONFIG_DIR / "clauses.toml"
CLAUSE_ID = re.compile(r"^(II|III)(\.\d+){1,2}\.[a-z]$")
ROMAN = {"II": "Ⅱ", "III": "Ⅲ"}
LETTERS = "가나다라마바사아자차카타파하"
TEXT_KEYS = ("id", "section_ko", "section_en", "text_ko", "text_en")


@dataclass(frozen=True)
class Clause:
    """One promise of the charter."""

    id: str
    section_ko: str
    section_en: str
    text_ko: str
    text_en: str
    short_ko: str = ""  # the promise in a few words (optional in clauses.toml)

    @property
    def short(self) -> str:
        """The promise in a few words, in Korean: short_ko, or the charter's own sentence when it has none."""
        return self.short_ko or self.text_ko

    @property
    def label(self) -> str:
        """The id as the charter numbers it: II.1.a → Ⅱ.1.가, III.1.1.a → Ⅲ.1.(1).가."""
        return clause_label(self.id)


def clause_label(clause_id: str) -> str:
    """The Korean numbering of a clause id (Ⅱ.1.가, Ⅲ.1.(1).가); an id of another shape is returned as given."""
    if not CLAUSE_ID.match(clause_id):
        return clause_id
    roman, *middle, letter = clause_id.split(".")
    parts = [ROMAN[roman], middle[0], *(f"({m})" for m in middle[1:]), LETTERS[ord(letter) - ord("a")]]
    return ".".join(parts)


def load_clauses(path: Path | None = None) -> tuple[tuple[Clause, ...], list[str]]:
    """The catalogue in file order, and its problems (each naming the clause and the fix)."""
    with open(path or CLAUSES_PATH, "rb") as fh:
        return parse_clauses(tomllib.load(fh))


def parse_clauses(data: dict[str, Any]) -> tuple[tuple[Clause, ...], list[str]]:
    """Clauses from parsed TOML, and every problem found (an empty list when the file is sound)."""
    problems, clauses, seen = [], [], set()
    for position, entry in enumerate(data.get("clause", []), start=1):
        name = str(entry.get("id") or f"#{position}")
        missing = [k for k in TEXT_KEYS if not isinstance(entry.get(k), str) or not entry[k].strip()]
        if missing:
            problems.append(f"[clauses.toml {name}] 칸이 비었습니다 / missing: add {', '.join(missing)}")
            continue
        if not CLAUSE_ID.match(entry["id"]):
            problems.append(f"[clauses.toml {name}] id는 \"II.1.a\" 또는 \"III.1.1.a\" 형태로 씁니다 / write the id like II.1.a")
        elif name in seen:
            problems.append(f"[clauses.toml {name}] id가 중복됩니다 / duplicate clause id: give each [[clause]] its own id")
        seen.add(name)
        short = entry.get("short_ko")
        clauses.append(Clause(entry["id"], entry["section_ko"], entry["section_en"], entry["text_ko"], entry["text_en"],
                              short.strip() if isinstance(short, str) else ""))
    if not clauses and not problems:
        problems.append("[clauses.toml] [[clause]] 항목이 없습니다 / no [[clause]] entries")
    return tuple(clauses), problems


# A clause's status is its weakest KPI's: one promise missed is the clause missed. A clause no KPI measures
# is not_tracked (미측정), said plainly rather than left out.
NOT_TRACKED = "not_tracked"
STATUS_ORDER = ("not_met", "at_risk", "no_data", "on_track", "scheduled", "tracked", "met")
CLAUSE_STATUS_WORDS = {
    "met": ("달성", "met"), "not_met": ("미달", "not met"), "at_risk": ("위험", "at risk"),
    "on_track": ("순항", "on track"), "scheduled": ("예정", "scheduled"), "tracked": ("추적", "tracked"),
    "no_data": ("자료 없음", "no data"), NOT_TRACKED: ("미측정", "not tracked"),
}


def clause_status(statuses: list[str]) -> str:
    """The status of a clause from its KPIs' statuses: the weakest, or not_tracked when it has none."""
    if not statuses:
        return NOT_TRACKED
    return min(statuses, key=lambda s: STATUS_ORDER.index(s) if s in STATUS_ORDER else 0)


def clause_rows(results: Sequence[KpiResult], registry: Registry) -> list[dict[str, Any]]:
    """Every clause of the registry's catalogue with its KPIs' ids and statuses and its own status."""
    by_id = {r.id: r for r in results}
    rows = []
    for clause, kpis in registry.clause_kpis():
        measured = [by_id[k.id] for k in kpis if k.id in by_id]
        status = clause_status([r.status for r in measured])
        rows.append({
            "id": clause.id, "label": clause.label, "section_ko": clause.section_ko, "section_en": clause.section_en,
            "text_ko": clause.text_ko, "text_en": clause.text_en, "short_ko": clause.short,
            "kpis": [r.id for r in measured], "kpi_statuses": {r.id: r.status for r in measured},
            "status": status, "status_ko": CLAUSE_STATUS_WORDS[status][0], "status_en": CLAUSE_STATUS_WORDS[status][1],
        })
    return rows


DOC_START, DOC_END = "<!-- clauses:start -->", "<!-- clauses:end -->"


def clauses_markdown(registry: Registry) -> str:
    """The clause table of docs/kpi-definitions.md, between its markers (`python -m metrics clauses-doc`)."""
    lines = [DOC_START, "", "| clause | 헌장 | promise (charter's words, English gloss) | KPIs |", "|---|---|---|---|"]
    for clause, kpis in registry.clause_kpis():
        measured = ", ".join(f"`{k.id}`" for k in kpis) or "미측정 / not tracked"
        lines.append(f"| {clause.id} | {clause.label} | {clause.text_ko}<br>*{clause.text_en}* | {measured} |")
    return "\n".join([*lines, "", DOC_END])


def doc_block(text: str) -> str:
    """The clause block as written in a document (markers included), or "" when it has none."""
    start, end = text.find(DOC_START), text.find(DOC_END)
    return text[start:end + len(DOC_END)] if 0 <= start < end else ""
