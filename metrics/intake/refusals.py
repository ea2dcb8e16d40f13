"""Why a file is refused before anything is stored: the error, and the words it quotes from the file."""

from __future__ import annotations

from sqlalchemy import Engine

from metrics.messages import CharterError
from metrics.store import pseudonym


class RejectedFileError(CharterError):
    """The file cannot be imported as asked; the message says why and what to do, in Korean and English."""


def headers_text(headers: list[str], *, limit: int = 8, width: int = 30) -> tuple[str, str]:
    """The first headers, each cut to `width`, and how many more: (Korean, English)."""
    shown = ", ".join(h if len(h) <= width else h[: width - 1] + "…" for h in headers[:limit])
    more = len(headers) - limit
    return (shown + (f" 외 {more}개" if more > 0 else ""), shown + (f" and {more} more" if more > 0 else ""))


def check_pseudonym_key(engine: Engine) -> None:
    """Refuse, before anything is read into the store, to work under a key other than the database's."""
    try:
        pseudonym.key_for(engine)
    except pseudonym.PseudonymKeyError as error:
        raise RejectedFileError(error.message.ko, error.message.en, code=error.code) from error
