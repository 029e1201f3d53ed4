"""``/station``: station agents. Token auth at connect; every handler answers.

Payloads are validated against the wire contract (wire/payloads.py); meaning is decided by
the services. No handler can leave a station without an ack: a bad payload answers
``bad_request``, a failure answers ``server_error`` (logged), never silence (docs/protocol.md).
"""
from __future__ import annotations

import logging
from functools import wraps

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, join_room

from server.domain.scenarios import ROLE_SCENARIO, SCENARIOS
from server.models import Station
from server.services import dispatch, operator, printing, scans, sessions, stations, steps
from wire.contract import ErrorCode, error_reply
from wire.payloads import (ActionPayload, BadPayload, DeadLetterPayload, PrinterStatusPayload,
                           PrintResultPayload, ScanPayload)

log = logging.getLogger(__name__)

# sid -> station id, for this process. Sticky sessions keep a socket on one process.
_connected: dict[str, int] = {}


class NotConnected(Exception):
    """An event on a socket that is not (or no longer) a signed-in station."""


def _floor():
    return current_app.extensions["colis"]


def always_answers(handler):
    """Turn every failure of a station event into an error reply the station can act on."""
    @wraps(handler)
    def answer(self, data=None):
        try:
            return handler(self, data)
        except BadPayload as exc:
            return error_reply(ErrorCode.BAD_REQUEST, str(exc))
        except NotConnected:
            return error_reply(ErrorCode.NOT_CONNECTED, "this socket is not a signed-in station")
        except scans.TRANSIENT_ERRORS as exc:  # pool exhausted, connection lost: the station retries
            log.warning("station event %s: database unavailable (%s)", handler.__name__, exc)
            return error_reply(ErrorCode.SERVER_ERROR, "database busy or unreachable, try again")
        except Exception:  # noqa: BLE001 - the station must always get an answer
            log.exception("station event %s failed (sid %s, station %s)", handler.__name__, request.sid,
                          _connected.get(request.sid))
            return error_reply(ErrorCode.SERVER_ERROR, "the server failed on this request, try again")
    return answer


class StationNamespace(Namespace):
    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        code, token = str(auth.get("station", ""))[:64], str(auth.get("token", ""))[:256]
        try:
            with _floor().uow() as uow:
                station = stations.authenticate(uow, code, token) if code and token else None
                if station is None:
                    raise ConnectionRefusedError("unauthorized")
                _connected[request.sid] = station.id
                join_room(f"station:{station.code}")
                join_room(f"role:{station.role}")
                kind = SCENARIOS[ROLE_SCENARIO[station.role]].claims
                if kind and kind != station.role:
                    join_room(f"role:{kind}")  # nudged when work of the kind it claims appears
                stations.mark_online(uow, station, True)
        except ConnectionRefusedError:
            raise
        except Exception:  # noqa: BLE001 - the station retries its connection with back-off
            _connected.pop(request.sid, None)
            log.exception("station %s could not connect", code)
            raise ConnectionRefusedError("server_error") from None

    def on_disconnect(self, reason=None):
        station_id = _connected.pop(request.sid, None)
        if station_id is None or station_id in _connected.values():
            return
        try:
            with _floor().uow() as uow:
                stations.mark_online(uow, uow.session.get(Station, station_id), False)
        except Exception:  # noqa: BLE001 - a disconnect has no one to answer; the next connect fixes it
            log.exception("station %s: could not record the disconnect", station_id)

    @always_answers
    def on_hello(self, data=None):
        with _floor().uow() as uow:
            station = self._station(uow)
            screen = steps.current_screen(uow, station)
            uow.commit()
            screen["station"] = {"code": station.code, "name": station.name, "role": station.role,
                                 "locale": station.locale}
            return screen

    @always_answers
    def on_request_task(self, data=None):
        with _floor().uow() as uow:
            return dispatch.request_task(uow, self._station(uow))

    @always_answers
    def on_scan(self, data=None):
        scan = ScanPayload.parse(data)
        cmd = scans.ScanCommand(scan.uuid, scan.raw, scan.symbology, scan.scanned_at)
        with _floor().uow() as uow:
            return scans.record_scan(uow, self._station(uow), cmd)

    @always_answers
    def on_action(self, data=None):
        action = ActionPayload.parse(data)
        with _floor().uow() as uow:
            return operator.press(uow, self._station(uow), action.name, action.params)

    @always_answers
    def on_print_result(self, data=None):
        result = PrintResultPayload.parse(data)
        with _floor().uow() as uow:
            try:
                return printing.confirm_print(uow, self._station(uow), result.job_id, result.ok, result.error)
            except printing.NotThisStationsJob as exc:
                return error_reply(ErrorCode.NOT_FOUND, str(exc))

    @always_answers
    def on_printer_status(self, data=None):
        status = PrinterStatusPayload.parse(data)
        with _floor().uow() as uow:
            stations.record_printer_status(uow, self._station(uow), status.status)
        return {"ok": True}

    @always_answers
    def on_scan_dead_lettered(self, data=None):
        dead = DeadLetterPayload.parse(data)
        with _floor().uow() as uow:
            stations.record_dead_letter(uow, self._station(uow), dead)
        return {"ok": True}

    @always_answers
    def on_heartbeat(self, data=None):
        with _floor().uow() as uow:
            return dispatch.heartbeat(uow, self._station(uow))

    def _station(self, uow) -> Station:
        station_id = _connected.get(request.sid)
        station = sessions.load_station(uow.session, station_id) if station_id is not None else None
        if station is None:
            raise NotConnected()
        return station
