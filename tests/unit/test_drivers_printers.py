
import pytest

from station.drivers import (
    CupsPrinter,
    FilePrinter,
    MemoryPrinter,
    PrinterError,
    PrinterNotReady,
    PrinterOffline,
    PrinterStatus,
    SerialPrinter,
    SerialScanner,
    TcpPrinter,
    open_printer,
    open_scanner,
    parse_host_status,
)
from station.drivers.simulated import FakeZebraPrinter

# A reply captured from a ZD-series printer in the ZPL II guide layout.
READY = b"\x02030,0,0,0959,000,0,0,0,000,0,0,0\x03\r\n\x02001,0,0,0,1,2,6,0,00000000,1,000\x03\r\n\x021234,0\x03\r\n"


def frame(*strings: str) -> bytes:
    return b"".join(b"\x02" + s.encode() + b"\x03\r\n" for s in strings)


def test_parse_ready_printer():
    assert parse_host_status(READY) == PrinterStatus(online=True, labels_remaining=0, formats_in_buffer=0)
    assert parse_host_status(READY).ready


@pytest.mark.parametrize(
    "first, second, expected",
    [
        ("030,1,0,0959,000,0,0,0,000,0,0,0", "001,0,0,0,1,2,6,0,00000000,1,000", {"paper_out": True}),
        ("030,0,1,0959,000,0,0,0,000,0,0,0", "001,0,0,0,1,2,6,0,00000000,1,000", {"paused": True}),
        ("030,0,0,0959,000,1,0,0,000,0,0,0", "001,0,0,0,1,2,6,0,00000000,1,000", {"buffer_full": True}),
        ("030,0,0,0959,000,0,0,0,000,0,0,0", "001,0,1,0,1,2,6,0,00000000,1,000", {"head_open": True}),
        ("030,0,0,0959,000,0,0,0,000,0,0,0", "001,0,0,1,1,2,6,0,00000000,1,000", {"ribbon_out": True}),
    ],
)
def test_each_flag_is_read_from_its_documented_field(first, second, expected):
    status = parse_host_status(frame(first, second, "1234,0"))
    assert status == PrinterStatus(online=True, labels_remaining=0, formats_in_buffer=0, **expected)
    assert not status.ready


def test_labels_remaining_and_extra_firmware_fields():
    status = parse_host_status(
        frame("030,0,0,0959,000,0,0,0,000,0,0,0,9", "001,0,0,0,1,2,6,0,00000042,1,000,7", "1234,0")
    )
    assert status.labels_remaining == 42


def test_fake_printer_reply_parses():
    fake = FakeZebraPrinter()
    fake.paper_out = fake.head_open = True
    status = parse_host_status(fake.host_status_reply())
    assert status.paper_out and status.head_open and not status.paused


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"", "expected 3"),
        (b"garbage", "expected 3"),
        (frame("030,0,0,0959,000,0,0,0,000,0,0,0", "001,0,0,0,1,2,6,0,00000000,1,000"), "got 2"),
        (b"\x02030,0,0,0959", "no ETX"),
        (frame("030,0,0", "001,0,0,0,1,2,6,0,00000000,1,000", "1234,0"), "string 1 has 3 fields"),
        (frame("030,0,0,0959,000,0,0,0,000,0,0,0", "001,0,0", "1234,0"), "string 2 has 3 fields"),
        (frame("030,X,0,0959,000,0,0,0,000,0,0,0", "001,0,0,0,1,2,6,0,00000000,1,000", "1234,0"), "paper out flag"),
        (frame("030,0,0,0959,000,0,0,0,000,0,0,0", "001,0,0,0,1,2,6,0,abc,1,000", "1234,0"), "labels remaining"),
        (b"\x02030,\xff\x03" * 3, "not ASCII"),
    ],
)
def test_malformed_host_status_raises_printer_error(raw, message):
    with pytest.raises(PrinterError, match=message):
        parse_host_status(raw)


def test_ready_requires_online():
    assert not PrinterStatus(online=False).ready
    assert PrinterStatus(online=True, labels_remaining=3).ready


def test_memory_printer_keeps_jobs_and_refuses_when_not_ready():
    printer = MemoryPrinter()
    printer.send(b"^XA^FDone^FS^XZ")
    printer.status_value = PrinterStatus(online=True, paper_out=True)
    with pytest.raises(PrinterNotReady) as err:
        printer.send(b"^XA^FDtwo^FS^XZ")
    assert err.value.status.paper_out
    assert "paper out" in str(err.value)
    printer.status_value = PrinterStatus(online=False)
    with pytest.raises(PrinterOffline):
        printer.send(b"^XA^XZ")
    assert printer.jobs == [b"^XA^FDone^FS^XZ"]


def test_file_printer_appends_jobs(tmp_path):
    path = tmp_path / "labels.zpl"
    printer = FilePrinter(path)
    assert printer.status().ready
    printer.send(b"^XA^FD1^FS^XZ\n")
    printer.send(b"^XA^FD2^FS^XZ\n")
    assert path.read_bytes() == b"^XA^FD1^FS^XZ\n^XA^FD2^FS^XZ\n"


def test_file_printer_in_missing_directory_is_offline(tmp_path):
    printer = FilePrinter(tmp_path / "missing" / "labels.zpl")
    assert not printer.status().online
    with pytest.raises(PrinterOffline):
        printer.send(b"^XA^XZ")


def test_open_printer_dispatches_on_scheme(tmp_path):
    tcp = open_printer("tcp://10.0.0.7:9101?timeout=1.5")
    assert isinstance(tcp, TcpPrinter) and (tcp.host, tcp.port, tcp.timeout) == ("10.0.0.7", 9101, 1.5)
    assert open_printer("tcp://printer.local").port == 9100
    cups = open_printer("cups://Zebra_ZD420")
    assert isinstance(cups, CupsPrinter) and cups.queue == "Zebra_ZD420"
    ser = open_printer("serial:///dev/ttyUSB0?baudrate=19200")
    assert isinstance(ser, SerialPrinter) and (ser.url, ser.baudrate) == ("/dev/ttyUSB0", 19200)
    assert open_printer("serial:///dev/ttyUSB1").baudrate == 9600
    spool = open_printer(f"file://{tmp_path}/labels.zpl")
    assert isinstance(spool, FilePrinter) and spool.path == f"{tmp_path}/labels.zpl"
    assert isinstance(open_printer("memory://"), MemoryPrinter)


@pytest.mark.parametrize("url", ["lpt://1", "http://printer/", "/dev/usb/lp0", "tcp://", "cups://", "serial://"])
def test_open_printer_rejects_bad_urls(url):
    with pytest.raises(ValueError):
        open_printer(url)


def test_open_printer_error_lists_supported_schemes():
    with pytest.raises(ValueError, match=r"tcp://, cups://, serial://, file://, memory://"):
        open_printer("ipp://printer")


def test_open_scanner_accepts_paths_and_pyserial_urls():
    def ignore(_event):
        pass

    for url in ("/dev/ttyACM0", "loop://", "socket://127.0.0.1:7000", "COM3"):
        scanner = open_scanner(url, ignore)
        assert isinstance(scanner, SerialScanner) and scanner.url == url
    scanner = open_scanner("serial:///dev/ttyACM1?baudrate=115200", ignore)
    assert (scanner.url, scanner.baudrate) == ("/dev/ttyACM1", 115200)


def test_open_scanner_rejects_unknown_scheme():
    with pytest.raises(ValueError, match="loop://"):
        open_scanner("bluetooth://00:11:22", lambda e: None)


def test_cups_printer_without_cups_client(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no lpstat, no lp: as on a PC without CUPS
    printer = CupsPrinter("Zebra_ZD420")
    # Neither "ready" nor a job gone nowhere: the printer is offline and says why.
    with pytest.raises(PrinterOffline, match="lpstat is not installed"):
        printer.status()
    with pytest.raises(PrinterOffline, match="not installed"):
        printer.send(b"^XA^XZ")


def test_cups_url_names_the_queue_and_the_cups_server():
    printer = open_printer("cups://station-pc.local:631/Zebra_ZD420")
    assert (printer.queue, printer.server) == ("Zebra_ZD420", "station-pc.local:631")
    assert open_printer("cups://Zebra%20ZD420").server is None
