"""Scans not yet acknowledged by the server, on local SQLite.

A scan is written here before it is sent and leaves only on an ack
(docs/protocol.md, "When the server does not answer"). WAL plus
synchronous=FULL: once add() returns, the scan survives a power cut.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from dataclasses import dataclass

SCHEMA = """
CREATE TABLE IF NOT EXISTS pending_scans (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    uuid TEXT NOT NULL UNIQUE,
    raw TEXT NOT NULL,
    symbology TEXT,
    scanned_at TEXT NOT NULL
)
"""
COLUMNS = "uuid, raw, symbology, scanned_at"


@dataclass(frozen=True)
class PendingScan:
    uuid: str
    raw: str
    symbology: str | None
    scanned_at: str  # ISO 8601, station clock


class Outbox:
    """Thread-safe: the scanner, the UI and the core worker all use it."""

    def __init__(self, path: str):
        self.path = path
        # One connection guarded by a lock; autocommit so each add() is its own
        # durable transaction.
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(SCHEMA)

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

    def close(self) -> None:
        with self._lock:
            self._db.close()
