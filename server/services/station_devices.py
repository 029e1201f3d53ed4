"""What a station says of its devices in its heartbeat: its scanner, its scale (and the scale's
port), and the scans waiting in its outbox (the dashboard's station table). Anything else in the payload is ignored; a bad value is
dropped, never an error: a heartbeat's job is the lease, and it must always be answered."""
from __future__ import annotations

from server.models import Station

SCANNER_STATES = ("connected", "disconnected")
SCALE_STATES = SCANNER_STATES
MAX_PORT = 200  # a /dev/serial/by-id name fits; the page shows it, so nothing longer
MAX_OUTBOX = 10_000_000


def clean(data) -> dict | None:
    if not isinstance(data, dict):
        return None
    out = {}
    outbox = data.get("outbox")
    if isinstance(outbox, int) and not isinstance(outbox, bool) and 0 <= outbox <= MAX_OUTBOX:
        out["outbox"] = outbox
    if data.get("scanner") in SCANNER_STATES:
        out["scanner"] = data["scanner"]
    if data.get("scale") in SCALE_STATES:
        out["scale"] = data["scale"]
        port = data.get("scale_port")
        if isinstance(port, str) and 0 < len(port) <= MAX_PORT and port.isprintable():
            out["scale_port"] = port
    return out or None


def record(station: Station, data) -> bool:
    """Keep the station's device report if it changed (call inside ``with uow``); True if it did."""
    devices = clean(data)
    if devices is None or devices == (station.device_status or {}):
        return False
    station.device_status = devices
    return True
