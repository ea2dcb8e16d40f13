"""경영진 — the charter scorecard (landing page)."""

from ui.access import require

require("viewer")  # first: a page reached by URL alone still checks the role

from ui import scorecard  # noqa: E402 - after the role check on purpose

scorecard.render()
