"""Every user-visible string, in Korean and English, from ui/labels.toml."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

import streamlit as st

from metrics.contract import Contract, load_contract
from metrics.korean import josa
from metrics.messages import Message

LABELS_FILE = Path(__file__).with_name("labels.toml")
LANGS = ("ko", "en")
DEFAULT_LANG = "ko"
# The key of the language switch; bound to the URL (?lang=English) so a shared link keeps the language.
LANG_KEY = "lang"
LANG_NAMES = {"ko": "한국어", "en": "English"}  # the switch's words, and so what the URL holds (a bound widget
# writes its option's label)


def lang_query(lang: str) -> dict[str, str]:
    """The URL's query that keeps `lang` on another page (nothing for the default language)."""
    return {} if lang == DEFAULT_LANG else {LANG_KEY: LANG_NAMES[lang]}


def labels() -> dict[str, dict[str, str]]:
    """All labels as {"section.name": {"ko": ..., "en": ...}}: labels.toml's, and for each column role it does not
    word, the header the data contract declares (`columns.<role>`), so a column's words are written once."""
    contract = load_contract()
    held = _MERGED.get("labels")
    if held is None or held[0] is not contract:  # the contract changes only when a kind is registered (tests)
        columns = {f"columns.{role}": {"ko": ko, "en": en} for role, (ko, en) in contract.column_words().items()}
        held = _MERGED["labels"] = (contract, {**columns, **file_labels()})
    return held[1]


# The labels merged with the contract they were merged with (kept while that contract is the loaded one).
_MERGED: dict[str, tuple[Contract, dict[str, dict[str, str]]]] = {}


@cache
def file_labels() -> dict[str, dict[str, str]]:
    """The labels written in ui/labels.toml, flat (read once per process)."""
    with open(LABELS_FILE, "rb") as fh:
        raw = tomllib.load(fh)
    flat: dict[str, dict[str, str]] = {}
    _flatten(raw, "", flat)
    return flat


def _flatten(node: dict[str, Any], prefix: str, out: dict[str, dict[str, str]]) -> None:
    for name, value in node.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict) and set(value) <= set(LANGS) and value:
            out[key] = value
        elif isinstance(value, dict):
            _flatten(value, key + ".", out)


def current_lang() -> str:
    """The language chosen with the sidebar switch (its widget state), Korean by default."""
    lang = st.session_state.get(LANG_KEY)
    return lang if lang in LANGS else DEFAULT_LANG


def text(key: str, lang: str, **values: object) -> str:
    """The label `key` in `lang`, with {placeholders} filled; the key itself if it is missing.

    A Korean label writes a particle after a placeholder both ways, 을(를), 이(가), 은(는), 과(와), (으)로:
    the one that fits the filled-in word is kept (업로드 #24를, 3,392로, 7.82점으로)."""
    entry = labels().get(key)
    if entry is None:
        return key
    template = entry.get(lang) or entry.get(DEFAULT_LANG, key)
    filled = template.format(**values) if values else template
    return josa(filled) if lang == "ko" else filled


def t(key: str, **values: object) -> str:
    """The label `key` in the current language."""
    return text(key, current_lang(), **values)


def pick(ko: str | None, en: str | None) -> str:
    """One of a Korean/English pair given by the core (KPI titles, kinds), in the current language."""
    if current_lang() == "en" and en:
        return en
    return ko or en or ""


def said(message: Message) -> str:
    """A core message (a note, a finding, an error's) in the current language."""
    return message.text(current_lang())


def object_phrase(noun: str) -> str:
    """A noun as the object of a verb: 기록을 / 조사를 in Korean (the particle follows the last sound), the … in English."""
    if current_lang() == "en":
        return f"the {noun}"
    last = noun.rstrip()[-1:] if noun.strip() else ""
    # A Hangul syllable with a final consonant (jongseong) takes 을, one without takes 를.
    has_final = "가" <= last <= "힣" and (ord(last) - ord("가")) % 28 != 0
    return f"{noun}{'을' if has_final else '를'}"
