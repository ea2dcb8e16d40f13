"""데이터 업로드 — the managers' page."""

from ui.access import require

require("manager")  # first: a page reached by URL alone still checks the role

from ui import upload  # noqa: E402 - after the role check on purpose

upload.render()
