"""Serial barcode scanners: byte framing and a reader thread.

The driver turns the scanner's byte stream into whole reads. It knows nothing
about orders: a `ScanRead` is just the text the scanner sent.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Callable

import serial
import serial.tools.list_ports

log = logging.getLogger(__name__)

MAX_LINE = 512
GS = "\x1d"  # GS1 field separator: part of the data, never stripped


@dataclass(frozen=True)
class ScanRead:
    """One complete read. `at` is the time.monotonic() of its terminator."""

    code: str
    symbology: str | None
    at: float


@dataclass(frozen=True)
class ScanRejected:
    """Bytes that did not make a valid read.

    reason: "too_long", "control_chars", "incomplete", "not_text" or "empty"
    (an AIM identifier with no data after it).
    """

    raw: bytes
    reason: str
    at: float


ScanEvent = ScanRead | ScanRejected


def split_aim_prefix(text: str) -> tuple[str | None, str]:
    """Split an AIM symbology identifier ("]" + letter + modifier) off `text`."""
    if len(text) >= 3 and text[0] == "]" and _is_ascii_alpha(text[1]) and _is_ascii_alnum(text[2]):
        return text[:3], text[3:]
    return None, text


def _is_ascii_alpha(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_ascii_alnum(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def _has_control_chars(text: str) -> bool:
    # C0, DEL and C1 controls mean line noise or a mis-set scanner; GS is data.
    return any(
        (ord(ch) < 0x20 and ch != GS) or 0x7F <= ord(ch) <= 0x9F for ch in text
    )


class ScanFramer:
    """Pure framing: bytes in, reads and rejects out. No I/O, no clock.

    Rules (see docs/drivers.md):
    - a line ends at CR, LF or CRLF (CRLF counts once); empty lines are ignored;
    - bytes left without terminator for longer than `incomplete_after`
      seconds are rejected as "incomplete" and never glued to the next scan,
      because scanners send a whole read in one burst;
    - lines longer than `max_line` bytes are rejected as "too_long" and the
      rest up to the next terminator is discarded;
    - text must be strict UTF-8 (ASCII is a subset), else "not_text".
    """

    def __init__(self, incomplete_after: float = 0.3, max_line: int = MAX_LINE):
        self.incomplete_after = incomplete_after
        self.max_line = max_line
        self._buf = bytearray()
        self._last_at = 0.0
        self._discarding = False  # inside an over-long line, until a terminator

    def feed(self, data: bytes, now: float) -> list[ScanEvent]:
        events = self.expire(now)
        if not data:
            return events
        self._last_at = now
        for byte in data:
            event = self._feed_byte(byte, now)
            if event is not None:
                events.append(event)
        return events

    def expire(self, now: float) -> list[ScanEvent]:
        """Reject a stale half line. Call it when the port has been silent."""
        stale = now - self._last_at > self.incomplete_after
        if not stale:
            return []
        self._discarding = False
        if not self._buf:
            return []
        raw = bytes(self._buf)
        self._buf.clear()
        return [ScanRejected(raw, "incomplete", now)]

    def _feed_byte(self, byte: int, now: float) -> ScanEvent | None:
        # CR, LF and CRLF all end a line; the empty "line" inside CRLF is
        # dropped with the other empty lines.
        if byte in (0x0D, 0x0A):
            return self._end_line(now)
        if self._discarding:
            return None
        self._buf.append(byte)
        if len(self._buf) > self.max_line:
            raw = bytes(self._buf)
            self._buf.clear()
            self._discarding = True
            return ScanRejected(raw, "too_long", now)
        return None

    def _end_line(self, now: float) -> ScanEvent | None:
        raw = bytes(self._buf)
        self._buf.clear()
        if self._discarding:
            self._discarding = False
            return None
        if not raw:
            return None
        return decode_line(raw, now)


def decode_line(raw: bytes, now: float) -> ScanEvent:
    """Validate one terminated line (terminator already removed)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return ScanRejected(raw, "not_text", now)
    if _has_control_chars(text):
        return ScanRejected(raw, "control_chars", now)
    symbology, code = split_aim_prefix(text)
    if not code:
        return ScanRejected(raw, "empty", now)
    return ScanRead(code, symbology, now)


PORT_ERRORS = (serial.SerialException, OSError)


class SerialScanner:
    """Reads a serial scanner on a daemon thread and calls back per read.

    Callbacks run on the reader thread; keep them short (hand off to a queue).
    If the port fails (unplugged) `on_error` is called and the port is reopened
    every `retry_interval` seconds until `stop()`.
    """

    def __init__(
        self,
        url: str,
        on_read: Callable[[ScanRead], None],
        on_reject: Callable[[ScanRejected], None] | None = None,
        baudrate: int = 9600,
        on_error: Callable[[Exception], None] | None = None,
        incomplete_after: float = 0.3,
        retry_interval: float = 1.0,
    ):
        self.url = url
        self.baudrate = baudrate
        self.retry_interval = retry_interval
        self._on_read = on_read
        self._on_reject = on_reject
        self._on_error = on_error
        self._framer = ScanFramer(incomplete_after=incomplete_after)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()  # set while the port is open

    def start(self) -> SerialScanner:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"scanner {self.url}", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def __enter__(self) -> SerialScanner:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def _run(self) -> None:
        reported_open_failure = False
        while not self._stop.is_set():
            try:
                port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=0.1)
            except PORT_ERRORS as exc:
                # Report an outage once, not every retry, to keep logs readable.
                if not reported_open_failure:
                    self._report_error(exc)
                    reported_open_failure = True
                self._stop.wait(self.retry_interval)
                continue
            reported_open_failure = False
            try:
                self._read_until_error_or_stop(port)
            except PORT_ERRORS as exc:
                self._report_error(exc)
            finally:
                self.connected.clear()
                port.close()
            # A half line from before the failure is dead: reject it now.
            self._dispatch(self._framer.expire(float("inf")))
            self._stop.wait(self.retry_interval)

    def _read_until_error_or_stop(self, port: serial.SerialBase) -> None:
        self.connected.set()
        while not self._stop.is_set():
            data = port.read(port.in_waiting or 1)  # returns b"" after 0.1 s
            self._dispatch(self._framer.feed(data, time.monotonic()))

    def _dispatch(self, events: list[ScanEvent]) -> None:
        for event in events:
            try:
                if isinstance(event, ScanRead):
                    self._on_read(event)
                elif self._on_reject is not None:
                    self._on_reject(event)
            except Exception as exc:  # a callback bug must not kill the reader
                log.exception("scanner callback failed")
                self._report_error(exc)

    def _report_error(self, exc: Exception) -> None:
        log.warning("scanner %s: %s", self.url, exc)
        if self._on_error is None:
            return
        try:
            self._on_error(exc)
        except Exception:
            log.exception("scanner on_error callback failed")


def find_serial_scanners(vid_pid: list[tuple[int, int]]) -> list[str]:
    """Device paths of connected serial ports whose USB (vid, pid) is listed."""
    wanted = set(vid_pid)
    return sorted(
        port.device
        for port in serial.tools.list_ports.comports()
        if (port.vid, port.pid) in wanted
    )
