"""A flooding station's share of the server, on SQLite and PostgreSQL (issue 10, finding 8;
docs/security.md, "Floods"): past its burst a station's events are answered busy before any
database work, the busy scan is not recorded and applies when sent again, another station is
answered beside it, and a station sending on through busy is cut off for a while.

Before: only the gate (one event at a time per station) stood in the way, and a station sending
scans back to back took most of the hub (bench_security: another station's p99 from 6.6 ms to
947 ms on SQLite). The bucket's clock is a counter the test moves, never the time.
"""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.api.station_fairness import StationBucket
from server.feed import sentence
from server.models import AuditEvent, ScanEvent
from tests.integration.test_security_stations import connect, hello, two_stations  # noqa: F401


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(app):
    clock = Clock()
    # Small numbers so the test sends few events: three at once, one a second, cut off at the
    # third busy answer in a row for 10 s (shipped: 40, 20 a second, 20 busy, 10 s).
    app.extensions["colis_station_bucket"] = StationBucket(rate=1, burst=3, drop_after=3, cool_off=10, clock=clock)
    return clock


def send_scan(client, scan_id: str) -> dict:
    return client.emit("scan", {"uuid": scan_id, "raw": "0000000000000", "symbology": "]E0"},
                       namespace="/station", callback=True)


def recorded(floor, scan_id: str) -> int:
    with floor.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(ScanEvent).where(ScanEvent.uuid == scan_id))


def test_past_its_burst_a_station_is_answered_busy_the_scan_kept_for_its_retry(app, floor, two_stations, clock):
    flooder = connect(app, "PICK-01", two_stations["PICK-01"][1])
    other = connect(app, "PACK-02", two_stations["PACK-02"][1])
    for _ in range(3):
        assert "error" not in send_scan(flooder, str(uuid.uuid4()))
    held = str(uuid.uuid4())
    busy = send_scan(flooder, held)
    assert busy["error"]["code"] == "busy" and busy["error"]["retry"] is True
    assert recorded(floor, held) == 0  # answered before the database: nothing to undo
    assert hello(other)["station"]["code"] == "PACK-02"  # the other station's share is its own
    clock.now += 1  # the station's pause after busy (station/core.py: a second)
    assert "error" not in send_scan(flooder, held)
    assert recorded(floor, held) == 1
    assert flooder.is_connected("/station")


def test_a_station_sending_on_through_busy_is_cut_off_then_let_back_after_the_cool_off(app, floor, two_stations,
                                                                                       clock):
    token = two_stations["PICK-01"][1]
    flooder = connect(app, "PICK-01", token)
    for _ in range(3):
        hello(flooder)
    answers = [hello(flooder) for _ in range(3)]  # no pause: the third busy in a row ends the socket
    assert [a["error"]["code"] for a in answers] == ["busy"] * 3
    assert not flooder.is_connected("/station")
    with floor.session_factory() as session:  # on the audit trail, and in the supervisors' feed in words
        cut = session.execute(select(AuditEvent.actor, AuditEvent.detail)
                              .where(AuditEvent.action == "station_flood_cut_off")).all()
    assert [(actor, detail["seconds"]) for actor, detail in cut] == [("station:PICK-01", 10)]
    assert sentence(cut[0].detail, "en") == ("PICK-01 cut off for 10 s: it kept sending through busy answers "
                                             "(a faulty station or a stolen token?)")
    assert not connect(app, "PICK-01", token).is_connected("/station")  # refused while cooling off
    other = connect(app, "PACK-02", two_stations["PACK-02"][1])
    assert hello(other)["station"]["code"] == "PACK-02"
    clock.now += 10
    back = connect(app, "PICK-01", token)
    assert back.is_connected("/station") and hello(back)["station"]["code"] == "PICK-01"


def test_a_station_at_a_persons_pace_is_never_answered_busy(app, floor, two_stations):
    """The shipped numbers: a scan every 50 ms (faster than anyone scans, bench_security's normal
    station) for 60 s of the bucket's clock, with a heartbeat every 15 s."""
    clock = Clock()
    app.extensions["colis_station_bucket"] = StationBucket.from_config(app.config)
    app.extensions["colis_station_bucket"]._clock = clock
    station = connect(app, "PICK-01", two_stations["PICK-01"][1])
    for n in range(1200):
        if n % 300 == 0:
            assert "error" not in station.emit("heartbeat", {"outbox": 0}, namespace="/station", callback=True)
        assert "error" not in hello(station), n
        clock.now += 0.05
