"""Errors at the edge: known core errors become a plain message with what to do; nothing else leaks a traceback."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable
from typing import ParamSpec

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from metrics.intake.read_errors import UnreadableFileError
from metrics.intake.refusals import RejectedFileError
from metrics.kpi.registry import RegistryError
from metrics.messages import CharterError, Message
from metrics.store import DuplicateFileError, UnknownUploadError, database
from ui import plain
from ui.i18n import current_lang, said, t

P = ParamSpec("P")  # a page's render function's parameters, kept by @friendly

log = logging.getLogger("charter.ui")

# Errors whose own message already tells the person what happened and what to do.
USER_ERRORS = (UnreadableFileError, RejectedFileError, DuplicateFileError, UnknownUploadError)


# Said for an error that carries no message of its own (not a CharterError): its text is not for people.
NOT_DONE = Message("요청을 처리하지 못했습니다. 다시 시도하고, 계속되면 담당자에게 알려 주세요.",
                   "This could not be done. Try again; if it persists, tell the administrator.", code="not_done")


def message_of(exc: Exception) -> str:
    """A core error's message in the current language."""
    return said(exc.message if isinstance(exc, CharterError) else NOT_DONE)


def show_user_error(exc: Exception) -> None:
    """A known core error as one st.error line (it may quote the file: a sheet name, a header, a value)."""
    st.error(plain.md(message_of(exc)), icon=":material/error:")


def friendly(page: Callable[P, None]) -> Callable[P, None]:
    """Run a page's render function; any failure becomes a message instead of a traceback."""

    @functools.wraps(page)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> None:
        try:
            return page(*args, **kwargs)
        except USER_ERRORS as exc:
            show_user_error(exc)
        except RegistryError as exc:
            log.error("registry.toml rejected: %s", exc)
            st.error(t("errors.registry"), icon=":material/error:")
            st.code("\n".join(exc.problems), language=None)
        except SQLAlchemyError as exc:
            ref = _log_unexpected()
            ko, en = database.failure_message(exc)  # locked, read-only, full: said plainly, never the SQL
            st.error(t("errors.database", what=en if current_lang() == "en" else ko, ref=ref), icon=":material/database:")
        except Exception:  # noqa: BLE001 - the last line of defence: logged with a reference, shown plainly
            ref = _log_unexpected()
            st.error(t("errors.unexpected", ref=ref), icon=":material/error:")

    return wrapper


def _log_unexpected() -> str:
    """Log the current exception with a short reference the person can quote to support."""
    ref = uuid.uuid4().hex[:8]
    log.exception("unexpected error, reference %s", ref)
    return ref
