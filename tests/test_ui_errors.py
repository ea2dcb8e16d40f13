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


def test_a_core_error_is_said_in_korean_by_default_and_any_other_error_by_a_generic_message():
    from metrics.intake.refusals import RejectedFileError
    from ui.errors import NOT_DONE, message_of

    # A half that itself holds " / " (a header, a path) is said whole: no splitting by a separator.
    assert message_of(RejectedFileError("'수신일 / 시각' 열이 없습니다", "no column 'received / time'")) == "'수신일 / 시각' 열이 없습니다"
    assert message_of(KeyError("users.password_hash")) == NOT_DONE.ko
