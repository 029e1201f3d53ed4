"""Serial scales: bytes in, a stable weight in grams out. No orders, no tolerances.

Two protocols, the two a packing bench meets most:

* ``mt-sics`` — Mettler Toledo's Standard Interface Command Set (level 0). The station asks
  ``S`` (send the stable weight) and the scale answers one line, CR LF terminated:
  ``S S      1.234 kg`` (stable), ``S D      1.230 kg`` (dynamic: still moving, an answer
  to ``SI``), ``S I`` (command understood but not executable now: busy, not yet stable),
  ``S +`` / ``S -`` (overload / underload: pan missing), and the general errors ``ES``
  (syntax), ``ET`` (transmission), ``EL`` (logical). References in docs/drivers.md.
* ``continuous`` — an indicator that streams every reading, A&D style:
  ``ST,GS,+  1.234kg`` (header ST stable, US unstable, OL overload; GS gross, NT net).
  Stability is the scale's flag AND ``settle_readings`` readings in a row within
  ``settle_grams`` (a flag alone flickers on while a parcel is still being set down).

Lines are framed by LF (CR ignored), so a reply split across reads is joined; a line that is
not one of these is noise: logged, skipped, never a weight. A port that fails (unplugged)
is reported and reopened at the next weighing.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Callable

import serial

try:
    from termios import error as TermiosError  # a vanished tty fails tcflush with this, not OSError
except ImportError:  # Windows
    TermiosError = OSError

log = logging.getLogger(__name__)
PORT_FAILURES = (serial.SerialException, OSError, TermiosError)

PROTOCOLS = ("mt-sics", "continuous")
GRAMS_PER_UNIT = {"g": Decimal(1), "kg": Decimal(1000), "lb": Decimal("453.59237"), "oz": Decimal("28.349523125")}
MAX_LINE = 128  # no scale line is longer: more is noise, dropped
SICS_WEIGHT = re.compile(r"^S\s+([SD])\s+(-?\s*\d+(?:\.\d+)?)\s*([a-z]+)\s*$", re.ASCII)
SICS_STATUS = re.compile(r"^(?:S\s+([I+-])|(ES|ET|EL))\s*$", re.ASCII)
CONTINUOUS = re.compile(r"^(ST|US|OL),(GS|NT),([+-])\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*$", re.ASCII)
# What a scale's refusal means, in the words docs/drivers.md and the kiosk use.
SICS_ERRORS = {"I": "busy", "+": "overload", "-": "underload", "ES": "syntax_error",
               "ET": "transmission_error", "EL": "logical_error"}


@dataclass(frozen=True)
class Reading:
    """One line the scale sent: a weight (grams, rounded) with its stability, or an error."""

    grams: int | None
    stable: bool = False
    error: str | None = None  # busy, overload, underload, syntax_error…


class ScaleError(Exception):
    """No stable weight: ``reason`` is overload, underload, disconnected, no_answer, unstable…"""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason, self.detail = reason, detail


@dataclass(frozen=True)
class ScaleStatus:
    connected: bool
    port: str | None
    detail: str = ""


def to_grams(value: str, unit: str) -> int | None:
    factor = GRAMS_PER_UNIT.get(unit)
    try:
        return int((Decimal(value.replace(" ", "")) * factor).to_integral_value()) if factor else None
    except InvalidOperation:
        return None


def parse_sics(line: str) -> Reading | None:
    """An MT-SICS answer to S or SI; None for anything else (noise, another command's echo)."""
    weight = SICS_WEIGHT.match(line)
    if weight:
        grams = to_grams(weight.group(2), weight.group(3))
        return None if grams is None else Reading(grams, stable=weight.group(1) == "S")
    status = SICS_STATUS.match(line)
    if status:
        return Reading(None, error=SICS_ERRORS[status.group(1) or status.group(2)])
    return None


def parse_continuous(line: str) -> Reading | None:
    """One ``ST,GS,+  1.234kg`` line; None for noise."""
    found = CONTINUOUS.match(line)
    if not found:
        return None
    header, _, sign, value, unit = found.groups()
    if header == "OL":
        return Reading(None, error="overload")
    grams = to_grams(value, unit)
    if grams is None:
        return None
    return Reading(-grams if sign == "-" else grams, stable=header == "ST")


class LineFramer:
    """Bytes to text lines (LF-terminated, CR dropped); over-long or undecodable lines dropped."""

    def __init__(self):
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[str]:
        lines = []
        for byte in data:
            if byte == 0x0A:
                lines.extend(self._line())
            elif byte != 0x0D and len(self._buffer) <= MAX_LINE:
                self._buffer.append(byte)
        return lines

    def _line(self) -> list[str]:
        raw, self._buffer = bytes(self._buffer), bytearray()
        if len(raw) > MAX_LINE:
            log.warning("scale: dropped an over-long line (%d bytes)", len(raw))
            return []
        try:
            return [raw.decode("ascii").strip()] if raw.strip() else []
        except UnicodeDecodeError:
            log.warning("scale: dropped noise %r", raw[:40])
            return []


class Settle:
    """Stable-weight detection over streamed readings: ``needed`` flagged-stable readings in a
    row, all within ``tolerance`` grams of each other. An unstable reading starts again."""

    def __init__(self, needed: int = 3, tolerance: int = 2):
        self.needed, self.tolerance = needed, tolerance
        self._run: list[int] = []

    def add(self, reading: Reading) -> int | None:
        if reading.grams is None or not reading.stable:
            self._run = []
            return None
        self._run = [*self._run, reading.grams][-self.needed:]
        if len(self._run) == self.needed and max(self._run) - min(self._run) <= self.tolerance:
            return round(sum(self._run) / self.needed)
        return None


class SerialScale:
    """``weigh(timeout)`` → grams of a stable load, or ``ScaleError`` saying why not.

    The port is opened at the first weighing and again after a failure (unplugged and
    plugged back); ``on_status`` hears of every change. Call from one thread at a time.
    """

    def __init__(self, url: str, protocol: str = "mt-sics", *, baudrate: int = 9600,
                 on_status: Callable[[ScaleStatus], None] | None = None, settle: Settle | None = None,
                 clock: Callable[[], float] = time.monotonic):
        if protocol not in PROTOCOLS:
            raise ValueError(f"scale protocol {protocol!r}: use one of {', '.join(PROTOCOLS)}")
        self.url, self.protocol, self.baudrate = url, protocol, baudrate
        self.on_status = on_status or (lambda status: None)
        self.settle_factory = (lambda: settle) if settle else Settle
        self.clock = clock
        self._port: serial.SerialBase | None = None
        self._status: ScaleStatus | None = None

    def weigh(self, timeout: float = 5.0) -> int:
        port = self._open()
        try:
            port.reset_input_buffer()  # a reading from before the parcel was set down is stale
            if self.protocol == "mt-sics":
                return self._ask_stable(port, timeout)
            return self._settle(port, timeout)
        except PORT_FAILURES as exc:
            self._lost(str(exc))
            raise ScaleError("disconnected", str(exc)) from None

    def check(self) -> bool:
        """Open the port now (at the station's start), so the kiosk says at once whether the
        scale is there; ``on_status`` hears it. True when it is."""
        try:
            self._open()
        except ScaleError:
            return False
        return True

    def close(self) -> None:
        if self._port is not None:
            self._port.close()
            self._port = None

    def _open(self) -> serial.SerialBase:
        if self._port is not None:
            return self._port
        try:
            self._port = serial.serial_for_url(self.url, baudrate=self.baudrate, timeout=0.1)
        except (serial.SerialException, OSError, ValueError) as exc:
            self._report(ScaleStatus(False, self.url, str(exc)))
            raise ScaleError("disconnected", str(exc)) from None
        self._report(ScaleStatus(True, self.url))
        return self._port

    def _lost(self, detail: str) -> None:
        try:
            self.close()
        except PORT_FAILURES:
            self._port = None
        self._report(ScaleStatus(False, self.url, detail))

    def _report(self, status: ScaleStatus) -> None:
        if self._status is None or (status.connected, status.port) != (self._status.connected, self._status.port):
            self._status = status
            self.on_status(status)

    def _lines(self, port, deadline: float):
        framer = LineFramer()
        while self.clock() < deadline:
            yield from framer.feed(port.read(port.in_waiting or 1))

    def _ask_stable(self, port, timeout: float) -> int:
        """Ask S until the scale answers a stable weight; busy (S I) or moving (S D) ask again."""
        deadline = self.clock() + timeout
        last = "no_answer"
        while self.clock() < deadline:
            port.write(b"S\r\n")
            reading = self._answer(port, min(deadline, self.clock() + 1.0))
            if reading is None:
                continue
            if reading.error in ("overload", "underload", "syntax_error", "logical_error"):
                raise ScaleError(reading.error)
            if reading.grams is not None and reading.stable:
                return reading.grams
            last = reading.error or "unstable"
        raise ScaleError(last)

    def _answer(self, port, deadline: float) -> Reading | None:
        for line in self._lines(port, deadline):
            reading = parse_sics(line)
            if reading is not None:
                return reading
            log.warning("scale %s: ignored %r (not an MT-SICS weight answer)", self.url, line[:40])
        return None

    def _settle(self, port, timeout: float) -> int:
        settle, deadline, last = self.settle_factory(), self.clock() + timeout, "no_answer"
        for line in self._lines(port, deadline):
            reading = parse_continuous(line)
            if reading is None:
                log.warning("scale %s: ignored %r (not a weight line)", self.url, line[:40])
                continue
            if reading.error:
                raise ScaleError(reading.error)
            grams = settle.add(reading)
            if grams is not None:
                return grams
            last = "unstable"
        raise ScaleError(last)
