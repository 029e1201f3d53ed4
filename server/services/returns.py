"""Returns: authorize an RMA, and receive the parcel at the returns desk by its label."""
from __future__ import annotations

from server.domain.returns import RETURN_REASONS, rma_number
from server.models import Order, OrderLine, Return, ReturnLine, Station
from server.models._types import utcnow
from server.services.unit_of_work import UnitOfWork


class ReturnNotAllowed(ValueError):
    pass


def authorize_return(uow: UnitOfWork, order_id: int, lines: list[tuple[int, int]], reason: str,
                     actor: str = "system") -> Return:
    """Open an RMA for (order_line_id, quantity) pairs of a shipped order (call inside ``with uow``)."""
    session = uow.session
    order = session.get(Order, order_id)
    if order is None or order.status not in ("shipped", "delivered"):
        raise ReturnNotAllowed("only a shipped order can be returned")
    if reason not in RETURN_REASONS:
        raise ReturnNotAllowed(f"unknown return reason {reason!r}; one of {', '.join(RETURN_REASONS)}")
    case = Return(order_id=order.id, reason=reason)
    for order_line_id, quantity in lines:
        line = session.get(OrderLine, order_line_id)
        if line is None or line.order_id != order.id or not 0 < quantity <= line.quantity:
            raise ReturnNotAllowed(f"line {order_line_id} x{quantity} is not returnable on {order.reference}")
        case.lines.append(ReturnLine(order_line_id=line.id, quantity=quantity, reason=reason))
    session.add(case)
    session.flush()
    case.rma = rma_number(case.id)
    session.flush()
    uow.emit("return_authorized", rma=case.rma, order=order.reference, reason=reason, actor=actor)
    return case


def receive_return(uow: UnitOfWork, station: Station, *, return_id: int) -> None:
    """The parcel is on the returns desk."""
    case = uow.session.get(Return, return_id)
    if case.status == "authorized":
        case.status, case.received_at = "received", utcnow()
        uow.emit("return_received", rma=case.rma, order=case.order.reference, reason=case.reason,
                 station=station.code)
