"""DPD Tracking Push: DPD calls the URL it was given, one status per call, at least once and
in any order. Over the app's HTTP interface, with DPD's own parameters: statuses pushed out of
order and twice are applied once each, in the carrier's time order (both databases)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from server.models import AuditEvent, Order, Package, TrackingEvent
from tests.customer_kit import dpd_push, shipped_order

T0 = datetime(2026, 11, 20, 7, 30, tzinfo=timezone.utc)
JOURNEY = [("start_order", T0), ("pickup_driver", T0 + timedelta(hours=8)),
           ("pickup_depot", T0 + timedelta(hours=11)), ("delivery_depot", T0 + timedelta(days=1)),
           ("delivery_carload", T0 + timedelta(days=1, hours=1)),
           ("delivery_customer", T0 + timedelta(days=1, hours=5, minutes=12))]
TOKEN = "dpd-push-secret-0250"


def _shipped(floor):
    with floor.uow() as uow:
        order, (package,) = shipped_order(uow, carrier="DPD")
        uow.commit()
        return order.id, package.id, package.tracking_number


def _push(web, number, steps):
    answers = []
    for status, at in steps:
        answer = web.get(f"/carriers/dpd/push/{TOKEN}", query_string=dpd_push(number, status, at))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        answers.append(answer.get_data(as_text=True))
    return answers


def _told(floor):
    with floor.uow() as uow:
        return [a for (a,) in uow.session.execute(select(AuditEvent.action).order_by(AuditEvent.id))
                if a.startswith(("parcel_", "order_delivered", "order_returned"))]


def test_pushes_out_of_order_and_twice_are_applied_once_in_time_order(app, floor):
    app.config["DPD_PUSH_TOKEN"] = TOKEN
    order_id, package_id, number = _shipped(floor)
    web = app.test_client()
    # The delivery first, then the whole journey backwards, then all of it again.
    answers = _push(web, number, JOURNEY[-1:] + list(reversed(JOURNEY)) + JOURNEY)
    assert answers[0] == (f"<push><pushid>{number}-delivery_customer</pushid><status>OK</status></push>")
    with floor.uow() as uow:
        package = uow.session.get(Package, package_id)
        assert (package.status, package.delivered_at) == ("delivered", JOURNEY[-1][1])
        assert uow.session.get(Order, order_id).status == "delivered"
        assert uow.session.scalar(select(func.count()).select_from(TrackingEvent)) == len(JOURNEY)
        # Stored in UTC from the depot's local time.
        first = uow.session.scalar(select(TrackingEvent).where(TrackingEvent.code == "start_order"))
        assert first.occurred_at == T0 and first.carrier == "dpd"
    assert _told(floor) == ["parcel_delivered", "order_delivered"]


def test_pushes_in_order_tell_each_step_and_a_return_to_the_sender_returns_the_order(app, floor):
    app.config["DPD_PUSH_TOKEN"] = TOKEN
    order_id, package_id, number = _shipped(floor)
    web = app.test_client()
    steps = JOURNEY[1:3] + [("delivery_nab", T0 + timedelta(days=1, hours=3)),
                            ("error_return", T0 + timedelta(days=6))]
    for step in steps + steps:
        _push(web, number, [step])
    assert _told(floor) == ["parcel_in_transit", "parcel_delivery_failed", "parcel_returned_to_sender",
                            "order_returned_to_sender"]
    with floor.uow() as uow:
        assert uow.session.get(Package, package_id).returned_at == T0 + timedelta(days=6)
        assert uow.session.get(Order, order_id).status == "returned_to_sender"


def test_the_push_url_needs_its_token_and_dpds_format(app, floor):
    _, _, number = _shipped(floor)
    web = app.test_client()
    params = dpd_push(number, "delivery_customer", T0)
    assert web.get(f"/carriers/dpd/push/{TOKEN}", query_string=params).status_code == 404  # not set up
    app.config["DPD_PUSH_TOKEN"] = TOKEN
    assert web.get("/carriers/dpd/push/guess", query_string=params).status_code == 404
    for bad, field in (({"status": "teleported"}, "status"), ({"statusdate": "2026-11-20"}, "statusdate"),
                       ({"pnr": "1Z999AA10123456784"}, "pnr")):
        answer = web.get(f"/carriers/dpd/push/{TOKEN}", query_string={**params, **bad})
        assert answer.status_code == 400 and field in answer.get_json()["error"]
    # DPD may post the same parameters as a form.
    assert web.post(f"/carriers/dpd/push/{TOKEN}", data=params).status_code == 200
    # A parcel that is not ours is acknowledged (another answer only makes DPD push it again).
    stranger = dpd_push("02509999999999", "delivery_customer", T0)
    assert web.get(f"/carriers/dpd/push/{TOKEN}", query_string=stranger).status_code == 200
