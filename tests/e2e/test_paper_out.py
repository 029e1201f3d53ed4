"""The label roll runs out as a parcel closes: nothing is lost, the packer sees it in red,
reloads, presses reprint, and the same label prints; the order ships once."""
from __future__ import annotations

from sqlalchemy import func, select

from server.models import Order, Package, PrintJob
from tests.floorkit import scan_and_wait, start_floor, wait_for, wait_state


def test_a_label_refused_for_lack_of_paper_prints_after_reload_and_reprint(app, floor, picked_order, tmp_path):
    running = start_floor(app)
    try:
        packer = running.add_station("PACK-01", picked_order["token"], tmp_path)
        wait_state(packer, "pack")
        packer.printer.paper_out = True
        for gtin in (picked_order["lamp"].gtin, picked_order["lamp"].gtin):
            scan_and_wait(packer, gtin)
        packer.scanner.scan(picked_order["mug"].gtin)

        refused = wait_for(lambda: packer.screen() if packer.screen()["message"] and
                           packer.screen()["message"]["code"] == "label_failed" else None, 10, "label_failed")
        assert refused["state"] == "print_label" and refused["message"]["level"] == "error"
        # Why, in words (the station speaks French), not the printer's key.
        assert "plus de papier" in refused["message"]["text"] and "paper_out" not in refused["message"]["text"]
        assert packer.printer.jobs == []
        with floor.uow() as uow:
            assert uow.session.scalars(select(PrintJob.status)).one() == "failed"
            assert uow.session.get(Order, picked_order["order_id"]).status == "packed"

        packer.printer.paper_out = False
        packer.agent.core.reprint()
        label = packer.printer.wait_for_jobs(1, timeout=10)[0]
        wait_state(packer, "idle")
        with floor.uow() as uow:
            package = uow.session.scalars(select(Package)).one()
            assert package.tracking_number.encode() in label
            assert uow.session.get(Order, picked_order["order_id"]).status == "shipped"
            assert uow.session.scalar(select(func.count()).select_from(PrintJob)) == 1
        assert len(packer.printer.jobs) == 1
    finally:
        running.stop()
