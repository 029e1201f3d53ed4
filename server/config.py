"""Server configuration: embedded defaults, then an optional file, then COLIS_* variables.

Every setting can be given as an environment variable with the ``COLIS_`` prefix
(``COLIS_DATABASE_URL``, ``COLIS_REDIS_URL``, ``COLIS_SECRET_KEY``...). Values are
parsed as JSON when they look like JSON (Flask's ``from_prefixed_env``), so
``COLIS_DASHBOARD_MAX_RATE=5`` arrives as an int.
"""
from __future__ import annotations

import math
import os
import secrets
from collections import Counter
from pathlib import Path

# Once the embedded default and published in this repository: refused everywhere, in every mode.
PUBLIC_SECRET_KEYS = frozenset({"dev-only-not-secret"})
SECRET_KEY_FILE = "secret_key"
MIN_KEY_LENGTH = 32
MIN_KEY_ENTROPY_BITS = 128  # "a"*32 has 0 bits; token_hex(32) about 256


class InsecureConfiguration(RuntimeError):
    """Raised when production mode would start with development secrets."""


def defaults(instance_path: str) -> dict:
    database = Path(instance_path) / "colis.sqlite"
    return {
        "ENV": "development",
        # None: a random key is generated at first start and kept in the instance folder.
        "SECRET_KEY": None,
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
        "SESSION_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # Proxies in front of the server (nginx: 1) whose X-Forwarded-For/-Proto are trusted;
        # 0 = none, the socket's peer is the client (docs/security.md, "Behind a proxy").
        "PROXY_COUNT": 0,
        # Sign-in limits (docs/security.md): per client address, and a lockout per
        # (username, address) doubling from LOGIN_LOCKOUT_BASE seconds to at most LOGIN_LOCKOUT_MAX.
        "LOGIN_RATE_LIMIT": "20 per minute",
        "LOGIN_GLOBAL_RATE_LIMIT": "10 per second",  # every address together (CPU: one scrypt each)
        # Each station's events: at most STATION_EVENT_RATE a second after a burst of
        # STATION_EVENT_BURST; past that each is answered busy (retried by the station, never lost).
        # 0: no limit (docs/security.md, "Floods").
        "STATION_EVENT_RATE": 20.0,
        "STATION_EVENT_BURST": 40,
        # A station answered busy this many times in a row (it does not pause after busy as a
        # station does) has its socket closed and its connections refused for STATION_FLOOD_COOL_OFF s.
        "STATION_BUSY_IGNORED": 20,
        "STATION_FLOOD_COOL_OFF": 10.0,
        # A socket that has not signed in to /station or /dashboard by then is closed (0: never).
        "SOCKET_SIGN_IN_TIMEOUT": 10.0,
        # A 429 is answered after this many seconds (a client flooding sign-in is slowed to it).
        "LOGIN_REFUSAL_DELAY": 1.0,
        "LOGIN_FREE_FAILURES": 5,
        "LOGIN_LOCKOUT_BASE": 30,
        "LOGIN_LOCKOUT_MAX": 900,
        # Refused sign-ins reach the live feed at most once per this many seconds (each is audited).
        "LOGIN_FAILURE_FEED_EVERY": 10.0,
        # Flask-Limiter's storage: Redis when REDIS_URL is set (several processes), else memory.
        "RATELIMIT_STORAGE_URI": None,
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
        # A station online but silent this long (no heartbeat: they come every 15 s) is marked
        # offline by every serve process's sweeper, every PRESENCE_SWEEP_SECONDS (server/presence.py).
        # Background jobs (server/queue.py, docs/architecture.md): None picks threads without Redis,
        # redis with it; QUEUE_URL, a Redis for the jobs alone (default: REDIS_URL).
        "QUEUE": None,
        "QUEUE_URL": None,
        "PRESENCE_TIMEOUT_SECONDS": 45.0,
        "PRESENCE_SWEEP_SECONDS": 10.0,
        # Release of pick tasks: None, every order as it is allocated; N > 0, auto-release keeps
        # N tasks waiting; 0, only the waves a supervisor releases. A policy set from the CLI or
        # REST (release_policies) overrides it (docs/picking.md).
        "WAVE_KEEP_WAITING": None,
        # Warehouse routing (docs/routing.md, "Warehouses"): an order no warehouse can ship whole
        # is "split" over at most ROUTING_MAX_PARTS warehouses, or "hold" (backordered) until one can.
        "ROUTING_POLICY": "split",
        "ROUTING_MAX_PARTS": 3,
        # A new channel order is routed and allocated by a background job as soon as it arrives
        # (server/intake_jobs.py); off, orders wait for `colis-server allocate` (docs/intake.md).
        "ROUTE_ON_ARRIVAL": True,
        # Picking (docs/picking.md, "Scanning a pick"): scan the bin's label before its items —
        # true (every bin), false, or a list of zones ("A,C" from the environment); a lot expiring
        # within this many days is refused like an expired one (0: only once past its date).
        "PICK_SCAN_BIN_FIRST": False,
        "PICK_MIN_SHELF_LIFE_DAYS": 0,
        # The floor's geometry for pick routes (docs/routing.md): a TOML/JSON file, or a mapping of
        # Layout settings; neither: the demo floor.
        "LAYOUT_FILE": None,
        "LAYOUT": None,
        # Refund policy (server/domain/refunds.py, docs/returns.md): the return window in days
        # from delivery; restocking fees in basis points (1000 = 10 %) for the listed reasons and
        # for a unit graded damaged by the customer; the reasons that are the merchant's fault
        # (no fee, outbound shipping refunded); refunds above this many cents wait for a supervisor.
        "REFUND_WINDOW_DAYS": 30,
        "REFUND_MERCHANT_FAULT_IGNORES_WINDOW": True,
        "REFUND_RESTOCKING_FEE_BP": 1000,
        "REFUND_RESTOCKING_FEE_REASONS": ["changed_mind"],
        "REFUND_DAMAGED_FEE_BP": 5000,
        "REFUND_MERCHANT_FAULT_REASONS": ["damaged", "wrong_item"],
        "REFUND_SHIPPING_ON_MERCHANT_FAULT": True,
        "REFUND_APPROVAL_ABOVE_CENTS": 20000,
        # Returns desk (docs/returns.md): where damaged units wait (never stock), and how often one
        # address may try the customers' self-service return page (Flask-Limiter syntax).
        "RETURNS_QUARANTINE_LOCATION": "Q-RETOURS",
        "RETURNS_SELF_SERVICE_LIMIT": "10 per minute",
        # Customers kept informed (docs/notifications.md). Links in messages start with PUBLIC_URL.
        # E-mail goes out through MAIL_SMTP_HOST (unset: messages wait in the outbox); each try
        # that fails waits NOTIFY_RETRY_BASE_SECONDS, doubling up to NOTIFY_RETRY_MAX_SECONDS, and
        # NOTIFY_ATTEMPTS tries in all. SMS_ADAPTER "record" keeps text messages in memory.
        "PUBLIC_URL": "http://localhost:5000",
        "MAIL_SMTP_HOST": None,
        "MAIL_SMTP_PORT": 25,
        "MAIL_SMTP_USER": None,
        "MAIL_SMTP_PASSWORD": None,
        "MAIL_SMTP_STARTTLS": False,
        "MAIL_SMTP_TIMEOUT": 10.0,
        "MAIL_FROM": "Colis <no-reply@colis.example>",
        "MAIL_MESSAGE_ID_DOMAIN": "colis.example",
        "SMS_ADAPTER": "record",
        "NOTIFY_RETRY_BASE_SECONDS": 30.0,
        "NOTIFY_RETRY_MAX_SECONDS": 3600.0,
        "NOTIFY_ATTEMPTS": 8,
        # The order status page: how long a link in a message opens it, the form's limit per
        # address, where its buttons lead (the self-service return page, customer service).
        "STATUS_LINK_MAX_AGE_DAYS": 60,
        "TRACK_RATE_LIMIT": "10 per minute",
        "RETURN_START_PATH": "/return",
        "SUPPORT_URL": "mailto:support@colis.example",
        # Carrier tracking: La Poste Suivi v2 is polled for these carriers' parcels (needs a key);
        # UPS Track Alert posts to /carriers/ups/track-alert with this credential (unset: off).
        "TRACKING_LAPOSTE_URL": "https://api.laposte.fr/suivi/v2",
        "TRACKING_LAPOSTE_KEY": None,
        "TRACKING_POLLED_CARRIERS": ["DEMO", "COLISSIMO", "CHRONOPOST"],  # La Poste's API covers all three
        "UPS_TRACK_ALERT_CREDENTIAL": None,
        # DPD Tracking Push calls /carriers/dpd/push/<this token> (the URL given to DPD; unset: off).
        "DPD_PUSH_TOKEN": None,
        # The promise watcher (every 5 minutes, or colis-server keep-promises): the floor's pace,
        # the actions tried in order (priority, release, upgrade) and the most an upgrade may cost.
        "PROMISE_WATCH": True,
        "PROMISE_ORDERS_PER_HOUR": 120,
        "PROMISE_POLICY": ["priority", "release", "upgrade"],
        "PROMISE_MAX_EXTRA_CENTS": 500,
    }


def load(app, test_config: dict | None = None) -> None:
    """Fill ``app.config`` in priority order and refuse unsafe production settings."""
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("COLIS")
    else:
        app.config.from_mapping(test_config)
    app.config["ENV"] = str(app.config.get("ENV") or "development").strip().lower()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret_key(app.instance_path)
    if not app.config.get("RATELIMIT_STORAGE_URI"):
        app.config["RATELIMIT_STORAGE_URI"] = app.config.get("REDIS_URL") or "memory://"
    if is_production(app.config):
        # Production is HTTPS behind nginx: cookies only over TLS, never to scripts.
        app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True,
                          SESSION_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_HTTPONLY=True)
    check_production_safety(app.config)


def is_production(config) -> bool:
    return str(config.get("ENV") or "").strip().lower() == "production"


def instance_secret_key(instance_path: str) -> str:
    """The key kept in ``<instance>/secret_key``, created (random, mode 0600) at first start.

    Created with O_EXCL, so two processes starting together on one instance folder agree on
    one key. Processes on several hosts must share a configured COLIS_SECRET_KEY instead.
    """
    path = Path(instance_path) / SECRET_KEY_FILE
    os.makedirs(instance_path, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
    key = path.read_text().strip()
    if not key:  # a crash between create and write: start again with a new key
        path.unlink()
        return instance_secret_key(instance_path)
    return key


def key_entropy_bits(key: str) -> float:
    """A rough upper bound of the key's entropy: Shannon's over its characters times its length,
    counted over one period only when the key repeats itself ("ab"*16, "password"*5).
    It cannot prove a key random; it refuses the obviously guessable ones."""
    if not key:
        return 0.0
    for period in range(1, len(key) // 2 + 1):
        if len(key) % period == 0 and key == key[:period] * (len(key) // period):
            key = key[:period]
            break
    counts = Counter(key)
    per_char = -sum(n / len(key) * math.log2(n / len(key)) for n in counts.values())
    return per_char * len(key)


def check_production_safety(config) -> None:
    key = str(config.get("SECRET_KEY") or "")
    if key in PUBLIC_SECRET_KEYS:
        raise InsecureConfiguration(
            "COLIS_SECRET_KEY is the published development key: anyone can forge a session with it. "
            "Unset it (a random key is then kept in the instance folder) or set a random one.")
    if not is_production(config):
        return
    if len(key) < MIN_KEY_LENGTH or key_entropy_bits(key) < MIN_KEY_ENTROPY_BITS:
        raise InsecureConfiguration(
            f"COLIS_SECRET_KEY must be a random value of at least {MIN_KEY_LENGTH} characters "
            "in production (python -c 'import secrets; print(secrets.token_hex(32))'), "
            "or unset to use the one generated in the instance folder.")


def instance_dir() -> str:
    return os.environ.get("COLIS_INSTANCE_PATH") or str(Path.cwd() / "instance")
