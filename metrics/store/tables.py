"""The database tables: one per upload kind family (contract.toml names each kind's), plus the upload log
and saved templates.

Every data row carries the upload that first brought it (`upload_id`), a natural key hash (`nk`), a
hash of its content (`row_hash`) and an `active` flag. An upload that repeats a stored row unchanged
stores nothing new but is recorded in `carried`: it carries that row too. The rule (metrics.store.versions):
for every natural key, the active row is the one carried by the newest upload not undone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    Time,
    UniqueConstraint,
    text,
)

metadata = MetaData()

uploads = Table(
    "uploads",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("created_at", DateTime, nullable=False),
    Column("uploaded_by", String(200)),
    Column("filename", String(500), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("sheet", String(200)),
    Column("rows_imported", Integer, nullable=False, default=0),
    Column("rows_held", Integer, nullable=False, default=0),
    Column("rows_duplicate", Integer, nullable=False, default=0),
    Column("rows_superseded", Integer, nullable=False, default=0),
    Column("mapping_json", Text),
    Column("undone_at", DateTime),
    Index("ix_uploads_sha256", "sha256"),
    # The database itself refuses a second live upload of the same file (two instances at once).
    Index("ux_uploads_live_sha256", "sha256", unique=True,
          sqlite_where=text("undone_at IS NULL"), postgresql_where=text("undone_at IS NULL")),
)

# One row, changed in the same transaction as any data: the version pages cache on follows commit order.
data_state = Table(
    "data_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("version", Integer, nullable=False),
)

# Facts about the database itself, e.g. the fingerprint of the pseudonym key its trainees were made with.
database_facts = Table(
    "database_facts",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("value", String(500), nullable=False),
)


def row_columns() -> list[Column[Any]]:
    """Bookkeeping columns shared by every data table."""
    return [
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("upload_id", Integer, ForeignKey("uploads.id"), nullable=False, index=True),
        Column("nk", String(40), nullable=False),
        Column("row_hash", String(40), nullable=False),
        Column("active", Boolean, nullable=False, default=True),
        Column("excel_row", Integer),
    ]


survey_responses = Table(
    "survey_responses",
    metadata,
    *row_columns(),
    Column("kind", String(40), nullable=False),
    Column("year", Integer, nullable=False),
    Column("response_date", DateTime),
    Column("course", String(300)),
    Column("course_key", String(300)),
    Column("company", String(300)),
    Column("overall", Float),
    # Overall score used by the KPIs: the overall question, else the mean of the items (derived at ingest).
    Column("score", Float),
    Column("scale_max", Float, nullable=False),
    Column("items_json", Text),
    Column("comments", Text),
    Index("ix_survey_kind_year", "kind", "year", "active"),
)

survey_questions = Table(
    "survey_questions",
    metadata,
    Column("upload_id", Integer, ForeignKey("uploads.id"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("text", String(1000), nullable=False),
)

enrolments = Table(
    "enrolments",
    metadata,
    *row_columns(),
    Column("trainee_id", String(40)),
    Column("course", String(300), nullable=False),
    Column("course_key", String(300), nullable=False),
    Column("cohort", String(100)),
    Column("start_date", Date),
    Column("end_date", Date, nullable=False),
    Column("year", Integer, nullable=False),
    Column("completed", Boolean, nullable=False),
    Index("ix_enrol_year", "year", "active"),
)

cases = Table(
    "cases",
    metadata,
    *row_columns(),
    Column("case_type", String(40), nullable=False),
    Column("ref", String(200)),
    Column("title", String(1000)),
    Column("received", Date, nullable=False),
    Column("completed", Date),
    Column("interim", Date),
    Column("expert_team", Boolean),  # tech support: an expert team formed (II.3.b); NULL when not recorded
    # The time of day of the receipt and of the answer, when the log gives one (NULL: the date alone is known).
    Column("received_time", Time),
    Column("completed_time", Time),
    Column("year", Integer, nullable=False),
    Index("ix_cases_type_year", "case_type", "year", "active"),
)

events = Table(
    "events",
    metadata,
    *row_columns(),
    Column("event_type", String(40), nullable=False),
    Column("date", Date, nullable=False),
    Column("title", String(1000)),
    Column("participants", Integer),
    Column("participant_groups", String(200)),  # participant groups as codes, "contractor,local_gov"; NULL when not recorded
    Column("year", Integer, nullable=False),
    Index("ix_events_year", "year", "active"),
)

postings = Table(
    "postings",
    metadata,
    *row_columns(),
    Column("company", String(300), nullable=False),
    Column("product", String(500)),
    Column("posted_from", Date, nullable=False),
    Column("posted_to", Date),
    Column("year", Integer, nullable=False),
    Index("ix_postings_year", "year", "active"),
)

calls = Table(
    "calls",
    metadata,
    *row_columns(),
    Column("call_time", DateTime, nullable=False),
    Column("rings", Float, nullable=False),
    Column("year", Integer, nullable=False),
    Index("ix_calls_year", "year", "active"),
)

# Service monitoring (charter Ⅲ.1): one monitored contact a row; a blank checklist item (not checked) is NULL.
monitoring = Table(
    "monitoring",
    metadata,
    *row_columns(),
    Column("monitored", Date, nullable=False),
    Column("channel", String(40), nullable=False),
    Column("department", String(300)),
    Column("ref", String(300)),
    *(Column(item, Boolean) for item in ("greeting", "name_given", "listening", "transfer_details", "callback",
                                         "signage", "office_used")),
    Column("wait_minutes", Float),
    Column("year", Integer, nullable=False),
    Index("ix_monitoring_year", "year", "active"),
)

# Suggestions (charter Ⅲ.3, Ⅱ.5): `reflected` is derived from the decision, NULL while still under review.
suggestions = Table(
    "suggestions",
    metadata,
    *row_columns(),
    Column("received", Date, nullable=False),
    Column("via", String(40), nullable=False),
    Column("ref", String(300)),
    Column("summary", String(1000)),
    Column("decision", String(40), nullable=False),
    Column("decided_on", Date),
    Column("reflected", Boolean),
    Column("year", Integer, nullable=False),
    Index("ix_suggestions_year", "year", "active"),
)

# Remedies of complaints about staff (charter Ⅲ.4): `action_taken` is derived, true when an action is written down;
# `compensated` too (revision 0010): whether compensation was written down where it was due, NULL where none was due.
remedies = Table(
    "remedies",
    metadata,
    *row_columns(),
    Column("ref", String(300), nullable=False),
    Column("received", Date, nullable=False),
    Column("apology", Boolean),
    Column("cause_found", Boolean),
    Column("action", String(1000)),
    Column("compensation", String(1000)),
    Column("action_taken", Boolean),
    Column("training_on", Date),
    Column("compensation_due", Boolean),
    Column("compensated", Boolean),
    Column("year", Integer, nullable=False),
    Index("ix_remedies_year", "year", "active"),
)

# Website review (charter Ⅲ.1.3.a): each page reviewed and whether it was up to date; `days_since_update` (revision 0010) is
# derived: days from its last update to the review, NULL when the last update is not known.
website_review = Table(
    "website_review",
    metadata,
    *row_columns(),
    Column("page", String(300), nullable=False),
    Column("last_updated", Date),
    Column("reviewed_on", Date, nullable=False),
    Column("up_to_date", Boolean),
    Column("days_since_update", Float),
    Column("year", Integer, nullable=False),
    Index("ix_website_review_year", "year", "active"),
)

# Visits to customers (charter Ⅲ.2): a blank item is not recorded.
customer_visits = Table(
    "customer_visits",
    metadata,
    *row_columns(),
    Column("visited", Date, nullable=False),
    Column("customer", String(300)),
    Column("purpose", String(300)),
    Column("called_ahead", Boolean),
    Column("results_explained", Boolean),
    Column("card_given", Boolean),
    Column("year", Integer, nullable=False),
    Index("ix_customer_visits_year", "year", "active"),
)

# Rows an upload carried without storing them again (it repeated them unchanged): undoing an earlier
# upload must not take away a row that a later one still holds.
carried = Table(
    "carried",
    metadata,
    Column("upload_id", Integer, ForeignKey("uploads.id"), primary_key=True),
    Column("table_name", String(40), primary_key=True),
    Column("row_id", Integer, primary_key=True),
    Index("ix_carried_row", "table_name", "row_id"),
)

templates = Table(
    "templates",
    metadata,
    Column("name", String(200), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("signature", String(64), nullable=False, index=True),
    Column("mapping_json", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
)


DATA_TABLES = (survey_responses, enrolments, cases, events, postings, calls, monitoring, suggestions, remedies,
               website_review, customer_visits)

for _table in DATA_TABLES:  # undo and import look rows up by natural key
    Index(f"ix_{_table.name}_nk", _table.c.nk)

# Tables of kinds declared outside contract.toml (a test's toy kind), each in a MetaData of its own so that
# the application's schema and its migrations never see them.
_ADDED: dict[str, Table] = {}


def data_table(name: str) -> Table:
    """The data table called `name` (a kind's declaration names its table); KeyError naming the known ones."""
    found = _ADDED.get(name)
    if found is None and name in metadata.tables and metadata.tables[name] in DATA_TABLES:
        found = metadata.tables[name]
    if found is None:
        known = ", ".join(t.name for t in (*DATA_TABLES, *_ADDED.values()))
        raise KeyError(f"no data table {name!r} (known: {known}); declare it in metrics/store/tables.py with an Alembic revision")
    return found


def add_data_table(table: Table) -> Table:
    """Make `table`, made with row_columns(), a data table a kind may name (tests' toy kinds)."""
    _ADDED[table.name] = table
    return table


# Survey course names that match no roster course, mapped by managers to the roster course they mean
# (metrics.kpi.course_aliases): both sides as matching keys (measures_surveys.normalise_course), with the
# names as written so the table reads as people wrote it.
course_aliases = Table(
    "course_aliases",
    metadata,
    Column("survey_key", String(300), primary_key=True),
    Column("survey_name", String(300), nullable=False),
    Column("course_key", String(300), nullable=False),
    Column("course_name", String(300), nullable=False),
    Column("updated_at", DateTime, nullable=False),
    Column("updated_by", String(200)),
)

# Notes on a promise (metrics.kpi.checkins): per KPI and year, the cause of a miss or risk and the action taken,
# with who wrote it and when. Never updated or deleted: a correction is a new note naming the one it corrects.
kpi_notes = Table(
    "kpi_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kpi_id", String(100), nullable=False),
    Column("year", Integer, nullable=False),
    Column("cause", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("noted_at", DateTime, nullable=False),
    Column("author", String(200), nullable=False),
    Column("corrects", Integer, ForeignKey("kpi_notes.id")),
    Index("ix_kpi_notes_kpi_year", "kpi_id", "year"),
)

# Views saved by analysts in the explorer (metrics.explore.saved_views): per account, a name and the explorer's
# query parameters (dataset, years, filters) as JSON, the same ones a copied link carries.
saved_views = Table(
    "saved_views",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("owner", String(200), nullable=False),
    Column("name", String(200), nullable=False),
    Column("params_json", Text, nullable=False),
    Column("saved_at", DateTime, nullable=False),
    UniqueConstraint("owner", "name", name="uq_saved_views_owner_name"),
)
