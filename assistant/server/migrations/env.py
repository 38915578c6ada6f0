"""Alembic runs the migrations on the connection ``Database`` hands it."""

from alembic import context

from assistant.server.database import metadata
from index.sql_catalog import metadata as catalog_metadata

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=[metadata, catalog_metadata],
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
