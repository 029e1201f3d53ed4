"""The supervisors' /printers page: each printer's state in words (FR/EN, never a code), the
job history, assigning a station's printer and backup, and a reprint that reaches the printer."""
from __future__ import annotations

from sqlalchemy import select

from server import printspool
from server.models import PrintJob, Printer
from server.services.printers import reprint_label
from tests.factories import signed_in
from tests.integration.test_printer_fleet import label_bytes, make_fleet, make_package, zebras  # noqa: F401


def test_the_page_shows_states_and_history_in_words_and_reprints(app, floor, zebras):
    ids = make_fleet(floor, zebras)
    package_id, order_ref = make_package(floor)
    zebras[0].paper_out = True
    zebras[1].paper_out = True  # the backup too: the job is refused, with its reason
    with floor.uow() as uow:
        job_id = reprint_label(uow, package_id, ids["main"], ids["user"])["job_id"]
    printspool.deliver(floor.uow, job_id)
    web = signed_in(app, floor, "claire", "supervisor")
    page = web.get("/printers?lang=fr").get_data(as_text=True)
    assert "Imprimantes" in page and "ZD-PACK" in page and "PACK-F1" in page and "ZD-SPARE" in page
    assert "plus de papier" in page and "non imprimée" in page and order_ref in page and ">sophie<" in page
    assert "user:" not in page
    assert "paper_out" not in page and "printer_offline" not in page  # codes never reach the screen
    english = web.get("/printers?lang=en").get_data(as_text=True)
    assert "out of paper" in english and "not printed" in english and "Recent print jobs" in english

    zebras[2].paper_out = False
    reply = web.post(f"/printers/jobs/{job_id}/reprint", data={"printer": str(ids["backup"])})
    assert reply.status_code == 302
    zebras[1].paper_out = False
    with floor.uow() as uow:
        again = uow.session.scalars(select(PrintJob).where(PrintJob.reprint_of == job_id)).one()
        assert (again.printer_id, again.requested_by) == (ids["backup"], "user:claire")
        again_id = again.id
    assert printspool.deliver(floor.uow, again_id)["status"] == "printed"
    assert label_bytes(zebras[1]).count(b"^XZ") == 1


def test_assigning_a_printer_and_backup_from_the_page(app, floor, zebras):
    ids = make_fleet(floor, zebras, backup=False)
    web = signed_in(app, floor, "claire", "supervisor")
    with floor.uow() as uow:
        station_id = uow.session.get(Printer, ids["main"]).station_id
    reply = web.post("/printers/assign", data={"station": str(station_id), "printer": str(ids["backup"]),
                                               "backup": str(ids["main"])}, follow_redirects=True)
    assert "ZD-SPARE imprime pour PACK-F1, secours : ZD-PACK" in reply.get_data(as_text=True) or \
        "ZD-SPARE prints for PACK-F1, backup: ZD-PACK" in reply.get_data(as_text=True)
    with floor.uow() as uow:
        assert uow.session.get(Printer, ids["backup"]).station_id == station_id
    bad = web.post("/printers/assign?lang=en", data={"station": "x", "printer": ""}, follow_redirects=True)
    assert "Choose a station and a printer" in bad.get_data(as_text=True)
    itself = web.post("/printers/assign?lang=en", data={"station": str(station_id), "printer": str(ids["main"]),
                                                        "backup": str(ids["main"])}, follow_redirects=True)
    assert "cannot be its own backup" in itself.get_data(as_text=True)
    with floor.uow() as uow:
        assert uow.session.get(Printer, ids["main"]).backup_id is None  # the refused change left nothing


def test_only_supervisors_open_the_printers_page(app, floor):
    packer = signed_in(app, floor, "paul", "packer")
    assert packer.get("/printers").status_code == 403
    assert packer.post("/printers/assign", data={}).status_code == 403
    assert app.test_client().get("/printers").status_code == 302  # anonymous: to the sign-in page


def test_a_supervisor_stops_a_job_that_keeps_being_refused(app, floor, zebras):
    ids = make_fleet(floor, zebras, backup=False)
    package_id, _ = make_package(floor)
    zebras[0].paper_out = True
    with floor.uow() as uow:
        job_id = reprint_label(uow, package_id, ids["main"], ids["user"])["job_id"]
    printspool.deliver(floor.uow, job_id)
    web = signed_in(app, floor, "claire", "supervisor")
    assert f'/printers/jobs/{job_id}/cancel' in web.get("/printers").get_data(as_text=True)
    done = web.post(f"/printers/jobs/{job_id}/cancel?lang=en", follow_redirects=True).get_data(as_text=True)
    assert f"Print job {job_id} cancelled" in done
    with floor.uow() as uow:
        row = uow.session.get(PrintJob, job_id)
        assert (row.status, row.retry_at) == ("cancelled", None)
    zebras[0].paper_out = False
    assert printspool.PrintSpooler(floor.uow).run_once() == [] and zebras[0].jobs == []  # never sent
    again = web.post(f"/printers/jobs/{job_id}/cancel?lang=en", follow_redirects=True).get_data(as_text=True)
    assert "is no longer waiting: nothing to cancel" in again
