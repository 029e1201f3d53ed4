"""``colis-server`` commands of the returns desk (issue 8): open an RMA for chosen lines, its
labels (PDF for the customer, ZPL to the desk printer), and the returns export (CSV)."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from server.cli_people import cli_actor


def _floor():
    return current_app.extensions["colis"]


@click.command("open-return")
@click.argument("order_ref")
@click.option("--line", "lines", multiple=True, required=True, metavar="SKU:QTY:REASON",
              help="A line to send back, e.g. SKU-00042:1:wrong_size (repeat for each line).")
@with_appcontext
def open_return(order_ref: str, lines: tuple[str, ...]) -> None:
    """Open an RMA for some lines of a shipped order, each with its reason; prints the RMA."""
    from server.domain.returns import ReturnNotAllowed, WantedLine
    from server.models import Order
    from server.services import return_labels, returns

    order_id = Order.id_from_reference(order_ref)
    with _floor().uow() as uow:
        order = uow.session.get(Order, order_id) if order_id is not None else None
        if order is None:
            raise click.BadParameter(f"no order {order_ref}")
        by_sku = {line.product.sku: line.id for line in order.lines}
        wanted = [_wanted(text, by_sku, WantedLine) for text in lines]
        try:
            case = returns.open_return(uow, order.id, wanted, actor=cli_actor(), source="cli")
        except ReturnNotAllowed as exc:
            raise click.ClickException(str(exc)) from exc
        uow.commit()
        rma = case.rma
    click.echo(rma)
    with _floor().uow() as uow:
        printed = return_labels.print_at_desk(uow, returns_find(uow.session, rma))
    if printed is not None and "error" in printed:
        click.echo(f"label not printed: {printed['text']}", err=True)


def returns_find(session, rma: str):
    from server.services.refunds import find_return

    return find_return(session, rma)


def _wanted(text: str, by_sku: dict[str, int], wanted_line):
    sku, _, rest = text.rpartition(":")
    sku, _, quantity = sku.rpartition(":")
    if not sku or sku not in by_sku:
        raise click.BadParameter(f"{text!r}: SKU:QTY:REASON with a SKU of this order", param_hint="--line")
    if not quantity.isdigit():
        raise click.BadParameter(f"{text!r}: the quantity must be a whole number", param_hint="--line")
    return wanted_line(by_sku[sku], int(quantity), rest)


@click.command("return-label")
@click.argument("rma")
@click.option("--pdf", "pdf_path", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Where to write the customer's label (PDF).")
@click.option("--locale", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@with_appcontext
def return_label(rma: str, pdf_path: Path, locale: str) -> None:
    """Write a return's label for the customer as PDF (RMA as Code 128 and QR)."""
    from server.services import return_labels

    with _floor().uow() as uow:
        case = returns_find(uow.session, rma)
        if case is None:
            raise click.BadParameter(f"no return {rma}")
        pdf_path.write_bytes(return_labels.return_label_pdf(case, uow.settings.warehouse_address, locale))
    click.echo(f"{rma} -> {pdf_path}")


@click.command("returns-export")
@click.argument("csv_path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3660))
@with_appcontext
def returns_export(csv_path: Path, days: int) -> None:
    """Write every return line opened in the last DAYS days as CSV (formula cells neutralised);
    prints units and value by reason."""
    from server.models._types import utcnow
    from server.services import return_stats

    with _floor().uow() as uow:
        found = return_stats.rows(uow.session, utcnow() - timedelta(days=days))
    csv_path.write_text(return_stats.to_csv(found), encoding="utf-8")
    click.echo(f"{len(found)} return line(s) -> {csv_path}")
    for row in return_stats.summary(found)["reason"]:
        click.echo(f"  {row['key']}: {row['returns']} return(s), {row['units']} unit(s), {row['value_cents'] / 100:.2f}")


RETURN_COMMANDS = (open_return, return_label, returns_export)
