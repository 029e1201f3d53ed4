"""A poison scan never jams a station: through a real pty, a real socket and a real database.

The poison is refused in red and recorded; the good scan right after it is applied; the
station never shows "offline" and its outbox empties (issue: a code that made the server
raise stayed at the head of the outbox and was replayed before every later scan, for ever).
"""
from __future__ import annotations

import threading

from sqlalchemy import select, update

from server.models import ScanEvent, Stock
from server.services import effects
from tests.floorkit import scan_and_wait, start_floor, wait_state


class StateWatch:
    """Every state the station's screen shows, sampled every 5 ms on a thread."""

    def __init__(self, live):
        self.seen: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(live,), daemon=True)
        self._thread.start()

    def _run(self, live):
        while not self._stop.wait(0.005):
            self.seen.add(live.screen()["state"])

    def stop(self) -> set[str]:
        self._stop.set()
        self._thread.join(2)
        return self.seen


def break_a_check(uow, station, *, task_id, line_id):
    uow.session.execute(update(Stock).values(on_hand=-1))  # CHECK on_hand >= 0 refuses it


def test_poison_scans_are_refused_and_recorded_and_the_next_scan_is_applied(app, floor, picked_order, tmp_path,
                                                                           monkeypatch):
    running = start_floor(app)
    try:
        packer = running.add_station("PACK-01", picked_order["token"], tmp_path)
        wait_state(packer, "pack")
        watch = StateWatch(packer)
        # The station's framer splits "]x9…" and "]C1…" into an AIM id and data: the server
        # gets symbology "]x9" (no such symbology) and bare GS separators.
        for poison in ("]1234", "]", "]x912345", "]C1\x1d\x1d"):
            refused = scan_and_wait(packer, poison)
            assert refused["message"]["level"] == "error" and refused["state"] == "pack"
        good = scan_and_wait(packer, picked_order["lamp"].gtin, symbology="]E0")
        assert good["message"]["code"] == "item_ok" and good["task"]["progress"]["done"] == 1

        monkeypatch.setitem(effects.APPLY, "count_unit", break_a_check)
        broken = scan_and_wait(packer, picked_order["lamp"].gtin)
        assert broken["message"]["code"] == "scan_failed" and broken["task"]["progress"]["done"] == 1
        monkeypatch.undo()
        after = scan_and_wait(packer, picked_order["lamp"].gtin)
        assert after["message"]["code"] == "item_ok" and after["task"]["progress"]["done"] == 2

        assert "offline" not in watch.stop()
        assert packer.agent.outbox.count() == 0
        with floor.uow() as uow:
            rows = uow.session.execute(select(ScanEvent.symbology, ScanEvent.raw, ScanEvent.outcome, ScanEvent.reason)
                                       .where(ScanEvent.station_id != None)  # noqa: E711
                                       .order_by(ScanEvent.id)).all()
        pack_rows = rows[3:]  # after the three picks
        assert [(aim, raw) for aim, raw, _, _ in pack_rows[:4]] == [
            (None, "]1234"), (None, "]"), ("]x9", "12345"), ("]C1", "\x1d\x1d")]
        assert [outcome for _, _, outcome, _ in pack_rows[:4]] == ["unreadable"] * 4
        assert pack_rows[5][2] == "server_error" and "IntegrityError" in pack_rows[5][3]
        assert [row[2] for row in (pack_rows[4], pack_rows[6])] == ["counted", "counted"]
    finally:
        running.stop()
