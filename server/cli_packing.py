"""``colis-server`` commands for the packing benches: orders handed to a supervisor."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("handed-over")
@with_appcontext
def handed_over() -> None:
    """List the orders a packer handed to a supervisor (docs/flows.md, "The pack flow")."""
    from server.services import pack_effects

    with current_app.extensions["colis"].uow() as uow:
        waiting = pack_effects.handed_over(uow.session)
    for row in waiting:
        click.echo(f"{row['order']}  (pack task {row['task_id']})")
    if not waiting:
        click.echo("no order waits for a supervisor")


@click.command("send-back")
@click.argument("order_ref")
@with_appcontext
def send_back(order_ref: str) -> None:
    """Send a handed-over order back to the packing benches (what was checked is kept)."""
    from server.models import Order
    from server.services import pack_effects

    order_id = Order.id_from_reference(order_ref)
    if order_id is None:
        raise click.BadParameter(f"no order {order_ref}")
    with current_app.extensions["colis"].uow() as uow:
        try:
            pack_effects.send_back(uow, order_id, actor="cli")
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
    click.echo(f"{Order.reference_of(order_id)} is back on the packing benches")


PACKING_COMMANDS = (handed_over, send_back)
