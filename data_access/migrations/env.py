"""Alembic environment: run with a connection handed over by data_access.engine.upgrade."""

from alembic import context

from data_access.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # the plain `alembic` command line: build an engine from the URL
        from data_access.engine import make_engine

        with make_engine().connect() as conn:
            _run(conn)
            conn.commit()
        return
    _run(connection)


def _run(connection) -> None:
    # render_as_batch lets SQLite alter tables by copy-and-move (ARCHITECTURE.md).
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run_migrations_online()
