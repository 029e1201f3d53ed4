"""A station core on a bench for unit tests: a FakeLink (a scripted server), a MemoryPrinter and
a real SQLite outbox, and the helpers the station-core test modules share (test_station_core,
test_station_dead_letters, test_station_keys, test_station_printing)."""
import threading
import time

import pytest

from station.core import StationCore
from station.drivers import MemoryPrinter, ScanRead
from station.link import AckTimeout, ServerUnavailable
from station.outbox import Outbox
from wire.contract import DEAD_LETTER_AFTER_ATTEMPTS, empty_screen
from wire.texts import text

WAIT = 3.0
N = DEAD_LETTER_AFTER_ATTEMPTS


def screen(state="pick", message=None, **extra):
    return {**empty_screen(), "state": state, "message": message, **extra}


def ok(text):
    return {"level": "ok", "code": "item_ok", "text": text}


class FakeLink:
    """Test double of ServerLink: records calls; a tiny scripted server answers.

    Scans are remembered by uuid like the real server, so a replay is answered
    `duplicate: true`. `lose_ack_of = "scan"` applies the next such call, then
    drops the connection instead of answering: a lost ack. A scan whose raw is in
    `silent_on` is taken and never acked, the connection staying up (a server
    choking on it); one in `cut_on` dies with the network under it, unnoticed yet.
    """

    def __init__(self):
        self.calls: list[tuple[str, dict]] = []
        self.connected = False
        self.seen: set[str] = set()
        self.scan_reply = lambda payload: screen("pick", ok(f"OK: {payload['raw']}"))
        self.replies = {"hello": lambda p: screen("pick", station={"code": "PACK-01", "locale": "fr"}),
                        "request_task": lambda p: screen("idle"),
                        "print_result": lambda p: screen("idle", ok("printed")),
                        "printer_status": lambda p: {"ok": True},
                        "scan_dead_lettered": lambda p: {"ok": True},
                        "action": lambda p: screen("return_scan", ok("done"))}
        self.lose_ack_of: str | None = None
        self.silent_on: set[str] = set()
        self.cut_on: set[str] = set()
        self._cond = threading.Condition()
        self.on_connected = self.on_disconnected = lambda: None
        self.on_tasks_waiting = lambda payload: None

    def connect(self):
        self.up()

    def close(self):
        self.connected = False

    def up(self):
        self.connected = True
        self.on_connected()

    def down(self):
        self.connected = False
        self.on_disconnected()

    def call(self, event, payload, timeout):
        with self._cond:
            if not self.connected:
                raise ServerUnavailable("not connected")
            self.calls.append((event, payload))
            self._cond.notify_all()
            if event == "scan" and payload["raw"] in self.cut_on:
                self.connected = False
                raise AckTimeout("the network died under the scan")
            if event == "scan" and payload["raw"] in self.silent_on:
                raise AckTimeout("the server never answered")
            reply = self._answer(event, payload)
            if self.lose_ack_of == event:
                self.lose_ack_of, self.connected = None, False
                raise ServerUnavailable("ack lost")
            return reply

    def _answer(self, event, payload):
        if event != "scan":
            return self.replies[event](payload)
        duplicate = payload["uuid"] in self.seen
        self.seen.add(payload["uuid"])
        return {**self.scan_reply(payload), "duplicate": duplicate}

    def events(self, name=None):
        with self._cond:
            return [(e, p) for e, p in self.calls if name is None or e == name]

    def wait_calls(self, name, count, timeout=WAIT):
        with self._cond:
            if not self._cond.wait_for(lambda: len([c for c in self.calls if c[0] == name]) >= count, timeout):
                raise AssertionError(f"expected {count} {name!r} calls, got {self.calls}")
        return self.events(name)


def unavailable(payload):
    raise ServerUnavailable("no ack")


def wait_screen(core, predicate, timeout=WAIT):
    deadline, view = time.monotonic() + timeout, core.screen()
    while not predicate(view):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"screen never matched; last: {view}")
        view = core.wait_screen(view["version"], left)
    return view


@pytest.fixture
def outbox(tmp_path):
    box = Outbox(str(tmp_path / "outbox.sqlite"))
    yield box
    box.close()


@pytest.fixture
def link():
    return FakeLink()


@pytest.fixture
def printer():
    return MemoryPrinter()


@pytest.fixture
def make_core(link, printer, outbox):
    cores = []

    def make(**options):
        options.setdefault("retry_interval", 0.1)
        core = StationCore(link, printer, outbox, station_code="PACK-01", **options)
        cores.append(core)
        return core.start()

    yield make
    for core in cores:
        core.stop()


def read(code, symbology="]E0"):
    return ScanRead(code, symbology, time.monotonic())


def raws(link):
    return [payload["raw"] for _, payload in link.events("scan")]

