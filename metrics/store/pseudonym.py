"""Stable pseudonymous trainee ids: a keyed hash of who the person is, so no name is ever stored.

The key comes from the PSEUDONYM_KEY environment variable, or from a key file created on first use
(data/.pseudonym_key by default, outside git). Another key would give every trainee a new id, so the
key can never change silently: a key shorter than 32 bytes or an empty key file is refused, the key
file is written atomically, the database keeps a fingerprint of the key its trainees were made with
and refuses uploads under another, and a lost key file is not replaced while trainees are stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, exc, func, select

from metrics.intake.values import normalise_key
from metrics.messages import CharterError
from metrics.settings import load_settings
from metrics.store import database, tables

ID_LENGTH = 24
MIN_KEY_BYTES = 32
FINGERPRINT_FACT = "pseudonym_key_fingerprint"
# The fingerprint is a keyed hash of this fixed label: it identifies the key without revealing it.
_FINGERPRINT_LABEL = b"charter-dashboard pseudonym key fingerprint v1"


class PseudonymKeyError(CharterError):
    """The pseudonym key cannot be used; the message says why and how to restore it, in Korean and English."""


def load_key(path: Path | None = None, *, create: bool = True) -> bytes:
    """The pseudonymisation key: PSEUDONYM_KEY, else the key file (made atomically, owner-only, when
    missing and `create`). PseudonymKeyError for a key that is too short, empty or missing."""
    from_env = os.environ.get("PSEUDONYM_KEY")
    if from_env is not None and from_env != "":
        return _long_enough(from_env.strip().encode("utf-8"), "PSEUDONYM_KEY")
    path = path or load_settings().pseudonym_key_file
    if not path.exists():
        if not create:
            raise PseudonymKeyError(
                f"가명처리 키 파일({path})이 없습니다. 이 데이터베이스에는 이미 교육생 가명 ID가 저장되어 있어 새 키를 만들면 "
                "교육생이 더 이상 일치하지 않습니다. 백업한 키 파일을 그 자리에 복원하거나 PSEUDONYM_KEY를 설정하세요.",
                f"The pseudonym key file ({path}) is missing. This database already holds trainee pseudonyms, and a new key "
                "would stop trainees from matching. Restore the backed-up key file to that path, or set PSEUDONYM_KEY.",
            )
        _write_new_key(path)
    return _long_enough(path.read_text(encoding="utf-8").strip().encode("utf-8"), str(path))


def _long_enough(key: bytes, where: str) -> bytes:
    if len(key) >= MIN_KEY_BYTES:
        return key
    what_ko = "비어 있습니다 (쓰기 도중 실패했을 수 있습니다)" if not key else f"너무 짧습니다 ({len(key)}바이트)"
    what_en = "is empty (a write may have failed)" if not key else f"is too short ({len(key)} bytes)"
    raise PseudonymKeyError(
        f"가명처리 키({where})가 {what_ko}. 키는 {MIN_KEY_BYTES}바이트 이상이어야 합니다. 백업한 키를 복원하세요"
        " (처음 쓰는 경우에는 빈 파일을 지우면 새 키가 만들어집니다).",
        f"The pseudonym key ({where}) {what_en}; it must be at least {MIN_KEY_BYTES} bytes. Restore the backed-up key"
        " (on first use, delete the empty file and a new key is made).",
    )


def _write_new_key(path: Path) -> None:
    """A new random key, written whole or not at all: temporary file, fsync, then linked into place
    (which, unlike a rename, fails if another process made the key first: theirs is kept)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_hex(32))
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        _fsync_folder(path.parent)
    finally:
        temporary.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fingerprint(key: bytes) -> str:
    """What the database remembers of a key: a keyed hash of a fixed label, never the key."""
    return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:32]


def key_for(engine: Engine) -> bytes:
    """The key, checked against the one this database's trainees were made with (recorded at first use).

    Call before anything is read into the store; PseudonymKeyError when the key differs or is lost."""
    stored = _stored_fingerprint(engine)
    key = load_key(create=stored is None and not _holds_trainees(engine))
    mine = fingerprint(key)
    if stored is None:
        stored = _record_fingerprint(engine, mine)
    if not hmac.compare_digest(stored, mine):
        raise PseudonymKeyError(
            "이 데이터베이스의 교육생 가명 ID는 다른 가명처리 키로 만들어졌습니다. 이 키로 올리면 같은 교육생이 다른 사람으로 "
            "집계됩니다. 처음 쓰던 키(백업한 키 파일 또는 PSEUDONYM_KEY)를 복원하세요. 여러 서버라면 모두 같은 키를 써야 합니다.",
            "This database's trainee pseudonyms were made with another pseudonym key; uploading under this key would count "
            "the same trainee as someone else. Restore the original key (the backed-up key file or PSEUDONYM_KEY); "
            "every instance must use the same key.",
        )
    return key


def _stored_fingerprint(engine: Engine) -> str | None:
    facts = tables.database_facts.c
    with engine.connect() as conn:
        return conn.execute(select(facts.value).where(facts.name == FINGERPRINT_FACT)).scalar_one_or_none()


def _holds_trainees(engine: Engine) -> bool:
    e = tables.enrolments.c
    with engine.connect() as conn:
        return bool(conn.execute(select(func.count()).select_from(tables.enrolments).where(e.trainee_id.is_not(None))).scalar_one())


def _record_fingerprint(engine: Engine, mine: str) -> str:
    """Record the key's fingerprint unless another process just did; the one that stands is returned."""
    try:
        with database.writing(engine) as conn:
            conn.execute(tables.database_facts.insert().values(name=FINGERPRINT_FACT, value=mine))
        return mine
    except exc.IntegrityError:
        return _stored_fingerprint(engine) or mine


def _digits(value: str) -> str:
    return re.sub(r"\D", "", value)


def identity_text(name: pd.Series | None, birth: pd.Series | None, phone: pd.Series | None,
                  ref: pd.Series | None, index: pd.Index) -> pd.Series:
    """What identifies a trainee, normalised: the id when given, else name + birth date + phone digits."""
    def text(col: pd.Series | None, clean: Callable[[str], str]) -> pd.Series:
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

    def one(text: str) -> str | None:
        if not text:
            return None
        if text not in cache:
            cache[text] = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()[:ID_LENGTH]
        return cache[text]

    return identity.map(one).astype("str")
