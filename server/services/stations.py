"""Station identity and health: token check, online/offline, printer status."""
from __future__ import annotations

import hashlib
import hmac
import secrets

from datetime import datetime, timedelta

from sqlalchemy import select, update

from server.domain.roles import STATION_ROLES
from server.models import Station
from server.models._types import utcnow
from server.services.unit_of_work import UnitOfWork


def hash_token(token: str) -> str:
    # Tokens are 256-bit random values, so one SHA-256 is enough: there is nothing to
    # brute-force, and a fast hash keeps every reconnect of 50 stations cheap.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def register_station(uow: UnitOfWork, code: str, role: str, name: str = "", locale: str = "fr",
                     token: str | None = None, warehouse_id: int | None = None) -> tuple[Station, str]:
    """Create or re-key a station; returns it with its clear token (shown once). It works in
    ``warehouse_id`` (the default warehouse when None and new; unchanged when None and known)."""
    if role not in STATION_ROLES:
        raise ValueError(f"station role must be one of {', '.join(STATION_ROLES)}")
    token = token or new_token()
    station = uow.session.scalars(select(Station).where(Station.code == code)).first()
    if station is None:
        station = Station(code=code, name=name or code, role=role, locale=locale, token_hash="")
        uow.session.add(station)
    station.role, station.locale, station.token_hash = role, locale, hash_token(token)
    if warehouse_id is not None:
        station.warehouse_id = warehouse_id
    uow.session.flush()
    return station, token


def authenticate(uow: UnitOfWork, code: str, token: str) -> Station | None:
    station = uow.session.scalars(select(Station).where(Station.code == code)).first()
    if station is None or not station.active:
        hmac.compare_digest(hash_token(token), hash_token(""))  # same work either way
        return None
    if not hmac.compare_digest(station.token_hash, hash_token(token)):
        return None
    return station


def clear_stale_presence(uow: UnitOfWork, keep: set[int] = frozenset()) -> list[str]:
    """Mark offline every station flagged online but not in ``keep`` (the ones this process
    holds); returns their codes. Run by a floor's single process before its first sign-in."""
    stale = uow.session.scalars(select(Station).where(Station.online.is_(True))).all()
    stale = [station for station in stale if station.id not in keep]
    for station in stale:
        station.online = False
        uow.emit("station_offline", station=station.code, role=station.role, reason="stale at server start")
    uow.commit()
    return [station.code for station in stale]


def rekey_station(uow: UnitOfWork, code: str, actor: str, address: str | None = None,
                  token: str | None = None) -> tuple[Station, str]:
    """A new token for an existing station; the old one (and any socket signed in with it) stops
    working. The caller drops the open socket (server/api/station_ns.disconnect_station)."""
    station = uow.session.scalars(select(Station).where(Station.code == code)).first()
    if station is None:
        raise LookupError(f"no station {code}")
    token = token or new_token()
    station.token_hash = hash_token(token)
    uow.emit("station_rekeyed", actor=actor, station=station.code, address=address)
    uow.session.flush()
    return station, token


def set_station_active(uow: UnitOfWork, code: str, active: bool, actor: str,
                       address: str | None = None) -> Station:
    station = uow.session.scalars(select(Station).where(Station.code == code)).first()
    if station is None:
        raise LookupError(f"no station {code}")
    station.active = active
    uow.emit("station_activated" if active else "station_deactivated", actor=actor, station=station.code,
             address=address)
    uow.session.flush()
    return station


def clear_silent_stations(uow: UnitOfWork, silent_for: float, now: datetime | None = None) -> list[str]:
    """Mark offline every station flagged online that has not been heard of for ``silent_for``
    seconds (no connect, heartbeat or printer report): its socket died with a server process
    that was killed, or the network dropped without a close. Any process may run it, at any time:
    one atomic UPDATE, so two processes sweeping together report each station once, and a station
    that came back meanwhile (newer last_seen_at) is left alone. Commits."""
    cutoff = (now or utcnow()) - timedelta(seconds=silent_for)
    silent = uow.session.execute(
        update(Station).where(Station.online.is_(True), Station.last_seen_at < cutoff)
        .values(online=False).returning(Station.code, Station.role)).all()
    for code, role in silent:
        uow.emit("station_offline", station=code, role=role, reason="silent")
    uow.commit()
    return [code for code, _ in silent]


def mark_online(uow: UnitOfWork, station: Station, online: bool) -> None:
    station.online, station.last_seen_at = online, utcnow()
    uow.emit("station_online" if online else "station_offline", station=station.code, role=station.role)
    uow.commit()


def record_printer_status(uow: UnitOfWork, station: Station, clean: dict) -> None:
    """``clean``: the printer's condition, validated against wire.contract.PRINTER_STATUS_KEYS."""
    changed = clean != (station.printer_status or {})
    station.printer_status, station.last_seen_at = clean, utcnow()
    if changed:
        uow.emit("printer_status", station=station.code, status=clean)
    uow.commit()


def record_dead_letter(uow: UnitOfWork, station: Station, dead) -> None:
    """A scan the station set aside after the server refused or failed on it: the supervisor is told."""
    uow.emit("scan_dead_lettered", station=station.code, uuid=dead.uuid, raw=dead.raw, reason=dead.reason,
             attempts=dead.attempts)
    uow.commit()
