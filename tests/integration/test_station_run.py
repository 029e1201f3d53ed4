"""A whole station in-process on real OS plumbing: a pty scanner, a TCP Zebra,
the kiosk over HTTP, and a server that is not there (connection refused)."""

import json
import socket
import time
import urllib.request

import pytest

from station.__main__ import run_station
from station.config import StationConfig
from station.drivers.simulated import FakeZebraPrinter, PtyScanner
from station.outbox import Outbox


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def screen_json(url, after=-1):
    with urllib.request.urlopen(f"{url}/screen.json?after={after}", timeout=30) as response:
        return json.loads(response.read())


def wait_screen(url, predicate, timeout=5.0):
    deadline, view = time.monotonic() + timeout, screen_json(url)
    while not predicate(view):
        assert time.monotonic() < deadline, f"screen never matched: {view}"
        view = screen_json(url, view["version"])
    return view


@pytest.fixture
def devices():
    with PtyScanner() as scanner, FakeZebraPrinter() as printer:
        yield scanner, printer


def test_a_station_without_its_server_keeps_scans_and_says_so(tmp_path, devices):
    scanner, printer = devices
    outbox_path = str(tmp_path / "outbox.sqlite")
    config = StationConfig(server_url=f"http://127.0.0.1:{closed_port()}", station_code="PACK-01",
                           token="t", scanner_url=scanner.device, printer_url=printer.url,
                           outbox_path=outbox_path, locale="en", ack_timeout=1.0)
    station = run_station(config)
    try:
        scanner.scan("3761234000427", "]E0")
        scanner.scan("CO-0000012")
        view = wait_screen(station.ui_url, lambda v: v["waiting_scans"] == 2)
        assert view["state"] == "offline" and view["offline"] is True
        wait_screen(station.ui_url, lambda v: v["printer"] is not None and v["printer"]["ready"])
    finally:
        started = time.monotonic()
        station.stop()
        assert time.monotonic() - started < 5
    kept = Outbox(outbox_path)
    assert [(s.raw, s.symbology) for s in kept.pending()] == [("3761234000427", "]E0"), ("CO-0000012", None)]
    kept.close()


def test_colis_station_runs_until_sigterm_and_stops_cleanly(tmp_path):
    import os
    import signal
    import subprocess
    import sys

    env = {**os.environ, "COLIS_STATION_SERVER_URL": f"http://127.0.0.1:{closed_port()}",
           "COLIS_STATION_CODE": "PICK-01", "COLIS_STATION_TOKEN": "t",
           "COLIS_STATION_PRINTER": "memory://", "COLIS_STATION_OUTBOX": str(tmp_path / "o.sqlite")}
    process = subprocess.Popen([sys.executable, "-m", "station"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, cwd=os.path.dirname(os.path.dirname(
                                   os.path.dirname(os.path.abspath(__file__)))))
    try:
        line = process.stdout.readline()
        assert "screen at http://127.0.0.1:" in line, process.stderr.read()
        url = line.rsplit(" ", 1)[1].strip()
        assert screen_json(url)["state"] == "offline"
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
        process.stdout.close()
        process.stderr.close()
