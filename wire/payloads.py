"""Validation of every station → server payload, shared by both ends.

The server parses what arrives (and answers ``bad_request`` on ``BadPayload``); the station
builds what it sends with the same classes, so a payload the server would refuse is caught
before it leaves (a typed scan of 600 characters, say).
"""
from __future__ import annotations

import uuid as uuid_mod
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from wire import contract as c


class BadPayload(ValueError):
    """The payload does not fit the contract; the text names the field at fault."""


def _object(data, event: str) -> dict:
    if not isinstance(data, dict):
        raise BadPayload(f"{event} needs an object")
    return data


def _text(data: dict, key: str, event: str, max_chars: int, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= max_chars:
        raise BadPayload(f"{event}.{key} must be a string of 1 to {max_chars} characters")
    return value


def _uuid(data: dict, event: str) -> str:
    """The scan's uuid, made by the station at read time: it names the scan for ever."""
    try:
        return str(uuid_mod.UUID(str(data.get("uuid"))))
    except ValueError:
        raise BadPayload(f"{event}.uuid must be a UUID") from None


def clean_scan_text(raw: str) -> str:
    # PostgreSQL text cannot hold NUL; the rest is kept as read, for the audit trail.
    return raw.replace("\x00", "\ufffd")


@dataclass(frozen=True)
class ScanPayload:
    uuid: str
    raw: str
    symbology: str | None
    scanned_at: datetime

    @classmethod
    def parse(cls, data) -> ScanPayload:
        data = _object(data, "scan")
        scan_id = _uuid(data, "scan")
        raw = clean_scan_text(_text(data, "raw", "scan", c.MAX_SCAN_CHARS))
        symbology = _text(data, "symbology", "scan", c.MAX_SYMBOLOGY_CHARS, required=False)
        if symbology is not None and not (symbology.isascii() and symbology.isprintable()):
            # An AIM identifier is "]" + two printable ASCII characters; a NUL here would also
            # be refused by PostgreSQL's text type, after the scan was accepted.
            raise BadPayload("scan.symbology must be printable ASCII (an AIM identifier such as ]E0)")
        return cls(scan_id, raw, symbology, _timestamp(data.get("scanned_at"), "scan.scanned_at"))

    def to_wire(self) -> dict:
        return {"uuid": self.uuid, "raw": self.raw, "symbology": self.symbology,
                "scanned_at": self.scanned_at.isoformat()}


@dataclass(frozen=True)
class ActionPayload:
    name: str
    params: dict[str, str | int | bool | None] = field(default_factory=dict)

    @classmethod
    def parse(cls, data) -> ActionPayload:
        data = _object(data, "action")
        name = _text(data, "name", "action", c.MAX_ACTION_NAME_CHARS)
        params = data.get("params") or {}
        if not isinstance(params, dict) or len(params) > c.MAX_ACTION_PARAMS:
            raise BadPayload(f"action.params must be an object of at most {c.MAX_ACTION_PARAMS} keys")
        for key, value in params.items():
            if not isinstance(key, str) or len(key) > c.MAX_ACTION_NAME_CHARS:
                raise BadPayload("action.params keys must be short strings")
            if value is not None and not isinstance(value, (str, int, bool)):
                raise BadPayload(f"action.params.{key} must be a string, a number or a boolean")
            if isinstance(value, str) and len(value) > c.MAX_PARAM_CHARS:
                raise BadPayload(f"action.params.{key} is longer than {c.MAX_PARAM_CHARS} characters")
        return cls(name, dict(params))


@dataclass(frozen=True)
class PrintResultPayload:
    job_id: int
    ok: bool
    error: str = ""

    @classmethod
    def parse(cls, data) -> PrintResultPayload:
        data = _object(data, "print_result")
        job_id, ok = data.get("job_id"), data.get("ok")
        if isinstance(job_id, bool) or not isinstance(job_id, int) or not isinstance(ok, bool):
            raise BadPayload("print_result needs job_id (int) and ok (bool)")
        error = data.get("error") or ""
        if not isinstance(error, str):
            raise BadPayload("print_result.error must be a string")
        return cls(job_id, ok, error[: c.MAX_PRINT_ERROR_CHARS])

    def to_wire(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PrinterStatusPayload:
    status: dict

    @classmethod
    def parse(cls, data) -> PrinterStatusPayload:
        data = _object(data, "printer_status")
        clean: dict = {}
        for key in c.PRINTER_STATUS_KEYS:
            if key not in data:
                continue
            value = data[key]
            if key == "detail":
                clean[key] = str(value)[: c.MAX_PRINT_ERROR_CHARS] if value is not None else ""
            elif isinstance(value, bool):
                clean[key] = value
            else:
                raise BadPayload(f"printer_status.{key} must be true or false")
        return cls(clean)


@dataclass(frozen=True)
class DeadLetterPayload:
    uuid: str
    raw: str
    reason: str
    attempts: int

    @classmethod
    def parse(cls, data) -> DeadLetterPayload:
        data = _object(data, "scan_dead_lettered")
        scan_id = _uuid(data, "scan_dead_lettered")
        raw = clean_scan_text(_text(data, "raw", "scan_dead_lettered", c.MAX_SCAN_CHARS))
        reason = _text(data, "reason", "scan_dead_lettered", c.MAX_PRINT_ERROR_CHARS)
        attempts = data.get("attempts")
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0:
            raise BadPayload("scan_dead_lettered.attempts must be a whole number")
        return cls(scan_id, raw, reason, attempts)

    def to_wire(self) -> dict:
        return asdict(self)


def _timestamp(value, field_name: str) -> datetime:
    if value is None:
        return datetime.now(timezone.utc)
    if not isinstance(value, str) or len(value) > 40:
        raise BadPayload(f"{field_name} must be an ISO 8601 timestamp")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise BadPayload(f"{field_name} must be an ISO 8601 timestamp") from None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)
