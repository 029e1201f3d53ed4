"""Labels built per second, and the time from a label's bytes to the printer, each beside a floor
measured in the same run.

1. Building: shipping labels (4x6 in) and return labels (4x4 in) at 203, 300 and 600 dpi, each to
   a recipient of its own built on real-world addresses (accents, long names, Japanese, Greek), through
   the whole layout (fitting, transliteration, GS1 barcodes, overlap check), the label data
   (with its checks) built each time too. Floor: the same data in a bare ZPL template with no
   layout at all, measured again beside each resolution. Best of 3 rounds, wall clock and CPU
   time. Target: >= 2,000 labels/s.
2. Printing, through a fake Zebra on a real TCP socket (it answers ~HS/~HQES as the ZPL II
   guide specifies); each time runs until the fake printer holds the whole label:
     bare send   floor: connect, send the bytes, close (no status asked)
     driver      TcpPrinter.send: ~HS first, then the bytes (what a station's printer does)
     station     station/labelprinter.print_label: the station's ~HS + send + its answer
     fleet       a supervisor's reprint: label drawn for the printer, job committed (SQLite),
                 the spooler's claim, ~HS, ~HQES, send, ~HS until printed, result committed
     scan to printed  a packer's last scan through the server's use case (verify, close the
                 parcel, book the carrier, draw the label, commit; SQLite), then the station's
                 print_label to the fake Zebra: all but the Socket.IO hop (bench_scan.py's echo)
Prints, asserts nothing.

    python bench/bench_labels.py [--labels 2000] [--prints 200]
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from anywhere in the repo

from labels import (LabelAddress, ReturnLabelData, ShippingLabelData, make_sscc, return_label,  # noqa: E402
                    shipping_label)

ADDRESSES = [
    LabelAddress("Élodie Dupré-Saint-Exupéry", "12 rue de l'Église", "Bâtiment C, 3ᵉ étage", "69003", "Lyon", "FR"),
    LabelAddress("Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch Post", "Holyhead Road", "",
                 "LL61 5UJ", "Anglesey", "GB"),
    LabelAddress("山田 太郎", "東京都千代田区丸の内1-1-1", "", "100-0005", "東京", "JP"),
    LabelAddress("Γιώργος Παπαδόπουλος", "Οδός Ερμού 25", "", "10563", "Αθήνα", "GR"),
    LabelAddress("Hans Müller", "Hauptstraße 1", "", "10115", "Berlin", "DE"),
]
WAREHOUSE = LabelAddress("Colis - Entrepot Lyon Sud", "ZI des Platanes, quai 4", "", "69200", "Vénissieux", "FR")


def recipient(i: int) -> LabelAddress:
    """A different recipient every label (a name and a house number of its own), as on a real
    floor: the layout's caches only help with what truly repeats (sender, captions, carrier)."""
    base = ADDRESSES[i % len(ADDRESSES)]
    return LabelAddress(f"{base.name} {i}", f"{i % 300 + 1} {base.line1}", base.line2, base.postal_code,
                        base.city, base.country)


def shipping_data(i: int) -> ShippingLabelData:
    return ShippingLabelData(sender=WAREHOUSE, recipient=recipient(i), carrier="Colissimo",
                             service="Domicile", tracking_number=f"6A{i:011d}", sscc=make_sscc(0, "3761234", i + 1),
                             order_ref=f"CMD-2026-{i:06d}", weight_g=800 + i % 5000, ship_date=date(2026, 11, 29))


def return_data(i: int) -> ReturnLabelData:
    return ReturnLabelData(rma=f"RMA{i:08d}", order_ref=f"CMD-2026-{i:06d}", customer=recipient(i),
                           return_to=WAREHOUSE)


def bare_template(data: ShippingLabelData) -> bytes:
    """The floor: the label's words in fixed places, no fitting, no checks, no transliteration."""
    r = data.recipient
    return (f"^XA^CI28^FO30,30^A0N,30,30^FD{data.sender.name}^FS^FO30,200^A0N,50,50^FD{r.name}^FS"
            f"^FO30,260^A0N,40,40^FD{r.line1}^FS^FO30,310^A0N,40,40^FD{r.postal_code} {r.city}^FS"
            f"^BY3^FO60,500^BCN,100,N^FD>:{data.tracking_number}^FS"
            f"^BY4^FO60,900^BCN,250,N^FD>;>800{data.sscc}^FS^XZ").encode("utf-8")


def rate(build, count: int, rounds: int = 3) -> tuple[float, float]:
    """Labels a second over the best of ``rounds`` runs of ``count`` labels, by the wall clock and
    by this process's CPU time (on a shared machine other sessions' work stretches the first,
    not the second). Each round starts at a new label number, so no round re-builds the
    previous one's labels from the caches."""
    wall = cpu = 0.0
    for r in range(rounds):
        started, started_cpu = time.perf_counter(), time.process_time()
        for i in range(r * count, (r + 1) * count):
            build(i)
        wall = max(wall, count / (time.perf_counter() - started))
        cpu = max(cpu, count / max(time.process_time() - started_cpu, 1e-9))
    return wall, cpu


def building(count: int) -> None:
    print(f"Labels built per second ({count} each, best of 3 rounds, one core; wall clock / CPU"
          f" time; the floor is measured again beside each resolution):")
    for dpi in (203, 300, 600):
        floor = rate(lambda i: bare_template(shipping_data(i)), count)
        ship = rate(lambda i: shipping_label(shipping_data(i), dpi=dpi), count)
        back = rate(lambda i: return_label(return_data(i), dpi=dpi), count)
        print(f"  {dpi} dpi  floor {floor[0]:6.0f} / {floor[1]:6.0f}   shipping 4x6 {ship[0]:5.0f} / "
              f"{ship[1]:5.0f} ({floor[1] / ship[1]:4.1f}x the floor)   return 4x4 {back[0]:5.0f} / "
              f"{back[1]:5.0f} ({floor[1] / back[1]:4.1f}x)")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def timed(send, fake, count: int) -> list[float]:
    """ms from the call until the fake printer holds the whole label, ``count`` times."""
    samples = []
    for _ in range(count):
        expected = len(fake.jobs) + 1
        started = time.perf_counter()
        send()
        fake.wait_for_jobs(expected, timeout=10)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def bare_send(port: int, job: bytes) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=3) as conn:
        conn.sendall(job)


def fleet_path(fake, count: int):
    """A temporary SQLite floor with one fleet printer on ``fake``; returns the reprint callable."""
    from server import create_app, printspool
    from server.models import Package
    from server.services.printers import add_printer, reprint_label
    from tests.factories import add_item, add_order, add_user

    from server import migrate

    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='bench-labels-'))}/colis.sqlite"
    migrate.upgrade(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench-labels-" + "x" * 40,
                      "PRINT_SPOOLER": False})
    floor = app.extensions["colis"]
    with floor.uow() as uow:
        user = add_user(uow, "bench", "supervisor")
        order = add_order(uow, [(add_item(uow, "Bench item"), 1)])
        package = Package(order_id=order.id, carrier="Colissimo", service="Domicile", weight_g=900)
        uow.session.add(package)
        uow.session.flush()
        package.sscc, package.tracking_number = make_sscc(0, "3761234", package.id), f"6A{package.id:011d}"
        uow.commit()
        package_id = package.id
    with floor.uow() as uow:
        printer_id = add_printer(uow, name="ZD-BENCH", url=fake.url + "?timeout=2")["id"]

    def reprint() -> None:
        with floor.uow() as uow:
            job = reprint_label(uow, package_id, printer_id, user)
        printspool.deliver(floor.uow, job["job_id"], confirm_timeout=2.0)

    return reprint, app


def scan_to_printed(app, fake, count: int) -> list[float]:
    """ms from a packer's last scan (the server's whole use case: verify, close the parcel, book,
    draw the label, commit) to the fake Zebra holding the label, printed by the station's code."""
    import uuid
    from datetime import datetime, timezone

    from server.models import Station
    from server.services import dispatch, printing, scans
    from server.services.allocation import allocate_order
    from station.drivers import TcpPrinter
    from station.labelprinter import print_label
    from tests.factories import add_item, add_order, add_station

    floor = app.extensions["colis"]
    with floor.uow() as uow:
        picker, packer = (add_station(uow, f"{role.upper()}-B", role)[0] for role in ("pick", "pack"))
        uow.commit()

    def scan(station_id: int, code: str) -> dict:
        cmd = scans.ScanCommand(str(uuid.uuid4()), code, None, datetime.now(timezone.utc))
        with floor.uow() as uow:
            return scans.record_scan(uow, uow.session.get(Station, station_id), cmd)

    def task(station_id: int) -> None:
        with floor.uow() as uow:
            dispatch.request_task(uow, uow.session.get(Station, station_id))

    driver, samples = TcpPrinter("127.0.0.1", fake.port, timeout=2), []
    for i in range(count):
        with floor.uow() as uow:
            item = add_item(uow, f"Article {i}")
            allocate_order(uow, add_order(uow, [(item, 1)], name=recipient(i).name).id)
            uow.commit()
        task(picker)
        scan(picker, item.gtin)
        task(packer)
        expected = len(fake.jobs) + 1
        started = time.perf_counter()
        reply = scan(packer, item.gtin)  # the parcel's last unit: the label is due
        printed, _reason, _status = print_label(driver, reply["print"][0]["zpl"])
        fake.wait_for_jobs(expected, timeout=10)
        samples.append((time.perf_counter() - started) * 1000)
        with floor.uow() as uow:
            printing.confirm_print(uow, uow.session.get(Station, packer), reply["print"][0]["job_id"], printed)
    return samples


def printing(count: int) -> None:
    from station.drivers import TcpPrinter
    from station.drivers.simulated import FakeZebraPrinter
    from station.labelprinter import print_label

    job = shipping_label(shipping_data(7))
    with FakeZebraPrinter() as fake:
        reprint, app = fleet_path(fake, count)
        driver = TcpPrinter("127.0.0.1", fake.port, timeout=2)
        runs = {
            "bare send (floor)": lambda: bare_send(fake.port, job),
            "driver: ~HS + send": lambda: driver.send(job),
            "station print_label": lambda: print_label(driver, job.decode("utf-8")),
            "fleet reprint": reprint,
        }
        for send in runs.values():  # warm-up: connections, imports, the first SQLite pages
            timed(send, fake, 5)
        results = {name: timed(send, fake, count) for name, send in runs.items()}
        results["scan to printed (SQLite)"] = scan_to_printed(app, fake, min(count, 100))
        app.extensions["colis"].close()
    floor = statistics.median(results["bare send (floor)"])
    print(f"\nLabel bytes to a fake Zebra on TCP ({count} each; ms until the printer holds the label):")
    for name, samples in results.items():
        p50 = statistics.median(samples)
        print(f"  {name:26s} p50 {p50:7.2f}  p99 {percentile(samples, 99):7.2f}  ({p50 / floor:5.1f}x the floor)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=int, default=2000)
    parser.add_argument("--prints", type=int, default=200)
    args = parser.parse_args()
    building(args.labels)
    printing(args.prints)


if __name__ == "__main__":
    main()
