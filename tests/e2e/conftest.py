"""Fixtures shared by the end-to-end tests."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

import pytest

from server.models import Station
from server.services import dispatch, scans
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station


@pytest.fixture
def picked_order(floor):
    """An order already picked (through the services), waiting at packing."""
    with floor.uow() as uow:
        lamp, mug = add_item(uow, "Lampe", on_hand=3), add_item(uow, "Mug", on_hand=3)
        order = add_order(uow, [(lamp, 2), (mug, 1)])
        allocate_order(uow, order.id)
        picker_id, _ = add_station(uow, "PICK-01", "pick")
        _, pack_token = add_station(uow, "PACK-01", "pack")
        uow.commit()
    with floor.uow() as uow:
        dispatch.request_task(uow, uow.session.get(Station, picker_id))
    for gtin in (lamp.gtin, lamp.gtin, mug.gtin):
        with floor.uow() as uow:
            cmd = scans.ScanCommand(str(uuid.uuid4()), gtin, None, datetime.now(timezone.utc))
            scans.record_scan(uow, uow.session.get(Station, picker_id), cmd)
    return {"order_id": order.id, "lamp": lamp, "mug": mug, "token": pack_token}
