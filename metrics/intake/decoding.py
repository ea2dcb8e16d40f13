"""Bytes of a text upload -> its lines, each decoded in the encoding that fits it, and what was odd.

Korean offices save CSV as UTF-8 (with or without a BOM), as CP949 (Excel's "CSV"), sometimes as
UTF-16; a file pasted together from two sources has lines of each. Strict UTF-8 is decisive (CP949's
Hangul bytes are never valid UTF-8), so a line that is not UTF-8 is tried as CP949, and the encoding
most lines use is the file's. Nothing odd passes silently: a line in the other encoding, a line that
is neither (decoded with U+FFFD), a U+FFFD already in the file and a NUL byte each leave a finding on
their line, which the reader turns into a finding on the row that holds it. The reader decides what
to refuse; this module only reports.

Lines are counted as the csv module reads them (split at \\r\\n, \\r or \\n), so line i here is line i there.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

UTF8, CP949, UTF16 = "UTF-8", "CP949", "UTF-16"
_CODECS = {UTF8: "utf-8", CP949: "cp949"}

# Finding codes (the texts are in metrics.intake.findings, under the same codes).
OTHER_ENCODING = "other_encoding"  # detail: the line's encoding
UNDECODABLE = "undecodable"  # detail: the file's encoding, in which the line was decoded with U+FFFD
BROKEN_CHARACTER = "broken_character"  # U+FFFD in a line that decoded cleanly: the damage is older
NUL_BYTE = "nul_byte"  # NUL characters, removed from the line


@dataclass(frozen=True)
class LineFinding:
    """Something odd about one physical line (0-based)."""

    line: int
    code: str
    detail: str = ""


@dataclass(frozen=True)
class DecodedText:
    """The text of a file (NUL characters removed), its main encoding and the findings per line."""

    text: str
    encoding: str
    findings: tuple[LineFinding, ...]
    nul_count: int = 0  # NUL characters removed

    def head(self, chars: int) -> str:
        """The first `chars` characters (for sniffing the format and the delimiter)."""
        return self.text[:chars]

    @property
    def line_count(self) -> int:
        return self.text.count("\n") + self.text.count("\r") - self.text.count("\r\n") + 1

    def lines_with(self, code: str) -> list[int]:
        return [f.line for f in self.findings if f.code == code]


def decode(data: bytes) -> DecodedText:
    """The text of `data`: BOMs first, then UTF-16 without a BOM, then UTF-8, CP949, else line by line."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _finish(data.decode("utf-16", errors="replace"), UTF16, [])
    if _looks_utf16le_without_bom(data):
        return _finish(data.decode("utf-16-le", errors="replace"), UTF16, [])
    has_bom = data.startswith(b"\xef\xbb\xbf")
    body = data[3:] if has_bom else data
    try:
        return _finish(body.decode("utf-8"), UTF8, [])
    except UnicodeDecodeError:
        pass
    if not has_bom:
        try:  # a whole file of CP949 (Korean Excel's "CSV"), unless a line of it is UTF-8
            text = body.decode("cp949")
        except UnicodeDecodeError:
            text = None
        if text is not None and not _has_utf8_line(body):
            return _finish(text, CP949, [])
    return _line_by_line(body, prefer_utf8=has_bom)


# A line with a character past ASCII and no byte that is invalid UTF-8 (invalid bytes decode to lone
# surrogates U+DC80-U+DCFF under "surrogateescape"). A short UTF-8 line may also decode as CP949,
# as other characters, so a file that decodes as CP949 goes line by line when it holds one.
_UTF8_LINE = re.compile(
    r"^[^\r\n\udc80-\udcff]*[^\x00-\x7f\udc80-\udcff][^\r\n\udc80-\udcff]*(?=[\r\n]|\Z)", re.MULTILINE
)


def _has_utf8_line(body: bytes) -> bool:
    return _UTF8_LINE.search(body.decode("utf-8", errors="surrogateescape")) is not None


def _line_by_line(body: bytes, *, prefer_utf8: bool) -> DecodedText:
    raw_lines = body.splitlines(keepends=True)  # split on \r\n, \r and \n only, like the csv module
    texts: list[str] = []
    found: dict[str, list[int]] = {UTF8: [], CP949: [], "": []}
    for i, raw in enumerate(raw_lines):
        if raw.isascii():
            texts.append(raw.decode("ascii"))
            continue
        try:
            texts.append(raw.decode("utf-8"))
            found[UTF8].append(i)
        except UnicodeDecodeError:
            try:
                texts.append(raw.decode("cp949"))
                found[CP949].append(i)
            except UnicodeDecodeError:
                texts.append("")
                found[""].append(i)
    main = UTF8 if prefer_utf8 or len(found[UTF8]) >= len(found[CP949]) else CP949
    other = CP949 if main == UTF8 else UTF8
    for i in found[""]:
        texts[i] = raw_lines[i].decode(_CODECS[main], errors="replace")
    findings = [LineFinding(i, OTHER_ENCODING, other) for i in found[other]]
    findings += [LineFinding(i, UNDECODABLE, main) for i in found[""]]
    return _finish("".join(texts), main, findings)


def _finish(text: str, encoding: str, findings: list[LineFinding]) -> DecodedText:
    """Remove NUL characters and note every line that held one, or a U+FFFD that no finding explains yet."""
    if "\x00" not in text and "\ufffd" not in text:
        return DecodedText(text, encoding, tuple(findings))
    lines = list(io.StringIO(text, newline=""))  # the lines as the csv module will read them
    explained = {f.line for f in findings if f.code == UNDECODABLE}
    nul_count = 0
    for i, line in enumerate(lines):
        if "\x00" in line:
            nul_count += line.count("\x00")
            lines[i] = line = line.replace("\x00", "")
            findings.append(LineFinding(i, NUL_BYTE))
        if "\ufffd" in line and i not in explained:
            findings.append(LineFinding(i, BROKEN_CHARACTER))
    findings.sort(key=lambda f: f.line)
    return DecodedText("".join(lines), encoding, tuple(findings), nul_count)


def _looks_utf16le_without_bom(data: bytes) -> bool:
    """Mostly ASCII text in UTF-16LE: zero high bytes, non-zero low bytes (a run of NULs is not text)."""
    sample = data[:2000]
    half = len(sample) // 2
    return len(sample) >= 4 and sample[1::2].count(0) > 0.9 * half and sample[0::2].count(0) < 0.5 * half
