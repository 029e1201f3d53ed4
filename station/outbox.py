"""Scans not yet acknowledged by the server, and scans set aside, on local SQLite.

A scan is written here before it is sent and leaves `pending_scans` only on an ack
(docs/protocol.md, "When the server does not answer"), or when the server cannot take it:
then it moves to `dead_scans` (a dead letter) so the scans behind it can go on, and waits
there for a supervisor. WAL plus synchronous=FULL: once add() returns, the scan survives a
power cut.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone

from wire.contract import DEAD_LETTER_AFTER_ATTEMPTS

SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS pending_scans (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        raw TEXT NOT NULL,
        symbology TEXT,
        scanned_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0
    )
    """,
    """
    CREATE TABLE IF NOT EXISTS dead_scans (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        uuid TEXT NOT NULL UNIQUE,
        raw TEXT NOT NULL,
        symbology TEXT,
        scanned_at TEXT NOT NULL,
        code TEXT NOT NULL,
        reason TEXT NOT NULL,
        attempts INTEGER NOT NULL,
        dead_at TEXT NOT NULL,
        reported INTEGER NOT NULL DEFAULT 0
    )
    """,
)
COLUMNS = "uuid, raw, symbology, scanned_at"
DEAD_COLUMNS = "uuid, raw, symbology, scanned_at, code, reason, attempts, dead_at, reported"


@dataclass(frozen=True)
class PendingScan:
    uuid: str
    raw: str
    symbology: str | None
    scanned_at: str  # ISO 8601, station clock


@dataclass(frozen=True)
class DeadScan:
    """A scan the server refused, or failed on too often: kept for a supervisor."""

    uuid: str
    raw: str
    symbology: str | None
    scanned_at: str
    code: str      # the error code (bad_request, not_found, server_error)
    reason: str    # what the server said, or why the station gave up
    attempts: int  # times the server took it and failed
    dead_at: str
    reported: bool  # the server acknowledged scan_dead_lettered


class Outbox:
    """Thread-safe: the scanner, the UI and the core worker all use it."""

    def __init__(self, path: str, dead_after: int = DEAD_LETTER_AFTER_ATTEMPTS):
        self.path, self.dead_after = path, dead_after
        # One connection guarded by a lock; autocommit so each add() is its own
        # durable transaction.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            for statement in SCHEMA:
                self._db.execute(statement)
            self._add_attempts_column()

    def _add_attempts_column(self) -> None:
        # An outbox written by an older station: its waiting scans must replay after the upgrade.
        columns = {row[1] for row in self._db.execute("PRAGMA table_info(pending_scans)")}
        if "attempts" not in columns:
            self._db.execute("ALTER TABLE pending_scans ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0")

    @contextmanager
    def _transaction(self):
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    # --- scans waiting for the server ------------------------------------------------

    def add(self, raw: str, symbology: str | None, scanned_at: str) -> PendingScan:
        # The uuid is made here, at read time: it names this scan for ever,
        # so a replay after a lost ack is recognised by the server.
        scan = PendingScan(str(uuid.uuid4()), raw, symbology, scanned_at)
        with self._lock:
            self._db.execute(
                f"INSERT INTO pending_scans ({COLUMNS}) VALUES (?, ?, ?, ?)",
                (scan.uuid, scan.raw, scan.symbology, scan.scanned_at),
            )
        return scan

    def pending(self) -> list[PendingScan]:
        with self._lock:
            rows = self._db.execute(f"SELECT {COLUMNS} FROM pending_scans ORDER BY seq").fetchall()
        return [PendingScan(*row) for row in rows]

    def peek(self) -> PendingScan | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {COLUMNS} FROM pending_scans ORDER BY seq LIMIT 1").fetchone()
        return PendingScan(*row) if row else None

    def remove(self, scan_uuid: str) -> None:
        with self._lock:
            self._db.execute("DELETE FROM pending_scans WHERE uuid = ?", (scan_uuid,))

    def count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM pending_scans").fetchone()[0]

    # --- dead letters ----------------------------------------------------------------

    def record_failure(self, scan_uuid: str, code: str, reason: str, *, retry: bool) -> DeadScan | None:
        """The server took this scan and could not apply it: count the attempt, on disk.

        A refusal (`retry` false: sending it again cannot help) sets the scan aside at once;
        a failure sets it aside on its `dead_after`-th attempt, even across restarts. Returns
        the dead letter when the scan was set aside, None when it stays first in line.
        """
        with self._transaction() as db:
            db.execute("UPDATE pending_scans SET attempts = attempts + 1 WHERE uuid = ?", (scan_uuid,))
            row = db.execute("SELECT attempts FROM pending_scans WHERE uuid = ?", (scan_uuid,)).fetchone()
            if row is None:
                raise KeyError(f"no waiting scan {scan_uuid}")
            if retry and row[0] < self.dead_after:
                return None
            db.execute(
                f"INSERT INTO dead_scans ({DEAD_COLUMNS}) SELECT {COLUMNS}, ?, ?, attempts, ?, 0"
                " FROM pending_scans WHERE uuid = ?",
                (code, reason, datetime.now(timezone.utc).isoformat(), scan_uuid))
            db.execute("DELETE FROM pending_scans WHERE uuid = ?", (scan_uuid,))
        return self._dead_scan(scan_uuid)

    def dead_scans(self) -> list[DeadScan]:
        return self._dead_where("1")

    def unreported(self) -> list[DeadScan]:
        return self._dead_where("reported = 0")

    def mark_reported(self, scan_uuid: str) -> None:
        with self._lock:
            self._db.execute("UPDATE dead_scans SET reported = 1 WHERE uuid = ?", (scan_uuid,))

    def dead_count(self) -> int:
        with self._lock:
            return self._db.execute("SELECT COUNT(*) FROM dead_scans").fetchone()[0]

    def _dead_scan(self, scan_uuid: str) -> DeadScan:
        with self._lock:
            row = self._db.execute(f"SELECT {DEAD_COLUMNS} FROM dead_scans WHERE uuid = ?",
                                   (scan_uuid,)).fetchone()
        return _dead(row)

    def _dead_where(self, condition: str) -> list[DeadScan]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {DEAD_COLUMNS} FROM dead_scans WHERE {condition} ORDER BY seq").fetchall()
        return [_dead(row) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _dead(row) -> DeadScan:
    *fields, reported = row
    return DeadScan(*fields, reported=bool(reported))
