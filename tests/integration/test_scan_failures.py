"""Nothing a scan does stops the floor: on SQLite and PostgreSQL, through the services and the socket."""
from __future__ import annotations

import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError

from server.domain.scenarios import picking
from server.extensions import socketio
from server.models import AuditEvent, ScanEvent, Station, Stock
from server.services import effects, operator
from server.services.returns import authorize_return
from tests.integration.test_floor_flow import order_ready, pick_and_pack, request_task, scan  # noqa: F401
from wire.contract import ClientEvent


def stock_of(floor, item) -> tuple[int, int]:
    with floor.uow() as uow:
        row = uow.session.scalars(select(Stock).where(Stock.product_id == item.product_id)).one()
        return row.on_hand, row.reserved


def recorded(floor, scan_id: str) -> tuple[str, str]:
    """(outcome, reason) of the scan recorded under ``scan_id``."""
    with floor.uow() as uow:
        row = uow.session.scalars(select(ScanEvent).where(ScanEvent.uuid == scan_id)).one()
        return row.outcome, row.reason


def break_a_check(uow, station, *, task_id, line_id):
    """An effect that breaks the database's own rule (stock never negative): a CHECK violation."""
    uow.session.execute(update(Stock).values(on_hand=-1))


def test_a_scan_breaking_a_check_is_refused_recorded_with_why_and_the_next_scan_goes_through(
        floor, order_ready, monkeypatch):
    lamp = order_ready["lamp"]
    request_task(floor, order_ready["pick"])
    monkeypatch.setitem(effects.APPLY, "count_unit", break_a_check)
    poison = str(uuid.uuid4())
    refused = scan(floor, order_ready["pick"], lamp.gtin, poison)
    assert refused["state"] == "pick" and refused["message"]["level"] == "error"
    assert refused["message"]["code"] == "scan_failed" and poison[:8] in refused["message"]["text"]
    outcome, reason = recorded(floor, poison)
    assert outcome == "server_error" and "IntegrityError" in reason
    assert stock_of(floor, lamp) == (5, 2)  # the broken change was rolled back whole

    monkeypatch.undo()
    again = scan(floor, order_ready["pick"], lamp.gtin)
    assert again["message"]["code"] == "item_ok" and again["task"]["progress"]["done"] == 1
    assert scan(floor, order_ready["pick"], lamp.gtin, poison)["duplicate"] is True  # never applied later
    assert stock_of(floor, lamp) == (4, 1)


def test_a_bug_inside_a_scenario_handler_becomes_a_refused_scan(floor, order_ready, monkeypatch):
    request_task(floor, order_ready["pick"])

    def crash(lines, code, **rules):
        raise ZeroDivisionError("a bug in the rules")

    monkeypatch.setattr(picking, "check_scan", crash)  # the pick scenario's rule (domain/pick_rules.py)
    scan_id = str(uuid.uuid4())
    reply = scan(floor, order_ready["pick"], order_ready["mug"].gtin, scan_id)
    assert reply["message"]["code"] == "scan_failed" and reply["task"]["progress"]["done"] == 0
    assert recorded(floor, scan_id) == ("server_error", "ZeroDivisionError: a bug in the rules")


def test_a_database_that_is_briefly_gone_answers_an_error_the_station_retries(floor, order_ready, monkeypatch):
    request_task(floor, order_ready["pick"])

    def connection_lost(uow, station, *, task_id, line_id):
        raise OperationalError("UPDATE stock", {}, Exception("server closed the connection unexpectedly"))

    monkeypatch.setitem(effects.APPLY, "count_unit", connection_lost)
    scan_id = str(uuid.uuid4())
    reply = scan(floor, order_ready["pick"], order_ready["mug"].gtin, scan_id)
    assert reply["error"]["code"] == "busy" and reply["error"]["retry"] is True
    with floor.uow() as uow:  # nothing recorded, so the retry is applied
        assert uow.session.scalar(select(ScanEvent.id).where(ScanEvent.uuid == scan_id)) is None
    monkeypatch.undo()
    assert scan(floor, order_ready["pick"], order_ready["mug"].gtin, scan_id)["message"]["code"] == "item_ok"


def test_the_returns_desk_receives_inspects_and_comes_back_to_the_same_parcel(floor, order_ready):
    pick_and_pack(floor, order_ready)
    with floor.uow() as uow:
        from server.models import Order, PrintJob
        for job in uow.session.scalars(select(PrintJob)):
            job.status = "printed"
        order = uow.session.get(Order, order_ready["order_id"])
        order.status = "shipped"
        rma = authorize_return(uow, order.id, [(order.lines[0].id, 2)], "wrong_size").rma
        uow.commit()
    desk, lamp = order_ready["returns"], order_ready["lamp"]
    rma_scan = str(uuid.uuid4())
    opened = scan(floor, desk, rma, rma_scan)
    assert (opened["state"], opened["scenario"]) == ("return_inspect", "returns_inspect")
    assert "done" in opened["actions"] and opened["rma"]["rma"] == rma
    in_hand = scan(floor, desk, lamp.gtin)  # graded next (docs/returns.md)
    assert in_hand["message"]["code"] == "return_grade_it"
    assert scan(floor, desk, order_ready["mug"].gtin)["message"]["code"] == "return_not_on_rma_extra"

    replay = scan(floor, desk, rma, rma_scan)  # its ack was lost: the same parcel, nothing applied twice
    assert replay["duplicate"] and replay["rma"]["rma"] == rma
    with floor.uow() as uow:
        done = operator.press(uow, uow.session.get(Station, desk), "done", {})
    assert done["message"]["code"] == "inspection_done"  # the refund stays on screen till the next parcel
    again = scan(floor, desk, rma)
    assert again["message"]["level"] == "warn" and again["message"]["code"] == "rma_already_received"


@pytest.fixture
def station_socket(app, floor):
    with floor.uow() as uow:
        _, token = add_station_for_socket(uow)
        uow.commit()
    client = socketio.test_client(app, namespace="/station", auth={"station": "PICK-09", "token": token})
    assert client.is_connected("/station")
    yield client
    client.disconnect(namespace="/station")


def add_station_for_socket(uow):
    from tests.factories import add_station
    return add_station(uow, "PICK-09", "pick")


GARBAGE = [None, 5, "scan", [], {"uuid": 1}, {"uuid": str(uuid.uuid4()), "raw": ""},
           {"uuid": str(uuid.uuid4()), "raw": "x" * 513}, {"job_id": True, "ok": "yes"}, {"name": ["done"]},
           {"name": "done", "params": {"a": {"deep": 1}}}, {"online": "maybe"},
           {"uuid": str(uuid.uuid4()), "raw": "4006381333931", "scanned_at": "yesterday"},
           {"uuid": str(uuid.uuid4()), "raw": "4006381333931", "symbology": "\x00"},
           {"uuid": str(uuid.uuid4()), "raw": "4006381333931", "symbology": "]É0"}]


@pytest.mark.parametrize("event", list(ClientEvent))
def test_every_station_event_answers_garbage_with_an_error_or_a_screen_never_silence(station_socket, event):
    for payload in GARBAGE:
        reply = station_socket.emit(str(event), payload, namespace="/station", callback=True)
        assert isinstance(reply, dict) and ("error" in reply or "state" in reply or reply == {"ok": True}), \
            (event, payload, reply)
        if "error" in reply:
            assert reply["error"]["code"] in ("bad_request", "not_found") and reply["error"]["text"]


@pytest.mark.parametrize("poison", ["]", "]1234", "]x9", "]C1", "]C1\x1d", "\x00\x1d]d2", "Ω" * 512])
def test_poison_scans_are_answered_in_red_over_the_socket(station_socket, poison):
    reply = station_socket.emit("scan", {"uuid": str(uuid.uuid4()), "raw": poison}, namespace="/station",
                                callback=True)
    assert reply["message"]["level"] == "error" and reply["state"] == "idle"


def test_a_dead_lettered_scan_reaches_the_audit_trail(station_socket, floor):
    scan_id = str(uuid.uuid4())
    ack = station_socket.emit("scan_dead_lettered", {"uuid": scan_id, "raw": "]1234", "reason": "bad_request",
                                                     "attempts": 1}, namespace="/station", callback=True)
    assert ack == {"ok": True}
    with floor.uow() as uow:
        row = uow.session.scalars(select(AuditEvent).where(AuditEvent.action == "scan_dead_lettered")).one()
        assert row.actor == "station:PICK-09" and row.detail["uuid"] == scan_id


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.one_of(st.text(min_size=1, max_size=80), st.from_regex(r"\][A-Za-z0-9]?[0-9\x1d]{0,40}", fullmatch=True),
                     st.binary(min_size=1, max_size=60).map(lambda b: b.decode("utf-8", "replace"))),
       symbology=st.sampled_from([None, "]C1", "]E0", "]d2", "]x9", "]", "]Y", "abc"]))  # what ScanPayload lets through
def test_any_scan_at_any_station_through_the_service_gets_a_screen(floor, order_ready, raw, symbology):
    request_task(floor, order_ready["pick"])
    for station in ("pick", "pack", "returns"):
        reply = scan(floor, order_ready[station], raw.replace("\x00", "\ufffd"), symbology=symbology)
        assert reply["state"] in {"idle", "pick", "pack", "print_label", "return_scan", "return_inspect"}
        assert reply["message"]["level"] in ("ok", "warn", "error", "info") and reply["message"]["text"]


@pytest.mark.postgres
def test_a_scan_that_cannot_get_a_database_connection_in_time_is_answered_retry(postgres_url):
    """Pool exhausted (DB_POOL_SIZE 1, no overflow): the scan answers busy/retry within the
    pool's timeout, well inside the station's 5 s ack timeout, instead of hanging or saying nothing."""
    from server import create_app
    from tests.conftest import empty_tables

    empty_tables(postgres_url)
    app = create_app({"TESTING": True, "DATABASE_URL": postgres_url, "SECRET_KEY": "test-secret",
                      "DB_POOL_SIZE": 1, "DB_MAX_OVERFLOW": 0, "DB_POOL_TIMEOUT": 0.5})
    floor = app.extensions["colis"]
    try:
        with floor.uow() as uow:
            _, token = add_station_for_socket(uow)
            uow.commit()
        client = socketio.test_client(app, namespace="/station", auth={"station": "PICK-09", "token": token})
        payload = {"uuid": str(uuid.uuid4()), "raw": "4006381333931"}
        with floor.engine.connect():  # a long transaction holds the only connection
            started = time.monotonic()
            reply = client.emit("scan", payload, namespace="/station", callback=True)
            waited = time.monotonic() - started
        assert reply["error"]["code"] == "busy" and reply["error"]["retry"] is True
        assert 0.4 < waited < 3
        retried = client.emit("scan", payload, namespace="/station", callback=True)  # the connection is back
        assert retried["state"] == "idle" and retried["duplicate"] is False
        client.disconnect(namespace="/station")
    finally:
        floor.close()


def test_a_first_scan_that_fails_still_leaves_the_station_its_session(floor, order_ready, monkeypatch):
    """A station with no stored session whose first scan fails: the refusal's own transaction
    saves the session, so the next scan finds the station where the screen shows it."""
    from server.models import StationSession

    def crash(lines, code, **rules):
        raise ZeroDivisionError("a bug in the rules")

    monkeypatch.setattr(picking, "check_scan", crash)
    with floor.uow() as uow:  # the picker's very first request: no session row yet
        from server.services import dispatch
        dispatch.request_task(uow, uow.session.get(Station, order_ready["pick"]))
        uow.session.query(StationSession).delete()
        uow.commit()
    assert scan(floor, order_ready["pick"], order_ready["lamp"].gtin)["message"]["code"] == "scan_failed"
    with floor.uow() as uow:
        row = uow.session.get(StationSession, order_ready["pick"])
        assert row is not None and (row.scenario, row.state) == ("pick", "pick")
