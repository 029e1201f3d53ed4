"""``colis-server`` (and ``flask --app server``) commands: database, people, stations, the floor."""
from __future__ import annotations

import os
import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from server import migrate, presence, queue
from server.cli_people import cli_actor, end_user_sessions
from server.domain.roles import STATION_ROLES


def _floor():
    return current_app.extensions["colis"]


@click.command("init-db")
@with_appcontext
def init_db() -> None:
    """Create or migrate the database to the latest schema (Alembic upgrade head)."""
    migrate.upgrade(current_app.config["DATABASE_URL"])
    click.echo("database at the latest schema")


@click.command("seed-demo")
@click.option("--orders", default=60, show_default=True)
@click.option("--products", default=40, show_default=True)
@click.option("--customers", default=50, show_default=True)
@click.option("--bins", default=120, show_default=True)
@click.option("--seed", default=42, show_default=True)
@with_appcontext
def seed_demo(orders: int, products: int, customers: int, bins: int, seed: int) -> None:
    """Load deterministic demo data (products, bins, stock, customers, orders)."""
    from server.demo_data import DemoSize, generate

    summary = generate(_floor().engine, DemoSize(products=products, bins=bins, customers=customers,
                                                 orders=orders), seed=seed)
    click.echo(f"demo data: {summary}")


@click.command("create-user")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice(["picker", "packer", "returns_clerk",
                                                          "supervisor", "admin"]))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--locale", default="fr", type=click.Choice(["fr", "en"]))
@with_appcontext
def create_user(username: str, role: str, password: str, locale: str) -> None:
    """Create a user (or reset the password and role of an existing one)."""
    from server.services.users import create_user as create

    with _floor().uow() as uow:
        try:
            user_id = create(uow, username, password, role, locale=locale).id
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        uow.emit("user_saved", actor=cli_actor(), user=username, role=role, address="cli")
        uow.commit()
    end_user_sessions(user_id)  # an existing user's password and role were reset: their sessions end
    click.echo(f"user {username} ({role}) saved")


@click.command("create-station")
@click.argument("code")
@click.option("--role", required=True, type=click.Choice(list(STATION_ROLES)))
@click.option("--locale", default="fr", type=click.Choice(["fr", "en"]))
@click.option("--token", default=None, help="Use this token instead of a random one (demo, tests).")
@with_appcontext
def create_station(code: str, role: str, locale: str, token: str | None) -> None:
    """Register a station and print its token (shown once; only its hash is stored)."""
    from server.services.stations import register_station

    from server.api.station_ns import disconnect_station

    with _floor().uow() as uow:
        station, clear = register_station(uow, code, role, locale=locale, token=token)
        station_id = station.id
        uow.emit("station_saved", actor=cli_actor(), station=code, role=role, address="cli")
        uow.commit()
    disconnect_station(current_app, station_id)  # re-keyed: a socket on the old token is dropped
    click.echo(clear)


@click.command("allocate")
@click.option("--limit", default=500, show_default=True)
@with_appcontext
def allocate(limit: int) -> None:
    """Reserve stock for new orders and create their pick tasks."""
    from server.services.allocation import allocate_new_orders

    with _floor().uow() as uow:
        done, short = allocate_new_orders(uow, limit)
        uow.commit()
    click.echo(f"allocated {done}, backordered {short}")


@click.command("authorize-return")
@click.argument("order_ref")
@click.option("--reason", default="changed_mind", show_default=True)
@with_appcontext
def authorize_return(order_ref: str, reason: str) -> None:
    """Open an RMA for every line of a shipped order; prints the RMA number."""
    from server.models import Order
    from server.services.returns import ReturnNotAllowed, authorize_return as authorize

    order_id = Order.id_from_reference(order_ref)
    with _floor().uow() as uow:
        order = uow.session.get(Order, order_id) if order_id is not None else None
        if order is None:
            raise click.BadParameter(f"no order {order_ref}")
        try:
            case = authorize(uow, order.id, [(line.id, line.quantity) for line in order.lines], reason)
        except ReturnNotAllowed as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
        click.echo(case.rma)


@click.command("refund")
@click.argument("rma")
@click.option("--approve", is_flag=True, help="As a supervisor: approve (and pay) a refund above the approval amount.")
@click.option("--dry-run", is_flag=True, help="Print what the policy gives; record nothing.")
@with_appcontext
def refund(rma: str, approve: bool, dry_run: bool) -> None:
    """Refund a received, graded return once (docs/returns.md); prints the breakdown and status."""
    from server.domain.refunds import RefundPolicy
    from server.services import refunds

    policy = RefundPolicy.from_mapping(current_app.config)
    with _floor().uow() as uow:
        case = refunds.find_return(uow.session, rma)
        if case is None:
            raise click.BadParameter(f"no return {rma}")
        if dry_run:
            breakdown = refunds.quote(uow.session, case, policy).as_dict()
            _echo_refund(case.rma, "quote", breakdown["total_cents"], case.order.currency, breakdown)
            return
        try:
            if approve and refunds.find_refund(uow.session, case) is not None:
                outcome = refunds.approve_refund(uow, case.id, actor=cli_actor(), role="supervisor")
            else:  # --approve on a return not refunded yet: a supervisor's own request, paid at once
                outcome = refunds.request_refund(uow, case.id, actor=cli_actor(), policy=policy,
                                                 role="supervisor" if approve else "returns_clerk")
        except refunds.RefundRefused as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
    who = f"requested by {outcome.requested_by}" + (f", approved by {outcome.approved_by}" if outcome.approved_by else "")
    _echo_refund(outcome.rma, outcome.status, outcome.amount_cents, outcome.currency, outcome.breakdown,
                 who if outcome.requested_by else "", "" if outcome.created else "(already recorded)")


def _echo_refund(rma: str, status: str, cents: int, currency: str, breakdown: dict | None, *notes: str) -> None:
    click.echo(" ".join([rma, status, f"{cents / 100:.2f}", currency, *[note for note in notes if note]]))
    for line in (breakdown or {}).get("lines", []):
        click.echo(f"  line {line['line_id']} x{line['quantity']} {line['grade'] or 'ungraded'} {line['reason']}: "
                   f"base {line['base_cents'] / 100:.2f} fee {line['fee_cents'] / 100:.2f} "
                   f"{line['fee_rule'] or '-'} -> {line['amount_cents'] / 100:.2f} ({line['note']})")
    if breakdown and breakdown.get("shipping_cents"):
        click.echo(f"  shipping {breakdown['shipping_cents'] / 100:.2f} ({breakdown['shipping_note']})")


@click.command("count-bin")
@click.argument("bin_code")
@click.option("--reason", required=True, help="Why this bin is counted (kept in the audit trail).")
@with_appcontext
def count_bin(bin_code: str, reason: str) -> None:
    """Ask for a cycle count of a bin: a count task for the stations of role count."""
    from server.services.counting import CountRefused, create_count

    with _floor().uow() as uow:
        try:
            task = create_count(uow, bin_code, reason, actor="cli")
        except CountRefused as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
        click.echo(f"count task {task.id}: bin {bin_code.strip().upper()}, {len(task.lines)} product(s) to count")


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def run_server(host: str, port: int) -> None:
    """Run the server (development: threading; production: see docs/deployment.md)."""
    from server.config import is_production
    from server.extensions import socketio

    if is_production(current_app.config):
        # Werkzeug's server is for development; production is gunicorn + gevent.
        raise click.ClickException("COLIS_ENV=production: run `colis-server serve` (gunicorn + gevent), "
                                   "not the development server")
    # FlaskGroup sets FLASK_RUN_FROM_CLI=true, and then app.run() (which socketio.run calls in
    # threading mode) prints "Ignoring a call to 'app.run()'" and returns without serving.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    app = current_app._get_current_object()
    workers = queue.start_embedded(app)  # threads mode: background jobs in this process
    from server.web.printers import start_spooler

    start_spooler(app)  # the fleet's labels, and its printers watched (docs/labels.md)
    presence.start_sweeper(app)
    try:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True)
    finally:
        if workers:
            workers.stop()


@click.command("worker")
@click.option("--threads", default=2, show_default=True, help="jobs run at the same time")
@click.option("--beside-serve", is_flag=True, hidden=True,
              help="started by `colis-server serve`: run only if there is no Redis (threads mode)")
@with_appcontext
def worker(threads: int, beside_serve: bool) -> None:
    """Run background jobs (webhooks, routing, notifications, watchers): from Redis, or without
    it from the instance folder's queue file (`colis-server serve` starts one itself then)."""
    app = current_app._get_current_object()
    mode = queue.queue_mode(app.config)
    if beside_serve:
        if mode != "threads":
            return  # Redis: the floor's `colis-server worker` units run the jobs; immediate: none
        click.echo(f"background jobs: colis-server worker, pid {os.getpid()}, on the instance folder's queue",
                   err=True)
    if mode == "immediate":
        raise click.ClickException("COLIS_QUEUE=immediate runs each job where it is enqueued: "
                                   "there is nothing for a worker to take")
    queue.run_workers(app, threads)


COMMANDS = (init_db, seed_demo, create_user, create_station, allocate, authorize_return, refund, count_bin,
            run_server, worker)


def register_commands(app) -> None:
    from server.cli_customers import CUSTOMER_COMMANDS
    from server.cli_packing import PACKING_COMMANDS
    from server.cli_people import PEOPLE_COMMANDS
    from server.cli_picking import PICKING_COMMANDS
    from server.cli_returns import RETURN_COMMANDS
    from server.cli_printers import PRINTER_COMMANDS
    from server.cli_routing import ROUTING_COMMANDS

    for command in COMMANDS + PICKING_COMMANDS + PEOPLE_COMMANDS + CUSTOMER_COMMANDS + PRINTER_COMMANDS + RETURN_COMMANDS:
        app.cli.add_command(command)
    for command in ROUTING_COMMANDS:
        app.cli.add_command(command)
    for command in PACKING_COMMANDS:
        app.cli.add_command(command)




@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--log-level", default="info", show_default=True)
def serve(host: str, port: int, log_level: str) -> None:
    """Run the production server: gunicorn, one gevent worker (docs/deployment.md)."""
    from server.production import serve as run_production

    run_production(host, port, log_level)


def main(argv: list[str] | None = None) -> None:
    """Entry point of ``colis-server``."""
    args = argv if argv is not None else sys.argv[1:]
    if args[:1] == ["serve"]:
        # Not through FlaskGroup: the app must be built in the gunicorn worker, after gevent
        # has patched the standard library, never in the master process.
        serve.main(args=args[1:], prog_name="colis-server serve")
        return
    from server import create_app

    group = FlaskGroup(create_app=lambda: create_app(), add_default_commands=False,
                       add_version_option=False, load_dotenv=False)
    group.add_command(serve)
    group.main(args=args, prog_name="colis-server")


