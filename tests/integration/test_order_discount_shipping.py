"""Discount and shipping kept apart at intake reach the refund (issue 8), on both databases:
Shopify's documented sample delivered as a webhook keeps total_discounts 5.00 and its 10.00
shipping line; a merchant-fault return of one of its two lines gets its discount share off and
the outbound shipping back. An order taken before (both unknown) still reads them from its total."""
from __future__ import annotations

from sqlalchemy import select, update

from server.domain.returns import WantedLine
from server.models import Order, Refund
from server.services import returns
from tests.integration.test_intake_webhooks import add_product, shop, shopify_post, shopify_variant  # noqa: F401
from tests.returns_kit import ship


def refund_of_one_damaged_line(floor) -> tuple[int, dict]:
    """One of the two 199.00 lines back, arrived damaged (a merchant fault), graded damaged."""
    with floor.uow() as uow:
        order = uow.session.scalars(select(Order)).one()
        ship(uow, order)
        case = returns.open_return(uow, order.id, [WantedLine(order.lines[0].id, 1, "damaged")], actor="user:claire")
        case.status = "received"
        uow.session.flush()
        returns.grade_unit(uow, case.id, case.lines[0].id, "damaged", actor="station:RET-01")
        outcome = returns.finish_inspection(uow, case.id, actor="station:RET-01", role="supervisor")
        uow.commit()
        refund = uow.session.scalars(select(Refund).where(Refund.return_id == case.id)).one()
        return outcome.amount_cents, refund.breakdown


def test_a_shopify_orders_discount_and_shipping_reach_the_refund(app, shop):
    add_product(shop, "IPOD2008PINK")
    assert shopify_post(app.test_client(), shopify_variant()).status_code == 200
    with shop.uow() as uow:
        order = uow.session.scalars(select(Order)).one()
        assert (order.discount_cents, order.shipping_cents, order.total_cents) == (500, 1000, 40300)
    amount, breakdown = refund_of_one_damaged_line(shop)
    # 199.00 less half the 5.00 discount (largest remainder: 2.50 each), no fee, + 10.00 shipping
    assert (amount, breakdown["shipping_cents"]) == (19900 - 250 + 1000, 1000)


def test_an_order_taken_before_reads_discount_and_shipping_from_its_total(app, shop):
    add_product(shop, "IPOD2008PINK")
    assert shopify_post(app.test_client(), shopify_variant()).status_code == 200
    with shop.uow() as uow:  # as a row migrated from 0015: neither kept
        uow.session.execute(update(Order.__table__).values(discount_cents=None, shipping_cents=None))
        uow.commit()
    amount, breakdown = refund_of_one_damaged_line(shop)
    # 403.00 over 398.00 of goods: read as 5.00 of shipping, no discount
    assert (amount, breakdown["shipping_cents"]) == (19900 + 500, 500)
