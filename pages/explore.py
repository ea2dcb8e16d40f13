"""데이터 탐색 — the analysts' page."""

from ui.access import require

require("analyst")  # first: a page reached by URL alone still checks the role

from ui import explore  # noqa: E402 - after the role check on purpose

explore.render()
