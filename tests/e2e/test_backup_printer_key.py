"""The label roll runs out at the packing bench; the packer presses ONE key (F8 on the kiosk) and
the label comes out of the backup printer the fleet assigns to the station. Two fake Zebras on
real TCP sockets: the bench's, answering ~HS with paper out, and the backup. The same print job
moves (one row in the job history, printed on the backup), the order ships once, the bench goes on."""
from __future__ import annotations

from sqlalchemy import func, select

from server import printspool
from server.models import AuditEvent, Order, Package, PrintJob, Printer, Station
from server.services.printers import add_printer, assign_printers
from station.drivers.simulated import FakeZebraPrinter
from tests.floorkit import scan_and_wait, start_floor, wait_for, wait_state


def fleet(floor, bench_url: str, backup_url: str) -> None:
    with floor.uow() as uow:
        station_id = uow.session.scalars(select(Station.id).where(Station.code == "PACK-01")).one()
        backup = add_printer(uow, name="ZD-SPARE", url=backup_url + "?timeout=2")
    with floor.uow() as uow:
        bench = add_printer(uow, name="ZD-PACK", url=bench_url + "?timeout=2")
    with floor.uow() as uow:
        assign_printers(uow, station_id, bench["id"], backup["id"], by_user_id=None)


def refused(packer) -> dict:
    screen = packer.screen()
    return screen if (screen["message"] or {}).get("code") == "label_failed_backup" else None


def test_the_backup_key_prints_the_refused_label_on_the_stations_backup_once(app, floor, picked_order, tmp_path):
    running = start_floor(app)
    backup = FakeZebraPrinter().start()
    try:
        packer = running.add_station("PACK-01", picked_order["token"], tmp_path)
        fleet(floor, packer.printer.url, backup.url)
        wait_state(packer, "pack")
        packer.printer.paper_out = True
        for gtin in (picked_order["lamp"].gtin, picked_order["lamp"].gtin):
            scan_and_wait(packer, gtin)
        packer.scanner.scan(picked_order["mug"].gtin)

        screen = wait_for(lambda: refused(packer), 10, "the label refused, the backup key offered")
        # Why, in words (the station's language is French), and the one key.
        assert "plus de papier" in screen["message"]["text"] and "ZD-SPARE" in screen["message"]["text"]
        assert "backup_printer" in screen["actions"]
        assert packer.printer.jobs == [] and backup.jobs == []

        packer.agent.core.submit_action("backup_printer")  # the kiosk's F8 posts this

        label = backup.wait_for_jobs(1, timeout=10)[0]
        done = wait_for(lambda: packer.screen() if packer.screen()["state"] == "idle" else None, 10, "the bench idle")
        assert done["message"]["code"] == "label_on_backup"
        assert packer.printer.jobs == [] and len(backup.jobs) == 1
        with floor.uow() as uow:
            job = uow.session.scalars(select(PrintJob)).one()  # one job in the history: moved, not copied
            assert uow.session.get(Printer, job.printer_id).name == "ZD-SPARE"
            assert job.status == "printed" and job.station_id is not None and job.attempts == 1
            assert uow.session.get(Package, job.package_id).tracking_number.encode() in label
            assert uow.session.get(Order, picked_order["order_id"]).status == "shipped"
            moved = uow.session.scalar(select(func.count()).select_from(AuditEvent)
                                       .where(AuditEvent.action == "print_job_to_backup"))
            assert moved == 1
        # Paper reloaded at the bench: nothing is printed twice there.
        packer.printer.paper_out = False
        packer.agent.core.reprint()
        wait_state(packer, "idle")
        assert packer.printer.jobs == [] and len(backup.jobs) == 1
    finally:
        running.stop()
        backup.stop()


def test_the_key_says_so_when_the_backup_cannot_print_either_and_the_label_is_kept(app, floor, picked_order,
                                                                                  tmp_path):
    running = start_floor(app)
    backup = FakeZebraPrinter().start()
    try:
        packer = running.add_station("PACK-01", picked_order["token"], tmp_path)
        fleet(floor, packer.printer.url, backup.url)
        wait_state(packer, "pack")
        packer.printer.paper_out = backup.head_open = True
        for gtin in (picked_order["lamp"].gtin, picked_order["lamp"].gtin):
            scan_and_wait(packer, gtin)
        packer.scanner.scan(picked_order["mug"].gtin)
        wait_for(lambda: refused(packer), 10, "the label refused")

        packer.agent.core.submit_action("backup_printer")
        screen = wait_for(lambda: packer.screen() if (packer.screen()["message"] or {}).get("code")
                          == "label_backup_failed" else None, 10, "the backup refused too")
        assert screen["state"] == "print_label" and "tête ouverte" in screen["message"]["text"]
        assert "backup_printer" not in screen["actions"]  # already the backup's: no second move
        assert backup.jobs == [] and packer.printer.jobs == []
        with floor.uow() as uow:
            job = uow.session.scalars(select(PrintJob)).one()
            assert job.status == "failed" and job.retry_at is not None  # kept: the spooler tries again
            assert uow.session.get(Order, picked_order["order_id"]).status == "packed"
            job.retry_at, job_id = None, job.id  # due now (the spooler would wait its backoff)
            uow.commit()
        # The backup's head is closed; the spooler's next try prints it there, and the bench
        # goes on by itself (it asks while it waits), with no key pressed.
        backup.head_open = False
        assert printspool.deliver(floor.uow, job_id)["status"] == "printed"
        wait_state(packer, "idle")
        assert len(backup.jobs) == 1 and packer.printer.jobs == []
        with floor.uow() as uow:
            assert uow.session.scalar(select(func.count()).select_from(PrintJob)) == 1
            assert uow.session.get(Order, picked_order["order_id"]).status == "shipped"
    finally:
        running.stop()
        backup.stop()
