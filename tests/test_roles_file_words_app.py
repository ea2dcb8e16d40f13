"""A roles file that cannot be read is said in words, in Korean: not Python's "[Errno 2] No such file or directory"
nor the file's English parse error (issue 12)."""

from __future__ import annotations

import pytest

from tests.roles_app import open_app, started_by_the_launcher  # noqa: F401 - a fixture

pytestmark = pytest.mark.db


@pytest.mark.parametrize("content", [None, "[emails\nbroken = ", "\x00\x01"])
def test_an_unreadable_roles_file_is_said_in_korean_and_grants_nothing(engine, tmp_path, monkeypatch, content):
    path = tmp_path / "roles.toml"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    monkeypatch.setenv("ROLES_FILE", str(path))
    at = open_app()
    at.user = {"is_logged_in": True, "email": "kim@kwwa.or.kr", "email_verified": True}
    at.run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert any("역할 설정 파일(roles.toml)을 읽을 수 없어" in e for e in errors), errors
    assert not any("Errno" in e or "Expected" in e or "Invalid" in e for e in errors), errors
