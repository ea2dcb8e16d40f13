"""An upload that cannot be read is said in words: no parser's exception name or text, no English in Korean (issue 12)."""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from metrics.intake.detection import detect
from metrics.intake.read_errors import UnreadableFileError
from metrics.messages import CharterError
from tests.test_bad_inputs import BAD_FILES

# Latin words a Korean message may hold: names of file formats and encodings people see in Excel's save dialog.
FORMAT_NAMES = {"xlsx", "xls", "xlsb", "ods", "csv", "utf", "cp949", "euc", "kr", "excel", "html", "xml", "hwp", "nul",
                "mb", "xfd"}


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


ODD_FILES = {
    # Shift-JIS is read (its rows are then held back, each with its line): not refused as a file.
    **{name: make for name, make in BAD_FILES.items() if name != "shift-jis.csv"},
    "garbage-with-a-zip-start.xlsx": lambda: b"PK\x03\x04garbage" * 100,
    "binary-renamed.csv": lambda: bytes(range(256)) * 50,
    "word-document.xlsx": lambda: _zip({"word/document.xml": b"<w:document/>"}),
    "photos.xlsx": lambda: _zip({"a.jpg": b"\xff\xd8"}),
    "epub-renamed.xlsx": lambda: _zip({"mimetype": b"application/epub+zip"}),
    "ole-not-a-workbook.xls": lambda: bytes.fromhex("d0cf11e0a1b11ae1") + b"\0" * 600,
}


def _refusal(name: str) -> CharterError:
    with pytest.raises(CharterError) as caught:
        detect(None, ODD_FILES[name](), name, kind="events")
    return caught.value


def _foreign_words(korean: str) -> set[str]:
    """Latin words in a Korean message other than format names; quoted words are the file's own (a sheet name)."""
    unquoted = re.sub(r"'[^']*'", "", korean)
    return {w for w in re.findall(r"[A-Za-z][A-Za-z_]*", unquoted) if w.lower() not in FORMAT_NAMES}


@pytest.mark.parametrize("name", sorted(ODD_FILES))
def test_a_refused_file_is_said_in_korean_without_the_parsers_words(name):
    error = _refusal(name)
    assert _foreign_words(error.message.ko) == set(), error.message.ko
    for said in (error.message.ko, error.message.en):
        assert not re.search(r"[A-Z][a-z]+(Error|File|Exception)\b|zip:|OLE|CRC", said), said


def test_a_damaged_workbook_keeps_the_parsers_account_for_the_log():
    error = _refusal("garbage-with-a-zip-start.xlsx")
    assert isinstance(error, UnreadableFileError) and error.code == "corrupt"
    assert "BadZipFile" in error.detail and "BadZipFile" not in str(error.message)


def test_what_a_file_is_instead_is_said_in_each_language():
    error = _refusal("binary-renamed.csv")
    assert "바이너리 파일" in error.message.ko and "binary" not in error.message.ko
    assert "a binary file" in error.message.en
