"""What the carrier's return of one parcel covers (server/domain/returns.py ``parcel_return_lines``)
and the customer's message for it (server/domain/notices.py): no database."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from server.domain.notices import notice_for
from server.domain.returns import RETURNED_TO_SENDER, WantedLine, parcel_return_lines

LAMP, MUG, BOOK = 11, 12, 13


def test_a_parcel_covers_exactly_its_recorded_contents_line_by_line():
    lines = [(1, LAMP, 2), (2, MUG, 1), (3, BOOK, 3)]
    assert parcel_return_lines({MUG: 1, BOOK: 1}, lines) == [WantedLine(2, 1, RETURNED_TO_SENDER),
                                                            WantedLine(3, 1, RETURNED_TO_SENDER)]


def test_a_product_on_two_lines_fills_the_first_line_first():
    lines = [(1, BOOK, 2), (2, LAMP, 1), (3, BOOK, 2)]
    assert parcel_return_lines({BOOK: 3}, lines) == [WantedLine(1, 2, RETURNED_TO_SENDER),
                                                     WantedLine(3, 1, RETURNED_TO_SENDER)]


def test_units_already_on_another_return_are_not_asked_twice():
    # The customer had already asked to return one of the three books: two are left.
    assert parcel_return_lines({BOOK: 3}, [(3, BOOK, 2)]) == [WantedLine(3, 2, RETURNED_TO_SENDER)]
    assert parcel_return_lines({BOOK: 1}, [(3, BOOK, 0)]) == []


def test_a_product_not_on_the_order_is_left_out():
    assert parcel_return_lines({MUG: 1}, [(1, LAMP, 1)]) == []


@given(st.dictionaries(st.integers(1, 4), st.integers(1, 6), max_size=4),
       st.lists(st.tuples(st.integers(1, 4), st.integers(0, 6)), max_size=6))
def test_never_more_than_the_parcel_holds_nor_than_each_line_has_left(contents, products):
    lines = [(index + 1, product, left) for index, (product, left) in enumerate(products)]
    wanted = parcel_return_lines(contents, lines)
    left = {line_id: units for line_id, _, units in lines}
    product_of = {line_id: product for line_id, product, _ in lines}
    assert all(0 < line.quantity <= left[line.order_line_id] for line in wanted)
    assert len({line.order_line_id for line in wanted}) == len(wanted)
    for product, units in contents.items():
        taken = sum(line.quantity for line in wanted if product_of[line.order_line_id] == product)
        available = sum(units_left for _, p, units_left in lines if p == product)
        assert taken == min(units, available)


def test_the_customer_is_told_once_per_parcel_and_once_for_the_whole_order():
    first = {"type": "order_parcel_returned", "order": "CO-0000042", "package": 7, "tracking": "6A00000000007",
             "rma": "RMA00000003", "parcel": 1, "parcels": 3}
    second = dict(first, package=8, tracking="6A00000000008")
    notices = [notice_for(event) for event in (first, dict(first), second)]
    assert [n.kind for n in notices] == ["parcel_returned"] * 3
    assert notices[0].dedupe == notices[1].dedupe != notices[2].dedupe  # a replay is the same message
    assert notices[0].context["tracking"] == "6A00000000007"
    whole = notice_for({"type": "order_returned_to_sender", "order": "CO-0000042", "tracking": "6A00000000007"})
    assert whole.kind == "returned_to_sender" and whole.dedupe not in {n.dedupe for n in notices}
