"""The printer fleet against fake Zebras on real TCP sockets, on SQLite and PostgreSQL:
reprint to a chosen printer, ~HS before each job, failover to the backup, refusal with the
reason in words and a retry that prints once, offline detection, the return label."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from labels import make_sscc
from server import printspool
from server.models import AuditEvent, Package, PrintJob, Printer, Return, ReturnLine
from server.models._types import utcnow
from server.services.printers import (FleetError, add_printer, assign_printers, print_return_label,
                                      reprint_label)
from station.drivers.simulated import FakeZebraPrinter
from tests.factories import add_item, add_order, add_station, add_user
from tests.integration.test_floor_flow import order_ready  # noqa: F401 - a fixture, used below


@pytest.fixture
def zebras():
    started = [FakeZebraPrinter().start() for _ in range(3)]
    yield started
    for fake in started:
        fake.stop()


def make_package(floor) -> tuple[int, str]:
    with floor.uow() as uow:
        order = add_order(uow, [(add_item(uow, "Lampe de bureau"), 1)])
        package = Package(order_id=order.id, carrier="Colissimo", service="Domicile", weight_g=800)
        uow.session.add(package)
        uow.session.flush()
        package.sscc = make_sscc(0, "3761234", package.id)
        package.tracking_number = f"6A{package.id:011d}"
        uow.commit()
        return package.id, order.reference


def make_fleet(floor, zebras, *, backup: bool = True) -> dict:
    """PACK-01's printer on zebras[0] (backup zebras[1] if asked), the returns desk's on zebras[2]."""
    with floor.uow() as uow:
        add_station(uow, "PACK-F1", "pack")
        add_station(uow, "RET-F1", "returns")
        user = add_user(uow, "sophie", "supervisor")
        uow.commit()
    ids = {"user": user}
    with floor.uow() as uow:
        ids["backup"] = add_printer(uow, name="ZD-SPARE", url=zebras[1].url + "?timeout=1", dpi=300,
                                    media="100x150")["id"]
    with floor.uow() as uow:
        ids["main"] = add_printer(uow, name="ZD-PACK", url=zebras[0].url + "?timeout=1", station_code="PACK-F1",
                                  backup="ZD-SPARE" if backup else None)["id"]
    with floor.uow() as uow:
        ids["desk"] = add_printer(uow, name="ZD-RET", url=zebras[2].url + "?timeout=1", dpi=300, media="4x4",
                                  station_code="RET-F1")["id"]
    return ids


def label_bytes(fake: FakeZebraPrinter) -> bytes:
    """Everything the printer received but its status requests: the labels, byte for byte."""
    return bytes(fake.received).replace(b"~HQES", b"").replace(b"~HS", b"")


def deliver(floor, job_id):
    return printspool.deliver(floor.uow, job_id, confirm_timeout=1.0)


def job(floor, job_id) -> PrintJob:
    with floor.uow() as uow:
        row = uow.session.get(PrintJob, job_id)
        uow.session.expunge(row)
        return row


def printer(floor, printer_id) -> Printer:
    with floor.uow() as uow:
        row = uow.session.get(Printer, printer_id)
        uow.session.expunge(row)
        return row


def test_a_reprint_reaches_the_chosen_printer_byte_for_byte_and_is_recorded(floor, zebras):
    ids = make_fleet(floor, zebras)
    package_id, order_ref = make_package(floor)
    with floor.uow() as uow:
        queued = reprint_label(uow, package_id, ids["backup"], ids["user"])
    assert (queued["status"], queued["printer"], queued["requested_by"]) == ("queued", "ZD-SPARE", "user:sophie")
    done = deliver(floor, queued["job_id"])
    assert done["status"] == "printed" and done["words"] == "Label printed on ZD-SPARE"
    row = job(floor, queued["job_id"])
    zebras[1].wait_for_jobs(1)
    assert label_bytes(zebras[1]) == row.zpl.encode("utf-8")
    assert "^PW1181" in row.zpl  # drawn for that printer: 100 mm at 300 dpi
    assert zebras[1].status_requests >= 2 and zebras[0].jobs == zebras[2].jobs == []
    assert (row.attempts, row.printed_at is not None, row.sent_at is not None) == (1, True, True)
    assert printer(floor, ids["backup"]).online
    with floor.uow() as uow:
        trail = list(uow.session.execute(select(AuditEvent.action, AuditEvent.subject, AuditEvent.actor)
                                         .where(AuditEvent.action.in_(("label_reprinted", "print_job_printed")))))
    assert [tuple(row_) for row_ in trail] == [("label_reprinted", f"order:{order_ref}", "user:sophie"),
                                               ("print_job_printed", f"job:{row.id}", "system")]
    assert deliver(floor, queued["job_id"]) is None  # printed: never sent twice


@pytest.mark.parametrize("fault", ["paper_out", "head_open", "ribbon_out", "paused"])
def test_a_faulted_printer_gets_nothing_and_its_backup_prints_the_label(floor, zebras, fault):
    ids = make_fleet(floor, zebras)
    package_id, _ = make_package(floor)
    setattr(zebras[0], fault, True)
    with floor.uow() as uow:
        queued = reprint_label(uow, package_id, ids["main"], ids["user"])
    done = deliver(floor, queued["job_id"])
    assert (done["status"], done["printer"]) == ("printed", "ZD-SPARE")
    assert done["words"].startswith("ZD-PACK: ") and done["words"].endswith("label sent to the backup ZD-SPARE")
    zebras[1].wait_for_jobs(1)
    assert label_bytes(zebras[1]) == job(floor, queued["job_id"]).zpl.encode()
    assert (zebras[0].jobs, zebras[0].dropped) == ([], 0)
    main = printer(floor, ids["main"])
    assert (main.online, main.problem, main.status[fault]) == (True, fault, True)


def test_refused_without_a_backup_kept_with_the_reason_and_printed_once_when_fixed(floor, zebras):
    ids = make_fleet(floor, zebras, backup=False)
    package_id, _ = make_package(floor)
    zebras[0].head_open = True
    with floor.uow() as uow:
        queued = reprint_label(uow, package_id, ids["main"], ids["user"])
    refused = deliver(floor, queued["job_id"])
    assert refused["status"] == "failed" and refused["error"] == "ZD-PACK: head_open"
    assert refused["words"] == "Label not printed, ZD-PACK: head open; trying again in 2 s"
    row = job(floor, queued["job_id"])
    assert printspool.words([printspool.Attempt(ids["main"], "ZD-PACK", False, problem="head_open")], row, "fr") == (
        "Étiquette non imprimée, ZD-PACK : tête ouverte ; nouvel essai dans 2 s")
    assert deliver(floor, queued["job_id"]) is None  # not due before its retry time
    zebras[0].head_open = False
    _due_now(floor, queued["job_id"])
    again = printspool.PrintSpooler(floor.uow).run_once()
    assert [(view["job_id"], view["status"], view["attempts"]) for view in again] == [(queued["job_id"], "printed", 2)]
    zebras[0].wait_for_jobs(1)
    assert label_bytes(zebras[0]) == row.zpl.encode() and zebras[0].dropped == 0


def test_backoff_doubles_up_to_a_minute(floor, zebras):
    ids = make_fleet(floor, zebras, backup=False)
    package_id, _ = make_package(floor)
    zebras[0].paper_out = True
    with floor.uow() as uow:
        job_id = reprint_label(uow, package_id, ids["main"], ids["user"])["job_id"]
    for wait in (2, 4, 8, 16, 32, 60, 60):
        before = utcnow()
        deliver(floor, job_id)
        after = utcnow()  # the retry time is set between the two, `wait` seconds on
        assert before + timedelta(seconds=wait) <= job(floor, job_id).retry_at <= after + timedelta(seconds=wait)
        _due_now(floor, job_id)
    assert zebras[0].jobs == [] and zebras[0].dropped == 0


def test_an_offline_printer_is_marked_offline_and_its_job_goes_to_the_backup(floor, zebras):
    ids = make_fleet(floor, zebras)
    package_id, _ = make_package(floor)
    zebras[0].stop()
    assert {"printer": "ZD-PACK", "online": False, "problem": "printer_offline"} in printspool.watch(floor.uow)
    assert not printer(floor, ids["main"]).online
    with floor.uow() as uow:
        queued = reprint_label(uow, package_id, ids["main"], ids["user"])
    assert deliver(floor, queued["job_id"])["printer"] == "ZD-SPARE"
    assert printspool.watch(floor.uow) == []  # no change, nothing reported again


def test_a_silent_printer_is_offline_after_its_socket_timeout(floor, zebras):
    ids = make_fleet(floor, zebras, backup=False)
    zebras[0].answer_status = False  # models that say nothing when out of media
    changed = printspool.watch(floor.uow)
    assert {"printer": "ZD-PACK", "online": False, "problem": "printer_offline"} in changed
    assert "no complete ~HS reply" in printer(floor, ids["main"]).status["detail"]


def test_a_fault_only_hqes_names_is_refused_in_words(floor, zebras):
    ids = make_fleet(floor, zebras, backup=False)
    package_id, _ = make_package(floor)
    zebras[0].faults = {"cutter_fault"}
    with floor.uow() as uow:
        queued = reprint_label(uow, package_id, ids["main"], ids["user"])
    refused = deliver(floor, queued["job_id"])
    assert refused["status"] == "failed" and "faulted (cutter fault)" in refused["words"]
    assert zebras[0].jobs == []


def test_two_spoolers_on_one_job_print_it_once(floor, zebras):
    ids = make_fleet(floor, zebras)
    package_id, _ = make_package(floor)
    with floor.uow() as uow:
        job_id = reprint_label(uow, package_id, ids["main"], ids["user"])["job_id"]
    results = []
    threads = [threading.Thread(target=lambda: results.append(deliver(floor, job_id))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert sorted(r["status"] for r in results if r) == ["printed"]
    assert len(zebras[0].wait_for_jobs(1)) == 1 and zebras[1].jobs == []


def test_the_return_label_goes_to_the_returns_desk_printer(floor, zebras):
    make_fleet(floor, zebras)
    with floor.uow() as uow:
        order = add_order(uow, [(add_item(uow, "Mug"), 1)])
        case = Return(order_id=order.id, reason="wrong_size")
        case.lines.append(ReturnLine(order_line_id=order.lines[0].id, quantity=1, reason="wrong_size"))
        uow.session.add(case)
        uow.session.flush()
        case.rma = f"RMA{case.id:08d}"
        uow.commit()
        return_id, rma = case.id, case.rma
    with floor.uow() as uow:
        queued = print_return_label(uow, return_id, status_url="https://colis.example.fr/track/abc")
    assert (queued["kind"], queued["printer"], queued["return_id"]) == ("return", "ZD-RET", return_id)
    assert deliver(floor, queued["job_id"])["status"] == "printed"
    label = zebras[2].wait_for_jobs(1)[0]
    assert rma.encode() in label and b"RETOUR / RETURN" in label and b"^PW1200" in label
    assert b"^FDMA,https://colis.example.fr/track/abc^FS" in label  # the status page's QR code


def test_bad_requests_are_refused_with_words_and_change_nothing(floor, zebras):
    ids = make_fleet(floor, zebras)
    package_id, _ = make_package(floor)
    for call, key in [(lambda uow: reprint_label(uow, package_id, 999_999, ids["user"]), "no_printer"),
                      (lambda uow: reprint_label(uow, 999_999, ids["main"], ids["user"]), "no_package"),
                      (lambda uow: reprint_label(uow, "1", ids["main"], ids["user"]), "no_package"),
                      (lambda uow: print_return_label(uow, 999_999), "no_return"),
                      (lambda uow: reprint_label(uow, package_id, ids["desk"], ids["user"]), "media_too_small"),
                      (lambda uow: assign_printers(uow, 999_999, ids["main"], None, ids["user"]), "no_station")]:
        with floor.uow() as uow, pytest.raises(FleetError) as refused:
            call(uow)
        assert refused.value.key == key and refused.value.words("fr") != refused.value.words("en")
    with floor.uow() as uow:
        assert uow.session.scalars(select(PrintJob)).all() == []
    with floor.uow() as uow, pytest.raises(ValueError, match="unsupported printer URL"):
        add_printer(uow, name="bad", url="lpt://1")


def test_assigning_a_printer_and_its_backup_to_a_station(floor, zebras):
    ids = make_fleet(floor, zebras, backup=False)
    with floor.uow() as uow:
        station_id = uow.session.scalars(select(Printer.station_id).where(Printer.id == ids["main"])).one()
    with floor.uow() as uow:
        with pytest.raises(FleetError, match="its own backup"):
            assign_printers(uow, station_id, ids["backup"], ids["backup"], ids["user"])
    with floor.uow() as uow:
        view = assign_printers(uow, station_id, ids["backup"], ids["main"], ids["user"])
    assert (view["station_id"], view["backup_id"]) == (station_id, ids["main"])
    assert printer(floor, ids["main"]).station_id is None  # the old one is a spare now


def _due_now(floor, job_id):
    with floor.uow() as uow:
        uow.session.get(PrintJob, job_id).retry_at = utcnow() - timedelta(seconds=1)
        uow.commit()


def test_the_fleet_from_the_command_line(app, floor, zebras):
    runner = app.test_cli_runner()
    added = runner.invoke(args=["add-printer", "ZD-CLI", zebras[0].url, "--dpi", "300", "--media", "100x150",
                                "--location", "Quai 2"])
    assert added.exit_code == 0, added.output
    assert "ZD-CLI" in added.output and "300 dpi" in added.output
    bad = runner.invoke(args=["add-printer", "ZD-BAD", "ipp://printer"])
    assert bad.exit_code != 0 and "unsupported printer URL" in bad.output
    zebras[0].head_open = True
    listed = runner.invoke(args=["printers", "--check"])
    assert listed.exit_code == 0 and "ZD-CLI" in listed.output and "head open" in listed.output


def test_the_dashboard_feed_says_what_the_fleet_did_in_words(floor, zebras):
    from server.feed import sentence

    ids = make_fleet(floor, zebras)
    package_id, _ = make_package(floor)
    zebras[0].paper_out = True
    with floor.uow() as uow:
        deliver(floor, reprint_label(uow, package_id, ids["main"], ids["user"])["job_id"])  # to the backup
    zebras[1].head_open = True
    with floor.uow() as uow:
        deliver(floor, reprint_label(uow, package_id, ids["main"], ids["user"])["job_id"])  # refused
    printspool.watch(floor.uow)
    with floor.uow() as uow:
        events = [row.detail for row in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                  if row.action.startswith(("print", "label_"))]
    kinds = {event["type"] for event in events}
    assert {"label_reprinted", "print_job_failed_over", "print_job_printed", "print_job_refused",
            "printer_changed", "printer_added"} <= kinds
    for event in events:
        for locale in ("fr", "en"):
            said = sentence(event, locale)
            assert "{" not in said and not any(code in said for code in ("paper_out", "head_open", "print_job",
                                                                           "printer_offline", "–"))
    refused = next(event for event in events if event["type"] == "print_job_refused")
    assert sentence(refused, "fr") == "Étiquette non imprimée, ZD-PACK : plus de papier ; nouvel essai dans 2 s"


def test_the_spooler_thread_prints_what_is_queued_and_sees_a_printer_go(floor, zebras):
    from tests.floorkit import wait_for

    ids = make_fleet(floor, zebras)
    package_id, _ = make_package(floor)
    spooler = printspool.PrintSpooler(floor.uow, tick=0.1, watch_every=0.2).start()
    try:
        with floor.uow() as uow:
            job_id = reprint_label(uow, package_id, ids["main"], ids["user"])["job_id"]
        spooler.wake()
        zebras[0].wait_for_jobs(1, timeout=5)
        wait_for(lambda: job(floor, job_id).status == "printed", 5, "the job recorded as printed")
        wait_for(lambda: printer(floor, ids["desk"]).online, 5, "the desk printer seen online")
        zebras[2].stop()  # unplugged
        wait_for(lambda: not printer(floor, ids["desk"]).online, 5, "the desk printer marked offline")
    finally:
        spooler.stop()


def test_a_station_label_stuck_on_paper_out_printed_elsewhere_lets_the_bench_go_on(floor, zebras, order_ready):
    from server.models import Order, Station
    from server.services import printing
    from tests.integration.test_floor_flow import pick_and_pack, request_task

    ids = make_fleet(floor, zebras)
    station_job = pick_and_pack(floor, order_ready)["print"][0]["job_id"]
    with floor.uow() as uow:
        printing.confirm_print(uow, uow.session.get(Station, order_ready["pack"]), station_job, False, "paper_out")
        package_id = uow.session.get(PrintJob, station_job).package_id
    with floor.uow() as uow:
        fleet_job = reprint_label(uow, package_id, ids["backup"], ids["user"])
    assert fleet_job["reprint_of"] == station_job
    assert deliver(floor, fleet_job["job_id"])["status"] == "printed"
    assert job(floor, station_job).status == "printed"
    with floor.uow() as uow:
        assert uow.session.get(Order, order_ready["order_id"]).status == "shipped"
    assert request_task(floor, order_ready["pack"])["state"] != "print_label"  # the bench goes on
    assert zebras[1].wait_for_jobs(1) and zebras[0].jobs == []
