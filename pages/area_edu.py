"""Area page: edu."""

from ui.access import require

require("viewer")  # first: a page reached by URL alone still checks the role

from ui import area  # noqa: E402 - after the role check on purpose

area.render("edu")
