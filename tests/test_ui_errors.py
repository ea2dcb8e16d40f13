"""A database failure on a page is one plain line in the page's language, never the SQL or its data."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page_whose_database_is_locked():
    from sqlalchemy.exc import OperationalError

    from ui.errors import friendly

    @friendly
    def render():
        raise OperationalError("UPDATE users SET password_hash = '$argon2id$secret'", {}, Exception("database is locked"))

    render()


def test_a_locked_database_is_said_plainly_on_the_page():
    at = AppTest.from_function(_page_whose_database_is_locked, default_timeout=60).run()
    [error] = at.error
    assert "잠겨" in error.value and "오류 번호" in error.value
    assert "argon2" not in error.value and "UPDATE" not in error.value


def test_two_different_passwords_in_the_account_form_are_refused_in_both_languages():
    # The form's refusal is an AccountError (shown as a plain error), not a crash: it needs both halves.
    import pytest

    from metrics.access.auth import AccountError
    from ui.auth import _add

    with pytest.raises(AccountError) as refused:
        _add("kim", ["viewer"], "Correct-Horse-Battery-1", "Correct-Horse-Battery-2", actor="admin")
    assert (refused.value.message.ko, refused.value.message.en) == ("두 비밀번호가 다릅니다", "the two passwords differ")


def test_a_core_error_is_said_in_korean_by_default_and_any_other_error_by_a_generic_message():
    from metrics.intake.refusals import RejectedFileError
    from ui.errors import NOT_DONE, message_of

    # A half that itself holds " / " (a header, a path) is said whole: no splitting by a separator.
    assert message_of(RejectedFileError("'수신일 / 시각' 열이 없습니다", "no column 'received / time'")) == "'수신일 / 시각' 열이 없습니다"
    assert message_of(KeyError("users.password_hash")) == NOT_DONE.ko
