"""``colis-server`` (and ``flask --app server``) commands: database, people, stations, the floor."""
from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from server import migrate
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
        uow.emit("user_saved", actor=_cli_actor(), user=username, role=role, address="cli")
        uow.commit()
    _end_user_sessions(user_id)  # an existing user's password and role were reset: their sessions end
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
        uow.emit("station_saved", actor=_cli_actor(), station=code, role=role, address="cli")
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
                outcome = refunds.approve_refund(uow, case.id, actor=_cli_actor(), role="supervisor")
            else:  # --approve on a return not refunded yet: a supervisor's own request, paid at once
                outcome = refunds.request_refund(uow, case.id, actor=_cli_actor(), policy=policy,
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


@click.command("release-wave")
@click.option("--max-orders", type=click.IntRange(1), required=True, help="Orders to release, nearest cut-off first.")
@with_appcontext
def release_wave(max_orders: int) -> None:
    """Release the next wave of allocated orders to the floor (docs/picking.md)."""
    from server.services.waves import release_wave as release

    with _floor().uow() as uow:
        wave = release(uow, max_orders, actor="cli")
        uow.commit()
        if wave is None:
            click.echo("nothing to release: no allocated order waits for a wave")
        else:
            click.echo(f"wave {wave.id}: {wave.orders} order(s) released")


@click.command("auto-release")
@click.argument("keep", required=False)
@with_appcontext
def auto_release(keep: str | None) -> None:
    """Show, or set, how pick tasks reach the floor: KEEP tasks waiting (auto-release),
    'off' (only the waves released by hand) or 'all' (every order as it is allocated)."""
    from server.domain.waves import parse_keep_waiting
    from server.services import waves

    with _floor().uow() as uow:
        if keep is not None:
            try:
                wave = waves.set_policy(uow, "pick", parse_keep_waiting(keep), actor="cli")
            except ValueError as exc:
                raise click.BadParameter(str(exc)) from exc
            uow.commit()
            if wave is not None:
                click.echo(f"wave {wave.id}: {wave.orders} order(s) released")
        state = waves.backlog(uow)
    policy = {None: "all (every order as it is allocated)", 0: "off (waves released by hand)"}.get(
        state.keep_waiting, f"keep {state.keep_waiting} pick task(s) waiting")
    click.echo(f"auto-release: {policy}; {state.unreleased} order(s) wait for a wave, "
               f"{state.waiting} released task(s) wait for a station")


@click.command("cancel-order")
@click.argument("order_ref")
@click.option("--reason", default="", help="Kept in the audit trail.")
@with_appcontext
def cancel_order(order_ref: str, reason: str) -> None:
    """Cancel an order no station has started: its reservations are released."""
    from server.models import Order
    from server.services.allocation import CannotCancel, cancel_order as cancel

    order_id = Order.id_from_reference(order_ref)
    if order_id is None:
        raise click.BadParameter(f"no order {order_ref}")
    with _floor().uow() as uow:
        try:
            order = cancel(uow, order_id, actor="cli", reason=reason)
        except (LookupError, CannotCancel) as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
        click.echo(f"{order.reference} cancelled, its reservations released")


@click.command("stock")
@click.argument("sku_or_gtin")
@with_appcontext
def stock(sku_or_gtin: str) -> None:
    """On hand, reserved and available of a product, by bin, and who holds the reservations."""
    from server.services import stock as stock_service

    with _floor().session_factory() as session:
        product = stock_service.find_product(session, sku_or_gtin)
        if product is None:
            raise click.BadParameter(f"no product with SKU or GTIN {sku_or_gtin!r}")
        found = stock_service.product_stock(session, product)
    click.echo(f"{found.sku} {found.name}: on hand {found.on_hand}, reserved {found.reserved}, "
               f"available {found.available}")
    for row in found.bins:
        click.echo(f"  {row.bin:<14} on hand {row.on_hand:>5}  reserved {row.reserved:>5}  available {row.available:>5}")
    for holder in found.holders:
        where = f"held by {holder.station}" if holder.station else ("waiting for a station" if holder.released
                                                                    else "waiting for a wave")
        click.echo(f"  reserved {holder.units} in {holder.bin} for {holder.order or '-'} ({holder.order_status}), "
                   f"task {holder.task_id} {holder.task_status}, {where}")


@click.command("reorder-point")
@click.argument("sku_or_gtin")
@click.argument("point", type=click.IntRange(0))
@click.option("--quantity", type=click.IntRange(1), required=True, help="How many to reorder when it is reached.")
@with_appcontext
def reorder_point(sku_or_gtin: str, point: int, quantity: int) -> None:
    """Set a product's reorder point: at or below POINT available, one low-stock alert."""
    from server.services import stock as stock_service

    with _floor().uow() as uow:
        product = stock_service.find_product(uow.session, sku_or_gtin)
        if product is None:
            raise click.BadParameter(f"no product with SKU or GTIN {sku_or_gtin!r}")
        raised = stock_service.set_reorder_point(uow, product, point, quantity, actor="cli")
        uow.commit()
        click.echo(f"{product.sku}: reorder {quantity} when {point} or fewer are available")
    for alert in raised:
        click.echo(f"LOW STOCK {alert['sku']}: {alert['available']} available, reorder {alert['reorder_quantity']}")


@click.command("low-stock")
@with_appcontext
def low_stock() -> None:
    """Products at or below their reorder point (alert raised, not cleared by new stock)."""
    from server.services import stock as stock_service

    with _floor().session_factory() as session:
        alerts = stock_service.low_stock(session)
    if not alerts:
        click.echo("no product is at its reorder point")
    for alert in alerts:
        click.echo(f"{alert['sku']} {alert['name']}: {alert['available']} available (reorder point "
                   f"{alert['reorder_point']}), reorder {alert['reorder_quantity']}, since {alert['alerted_at']}")


@click.command("leases")
@with_appcontext
def leases() -> None:
    """Held tasks whose station went silent past its lease (the next claim takes them over)."""
    from server.services.dispatch import expired_leases

    with _floor().session_factory() as session:
        expired = expired_leases(session)
    if not expired:
        click.echo("every held task's station is heard from")
    for lease in expired:
        click.echo(f"task {lease['task_id']} ({lease['kind']}, {lease['order'] or '-'}) at {lease['station']}: "
                   f"lease ran out {lease['expired_for_s']:.0f} s ago")


@click.command("run")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def run_server(host: str, port: int) -> None:
    """Run the server (development: threading; production: see docs/deployment.md)."""
    import os

    from server.config import is_production
    from server.extensions import socketio

    if is_production(current_app.config):
        # Werkzeug's server is for development; production is gunicorn + gevent.
        raise click.ClickException("COLIS_ENV=production: run `colis-server serve` (gunicorn + gevent), "
                                   "not the development server")
    # FlaskGroup sets FLASK_RUN_FROM_CLI=true, and then app.run() (which socketio.run calls in
    # threading mode) prints "Ignoring a call to 'app.run()'" and returns without serving.
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    socketio.run(current_app._get_current_object(), host=host, port=port, allow_unsafe_werkzeug=True)


COMMANDS = (init_db, seed_demo, create_user, create_station, allocate, authorize_return, refund, count_bin,
            run_server,
            release_wave, auto_release, cancel_order, stock, reorder_point, low_stock,
            leases)


def register_commands(app) -> None:
    for command in COMMANDS + SECURITY_COMMANDS:
        app.cli.add_command(command)


# --- people and stations: revocation (docs/security.md) ------------------------------------------

def _cli_actor() -> str:
    """Who ran the command, for the audit: the operating-system account on this host."""
    import getpass
    import socket

    try:
        who = getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): still audited
        who = "unknown"
    return f"cli:{who}@{socket.gethostname()}"[:64]


def _end_user_sessions(user_id: int) -> None:
    from server.api.auth import disconnect_user_sockets

    disconnect_user_sockets(user_id)  # at once with Redis; else within the dashboards' revalidation


def _user_change(change, username: str, *args) -> None:
    from server.services.users import UnknownUser

    with _floor().uow() as uow:
        try:
            user = change(uow, username, *args, actor=_cli_actor(), address="cli")
        except UnknownUser as exc:
            raise click.ClickException(str(exc)) from exc
        except ValueError as exc:
            raise click.BadParameter(str(exc)) from exc
        user_id = user.id
        uow.commit()
    _end_user_sessions(user_id)


@click.command("reset-password")
@click.argument("username")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@with_appcontext
def reset_password(username: str, password: str) -> None:
    """Set a user's password; every session and dashboard of theirs ends."""
    from server.services.users import reset_password as reset

    _user_change(reset, username, password)
    click.echo(f"user {username}: password reset, sessions ended")


@click.command("set-role")
@click.argument("username")
@click.argument("role", type=click.Choice(["picker", "packer", "returns_clerk", "supervisor", "admin"]))
@with_appcontext
def set_role(username: str, role: str) -> None:
    """Change a user's role; every session and dashboard of theirs ends."""
    from server.services.users import change_role

    _user_change(change_role, username, role)
    click.echo(f"user {username}: role {role}, sessions ended")


@click.command("deactivate-user")
@click.argument("username")
@with_appcontext
def deactivate_user(username: str) -> None:
    """Refuse a user's sign-ins from now on; every session and dashboard of theirs ends."""
    from server.services.users import set_active

    _user_change(set_active, username, False)
    click.echo(f"user {username}: deactivated, sessions ended")


@click.command("activate-user")
@click.argument("username")
@with_appcontext
def activate_user(username: str) -> None:
    """Let a deactivated user sign in again."""
    from server.services.users import set_active

    _user_change(set_active, username, True)
    click.echo(f"user {username}: active")


def _station_change(change, code: str, **kwargs):
    from server.api.station_ns import disconnect_station

    with _floor().uow() as uow:
        try:
            result = change(uow, code, actor=_cli_actor(), address="cli", **kwargs)
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        station = result[0] if isinstance(result, tuple) else result
        station_id = station.id
        uow.commit()
    # At once with Redis (or in this process); else its next event is refused and ends it.
    disconnect_station(current_app, station_id)
    return result


@click.command("rekey-station")
@click.argument("code")
@with_appcontext
def rekey_station(code: str) -> None:
    """Give a station a new token (printed once); its open socket and old token stop working."""
    from server.services.stations import rekey_station as rekey

    _, token = _station_change(rekey, code)
    click.echo(token)


@click.command("deactivate-station")
@click.argument("code")
@with_appcontext
def deactivate_station(code: str) -> None:
    """Refuse a station's connections from now on; its open socket is dropped."""
    from server.services.stations import set_station_active

    _station_change(set_station_active, code, active=False)
    click.echo(f"station {code}: deactivated")


@click.command("activate-station")
@click.argument("code")
@with_appcontext
def activate_station(code: str) -> None:
    """Let a deactivated station connect again (with its current token)."""
    from server.services.stations import set_station_active

    _station_change(set_station_active, code, active=True)
    click.echo(f"station {code}: active")


SECURITY_COMMANDS = (reset_password, set_role, deactivate_user, activate_user, rekey_station, deactivate_station,
                     activate_station)


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


