"""Claims per second on PostgreSQL: the product's claim beside a bare SKIP LOCKED loop.

bare:    ``SELECT id FROM tasks … ORDER BY priority, id LIMIT 1 FOR UPDATE SKIP LOCKED`` then
         ``UPDATE tasks SET status, station_id`` and COMMIT, on a raw connection: the least a
         claim from this table can cost.
product: ``dispatch.claim_next``, each claim its own unit of work: the expired-lease probe,
         the claim query, the assignment with its lease, the order's status, the audit row,
         the commit (what ``request_task`` does before it draws the screen).

Both run on the same table of the same temporary database, in the same run, with 1, 4 and 16
claimers (threads, one connection each), for a fixed time each; the table is reset between
runs. Bare and product alternate for ``--rounds`` rounds and the median of each is printed
(a shared machine's load drifts: alternating keeps it from favouring one side), with the
product/bare ratio. Asserts nothing.

    python bench/bench_claims.py [--postgres postgresql+psycopg://127.0.0.1/test] [--seconds 3] [--rounds 3]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import delete, insert, text, update

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_scan import temporary_database  # noqa: E402
from server import create_app, migrate  # noqa: E402
from server.models import Address, AuditEvent, Customer, Order, Station, Task  # noqa: E402
from server.services import dispatch  # noqa: E402
from server.services.stations import register_station  # noqa: E402

CLAIMERS = (1, 4, 16)
BARE_CLAIM = text("SELECT id FROM tasks WHERE kind = 'pick' AND status = 'open' AND released "
                  "ORDER BY priority, id LIMIT 1 FOR UPDATE SKIP LOCKED")
BARE_ASSIGN = text("UPDATE tasks SET status = 'assigned', station_id = :station WHERE id = :id")


def seed(floor, tasks: int) -> list[int]:
    """``tasks`` allocated one-line orders, each with its open pick task, and 16 pick stations."""
    now = datetime.now(timezone.utc)
    with floor.uow() as uow:
        stations = [register_station(uow, f"PICK-{n:02d}", "pick")[0].id for n in range(max(CLAIMERS))]
        uow.commit()
    with floor.engine.begin() as connection:
        customer = connection.execute(insert(Customer).values(email="b@exemple.fr", name="Bench", phone="")
                                      .returning(Customer.id)).scalar_one()
        address = connection.execute(insert(Address).values(customer_id=customer, name="Bench", line1="1 rue",
                                                            line2="", postal_code="69001", city="Lyon",
                                                            country="FR").returning(Address.id)).scalar_one()
        connection.execute(insert(Order), [
            {"id": n, "channel": "web", "external_id": f"B{n}", "customer_id": customer, "ship_address_id": address,
             "status": "allocated", "service_level": "standard", "promised_ship_by": now, "created_at": now,
             "total_cents": 0, "currency": "EUR"} for n in range(1, tasks + 1)])
        connection.execute(insert(Task), [
            {"kind": "pick", "order_id": n, "status": "open", "priority": n % 3, "released": True, "created_at": now}
            for n in range(1, tasks + 1)])
        connection.execute(text("ANALYZE"))
    return stations


def reset(floor) -> None:
    """Every task open again (Core, around the ORM's status check: back to what was seeded)."""
    with floor.engine.begin() as connection:
        connection.execute(update(Task).values(status="open", station_id=None, assigned_at=None,
                                               lease_expires_at=None))
        connection.execute(update(Order).values(status="allocated"))
        connection.execute(delete(AuditEvent))
    with floor.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE tasks"))
        connection.execute(text("VACUUM ANALYZE orders"))


def run_claimers(claim_one, stations: list[int], seconds: float) -> tuple[int, float]:
    """Every claimer claims until the time is up or the queue is empty: (claims, elapsed)."""
    counts = [0] * len(stations)
    errors: list[BaseException] = []
    start, stop = threading.Barrier(len(stations) + 1), threading.Event()

    def claimer(slot: int, station_id: int) -> None:
        start.wait()
        try:
            while not stop.is_set():
                if not claim_one(station_id):
                    return
                counts[slot] += 1
        except BaseException as exc:  # noqa: BLE001 - shown below
            errors.append(exc)

    threads = [threading.Thread(target=claimer, args=(slot, station)) for slot, station in enumerate(stations)]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    deadline = began + seconds
    while time.perf_counter() < deadline and any(thread.is_alive() for thread in threads):
        time.sleep(0.01)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        raise errors[0]
    return sum(counts), elapsed


def bare_claimer(engine):
    def claim_one(station_id: int) -> bool:
        with engine.begin() as connection:
            task_id = connection.execute(BARE_CLAIM).scalar()
            if task_id is None:
                return False
            connection.execute(BARE_ASSIGN, {"station": station_id, "id": task_id})
        return True
    return claim_one


def product_claimer(floor):
    # The station as the /station namespace has it when a request arrives (loaded with its
    # session by the event, not by the claim): its id and code.
    with floor.session_factory() as session:
        stations = {station.id: SimpleNamespace(id=station.id, code=station.code)
                    for station in session.query(Station)}

    def claim_one(station_id: int) -> bool:
        with floor.uow() as uow:
            return dispatch.claim_next(uow, stations[station_id], "pick") is not None
    return claim_one


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", metavar="ADMIN_URL", default="postgresql+psycopg://127.0.0.1/test",
                        help="a temporary database is created (and dropped) through this URL")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating bare/product rounds (median)")
    parser.add_argument("--tasks", type=int, default=20000, help="tasks in the queue (reset between runs)")
    args = parser.parse_args()
    with temporary_database(args.postgres) as url:
        migrate.upgrade(url)
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40,
                          "DB_POOL_SIZE": max(CLAIMERS) + 2, "DB_MAX_OVERFLOW": 0})
        floor = app.extensions["colis"]
        try:
            stations = seed(floor, args.tasks)
            print(f"claims/s on PostgreSQL, {args.tasks} open pick tasks, {args.seconds:g} s per run, "
                  f"median of {args.rounds} alternating rounds")
            print(f"{'claimers':>8} {'bare':>10} {'product':>10} {'ratio':>7}")
            claimers = {"bare": bare_claimer(floor.engine), "product": product_claimer(floor)}
            for n in CLAIMERS:
                rates: dict[str, list[float]] = {"bare": [], "product": []}
                for _ in range(args.rounds):
                    for name, claim_one in claimers.items():
                        reset(floor)
                        claims, elapsed = run_claimers(claim_one, stations[:n], args.seconds)
                        rates[name].append(claims / elapsed)
                bare, product = statistics.median(rates["bare"]), statistics.median(rates["product"])
                print(f"{n:>8} {bare:>10.0f} {product:>10.0f} {product / bare:>6.2f}x", flush=True)
        finally:
            floor.close()


if __name__ == "__main__":
    main()
