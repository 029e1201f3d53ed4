"""What supervisors see, computed from the database on both backends."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from server.models import Product, Station
from server.services import dispatch, scans
from server.services.allocation import allocate_order
from server.services.floor import floor_snapshot
from tests.factories import add_item, add_order, add_station


def test_backlog_late_orders_rates_and_exceptions(floor):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=5)
        late = add_order(uow, [(lamp, 1)], ship_in_hours=-2)
        add_order(uow, [(lamp, 1)], ship_in_hours=5)
        allocate_order(uow, late.id)
        station_id, _ = add_station(uow, "PICK-01", "pick")
        uow.commit()
    with floor.uow() as uow:
        dispatch.request_task(uow, uow.session.get(Station, station_id))
    for raw in ("garbage", lamp.gtin):
        with floor.uow() as uow:
            scans.record_scan(uow, uow.session.get(Station, station_id),
                              scans.ScanCommand(str(uuid.uuid4()), raw, None, datetime.now(timezone.utc)))
    with floor.uow() as uow:
        snap = floor_snapshot(uow.session)
    assert snap["backlog"] == 2 and snap["late"] == 1
    assert snap["orders"] == {"new": 1, "picked": 1}
    assert snap["tasks"] == {"pack_open": 1}
    assert snap["rates"]["scans_15m"] == 2 and snap["rates"]["exceptions_15m"] == 1
    assert snap["rates"]["exceptions_by_kind"] == {"unreadable": 1}
    assert snap["stations"][0]["code"] == "PICK-01"


def test_a_product_with_a_bad_gtin_check_digit_is_refused():
    with pytest.raises(ValueError, match="check digit"):
        Product(sku="SKU-1", gtin="4006381333932", name="x", weight_g=1, price_cents=1)
    assert Product(sku="SKU-1", gtin="4006381333931", name="x", weight_g=1, price_cents=1).gtin == "4006381333931"
