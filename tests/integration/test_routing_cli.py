"""``colis-server warehouse`` and ``route-orders`` (issue 14): set up warehouses, their distance
table and stations, then route; every bad value refused naming it, nothing written."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from server.models import Order, Station, Warehouse, WarehouseZone
from tests.factories import add_item, add_order, add_station


def run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def test_warehouses_zones_and_stations_are_set_up_from_the_command_line(app, floor):
    with floor.uow() as uow:
        add_station(uow, "PICK-P1", "pick")
        uow.commit()
    assert run(app, "warehouse", "add", "paris-n", "--name", "Entrepôt Paris Nord", "--city", "Paris",
               "--postal-code", "93200").output == "warehouse PARIS-N added\n"
    assert run(app, "warehouse", "zone", "PARIS-N", "fr", "75", "--km", "15").exit_code == 0
    assert run(app, "warehouse", "zone", "PARIS-N", "FR", "--km", "450").exit_code == 0
    assert run(app, "warehouse", "zone", "PARIS-N", "FR", "75", "--km", "12").exit_code == 0  # changed, not doubled
    assert run(app, "warehouse", "station", "PICK-P1", "paris-n").output == "station PICK-P1 now works in PARIS-N\n"
    listed = run(app, "warehouse", "list").output
    assert "PARIS-N: Entrepôt Paris Nord, Paris FR · 0 bins · 1 stations · FR* 450 km, FR75 12 km" in listed
    assert listed.startswith("MAIN: ")
    with floor.session_factory() as session:
        paris = session.scalars(select(Warehouse).where(Warehouse.code == "PARIS-N")).one()
        assert session.scalars(select(Station.warehouse_id).where(Station.code == "PICK-P1")).one() == paris.id
        assert sorted(session.scalars(select(WarehouseZone.km))) == [12, 450]


@pytest.mark.parametrize("args, said", [
    (("warehouse", "add", "bad code!"), "code 'BAD CODE!'"),
    (("warehouse", "add", "LILLE", "--country", "France"), "country 'FRANCE'"),
    (("warehouse", "add", "LILLE", "--timezone", "Mars/Olympus"), "timezone 'Mars/Olympus'"),
    (("warehouse", "add", "MAIN"), "a warehouse with this code exists"),
    (("warehouse", "zone", "NOWHERE", "FR", "--km", "3"), "warehouse 'NOWHERE': no such warehouse"),
    (("warehouse", "zone", "MAIN", "FR", "75-01", "--km", "3"), "postal prefix '75-01'"),
    (("warehouse", "zone", "MAIN", "FR", "--km", "-3"), "km -3"),
    (("warehouse", "station", "NOPE", "MAIN"), "station 'NOPE': no such station"),
])
def test_a_bad_value_is_refused_by_name_and_nothing_is_written(app, floor, args, said):
    result = run(app, *args)
    assert result.exit_code == 2 and said in result.output, result.output
    with floor.session_factory() as session:
        assert session.scalars(select(Warehouse.code)).all() == ["MAIN"]
        assert session.scalars(select(WarehouseZone)).all() == []


def test_route_orders_routes_what_waits(app, floor):
    with floor.uow() as uow:
        lamp = add_item(uow, "Lampe", on_hand=2)
        ok, short = add_order(uow, [(lamp, 1)]).id, add_order(uow, [(lamp, 5)]).id
        uow.commit()
    assert run(app, "route-orders").output == "1 short, 1 whole\n"
    assert run(app, "route-orders").output == "1 short\n"  # the short one waits (said once in its decisions)
    with floor.session_factory() as session:
        assert [session.get(Order, i).status for i in (ok, short)] == ["allocated", "backordered"]
