"""Commands for keeping customers informed (docs/notifications.md): the promise watcher's pass
(for a systemd timer or cron when no queue worker runs the periodic job), a supervisor's undo,
a tracking poll, sending what waits in the outbox, and refolding the customers' search texts."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from server.cli_people import cli_actor
from server.models._types import utcnow
from server.services import promises


@click.command("keep-promises")
@with_appcontext
def keep_promises() -> None:
    """One pass of the promise watcher over every open order (what the 5-minute job runs)."""
    app = current_app._get_current_object()
    try:
        pace = promises.pace_from_config(app.config, utcnow())
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    with app.extensions["colis"].uow() as uow:
        report = promises.watch(uow, pace)
        uow.commit()
    click.echo(f"{report.watched} open orders watched, {report.at_risk} would miss their promise, "
               f"{report.decisions} decisions recorded")


@click.command("undo-promise")
@click.argument("decision_id", type=int)
@with_appcontext
def undo_promise(decision_id: int) -> None:
    """Put back what a promise decision changed; the watcher then leaves that order alone."""
    with current_app.extensions["colis"].uow() as uow:
        try:
            decision = promises.undo(uow, decision_id, actor=cli_actor())
        except promises.UndoRefused as exc:
            raise click.ClickException(str(exc)) from None
        uow.commit()
    click.echo(f"decision {decision.id} ({decision.action}) undone")


@click.command("promise-decisions")
@click.option("--order", "reference", default=None, help="only this order (CO-0000042)")
@with_appcontext
def promise_decisions(reference: str | None) -> None:
    """The watcher's recent decisions: what, why, the cost, undone or not."""
    from server.models import Order

    order_id = Order.id_from_reference(reference) if reference else None
    if reference and order_id is None:
        raise click.ClickException(f"{reference!r} is not an order number (CO-0000042)")
    with current_app.extensions["colis"].uow() as uow:
        for row in promises.decisions_of(uow.session, order_id):
            undone = f" — undone by {row.undone_by}" if row.undone_at else ""
            click.echo(f"#{row.id} {Order.reference_of(row.order_id)} {row.action} ({row.cost_cents} cents): "
                       f"{row.reason}{undone}")


@click.command("poll-tracking")
@with_appcontext
def poll_tracking() -> None:
    """Ask the polled carriers (La Poste Suivi v2) about every parcel on its way, once."""
    from server.customer_jobs import laposte_client
    from server.tracking_poll import poll_parcels

    app = current_app._get_current_object()
    report = poll_parcels(app.extensions["colis"], laposte_client(app.config),
                          list(app.config.get("TRACKING_POLLED_CARRIERS") or []))
    click.echo(f"{report.asked} parcels asked about, {report.stored} new events, {report.failed} failed")


@click.command("refold-customers")
@with_appcontext
def refold_customers() -> None:
    """Set every customer's search texts from their name and e-mail again (after SQL that
    renamed customers without them; docs/dashboard.md)."""
    from server.services.customer_search import refold_customers as refold

    engine = current_app.extensions["colis"].engine
    with engine.begin() as connection:
        changed = refold(connection)
    click.echo(f"customers refolded: {changed}")


CUSTOMER_COMMANDS = (keep_promises, undo_promise, promise_decisions, poll_tracking, refold_customers)
