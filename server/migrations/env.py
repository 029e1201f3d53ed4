"""Alembic environment. The URL comes from ``-x url=...``, else the server's own config."""
from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from server.db import make_engine, modelled
from server.models import Base

config = context.config
if config.config_file_name is not None:  # the alembic CLI: log as alembic.ini says
    fileConfig(config.config_file_name)


def database_url() -> str:
    """``-x url=...``, else the URL set by server/migrate.py, else the server's own config
    (``COLIS_DATABASE_URL``, default SQLite in the instance folder)."""
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from server import config as colis_config
    from flask import Flask

    app = Flask("server", instance_path=colis_config.instance_dir())
    colis_config.load(app)
    return app.config["DATABASE_URL"]


def run_migrations_offline() -> None:
    context.configure(url=database_url(), target_metadata=Base.metadata, literal_binds=True,
                      render_as_batch=True, include_name=modelled)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(database_url())
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    # Batch mode lets ALTER-style changes work on SQLite too (copy-and-move tables).
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                      include_name=modelled)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
