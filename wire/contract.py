"""The station ↔ server wire contract (docs/protocol.md is generated from this module).

The server decides the screen; the station draws it. Every name a station or a kiosk page
may receive is declared here once.
"""
from __future__ import annotations

from enum import StrEnum

PROTOCOL_VERSION = 2
STATION_NAMESPACE = "/station"
DASHBOARD_NAMESPACE = "/dashboard"

# --- limits -------------------------------------------------------------------------
MAX_SCAN_CHARS = 512          # a scan's text, without terminator and AIM prefix
MAX_SYMBOLOGY_CHARS = 8       # an AIM identifier is 3 ("]E0"); room for vendor variants
MAX_PRINT_ERROR_CHARS = 200
MAX_ACTION_NAME_CHARS = 32
MAX_ACTION_PARAMS = 8
MAX_PARAM_CHARS = 200
MAX_MESSAGE_BYTES = 64 * 1024  # the largest Socket.IO message the server accepts
# A return label's ZPL on the desk's screen (rma.label.zpl; ours are 1-3 KB): a label bigger than
# this is not sent, so the screen stays well inside one message of MAX_MESSAGE_BYTES.
MAX_SCREEN_LABEL_BYTES = 16 * 1024
ACK_TIMEOUT_SECONDS = 5.0
DEAD_LETTER_AFTER_ATTEMPTS = 3  # a scan the server fails on this many times is set aside
HEARTBEAT_SECONDS = 15.0       # a synced station says it is alive this often (task leases)


class ScreenState(StrEnum):
    """Every screen a station can be told to draw (and ``offline``, its own)."""

    IDLE = "idle"                      # no task: waiting for work
    PICK = "pick"                      # go to the bin shown, scan each item
    PACK = "pack"                      # scan each item of the order into the box
    PRINT_LABEL = "print_label"        # the shipping label is printing; reprint key
    BIND_TOTES = "bind_totes"          # batch picking: scan a tote for each order on the cart
    BATCH_PICK = "batch_pick"          # batch picking: go to the bin shown, scan the item
    PUT_TOTE = "put_tote"              # batch picking: put the unit in the tote shown, scan it
    RETURN_SCAN = "return_scan"        # returns desk: scan the parcel's return label
    RETURN_INSPECT = "return_inspect"  # returns desk: order, customer, items, refund; scan items
    COUNT_BIN = "count_bin"            # cycle count: go to the bin shown, scan its label
    COUNT = "count"                    # cycle count: scan each unit found (or type a quantity), done
    CHOOSE_BOX = "choose_box"          # pack: every unit is in; scan (or press) the box, one is proposed
    WEIGH = "weigh"                    # pack: the parcel on the scale; its weight is checked
    SIGN_IN = "sign_in"                # pack (PACK_BADGE_REQUIRED): scan your badge before any work
    OFFLINE = "offline"                # station-side only: server unreachable, scans kept


SERVER_STATES = tuple(state for state in ScreenState if state is not ScreenState.OFFLINE)


class MessageLevel(StrEnum):
    OK = "ok"        # green flash, good beep
    WARN = "warn"    # amber: look, but nothing was refused (already received…)
    ERROR = "error"  # red flash, error buzz: the operator must look
    INFO = "info"


class ClientEvent(StrEnum):
    """Station → server. Every one is answered with an ack (``sio.call``)."""

    HELLO = "hello"                    # after every connect → screen + station
    REQUEST_TASK = "request_task"      # idle and outbox empty → screen
    SCAN = "scan"                      # a scan from the outbox → screen
    ACTION = "action"                  # an operator key (done, back…) → screen
    PRINT_RESULT = "print_result"      # what the printer did with a job → screen
    PRINTER_STATUS = "printer_status"  # the printer's ~HS, when it changes → {"ok": true}
    SCAN_DEAD_LETTERED = "scan_dead_lettered"  # a scan set aside for a supervisor → {"ok": true}
    HEARTBEAT = "heartbeat"            # every HEARTBEAT_SECONDS while synced: renews task leases


# (payload, ack) of each client event, for docs/protocol.md (generated from this module).
CLIENT_EVENT_DOC: dict[ClientEvent, tuple[str, str]] = {
    ClientEvent.HELLO: ("`{}`", "screen + `station: {code, name, role, locale}`"),
    ClientEvent.REQUEST_TASK: ("`{}`", "screen (claims the next task of the scenario's kind if it holds none)"),
    ClientEvent.SCAN: ("`{uuid, raw, symbology, scanned_at}`", "screen (`duplicate: true` for a replay)"),
    ClientEvent.ACTION: ("`{name, params}`", "screen"),
    ClientEvent.PRINT_RESULT: ("`{job_id: int, ok: bool, error: str}`", "screen"),
    ClientEvent.PRINTER_STATUS: ("`{online, ready, paper_out, paused, head_open, ribbon_out, detail}`", "`{ok: true}`"),
    ClientEvent.SCAN_DEAD_LETTERED: ("`{uuid, raw, reason, attempts}`", "`{ok: true}`"),
    ClientEvent.HEARTBEAT: ("`{}`", "`{ok: true}`, or a screen with `task_lost` when a task was taken from "
                                    "the station while it was silent"),
}


class ServerEvent(StrEnum):
    """Server → station, without ack."""

    TASKS_WAITING = "tasks_waiting"  # {"kind": "pick"}: an idle station asks for work


class ErrorCode(StrEnum):
    """``{"error": {"code", "text", "retry"}}`` answers instead of a screen."""

    BAD_REQUEST = "bad_request"    # the payload is malformed: sending it again cannot help
    NOT_FOUND = "not_found"        # it names something that is not this station's
    SERVER_ERROR = "server_error"  # the server failed: the station may send it again
    NOT_CONNECTED = "not_connected"  # the socket is not a signed-in station
    # The server could not look at it now (database busy or unreachable, too many events in
    # flight): not the event's fault, so a station sends it again later and never sets it aside.
    BUSY = "busy"


RETRYABLE_ERRORS = frozenset({ErrorCode.SERVER_ERROR, ErrorCode.BUSY})


# Why a picker declares a bin short: bin empty, fewer units than due, units unfit to ship.
SHORT_REASONS = ("empty", "short", "damaged")


class Action(StrEnum):
    """Operator keys a screen may offer (the screen's ``actions`` lists which)."""

    DONE = "done"          # returns desk: inspection finished, next parcel
    REPRINT = "reprint"    # station-side: print the pending label again
    COUNT = "count"        # cycle count: {"line_id": int, "quantity": int} typed for multiples
    QUANTITY = "quantity"  # pick: {"line_id": int, "quantity": int} more units of a line just scanned
    SHORT = "short"        # pick: {"line_id": int, "reason": one of SHORT_REASONS} the bin lacks them
    BOX = "box"            # pack: {"box": "BOX-M"} the carton chosen (or its barcode scanned)
    WEIGH = "weigh"        # pack: {"grams": int} the stable weight the station's scale read
    HAND_OVER = "hand_over"  # pack: {"reason": str} this order goes to a supervisor
    SIGN_OUT = "sign_out"  # the operator signed in with a badge leaves the station
    PARCELS = "parcels"    # pack: {"count": int} the order goes in that many parcels (n of m)
    RESELLABLE = "resellable"  # returns desk: the unit just scanned is resellable (then scan the bin shown)
    DAMAGED = "damaged"        # returns desk: the unit just scanned is damaged (quarantine)
    EXTRA = "extra"            # returns desk: {"reason"?} accept the item scanned, not on the RMA, as an extra
    # pack: the label the station's printer refused (paper out, offline…) goes to the backup printer
    # the fleet assigns to the station (one key: F8 on the kiosk); the server sends it and answers
    BACKUP_PRINTER = "backup_printer"


# The printer's condition as the station reports it (from ~HS), and as dashboards show it.
PRINTER_STATUS_KEYS = ("online", "ready", "paper_out", "paused", "head_open", "ribbon_out", "detail")
PRINTER_PROBLEMS = ("paper_out", "head_open", "ribbon_out", "paused", "buffer_full")

# Keys of every screen (the ack of hello, request_task, scan, action, print_result).
SCREEN_KEYS = ("state", "scenario", "message", "task", "batch", "print", "rma", "actions", "duplicate", "operator",
               "pack")


def empty_screen(state: ScreenState = ScreenState.IDLE) -> dict:
    return {"state": str(state), "scenario": None, "message": None, "task": None, "batch": None, "print": [],
            "rma": None, "actions": [], "duplicate": False, "operator": None, "pack": None}


def error_reply(code: ErrorCode, text: str) -> dict:
    return {"error": {"code": str(code), "text": text, "retry": code in RETRYABLE_ERRORS}}


def is_retryable(reply: dict) -> bool:
    error = reply.get("error") if isinstance(reply, dict) else None
    return isinstance(error, dict) and bool(error.get("retry"))
