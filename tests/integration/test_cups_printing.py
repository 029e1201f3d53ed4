"""A label through a real CUPS scheduler: a private cupsd (own config, port and spool in a
temporary folder) with a raw queue whose device is a fake Zebra on a TCP socket. The job
must arrive byte for byte; a printer out of paper gets nothing, through CUPS too."""
from __future__ import annotations

import time

import pytest

from server import printspool
from server.services.printers import add_printer, reprint_label
from station.drivers import CupsPrinter, PrinterNotReady, open_printer
from station.drivers.simulated import FakeZebraPrinter
from tests.conftest import require
from tests.cupskit import PrivateCups, cups_missing
from tests.integration.test_printer_fleet import label_bytes, make_package
from tests.factories import add_user

LABEL = "^XA^CI28^FO50,50^A0N,40,40^FH_^FDÉtiquette 3ᵉ étage _5E_7E^FS^BY2^BCN,80^FD>;123456^FS^XZ\n".encode()


@pytest.fixture(scope="module")
def cups():
    require(cups_missing() is None, f"no CUPS here: {cups_missing()}")
    scheduler = PrivateCups().start()
    yield scheduler
    scheduler.stop()


@pytest.fixture
def zebra_queue(cups, request):
    zebra = FakeZebraPrinter().start()
    queue = f"zebra_{request.node.name.split('[')[0][-20:]}_{zebra.port}"
    cups.add_raw_queue(queue, f"socket://127.0.0.1:{zebra.port}")
    yield zebra, f"cups://{cups.server}/{queue}", queue
    zebra.stop()


def wait_for_label(zebra: FakeZebraPrinter, size: int, timeout: float = 15.0) -> bytes:
    deadline = time.monotonic() + timeout
    while len(label_bytes(zebra)) < size and time.monotonic() < deadline:
        time.sleep(0.05)
    return label_bytes(zebra)


def test_a_label_printed_through_a_cups_raw_queue_arrives_byte_for_byte(cups, zebra_queue):
    zebra, url, queue = zebra_queue
    printer = open_printer(url)
    assert isinstance(printer, CupsPrinter) and printer.server == cups.server
    assert printer.device_uri() == f"socket://127.0.0.1:{zebra.port}"
    status = printer.status()  # the Zebra behind the queue, asked ~HS directly
    assert status.ready and zebra.status_requests == 1
    printer.send(LABEL)
    assert wait_for_label(zebra, len(LABEL)) == LABEL
    assert zebra.wait_for_jobs(1) == [LABEL.rstrip(b"\n")]


def test_a_printer_out_of_paper_behind_cups_is_refused_and_cups_gets_nothing(cups, zebra_queue):
    zebra, url, queue = zebra_queue
    zebra.paper_out = True
    with pytest.raises(PrinterNotReady) as refused:
        open_printer(url).send(LABEL)
    assert refused.value.status.paper_out
    time.sleep(0.5)
    assert label_bytes(zebra) == b"" and cups.completed_jobs(queue) == []


def test_the_spooler_prints_a_reprint_through_cups(floor, cups, zebra_queue):
    zebra, url, queue = zebra_queue
    with floor.uow() as uow:
        user = add_user(uow, "gaelle", "supervisor")
        uow.commit()
    with floor.uow() as uow:
        printer_id = add_printer(uow, name="ZD-CUPS", url=url)["id"]
    package_id, _ = make_package(floor)
    with floor.uow() as uow:
        queued = reprint_label(uow, package_id, printer_id, user)
    done = printspool.deliver(floor.uow, queued["job_id"])
    # CUPS took it; whether it came out, only the printer behind CUPS knows: "sent", not "printed".
    assert (done["status"], done["printer"], done["words"]) == ("sent", "ZD-CUPS", "Label sent to ZD-CUPS")
    with floor.uow() as uow:
        from server.models import PrintJob

        zpl = uow.session.get(PrintJob, queued["job_id"]).zpl.encode()
    assert wait_for_label(zebra, len(zpl)) == zpl
