"""``colis-demo`` (``make demo``): a fresh SQLite floor with simulated stations, at human pace.

Sets up var/demo/ (database, outboxes), migrates, loads demo data, starts the server and
four stations (a picker, a batch-picking cart, a packer, a returns desk), and lets simulated operators work a
shift. Ctrl-C stops everything cleanly.
"""
from __future__ import annotations

import argparse
import logging
import os
import queue
import random
import shutil
import signal
import socket
import threading
from datetime import datetime, timezone
from pathlib import Path

from demo.channels import open_channels, start_channels
from demo.floor import LiveFloor, start_floor
from server import queue as background
from demo.shift import Habits, Operator, run_out_of_paper_now_and_then

log = logging.getLogger("demo")
STATIONS = (("PICK-01", "pick", "fr", "Prélèvement allée A"), ("CART-01", "pick_batch", "en", "Batch cart B"),
            ("PACK-01", "pack", "fr", "Table d'emballage 1"), ("RET-01", "returns", "fr", "Comptoir retours"))
USERS = (("chef", "supervisor"), ("admin", "admin"), ("retours", "returns_clerk"))
# Who works at each station: signed in by badge, so the dashboard shows their figures per operator.
FLOOR_PEOPLE = {"PICK-01": ("lea", "picker", "Léa", "fr"), "CART-01": ("omar", "picker", "Omar", "en"),
                "PACK-01": ("ines", "packer", "Inès", "fr")}
PASSWORD = "colis-demo"


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    logging.getLogger("huey").setLevel(logging.WARNING)  # each job run is not news; what it did is said below
    # A torn read is one of the simulated operators' mistakes: the station's screen says it, in words.
    for name in ("station.core", "station.drivers.scanner"):
        logging.getLogger(name).setLevel(logging.WARNING)
    home = Path(args.home).resolve()
    app, tokens, badges = prepare(home, args.orders, args.seed)
    channels = open_channels(app)
    stopping = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stopping.set())
    floor = start_floor(app, args.host, _free_port(args.host, args.port))
    workers = background.start_embedded(app)  # webhooks, routing, notifications: in this process
    try:
        for code, _, locale, _ in STATIONS:
            floor.add_station(code, tokens[code], home, locale)
        from demo.printers import register_printers

        register_printers(app, floor)  # the fleet: each station's Zebra, with backups (docs/labels.md)
        from server.web.printers import start_spooler

        start_spooler(app)
        _announce(floor)
        start_channels(app, floor.server.url, home, stopping, random.Random(args.seed + 1), channels)
        _work_the_shift(app, floor, stopping, random.Random(args.seed), args.duration, badges)
    finally:
        print("\nStopping the floor…", flush=True)
        stopping.set()
        floor.stop()
        if workers:
            workers.stop()
        app.extensions["colis"].close()
        print("Stopped.", flush=True)
    return 0


def prepare(home: Path, orders: int, seed: int):
    """A fresh database under ``home``: schema, demo data, people, stations, allocated orders.
    Returns the app, each station's key and each station's operator's badge code."""
    shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True)
    os.environ["COLIS_INSTANCE_PATH"] = str(home)
    from server import create_app, migrate
    from server.demo_data import DemoSize, generate
    from server.services.allocation import allocate_new_orders
    from server.services.badges import issue_badge
    from server.services.stations import register_station
    from server.services.users import create_user

    app = create_app({"DATABASE_URL": f"sqlite:///{home / 'colis.sqlite'}", "SECRET_KEY": os.urandom(24).hex()})
    floor = app.extensions["colis"]
    migrate.upgrade(app.config["DATABASE_URL"])
    summary = generate(floor.engine, DemoSize(products=60, bins=150, customers=80, orders=orders), seed,
                       now=datetime.now(timezone.utc))
    print(f"Demo data: {summary.products} products in {summary.bins} bins, {summary.customers} customers and "
          f"{summary.orders} orders ({summary.order_lines} lines), made in {summary.elapsed_s:.1f} s.", flush=True)
    with floor.uow() as uow:
        for username, role in USERS:
            create_user(uow, username, PASSWORD, role, display_name=username.capitalize())
        tokens = {code: register_station(uow, code, role, name=name, locale=locale)[1]
                  for code, role, locale, name in STATIONS}
        badges = {code: issue_badge(uow, create_user(uow, username, PASSWORD, role, display_name=name,
                                                     locale=locale).id, actor="demo")
                  for code, (username, role, name, locale) in FLOOR_PEOPLE.items()}
        allocated, short = allocate_new_orders(uow, limit=orders)
        uow.commit()
    print(f"Allocated {allocated} orders ({short} backordered).", flush=True)
    return app, tokens, badges


def _work_the_shift(app, floor: LiveFloor, stopping: threading.Event, rng: random.Random,
                    duration: float | None, badges: dict[str, str]) -> None:
    rmas: queue.Queue = queue.Queue()
    habits = Habits()
    for code, live in floor.stations.items():
        Operator(live, random.Random(rng.random()), stopping, habits,
                 rmas if code.startswith("RET") else None, badge=badges.get(code)).start()
        if code.startswith("PACK"):
            run_out_of_paper_now_and_then(live, random.Random(rng.random()), stopping, habits.paper_out_every)
    threading.Thread(target=_customer_service, args=(app, rmas, stopping, rng), daemon=True).start()
    threading.Thread(target=_report, args=(app, stopping), daemon=True).start()
    stopping.wait(duration)


def _report(app, stopping: threading.Event, every: float = 15.0) -> None:
    """A line now and then, so the terminal shows the floor moving too."""
    floor = app.extensions["colis"]
    while not stopping.wait(every):
        snap = floor.snapshot()
        orders = snap["orders"]
        print(f"Floor: {snap['backlog']} orders in progress ({snap['late']} late), {orders.get('shipped', 0)} "
              f"shipped so far, {sum(snap['return_reasons'].values())} returns.", flush=True)


def _customer_service(app, rmas: queue.Queue, stopping: threading.Event, rng: random.Random) -> None:
    """Now and then a customer sends something back: an RMA is opened for a shipped order."""
    from sqlalchemy import select

    from server.models import Order, Return
    from server.services.returns import authorize_return

    floor = app.extensions["colis"]
    while not stopping.wait(rng.uniform(20, 40)):
        with floor.uow() as uow:
            returned = select(Return.order_id)
            order = uow.session.scalars(select(Order).where(Order.status == "shipped", Order.id.not_in(returned))
                                        .order_by(Order.id).limit(1)).first()
            if order is None:
                continue
            line = rng.choice(order.lines)
            reason = rng.choice(("wrong_size", "changed_mind", "damaged", "not_as_described"))
            case = authorize_return(uow, order.id, [(line.id, 1)], reason, actor="customer-service")
            uow.commit()
            rmas.put(case.rma)
            print(f"Customer service: return {case.rma} opened for {order.reference} "
                  f"({reason.replace('_', ' ')}).", flush=True)


def _announce(floor: LiveFloor) -> None:
    lines = ["", "=" * 72, "Colis demo floor is running.", "",
             f"  Dashboard:  {floor.server.url}/login?next=/dashboard   (sign in: chef / {PASSWORD})", ""]
    for code, live in floor.stations.items():
        lines.append(f"  Station {code:8} {live.agent.ui_url}   (scanner {live.scanner.device}, "
                     f"printer {live.printer.url})")
    lines += ["", "Type a barcode into a station screen to scan by hand. Ctrl-C stops everything.", "=" * 72]
    print("\n".join(lines), flush=True)


def _free_port(host: str, wanted: int) -> int:
    with socket.socket() as probe:
        try:
            probe.bind((host, wanted))
            return wanted
        except OSError:
            print(f"Port {wanted} is busy; using a free one.", flush=True)
            return 0


def _parse(argv):
    parser = argparse.ArgumentParser(prog="colis-demo", description=__doc__)
    parser.add_argument("--home", default="var/demo", help="folder for the demo database and outboxes")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--orders", type=int, default=120)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    return parser.parse_args(argv)


if __name__ == "__main__":
    raise SystemExit(main())
