"""The returns desk's services on SQLite and PostgreSQL: the lookup by every key, grading unit
by unit (restock +1 on hand in the bin, quarantine never stock, missing not refunded and
returnable again), finishing once, and two clerks grading the last unit of a parcel at once."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from server.domain.returns import ReturnNotAllowed
from server.models import QuarantineUnit, Refund, Return, ReturnLine, Stock
from server.services import returns
from server.services.return_desk import find_for_desk
from server.services.stock import available_of
from tests.returns_kit import open_rma, shipped_order


@pytest.fixture
def parcel(floor):
    with floor.uow() as uow:
        order = shipped_order(uow, lamps=3, name="Zoé L'Héritier-Ñúñez")
        rma = open_rma(uow, order, [("lamp", 3, "wrong_size"), ("mug", 1, "not_as_described")])
        case = uow.session.scalars(select(Return).where(Return.rma == rma)).one()
        case.status = "received"
        uow.commit()
        return {**order, "rma": rma, "return_id": case.id}


def lookup(floor, text: str, items=()) -> str | None:
    with floor.uow() as uow:
        case = find_for_desk(uow.session, text, tuple(items))
        return case.rma if case else None


def test_the_desk_finds_the_parcel_by_every_key(floor, parcel):
    for key in (parcel["rma"].lower(), parcel["tracking"], parcel["sscc"], f"(00){parcel['sscc']}",
                parcel["reference"], str(parcel["order_id"])):
        assert lookup(floor, key) == parcel["rma"], key
    with floor.uow() as uow:  # no paperwork: a parcel still expected, by the customer's name and its items
        expected = open_rma(uow, shipped_order(uow, name="Zoé L'Héritier-Ñúñez"), [("lamp", 1, "late")])
        lamp_gtin = uow.session.scalars(select(Return).where(Return.rma == expected)).one().lines[0] \
            .order_line.product.gtin
        uow.commit()
    assert lookup(floor, "heritier", [lamp_gtin]) == expected
    assert lookup(floor, "Zoé L'Héritier") == expected  # the name alone (as written) names one expected return
    assert lookup(floor, "heritier", [parcel["lamp"].gtin]) is None  # that one was received already
    assert lookup(floor, "Martin", [lamp_gtin]) is None
    assert lookup(floor, "heritier", ["03761234999990"]) is None
    for nothing in ("RMA99999999", "6A99999999999", "CO-9999999", "", "!!!"):
        assert lookup(floor, nothing) is None, nothing


def test_a_name_typed_alone_matches_without_case_or_accents(floor, parcel):
    from server.services.return_desk import search

    with floor.uow() as uow:  # one parcel still expected for this customer; the fixture's was received
        expected = open_rma(uow, shipped_order(uow, name="Zoé L'Héritier-Ñúñez"), [("lamp", 1, "late")])
        other = open_rma(uow, shipped_order(uow, name="Hélène Çelik"), [("mug", 1, "late")])
        uow.commit()
    for typed in ("heritier", "HÉRITIER", "Heritier", "zoe l'heritier", "NUNEZ", "ñúñez", "  ZOÉ   nunez "):
        assert lookup(floor, typed) == expected, typed
    for typed in ("helene celik", "ÇELIK", "HELENE"):
        assert lookup(floor, typed) == other, typed
    assert lookup(floor, "heritier celik") is None  # every word must be in one name
    assert lookup(floor, "Durand") is None
    with floor.uow() as uow:  # ß folds to ss in Python; PostgreSQL's SQL fold left it (migration 0020)
        strasse = open_rma(uow, shipped_order(uow, name="Jürgen Großmann"), [("lamp", 1, "late")])
        uow.commit()
    assert lookup(floor, "grossmann") == strasse == lookup(floor, "GROẞMANN")
    with floor.uow() as uow:  # the returns list's search box folds the same way, any status
        assert [case.rma for case in search(uow.session, "HERITIER")] == [expected, parcel["rma"]]
        assert [case.rma for case in search(uow.session, "%")] == []  # no wildcard typed through


def grade(floor, parcel, grade_name: str, location: str | None = None) -> ReturnLine:
    with floor.uow() as uow:
        case = uow.session.get(Return, parcel["return_id"])
        line = next(line for line in case.lines if line.grade is None and line.order_line_id == parcel["lamp_line"])
        graded = returns.grade_unit(uow, case.id, line.id, grade_name, actor="station:RET-01", location=location)
        uow.commit()
        return graded


def on_hand(floor, item) -> dict[str, int]:
    with floor.uow() as uow:
        rows = uow.session.execute(select(Stock.bin_id, Stock.on_hand).where(Stock.product_id == item.product_id))
        return dict(rows.all())


def test_each_unit_is_graded_alone_restocked_quarantined_or_missing_and_refunded_once(floor, parcel):
    lamp = parcel["lamp"]
    before = on_hand(floor, lamp)
    with floor.uow() as uow:
        available = available_of(uow.session, [lamp.product_id])[lamp.product_id]
        assert returns.restock_bin(uow.session, lamp.product_id) == lamp.bin_code
    grade(floor, parcel, "resellable", lamp.bin_code)
    grade(floor, parcel, "damaged")
    after = on_hand(floor, lamp)
    assert sum(after.values()) == sum(before.values()) + 1  # the damaged unit is not stock
    with floor.uow() as uow:
        assert available_of(uow.session, [lamp.product_id])[lamp.product_id] == available + 1
        quarantined = uow.session.scalars(select(QuarantineUnit)).one()
        assert (quarantined.location, quarantined.quantity) == ("Q-RETOURS", 1)
        outcome = returns.finish_inspection(uow, parcel["return_id"], actor="station:RET-01")
        uow.commit()
        lines = sorted((line.quantity, line.grade) for line in uow.session.get(Return, parcel["return_id"]).lines)
    # 20.00 resellable + 20.00 damaged less 50 %; the third lamp and the mug missing
    assert (outcome.status, outcome.amount_cents) == ("paid", 2000 + 1000)
    assert lines == [(1, "damaged"), (1, "missing"), (1, "missing"), (1, "resellable")]
    with floor.uow() as uow:
        again = returns.finish_inspection(uow, parcel["return_id"], actor="station:RET-02")
        uow.commit()
        assert (again.created, uow.session.scalar(select(func.count()).select_from(Refund))) == (False, 1)
        order = uow.session.get(Return, parcel["return_id"]).order
        # the missing units never came back: they can be returned on a new RMA
        assert returns.returnable(uow.session, order) == {parcel["lamp_line"]: 1, parcel["mug_line"]: 1}


def test_bad_grades_are_refused_and_change_nothing(floor, parcel):
    before = on_hand(floor, parcel["lamp"])
    with pytest.raises(ReturnNotAllowed, match="unknown grade"):
        grade(floor, parcel, "shiny")
    with pytest.raises(ReturnNotAllowed, match="no bin"):
        grade(floor, parcel, "resellable", "Z-99-99-9")
    with floor.uow() as uow:
        other = uow.session.scalars(select(ReturnLine).where(ReturnLine.return_id != parcel["return_id"])).first()
        with pytest.raises(ReturnNotAllowed, match="no unit left"):
            returns.grade_unit(uow, parcel["return_id"], 999_999, "damaged", actor="x")
        assert other is None
    assert on_hand(floor, parcel["lamp"]) == before


def test_an_rma_not_received_cannot_be_graded(floor):
    with floor.uow() as uow:
        order = shipped_order(uow)
        rma = open_rma(uow, order, [("mug", 1, "late")])
        case = uow.session.scalars(select(Return).where(Return.rma == rma)).one()
        uow.commit()
        with pytest.raises(ReturnNotAllowed, match="not been received"):
            returns.grade_unit(uow, case.id, case.lines[0].id, "damaged", actor="x")


def test_two_clerks_grading_the_last_unit_at_once_grade_it_once(floor):
    with floor.uow() as uow:
        order = shipped_order(uow, lamps=1, mugs=1)
        rma = open_rma(uow, order, [("lamp", 1, "late")])
        case = uow.session.scalars(select(Return).where(Return.rma == rma)).one()
        case.status = "received"
        uow.commit()
        return_id, line_id = case.id, case.lines[0].id
    results, barrier = [], threading.Barrier(2)

    def clerk(name: str) -> None:
        barrier.wait()
        try:
            with floor.uow() as uow:
                returns.grade_unit(uow, return_id, line_id, "resellable", actor=name, location=order["lamp"].bin_code)
                uow.commit()
            results.append("graded")
        except ReturnNotAllowed:
            results.append("refused")

    threads = [threading.Thread(target=clerk, args=(f"station:RET-0{i}",)) for i in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == ["graded", "refused"]
    assert sum(on_hand(floor, order["lamp"]).values()) == 5 + 1


def test_an_extra_item_of_the_order_is_accepted_graded_and_counted_as_returned(floor):
    with floor.uow() as uow:
        order = shipped_order(uow, lamps=1, mugs=1)
        rma = open_rma(uow, order, [("lamp", 1, "wrong_size")])
        case = uow.session.scalars(select(Return).where(Return.rma == rma)).one()
        case.status = "received"
        uow.commit()
        return_id = case.id
    with floor.uow() as uow:
        extra = returns.add_extra(uow, return_id, order["mug"].gtin, "wrong_item", actor="station:RET-01")
        uow.commit()
        assert (extra.extra, extra.quantity, extra.reason) == (True, 1, "wrong_item")
        with pytest.raises(ReturnNotAllowed, match="not an item"):
            returns.add_extra(uow, return_id, "03761234000446", "other", actor="station:RET-01")
    with floor.uow() as uow:
        returns.grade_unit(uow, return_id, extra.id, "damaged", actor="station:RET-01")
        outcome = returns.finish_inspection(uow, return_id, actor="station:RET-01")
        uow.commit()
        assert returns.returnable(uow.session, uow.session.get(Return, return_id).order)[order["mug_line"]] == 0
    # lamp missing; the mug sent by mistake (merchant fault): full price, no fee
    assert (outcome.status, outcome.amount_cents) == ("paid", 1990)
