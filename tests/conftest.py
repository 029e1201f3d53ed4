"""Shared fixtures: every database test runs on SQLite *and* PostgreSQL.

PostgreSQL comes from COLIS_TEST_POSTGRES_URL (default: the local server, database
``test``). A fresh database is created for the session and migrated with Alembic; each
test starts from empty tables. If PostgreSQL is unreachable the tests skip with the
reason, except under CI=true, where a missing PostgreSQL is a failure.
"""
from __future__ import annotations

import os
import shutil
import time
import types
import uuid

import pytest
from sqlalchemy import create_engine, text

from server import migrate
from server.db import Base

POSTGRES_ADMIN_URL = os.environ.get("COLIS_TEST_POSTGRES_URL", "postgresql+psycopg://127.0.0.1/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def require(condition: bool, reason: str) -> None:
    """Skip with a reason on a developer machine; fail in CI, where every part must be present."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url():
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure to reach it is the same answer
        admin.dispose()
        require(False, f"PostgreSQL unreachable at {POSTGRES_ADMIN_URL}: {exc.__class__.__name__}")
    name = f"colis_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    migrate.upgrade(url)
    yield url
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("template") / "colis.sqlite"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        path = tmp_path / "colis.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("postgres_url")
    empty_tables(url)
    return url


def empty_tables(url: str, attempts: int = 5) -> None:
    """TRUNCATE every table. A test's own background reader (the dashboard's snapshot loop reads
    many tables) can meet the TRUNCATE's table locks in the other order: PostgreSQL then aborts
    one side as a deadlock, ours, which simply tries again (seen once in the stateful stock test)."""
    from sqlalchemy.exc import OperationalError

    engine = create_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    try:
        for attempt in range(attempts):
            try:
                with engine.begin() as connection:
                    connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
                    restore_default_rows(connection)
                return
            except OperationalError as exc:
                if "deadlock detected" not in str(exc) or attempt == attempts - 1:
                    raise
    finally:
        engine.dispose()


def restore_default_rows(connection) -> None:
    """Rows the migrations insert and every floor has: the default warehouse (id 1)."""
    from server.models.warehouses import DEFAULT_WAREHOUSE, Warehouse

    connection.execute(Warehouse.__table__.insert().values(**DEFAULT_WAREHOUSE, active=True))
    connection.execute(text("SELECT setval(pg_get_serial_sequence('warehouses', 'id'), 1)"))


@pytest.fixture
def app(database_url, tmp_path):
    from server import create_app

    # The all-addresses sign-in cap (10 a second, a fixed window from its first hit) is off: a
    # test's own sign-ins (the role matrix signs in five users, then tries six bad logins) met it
    # or not depending on the machine's speed, and answered 429 where 401 was expected. Tests
    # about the cap set it themselves (test_security_signin.py); the other limits stay as shipped.
    app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret",
                      "WTF_CSRF_ENABLED": False, "DASHBOARD_MAX_RATE": 50,
                      "DASHBOARD_SNAPSHOT_EVERY": 0.2, "LOGIN_GLOBAL_RATE_LIMIT": "100000 per second"})
    yield app
    app.extensions["colis"].close()


@pytest.fixture
def stopped_limiter_clock(monkeypatch):
    """Flask-Limiter's memory storage sees one instant for the whole test: every hit falls in the
    same window, as on the fastest machine, so a test that a time window could reach fails every
    time instead of now and then."""
    import limits.storage.memory as memory

    now = time.time()
    monkeypatch.setattr(memory, "time", types.SimpleNamespace(time=lambda: now))


@pytest.fixture
def floor(app):
    return app.extensions["colis"]


@pytest.fixture(autouse=True, scope="session")
def _instance_path(tmp_path_factory):
    """Keep the server's instance folder out of the working tree during tests."""
    os.environ.setdefault("COLIS_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))


def pytest_terminal_summary(terminalreporter):
    """Say plainly how many tests ran against each database (CI must show PostgreSQL ran)."""
    reports = [r for key in ("passed", "failed", "skipped") for r in terminalreporter.stats.get(key, [])
               if getattr(r, "when", "call") == "call" or r.outcome == "skipped"]
    for backend, ran_on in (("postgresql", _on_postgres), ("sqlite", lambda r: "[sqlite" in r.nodeid)):
        mine = [r for r in reports if ran_on(r)]
        counts = {outcome: sum(1 for r in mine if r.outcome == outcome) for outcome in ("passed", "failed", "skipped")}
        terminalreporter.write_line(f"ran on {backend}: passed {counts['passed']}, failed {counts['failed']}, "
                                    f"skipped {counts['skipped']}")


def _on_postgres(report) -> bool:
    return "[postgresql" in report.nodeid or "postgres" in report.keywords
