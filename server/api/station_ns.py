"""``/station``: station agents. Token auth at connect; every handler answers a screen.

Payloads are validated here; meaning is decided by the services. See docs/protocol.md.
"""
from __future__ import annotations

import uuid as uuid_mod
from datetime import datetime, timezone

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from server.models import Station
from server.services import dispatch, packing, scans, screens, stations

# sid -> station id, for this process. Sticky sessions keep a socket on one process.
_connected: dict[str, int] = {}


class BadRequest(ValueError):
    pass


def _floor():
    return current_app.extensions["colis"]


def _error(code: str, text: str) -> dict:
    return {"error": {"code": code, "text": text}}


class StationNamespace(Namespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        code, token = str(auth.get("station", "")), str(auth.get("token", ""))
        with _floor().uow() as uow:
            station = stations.authenticate(uow, code, token) if code and token else None
            if station is None:
                raise ConnectionRefusedError("unauthorized")
            _connected[request.sid] = station.id
            join_room(f"station:{station.code}")
            join_room(f"role:{station.role}")
            stations.mark_online(uow, station, True)

    def on_disconnect(self, reason=None):
        station_id = _connected.pop(request.sid, None)
        if station_id is None or station_id in _connected.values():
            return
        with _floor().uow() as uow:
            stations.mark_online(uow, uow.session.get(Station, station_id), False)

    def on_hello(self, data=None):
        with _floor().uow() as uow:
            station = self._station(uow)
            view = screens.screen_for(uow.session, station)
            view["station"] = {"code": station.code, "name": station.name, "role": station.role,
                               "locale": station.locale}
            return view

    def on_request_task(self, data=None):
        with _floor().uow() as uow:
            return dispatch.request_task(uow, self._station(uow))

    def on_scan(self, data=None):
        try:
            cmd = parse_scan(data)
        except BadRequest as exc:
            return _error("bad_request", str(exc))
        with _floor().uow() as uow:
            return scans.record_scan(uow, self._station(uow), cmd)

    def on_print_result(self, data=None):
        data = data if isinstance(data, dict) else {}
        job_id = data.get("job_id")
        if not isinstance(job_id, int) or not isinstance(data.get("ok"), bool):
            return _error("bad_request", "print_result needs job_id (int) and ok (bool)")
        with _floor().uow() as uow:
            try:
                return packing.confirm_print(uow, self._station(uow), job_id, data["ok"],
                                             str(data.get("error", ""))[:200])
            except LookupError as exc:
                return _error("not_found", str(exc))

    def on_printer_status(self, data=None):
        if not isinstance(data, dict):
            return _error("bad_request", "printer_status needs an object")
        with _floor().uow() as uow:
            stations.record_printer_status(uow, self._station(uow), data)
        return {"ok": True}

    def _station(self, uow) -> Station:
        return uow.session.get(Station, _connected[request.sid])


def parse_scan(data) -> scans.ScanCommand:
    if not isinstance(data, dict):
        raise BadRequest("scan needs an object")
    try:
        scan_id = str(uuid_mod.UUID(str(data.get("uuid"))))
    except ValueError:
        raise BadRequest("scan.uuid must be a UUID") from None
    raw = data.get("raw")
    if not isinstance(raw, str) or not 0 < len(raw) <= 512:
        raise BadRequest("scan.raw must be a string of 1 to 512 characters")
    raw = raw.replace("\x00", "\ufffd")  # PostgreSQL text cannot hold NUL; keep the rest for the audit
    symbology = data.get("symbology")
    if symbology is not None and (not isinstance(symbology, str) or len(symbology) > 8):
        raise BadRequest("scan.symbology must be a short string or null")
    return scans.ScanCommand(scan_id, raw, symbology, _timestamp(data.get("scanned_at")))


def _timestamp(value) -> datetime:
    if value is None:
        return datetime.now(timezone.utc)
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        raise BadRequest("scan.scanned_at must be an ISO 8601 timestamp") from None
    return at if at.tzinfo else at.replace(tzinfo=timezone.utc)
