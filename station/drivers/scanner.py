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


FRAMINGS = ("crlf", "cr", "lf", "tab", "none")
# The read suffix a scanner is set to. CR and LF end a read in every framing: a barcode never
# holds them (they would be rejected as control characters), and a scanner set to CR that
# also sends LF must not lose scans. "tab" adds TAB; "none" ends a read after `char_timeout`
# seconds of silence (the inter-character timeout).
_CR, _LF, _TAB = 0x0D, 0x0A, 0x09


class ScanFramer:
    """Pure framing: bytes in, reads and rejects out. No I/O, no clock.

    Rules (see docs/drivers.md):
    - `framing` "crlf" (default), "cr" or "lf": a read ends at CR, LF or CRLF (CRLF counts
      once); "tab": also at TAB; empty lines are ignored;
    - "none": a read ends after `char_timeout` seconds with no byte (CR, LF and TAB still
      end it at once if the scanner sends them);
    - with a terminator framing, bytes left without terminator for longer than
      `incomplete_after` seconds are rejected as "incomplete" and never glued to the
      next scan, because scanners send a whole read in one burst;
    - lines longer than `max_line` bytes are rejected as "too_long" and the
      rest up to the next terminator (or silence) is discarded;
    - text must be strict UTF-8 (ASCII is a subset), else "not_text".
    """

    def __init__(self, incomplete_after: float = 0.3, max_line: int = MAX_LINE,
                 framing: str = "crlf", char_timeout: float = 0.1):
        if framing not in FRAMINGS:
            raise ValueError(f"unknown scanner framing {framing!r}; use one of: {', '.join(FRAMINGS)}")
        if char_timeout <= 0 or incomplete_after <= 0:
            raise ValueError("scanner timeouts must be positive")
        self.framing = framing
        self.incomplete_after = incomplete_after
        self.char_timeout = char_timeout
        self.max_line = max_line
        self._ends = (_CR, _LF, _TAB) if framing in ("tab", "none") else (_CR, _LF)
        self._buf = bytearray()
        self._last_at = 0.0
        self._discarding = False  # inside an over-long line, until a terminator

    @property
    def quiet_after(self) -> float:
        """Seconds of silence after which pending bytes are settled (a read or a reject)."""
        return self.char_timeout if self.framing == "none" else self.incomplete_after

    @property
    def pending(self) -> bool:
        return bool(self._buf) or self._discarding

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
        """Settle a stale half line. Call it when the port has been silent.

        With framing "none" silence ends a read, so the bytes become a read;
        otherwise they are rejected as "incomplete"."""
        stale = now - self._last_at > self.quiet_after
        if not stale:
            return []
        if self.framing == "none":
            event = self._end_line(self._last_at)
            return [event] if event is not None else []
        return self.abandon(now)

    def abandon(self, now: float) -> list[ScanEvent]:
        """Reject whatever is pending as "incomplete" (the port failed mid-read)."""
        self._discarding = False
        if not self._buf:
            return []
        raw = bytes(self._buf)
        self._buf.clear()
        return [ScanRejected(raw, "incomplete", now)]

    def _feed_byte(self, byte: int, now: float) -> ScanEvent | None:
        # CR, LF and CRLF all end a line; the empty "line" inside CRLF is
        # dropped with the other empty lines.
        if byte in self._ends:
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


@dataclass(frozen=True)
class ScannerStatus:
    """What the station shows about its serial scanner.

    port: the device open (connected) or last tried; None when auto-detection
    finds no scanner. detail: why it is not connected (the port error).
    """

    connected: bool
    port: str | None
    detail: str = ""


class SerialScanner:
    """Reads a serial scanner on a daemon thread and calls back per read.

    Callbacks run on the reader thread; keep them short (hand off to a queue).
    If the port fails (unplugged), `on_error` is called once per outage,
    `on_status` gets ScannerStatus(connected=False, ...), and the port is
    reopened after `retry_interval` seconds, doubling up to
    `max_retry_interval`, until `stop()`. With `find_port` (auto-detection)
    the device is looked up again before every attempt, so a scanner that
    comes back under another /dev name is found; `url` is then only the first
    guess and may be None.
    """

    def __init__(
        self,
        url: str | None,
        on_read: Callable[[ScanRead], None],
        on_reject: Callable[[ScanRejected], None] | None = None,
        baudrate: int = 9600,
        on_error: Callable[[Exception], None] | None = None,
        incomplete_after: float = 0.3,
        retry_interval: float = 1.0,
        *,
        framing: str = "crlf",
        char_timeout: float = 0.1,
        max_line: int = MAX_LINE,
        max_retry_interval: float | None = None,
        on_status: Callable[[ScannerStatus], None] | None = None,
        find_port: Callable[[], str | None] | None = None,
    ):
        if url is None and find_port is None:
            raise ValueError("a scanner needs a device URL or a find_port (auto-detection)")
        self.url = url
        self.baudrate = baudrate
        self.retry_interval = retry_interval
        self.max_retry_interval = max(retry_interval, 5.0 if max_retry_interval is None else max_retry_interval)
        self._on_read = on_read
        self._on_reject = on_reject
        self._on_error = on_error
        self._on_status = on_status
        self._find_port = find_port
        self._framer = ScanFramer(incomplete_after=incomplete_after, max_line=max_line,
                                  framing=framing, char_timeout=char_timeout)
        # Short enough that a silence-framed read ends on time and stop() is prompt.
        self._read_timeout = min(0.1, self._framer.quiet_after / 2)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._status: ScannerStatus | None = None
        self.connected = threading.Event()  # set while the port is open

    @property
    def framing(self) -> str:
        return self._framer.framing

    @property
    def pending(self) -> bool:
        """True while bytes of an unfinished read are buffered (a read split across USB packets)."""
        return self._framer.pending

    @property
    def status(self) -> ScannerStatus | None:
        """The last status reported (None before the first attempt)."""
        return self._status

    def start(self) -> SerialScanner:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name=f"scanner {self.url or 'auto'}", daemon=True
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

    def _device(self) -> str | None:
        if self._find_port is None:
            return self.url
        try:
            return self._find_port() or None
        except Exception as exc:  # a detection bug must not kill the reader
            log.exception("scanner detection failed")
            self._set_status(False, None, f"detection failed: {exc}")
            return None

    def _run(self) -> None:
        delay = self.retry_interval
        outage_reported = False  # report an outage once, not every retry
        while not self._stop.is_set():
            device = self._device()
            if device is None:
                self._set_status(False, None, "no scanner found")
            else:
                try:
                    port = serial.serial_for_url(device, baudrate=self.baudrate, timeout=self._read_timeout)
                except PORT_ERRORS as exc:
                    if not outage_reported:
                        self._report_error(exc)
                        outage_reported = True
                    self._set_status(False, device, str(exc))
                else:
                    self.url, delay, outage_reported = device, self.retry_interval, False
                    failure = self._read_port(port, device)
                    if failure is not None:
                        self._report_error(failure)
                        outage_reported = True
                        self._set_status(False, device, str(failure))
            if self._stop.wait(delay):
                return
            delay = min(delay * 2, self.max_retry_interval)

    def _read_port(self, port: serial.SerialBase, device: str) -> Exception | None:
        """Read until stop() (None) or a port error (returned)."""
        failure: Exception | None = None
        try:
            self.connected.set()
            self._set_status(True, device)
            while not self._stop.is_set():
                data = port.read(port.in_waiting or 1)  # b"" after the read timeout
                self._dispatch(self._framer.feed(data, time.monotonic()))
        except PORT_ERRORS as exc:
            failure = exc
        finally:
            self.connected.clear()
            try:
                port.close()
            except PORT_ERRORS:
                pass
        if failure is None and self._framer.framing == "none":
            # Stopped, not unplugged: with no suffix the bytes read so far are a whole read.
            self._dispatch(self._framer.expire(float("inf")))
        else:
            # A half read from before the failure is dead: reject it now, never
            # glue it to the first read from the replugged scanner.
            self._dispatch(self._framer.abandon(time.monotonic()))
        return failure

    def _set_status(self, connected: bool, port: str | None, detail: str = "") -> None:
        previous = self._status
        if previous is not None and (previous.connected, previous.port) == (connected, port):
            return  # the same state again (every retry): not news
        self._status = status = ScannerStatus(connected, port, detail)
        if connected:
            log.info("scanner connected on %s", port)
        else:
            log.warning("scanner disconnected (%s): %s", port or "no port", detail)
        if self._on_status is None:
            return
        try:
            self._on_status(status)
        except Exception:
            log.exception("scanner on_status callback failed")

    def _dispatch(self, events: list[ScanEvent]) -> None:
        for event in events:
            if isinstance(event, ScanRejected):
                log.info("scanner %s: dropped %s %r", self.url, event.reason, event.raw[:64])
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
