"""Intake commands of ``colis-server``: integrations, API tokens, CSV import."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click
from flask import Blueprint, current_app

bp = Blueprint("intake_cli", __name__, cli_group=None)


def _floor():
    return current_app.extensions["colis"]


@bp.cli.command("create-integration")
@click.argument("name")
@click.option("--platform", required=True, type=click.Choice(["shopify", "woocommerce", "api", "csv"]))
@click.option("--secret", default=None, help="The webhook secret the shop signs with (else a random one).")
@click.option("--scopes", default=None, help="Also issue an API token with these scopes, e.g. 'read orders:write'.")
def create_integration_command(name: str, platform: str, secret: str | None, scopes: str | None) -> None:
    """Add a shop or API client; prints its webhook URL and secret, or its API token, once."""
    from server.services.intake.integrations import IntegrationError, create_integration
    from server.services.intake.tokens import issue_token

    with _floor().uow() as uow:
        try:
            integration, secret = create_integration(uow, name, platform, secret)
            token = issue_token(uow, integration.id, scopes.split()) if scopes else None
        except (IntegrationError, ValueError) as exc:
            raise click.BadParameter(str(exc)) from exc
        uow.commit()
    if platform in ("shopify", "woocommerce"):
        click.echo(f"webhook URL: /api/v1/webhooks/{platform}/{name}")
        click.echo(f"webhook secret: {secret}")
    if token:
        click.echo(f"API token (shown once): {token}")


@bp.cli.command("import-orders")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--channel", default="csv", show_default=True, help="The channel the orders are from.")
def import_orders_command(path: Path, channel: str) -> None:
    """Import a CSV export (one row per order line; UTF-8 or Windows-1252; ',' or ';')."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from server.domain.intake.csv_orders import CsvFormatError, read_csv
    from server.services.intake.imports import import_orders

    data = path.read_bytes()
    try:
        total = len(read_csv(data).orders)
    except CsvFormatError as exc:
        raise click.ClickException(f"{path.name}: {exc}") from exc
    hours = float(current_app.config.get("INTAKE_SHIP_WITHIN_HOURS", 24))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=False) as bar:
        task = bar.add_task(f"importing {path.name}", total=total)
        report = import_orders(_floor(), channel, data, timedelta(hours=hours),
                               progress=lambda n: bar.advance(task, n))
    reading = report.reading
    delimiter = "semicolon" if reading.delimiter == ";" else "comma"
    counts = ", ".join(f"{n} {outcome.replace('_', ' ')}" for outcome, n in sorted(report.outcomes.items())) or "no order"
    click.echo(f"{path.name} ({reading.encoding}, {delimiter}): {counts}")
    for error in report.errors:
        click.echo(f"row {error.row}: {error.reason}", err=True)
    if report.errors:
        click.echo(f"{len(report.errors)} row(s) not imported as they are; the other rows are.", err=True)
        raise SystemExit(1)


@bp.cli.command("replay-held")
@click.option("--channel", default=None, help="Only this channel's held orders.")
def replay_held_command(channel: str | None) -> None:
    """Apply again the newest stored delivery of every held order (after adding its products)."""
    from server.services.intake.webhooks import replay_held

    results = replay_held(_floor(), channel)
    for external_id, receipt in results:
        click.echo(f"{external_id}: {receipt.outcome} {receipt.detail}".rstrip())
    click.echo(f"{len(results)} held order(s) tried again")
