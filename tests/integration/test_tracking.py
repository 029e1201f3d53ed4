"""Carrier events delivered out of order and more than once: applied once each, in time order;
the parcel and the order move to delivered with the carrier's time, which the return window reads."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select

from server.domain import carrier_tracking as rules
from server.models import AuditEvent, Order, Package, Return, TrackingEvent
from server.services import tracking
from server.services.refunds import paid_order
from tests.customer_kit import laposte_answer, shipped_order

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
JOURNEY = [("PC1", T0), ("ET1", T0 + timedelta(hours=5)), ("MD2", T0 + timedelta(days=1)),
           ("DI1", T0 + timedelta(days=1, hours=4))]


def _events(number, codes):
    return rules.parse_laposte(laposte_answer(number, [step for step in JOURNEY if step[0] in codes]))


def _apply(floor, events):
    with floor.uow() as uow:
        applied = tracking.apply_events(uow, "laposte", events, "poll")
        uow.commit()
    return applied


def _actions(floor):
    with floor.uow() as uow:
        return [row.action for row in uow.session.scalars(select(AuditEvent).order_by(AuditEvent.id))
                if row.action.startswith(("parcel_", "order_delivered"))]


def test_events_out_of_order_and_duplicated_are_applied_once_in_time_order(floor):
    with floor.uow() as uow:
        order, (package,) = shipped_order(uow)
        order_id, package_id, number = order.id, package.id, package.tracking_number
        uow.commit()
    # The delivery comes first, then a replay of it with the earlier steps, then the poll again.
    first = _apply(floor, _events(number, {"DI1"}))
    second = _apply(floor, _events(number, {"DI1", "MD2", "PC1"}))
    third = _apply(floor, _events(number, {"PC1", "ET1", "MD2", "DI1"}))
    assert (first.stored, first.duplicates) == (1, 0)
    assert (second.stored, second.duplicates) == (2, 1)
    assert (third.stored, third.duplicates) == (1, 3)
    with floor.uow() as uow:
        package = uow.session.get(Package, package_id)
        assert package.status == "delivered"
        assert package.delivered_at == T0 + timedelta(days=1, hours=4)
        assert uow.session.get(Order, order_id).status == "delivered"
        assert uow.session.scalar(select(func.count()).select_from(TrackingEvent)) == 4
    # Told once that it was delivered; never "out for delivery" after the fact.
    assert _actions(floor) == ["parcel_delivered", "order_delivered"]


def test_in_order_the_steps_are_told_as_they_come_and_a_replay_tells_nothing(floor):
    with floor.uow() as uow:
        _, (package,) = shipped_order(uow)
        number = package.tracking_number
        uow.commit()
    for codes in ({"PC1"}, {"PC1", "ET1", "MD2"}, {"PC1", "ET1", "MD2", "DI1"}, {"PC1", "ET1", "MD2", "DI1"}):
        _apply(floor, _events(number, codes))
    assert _actions(floor) == ["parcel_in_transit", "parcel_out_for_delivery", "parcel_delivered",
                               "order_delivered"]


def test_an_order_of_two_parcels_is_delivered_when_both_are_and_the_return_window_starts_then(floor):
    with floor.uow() as uow:
        order, (one, two) = shipped_order(uow, parcels=2)
        order_id, numbers = order.id, (one.tracking_number, two.tracking_number)
        uow.commit()
    _apply(floor, _events(numbers[0], {"DI1"}))
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "shipped"
    later = T0 + timedelta(days=3)
    _apply(floor, rules.parse_laposte(laposte_answer(numbers[1], [("DI1", later)])))
    with floor.uow() as uow:
        order = uow.session.get(Order, order_id)
        assert order.status == "delivered"
        case = Return(order_id=order_id, reason="changed_mind")
        uow.session.add(case)
        uow.session.flush()
        # The refund policy's window counts from the first delivery it finds (packages.delivered_at).
        assert paid_order(uow.session, case).delivered_on == (T0 + timedelta(days=1, hours=4)).date()


def test_an_event_for_a_parcel_that_is_not_ours_is_reported_and_stores_nothing(floor):
    applied = _apply(floor, rules.parse_laposte(laposte_answer("6A99999999999", JOURNEY)))
    assert applied.unknown == ["6A99999999999"] and applied.stored == 0
