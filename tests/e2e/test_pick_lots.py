"""A GS1 DataMatrix at the pick station, through a real pty, a real socket and a real database
(issue 6): an expired lot is refused in red and nothing is picked; a lot in date is picked,
recorded, and found again by lot."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from server.models import PickedLot, Stock
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station, signed_in
from tests.floorkit import scan_and_wait, start_floor, wait_state

GS = "\x1d"  # FNC1 inside the symbol, sent by the scanner as GS


def datamatrix(gtin: str, lot: str, expiry: date) -> str:
    # Serial first (variable length: FNC1 after it), then the expiry, then the lot (last: no FNC1).
    return "01" + gtin.zfill(14) + "21SN-7" + GS + "17" + expiry.strftime("%y%m%d") + "10" + lot


def test_an_expired_datamatrix_is_refused_at_pick_and_a_good_lot_is_found_again(app, floor, tmp_path):
    with floor.uow() as uow:
        lamp = add_item(uow, "Yaourt nature", on_hand=4, bin_code="A-01-02-1")
        order = add_order(uow, [(lamp, 1)])
        allocate_order(uow, order.id)
        _, token = add_station(uow, "PICK-01", "pick")
        uow.commit()
    running = start_floor(app)
    try:
        picker = running.add_station("PICK-01", token, tmp_path)
        wait_state(picker, "pick")
        expired = scan_and_wait(picker, datamatrix(lamp.gtin, "LOT-OLD", date.today() - timedelta(days=1)),
                                symbology="]d2")
        assert (expired["state"], expired["message"]["level"], expired["message"]["code"]) == (
            "pick", "error", "lot_expired")
        assert "LOT-OLD" in expired["message"]["text"]
        with floor.uow() as uow:
            assert uow.session.scalar(select(Stock.on_hand).where(Stock.product_id == lamp.product_id)) == 4
            assert uow.session.scalar(select(func.count()).select_from(PickedLot)) == 0

        good = scan_and_wait(picker, datamatrix(lamp.gtin, "LOT-NEW", date.today() + timedelta(days=30)),
                             symbology="]d2")
        assert (good["state"], good["message"]["code"]) == ("idle", "pick_done")
        assert picker.agent.outbox.count() == 0
    finally:
        running.stop()
    web = signed_in(app, floor, "sophie", "supervisor")
    [traced] = web.get("/api/v1/lots/LOT-NEW").get_json()["orders"]
    assert (traced["order"], traced["units"], traced["serials"]) == (order.reference, 1, ["SN-7"])
