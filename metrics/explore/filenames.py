"""Export file names that say what is in them (교육생만족도_2025_과정-상수도기초) and open on Windows.

Windows refuses < > : " / \\ | ? * and control characters in a name, a name ending in a dot or a space,
and the device names CON, PRN, AUX, NUL, COM1-9 and LPT1-9 (whatever the extension); Explorer struggles
with very long names. Each part of a name is cleaned and the parts are joined with "_": spaces between
Hangul go (Korean reads well without them: 상수도기초), other spaces become "-" (Trainee-survey).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
HANGUL_SPACE = re.compile(r"(?<=[가-힣])\s+(?=[가-힣])")
SPACES = re.compile(r"\s+")
DEVICES = frozenset({"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))})
MAX_CHARS = 120  # well under Windows' 255 per name, leaving room for a folder path and the extension
FALLBACK = "export"


def part(text: object) -> str:
    """One part of a name: no spaces, each run of forbidden characters as one '-', no dots or dashes at the ends."""
    cleaned = HANGUL_SPACE.sub("", unicodedata.normalize("NFC", str(text)).strip())
    cleaned = SPACES.sub("-", cleaned)
    cleaned = FORBIDDEN.sub("-", cleaned)
    return re.sub(r"-{2,}", "-", cleaned).strip(".-_")


def sheet(text: object) -> str:
    """An Excel sheet name: without [ ] : * ? / \\, at most 31 characters, never empty."""
    name = re.sub(r"[\[\]:*?/\\]", "", str(text)).strip("' ")[:31]
    return name or "data"


def stem(parts: Iterable[object], max_chars: int = MAX_CHARS) -> str:
    """The parts that say something, cleaned and joined with "_", safe as a Windows file name (without extension)."""
    name = "_".join(p for p in (part(x) for x in parts) if p)[:max_chars].rstrip(". _-") or FALLBACK
    if name.split(".")[0].upper() in DEVICES:
        name = f"_{name}"
    return name
