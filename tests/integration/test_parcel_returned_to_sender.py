"""One parcel of several returned to sender (issue 11): a return opens for exactly what that
parcel holds (its recorded contents), once whatever the carrier repeats or reorders, found at
the desk by that parcel's tracking number or SSCC; the order stays shipped until the last parcel
is back, and then no second return covers units already covered. Parcels packed before their
contents were recorded keep the whole-order return. Both databases."""
from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from labels import make_sscc
from server.domain.returns import RETURNED_TO_SENDER, WantedLine
from server.domain.statuses import OrderStatus, PackageStatus
from server.models import AuditEvent, Notification, Order, Package, PackageContent, Return, Station
from server.services import return_desk, returns
from tests.factories import add_item, add_order, add_station, signed_in
from tests.integration.test_notifications import mail_app, smtp  # noqa: F401 - fixtures
from tests.integration.test_returned_to_sender import BACK, JOURNEY, T0, _apply, _on_hand
from tests.customer_kit import WALK

# Three parcels: the lamps, a mug and a book, the two other books.
ORDERED = (("Lampe", 2), ("Mug", 1), ("Livre", 3))
PACKED = ({"Lampe": 2}, {"Mug": 1, "Livre": 1}, {"Livre": 2})


def _shipped_in_parcels(floor, packed=PACKED, locale="fr"):
    """A shipped order of ORDERED in len(packed) labelled parcels; ``packed`` None: contents not
    recorded (packed before they were). (order id, [(package id, tracking, SSCC)], {name: line id})."""
    with floor.uow() as uow:
        items = {name: add_item(uow, name) for name, _ in ORDERED}
        order = add_order(uow, [(items[name], units) for name, units in ORDERED])
        order.customer.locale = locale
        for status in WALK:
            order.status = status
        parcels = []
        for box in packed or ({},) * 3:
            package = Package(order_id=order.id, carrier="DEMO", service="STANDARD", weight_g=800)
            uow.session.add(package)
            uow.session.flush()
            package.tracking_number = f"6A{package.id:011d}"
            package.sscc = make_sscc(0, "3761234", package.id + random.randrange(10**6) * 1000)
            package.status, package.shipped_at = PackageStatus.SHIPPED, T0
            uow.session.add_all(PackageContent(package_id=package.id, product_id=items[name].product_id,
                                               quantity=units) for name, units in box.items())
            parcels.append((package.id, package.tracking_number, package.sscc))
        order.status = OrderStatus.SHIPPED
        uow.session.flush()
        lines = {name: line.id for (name, _), line in zip(ORDERED, sorted(order.lines, key=lambda l: l.id))}
        uow.commit()
        return order.id, parcels, lines


def _returns(uow, order_id):
    cases = uow.session.scalars(select(Return).where(Return.order_id == order_id).order_by(Return.id)).all()
    return [(case.package_id, case.source, case.reason, sorted((line.order_line_id, line.quantity) for line in case.lines))
            for case in cases]


def _messages(uow, order_id):
    return [(row.kind, row.locale, row.context.get("tracking")) for row in uow.session.scalars(
        select(Notification).where(Notification.order_id == order_id, Notification.channel == "email")
        .order_by(Notification.id))]


def _actions(uow, *kinds):
    return [a for (a,) in uow.session.execute(select(AuditEvent.action).order_by(AuditEvent.id)) if a in kinds]


def test_two_of_three_parcels_back_out_of_order_and_twice_each_open_their_own_return_once(floor):
    order_id, [(p1, t1, s1), (p2, t2, s2), (p3, t3, s3)], line = _shipped_in_parcels(floor)
    stock_before = _on_hand(floor)
    # The second parcel's return arrives first, alone; then the first parcel's whole journey;
    # then both journeys again, newest first (a poll repeating itself).
    _apply(floor, t2, JOURNEY[-1:])
    _apply(floor, t1, JOURNEY)
    _apply(floor, t2, JOURNEY)
    _apply(floor, t1, list(reversed(JOURNEY)))
    _apply(floor, t2, list(reversed(JOURNEY)))
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "shipped"  # the third parcel is still out
        assert [uow.session.get(Package, p).status for p in (p1, p2, p3)] == [
            "returned_to_sender", "returned_to_sender", "shipped"]
        # One return per parcel back, exactly what it holds, opened by the carrier.
        assert _returns(uow, order_id) == [
            (p2, "carrier", "returned_to_sender", [(line["Mug"], 1), (line["Livre"], 1)]),
            (p1, "carrier", "returned_to_sender", [(line["Lampe"], 2)])]
        # The desk finds each parcel's own return from what is printed on it.
        by_parcel = {case.package_id: case.id for case in uow.session.scalars(select(Return))
                     if case.order_id == order_id}
        for number, sscc, package_id in ((t1, s1, p1), (t2, s2, p2)):
            assert return_desk.find_for_desk(uow.session, number).id == by_parcel[package_id]
            assert return_desk.find_for_desk(uow.session, sscc).id == by_parcel[package_id]
        assert return_desk.find_for_desk(uow.session, t3) is None  # still with the carrier: nothing to receive
        # Told once per parcel, in the customer's language; no "return authorised".
        assert _messages(uow, order_id) == [("parcel_returned", "fr", t2), ("parcel_returned", "fr", t1)]
        assert _actions(uow, "order_parcel_returned", "return_expected_from_carrier", "order_returned_to_sender",
                        "return_authorized") == ["return_expected_from_carrier", "order_parcel_returned"] * 2
    assert _on_hand(floor) == stock_before  # nothing in stock before the desk grades


def test_the_third_parcel_back_returns_the_order_with_no_second_return_for_units_already_covered(floor):
    order_id, [(p1, t1, _), (p2, t2, _), (p3, t3, _)], line = _shipped_in_parcels(floor)
    _apply(floor, t1, JOURNEY)
    _apply(floor, t2, JOURNEY)
    last = BACK + timedelta(hours=5)
    _apply(floor, t3, [("RE1", last)])
    _apply(floor, t3, [("PC1", T0), ("RE1", last)])  # and again
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "returned_to_sender"
        assert _returns(uow, order_id) == [
            (p1, "carrier", "returned_to_sender", [(line["Lampe"], 2)]),
            (p2, "carrier", "returned_to_sender", [(line["Mug"], 1), (line["Livre"], 1)]),
            (p3, "carrier", "returned_to_sender", [(line["Livre"], 2)])]
        order = uow.session.get(Order, order_id)
        assert set(returns.returnable(uow.session, order).values()) == {0}
        # Two parcel messages, then the order's own: three in all, one per parcel.
        assert [kind for kind, _, _ in _messages(uow, order_id)] == [
            "parcel_returned", "parcel_returned", "returned_to_sender"]


def test_a_second_return_for_the_same_parcel_cannot_be_written_even_by_a_racing_transaction(floor):
    # Two deliveries of the carrier's return at once each find no return for the parcel and open
    # one: the database keeps one (returns.package_id is unique), the other transaction fails
    # and the carrier's retry is then a duplicate.
    order_id, [(p1, t1, _), _, _], line = _shipped_in_parcels(floor)
    _apply(floor, t1, JOURNEY)
    with floor.uow() as uow:
        with pytest.raises(IntegrityError):
            returns.open_return(uow, order_id, [WantedLine(line["Livre"], 1, RETURNED_TO_SENDER)], actor="system",
                                source=returns.CARRIER, package=uow.session.get(Package, p1))


def test_the_desk_receives_and_grades_just_that_parcels_units(floor):
    order_id, [(p1, t1, s1), _, _], line = _shipped_in_parcels(floor)
    _apply(floor, t1, JOURNEY)
    stock_before = _on_hand(floor)
    with floor.uow() as uow:
        station_id, _ = add_station(uow, "RET-PRT", "returns")
        case = return_desk.find_for_desk(uow.session, s1)
        returns.receive_return(uow, uow.session.get(Station, station_id), return_id=case.id)
        uow.commit()
    with floor.uow() as uow:
        case = return_desk.find_for_desk(uow.session, t1)
        assert [(l.order_line_id, l.quantity) for l in case.lines] == [(line["Lampe"], 2)]
        for _ in range(2):
            unit = next(l for l in case.lines if l.grade is None)
            returns.grade_unit(uow, case.id, unit.id, "resellable", actor="user:claire",
                               location=returns.restock_bin(uow.session, unit.order_line.product_id))
        uow.commit()
    assert _on_hand(floor) == stock_before + 2


def test_a_parcel_delivered_after_all_closes_its_return_and_the_order_is_delivered(floor):
    order_id, [(p1, t1, _), (p2, t2, _), (p3, t3, _)], line = _shipped_in_parcels(floor)
    _apply(floor, t1, JOURNEY)
    for number in (t2, t3):
        _apply(floor, number, [("DI1", BACK)])
    _apply(floor, t1, [("DI1", BACK + timedelta(days=1))])  # later in time than its return: it wins
    with floor.uow() as uow:
        assert uow.session.get(Order, order_id).status == "delivered"
        (case,) = uow.session.scalars(select(Return).where(Return.order_id == order_id)).all()
        assert (case.package_id, case.status) == (p1, "closed")
        assert returns.returnable(uow.session, uow.session.get(Order, order_id))[line["Lampe"]] == 2


def test_units_the_customer_already_asked_to_return_are_not_on_the_parcels_return(floor):
    order_id, [_, _, (p3, t3, _)], line = _shipped_in_parcels(floor)
    with floor.uow() as uow:
        returns.authorize_return(uow, order_id, [(line["Livre"], 2)], "changed_mind", actor="user:claire")
        uow.commit()
    _apply(floor, t3, JOURNEY)
    with floor.uow() as uow:
        cases = _returns(uow, order_id)
        assert cases[1] == (p3, "carrier", "returned_to_sender", [(line["Livre"], 1)])


def test_parcels_packed_before_contents_were_recorded_keep_the_whole_order_return(floor):
    order_id, [(p1, t1, _), (p2, t2, _), (p3, t3, _)], line = _shipped_in_parcels(floor, packed=None)
    _apply(floor, t1, JOURNEY)
    _apply(floor, t2, JOURNEY)
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Return).where(Return.order_id == order_id)) == 0
        # The customer is still told of each parcel; the desk opens its return by hand.
        assert [kind for kind, _, _ in _messages(uow, order_id)] == ["parcel_returned", "parcel_returned"]
    _apply(floor, t3, JOURNEY)
    with floor.uow() as uow:
        assert _returns(uow, order_id) == [(None, "carrier", "returned_to_sender",
                                            sorted((line[name], units) for name, units in ORDERED))]


def test_the_order_page_says_which_parcel_came_back_and_its_return(app, floor):
    order_id, [(p1, t1, _), (p2, t2, _), _], _ = _shipped_in_parcels(floor)
    _apply(floor, t2, JOURNEY)
    with floor.uow() as uow:
        rma = uow.session.scalar(select(Return.rma).where(Return.package_id == p2))
    web = signed_in(app, floor, "marc", "supervisor")
    page = web.get(f"/orders/{Order.reference_of(order_id)}?lang=en").get_data(as_text=True)
    parcels = re.findall(r'<div class="parcel" data-parcel="(\d+)">(.*?)<h3>', page, re.S)
    back = {int(package_id): html for package_id, html in parcels}
    assert "Returned to sender on" in back[p2] and f">{rma}</a>" in back[p2]
    assert "came-back" not in back[p1]
    assert f"parcel {t2} only" in page  # the returns list says which parcel the return is
    timeline = page.split('id="timeline"')[1]
    assert f"Parcel 2/3 ({t2}) of {Order.reference_of(order_id)} returned to sender" in timeline
    assert f"Return {rma} opened for parcel {t2}" in timeline
    # The return's own page says which parcel it is.
    shown = web.get(f"/returns/{rma}?lang=en").get_data(as_text=True)
    assert re.search(rf'<p id="parcel">Parcel {t2} \(SSCC \d{{18}}\) only, back from the carrier</p>', shown)


def test_the_customer_gets_one_message_per_parcel_back_in_their_language(mail_app, smtp):
    inbox, port, controller = smtp
    controller.start()
    floor = mail_app(port).extensions["colis"]
    sent = {}
    for locale in ("fr", "en"):
        order_id, [(_, t1, _), (_, t2, _), (_, t3, _)], _ = _shipped_in_parcels(floor, locale=locale)
        _apply(floor, t1, JOURNEY)
        _apply(floor, t1, JOURNEY)  # the poll again: nothing more to say
        _apply(floor, t2, JOURNEY)
        sent[locale] = (Order.reference_of(order_id), t1, t2)
    subjects = sorted(message["Subject"] for message in inbox.all())
    assert subjects == sorted([f"Commande {sent['fr'][0]} : un colis revient chez nous"] * 2
                              + [f"Order {sent['en'][0]}: one parcel sent back to us"] * 2)
    english = [m.get_body(("plain",)).get_content() for m in inbox.all() if m["Subject"].startswith("Order")]
    # Each message names its own parcel.
    assert sorted(number for body in english for number in sent["en"][1:] if number in body) == sorted(sent["en"][1:])
    assert all("your other parcels are still on their way" in body for body in english)
    french = next(m for m in inbox.all() if m["Subject"].startswith("Commande"))
    assert "vos autres colis poursuivent leur route" in french.get_body(("html",)).get_content()
