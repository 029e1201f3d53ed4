"""A packer's network drops mid-pack: scans wait in the outbox, the screen says offline,
and when the network returns they are applied once each, in order, and the label prints."""
from __future__ import annotations

from sqlalchemy import func, select

from demo.floor import LiveStation
from server.models import Order, ScanEvent
from station.__main__ import run_station
from station.config import StationConfig
from station.drivers.simulated import FakeZebraPrinter, PtyScanner
from tests.floorkit import scan_and_wait, start_floor, wait_for, wait_state
from tests.netfault import CuttableProxy


def test_scans_made_offline_are_replayed_once_in_order_and_the_label_prints(app, floor, picked_order, tmp_path):
    running = start_floor(app)
    proxy = CuttableProxy(running.server.server.server_port)
    scanner, printer = PtyScanner(), FakeZebraPrinter().start()
    config = StationConfig(server_url=proxy.url, station_code="PACK-01", token=picked_order["token"],
                           scanner_url=scanner.device, printer_url=printer.url,
                           outbox_path=str(tmp_path / "outbox.sqlite"), ack_timeout=2.0)
    packer = LiveStation("PACK-01", scanner, printer, run_station(config))
    try:
        wait_state(packer, "pack")
        assert scan_and_wait(packer, picked_order["lamp"].gtin)["task"]["progress"]["done"] == 1

        proxy.cut()
        wait_state(packer, "offline")
        scanner.scan(picked_order["mug"].gtin)
        scanner.scan(picked_order["lamp"].gtin)
        wait_for(lambda: packer.agent.outbox.count() == 2, 5, "two scans kept in the outbox")
        screen = packer.screen()
        assert screen["state"] == "offline" and screen["waiting_scans"] == 2
        assert printer.jobs == []
        with floor.uow() as uow:
            assert uow.session.scalar(select(func.count()).select_from(ScanEvent)
                                      .where(ScanEvent.station_id != None)) == 4  # noqa: E711 - 3 picks + 1 pack

        proxy.restore()
        label = printer.wait_for_jobs(1, timeout=20)[0]
        wait_state(packer, "idle", timeout=10)
        assert packer.agent.outbox.count() == 0 and b"^XA" in label
        with floor.uow() as uow:
            assert uow.session.get(Order, picked_order["order_id"]).status == "shipped"
            outcomes = uow.session.scalars(select(ScanEvent.outcome).order_by(ScanEvent.id)).all()
        assert outcomes[3:] == ["counted", "counted", "task_complete"]
    finally:
        packer.stop()
        proxy.stop()
        running.stop()
