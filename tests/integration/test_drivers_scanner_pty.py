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
