"""A carrier's "returned to sender": the parcel, then the order once every parcel is, take that
status with the carrier's date; the customer is told once; a return is opened so the desk
recognises the parcel by its tracking number or SSCC; nothing moves in stock before it is
inspected. Out of order and duplicated events give the same result (both databases)."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from labels import make_sscc
from server.domain import carrier_tracking as rules
from server.models import AuditEvent, Notification, Order, Package, Return, Station, Stock
from server.services import order_history, return_desk, returns, status_page, tracking
from tests.customer_kit import laposte_answer, shipped_order
from tests.factories import add_station
from tests.integration.test_notifications import mail_app, smtp  # noqa: F401 - fixtures

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
BACK = T0 + timedelta(days=6, hours=2)
# Taken in charge, could not be delivered, waiting at the post office, then sent back.
JOURNEY = [("PC1", T0), ("ND1", T0 + timedelta(days=1)), ("AG1", T0 + timedelta(days=1, hours=1)),
           ("RE1", BACK)]


def _apply(floor, number, steps):
    with floor.uow() as uow:
        tracking.apply_events(uow, "laposte", rules.parse_laposte(laposte_answer(number, steps)), "poll")
        uow.commit()


def _shipped(floor, parcels=1, locale="fr"):
    with floor.uow() as uow:
        order, packages = shipped_order(uow, parcels=parcels, locale=locale)
        for package in packages:
            package.sscc = make_sscc(0, "3761234", package.id + random.randrange(10**6) * 1000)
        uow.commit()
        return order.id, order.reference, [(p.id, p.tracking_number, p.sscc) for p in packages]


def _on_hand(floor):
    with floor.uow() as uow:
        return uow.session.scalar(select(func.sum(Stock.on_hand)))


def test_a_parcel_sent_back_out_of_order_and_twice_returns_the_order_once_with_the_carriers_date(floor):
    order_id, reference, [(package_id, number, sscc)] = _shipped(floor)
    stock_before = _on_hand(floor)
    # The return comes first, then the whole journey, then the whole journey again.
    _apply(floor, number, JOURNEY[-1:])
    _apply(floor, number, JOURNEY)
    _apply(floor, number, list(reversed(JOURNEY)))
    with floor.uow() as uow:
        package = uow.session.get(Package, package_id)
        assert (package.status, package.returned_at, package.delivered_at) == ("returned_to_sender", BACK, None)
        assert uow.session.get(Order, order_id).status == "returned_to_sender"
        actions = [a for (a,) in uow.session.execute(select(AuditEvent.action).order_by(AuditEvent.id))
                   if a in ("order_returned_to_sender", "return_expected_from_carrier", "return_authorized")]
        assert actions == ["order_returned_to_sender", "return_expected_from_carrier"]
        # One message, in the customer's language; never "return authorised" (they asked for nothing).
        kinds = [(row.kind, row.locale) for row in uow.session.scalars(
            select(Notification).where(Notification.order_id == order_id, Notification.channel == "email"))]
        assert kinds == [("returned_to_sender", "fr")]
        # The return the desk receives it under: every unit, opened by the carrier.
        (case,) = uow.session.scalars(select(Return).where(Return.order_id == order_id)).all()
        assert (case.status, case.source, case.reason) == ("authorized", "carrier", "returned_to_sender")
        assert sum(line.quantity for line in case.lines) == 1
        # The desk finds it from what is printed on the parcel: its tracking number or its SSCC.
        assert return_desk.find_for_desk(uow.session, number).id == case.id
        assert return_desk.find_for_desk(uow.session, sscc).id == case.id
        # The status page and the order page say it, with the date.
        view = status_page.status_view(uow.session, order_id, date(2026, 11, 30))
        assert (view["status_key"], view["returned_on"], view["expected_on"]) == (
            "track.order_returned_to_sender", BACK.date(), None)
        assert (BACK, "tracking.returned_to_sender") in [step[:2] for step in view["timeline"]]
        assert "returned_to_sender" in [entry["status"] for entry in order_history.timeline(
            uow.session, uow.session.get(Order, order_id))]
    # Nothing back in stock until the desk has graded it.
    assert _on_hand(floor) == stock_before


def test_stock_moves_only_when_the_desk_grades_the_units_it_received(floor):
    order_id, _, [(_, number, _)] = _shipped(floor)
    _apply(floor, number, JOURNEY)
    stock_before = _on_hand(floor)
    with floor.uow() as uow:
        station_id, _ = add_station(uow, "RET-RTS", "returns")
        case = return_desk.find_for_desk(uow.session, number)
        returns.receive_return(uow, uow.session.get(Station, station_id), return_id=case.id)
        uow.commit()
    assert _on_hand(floor) == stock_before  # received is not inspected
    with floor.uow() as uow:
        case = return_desk.find_for_desk(uow.session, number)
        line = case.lines[0]
        bin_code = returns.restock_bin(uow.session, line.order_line.product_id)
        returns.grade_unit(uow, case.id, line.id, "resellable", actor="user:claire", location=bin_code)
        uow.commit()
    assert _on_hand(floor) == stock_before + 1


def test_the_order_is_returned_only_when_every_parcel_is(floor):
    order_id, _, [(_, first, _), (_, second, _)] = _shipped(floor, parcels=2)
    _apply(floor, first, JOURNEY)
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "shipped"
        assert uow.session.scalar(select(func.count()).select_from(Return)) == 0
    _apply(floor, second, [("RE1", BACK + timedelta(hours=5))])
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "returned_to_sender"
        view = status_page.status_view(uow.session, order_id, date(2026, 11, 30))
        assert view["returned_on"] == (BACK + timedelta(hours=5)).date()


def test_a_delivery_later_in_time_than_the_return_wins(floor):
    order_id, _, [(package_id, number, _)] = _shipped(floor)
    _apply(floor, number, JOURNEY)
    delivered = BACK + timedelta(days=1)
    _apply(floor, number, [("DI1", delivered)])
    with floor.uow() as uow:
        package = uow.session.get(Package, package_id)
        assert (package.status, package.delivered_at) == ("delivered", delivered)
        assert uow.session.get(Order, order_id).status == "delivered"
        # The return opened for the desk will not come: closed, and the customer may start their own.
        (case,) = uow.session.scalars(select(Return).where(Return.order_id == order_id)).all()
        assert case.status == "closed"
        assert list(returns.returnable(uow.session, uow.session.get(Order, order_id)).values()) == [1]


def test_a_delivered_parcel_is_not_returned_to_sender_by_a_later_event(floor):
    order_id, _, [(package_id, number, _)] = _shipped(floor)
    _apply(floor, number, [("DI1", T0), ("RE1", BACK)])
    with floor.uow() as uow:
        assert uow.session.get(Package, package_id).status == "delivered"
        assert uow.session.get(Order, order_id).status == "delivered"


def test_the_customer_gets_one_message_in_their_language_text_and_html(mail_app, smtp):
    inbox, port, controller = smtp
    controller.start()
    floor = mail_app(port).extensions["colis"]
    references = {}
    for locale in ("fr", "en"):
        order_id, reference, [(_, number, _)] = _shipped(floor, locale=locale)
        _apply(floor, number, JOURNEY)
        _apply(floor, number, JOURNEY)  # the poll again: nothing more to say
        references[locale] = reference
    subjects = sorted(message["Subject"] for message in inbox.all())
    assert subjects == sorted([f"Commande {references['fr']} : colis revenu chez nous",
                               f"Order {references['en']}: parcel sent back to us"])
    english = next(m for m in inbox.all() if m["Subject"].startswith("Order"))
    assert "could not deliver your order" in english.get_body(("plain",)).get_content()
    assert "Track my order" in english.get_body(("html",)).get_content()
    assert english["List-Unsubscribe"] is None  # essential: about the order and its money


def test_a_dpd_parcel_sent_back_is_found_at_the_desk_by_its_number_or_its_label_barcode(floor):
    from labels.gs1 import gs1_check_digit
    from server.domain.returns import lookup_key

    with floor.uow() as uow:
        order, (package,) = shipped_order(uow, carrier="DPD")
        # A parcel number that is also a valid GTIN-14: the desk must still find the parcel.
        body = f"0250{package.id:09d}"
        package.tracking_number = number = body + gs1_check_digit(body)
        order_id = order.id
        uow.commit()
    with floor.uow() as uow:
        push = {"pnr": number, "status": "error_return", "statusdate": "26112026101500", "depot": "0250"}
        tracking.apply_events(uow, "dpd", [rules.parse_dpd_push(push)], "webhook")
        uow.commit()
    assert lookup_key(number).kind == "item"
    label = f"%0075011{number}101250"  # postal code, parcel number, service, country (France: 250)
    with floor.uow() as uow:
        (case,) = uow.session.scalars(select(Return).where(Return.order_id == order_id)).all()
        for scanned in (number, label, label + "Z"):
            assert return_desk.find_for_desk(uow.session, scanned).id == case.id, scanned
