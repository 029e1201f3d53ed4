"""``colis-server`` commands for the printer fleet: add a printer, list the fleet, check it now."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select


def _floor():
    return current_app.extensions["colis"]


@click.command("add-printer")
@click.argument("name")
@click.argument("url")
@click.option("--dpi", type=click.Choice(["203", "300", "600"]), default="203", show_default=True)
@click.option("--media", type=click.Choice(["4x6", "100x150", "4x4"]), default="4x6", show_default=True)
@click.option("--location", default="", help="Where it stands, for people.")
@click.option("--station", "station_code", help="The station whose labels it prints (e.g. PACK-01).")
@click.option("--backup", help="The printer its jobs go to when it cannot print (by name).")
@with_appcontext
def add_printer(name: str, url: str, dpi: str, media: str, location: str, station_code: str | None,
                backup: str | None) -> None:
    """A fleet printer: NAME and URL (tcp://host:9100, cups://host:631/QUEUE, serial:///dev/…, file://…)."""
    from server.services.printers import FleetError, add_printer as add

    try:
        with _floor().uow() as uow:
            view = add(uow, name=name, url=url, dpi=int(dpi), media=media, location=location,
                       station_code=station_code, backup=backup)
    except (FleetError, ValueError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"printer {view['name']} ({view['id']}): {view['url']}, {view['dpi']} dpi, {view['media']}")


@click.command("printers")
@click.option("--check", is_flag=True, help="Ask every printer its status now, and send the jobs that are due.")
@with_appcontext
def printers(check: bool) -> None:
    """The fleet: each printer, its station, backup and last state."""
    from server import printspool
    from server.models import Printer, Station
    from server.services.printers import problem_words

    floor = _floor()
    if check:
        printspool.watch(floor.uow)
        for view in printspool.PrintSpooler(floor.uow).run_once():
            click.echo(f"job {view['job_id']}: {view['words']}")
    with floor.session_factory() as session:
        codes = dict(session.execute(select(Station.id, Station.code)).all())
        fleet = list(session.scalars(select(Printer).order_by(Printer.name)))
        names = {p.id: p.name for p in fleet}
        for p in fleet:
            state = ("not asked yet" if p.checked_at is None else "ready" if not p.problem
                     else problem_words(p.problem, "en", p.status))
            click.echo(f"{p.name:20s} {p.url:40s} {p.dpi} dpi {p.media:8s} station {codes.get(p.station_id, '-'):10s} "
                       f"backup {names.get(p.backup_id, '-'):20s} {state}")


PRINTER_COMMANDS = (add_printer, printers)
