"""Warehouses and their distance table, as an admin sets them up (``colis-server warehouse``).

A bad value is refused naming it (``WarehouseError``) and nothing is written."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import func, select

from server.models import Bin, Station, Warehouse, WarehouseZone
from server.services.unit_of_work import UnitOfWork

CODE = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,15}")
COUNTRY = re.compile(r"[A-Z]{2}")
PREFIX = re.compile(r"[A-Z0-9]{0,16}")


class WarehouseError(ValueError):
    """A warehouse, zone or assignment that cannot be: the message names the value at fault."""


def add_warehouse(uow: UnitOfWork, code: str, name: str, *, line1: str = "", postal_code: str = "", city: str = "",
                  country: str = "FR", timezone: str = "Europe/Paris", actor: str = "cli") -> Warehouse:
    code, country = code.strip().upper(), country.strip().upper()
    if not CODE.fullmatch(code):
        raise WarehouseError(f"code {code!r}: 1 to 16 capital letters, digits, '-' or '_'")
    if not COUNTRY.fullmatch(country):
        raise WarehouseError(f"country {country!r}: an ISO 3166 two-letter code")
    _check_timezone(timezone)
    if find(uow.session, code) is not None:
        raise WarehouseError(f"code {code!r}: a warehouse with this code exists")
    warehouse = Warehouse(code=code, name=(name.strip() or code)[:100], line1=line1[:200],
                          postal_code=postal_code[:16], city=city[:100], country=country, timezone=timezone)
    uow.session.add(warehouse)
    uow.session.flush()
    uow.emit("warehouse_added", actor=actor, warehouse=code, country=country)
    return warehouse


def set_zone(uow: UnitOfWork, code: str, country: str, postal_prefix: str, km: int, *, actor: str = "cli") -> None:
    """How far ``code`` is from customers of ``country`` whose postal code starts with the prefix."""
    warehouse = _existing(uow.session, code)
    country, prefix = country.strip().upper(), postal_prefix.replace(" ", "").upper()
    if not COUNTRY.fullmatch(country):
        raise WarehouseError(f"country {country!r}: an ISO 3166 two-letter code")
    if not PREFIX.fullmatch(prefix):
        raise WarehouseError(f"postal prefix {postal_prefix!r}: up to 16 letters or digits")
    if isinstance(km, bool) or not isinstance(km, int) or not 0 <= km <= 40_000:
        raise WarehouseError(f"km {km!r}: a whole number from 0 to 40000")
    zone = uow.session.scalars(select(WarehouseZone).where(
        WarehouseZone.warehouse_id == warehouse.id, WarehouseZone.country == country,
        WarehouseZone.postal_prefix == prefix)).first()
    if zone is None:
        uow.session.add(WarehouseZone(warehouse_id=warehouse.id, country=country, postal_prefix=prefix, km=km))
    else:
        zone.km = km
    uow.session.flush()
    uow.emit("warehouse_zone_set", actor=actor, warehouse=warehouse.code, country=country, prefix=prefix, km=km)


def assign_station(uow: UnitOfWork, station_code: str, code: str, *, actor: str = "cli") -> None:
    """The station works in that warehouse from its next claim on."""
    warehouse = _existing(uow.session, code)
    station = uow.session.scalars(select(Station).where(Station.code == station_code)).first()
    if station is None:
        raise WarehouseError(f"station {station_code!r}: no such station")
    station.warehouse_id = warehouse.id
    uow.emit("station_moved", actor=actor, station=station.code, warehouse=warehouse.code)


def overview(session) -> list[dict]:
    """Every warehouse with its bins, stations and distance rows (what ``warehouse list`` prints)."""
    bins = dict(session.execute(select(Bin.warehouse_id, func.count()).group_by(Bin.warehouse_id)).all())
    stations = dict(session.execute(select(Station.warehouse_id, func.count()).group_by(Station.warehouse_id)).all())
    zones: dict[int, list[str]] = {}
    for zone in session.scalars(select(WarehouseZone).order_by(WarehouseZone.country, WarehouseZone.postal_prefix)):
        zones.setdefault(zone.warehouse_id, []).append(f"{zone.country}{zone.postal_prefix or '*'} {zone.km} km")
    return [{"code": w.code, "name": w.name, "city": w.city, "country": w.country, "active": w.active,
             "bins": bins.get(w.id, 0), "stations": stations.get(w.id, 0), "zones": zones.get(w.id, [])}
            for w in session.scalars(select(Warehouse).order_by(Warehouse.id))]


def find(session, code: str) -> Warehouse | None:
    return session.scalars(select(Warehouse).where(Warehouse.code == code.strip().upper())).first()


def _existing(session, code: str) -> Warehouse:
    warehouse = find(session, code)
    if warehouse is None:
        raise WarehouseError(f"warehouse {code!r}: no such warehouse")
    return warehouse


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise WarehouseError(f"timezone {name!r}: not a known time zone (e.g. Europe/Paris)") from None
