"""``/station``: station agents. Token auth at connect; every handler answers.

Payloads are validated against the wire contract (wire/payloads.py); meaning is decided by
the services. No handler can leave a station without an ack: a bad payload answers
``bad_request``, a failure answers ``server_error`` (logged), never silence (docs/protocol.md).
"""
from __future__ import annotations

import logging
import re
import threading
from functools import wraps
from typing import NamedTuple

from flask import current_app, request
from flask_socketio import ConnectionRefusedError, Namespace, join_room
from sqlalchemy import select

from server.api.station_fairness import StationBucket, StationGate
from server.domain.scenarios import ROLE_SCENARIO, SCENARIOS
from server import printspool
from server.extensions import socketio
from server.models import Station
from server.services import dispatch, operator, printing, scans, sessions, station_devices, stations, steps
from wire.contract import Action, ErrorCode, error_reply
from wire.payloads import (ActionPayload, BadPayload, DeadLetterPayload, PrinterStatusPayload,
                           PrintResultPayload, ScanPayload)

log = logging.getLogger(__name__)

# sid -> the station signed in on it and the token hash it signed in with, for this process.
# Sticky sessions keep a socket on one process.
_connected: dict[str, "Signed"] = {}
# Event names python-socketio reserves for its own connect and disconnect: a client sending
# them as ordinary events must not reach those handlers (docs/security.md).
RESERVED_EVENTS = ("connect", "disconnect")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Signed(NamedTuple):
    station_id: int
    token_hash: str  # a re-key changes the row's: this socket's events are then refused
    code: str = ""


gate = StationGate()  # one per process: a station's socket lives on one process
_NO_LIMIT = StationBucket(rate=0, burst=1)


def station_bucket(app) -> StationBucket:
    bucket = app.extensions.get("colis_station_bucket")
    if bucket is None:
        bucket = app.extensions.setdefault("colis_station_bucket", StationBucket.from_config(app.config))
    return bucket


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
            return error_reply(ErrorCode.BUSY, "database busy or unreachable, try again")
        except Exception:  # noqa: BLE001 - the station must always get an answer
            signed = _connected.get(request.sid)
            log.exception("station event %s failed (sid %s, station %s)", handler.__name__, request.sid,
                          signed.station_id if signed else None)
            return error_reply(ErrorCode.SERVER_ERROR, "the server failed on this request, try again")
    return answer


class StationNamespace(Namespace):
    def trigger_event(self, event, *args):
        if event in RESERVED_EVENTS and self._sent_by_client(event, args):
            # Before: a station emitting "disconnect" ran the disconnect handler (marked offline,
            # every later event unanswered); "connect" would re-run the sign-in on a live socket.
            log.warning("station socket %s sent a reserved event %r: refused", args[0] if args else "?", event)
            return error_reply(ErrorCode.BAD_REQUEST, f"'{event}' is not an event a station may send")
        signed = _connected.get(args[0]) if args and event not in RESERVED_EVENTS else None
        if signed is None:
            return super().trigger_event(event, *args)
        bucket = self._bucket(args[0])
        if not bucket.take(signed.station_id):
            if bucket.ignores_busy(signed.station_id):
                self._drop_flooder(args[0], signed, bucket)
            return error_reply(ErrorCode.BUSY, "too many events from this station, try again")
        running = gate.enter(signed.station_id)
        if running is None:
            log.warning("station %s: more than %d events waiting, %r answered busy", signed.station_id,
                        gate.max_waiting, event)
            return error_reply(ErrorCode.BUSY, "too many events in flight from this station, try again")
        try:
            return super().trigger_event(event, *args)
        finally:
            gate.leave(signed.station_id, running)

    def _drop_flooder(self, sid: str, signed: Signed, bucket: StationBucket) -> None:
        log.warning("station %s ignored %d busy answers in a row: socket %s closed, connections refused "
                    "for %.0f s", signed.code or signed.station_id, bucket.drop_after, sid, bucket.cool_off_seconds)
        bucket.cool_off(signed.station_id, signed.code)
        app = self._app_of(sid)  # read before the disconnect, which forgets the socket's environ
        _connected.pop(sid, None)  # its events still in flight answer not_connected
        socketio.server.disconnect(sid, namespace=self.namespace)
        self._audit_cut_off(app, signed, bucket)

    @staticmethod
    def _audit_cut_off(app, signed: Signed, bucket: StationBucket) -> None:
        """On the audit trail and the supervisors' feed: a station cut off is broken or in other
        hands (a stolen token), and someone should go and look. Rare: one row per cut-off."""
        if app is None:
            return
        try:
            with app.extensions["colis"].uow() as uow:
                uow.emit("station_flood_cut_off", station=signed.code, ignored=bucket.drop_after,
                         seconds=round(bucket.cool_off_seconds))
                uow.commit()
        except Exception:  # noqa: BLE001 - the cut-off stands without its record; logged above
            log.exception("station %s cut off, not recorded on the audit trail", signed.code)

    def _app_of(self, sid: str):
        # The app of the socket's handshake (trigger_event runs before Flask-SocketIO's context).
        return (self.server.get_environ(sid, namespace=self.namespace) or {}).get("flask.app")

    def _bucket(self, sid: str) -> StationBucket:
        app = self._app_of(sid)
        if app is None:
            return _NO_LIMIT  # a socket going away: Flask-SocketIO ignores its event anyway
        return station_bucket(app)

    def _sent_by_client(self, event: str, args: tuple) -> bool:
        sid = args[0] if args else None
        if event == "disconnect":
            # python-socketio marks a socket it is disconnecting before calling the handler.
            return self.server.manager.is_connected(sid, self.namespace)
        # A real connect passes the handshake's own WSGI environ; an event cannot forge that object.
        return len(args) < 2 or args[1] is not self.server.get_environ(sid, namespace=self.namespace)

    def on_connect(self, auth=None):
        auth = auth if isinstance(auth, dict) else {}
        code, token = str(auth.get("station", ""))[:64], str(auth.get("token", ""))[:256]
        if not code or not token or _CONTROL.search(code) or _CONTROL.search(token):
            raise ConnectionRefusedError("unauthorized")  # before: a NUL byte failed in PostgreSQL
        if station_bucket(current_app).cooling(code):
            raise ConnectionRefusedError("busy")  # dropped for flooding, a moment ago
        registry = current_app.extensions["colis_sockets"]
        replaced = None
        try:
            sweep_stale_presence(current_app)
            with _floor().uow() as uow:
                station = stations.authenticate(uow, code, token)
                if station is None:
                    raise ConnectionRefusedError("unauthorized")
                _connected[request.sid] = Signed(station.id, station.token_hash, station.code)
                join_room(f"station:{station.code}")
                join_room(f"role:{station.role}")
                kind = SCENARIOS[ROLE_SCENARIO[station.role]].claims
                if kind and kind != station.role:
                    join_room(f"role:{kind}")  # nudged when work of the kind it claims appears
                # One socket a station, the newest: the older is most often a dead connection of
                # the same PC (rebooted, moved to another access point) that would otherwise hold
                # the station for a ping timeout (docs/security.md, "One socket a station").
                replaced = registry.claim_station(station.id, request.sid)
                if replaced:
                    _connected.pop(replaced, None)  # its events answer not_connected at once
                    uow.emit("station_socket_replaced", station=station.code, address=request.remote_addr)
                stations.mark_online(uow, station, True)
        except ConnectionRefusedError:
            _connected.pop(request.sid, None)
            raise
        except Exception:  # noqa: BLE001 - the station retries its connection with back-off
            signed = _connected.pop(request.sid, None)
            if signed is not None:
                registry.release_station(signed.station_id, request.sid)
            log.exception("station %s could not connect", code)
            raise ConnectionRefusedError("server_error") from None
        if replaced:
            socketio.server.disconnect(replaced, namespace=self.namespace)  # on any process (message queue)

    def on_disconnect(self, reason=None):
        signed = _connected.pop(request.sid, None)
        if signed is None:
            return
        try:
            if not current_app.extensions["colis_sockets"].release_station(signed.station_id, request.sid):
                return  # replaced by a newer socket of the same station: it stays online
            with _floor().uow() as uow:
                stations.mark_online(uow, uow.session.get(Station, signed.station_id), False)
        except Exception:  # noqa: BLE001 - a disconnect has no one to answer; the next connect fixes it
            log.exception("station %s: could not record the disconnect", signed.station_id)

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
            station = self._station(uow)
            station_id = station.id
            screen = operator.press(uow, station, action.name, action.params)
        if action.name == Action.BACKUP_PRINTER and (screen.get("message") or {}).get("code") == "label_to_backup":
            # The labels moved to the backup printer are sent now (no transaction held while
            # the printer answers), so the answer says whether they came out.
            return printspool.backup_key(_floor().uow, station_id)
        return screen

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
            station = self._station(uow)
            if station_devices.record(station, data):  # scanner, scale, queued scans: for the dashboard
                # An event, so an open dashboard redraws its station table now (no feed line).
                uow.emit("station_devices", station=station.code, devices=station.device_status)
            return dispatch.heartbeat(uow, station)

    def _station(self, uow) -> Station:
        signed = _connected.get(request.sid)
        station = sessions.load_station(uow.session, signed.station_id) if signed is not None else None
        if station is None:
            raise NotConnected()
        if not station.active or station.token_hash != signed.token_hash:
            # Re-keyed or deactivated since this socket signed in (by any process, or the CLI):
            # the row every event loads anyway says so, and the socket is ended.
            _connected.pop(request.sid, None)
            socketio.server.disconnect(request.sid, namespace="/station")
            raise NotConnected()
        return station


def disconnect_station(app, station_id: int) -> None:
    """End the station's open socket wherever it is (re-key, deactivation)."""
    sid = app.extensions["colis_sockets"].station_sid(station_id)
    if sid:
        socketio.server.disconnect(sid, namespace="/station")


def drop_revoked_sockets(app) -> int:
    """Close this process's station sockets whose station was re-keyed or deactivated since they
    signed in (from the CLI, a page or another process): now, not at their next event, with or
    without Redis. Run by the presence sweeper (server/presence.py); returns how many closed."""
    held = dict(_connected)  # a copy: sockets come and go meanwhile
    if not held:
        return 0
    ids = {signed.station_id for signed in held.values()}
    with app.extensions["colis"].session_factory() as session:
        current = {row.id: row for row in session.execute(
            select(Station.id, Station.token_hash, Station.active).where(Station.id.in_(ids)))}
    closed = 0
    for sid, signed in held.items():
        row = current.get(signed.station_id)
        if row is None or not row.active or row.token_hash != signed.token_hash:
            _connected.pop(sid, None)
            socketio.server.disconnect(sid, namespace="/station")
            closed += 1
    return closed


def sweep_stale_presence(app) -> None:
    """Once per process, before its first station signs in: stations left ``online`` by a process
    that died (kill -9, power cut) are marked offline. Only a floor's single process can know
    that every flag it did not set is stale; with REDIS_URL (several processes) it is skipped
    (docs/security.md, "Presence"). Sign-ins wait for the sweep, so it never clears one of them."""
    if app.config.get("REDIS_URL"):
        return
    state = app.extensions.setdefault("colis_presence", {"lock": threading.Lock(), "swept": False})
    if state["swept"]:
        return
    with state["lock"]:
        if state["swept"]:
            return
        with app.extensions["colis"].uow() as uow:
            stations.clear_stale_presence(uow)
        state["swept"] = True
