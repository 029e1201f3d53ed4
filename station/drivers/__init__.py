"""Station hardware drivers, addressed by URL strings. See docs/drivers.md."""

from __future__ import annotations

from typing import Callable
from urllib.parse import parse_qs, unquote, urlsplit

from .printers import (
    CupsPrinter,
    FilePrinter,
    MemoryPrinter,
    Printer,
    PrinterError,
    PrinterNotReady,
    PrinterOffline,
    PrinterStatus,
    SerialPrinter,
    TcpPrinter,
    parse_host_status,
)
from .detect import SCANNER_VENDORS, DetectedScanner, detect_scanners, port_finder
from .scanner import (
    FRAMINGS, ScanFramer, ScannerStatus, ScanRead, ScanRejected, SerialScanner, find_serial_scanners,
)

__all__ = [
    "FRAMINGS", "SCANNER_VENDORS", "DetectedScanner", "ScannerStatus", "detect_scanners", "port_finder",
    "CupsPrinter", "FilePrinter", "MemoryPrinter", "Printer", "PrinterError",
    "PrinterNotReady", "PrinterOffline", "PrinterStatus", "ScanFramer", "ScanRead",
    "ScanRejected", "SerialPrinter", "SerialScanner", "TcpPrinter",
    "find_serial_scanners", "open_printer", "open_scanner", "parse_host_status",
]

PRINTER_SCHEMES = ("tcp", "cups", "serial", "file", "memory")
# pyserial's own URL handlers (serial.protocol_handler_packages).
AUTO_SCANNER = ("auto", "auto://")  # detect by USB vendor id
SCANNER_SCHEMES = ("serial", "loop", "socket", "rfc2217", "spy", "alt", "hwgrep", "cp2110")


def _query(parts) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(parts.query).items()}


def open_printer(url: str) -> Printer:
    """tcp://host[:9100][?timeout=3], cups://QUEUE or cups://host:631/QUEUE, serial:///dev/ttyUSB0[?baudrate=9600],
    file:///path/labels.zpl, memory://"""
    parts = urlsplit(url)
    query = _query(parts)
    scheme = parts.scheme.lower()
    if scheme == "tcp":
        if not parts.hostname:
            raise ValueError(f"printer URL {url!r} has no host")
        timeout = float(query.get("timeout", 3.0))
        return TcpPrinter(parts.hostname, parts.port or 9100, timeout=timeout)
    if scheme == "cups":
        # cups://QUEUE (local CUPS) or cups://host:631/QUEUE (a CUPS server elsewhere)
        path = unquote(parts.path.strip("/"))
        queue, server = (path, parts.netloc) if path else (unquote(parts.netloc), None)
        if not queue:
            raise ValueError(f"printer URL {url!r} has no CUPS queue name")
        return CupsPrinter(queue, server=server)
    if scheme == "serial":
        return SerialPrinter(_serial_device(url, parts), baudrate=int(query.get("baudrate", 9600)))
    if scheme == "file":
        if not parts.path:
            raise ValueError(f"printer URL {url!r} has no path")
        return FilePrinter(unquote(parts.path))
    if scheme == "memory":
        return MemoryPrinter()
    raise ValueError(
        f"unsupported printer URL {url!r}; use one of: "
        + ", ".join(f"{s}://" for s in PRINTER_SCHEMES)
    )


def open_scanner(
    url: str,
    on_read: Callable[[ScanRead], None],
    on_reject: Callable[[ScanRejected], None] | None = None,
    on_error: Callable[[Exception], None] | None = None,
    **options,
) -> SerialScanner:
    """A scanner for a device path ("/dev/ttyACM0", "COM3"), any pyserial URL
    ("loop://", "socket://host:port"), serial:///dev/ttyACM0?baudrate=9600&framing=tab,
    or "auto": the first serial port with a scanner maker's USB vendor id,
    looked up again before every reconnection (see detect.py).

    Returned not started: call start() or use it as a context manager.
    `options` go to SerialScanner (baudrate, framing, char_timeout,
    incomplete_after, retry_interval, max_retry_interval, on_status); for
    "auto" also `vendors` ({vid: maker}), `exclude` (devices that are not the
    scanner, e.g. a serial printer) and `comports` (a list_ports.comports stand-in).
    """
    detection = {key: options.pop(key) for key in ("vendors", "exclude", "comports") if key in options}
    if url.strip().lower() in AUTO_SCANNER:
        return SerialScanner(None, on_read, on_reject, on_error=on_error,
                             find_port=port_finder(**detection), **options)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    # One-letter "schemes" are Windows drive letters; no "://" means a path.
    if "://" in url and scheme not in SCANNER_SCHEMES:
        raise ValueError(
            f"unsupported scanner URL {url!r}; use \"auto\", a device path or one of: "
            + ", ".join(f"{s}://" for s in SCANNER_SCHEMES)
        )
    if scheme == "serial":
        query = _query(parts)  # the URL's own settings win over the caller's defaults
        options.setdefault("baudrate", 9600)
        if "baudrate" in query:
            options["baudrate"] = int(query["baudrate"])
        if "framing" in query:
            options["framing"] = query["framing"].lower()
        if "char_timeout" in query:
            options["char_timeout"] = float(query["char_timeout"])
        url = _serial_device(url, parts)
    return SerialScanner(url, on_read, on_reject, on_error=on_error, **options)


def _serial_device(url: str, parts) -> str:
    device = unquote(parts.path)
    if not device:
        raise ValueError(f"serial URL {url!r} has no device path")
    return device
