"""SerialScanner through a real pseudo-terminal opened by pyserial."""

import os
import queue
import socket
import time

import pytest

from station.drivers import ScanRead, ScanRejected, SerialScanner, open_scanner
from station.drivers.simulated import PtyScanner

TIMEOUT = 1.5


class Collector:
    def __init__(self):
        self.reads: queue.Queue[ScanRead] = queue.Queue()
        self.rejects: queue.Queue[ScanRejected] = queue.Queue()
        self.errors: queue.Queue[Exception] = queue.Queue()

    def scanner(self, url, **options):
        return SerialScanner(
            url, self.reads.put, self.rejects.put, on_error=self.errors.put, **options
        )

    def read(self) -> ScanRead:
        return self.reads.get(timeout=TIMEOUT)

    def reject(self) -> ScanRejected:
        return self.rejects.get(timeout=TIMEOUT)


@pytest.fixture
def pty():
    with PtyScanner() as device:
        yield device


@pytest.fixture
def got():
    return Collector()


def wait_connected(scanner):
    assert scanner.connected.wait(TIMEOUT), "scanner never opened its port"


def test_scans_arrive_with_code_and_symbology(pty, got):
    with got.scanner(pty.device) as scanner:
        wait_connected(scanner)
        pty.scan("4006381333931", symbology="]E0")
        pty.scan("010950110153000310ABC\x1d17260630", symbology="]C1", terminator=b"\r")
        pty.scan("PLAIN-42", terminator=b"\n")
        first, second, third = got.read(), got.read(), got.read()
    assert (first.code, first.symbology) == ("4006381333931", "]E0")
    assert (second.code, second.symbology) == ("010950110153000310ABC\x1d17260630", "]C1")
    assert (third.code, third.symbology) == ("PLAIN-42", None)
    assert got.rejects.empty() and got.errors.empty()


def test_garbage_and_half_lines_are_rejected_and_not_glued(pty, got):
    with got.scanner(pty.device, incomplete_after=0.15) as scanner:
        wait_connected(scanner)
        pty.write_raw(b"\xff\xfe\x00\x81\r\n")
        assert got.reject().reason == "not_text"
        pty.write_raw(b"4006381")  # the scanner lost the rest of this read
        half = got.reject()
        assert (half.raw, half.reason) == (b"4006381", "incomplete")
        pty.scan("5901234123457")
        assert got.read().code == "5901234123457"
        pty.write_raw(b"AB\x1bCD\r\n")
        assert got.reject().reason == "control_chars"
    assert got.reads.empty()


def test_stop_is_prompt_and_idempotent(pty, got):
    scanner = got.scanner(pty.device).start()
    wait_connected(scanner)
    began = time.monotonic()
    scanner.stop()
    assert time.monotonic() - began < 0.5
    assert not scanner._thread.is_alive()
    scanner.stop()


def test_missing_device_reports_error_then_connects_when_plugged(tmp_path, got):
    link = tmp_path / "ttyScanner"  # a udev-style symlink, plugged in later
    scanner = got.scanner(str(link), retry_interval=0.05).start()
    try:
        assert got.errors.get(timeout=TIMEOUT)
        with PtyScanner() as device:
            os.symlink(device.device, link)
            wait_connected(scanner)
            device.scan("AFTER-PLUG")
            assert got.read().code == "AFTER-PLUG"
    finally:
        scanner.stop()


def test_unplug_is_reported_and_replug_resumes(tmp_path, got):
    link = tmp_path / "ttyScanner"
    first = PtyScanner()
    os.symlink(first.device, link)
    scanner = got.scanner(str(link), retry_interval=0.05, incomplete_after=5.0).start()
    try:
        wait_connected(scanner)
        first.scan("BEFORE")
        assert got.read().code == "BEFORE"
        first.write_raw(b"HALF")
        time.sleep(0.3)  # let the reader take the bytes before the unplug
        first.close()
        assert got.errors.get(timeout=TIMEOUT)
        # The half read is rejected at the unplug, not kept for the next scan.
        half = got.reject()
        assert (half.raw, half.reason) == (b"HALF", "incomplete")
        link.unlink()
        with PtyScanner() as second:
            os.symlink(second.device, link)
            wait_connected(scanner)
            second.scan("AFTER")
            assert got.read().code == "AFTER"
    finally:
        scanner.stop()


def test_socket_url_scanner_reads_from_a_network_scanner(got):
    with socket.create_server(("127.0.0.1", 0)) as server:
        server.settimeout(TIMEOUT)
        url = f"socket://127.0.0.1:{server.getsockname()[1]}"
        scanner = open_scanner(url, got.reads.put, got.rejects.put, on_error=got.errors.put)
        with scanner:
            conn, _ = server.accept()
            wait_connected(scanner)
            conn.sendall(b"]Q3https://colis.example/p/1\r\n")
            read = got.read()
        conn.close()  # after stop(), so the disconnect is not an error here
    assert (read.code, read.symbology) == ("https://colis.example/p/1", "]Q3")
    assert got.errors.empty()


# --- issue 12: every framing, detection, unplug and replug under another name ----------------

import logging  # noqa: E402
import threading  # noqa: E402

from serial.tools.list_ports_common import ListPortInfo  # noqa: E402

from station.drivers import FRAMINGS, ScannerStatus  # noqa: E402

SUFFIX = {"crlf": b"\r\n", "cr": b"\r", "lf": b"\n", "tab": b"\t", "none": b""}
GS1 = "010950110153000310ABC\x1d17260630"


def wait_until(predicate, what, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.005)


@pytest.mark.parametrize("framing", FRAMINGS)
def test_each_framing_through_a_pty_aim_gs1_split_reads_noise_and_over_long(framing, pty, got, caplog):
    caplog.set_level(logging.INFO, logger="station.drivers.scanner")
    suffix = SUFFIX[framing]
    with got.scanner(pty.device, framing=framing, char_timeout=0.08, incomplete_after=5.0) as scanner:
        wait_connected(scanner)
        pty.write_raw(b"]E04006381333931" + suffix)
        assert (got.read().code, got.reads.empty()) == ("4006381333931", True)
        pty.write_raw(f"]C1{GS1}".encode() + suffix)
        gs1 = got.read()
        assert (gs1.code, gs1.symbology) == (GS1, "]C1")
        # A read split across two USB packets: the first half is buffered, not lost or sent alone.
        pty.write_raw(b"59012341")
        if framing != "none":  # with no suffix a pause this long would end the read, by design
            wait_until(lambda: scanner.pending, "the reader buffered the first half")
        pty.write_raw(b"23457" + suffix)
        assert got.read().code == "5901234123457"
        pty.write_raw(b"\x07\x1b[2J" + suffix)
        assert got.reject().reason == "control_chars"
        pty.write_raw(b"9" * 600 + suffix)
        assert got.reject().reason == "too_long"
        # The rest of the over-long line is discarded up to its end (suffix, or silence).
        wait_until(lambda: not scanner.pending, "the over-long line was discarded")
        pty.write_raw(b"AFTER-NOISE" + suffix)
        assert got.read().code == "AFTER-NOISE"
    assert got.reads.empty() and got.rejects.empty() and got.errors.empty()
    logged = caplog.text
    assert "dropped control_chars" in logged and "dropped too_long" in logged


def listed(device, vid):
    info = ListPortInfo(device, skip_link_detection=True)
    info.vid, info.pid, info.description = vid, 0x1701, "Bar Code Scanner (CDC)"
    return info


class FakeComports:
    """What serial.tools.list_ports.comports() would list: the only faked part."""

    def __init__(self, *ports):
        self._lock = threading.Lock()
        self.ports = list(ports)

    def set(self, *ports):
        with self._lock:
            self.ports = list(ports)

    def __call__(self):
        with self._lock:
            return list(self.ports)


def test_detection_opens_the_scanner_by_vendor_id_and_not_the_printer(got):
    with PtyScanner() as printer_port, PtyScanner() as scanner_port:
        comports = FakeComports(listed(printer_port.device, 0x0A5F), listed(scanner_port.device, 0x1EAB))
        scanner = open_scanner("auto", got.reads.put, got.rejects.put, on_error=got.errors.put,
                               comports=comports, retry_interval=0.02)
        with scanner:
            wait_connected(scanner)
            assert scanner.url == scanner_port.device
            printer_port.scan("NOT-A-SCAN")
            scanner_port.scan("4006381333931", "]E0")
            assert got.read().code == "4006381333931"
    assert got.reads.empty()


def test_an_explicit_port_overrides_detection(got):
    with PtyScanner() as detected, PtyScanner() as chosen:
        comports = FakeComports(listed(detected.device, 0x05E0))
        with open_scanner(chosen.device, got.reads.put, comports=comports) as scanner:
            wait_connected(scanner)
            detected.scan("DETECTED")
            chosen.scan("CHOSEN")
            assert got.read().code == "CHOSEN"
    assert got.reads.empty()


def test_unplug_reports_disconnected_and_replug_under_a_new_name_resumes_without_loss_or_duplicate(got):
    statuses: queue.Queue[ScannerStatus] = queue.Queue()

    def next_status() -> ScannerStatus:
        return statuses.get(timeout=TIMEOUT)

    first = PtyScanner()
    comports = FakeComports(listed(first.device, 0x05E0))
    scanner = open_scanner("auto", got.reads.put, got.rejects.put, on_error=got.errors.put,
                           on_status=statuses.put, comports=comports, retry_interval=0.02,
                           max_retry_interval=0.1, incomplete_after=5.0)
    second = None
    try:
        scanner.start()
        assert next_status() == ScannerStatus(True, first.device)
        before = [f"BEFORE-{n}" for n in range(3)]
        for code in before:
            first.scan(code)
        first.write_raw(b"IN-FLIGHT")  # the trigger was pulled as the cable came out
        wait_until(lambda: scanner.pending, "the reader took the half read")
        second = PtyScanner()  # opened while the first exists: another /dev/pts name for sure
        assert second.device != first.device
        comports.set()  # the device leaves the system...
        first.close()   # ...and its reads fail (pyserial: SerialException)
        gone = next_status()
        assert (gone.connected, gone.port) == (False, first.device) and gone.detail
        assert got.errors.get(timeout=TIMEOUT)
        half = got.reject()
        assert (half.raw, half.reason) == (b"IN-FLIGHT", "incomplete")  # not glued to the next scan
        assert next_status() == ScannerStatus(False, None, "no scanner found")
        comports.set(listed(second.device, 0x05E0))  # back, under another name
        assert next_status() == ScannerStatus(True, second.device)
        after = [f"AFTER-{n}" for n in range(3)]
        for code in after:
            second.scan(code)
        received = [got.read().code for _ in before + after]
        assert received == before + after
        second.scan("LAST")
        assert got.read().code == "LAST"  # and nothing else came in between
        assert got.reads.empty() and got.rejects.empty() and statuses.empty()
        assert scanner.url == second.device
    finally:
        scanner.stop()
        first.close()
        if second is not None:
            second.close()


def test_no_suffix_a_read_buffered_when_the_station_stops_is_delivered_not_dropped(pty, got):
    scanner = got.scanner(pty.device, framing="none", char_timeout=5.0).start()  # silence never comes in time
    try:
        wait_connected(scanner)
        pty.write_raw(b"]E04006381333931")
        wait_until(lambda: scanner.pending, "the reader buffered the read")
    finally:
        scanner.stop()
    read = got.read()
    assert (read.code, read.symbology) == ("4006381333931", "]E0")
    assert got.rejects.empty()
