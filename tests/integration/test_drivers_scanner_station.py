"""The scanner's state reaches the kiosk: a whole station in-process (run_station) with a
pty scanner behind a udev-style symlink, a TCP Zebra and no server (connection refused).
The kiosk's screen.json says connected/disconnected with the port; scans read with the
configured framing before the unplug and after the replug are each kept once."""

import os

from station.__main__ import run_station
from station.config import StationConfig
from station.drivers.simulated import FakeZebraPrinter, PtyScanner
from station.outbox import Outbox

from test_station_run import closed_port, wait_screen


def scanner_is(connected, port):
    return lambda view: view.get("scanner") is not None and (
        view["scanner"]["connected"], view["scanner"]["port"]) == (connected, port)


def test_the_kiosk_shows_the_scanner_unplugged_with_its_port_then_back(tmp_path):
    link = str(tmp_path / "ttyScanner")  # as /dev/serial/by-id/... would be
    outbox_path = str(tmp_path / "outbox.sqlite")
    with FakeZebraPrinter() as printer, PtyScanner() as first:
        os.symlink(first.device, link)
        config = StationConfig(server_url=f"http://127.0.0.1:{closed_port()}", station_code="PACK-01",
                               token="t", scanner_url=link, printer_url=printer.url, outbox_path=outbox_path,
                               locale="en", ack_timeout=1.0, scanner_framing="tab")
        station = run_station(config)
        second = None
        try:
            wait_screen(station.ui_url, scanner_is(True, link))
            first.write_raw(b"]E03761234000427\t")  # a TAB suffix: lost as "incomplete" before
            wait_screen(station.ui_url, lambda v: v["waiting_scans"] == 1)
            first.close()  # unplugged
            view = wait_screen(station.ui_url, scanner_is(False, link))
            assert view["scanner"]["detail"]
            os.unlink(link)
            second = PtyScanner()
            os.symlink(second.device, link)  # plugged back in; udev points the link at the new node
            wait_screen(station.ui_url, scanner_is(True, link), timeout=8.0)
            second.write_raw(b"CO-0000012\t")
            wait_screen(station.ui_url, lambda v: v["waiting_scans"] == 2)
        finally:
            station.stop()
            if second is not None:
                second.close()
    kept = Outbox(outbox_path)
    assert [(s.raw, s.symbology) for s in kept.pending()] == [("3761234000427", "]E0"), ("CO-0000012", None)]
    kept.close()
