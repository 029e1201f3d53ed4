"""The scan's server share (issue 13): what a pick scan sends to the database, and the guards
that came with making it lean, on SQLite and PostgreSQL.

Statements are counted, not timed: a count is a property of the code (like an N+1 check),
while time belongs to bench/ (profile_scan.py, bench_scan.py).
"""
from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import event, func, select

from server.models import ScanEvent, Stock, Task, TaskLine
from server.services import effects, sessions
from tests.integration.test_floor_flow import order_ready, request_task, scan  # noqa: F401


def stock_of(floor, item) -> tuple[int, int]:
    with floor.uow() as uow:
        row = uow.session.scalars(select(Stock).where(Stock.product_id == item.product_id)).one()
        return row.on_hand, row.reserved


def statements_of(floor, call) -> list[str]:
    """The statements ``call`` sent from this thread (the dashboard's snapshot runs on its own)."""
    sent: list[str] = []
    caller = threading.get_ident()

    def note(conn, cursor, statement, *args):
        if threading.get_ident() == caller:
            sent.append(" ".join(statement.split()[:3]).upper())

    event.listen(floor.engine, "before_cursor_execute", note)
    try:
        call()
    finally:
        event.remove(floor.engine, "before_cursor_execute", note)
    return [s for s in sent if not s.startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]


def test_a_pick_scan_is_five_statements_station_task_line_stock_and_its_record(floor, order_ready):
    request_task(floor, order_ready["pick"])

    def scan_through_the_handler_path():
        with floor.uow() as uow:
            from datetime import datetime, timezone

            from server.services import scans

            station = sessions.load_station(uow.session, order_ready["pick"])  # what /station does
            cmd = scans.ScanCommand(str(uuid.uuid4()), order_ready["lamp"].gtin, None, datetime.now(timezone.utc))
            reply = scans.record_scan(uow, station, cmd)
            assert reply["message"]["code"] == "item_ok" and reply["task"]["progress"]["done"] == 1

    sent = statements_of(floor, scan_through_the_handler_path)
    assert [s.split()[0] for s in sent] == ["SELECT", "SELECT", "UPDATE", "UPDATE", "INSERT"], sent
    assert "UPDATE TASK_LINES SET" in sent[2] and "UPDATE STOCK SET" in sent[3] and "INTO SCAN_EVENTS" in sent[4]


def test_the_screen_after_a_counted_unit_shows_it_without_reading_the_task_again(floor, order_ready):
    request_task(floor, order_ready["pick"])
    first = scan(floor, order_ready["pick"], order_ready["lamp"].gtin)
    second = scan(floor, order_ready["pick"], order_ready["lamp"].gtin)
    assert [first["task"]["progress"], second["task"]["progress"]] == [{"done": 1, "total": 3},
                                                                       {"done": 2, "total": 3}]
    lamp_line = next(line for line in second["task"]["lines"] if line["gtin"] == order_ready["lamp"].gtin)
    assert lamp_line["done"] == 2 and second["task"]["next"]["gtin"] == order_ready["mug"].gtin
    with floor.uow() as uow:  # what the screen said is what the database holds
        assert uow.session.scalar(select(func.sum(TaskLine.done_qty))) == 2


def test_replaying_the_scan_that_finished_the_pick_changes_nothing(floor, order_ready):
    """The replay does the work again and is rolled back whole on the unique uuid: one pack
    task, the stock moved once, one scan row."""
    request_task(floor, order_ready["pick"])
    scan(floor, order_ready["pick"], order_ready["lamp"].gtin)
    scan(floor, order_ready["pick"], order_ready["lamp"].gtin)
    last = str(uuid.uuid4())
    done = scan(floor, order_ready["pick"], order_ready["mug"].gtin, last)
    assert done["state"] == "idle" and done["message"]["code"] == "pick_done"
    again = scan(floor, order_ready["pick"], order_ready["mug"].gtin, last)
    assert again["duplicate"] is True and again["message"]["code"] == "duplicate_scan"
    assert stock_of(floor, order_ready["mug"]) == (2, 0)
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Task).where(Task.kind == "pack")) == 1
        assert uow.session.scalar(select(func.count()).select_from(ScanEvent).where(ScanEvent.uuid == last)) == 1


def test_a_unit_is_never_counted_on_a_task_the_station_no_longer_holds(floor, order_ready):
    """Between reading the task and counting, a supervisor may have cancelled it: the count
    is refused (and the scan with it), nothing moves."""
    request_task(floor, order_ready["pick"])
    with floor.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.station_id == order_ready["pick"])).one()
        line_id, task_id = task.lines[0].id, task.id
        task.status = "cancelled"
        uow.commit()
    with floor.uow() as uow:
        station = sessions.load_station(uow.session, order_ready["pick"])
        with pytest.raises(LookupError, match="held by station"):
            effects.count_unit(uow, station, task_id=task_id, line_id=line_id)
    assert stock_of(floor, order_ready["lamp"]) == (5, 2)


def test_a_unit_is_never_counted_on_another_tasks_line(floor, order_ready):
    request_task(floor, order_ready["pick"])
    with floor.uow() as uow:
        task = uow.session.scalars(select(Task).where(Task.station_id == order_ready["pick"])).one()
        station = sessions.load_station(uow.session, order_ready["pick"])
        with pytest.raises(LookupError):
            effects.count_unit(uow, station, task_id=task.id + 1000, line_id=task.lines[0].id)


@pytest.mark.postgres
def test_scans_after_postgresql_dropped_every_connection_are_retried_never_lost(postgres_url):
    """No pre-ping on checkout (it costs every transaction a round trip): through the real
    /station handler, a connection the database dropped fails once, answered "retry", and the
    station's retry is applied once."""
    from sqlalchemy import create_engine, text

    from server import create_app
    from server.extensions import socketio
    from server.services.allocation import allocate_order
    from tests.conftest import empty_tables
    from tests.factories import add_item, add_order, add_station

    empty_tables(postgres_url)
    app = create_app({"TESTING": True, "DATABASE_URL": postgres_url, "SECRET_KEY": "x" * 32})
    floor = app.extensions["colis"]
    try:
        with floor.uow() as uow:
            lamp = add_item(uow, "Lampe", on_hand=5)
            allocate_order(uow, add_order(uow, [(lamp, 3)]).id)
            _, token = add_station(uow, "PICK-01", "pick")
            uow.commit()
        station = socketio.test_client(app, namespace="/station", auth={"station": "PICK-01", "token": token})
        assert station.emit("request_task", {}, namespace="/station", callback=True)["state"] == "pick"

        def send(scan_id: str) -> dict:
            return station.emit("scan", {"uuid": scan_id, "raw": lamp.gtin}, namespace="/station", callback=True)

        assert send(str(uuid.uuid4()))["message"]["code"] == "item_ok"  # the pool holds a live connection
        admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            dropped = connection.execute(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        admin.dispose()
        assert dropped >= 1

        scan_id = str(uuid.uuid4())
        replies = [send(scan_id)]
        if "error" in replies[0]:  # the dropped connection: never silence, always "retry"
            assert replies[0]["error"]["code"] == "busy" and replies[0]["error"]["retry"] is True
            replies.append(send(scan_id))  # what the station's outbox does with that answer
        assert replies[-1]["message"]["code"] == "item_ok" and replies[-1]["task"]["progress"]["done"] == 2
        with floor.uow() as uow:
            assert uow.session.scalar(select(func.count()).select_from(ScanEvent)
                                      .where(ScanEvent.uuid == scan_id)) == 1
        station.disconnect(namespace="/station")
    finally:
        floor.close()


def test_a_pick_scan_naming_a_lot_adds_one_insert_and_a_plain_one_stays_five(floor, order_ready):
    """Issue 6: a GS1 code with a lot, expiry or serial is kept for traceability (picked_lots),
    one INSERT in the scan's transaction; a plain EAN's scan is unchanged (the test above)."""
    request_task(floor, order_ready["pick"])
    from datetime import date, timedelta

    in_a_year = (date.today() + timedelta(days=365)).strftime("%y%m%d")
    raw = "01" + order_ready["lamp"].gtin.zfill(14) + "10LOT42" + "\x1d" + "17" + in_a_year

    def scan_a_lot():
        with floor.uow() as uow:
            from datetime import datetime, timezone

            from server.services import scans

            station = sessions.load_station(uow.session, order_ready["pick"])
            cmd = scans.ScanCommand(str(uuid.uuid4()), raw, "]C1", datetime.now(timezone.utc))
            assert scans.record_scan(uow, station, cmd)["message"]["code"] == "item_ok"

    sent = statements_of(floor, scan_a_lot)
    assert [s.split()[0] for s in sent] == ["SELECT", "SELECT", "UPDATE", "UPDATE", "INSERT", "INSERT"], sent
    assert "INTO PICKED_LOTS" in sent[4] and "INTO SCAN_EVENTS" in sent[5]
