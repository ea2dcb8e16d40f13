"""Named views of the explorer, saved per account: the dataset, years and filters an analyst opens again.

A view holds the explorer's query parameters, the very ones a copied link carries ({"data": ["cases"],
"years": ["2025"], ...}), so opening a view and opening a link are one mechanism. Views belong to the
account that saved them (the signed-in name); saving under a name already used replaces that view.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select

from metrics import clock
from metrics.messages import CharterError
from metrics.store import database
from metrics.store.tables import saved_views

MAX_NAME = 100
MAX_PARAMS_CHARS = 20_000  # a view with every course chosen stays far below this
_v = saved_views.c


class SavedViewError(CharterError, ValueError):
    """A view was refused; the message says why, in Korean and English."""


@dataclass(frozen=True)
class SavedView:
    """One saved view: whose, its name, its query parameters, and when it was saved (UTC)."""

    id: int
    owner: str
    name: str
    params: dict[str, tuple[str, ...]]
    saved_at: datetime


def save(engine: Engine, owner: str, name: str, params: Mapping[str, object], *, now: datetime | None = None) -> SavedView:
    """Keep `params` as the view `name` of `owner` (replacing a view of that name); SavedViewError if invalid."""
    owner, name = (owner or "").strip(), " ".join((name or "").split())
    if not owner:
        raise SavedViewError("보기를 저장할 계정이 없습니다", "a view is saved for a signed-in account")
    if not name:
        raise SavedViewError("보기 이름을 적어 주세요", "a view needs a name")
    if len(name) > MAX_NAME:
        raise SavedViewError(f"보기 이름은 {MAX_NAME}자까지입니다", f"a view name has at most {MAX_NAME} characters")
    clean = _clean(params)
    text = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    if len(text) > MAX_PARAMS_CHARS:
        raise SavedViewError("저장하기에 너무 큰 보기입니다", "the view is too large to save")
    now = now or clock.utc_now()
    with database.writing(engine) as conn:
        conn.execute(delete(saved_views).where(_v.owner == owner, _v.name == name))
        inserted = conn.execute(saved_views.insert().values(owner=owner, name=name, params_json=text, saved_at=now)
                                ).inserted_primary_key
        assert inserted is not None  # an insert of one row always has its key
        view_id = inserted[0]
    return SavedView(int(view_id), owner, name, clean, now)


def views(engine: Engine, owner: str) -> list[SavedView]:
    """The views `owner` saved, by name."""
    query = select(saved_views).where(_v.owner == (owner or "").strip()).order_by(_v.name, _v.id)
    with engine.connect() as conn:
        return [SavedView(int(r.id), r.owner, r.name, _clean(json.loads(r.params_json)), r.saved_at)
                for r in conn.execute(query)]


def remove(engine: Engine, owner: str, view_id: int) -> bool:
    """Delete one of `owner`'s views (another account's view is left alone); True when one was deleted."""
    with database.writing(engine) as conn:
        done = conn.execute(delete(saved_views).where(_v.id == int(view_id), _v.owner == (owner or "").strip()))
    return done.rowcount == 1


def _clean(params: Mapping[str, object] | None) -> dict[str, tuple[str, ...]]:
    """Query parameters as {name: (value, ...)}: texts only, empty ones left out."""
    out = {}
    for key, value in (params or {}).items():
        values = value if isinstance(value, list | tuple) else [value]
        kept = tuple(str(v) for v in values if v is not None and str(v) != "")
        if kept:
            out[str(key)] = kept
    return out
