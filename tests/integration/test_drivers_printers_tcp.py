"""Printer drivers against real sockets and a real pseudo-terminal."""

import os
import socket
import threading
import time
import tty

import pytest

from station.drivers import (
    PrinterError,
    PrinterNotReady,
    PrinterOffline,
    SerialPrinter,
    TcpPrinter,
    open_printer,
)
from station.drivers.simulated import FakeZebraPrinter

LABEL = b"^XA^CI28^FO50,50^A0N,40,40^FDColis \xc3\xa9t\xc3\xa9 #1^FS^BY2^BCN,80^FD>;123456^FS^XZ"


@pytest.fixture
def zebra():
    with FakeZebraPrinter() as fake:
        yield fake


def test_job_arrives_byte_exact(zebra):
    printer = open_printer(zebra.url)
    printer.send(LABEL)
    printer.send(LABEL.replace(b"#1", b"#2"))
    assert zebra.wait_for_jobs(2) == [LABEL, LABEL.replace(b"#1", b"#2")]
    assert zebra.status_requests == 2  # each send checked status first


def test_large_job_arrives_whole(zebra):
    graphic = b"^XA^GFA,60000,60000,100," + b"F0" * 30000 + b"^FS^XZ"
    TcpPrinter("127.0.0.1", zebra.port).send(graphic)
    assert zebra.wait_for_jobs(1) == [graphic]


def test_status_reads_flags(zebra):
    printer = TcpPrinter("127.0.0.1", zebra.port)
    assert printer.status().ready
    zebra.paused = True
    zebra.head_open = True
    status = printer.status()
    assert (status.online, status.paused, status.head_open, status.paper_out) == (True, True, True, False)
    assert not status.ready


@pytest.mark.parametrize("flag", ["paper_out", "head_open", "paused"])
def test_not_ready_printer_refuses_the_job(zebra, flag):
    setattr(zebra, flag, True)
    printer = TcpPrinter("127.0.0.1", zebra.port)
    with pytest.raises(PrinterNotReady) as err:
        printer.send(LABEL)
    assert getattr(err.value.status, flag)
    time.sleep(0.2)  # give a wrongly sent label time to show up
    assert zebra.jobs == [] and zebra.dropped == 0


def test_fake_drops_labels_sent_raw_while_out_of_paper(zebra):
    zebra.paper_out = True
    with socket.create_connection(("127.0.0.1", zebra.port)) as conn:
        conn.sendall(LABEL)
    deadline = time.monotonic() + 1.0
    while zebra.dropped == 0 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert (zebra.dropped, zebra.jobs) == (1, [])


def test_status_request_inside_a_stream_is_answered(zebra):
    with socket.create_connection(("127.0.0.1", zebra.port), timeout=1) as conn:
        conn.sendall(b"^XA^FDa^FS~H")
        conn.sendall(b"S^XZ")
        reply = b""
        while reply.count(b"\x03") < 3:
            reply += conn.recv(1024)
    assert reply == zebra.host_status_reply()
    assert zebra.wait_for_jobs(1) == [b"^XA^FDa^FS^XZ"]


def test_stopped_printer_is_offline_quickly():
    fake = FakeZebraPrinter().start()
    port = fake.port
    fake.stop()
    printer = TcpPrinter("127.0.0.1", port, timeout=1.0)
    began = time.monotonic()
    with pytest.raises(PrinterOffline):
        printer.send(LABEL)
    with pytest.raises(PrinterOffline):
        printer.status()
    assert time.monotonic() - began < 1.0


def test_silent_printer_times_out_as_offline(zebra):
    zebra.answer_status = False  # some models say nothing when media is out
    printer = TcpPrinter("127.0.0.1", zebra.port, timeout=0.3)
    began = time.monotonic()
    with pytest.raises(PrinterOffline, match="no complete ~HS reply"):
        printer.send(LABEL)
    assert 0.25 < time.monotonic() - began < 1.0
    assert zebra.jobs == []


def test_unresponsive_host_times_out():
    # A listening socket that never accepts: connect succeeds (backlog), no reply.
    with socket.create_server(("127.0.0.1", 0)) as server:
        printer = TcpPrinter("127.0.0.1", server.getsockname()[1], timeout=0.3)
        with pytest.raises(PrinterOffline):
            printer.status()


def test_garbage_reply_is_a_printer_error():
    with socket.create_server(("127.0.0.1", 0)) as server:
        def answer():
            conn, _ = server.accept()
            with conn:
                conn.recv(16)
                conn.sendall(b"\x02hello\x03\x02\x03\x02\x03")

        thread = threading.Thread(target=answer, daemon=True)
        thread.start()
        with pytest.raises(PrinterError, match="string 1 has 1 fields"):
            TcpPrinter("127.0.0.1", server.getsockname()[1], timeout=1.0).status()
        thread.join(1)


class PtyZebra:
    """Plays a serial Zebra on the master side of a pty."""

    def __init__(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.device = os.ttyname(self.slave)
        self.paper_out = False
        self.faults: set[str] = set()
        self.received = bytearray()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        fake = FakeZebraPrinter()  # only its reply builder is used
        while not self._stop.is_set():
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self.received += chunk
            if b"~HS" in self.received:
                self.received = self.received.replace(b"~HS", b"")
                fake.paper_out = self.paper_out
                os.write(self.master, fake.host_status_reply())
            if b"~HQES" in self.received:
                self.received = self.received.replace(b"~HQES", b"")
                fake.faults = self.faults
                os.write(self.master, fake.error_status_reply())

    def close(self):
        self._stop.set()
        os.close(self.slave)
        os.close(self.master)
        self._thread.join(1)


@pytest.fixture
def serial_zebra():
    device = PtyZebra()
    yield device
    device.close()


def test_serial_printer_checks_status_and_sends(serial_zebra):
    printer = open_printer(f"serial://{serial_zebra.device}?baudrate=115200")
    assert isinstance(printer, SerialPrinter)
    try:
        assert printer.status().ready
        printer.send(LABEL)
        deadline = time.monotonic() + 1.0
        while bytes(serial_zebra.received) != LABEL and time.monotonic() < deadline:
            time.sleep(0.01)
        assert bytes(serial_zebra.received) == LABEL
        serial_zebra.paper_out = True
        with pytest.raises(PrinterNotReady):
            printer.send(b"^XA^FDlost?^FS^XZ")
        time.sleep(0.1)
        assert bytes(serial_zebra.received) == LABEL
    finally:
        printer.close()


def test_serial_printer_missing_device_is_offline(tmp_path):
    with pytest.raises(PrinterOffline):
        SerialPrinter(str(tmp_path / "ttyNothing")).send(LABEL)


def test_the_station_refuses_a_label_to_a_printer_with_a_fault_only_hqes_names(zebra):
    from station.labelprinter import print_label

    zebra.faults = {"cutter_fault"}
    printed, reason, status = print_label(TcpPrinter("127.0.0.1", zebra.port, timeout=1), "^XA^FDx^FS^XZ")
    assert (printed, reason, status.faults) == (False, "printer_fault", ("cutter_fault",))
    time.sleep(0.1)
    assert zebra.jobs == [] and b"^XA" not in bytes(zebra.received)
    zebra.faults = set()
    assert print_label(TcpPrinter("127.0.0.1", zebra.port, timeout=1), "^XA^FDx^FS^XZ")[:2] == (True, "")
    assert zebra.wait_for_jobs(1) == [b"^XA^FDx^FS^XZ"]


def test_serial_printer_reads_hqes_faults(serial_zebra):
    printer = SerialPrinter(serial_zebra.device, baudrate=115200)
    try:
        assert printer.errors() == ()
        serial_zebra.faults = {"head_too_hot"}
        assert printer.errors() == ("head_too_hot",)
        assert printer.status().ready  # ~HS has no flag for it: that is why ~HQES is asked
    finally:
        printer.close()
