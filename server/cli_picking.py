"""``colis-server`` commands for the picking floor: waves, cancels, stock, reorder points, leases."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def _floor():
    return current_app.extensions["colis"]

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


@click.command("trace-lot")
@click.argument("lot")
@click.option("--sku", default=None, help="Only this product (a lot number is unique per product only).")
@with_appcontext
def trace_lot(lot: str, sku: str | None) -> None:
    """Which orders got units of a lot (GS1 AI 10 scanned at pick), with their serials."""
    from server.services.lots import orders_with_lot

    with _floor().session_factory() as session:
        found = orders_with_lot(session, lot, sku)
    if not found:
        click.echo(f"no order got lot {lot}" + (f" of {sku}" if sku else ""))
    for entry in found:
        serials = f", serials {' '.join(entry['serials'])}" if entry["serials"] else ""
        expiry = f", expires {entry['expiry']}" if entry["expiry"] else ""
        click.echo(f"{entry['order'] or '-'} ({entry['status']}): {entry['units']} x {entry['sku']} "
                   f"{entry['name']}, lot {entry['lot']}{expiry}{serials}, picked {entry['first_picked_at']}")


PICKING_COMMANDS = (release_wave, auto_release, cancel_order, stock, reorder_point, low_stock, leases, trace_lot)
