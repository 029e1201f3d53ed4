"""Refund a return once, whatever happens: a double click, a retried request, a replayed scan,
two clerks on the same parcel.

Three things make it once:

1. the return's row is locked (``lock_return``: ``FOR UPDATE`` on PostgreSQL, the write
   transaction itself on SQLite), so two requests for one return run one after the other and
   the second finds the first one's refund and answers it (``created`` False);
2. ``refunds.return_id`` is unique: a path that forgot the lock still cannot add a second row;
3. the provider is called with the refund's idempotency key, derived from the RMA
   (``refund-RMA00000042``), so a retry after a crash between the provider's payment and our
   commit pays nothing more.

The amount is the policy's (server/domain/refunds.py), from the grades given at inspection.
Above ``policy.approval_above_cents`` the refund waits for a supervisor (``awaiting_approval``);
``approve_refund`` pays it, ``reject_refund`` closes the return. Who asked and who approved are
kept on the refund and in the audit trail.

Call inside ``with uow:`` and commit after, like every use case.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.domain.refunds import PaidLine, PaidOrder, RefundBreakdown, RefundPolicy, ReturnedItem, refund_breakdown
from server.domain.statuses import RefundStatus, ReturnStatus
from server.models import Package, Refund, Return
from server.models._types import utcnow
from server.services.locking import lock_return
from server.services.payments import LocalPaymentProvider, PaymentProvider
from server.services.unit_of_work import UnitOfWork

APPROVER_ROLES = ("supervisor", "admin")
LIVE = (RefundStatus.AWAITING_APPROVAL, RefundStatus.APPROVED, RefundStatus.PAID)  # count against the order


class RefundRefused(ValueError):
    pass


@dataclass(frozen=True)
class RefundOutcome:
    rma: str
    status: str            # awaiting_approval, approved, paid, rejected, nothing_due
    amount_cents: int
    currency: str
    created: bool          # this call recorded it; False: it was there already (a replay)
    requested_by: str
    approved_by: str | None
    provider_ref: str | None
    breakdown: dict | None


def idempotency_key(case: Return) -> str:
    return f"refund-{case.rma}"


def find_return(session, rma_or_id: str | int) -> Return | None:
    if isinstance(rma_or_id, int):
        return session.get(Return, rma_or_id)
    text = str(rma_or_id).strip().upper()
    return session.scalar(select(Return).where(Return.rma == text))


def quote(session, case: Return, policy: RefundPolicy) -> RefundBreakdown:
    """What the policy gives for ``case`` now (ungraded lines priced as resellable: a preview)."""
    return refund_breakdown(policy, paid_order(session, case),
                            [ReturnedItem(line.order_line_id, line.quantity, line.reason or case.reason, line.grade)
                             for line in case.lines],
                            (case.created_at or utcnow()).date())


def paid_order(session, case: Return) -> PaidOrder:
    """The order as paid, with what its *other* returns' refunds already took back.

    Intake keeps the order's discount and shipping apart (``orders.discount_cents``,
    ``shipping_cents``); for an order taken before (both None) a total below its goods is read as
    a discount, above them as outbound shipping (docs/returns.md)."""
    order = case.order
    discount, shipping = _discount_and_shipping(order)
    returned = {line.id: 0 for line in order.lines}
    refunded = dict(returned)
    shipping_refunded = 0
    earlier = session.scalars(select(Refund).join(Return, Refund.return_id == Return.id).where(
        Return.order_id == order.id, Return.id != case.id, Refund.status.in_(LIVE)))
    for refund in earlier:
        for line in (refund.breakdown or {}).get("lines", []):
            if line["line_id"] in returned:
                returned[line["line_id"]] += line["priced"]
                refunded[line["line_id"]] += line["amount_cents"]
        shipping_refunded += (refund.breakdown or {}).get("shipping_cents", 0)
    delivered = session.scalars(select(Package.delivered_at).where(
        Package.order_id == order.id, Package.delivered_at.is_not(None)).order_by(Package.delivered_at)).first()
    return PaidOrder([PaidLine(line.id, line.unit_price_cents, line.quantity, returned[line.id], refunded[line.id])
                      for line in order.lines],
                     discount_cents=discount, shipping_cents=shipping,
                     shipping_refunded_cents=shipping_refunded,
                     delivered_on=delivered.date() if delivered else None)


def _discount_and_shipping(order) -> tuple[int, int]:
    if order.discount_cents is not None or order.shipping_cents is not None:
        return max(0, order.discount_cents or 0), max(0, order.shipping_cents or 0)
    goods = sum(line.unit_price_cents * line.quantity for line in order.lines)
    difference = order.total_cents - goods if order.total_cents else 0
    return max(0, -difference), max(0, difference)


def request_refund(uow: UnitOfWork, return_id: int, *, actor: str, role: str = "returns_clerk",
                   policy: RefundPolicy | None = None, provider: PaymentProvider | None = None) -> RefundOutcome:
    """Record the return's refund (once) and pay it, or leave it for a supervisor above the
    policy's amount. A second call answers the first refund (``created`` False) and pays nothing."""
    policy = policy or RefundPolicy()
    session = uow.session
    case = _locked(session, return_id)
    existing = _refund_of(session, case)
    if existing is not None:
        if existing.status is RefundStatus.APPROVED:  # approved, never paid (a provider failure)
            _pay(uow, case, existing, provider)
        return _outcome(case, existing, created=False)
    if case.status in (ReturnStatus.CLOSED, ReturnStatus.REFUNDED):
        return _nothing_due(case)
    if case.status is ReturnStatus.AUTHORIZED:
        raise RefundRefused(f"{case.rma} has not been received yet")
    ungraded = [line.id for line in case.lines if line.grade is None]
    if ungraded:
        raise RefundRefused(f"{case.rma}: grade every line first (resellable, damaged, missing)")
    case.status = ReturnStatus.INSPECTED  # received -> inspected once every line is graded
    breakdown = quote(session, case, policy)
    if breakdown.total_cents == 0:
        case.status = ReturnStatus.CLOSED
        uow.emit("return_closed", rma=case.rma, order=case.order.reference, reason="nothing_due", actor=actor)
        return _nothing_due(case)
    waits = breakdown.needs_approval and role not in APPROVER_ROLES
    refund = Refund(return_id=case.id, amount_cents=breakdown.total_cents, currency=case.order.currency,
                    idempotency_key=idempotency_key(case), requested_by=actor, breakdown=breakdown.as_dict(),
                    status=RefundStatus.AWAITING_APPROVAL if waits else RefundStatus.APPROVED)
    if not waits:
        refund.approved_by, refund.approved_at = actor, utcnow()
    try:
        with session.begin_nested():  # the unique return_id: a racer that got around the lock
            session.add(refund)
            session.flush()
    except IntegrityError:
        existing = _refund_of(session, case)
        if existing is None:
            raise
        return _outcome(case, existing, created=False)
    if waits:
        uow.emit("refund_awaiting_approval", rma=case.rma, order=case.order.reference,
                 amount_cents=refund.amount_cents, currency=refund.currency, actor=actor)
    else:
        _pay(uow, case, refund, provider)
    return _outcome(case, refund, created=True)


def approve_refund(uow: UnitOfWork, return_id: int, *, actor: str, role: str,
                   provider: PaymentProvider | None = None) -> RefundOutcome:
    """A supervisor approves a refund waiting for it, and it is paid. Approving again answers
    the same refund (``created`` False) and pays nothing."""
    if role not in APPROVER_ROLES:
        raise RefundRefused("only a supervisor approves a refund")
    session = uow.session
    case = _locked(session, return_id)
    refund = _refund_of(session, case)
    if refund is None:
        raise RefundRefused(f"{case.rma} has no refund to approve")
    if refund.status is RefundStatus.REJECTED:
        raise RefundRefused(f"{case.rma}'s refund was rejected by {refund.approved_by}")
    created = refund.status is RefundStatus.AWAITING_APPROVAL
    if created:
        refund.status, refund.approved_by, refund.approved_at = RefundStatus.APPROVED, actor, utcnow()
        uow.emit("refund_approved", rma=case.rma, amount_cents=refund.amount_cents, actor=actor)
    if refund.status is RefundStatus.APPROVED:
        _pay(uow, case, refund, provider)
    return _outcome(case, refund, created=created)


def reject_refund(uow: UnitOfWork, return_id: int, *, actor: str, role: str, reason: str = "") -> RefundOutcome:
    """A supervisor refuses a refund waiting for approval: nothing is paid, the return is closed."""
    if role not in APPROVER_ROLES:
        raise RefundRefused("only a supervisor rejects a refund")
    session = uow.session
    case = _locked(session, return_id)
    refund = _refund_of(session, case)
    if refund is None or refund.status not in (RefundStatus.AWAITING_APPROVAL, RefundStatus.REJECTED):
        raise RefundRefused(f"{case.rma} has no refund waiting for approval")
    if refund.status is RefundStatus.AWAITING_APPROVAL:
        refund.status, refund.approved_by, refund.approved_at = RefundStatus.REJECTED, actor, utcnow()
        case.status = ReturnStatus.CLOSED
        uow.emit("refund_rejected", rma=case.rma, amount_cents=refund.amount_cents, reason=reason[:200], actor=actor)
    return _outcome(case, refund, created=False)


def refund_view(session, case: Return, policy: RefundPolicy | None = None) -> dict:
    """What the desk shows for ``case``: the policy's breakdown now (a preview until every line
    is graded) and the refund already recorded, if any (status, who asked, who approved, when)."""
    refund = find_refund(session, case)
    recorded = None if refund is None else {
        "status": str(refund.status), "amount_cents": refund.amount_cents, "currency": refund.currency,
        "requested_by": refund.requested_by, "approved_by": refund.approved_by,
        "approved_at": refund.approved_at.isoformat() if refund.approved_at else None,
        "paid_at": refund.paid_at.isoformat() if refund.paid_at else None, "provider_ref": refund.provider_ref}
    return {"quote": quote(session, case, policy or RefundPolicy()).as_dict(), "currency": case.order.currency,
            "recorded": recorded}


def waiting_for_approval(session) -> list[Refund]:
    """Refunds a supervisor has to look at (the dashboard's exceptions), oldest first."""
    return list(session.scalars(select(Refund).where(Refund.status == RefundStatus.AWAITING_APPROVAL)
                                .order_by(Refund.id)))


def _locked(session, return_id: int) -> Return:
    case = lock_return(session, return_id)
    if case is None:
        raise RefundRefused(f"no return {return_id}")
    return case


def find_refund(session, case: Return) -> Refund | None:
    """The return's refund, if one was recorded (at most one: ``refunds.return_id`` is unique)."""
    return _refund_of(session, case)


def _refund_of(session, case: Return) -> Refund | None:
    return session.scalar(select(Refund).where(Refund.return_id == case.id)
                          .execution_options(populate_existing=True))


def _pay(uow: UnitOfWork, case: Return, refund: Refund, provider: PaymentProvider | None) -> None:
    provider = provider or LocalPaymentProvider(uow.session)
    paid = provider.refund(refund.idempotency_key or idempotency_key(case), refund.amount_cents, refund.currency,
                           case.rma or "")
    refund.status, refund.provider_ref, refund.paid_at = RefundStatus.PAID, paid.provider_ref, utcnow()
    case.status = ReturnStatus.REFUNDED
    uow.emit("refund_paid", rma=case.rma, order=case.order.reference, amount_cents=refund.amount_cents,
             currency=refund.currency, approved_by=refund.approved_by, provider_ref=paid.provider_ref,
             actor=refund.approved_by)


def _outcome(case: Return, refund: Refund, *, created: bool) -> RefundOutcome:
    return RefundOutcome(case.rma or "", str(refund.status), refund.amount_cents, refund.currency, created,
                         refund.requested_by, refund.approved_by, refund.provider_ref, refund.breakdown)


def _nothing_due(case: Return) -> RefundOutcome:
    return RefundOutcome(case.rma or "", "nothing_due", 0, case.order.currency, False, "", None, None, None)
