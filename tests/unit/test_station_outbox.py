"""The outbox keeps unacknowledged scans in order, on disk, across restarts."""

import threading
import uuid

import pytest

from station.outbox import Outbox


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
