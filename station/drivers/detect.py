"""Find a serial barcode scanner among the serial ports by its USB vendor id.

Scanners in USB-serial (CDC/COM emulation) mode appear as /dev/ttyACM* or
/dev/ttyUSB*; `serial.tools.list_ports.comports()` reports the USB vendor id
(vid) of each. The ids below are checked against the linux-usb `usb.ids` list
(see docs/drivers.md for the entries and where they were read). An explicit
scanner URL in the station settings always wins over detection.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from typing import Callable, Iterable

import serial.tools.list_ports

log = logging.getLogger(__name__)

# vid -> maker, as usb.ids names the vendor (docs/drivers.md, "Auto-detection").
SCANNER_VENDORS: dict[int, str] = {
    0x05E0: "Zebra (usb.ids: Symbol Technologies)",
    0x0C2E: "Honeywell (usb.ids: Metrologic Instruments)",
    0x05F9: "Datalogic (usb.ids: PSC Scanning, Inc.)",
    0x1EAB: "Newland (usb.ids: Fujian Newland Computer Co., Ltd)",
}
# Deliberately not listed: 0x0A5F (usb.ids "Zebra": label printers only; it
# would pick the station's own printer) and Code Corporation (its id could not
# be confirmed in usb.ids; 0x0483 is STMicroelectronics, whose chips are in
# countless serial devices). Add ids with the `scanner_usb_vendors` setting.

Comports = Callable[[], Iterable]


@dataclass(frozen=True)
class DetectedScanner:
    device: str
    vid: int
    pid: int | None
    maker: str
    description: str = ""
    serial_number: str | None = None


def detect_scanners(
    comports: Comports | None = None,
    vendors: dict[int, str] | None = None,
    exclude: Iterable[str] = (),
) -> list[DetectedScanner]:
    """Serial ports whose USB vendor id is a scanner maker's, sorted by device.

    `exclude`: devices that are something else (the station's serial printer),
    compared after resolving symlinks. `comports` defaults to pyserial's.
    """
    vendors = SCANNER_VENDORS if vendors is None else vendors
    skipped = {_real(path) for path in exclude if path}
    listing = comports() if comports is not None else serial.tools.list_ports.comports()
    found = []
    for port in listing:
        vid = getattr(port, "vid", None)
        device = getattr(port, "device", None)
        if vid is None or not device or vid not in vendors or _real(device) in skipped:
            continue
        found.append(DetectedScanner(device, vid, getattr(port, "pid", None), vendors[vid],
                                     getattr(port, "description", "") or "",
                                     getattr(port, "serial_number", None)))
    return sorted(found, key=lambda scanner: scanner.device)


def port_finder(
    comports: Comports | None = None,
    vendors: dict[int, str] | None = None,
    exclude: Iterable[str] = (),
) -> Callable[[], str | None]:
    """A `find_port` for SerialScanner: the first detected scanner's device, or None.

    Called before every (re)connection attempt, so a scanner that comes back
    under another /dev name after a replug is found again.
    """
    exclude = tuple(exclude)
    last: list[tuple[str, ...]] = [()]

    def find() -> str | None:
        found = detect_scanners(comports, vendors, exclude)
        devices = tuple(scanner.device for scanner in found)
        if devices != last[0]:  # log what detection sees when it changes, not every retry
            last[0] = devices
            if len(found) > 1:
                log.warning("several scanners found (%s): using %s; set scanner_url to choose",
                            ", ".join(devices), devices[0])
            for scanner in found:
                log.info("scanner detected: %s %s (%04x:%s) %s", scanner.device, scanner.maker,
                         scanner.vid, "----" if scanner.pid is None else f"{scanner.pid:04x}",
                         scanner.description)
        return found[0].device if found else None

    return find


def parse_vendor_ids(text: str) -> dict[int, str]:
    """"0x05E0, 0x1eab" (hex, as usb.ids and lsusb write them) -> {vid: maker}."""
    vendors: dict[int, str] = {}
    for item in text.replace(";", ",").split(","):
        item = item.strip()
        if not item:
            continue
        try:
            vid = int(item, 16)
        except ValueError:
            raise ValueError(f"USB vendor id {item!r} is not hexadecimal (e.g. 0x05E0)") from None
        if not 0 < vid <= 0xFFFF:
            raise ValueError(f"USB vendor id {item!r} is out of range")
        vendors[vid] = SCANNER_VENDORS.get(vid, f"vendor {vid:04x}")
    if not vendors:
        raise ValueError("no USB vendor id given")
    return vendors


def _real(path: str) -> str:
    try:
        return os.path.realpath(path)
    except (OSError, ValueError):
        return path
