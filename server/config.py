"""Server configuration: embedded defaults, then an optional file, then COLIS_* variables.

Every setting can be given as an environment variable with the ``COLIS_`` prefix
(``COLIS_DATABASE_URL``, ``COLIS_REDIS_URL``, ``COLIS_SECRET_KEY``...). Values are
parsed as JSON when they look like JSON (Flask's ``from_prefixed_env``), so
``COLIS_DASHBOARD_MAX_RATE=5`` arrives as an int.
"""
from __future__ import annotations

import os
from pathlib import Path

DEFAULT_SECRET_KEY = "dev-only-not-secret"


class InsecureConfiguration(RuntimeError):
    """Raised when production mode would start with development secrets."""


def defaults(instance_path: str) -> dict:
    database = Path(instance_path) / "colis.sqlite"
    return {
        "ENV": "development",
        "SECRET_KEY": DEFAULT_SECRET_KEY,
        "DATABASE_URL": f"sqlite:///{database}",
        # Redis becomes Flask-SocketIO's message queue once several server processes run.
        "REDIS_URL": None,
        # The Redis pub/sub channel; floors (or test runs) sharing one Redis need distinct ones.
        "SOCKETIO_CHANNEL": "flask-socketio",
        "SOCKETIO_ASYNC_MODE": "threading",
        # PostgreSQL connections per process (docs/deployment.md, "Database pool"). The wait for
        # one stays under the station's 5 s ack timeout: past it the scan is answered
        # server_error (retry) instead of timing out on the station.
        "DB_POOL_SIZE": 10,
        "DB_MAX_OVERFLOW": 20,
        "DB_POOL_TIMEOUT": 3.0,
        # A scan payload is < 1 kB; a label reply a few kB. 1 MB (the default) invites abuse.
        "SOCKETIO_MAX_MESSAGE_BYTES": 64 * 1024,
        # Supervisors' screens get at most this many updates per second (bursts are coalesced).
        "DASHBOARD_MAX_RATE": 10,
        # Floor counts (whole-table aggregates) are recomputed at most this often, in seconds.
        "DASHBOARD_SNAPSHOT_EVERY": 2.0,
        "DEFAULT_LOCALE": "fr",
        # The session cookie never goes to another site's requests (CSRF defence in depth).
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Shipper printed on labels and used for SSCCs.
        "WAREHOUSE_NAME": "Colis Entrepôt Lyon",
        "WAREHOUSE_ADDRESS": {
            "name": "Colis Entrepôt Lyon",
            "line1": "12 rue des Docks",
            "line2": "",
            "postal_code": "69009",
            "city": "Lyon",
            "country": "FR",
        },
        "GS1_COMPANY_PREFIX": "3761234",
        "SSCC_EXTENSION_DIGIT": 0,
        "LABEL_DPI": 203,
        # A claimed task's lease: a station silent this long (no heartbeat) loses its task to
        # the next station claiming work; what was picked stays (docs/picking.md).
        "TASK_LEASE_SECONDS": 90.0,
        # Release of pick tasks: None, every order as it is allocated; N > 0, auto-release keeps
        # N tasks waiting; 0, only the waves a supervisor releases. A policy set from the CLI or
        # REST (release_policies) overrides it (docs/picking.md).
        "WAVE_KEEP_WAITING": None,
    }


def load(app, test_config: dict | None = None) -> None:
    """Fill ``app.config`` in priority order and refuse unsafe production settings."""
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("COLIS")
    else:
        app.config.from_mapping(test_config)
    check_production_safety(app.config)


def check_production_safety(config) -> None:
    if config.get("ENV") != "production":
        return
    key = config.get("SECRET_KEY") or ""
    if key == DEFAULT_SECRET_KEY or len(key) < 32:
        raise InsecureConfiguration(
            "COLIS_SECRET_KEY must be set to a random value of at least 32 characters "
            "in production (python -c 'import secrets; print(secrets.token_hex(32))')."
        )


def instance_dir() -> str:
    return os.environ.get("COLIS_INSTANCE_PATH") or str(Path.cwd() / "instance")
