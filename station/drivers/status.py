"""Printer status model, errors and the Zebra ~HS reply parser (no sockets or ports)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Callable

STX, ETX = 0x02, 0x03
HOST_STATUS = b"~HS"
ERROR_STATUS = b"~HQES"


@dataclass(frozen=True)
class PrinterStatus:
    online: bool
    paper_out: bool = False
    paused: bool = False
    head_open: bool = False
    ribbon_out: bool = False
    buffer_full: bool = False
    labels_remaining: int | None = None
    detail: str = ""
    formats_in_buffer: int | None = None  # ~HS: labels received, not printed yet
    faults: tuple[str, ...] = ()          # ~HQES errors ~HS has no flag for (cutter, head too hot...)

    @property
    def ready(self) -> bool:
        """True when a label sent now would print."""
        return self.online and not (
            self.paper_out or self.paused or self.head_open
            or self.ribbon_out or self.buffer_full or self.faults
        )

    @property
    def idle(self) -> bool:
        """Everything sent has come out: nothing in the buffer, nothing left of a batch."""
        return self.ready and self.formats_in_buffer == 0 and not self.labels_remaining


class PrinterError(Exception):
    pass


class PrinterOffline(PrinterError):
    """The printer cannot be reached (refused, timeout, no reply, bad path)."""


class PrinterNotReady(PrinterError):
    """The printer answered but cannot print now; `.status` says why."""

    def __init__(self, status: PrinterStatus, message: str | None = None):
        self.status = status
        super().__init__(message or f"printer not ready: {describe(status)}")


def describe(status: PrinterStatus) -> str:
    """Short human text of what stops the printer, for the operator screen."""
    problems = [
        name.replace("_", " ")
        for name in ("paper_out", "paused", "head_open", "ribbon_out", "buffer_full")
        if getattr(status, name)
    ]
    problems += [fault.replace("_", " ") for fault in status.faults]
    if not status.online:
        problems.insert(0, "offline")
    text = ", ".join(problems) or "ready"
    return f"{text} ({status.detail})" if status.detail else text


# --- Zebra ~HS -------------------------------------------------------------
# ZPL II Programming Guide, ~HS: three <STX>...<ETX><CR><LF> strings.
#   1: aaa,b,c,dddd,eee,f,g,h,iii,j,k,l   b paper out, c pause, f buffer full
#   2: mmm,n,o,p,q,r,s,t,uuuuuuuu,v,www   o head up, p ribbon out,
#                                         uuuuuuuu labels remaining in batch
#   3: xxxx,y                             password, static RAM
# Newer firmware may append fields, so only minimum counts are checked.
_MIN_FIELDS = (12, 11, 2)


def split_host_status(raw: bytes) -> list[list[str]]:
    """The three comma-separated STX...ETX strings of a ~HS reply."""
    frames: list[list[str]] = []
    pos = 0
    while len(frames) < 3:
        start = raw.find(bytes([STX]), pos)
        if start < 0:
            break
        end = raw.find(bytes([ETX]), start + 1)
        if end < 0:
            raise PrinterError(f"~HS reply: string {len(frames) + 1} has no ETX: {raw!r}")
        try:
            text = raw[start + 1:end].decode("ascii")
        except UnicodeDecodeError:
            raise PrinterError(f"~HS reply is not ASCII: {raw!r}") from None
        frames.append(text.split(","))
        pos = end + 1
    if len(frames) != 3:
        raise PrinterError(f"~HS reply: expected 3 STX/ETX strings, got {len(frames)}: {raw!r}")
    for number, (fields, minimum) in enumerate(zip(frames, _MIN_FIELDS), start=1):
        if len(fields) < minimum:
            raise PrinterError(
                f"~HS reply: string {number} has {len(fields)} fields, expected {minimum}: {raw!r}"
            )
    return frames


def _flag(fields: list[str], index: int, name: str) -> bool:
    value = fields[index].strip()
    if value not in ("0", "1"):
        raise PrinterError(f"~HS reply: {name} flag is {value!r}, expected 0 or 1")
    return value == "1"


def parse_host_status(raw: bytes) -> PrinterStatus:
    """Parse a Zebra ~HS reply; malformed input raises PrinterError."""
    first, second, _third = split_host_status(raw)
    remaining = second[8].strip()
    if not remaining.isdigit():
        raise PrinterError(f"~HS reply: labels remaining is {remaining!r}, expected digits")
    formats = first[4].strip()
    if not formats.isdigit():
        raise PrinterError(f"~HS reply: formats in buffer is {formats!r}, expected digits")
    return PrinterStatus(
        online=True,
        paper_out=_flag(first, 1, "paper out"),
        paused=_flag(first, 2, "pause"),
        buffer_full=_flag(first, 5, "buffer full"),
        head_open=_flag(second, 2, "head up"),
        ribbon_out=_flag(second, 3, "ribbon out"),
        labels_remaining=int(remaining),
        formats_in_buffer=int(formats),
    )


def read_host_status_reply(read_chunk: Callable[[], bytes], timeout: float) -> bytes:
    """Collect a ~HS reply (three ETX) from `read_chunk` until `timeout`."""
    deadline = time.monotonic() + timeout
    reply = bytearray()
    while reply.count(ETX) < 3:
        if time.monotonic() >= deadline:
            # Zebra docs: some models stay silent when media out / head open.
            raise PrinterOffline(
                f"no complete ~HS reply within {timeout:g} s (got {bytes(reply)!r}); "
                "the printer may be off, or a model that stays silent when out of media or head open"
            )
        reply += read_chunk()
    return bytes(reply)


def check_ready(status: PrinterStatus) -> None:
    if not status.online:
        raise PrinterOffline(f"printer offline: {describe(status)}")
    if not status.ready:
        raise PrinterNotReady(status)


# --- Zebra ~HQES -----------------------------------------------------------
# ZPL II Programming Guide, ~HQES: "PRINTER STATUS" then
#   ERRORS:   f gggggggg hhhhhhhh     f: 1 if any error; 16 hex nibbles of flags
#   WARNINGS: f gggggggg hhhhhhhh
# Error nibble 1: 1 media out, 2 ribbon out, 4 head open, 8 cutter fault; nibble 2:
# 1 printhead over temperature, 2 motor over temperature, 4 bad printhead element,
# 8 printhead detection error; nibble 3: 1 invalid firmware configuration, 2 printhead
# thermistor open. ~HS already flags the first three; the others are `faults`.
ERROR_BITS = {
    0x8: "cutter_fault", 0x10: "head_too_hot", 0x20: "motor_too_hot", 0x40: "bad_printhead_element",
    0x80: "printhead_detection_error", 0x100: "invalid_firmware_config", 0x200: "printhead_thermistor_open",
}
_ERRORS_LINE = re.compile(rb"ERRORS:\s+([01])\s+([0-9A-Fa-f]{8})\s+([0-9A-Fa-f]{8})")


def parse_error_status(raw: bytes) -> tuple[str, ...]:
    """The faults a ~HQES reply names that ~HS does not flag; malformed input raises PrinterError."""
    found = _ERRORS_LINE.search(raw)
    if found is None:
        raise PrinterError(f"~HQES reply has no ERRORS line: {raw!r}")
    if found.group(1) == b"0":
        return ()
    flags = int(found.group(3), 16)
    return tuple(name for bit, name in ERROR_BITS.items() if flags & bit)


def read_error_status_reply(read_chunk: Callable[[], bytes], timeout: float) -> bytes:
    """Collect a ~HQES reply (through its WARNINGS line's end) from `read_chunk` until `timeout`."""
    deadline = time.monotonic() + timeout
    reply = bytearray()
    while not re.search(rb"WARNINGS:[^\n]*\n", reply):
        if time.monotonic() >= deadline:
            raise PrinterOffline(f"no complete ~HQES reply within {timeout:g} s (got {bytes(reply)!r})")
        reply += read_chunk()
    return bytes(reply)
