"""Screen states: the wire contract between server and station (see docs/protocol.md).

The server decides the state; the station only draws it. ``offline`` is the one
state a station sets by itself, when the server does not answer.
"""
from enum import StrEnum


class ScreenState(StrEnum):
    IDLE = "idle"                      # no task: waiting for work
    PICK = "pick"                      # go to the bin shown, scan each item
    PACK = "pack"                      # scan each item of the order into the box
    PRINT_LABEL = "print_label"        # the shipping label is printing; confirm or reprint
    RETURN_SCAN = "return_scan"        # returns desk: scan the parcel's return label
    RETURN_INSPECT = "return_inspect"  # returns desk: order, customer, items, refund shown
    OFFLINE = "offline"                # station-side only: server unreachable, scans kept


class MessageLevel(StrEnum):
    OK = "ok"        # green flash, good beep
    ERROR = "error"  # red flash, error buzz: the operator must look
    INFO = "info"


STATION_ROLES = ("pick", "pack", "returns")
USER_ROLES = ("picker", "packer", "returns_clerk", "supervisor", "admin")
