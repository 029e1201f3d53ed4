"""StationCore with a FakeLink (a scripted server) and a MemoryPrinter (tests/stationkit.py): scans
go to the server in order, are kept while it is away and replayed on reconnect, and never show green
unacknowledged. Dead letters, operator keys and printing have modules of their own
(test_station_dead_letters, test_station_keys, test_station_printing).
"""

import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone

from station.core import StationCore
from station.drivers import ScanRead
from station.outbox import Outbox
from wire.contract import ErrorCode, error_reply

from tests.stationkit import link, make_core, N, ok, outbox, printer, raws, read, screen, WAIT, wait_screen  # noqa: F401 (fixtures)


def test_scans_go_to_the_server_in_the_order_they_were_read(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    core.submit_read(read("A1"))
    core.submit_typed("B2")
    core.submit_read(read("C3", "]C1"))
    scans = link.wait_calls("scan", 3)
    assert raws(link) == ["A1", "B2", "C3"]
    assert [p["symbology"] for _, p in scans] == ["]E0", None, "]C1"]
    view = wait_screen(core, lambda v: v["waiting_scans"] == 0 and v["message"]["text"] == "OK: C3")
    assert view["state"] == "pick" and not view["offline"]
    assert outbox.count() == 0


def test_the_scan_payload_follows_the_protocol(make_core, link):
    core = make_core()
    link.wait_calls("hello", 1)
    before = datetime.now(timezone.utc)
    stored = core.submit_read(ScanRead("0106141411234567\x1d10AB", "]C1", time.monotonic() - 2))
    (_, payload), = link.wait_calls("scan", 1)
    assert payload == {"uuid": stored.uuid, "raw": "0106141411234567\x1d10AB", "symbology": "]C1",
                       "scanned_at": payload["scanned_at"]}
    assert uuid.UUID(payload["uuid"]).version == 4
    scanned_at = datetime.fromisoformat(payload["scanned_at"])
    assert scanned_at.tzinfo is not None
    # the time of the read (2 s ago, station clock), not the time it was sent
    assert before - timedelta(seconds=3) < scanned_at < before - timedelta(seconds=1)


def test_offline_keeps_scans_and_shows_offline_never_green(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.down()
    core.submit_typed("A1")
    core.submit_typed("B2")
    view = wait_screen(core, lambda v: v["offline"] and v["waiting_scans"] == 2)
    assert view["state"] == "offline"
    assert view["message"] is None or view["message"]["level"] != "ok"
    assert [scan.raw for scan in outbox.pending()] == ["A1", "B2"]
    assert link.events("scan") == []


def test_reconnect_says_hello_then_replays_in_order(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.down()
    for code in ("A1", "B2", "C3"):
        core.submit_typed(code)
    wait_screen(core, lambda v: v["waiting_scans"] == 3)
    link.up()
    link.wait_calls("scan", 3)
    events = [event for event, _ in link.events() if event in ("hello", "scan")]
    assert events == ["hello", "hello", "scan", "scan", "scan"]
    assert raws(link) == ["A1", "B2", "C3"]
    view = wait_screen(core, lambda v: not v["offline"] and v["waiting_scans"] == 0)
    assert view["state"] == "pick"
    assert outbox.count() == 0


def test_a_lost_ack_is_replayed_with_the_same_uuid_and_dropped_as_duplicate(make_core, link, outbox):
    core = make_core()
    link.wait_calls("hello", 1)
    link.lose_ack_of = "scan"
    core.submit_typed("A1")
    wait_screen(core, lambda v: v["offline"] and v["waiting_scans"] == 1)
    link.up()
    first, replay = link.wait_calls("scan", 2)
    assert first[1]["uuid"] == replay[1]["uuid"]
    wait_screen(core, lambda v: not v["offline"] and v["waiting_scans"] == 0)
    assert outbox.count() == 0


def test_a_not_connected_answer_keeps_the_scan_waiting(make_core, link, outbox):
    # The server did not look at the scan (it does not know this socket): not the scan's fault.
    core = make_core()
    link.wait_calls("hello", 1)
    link.scan_reply = lambda p: error_reply(ErrorCode.NOT_CONNECTED, "who are you?")
    core.submit_typed("A1")
    link.wait_calls("scan", 2)  # hello again, then the same scan again
    assert outbox.dead_count() == 0 and [scan.raw for scan in outbox.pending()] == ["A1"]
    link.scan_reply = lambda p: screen("pick", ok("OK: A1"))
    wait_screen(core, lambda v: v["waiting_scans"] == 0 and v["message"]["text"] == "OK: A1")

def test_a_station_restarted_offline_replays_its_outbox(tmp_path, link, printer):
    path = str(tmp_path / "outbox.sqlite")
    first = Outbox(path)
    first.add("A1", None, "2026-11-24T10:00:00+00:00")
    first.add("B2", None, "2026-11-24T10:00:01+00:00")
    first.close()
    outbox = Outbox(path)
    core = StationCore(link, printer, outbox, station_code="PACK-01", retry_interval=0.1).start()
    try:
        link.wait_calls("scan", 2)
        assert raws(link) == ["A1", "B2"]
        assert [p["scanned_at"] for _, p in link.events("scan")][0] == "2026-11-24T10:00:00+00:00"
    finally:
        core.stop()
        outbox.close()


def test_stop_is_idempotent(make_core):
    core = make_core()
    core.stop()
    core.stop()


def test_the_station_imports_nothing_from_the_server():
    code = ("import sys, station.__main__, station.ui.server; "
            "print(sorted(m for m in sys.modules if m == 'server' or m.startswith('server.')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
