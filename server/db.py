"""Engine and session factory. Nothing is opened at import time.

SQLite: WAL, a busy timeout, foreign keys, and every transaction begins with
``BEGIN IMMEDIATE``: with a plain deferred ``BEGIN`` concurrent writers fail with
SQLITE_BUSY when they upgrade their read lock (measured in DESIGN.md).
"""
from __future__ import annotations

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker
from sqlalchemy.pool import StaticPool


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Schema objects the migrations create for one database and no model describes: the customer
# search (services/customer_search.py), SQLite's FTS5 table with its shadow tables and
# PostgreSQL's trigram indexes on the stored folded texts. Autogenerate and the drift test skip
# them; tests of the search check them (EXPLAIN).
UNMODELLED_TABLES = ("customer_search",)
UNMODELLED_INDEXES = ("ix_customers_search_name_trgm", "ix_customers_search_email_trgm")


def modelled(name, type_, parent_names) -> bool:
    """Alembic's ``include_name``: False for the objects named above."""
    if type_ == "table":
        return not (name or "").startswith(UNMODELLED_TABLES)
    return not (type_ == "index" and name in UNMODELLED_INDEXES)


class Base(DeclarativeBase):
    # Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
    metadata = MetaData(naming_convention=NAMING)


def make_engine(url: str, **kwargs) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        return _sqlite_engine(url, **kwargs)
    # No pool_pre_ping: it costs every transaction a round trip. A connection PostgreSQL
    # dropped (a restart, a failover) fails its first statement instead; the scan is answered
    # "server_error, retry", SQLAlchemy invalidates the pool's connections from before the
    # drop, and the station's retry runs on a fresh one (test_scan_path.py proves it).
    return create_engine(url, **kwargs)


def _sqlite_engine(url: str, **kwargs) -> Engine:
    in_memory = url in ("sqlite://", "sqlite:///:memory:")
    if in_memory:
        # One shared connection, or each thread would see its own empty database.
        kwargs.setdefault("poolclass", StaticPool)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not pysqlite, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # SQLite's lower() folds ASCII only: "Élodie" must match a search for "élodie", as on
        # PostgreSQL (the orders search, server/services/order_pages.py).
        dbapi_connection.create_function("lower", 1, lambda text: text.lower() if isinstance(text, str) else text,
                                         deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, expire_on_commit=False)
