"""Alembic owns the schema: upgrade/downgrade round trips, and models never drift from it."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from server import migrate
from server.db import Base, modelled


def test_upgrade_head_matches_the_models(database_url):
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"include_name": modelled}),
                                Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ; write a migration: {diff}"


def test_downgrade_base_then_upgrade_head_round_trips(database_url):
    migrate.downgrade(database_url, "base")
    engine = create_engine(database_url)
    assert inspect(engine).get_table_names() == ["alembic_version"]
    engine.dispose()
    migrate.upgrade(database_url, "head")
    engine = create_engine(database_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_the_alembic_command_line_upgrades_and_downgrades_the_configured_database(database_url, tmp_path):
    """What an operator types: ``COLIS_DATABASE_URL=... alembic upgrade head`` from the repo root."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "COLIS_DATABASE_URL": database_url, "COLIS_INSTANCE_PATH": str(tmp_path)}
    alembic = [sys.executable, "-m", "alembic", "-c", str(root / "alembic.ini")]
    for step in (["downgrade", "base"], ["upgrade", "head"]):
        done = subprocess.run(alembic + step, cwd=root, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
    assert "Running upgrade  -> 0001" in done.stderr
    engine = create_engine(database_url)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
