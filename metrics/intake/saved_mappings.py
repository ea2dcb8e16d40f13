"""Saved mappings: a named template is reused when a sheet of the same shape comes again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, delete, select

from metrics import clock
from metrics.intake.mapping import shape_signature
from metrics.intake.values import normalise_key
from metrics.store import database, tables
from metrics.store.database import AnyRow


@dataclass(frozen=True)
class Template:
    """A saved mapping: kind, {header: role} and upload options (scale, year, type)."""

    name: str
    kind: str
    mapping: dict[str, str]
    options: dict[str, Any]


def save_template(
    engine: Engine, name: str, kind: str, headers: list[str], mapping: dict[str, str], options: dict[str, Any] | None = None
) -> Template:
    """Save (or replace) the template `name` for sheets with these headers."""
    payload = json.dumps({"mapping": mapping, "options": options or {}}, ensure_ascii=False)
    with database.writing(engine) as conn:
        conn.execute(delete(tables.templates).where(tables.templates.c.name == name))
        conn.execute(
            tables.templates.insert().values(
                name=name, kind=kind, signature=shape_signature(headers), mapping_json=payload, created_at=clock.utc_now()
            )
        )
    return Template(name, kind, dict(mapping), dict(options or {}))


def find_template(engine: Engine, headers: list[str]) -> Template | None:
    """The newest template saved for a sheet with exactly these (normalised) headers."""
    t = tables.templates.c
    with engine.connect() as conn:
        row = conn.execute(
            select(t.name, t.kind, t.mapping_json).where(t.signature == shape_signature(headers)).order_by(t.created_at.desc())
        ).first()
    return _template(row) if row else None


def list_templates(engine: Engine) -> list[Template]:
    """Every saved template, by name."""
    t = tables.templates.c
    with engine.connect() as conn:
        rows = conn.execute(select(t.name, t.kind, t.mapping_json).order_by(t.name)).all()
    return [_template(r) for r in rows]


def load_template(engine: Engine, name: str) -> Template | None:
    """The template called `name`, if any."""
    t = tables.templates.c
    with engine.connect() as conn:
        row = conn.execute(select(t.name, t.kind, t.mapping_json).where(t.name == name)).first()
    return _template(row) if row else None


def _template(row: AnyRow) -> Template:
    payload = json.loads(row.mapping_json)
    return Template(row.name, row.kind, payload.get("mapping", {}), payload.get("options", {}))


def _header_key(header: str) -> str:
    return normalise_key(header)  # as shape_signature compares headers


def closest_templates(engine: Engine, headers: list[str], kind: str | None = None) -> list[tuple[Template, int]]:
    """Saved templates (of `kind`, when given) sharing columns with a sheet: (template, columns in common),
    most in common first. A template can then be chosen by hand for a sheet whose columns differ a little."""
    mine = {_header_key(h) for h in headers}
    ranked = []
    for template in list_templates(engine):
        if kind is not None and template.kind != kind:
            continue
        common = len(mine & {_header_key(h) for h, role in template.mapping.items() if role})
        if common:
            ranked.append((template, common))
    return sorted(ranked, key=lambda pair: (-pair[1], pair[0].name))


def apply_template(template: Template, headers: list[str], start: dict[str, str],
                   multiple: frozenset[str] = frozenset()) -> dict[str, str]:
    """The mapping of a sheet after choosing `template` by hand: a header the template knows (compared as
    normalised text, so 접수 일자 is 접수일자) takes the template's role; any other header keeps its role
    from `start` unless the template gives that role to another column (roles in `multiple` may repeat)."""
    roles = {_header_key(h): role for h, role in template.mapping.items()}
    known = {h: roles[_header_key(h)] for h in headers if _header_key(h) in roles}
    taken = {role for role in known.values() if role and role not in multiple}
    return {h: known[h] if h in known else ("" if start.get(h, "") in taken else start.get(h, "") or "") for h in headers}
