"""Words for people, in Korean and English: one message type for notes, findings and errors.

Readers that act on a message look at its `code`, never at its wording, so a message can be reworded freely.
The pages show `text(lang)`; logs and the command line show both languages (`str`).
"""

from __future__ import annotations

from dataclasses import dataclass

from metrics.korean import josa


@dataclass(frozen=True)
class Message:
    """One thing to say, in Korean and English, with an optional stable code."""

    ko: str
    en: str
    code: str = ""

    def text(self, lang: str) -> str:
        """The words in `lang` ("en" for English, Korean otherwise); Korean with its particles fitted to the words
        filled in (업로드 #24을(를) -> 업로드 #24를)."""
        return self.en if lang == "en" else josa(self.ko)

    def __str__(self) -> str:
        return f"{josa(self.ko)} / {self.en}"


class CharterError(Exception):
    """Base of every error the core raises: it carries its Message, which pages and the command line show.

    An error that is not a CharterError is a bug, and the edges treat it as one (logged with a reference).
    """

    def __init__(self, ko: str, en: str, *, code: str = "") -> None:
        self.message = Message(ko, en, code)
        super().__init__(str(self.message))

    @property
    def code(self) -> str:
        return self.message.code

    def __str__(self) -> str:
        return str(self.message)
