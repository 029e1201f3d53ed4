"""The station's side of a label printer: check it, send a label, say what is wrong in wire words.

The driver (station/drivers/printers.py) knows bytes and ``~HS``; this module turns its answers
into what the server and the kiosk understand (wire.contract's printer keys and problems).
"""
from __future__ import annotations

import logging
from dataclasses import replace

from station.drivers import PrinterError, PrinterNotReady, PrinterOffline, PrinterStatus
from wire.contract import PRINTER_PROBLEMS, PRINTER_STATUS_KEYS
from wire.payloads import PrinterStatusPayload

log = logging.getLogger(__name__)


def print_label(printer, zpl: str) -> tuple[bool, str, PrinterStatus | None]:
    """Send one label, but only to a printer that says it can print it (~HS first).

    Returns (printed, reason, status read): a label refused for paper out is not lost
    into a printer that cannot print; the reason names the problem. A printer that can
    say more (``errors()``: a Zebra's ``~HQES``) is asked too, for faults ``~HS`` lacks.
    """
    status = None
    try:
        status = printer.status()
        if not status.online:
            raise PrinterOffline(status.detail)
        if not status.ready:
            raise PrinterNotReady(status)
        faults = printer.errors() if hasattr(printer, "errors") else ()
        if faults:  # ~HQES: a cutter fault or an overheated head that ~HS has no flag for
            status = replace(status, faults=tuple(faults))
            return False, "printer_fault", status
        printer.send(zpl.encode("utf-8"))
    except PrinterNotReady as exc:
        return False, not_ready_reason(exc.status), status
    except PrinterOffline:
        return False, "printer_offline", status
    except PrinterError as exc:
        log.warning("printer error: %s", exc)
        return False, "printer_error", status
    return True, "", status


def read_status(printer) -> PrinterStatus:
    try:
        return printer.status()
    except PrinterError as exc:
        return PrinterStatus(online=False, detail=str(exc))


def status_payload(status: PrinterStatus) -> dict:
    return PrinterStatusPayload.parse({key: getattr(status, key) for key in PRINTER_STATUS_KEYS}).status


def not_ready_reason(status: PrinterStatus) -> str:
    return next((name for name in PRINTER_PROBLEMS if getattr(status, name, False)), "not_ready")
