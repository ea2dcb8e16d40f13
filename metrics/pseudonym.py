"""Stable pseudonymous trainee ids: a keyed hash of who the person is, so no name is ever stored.

The key comes from the PSEUDONYM_KEY environment variable, or from a key file created on first use
(data/.pseudonym_key by default, outside git). Losing the key means new uploads get new ids, so
trainees could no longer be matched across uploads: back the key up with the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

import pandas as pd

from metrics.settings import load_settings
from metrics.values import normalise_key

ID_LENGTH = 24


def load_key(path: Path | None = None) -> bytes:
    """The pseudonymisation key: PSEUDONYM_KEY, else the key file (made, owner-only, on first use)."""
    from_env = os.environ.get("PSEUDONYM_KEY")
    if from_env:
        return from_env.encode("utf-8")
    path = path or load_settings().pseudonym_key_file
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32))
    return path.read_text().strip().encode("utf-8")


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def identity_text(name: pd.Series | None, birth: pd.Series | None, phone: pd.Series | None,
                  ref: pd.Series | None, index: pd.Index) -> pd.Series:
    """What identifies a trainee, normalised: the id when given, else name + birth date + phone digits."""
    def text(col: pd.Series | None, clean) -> pd.Series:
        if col is None:
            return pd.Series("", index=index, dtype="str")
        return col.astype("object").map(lambda v: "" if v is None or (not isinstance(v, str) and pd.isna(v)) else clean(str(v)))

    ref_text = text(ref, normalise_key)
    person = text(name, normalise_key) + "|" + text(birth, _digits) + "|" + text(phone, _digits)
    person = person.where(person != "||", "")
    return ("id:" + ref_text).where(ref_text != "", person.map(lambda p: "p:" + p if p else ""))


def pseudonymise(identity: pd.Series, key: bytes) -> pd.Series:
    """Keyed hash (HMAC-SHA256, truncated) of each identity; empty identity gives a missing id."""
    cache: dict[str, str] = {}

    def one(text: str):
        if not text:
            return None
        if text not in cache:
            cache[text] = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:ID_LENGTH]
        return cache[text]

    return identity.map(one).astype("str")
