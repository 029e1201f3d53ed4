"""Keyboard-wedge scanners read at the source on Linux: ``/dev/input/event*``, grabbed.

A USB scanner in its out-of-the-box keyboard mode is a keyboard. The kiosk page can read it
(station/ui/wedge.js), but only while the page has the keyboard; reading the input device
itself takes the scanner's keys whatever window is in front, and an exclusive grab
(``EVIOCGRAB``) keeps them from typing into anything else. Keys are the kernel's key codes
(physical keys, like ``KeyboardEvent.code``), mapped with the US layout the scanner emulates,
so the PC's own layout (AZERTY, QWERTZ…) never changes what is read. Bytes only: a read is a
``ScanRead`` like the serial scanners'.

Reading ``/dev/input`` needs the ``input`` group (or a udev rule for the scanner's vendor id);
the URL is ``evdev:///dev/input/by-id/usb-<maker>-event-kbd``.
"""
from __future__ import annotations

import errno
import fcntl
import logging
import os
import select
import struct
import threading
import time
from typing import Callable

from station.drivers.scanner import ScanRead

log = logging.getLogger(__name__)

EVENT = struct.Struct("llHHi")  # struct input_event: timeval (sec, usec), type, code, value
EV_KEY = 1
EVIOCGRAB = 0x40044590  # _IOW('E', 0x90, int)
SHIFT, CTRL, ALT = {42, 54}, {29, 97}, {56, 100}
TERMINATORS = {28, 96, 15}  # Enter, keypad Enter, Tab
GS_KEY = 27  # KEY_RIGHTBRACE: Ctrl+] is ASCII 29, GS
UNREADABLE = "\ufffd"
# Linux key codes (input-event-codes.h) → (plain, shifted) on a US keyboard.
KEYS: dict[int, str] = {
    **{code: pair for code, pair in zip(range(2, 12), ("1!", "2@", "3#", "4$", "5%", "6^", "7&", "8*", "9(", "0)"))},
    12: "-_", 13: "=+", 26: "[{", 27: "]}", 39: ";:", 40: "'\"", 41: "`~", 43: "\\|", 51: ",<", 52: ".>",
    53: "/?", 57: "  ",
    **{code: letter + letter.upper() for code, letter in zip(range(16, 26), "qwertyuiop")},
    **{code: letter + letter.upper() for code, letter in zip(range(30, 39), "asdfghjkl")},
    **{code: letter + letter.upper() for code, letter in zip(range(44, 51), "zxcvbnm")},
    **{code: digit * 2 for code, digit in zip((82, 79, 80, 81, 75, 76, 77, 71, 72, 73), "0123456789")},
    83: "..", 78: "++", 74: "--", 55: "**", 98: "//",
}


class KeyBurstFramer:
    """Pure: key events (code, value, time in seconds) in, scans out. A scan is a burst of keys
    each within ``max_gap`` of the last, at least ``min_length`` long, ended by Enter or Tab."""

    def __init__(self, max_gap: float = 0.05, min_length: int = 4):
        self.max_gap, self.min_length = max_gap, min_length
        self._held: set[int] = set()
        self._text, self._last = "", float("-inf")

    def feed(self, code: int, value: int, at: float) -> str | None:
        if code in SHIFT | CTRL | ALT:
            (self._held.add if value else self._held.discard)(code)
            return None
        if value != 1:  # key up, autorepeat: a scanner's key is one press
            return None
        gap, self._last = at - self._last, at
        if gap > self.max_gap:
            self._text = ""
        if code in TERMINATORS and not self._held & (CTRL | ALT):
            text, self._text = self._text, ""
            return text if gap <= self.max_gap and len(text) >= self.min_length else None
        self._text += self._char(code)
        return None

    def _char(self, code: int) -> str:
        if self._held & CTRL:
            return "\x1d" if code == GS_KEY else UNREADABLE
        pair = KEYS.get(code)
        return UNREADABLE if pair is None or self._held & ALT else pair[1 if self._held & SHIFT else 0]


def parse_events(data: bytes) -> list[tuple[int, int, float]]:
    """Whole ``input_event`` records → (code, value, seconds) of the key events among them."""
    events = []
    for offset in range(0, len(data) - len(data) % EVENT.size, EVENT.size):
        sec, usec, kind, code, value = EVENT.unpack_from(data, offset)
        if kind == EV_KEY:
            events.append((code, value, sec + usec / 1e6))
    return events


class EvdevScanner:
    """A thread reading one input device; ``grab`` takes it from every other reader."""

    def __init__(self, path: str, on_read: Callable[[ScanRead], None], *, grab: bool = True,
                 framer: KeyBurstFramer | None = None, on_error: Callable[[Exception], None] | None = None):
        self.path, self.on_read, self.grab = path, on_read, grab
        self.framer = framer or KeyBurstFramer()
        self.on_error = on_error or (lambda exc: log.warning("evdev %s: %s", path, exc))
        self._fd: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> EvdevScanner:
        self._fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        if self.grab:
            try:
                fcntl.ioctl(self._fd, EVIOCGRAB, 1)
            except OSError as exc:
                os.close(self._fd)
                raise OSError(exc.errno, f"cannot grab {self.path} exclusively: {exc.strerror}") from None
        self._thread = threading.Thread(target=self._run, name="evdev-scanner", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2)
        if self._fd is not None:
            os.close(self._fd)  # closing releases the grab too
            self._fd = None

    def _run(self) -> None:
        pending = b""
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._fd], [], [], 0.1)
                if not ready:
                    continue
                data = os.read(self._fd, EVENT.size * 64)
            except OSError as exc:
                if exc.errno == errno.EAGAIN:
                    continue
                return self.on_error(exc)  # unplugged (ENODEV)
            if not data:
                return self.on_error(OSError(errno.ENODEV, f"{self.path} closed"))
            pending += data
            whole = len(pending) - len(pending) % EVENT.size
            for code, value, at in parse_events(pending[:whole]):
                text = self.framer.feed(code, value, at)
                if text:
                    self.on_read(ScanRead(text, None, time.monotonic()))  # the core's clock
            pending = pending[whole:]
