"""``colis-server`` commands for warehouses and routing (docs/routing.md, "Warehouses")."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


def _floor():
    return current_app.extensions["colis"]


@click.group("warehouse")
def warehouse() -> None:
    """Warehouses, their distance table and their stations."""


def _run(change) -> None:
    from server.services.warehouses import WarehouseError

    with _floor().uow() as uow:
        try:
            said = change(uow)
        except WarehouseError as exc:
            raise click.UsageError(str(exc)) from None
        uow.commit()
    click.echo(said)


@warehouse.command("add")
@click.argument("code")
@click.option("--name", default="", help="What people call it.")
@click.option("--address", "line1", default="", help="Street, printed as the labels' sender.")
@click.option("--postal-code", default="")
@click.option("--city", default="")
@click.option("--country", default="FR", show_default=True)
@click.option("--timezone", default="Europe/Paris", show_default=True, help="For the carriers' cut-offs.")
@with_appcontext
def add(code, name, line1, postal_code, city, country, timezone) -> None:
    """Add a warehouse (CODE: LYON, PARIS-N...)."""
    from server.services.warehouses import add_warehouse

    def change(uow):
        added = add_warehouse(uow, code, name, line1=line1, postal_code=postal_code, city=city, country=country,
                              timezone=timezone)
        return f"warehouse {added.code} added"
    _run(change)


@warehouse.command("zone")
@click.argument("code")
@click.argument("country")
@click.argument("postal_prefix", required=False, default="")
@click.option("--km", type=int, required=True, help="Distance to those customers.")
@with_appcontext
def zone(code, country, postal_prefix, km) -> None:
    """Set how far warehouse CODE is from customers in COUNTRY whose postal code starts with
    POSTAL_PREFIX (none: the whole country). The longest matching prefix wins."""
    from server.services.warehouses import set_zone

    def change(uow):
        set_zone(uow, code, country, postal_prefix, km)
        return f"{code.upper()} → {country.upper()} {postal_prefix or '(whole country)'}: {km} km"
    _run(change)


@warehouse.command("station")
@click.argument("station")
@click.argument("code")
@with_appcontext
def station(station, code) -> None:
    """Move STATION to warehouse CODE (it claims that warehouse's tasks only)."""
    from server.services.warehouses import assign_station

    def change(uow):
        assign_station(uow, station, code)
        return f"station {station} now works in {code.upper()}"
    _run(change)


@warehouse.command("list")
@with_appcontext
def list_warehouses() -> None:
    """Every warehouse: bins, stations, distance table."""
    from server.services.warehouses import overview

    with _floor().session_factory() as session:
        for row in overview(session):
            state = "" if row["active"] else " (inactive)"
            click.echo(f"{row['code']}{state}: {row['name']}, {row['city']} {row['country']} · {row['bins']} bins · "
                       f"{row['stations']} stations · " + (", ".join(row["zones"]) or "no distance rows"))


@click.command("route-orders")
@click.option("--limit", type=click.IntRange(1, 100_000), default=500, show_default=True)
@with_appcontext
def route_orders(limit: int) -> None:
    """Route (warehouse, carrier) and allocate the new and backordered orders now."""
    from server.services.routing import route_waiting_orders

    with _floor().uow() as uow:
        counts = route_waiting_orders(uow, limit)
        uow.commit()
    click.echo(", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "no order waits for routing")


ROUTING_COMMANDS = [warehouse, route_orders]
