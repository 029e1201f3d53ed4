"""Keyboard-wedge scanners read from a Linux input device (issue 12): kernel key events turned
into scans by physical key, whatever the PC's layout; GS from Ctrl+]; a person typing is not a
scan. Real bytes through a real file descriptor (a pipe); a real /dev/input device only on a
desk that has one (hardware)."""
from __future__ import annotations

import glob
import os
import queue

import pytest

from station.drivers.evdev import EVENT, EvdevScanner, KeyBurstFramer, parse_events

# Linux input-event-codes.h, written out here rather than taken from the driver.
ROWS = {16: "QWERTYUIOP", 30: "ASDFGHJKL", 44: "ZXCVBNM"}
KEY = {**{str(d): c for d, c in zip("1234567890", range(2, 12))},
       **{letter: first + i for first, row in ROWS.items() for i, letter in enumerate(row)},
       "-": 12, "ENTER": 28, "TAB": 15, "SHIFT": 42, "CTRL": 29, "]": 27, "F1": 59}


def typed(text: str, start: float = 100.0, gap: float = 0.004, end: str = "ENTER") -> list[tuple[int, int, float]]:
    events, at = [], start
    for char in [*text, end]:
        shift = char.isalpha() and char.isupper()
        code = KEY[char.upper()] if len(char) == 1 else KEY[char]
        if shift:
            events.append((KEY["SHIFT"], 1, at))
        events += [(code, 1, at), (code, 0, at + 0.001)]
        if shift:
            events.append((KEY["SHIFT"], 0, at + 0.001))
        at += gap
    return events


def run(framer, events):
    return [text for code, value, at in events if (text := framer.feed(code, value, at))]


def test_a_burst_is_a_scan_by_physical_key_and_typing_is_not():
    framer = KeyBurstFramer(max_gap=0.05, min_length=4)
    assert run(framer, typed("4006381333931")) == ["4006381333931"]
    assert run(framer, typed("Zy-A9", start=200, end="TAB")) == ["Zy-A9"]  # what a US scanner sent, any layout
    assert run(framer, typed("4006381333931", start=300, gap=0.2)) == []  # a person at the keyboard
    assert run(framer, typed("12", start=400)) == []  # too short


def test_ctrl_bracket_is_the_gs1_separator_and_other_chords_are_unreadable():
    framer = KeyBurstFramer()
    events = typed("0104006381333931", end="F1")[:-2]  # up to the last digit, no terminator yet
    at = events[-1][2] + 0.004
    events += [(KEY["CTRL"], 1, at), (KEY["]"], 1, at), (KEY["]"], 0, at), (KEY["CTRL"], 0, at)]
    events += typed("10LOT7", start=at + 0.004)
    assert run(framer, events) == ["0104006381333931\x1d10LOT7"]
    odd = typed("1234", start=900, end="F1")[:-2] + [(KEY["F1"], 1, 900.02), (KEY["ENTER"], 1, 900.024)]
    assert run(KeyBurstFramer(), odd) == ["1234\ufffd"]  # the server refuses it in red, nothing guessed


def test_key_events_are_read_from_a_real_descriptor_in_any_chunking():
    read_end, write_end = os.pipe()
    reads: queue.Queue = queue.Queue()
    scanner = EvdevScanner(f"/proc/self/fd/{read_end}", reads.put, grab=False).start()
    try:
        data = b"".join(EVENT.pack(int(at), int(at % 1 * 1e6), 1, code, value)
                        for code, value, at in typed("4006381333931"))
        data += EVENT.pack(0, 0, 0, 0, 0)  # a SYN report: not a key
        for start in range(0, len(data), 7):  # cut mid-record
            os.write(write_end, data[start:start + 7])
        assert reads.get(timeout=5).code == "4006381333931"
    finally:
        scanner.stop()
        os.close(read_end)
        os.close(write_end)
    assert parse_events(data[:EVENT.size * 2 + 3])[0][:2] == (KEY["4"], 1)


@pytest.mark.hardware
def test_a_real_input_device_can_be_grabbed():
    devices = [path for path in glob.glob("/dev/input/event*") if os.access(path, os.R_OK)]
    if not devices:
        pytest.skip("no readable /dev/input/event* here (a container, or not in the input group)")
    scanner = EvdevScanner(devices[0], lambda read: None, grab=True).start()
    scanner.stop()


def test_a_device_gone_is_reported_and_a_device_that_cannot_be_grabbed_refused(tmp_path):
    read_end, write_end = os.pipe()
    errors: queue.Queue = queue.Queue()
    scanner = EvdevScanner(f"/proc/self/fd/{read_end}", lambda read: None, grab=False, on_error=errors.put).start()
    os.close(write_end)  # unplugged: the device reads end
    assert "closed" in str(errors.get(timeout=5))
    scanner.stop()
    os.close(read_end)
    fifo = tmp_path / "not-an-input-device"
    os.mkfifo(fifo)
    holder = os.open(fifo, os.O_RDWR | os.O_NONBLOCK)  # so opening it does not block
    try:
        with pytest.raises(OSError, match="cannot grab"):
            EvdevScanner(str(fifo), lambda read: None, grab=True).start()
    finally:
        os.close(holder)
