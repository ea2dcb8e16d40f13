"""Alembic's entry: migrations run on the connection metrics.store.database hands over, inside its transaction
(so on PostgreSQL under the advisory lock, on SQLite under the write lock)."""

from alembic import context

from metrics.store import tables

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=tables.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
