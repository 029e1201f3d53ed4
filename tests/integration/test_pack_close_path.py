"""Closing an order at the packing bench (issue 12): what the weigh step that closes it sends
to the database, on SQLite and PostgreSQL. Counted, not timed (time is bench_pack_load.py's):
a fixed number of statements whatever the order's lines or parcels, so that an N+1 per line
or per parcel cannot come back unseen (as test_scan_path.py guards the pick scan)."""
from __future__ import annotations

from sqlalchemy import select

from server.domain.shipping.services import BY_CODE
from server.models import Order, Package, PrintJob, Station
from server.services import operator, parcel_contents, printing, sessions
from tests.factories import add_item
from tests.integration.test_pack_flow import bench, picked_order, press, request_task, scan  # noqa: F401 (fixture)
from tests.integration.test_scan_path import statements_of

# What the weigh that closes the order sends, by verb and table: the station and its session,
# the scenario's reads (waiting print jobs, the held task, the units' weights), then the close:
# the task with its order, address and customer; the products; the packages inserted and read
# back; the warehouse; contents, labels and slips, the carrier's choice, the order and its
# history, the packages' SSCCs and bookings, the task; the session; the screen's print jobs;
# the audit trail.
CLOSING = ["SELECT STATIONS", "SELECT PRINT_JOBS", "SELECT TASKS", "SELECT PRODUCTS",
           "SELECT TASKS", "SELECT PRODUCTS", "INSERT PACKAGES", "SELECT PACKAGES", "SELECT WAREHOUSES",
           "INSERT PACKAGE_CONTENTS", "INSERT PRINT_JOBS", "INSERT ROUTING_DECISIONS", "UPDATE ORDERS",
           "INSERT ORDER_STATUS_CHANGES", "UPDATE PACKAGES", "UPDATE TASKS", "UPDATE STATION_SESSIONS",
           "SELECT PRINT_JOBS", "INSERT AUDIT_EVENTS"]


def verb_and_table(statement: str) -> str:
    verb, second, third = (statement.split() + ["", ""])[:3]
    if verb == "SELECT":
        return f"SELECT {second.split('.')[0]}"
    return f"{verb} {third if verb == 'INSERT' else second}"


def weigh_to_close(floor, bench, items, parcels: int) -> tuple[list[str], dict]:  # noqa: F811
    """Pick ``items``, pack them in ``parcels`` parcels, each weighing what the screen expects,
    all but the last; then the statements of the last weighing, through the handler's path, and
    its screen."""
    picked_order(floor, bench["pick"], items)
    request_task(floor, bench["pack"])
    for item, quantity in items:
        for _ in range(quantity):
            scan(floor, bench["pack"], item.gtin)
    if parcels > 1:
        press(floor, bench["pack"], "parcels", count=parcels)
    weighing = scan(floor, bench["pack"], "BOX-M")
    for _ in range(parcels - 1):
        weighing = press(floor, bench["pack"], "weigh", grams=weighing["pack"]["parcel_expected_g"])
        assert weighing["state"] == "weigh"
    grams = weighing["pack"]["parcel_expected_g" if parcels > 1 else "expected_g"]
    screen: dict = {}

    def last_weighing():
        with floor.uow() as uow:
            station = sessions.load_station(uow.session, bench["pack"])  # what /station does
            screen.update(operator.press(uow, station, "weigh", {"grams": grams}))

    sent = statements_of(floor, last_weighing)
    assert screen["state"] == "print_label", screen["message"]
    with floor.uow() as uow:  # printed: the bench is free for the next order
        for job in screen["print"]:
            printing.confirm_print(uow, uow.session.get(Station, bench["pack"]), job["job_id"], ok=True)
    return [verb_and_table(statement) for statement in sent], screen


def test_closing_an_order_sends_the_same_statements_for_one_parcel_or_three(floor, bench):  # noqa: F811
    lamp, mug = bench["lamp"], bench["mug"]
    with floor.uow() as uow:
        vase = add_item(uow, "Vase", on_hand=9, weight_g=200)
        uow.commit()
    one, _ = weigh_to_close(floor, bench, [(lamp, 2), (mug, 1)], 1)
    three, screen = weigh_to_close(floor, bench, [(lamp, 2), (mug, 1), (vase, 2)], 3)
    assert one == CLOSING, one
    assert three == CLOSING, three  # one more line and two more parcels: not one statement more
    assert [job["kind"] for job in screen["print"]] == ["shipping"] * 3 + ["packing_slip"] * 3


def test_each_parcel_of_a_closed_order_gets_its_own_label_weight_and_slip(floor, bench):  # noqa: F811
    """The rows written together still belong together: label n of m with the weight the scale
    read for parcel n, its SSCC and tracking number, its slip listing what was recorded in it."""
    lamp, mug = bench["lamp"], bench["mug"]
    _, screen = weigh_to_close(floor, bench, [(lamp, 2), (mug, 1)], 3)
    with floor.uow() as uow:
        packages = uow.session.scalars(select(Package).order_by(Package.id)).all()
        jobs = dict(uow.session.execute(select(PrintJob.id, PrintJob.package_id)).all())
        contents = parcel_contents.of_order(uow.session, packages[0].order_id)
        rows = [(package.id, package.weight_g, package.sscc, package.tracking_number) for package in packages]
    labels, slips = screen["print"][:3], screen["print"][3:]
    assert [weight for _, weight, _, _ in rows] == [650, 650, 550]  # each with its box of 250 g
    for number, ((package, weight, sscc, tracking), label, slip) in enumerate(zip(rows, labels, slips), start=1):
        assert jobs[label["job_id"]] == jobs[slip["job_id"]] == package
        assert f"{number}/3" in label["zpl"] and f"{weight / 1000:.2f} kg" in label["zpl"]
        assert sscc in label["zpl"] and tracking in label["zpl"]
        assert [line.sku in slip["zpl"] for line in contents[package]] == [True] * len(contents[package])
        assert f"{number}/3" in slip["zpl"]
    assert [[line.quantity for line in contents[package]] for package, *_ in rows] == [[1], [1], [1]]


def test_a_parcel_is_booked_for_the_weight_the_scale_read(floor, bench):  # noqa: F811
    """Booked at the catalog weight and only then given the scale's, a parcel found heavier than
    its service takes (29.5 kg of goods, 30.4 kg on the scale with its box, within the tolerance;
    Colissimo takes 30 kg) left on a service its carrier refuses at pickup."""
    with floor.uow() as uow:
        anvil = add_item(uow, "Enclume", on_hand=2, weight_g=29_500)
        uow.commit()
    order_id = picked_order(floor, bench["pick"], [(anvil, 1)])
    with floor.uow() as uow:  # routed to Colissimo (29.65 kg with packaging), whatever the hour
        uow.session.get(Order, order_id).carrier_service = "COLISSIMO_DOM"
        uow.commit()
    request_task(floor, bench["pack"])
    scan(floor, bench["pack"], anvil.gtin)
    assert scan(floor, bench["pack"], "BOX-M")["state"] == "weigh"
    screen = press(floor, bench["pack"], "weigh", grams=30_400)
    assert screen["state"] == "print_label", screen["message"]
    with floor.session_factory() as session:
        package = session.scalars(select(Package).order_by(Package.id.desc())).first()
    assert package.weight_g == 30_400
    assert BY_CODE[package.service].max_weight_g >= 30_400, package.service
