"""A return's refund is recorded and paid once (server/services/refunds.py), on SQLite and
PostgreSQL: replays, 20 parallel submissions, two stations on one parcel, supervisor approval."""
from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select

from server.domain.refunds import RefundPolicy
from server.models import AuditEvent, Order, Package, Refund, Return, ReturnLine
from server.models.returns import LocalPayment
from server.services.payments import IdempotencyConflict, LocalPaymentProvider, ProviderRefund
from server.services.refunds import (
    RefundRefused, approve_refund, reject_refund, request_refund, waiting_for_approval)
from tests.factories import add_item, add_order

LAMP, MUG = 12_000, 1_990


def make_parcel(floor, *, lamp_back=1, grades=("resellable", "resellable"), reasons=("wrong_size", "wrong_size"),
                status="received", order_id=None) -> dict:
    """An order of 2 lamps (120.00) and 1 mug (19.90), and a received return of ``lamp_back``
    lamps and the mug, graded ``grades``. ``order_id``: another return on that order."""
    with floor.uow() as uow:
        session = uow.session
        if order_id is None:
            lamp = add_item(uow, "Lampe", price_cents=LAMP)
            mug = add_item(uow, "Mug", price_cents=MUG)
            order = add_order(uow, [(lamp, 2), (mug, 1)])
        else:
            order = session.get(Order, order_id)
        lamp_line, mug_line = order.lines
        case = Return(order_id=order.id, reason=reasons[0])
        case.lines.append(ReturnLine(order_line_id=lamp_line.id, quantity=lamp_back, reason=reasons[0], grade=grades[0]))
        if len(grades) > 1:
            case.lines.append(ReturnLine(order_line_id=mug_line.id, quantity=1, reason=reasons[1], grade=grades[1]))
        session.add(case)
        session.flush()
        case.rma = f"RMA{case.id:08d}"
        if status == "received":
            case.status, case.received_at = "received", datetime.now(timezone.utc)
        uow.commit()
        return {"return_id": case.id, "order_id": order.id, "rma": case.rma}


def count(floor, model, *where) -> int:
    with floor.uow() as uow:
        return uow.session.scalar(select(func.count()).select_from(model).where(*where))


def refund(floor, return_id, actor="station:RET-01", **kwargs):
    with floor.uow() as uow:
        outcome = request_refund(uow, return_id, actor=actor, **kwargs)
        uow.commit()
    return outcome


def test_a_refund_is_recorded_and_paid_once_and_asking_again_answers_the_same_refund(floor):
    parcel = make_parcel(floor)
    first = refund(floor, parcel["return_id"])
    assert (first.status, first.amount_cents, first.currency, first.created) == ("paid", LAMP + MUG, "EUR", True)
    assert first.approved_by == first.requested_by == "station:RET-01" and first.provider_ref.startswith("local-")
    again = refund(floor, parcel["return_id"], actor="station:RET-02")  # a double click, a replayed scan
    assert (again.created, again.amount_cents, again.provider_ref, again.requested_by) == (
        False, first.amount_cents, first.provider_ref, "station:RET-01")
    assert count(floor, Refund) == 1 and count(floor, LocalPayment) == 1
    with floor.uow() as uow:
        case = uow.session.get(Return, parcel["return_id"])
        assert case.status == "refunded"
        row = uow.session.scalars(select(Refund)).one()
        assert (row.idempotency_key, row.status, row.approved_by) == (f"refund-{parcel['rma']}", "paid", "station:RET-01")
        assert [line["amount_cents"] for line in row.breakdown["lines"]] == [LAMP, MUG]
        actions = uow.session.scalars(select(AuditEvent.action).where(AuditEvent.subject == f"rma:{parcel['rma']}")).all()
        assert actions.count("refund_paid") == 1


def test_a_parcel_not_received_or_not_graded_is_not_refunded(floor):
    waiting = make_parcel(floor, status="authorized")
    with pytest.raises(RefundRefused, match="not been received"):
        refund(floor, waiting["return_id"])
    ungraded = make_parcel(floor, grades=("resellable", None))
    with pytest.raises(RefundRefused, match="grade every line"):
        refund(floor, ungraded["return_id"])
    assert count(floor, Refund) == 0 and count(floor, LocalPayment) == 0


def test_nothing_due_closes_the_return_without_a_refund(floor):
    parcel = make_parcel(floor, grades=("missing", "missing"))
    outcome = refund(floor, parcel["return_id"])
    assert (outcome.status, outcome.amount_cents) == ("nothing_due", 0)
    assert refund(floor, parcel["return_id"]).status == "nothing_due"
    assert count(floor, Refund) == 0
    with floor.uow() as uow:
        assert uow.session.get(Return, parcel["return_id"]).status == "closed"


def test_fees_merchant_fault_and_delivery_reach_the_recorded_amount(floor):
    # lamp changed_mind: 12000 - 10 % = 10800; mug wrong_item: 1990, merchant fault, and shipping:
    # the order's total is 495 above its goods -> 495 of outbound shipping refunded
    parcel = make_parcel(floor, reasons=("changed_mind", "wrong_item"))
    with floor.uow() as uow:
        order = uow.session.get(Order, parcel["order_id"])
        order.total_cents = 2 * LAMP + MUG + 495
        uow.session.add(Package(order_id=order.id, carrier="colissimo", service="standard", weight_g=900,
                                delivered_at=datetime.now(timezone.utc)))
        uow.commit()
    outcome = refund(floor, parcel["return_id"])
    assert outcome.amount_cents == 10_800 + 1_990 + 495
    assert outcome.breakdown["days_since_delivery"] == 0 and outcome.breakdown["shipping_cents"] == 495


def test_a_second_return_of_the_same_order_gets_what_is_left(floor):
    first = make_parcel(floor, grades=("resellable",))
    assert refund(floor, first["return_id"]).amount_cents == LAMP
    second = make_parcel(floor, grades=("resellable",), order_id=first["order_id"])
    assert refund(floor, second["return_id"]).amount_cents == LAMP
    third = make_parcel(floor, grades=("resellable",), order_id=first["order_id"])  # a third lamp of two
    assert refund(floor, third["return_id"]).status == "nothing_due"
    assert count(floor, LocalPayment) == 2


def test_above_the_threshold_a_supervisor_approves_and_who_approved_is_kept(floor):
    policy = RefundPolicy(approval_above_cents=10_000)
    parcel = make_parcel(floor)
    waiting = refund(floor, parcel["return_id"], actor="user:clara", policy=policy)
    assert (waiting.status, waiting.amount_cents, waiting.approved_by) == ("awaiting_approval", LAMP + MUG, None)
    assert refund(floor, parcel["return_id"], actor="user:clara", policy=policy).status == "awaiting_approval"
    assert count(floor, LocalPayment) == 0
    with floor.uow() as uow:
        assert [r.return_id for r in waiting_for_approval(uow.session)] == [parcel["return_id"]]
        assert uow.session.get(Return, parcel["return_id"]).status == "inspected"
        with pytest.raises(RefundRefused, match="supervisor"):
            approve_refund(uow, parcel["return_id"], actor="user:clara", role="returns_clerk")
    with floor.uow() as uow:
        approved = approve_refund(uow, parcel["return_id"], actor="user:sam", role="supervisor")
        uow.commit()
    assert (approved.status, approved.requested_by, approved.approved_by, approved.created) == (
        "paid", "user:clara", "user:sam", True)
    with floor.uow() as uow:
        assert approve_refund(uow, parcel["return_id"], actor="user:sam", role="supervisor").created is False
        uow.commit()
        assert uow.session.get(Return, parcel["return_id"]).status == "refunded"
    assert count(floor, LocalPayment) == 1
    # A supervisor's own request above the threshold needs nobody else.
    own = make_parcel(floor)
    assert refund(floor, own["return_id"], actor="user:sam", role="supervisor", policy=policy).status == "paid"


def test_a_rejected_refund_pays_nothing_and_closes_the_return(floor):
    parcel = make_parcel(floor)
    refund(floor, parcel["return_id"], policy=RefundPolicy(approval_above_cents=0))
    with floor.uow() as uow:
        rejected = reject_refund(uow, parcel["return_id"], actor="user:sam", role="supervisor", reason="photo")
        uow.commit()
    assert (rejected.status, rejected.approved_by) == ("rejected", "user:sam")
    with floor.uow() as uow, pytest.raises(RefundRefused, match="rejected"):
        approve_refund(uow, parcel["return_id"], actor="user:sam", role="supervisor")
    assert refund(floor, parcel["return_id"]).status == "rejected"
    assert count(floor, LocalPayment) == 0
    with floor.uow() as uow:
        assert uow.session.get(Return, parcel["return_id"]).status == "closed"


def test_the_local_provider_honours_the_idempotency_key(floor):
    with floor.uow() as uow:
        provider = LocalPaymentProvider(uow.session)
        first = provider.refund("k-1", 500, "EUR", "RMA1")
        again = provider.refund("k-1", 500, "EUR", "RMA1")
        assert (first.replayed, again.replayed, again.provider_ref) == (False, True, first.provider_ref)
        with pytest.raises(IdempotencyConflict):
            provider.refund("k-1", 600, "EUR", "RMA1")
        uow.commit()
    assert count(floor, LocalPayment) == 1


class RemoteProvider:
    """A provider outside our database (as a real one is): it remembers keys across our rollbacks."""

    def __init__(self, fail_first: bool = False):
        self.calls, self.paid, self.fail_first = [], {}, fail_first
        self.lock = threading.Lock()

    def refund(self, idempotency_key, amount_cents, currency, reference):
        with self.lock:
            self.calls.append(idempotency_key)
            if self.fail_first and len(self.calls) == 1:
                raise ConnectionError("provider timed out")
            replayed = idempotency_key in self.paid
            self.paid.setdefault(idempotency_key, amount_cents)
            return ProviderRefund(f"re_{idempotency_key}", self.paid[idempotency_key], currency, replayed)


def test_a_crash_after_the_provider_paid_and_a_retry_pay_once(floor):
    parcel = make_parcel(floor)
    provider = RemoteProvider()
    with floor.uow() as uow:  # paid by the provider, then our commit never happens (a crash)
        request_refund(uow, parcel["return_id"], actor="station:RET-01", provider=provider)
    assert count(floor, Refund) == 0
    with pytest.raises(ConnectionError):  # and a provider that times out records nothing
        refund(floor, parcel["return_id"], provider=RemoteProvider(fail_first=True))
    retried = refund(floor, parcel["return_id"], provider=provider)
    assert retried.status == "paid" and provider.calls == [f"refund-{parcel['rma']}"] * 2
    assert list(provider.paid.values()) == [LAMP + MUG]  # one payment, the second call a replay


def race(floor, return_id: int, actors: list[str], provider) -> tuple[list, list]:
    outcomes, errors = [], []
    lock, start = threading.Lock(), threading.Barrier(len(actors))

    def clerk(actor):
        start.wait()
        try:
            with floor.uow() as uow:
                outcome = request_refund(uow, return_id, actor=actor, provider=provider)
                uow.commit()
            with lock:
                outcomes.append(outcome)
        except BaseException as exc:  # noqa: BLE001 - reported by the caller's assertion
            errors.append(exc)

    threads = [threading.Thread(target=clerk, args=(actor,)) for actor in actors]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes, errors


def test_the_same_refund_submitted_20_times_in_parallel_is_recorded_and_paid_once(floor):
    """Row locks on PostgreSQL; on SQLite, BEGIN IMMEDIATE serializes the 20 writers."""
    parcel = make_parcel(floor)
    provider = RemoteProvider()
    outcomes, errors = race(floor, parcel["return_id"], ["station:RET-01"] * 20, provider)
    assert errors == [] and len(outcomes) == 20
    assert Counter(outcome.created for outcome in outcomes) == {True: 1, False: 19}
    assert {(o.status, o.amount_cents, o.provider_ref) for o in outcomes} == {("paid", LAMP + MUG, f"re_refund-{parcel['rma']}")}
    assert len(provider.calls) == 1
    assert count(floor, Refund) == 1


def test_two_stations_on_one_parcel_make_one_refund(floor):
    parcel = make_parcel(floor)
    outcomes, errors = race(floor, parcel["return_id"], ["station:RET-01", "station:RET-02"], None)
    assert errors == [] and len(outcomes) == 2
    winner, = [outcome for outcome in outcomes if outcome.created]
    loser, = [outcome for outcome in outcomes if not outcome.created]
    assert loser.requested_by == winner.requested_by and loser.provider_ref == winner.provider_ref
    assert count(floor, Refund) == 1 and count(floor, LocalPayment) == 1


def test_the_cli_quotes_refunds_and_approves(app, floor):
    app.config["REFUND_APPROVAL_ABOVE_CENTS"] = 10_000
    parcel = make_parcel(floor, reasons=("changed_mind", "wrong_size"))
    runner = app.test_cli_runner()
    quoted = runner.invoke(args=["refund", parcel["rma"], "--dry-run"])
    assert quoted.exit_code == 0 and quoted.output.startswith(f"{parcel['rma']} quote 127.90 EUR")  # 108.00 + 19.90
    assert "fee 12.00 restocking:changed_mind -> 108.00" in quoted.output and count(floor, Refund) == 0
    asked = runner.invoke(args=["refund", parcel["rma"].lower()])
    assert asked.exit_code == 0 and "awaiting_approval 127.90 EUR requested by" in asked.output
    approved = runner.invoke(args=["refund", parcel["rma"], "--approve"])
    assert approved.exit_code == 0 and " paid 127.90 EUR " in approved.output and "approved by" in approved.output
    again = runner.invoke(args=["refund", parcel["rma"], "--approve"])
    assert "(already recorded)" in again.output and count(floor, LocalPayment) == 1
    unknown = runner.invoke(args=["refund", "RMA99999999"])
    assert unknown.exit_code == 2 and "no return" in unknown.output
    waiting = make_parcel(floor, status="authorized")
    refused = runner.invoke(args=["refund", waiting["rma"]])
    assert refused.exit_code == 1 and "not been received" in refused.output


def test_the_desk_view_shows_the_quote_then_the_recorded_refund(floor):
    from server.services.refunds import refund_view

    parcel = make_parcel(floor, grades=(None, "resellable"))
    with floor.uow() as uow:
        view = refund_view(uow.session, uow.session.get(Return, parcel["return_id"]))
    assert (view["quote"]["total_cents"], view["quote"]["graded"], view["recorded"]) == (LAMP + MUG, False, None)
    with floor.uow() as uow:
        uow.session.get(Return, parcel["return_id"]).lines[0].grade = "damaged"
        uow.commit()
    refund(floor, parcel["return_id"], actor="station:RET-01")
    with floor.uow() as uow:
        view = refund_view(uow.session, uow.session.get(Return, parcel["return_id"]))
    # the lamp graded damaged, reason wrong_size (not a merchant fault): 12000 - 50 % = 6000
    assert view["recorded"]["status"] == "paid" and view["recorded"]["amount_cents"] == 6000 + MUG
    assert view["recorded"]["approved_by"] == "station:RET-01" and view["recorded"]["paid_at"]
