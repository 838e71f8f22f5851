"""Alembic environment: uses the connection `Store.migrate()` passes, else `sqlalchemy.url`."""

from alembic import context
from sqlalchemy.engine import Connection

from glossary.store.engine import make_engine
from glossary.store.models import Base


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if url is None:
        raise RuntimeError("set sqlalchemy.url, or run the migrations with Store.migrate()")
    with make_engine(url).begin() as connection:
        _run(connection)


_main()
