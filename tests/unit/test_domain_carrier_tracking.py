"""Carrier formats read as documented, and a parcel's state independent of arrival order."""
from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta, timezone

import pytest

from server.domain import carrier_tracking as rules
from tests.customer_kit import laposte_answer, ups_alert

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
JOURNEY = [("PC1", T0), ("ET1", T0 + timedelta(hours=5)), ("MD2", T0 + timedelta(days=1)),
           ("DI1", T0 + timedelta(days=1, hours=4))]


def test_a_laposte_answer_gives_each_event_with_our_status_and_utc_time():
    events = rules.parse_laposte(laposte_answer("6A00000000042", JOURNEY))
    assert [(e.code, e.status) for e in events] == [("DI1", "delivered"), ("MD2", "out_for_delivery"),
                                                    ("ET1", "in_transit"), ("PC1", "in_transit")]
    assert events[0].occurred_at == T0 + timedelta(days=1, hours=4)  # +01:00 in the answer, UTC here
    assert events[0].occurred_at.tzinfo == timezone.utc


def test_the_parcel_state_is_the_same_whatever_order_the_events_arrive_in():
    events = [(e.status, e.occurred_at) for e in rules.parse_laposte(laposte_answer("6A1", JOURNEY))]
    states = {rules.fold(list(order)) for order in itertools.permutations(events)}
    assert states == {rules.ParcelState("delivered", T0 + timedelta(days=1, hours=4),
                                        T0 + timedelta(days=1, hours=4))}


def test_a_failed_delivery_then_a_delivery_next_day_ends_delivered_and_info_events_do_not_move_it():
    state = rules.fold([("delivered", T0 + timedelta(days=2)), ("delivery_failed", T0 + timedelta(days=1)),
                        ("info", T0 + timedelta(days=3))])
    assert state.status == "delivered" and state.status_at == T0 + timedelta(days=2)


def test_ups_track_alert_events_as_documented():
    out = rules.parse_ups_alert(ups_alert("1Z204W4R0308071865", "I", "OT", T0, "Out for Delivery", "021"))
    delivered = rules.parse_ups_alert(ups_alert("1Z204W4R0308071865", "D", "FS", T0, "Delivered", "011"))
    back = rules.parse_ups_alert(ups_alert("1Z204W4R0308071865", "RS", "RS", T0))
    failed = rules.parse_ups_alert(ups_alert("1Z204W4R0308071865", "X", "48", T0, "Receiver not available"))
    assert (out.status, out.code, out.expected_on) == ("out_for_delivery", "I:OT", date(2026, 11, 20))
    assert (delivered.status, delivered.code, delivered.occurred_at) == ("delivered", "D:FS", T0)
    assert (back.status, failed.status) == ("returned_to_sender", "delivery_failed")


@pytest.mark.parametrize("body, says", [
    ({"returnCode": 404, "returnMessage": "Numéro inconnu"}, "Numéro inconnu"),
    ({"shipment": {"idShip": "6A1", "event": "DI1"}}, "not a list"),
    ({"shipment": {"idShip": "6A1", "event": [{"code": "DI1", "date": "hier"}]}}, "ISO 8601"),
    ({"shipment": {"idShip": "6A1", "event": [{"code": "DI1", "date": "2026-11-20T10:00:00"}]}}, "offset"),
    ({"shipment": {"event": []}}, "idShip"),
])
def test_a_laposte_answer_off_its_format_is_refused_saying_where(body, says):
    with pytest.raises(rules.TrackingFormatError, match=says):
        rules.parse_laposte(body)


@pytest.mark.parametrize("body, says", [
    ([], "not a JSON object"),
    ({"trackingNumber": "1Z1", "gmtActivityDate": "20261120", "gmtActivityTime": "101010"}, "activityStatus"),
    ({"trackingNumber": "1Z1", "activityStatus": {"type": "D"}, "gmtActivityDate": "2026-11-20",
      "gmtActivityTime": "1010"}, "YYYYMMDD"),
    ({"activityStatus": {"type": "D"}}, "trackingNumber"),
])
def test_a_ups_alert_off_its_format_is_refused_saying_where(body, says):
    with pytest.raises(rules.TrackingFormatError, match=says):
        rules.parse_ups_alert(body)


def test_a_dpd_push_is_read_in_the_depots_local_time_with_its_status():
    from server.domain.carrier_tracking import parse_dpd_push

    event = parse_dpd_push({"pushid": "77", "pnr": "02501234567890", "depot": "0250", "status": "delivery_customer",
                            "statusdate": "20112026143005", "scaninfo": "Zustellung"})
    assert (event.tracking_number, event.code, event.status) == ("02501234567890", "delivery_customer", rules.DELIVERED)
    assert event.occurred_at == datetime(2026, 11, 20, 13, 30, 5, tzinfo=timezone.utc)  # CET, UTC+1
    summer = parse_dpd_push({"pnr": "02501234567890", "status": "error_return", "statusdate": "01072026120000"})
    assert summer.status == rules.RETURNED and summer.occurred_at.hour == 10  # CEST, UTC+2
    for bad in ({}, {"pnr": "123", "status": "delivery_customer", "statusdate": "20112026143005"},
                {"pnr": "02501234567890", "status": "lost", "statusdate": "20112026143005"},
                {"pnr": "02501234567890", "status": "delivery_customer", "statusdate": "2026-11-20"}):
        with pytest.raises(rules.TrackingFormatError):
            parse_dpd_push(bad)
