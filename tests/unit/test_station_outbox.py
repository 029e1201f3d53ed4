"""The outbox keeps unacknowledged scans in order, on disk, across restarts, and sets aside
the ones the server cannot take."""

import threading
import uuid
from datetime import datetime

import pytest

from station.outbox import Outbox
from wire.contract import DEAD_LETTER_AFTER_ATTEMPTS


@pytest.fixture
def path(tmp_path):
    return str(tmp_path / "outbox.sqlite")


def test_scans_come_back_in_the_order_they_were_read(path):
    outbox = Outbox(path)
    codes = [f"376123400{n:04d}" for n in range(5)]
    for code in codes:
        outbox.add(code, "]E0", "2026-11-24T10:00:00+00:00")
    assert [scan.raw for scan in outbox.pending()] == codes
    assert outbox.peek().raw == codes[0]
    assert outbox.count() == 5


def test_each_scan_gets_its_own_uuid4_when_stored(path):
    outbox = Outbox(path)
    first, second = outbox.add("A", None, "t"), outbox.add("A", None, "t")
    assert first.uuid != second.uuid
    assert uuid.UUID(first.uuid).version == 4


def test_removed_scans_leave_and_the_rest_keep_their_order(path):
    outbox = Outbox(path)
    a, b, c = (outbox.add(code, None, "t") for code in "ABC")
    outbox.remove(b.uuid)
    assert [scan.uuid for scan in outbox.pending()] == [a.uuid, c.uuid]
    outbox.remove(a.uuid)
    assert outbox.peek() == c


def test_pending_scans_survive_a_restart(path):
    outbox = Outbox(path)
    kept = [outbox.add(code, "]C1", "2026-11-24T10:00:00+00:00") for code in ("X1", "X2")]
    outbox.close()
    reopened = Outbox(path)
    assert reopened.pending() == kept


def test_empty_outbox(path):
    outbox = Outbox(path)
    assert outbox.peek() is None and outbox.pending() == [] and outbox.count() == 0


def test_uses_wal_and_full_sync_so_a_stored_scan_survives_a_power_cut(path):
    Outbox(path).close()
    import sqlite3
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_concurrent_adds_from_several_threads_are_all_kept(path):
    outbox = Outbox(path)

    def add_many(prefix):
        for n in range(50):
            outbox.add(f"{prefix}-{n}", None, "t")

    threads = [threading.Thread(target=add_many, args=(p,)) for p in "ABCD"]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    raws = [scan.raw for scan in outbox.pending()]
    assert len(raws) == 200
    for prefix in "ABCD":  # each thread's own scans stay in its order
        assert [r for r in raws if r.startswith(prefix)] == [f"{prefix}-{n}" for n in range(50)]


# --- dead letters: scans the server cannot take are set aside, so the floor goes on ---------

def test_a_refused_scan_is_set_aside_at_once_with_everything_needed_to_look_at_it(path):
    outbox = Outbox(path)
    refused = outbox.add("0106141411234567", "]C1", "2026-11-24T10:00:00+00:00")
    behind = outbox.add("3761234000427", "]E0", "2026-11-24T10:00:01+00:00")
    dead = outbox.record_failure(refused.uuid, "bad_request", "scan.raw too long", retry=False)
    assert (dead.uuid, dead.raw, dead.symbology, dead.scanned_at) == (
        refused.uuid, "0106141411234567", "]C1", "2026-11-24T10:00:00+00:00")
    assert (dead.code, dead.reason, dead.attempts, dead.reported) == ("bad_request", "scan.raw too long", 1, False)
    assert datetime.fromisoformat(dead.dead_at).tzinfo is not None
    assert outbox.pending() == [behind]  # the next scan is first in line now
    assert outbox.dead_scans() == [dead] and outbox.dead_count() == 1


def test_a_failing_scan_stays_first_in_line_until_its_last_attempt(path):
    outbox = Outbox(path)
    failing, behind = outbox.add("A1", None, "t"), outbox.add("B2", None, "t")
    for _ in range(DEAD_LETTER_AFTER_ATTEMPTS - 1):
        assert outbox.record_failure(failing.uuid, "server_error", "boom", retry=True) is None
        assert outbox.peek() == failing and outbox.dead_count() == 0
    dead = outbox.record_failure(failing.uuid, "server_error", "boom again", retry=True)
    assert dead.attempts == DEAD_LETTER_AFTER_ATTEMPTS and dead.reason == "boom again"
    assert outbox.pending() == [behind]


def test_attempts_survive_a_restart_so_a_crash_loop_cannot_reset_them(path):
    outbox = Outbox(path, dead_after=3)
    scan = outbox.add("A1", None, "t")
    outbox.record_failure(scan.uuid, "server_error", "boom", retry=True)
    outbox.record_failure(scan.uuid, "server_error", "boom", retry=True)
    outbox.close()
    reopened = Outbox(path, dead_after=3)
    assert reopened.pending() == [scan]
    dead = reopened.record_failure(scan.uuid, "server_error", "boom", retry=True)
    assert dead is not None and dead.attempts == 3


def test_dead_scans_stay_unreported_until_the_server_acknowledges_them_even_across_a_restart(path):
    outbox = Outbox(path)
    first, second = outbox.add("A1", None, "t"), outbox.add("B2", None, "t")
    for scan in (first, second):
        outbox.record_failure(scan.uuid, "not_found", "not this station's", retry=False)
    assert [dead.uuid for dead in outbox.unreported()] == [first.uuid, second.uuid]
    outbox.mark_reported(first.uuid)
    outbox.close()
    reopened = Outbox(path)
    assert [dead.uuid for dead in reopened.unreported()] == [second.uuid]
    assert [dead.reported for dead in reopened.dead_scans()] == [True, False]


def test_a_scan_no_longer_waiting_cannot_fail(path):
    outbox = Outbox(path)
    scan = outbox.add("A1", None, "t")
    outbox.remove(scan.uuid)
    with pytest.raises(KeyError):
        outbox.record_failure(scan.uuid, "bad_request", "x", retry=False)
    assert outbox.dead_count() == 0


def test_an_outbox_written_before_dead_letters_keeps_its_scans(path):
    import sqlite3
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE pending_scans (seq INTEGER PRIMARY KEY AUTOINCREMENT, uuid TEXT NOT NULL UNIQUE,"
               " raw TEXT NOT NULL, symbology TEXT, scanned_at TEXT NOT NULL)")
    db.execute("INSERT INTO pending_scans (uuid, raw, symbology, scanned_at) VALUES (?, 'A1', NULL, 't')",
               (str(uuid.uuid4()),))
    db.commit()
    db.close()
    outbox = Outbox(path)
    (scan,) = outbox.pending()
    assert scan.raw == "A1"
    assert outbox.record_failure(scan.uuid, "server_error", "boom", retry=True) is None
