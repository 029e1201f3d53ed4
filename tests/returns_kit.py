"""Shipped orders and open returns for the returns tests (desk, pages, API, bench)."""
from __future__ import annotations

import random

from sqlalchemy import update

from labels import make_sscc
from server.domain.returns import WantedLine
from server.models import Order, Package
from server.services.returns import open_return
from tests.factories import add_item, add_order


def ship(uow, order: Order, delivered_at=None) -> Package:
    """The order left the dock in one parcel (SSCC and tracking number known). The status is
    written as the floor would have after pack and label (its own moves are tested elsewhere)."""
    uow.session.execute(update(Order.__table__).where(Order.__table__.c.id == order.id).values(status="shipped"))
    package = Package(order_id=order.id, carrier="DEMO", service="STANDARD", weight_g=900,
                      delivered_at=delivered_at)
    uow.session.add(package)
    uow.session.flush()
    package.sscc = make_sscc(0, "3761234", package.id + random.randrange(10**6) * 1000)
    package.tracking_number = f"6A{package.id:011d}"
    uow.session.flush()
    uow.session.expire(order, ["status"])
    return package


def shipped_order(uow, *, lamps: int = 2, mugs: int = 1, name: str = "Élodie Dupré", lamp_price: int = 2000,
                  mug_price: int = 1990) -> dict:
    lamp = add_item(uow, "Lampe Émeraude", price_cents=lamp_price, on_hand=5)
    mug = add_item(uow, "Mug 33 cl", price_cents=mug_price, on_hand=5)
    order = add_order(uow, [(lamp, lamps), (mug, mugs)], name=name)
    package = ship(uow, order)
    return {"order_id": order.id, "reference": order.reference, "lamp": lamp, "mug": mug,
            "lamp_line": order.lines[0].id, "mug_line": order.lines[1].id, "sscc": package.sscc,
            "tracking": package.tracking_number, "postal_code": order.ship_address.postal_code,
            "email": order.customer.email}


def open_rma(uow, shipped: dict, wanted: list[tuple[str, int, str]], actor: str = "user:claire") -> str:
    """``wanted``: ("lamp" | "mug", quantity, reason)."""
    lines = [WantedLine(shipped[f"{what}_line"], quantity, reason) for what, quantity, reason in wanted]
    return open_return(uow, shipped["order_id"], lines, actor=actor).rma
