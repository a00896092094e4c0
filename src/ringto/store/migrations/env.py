"""Alembic environment: always online, on the engine `ringto.store.migrate` passes in.

Only `Base.metadata` is referenced (the store imports no domain); whoever compares the
models against the migrations imports the domain models first, as the tests do.
"""

from __future__ import annotations

from alembic import context

from ringto.store.base import Base

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
