"""관리 — the admins' page: accounts, KPI targets (with their history), and the audit log."""

from ui.access import require

require("admin")  # first: a page reached by URL alone still checks the role

from ui import admin  # noqa: E402 - after the role check on purpose

admin.render()
