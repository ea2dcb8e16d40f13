"""How much an upload may hold: the one place for the limits every reader and check of a workbook obeys.

Each limit keeps a hostile or broken file from costing the server more than a real one ever does; the
maximum rows and the upload size are an operator's knobs (metrics.settings), not here.
"""

from __future__ import annotations

MiB = 1024 * 1024
MAX_CELLS = 20_000_000  # dense grid a parser may allocate for one upload, all sheets together
MAX_SHEETS = 500  # a year of daily sheets fits; each sheet costs a parse and a look for its table
MAX_MERGED = 100_000  # merged ranges in the whole workbook (each becomes a Python tuple)
MAX_COLUMNS = 16_384  # Excel's own width, XFD
MAX_UNZIPPED_BYTES = 500 * MiB  # all members together, as declared and as actually inflated
MAX_MEMBER_RATIO = 200  # deflate tops out near 1032:1; real sheet XML stays well under 100:1
RATIO_CHECK_FROM = 10 * MiB  # small members may compress absurdly well without harm
