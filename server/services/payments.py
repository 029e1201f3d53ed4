"""Payment providers: where refund money goes out.

A provider is anything with ``refund(idempotency_key, amount_cents, currency, reference)``.
The key is the contract that makes a refund exactly once: a provider that sees a key again
must answer the first refund it made for it and pay nothing more (Stripe's and Adyen's
``Idempotency-Key`` headers do this), and must refuse the same key with another amount.
server/services/refunds.py derives the key from the RMA, so a retried request, a replayed
scan or a crash after the provider paid but before our commit all reuse the same key.

``LocalPaymentProvider`` pays nothing: it records the refund in ``local_payments`` (one row
per key, a unique constraint) in the caller's transaction, for the demo, the tests and
floors whose refunds are made by hand in the shop's back office.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.models.returns import LocalPayment


@dataclass(frozen=True)
class ProviderRefund:
    provider_ref: str   # the provider's id for the refund
    amount_cents: int
    currency: str
    replayed: bool      # the key was seen before: this call paid nothing


class IdempotencyConflict(ValueError):
    """The key was used before for another amount or currency."""


class PaymentProvider(Protocol):
    def refund(self, idempotency_key: str, amount_cents: int, currency: str, reference: str) -> ProviderRefund:
        ...


class LocalPaymentProvider:
    name = "local"

    def __init__(self, session: Session):
        self.session = session

    def refund(self, idempotency_key: str, amount_cents: int, currency: str, reference: str) -> ProviderRefund:
        if amount_cents <= 0:
            raise ValueError("a refund is at least one cent")
        found = self._by_key(idempotency_key)
        if found is None:
            try:
                with self.session.begin_nested():  # a concurrent payer's row wins; ours is undone alone
                    payment = LocalPayment(idempotency_key=idempotency_key, amount_cents=amount_cents,
                                           currency=currency, reference=reference[:64])
                    self.session.add(payment)
                    self.session.flush()
                return ProviderRefund(f"local-{payment.id}", amount_cents, currency, replayed=False)
            except IntegrityError:
                found = self._by_key(idempotency_key)
                if found is None:
                    raise
        if (found.amount_cents, found.currency) != (amount_cents, currency):
            raise IdempotencyConflict(
                f"key {idempotency_key!r} already refunded {found.amount_cents} {found.currency}, "
                f"not {amount_cents} {currency}")
        return ProviderRefund(f"local-{found.id}", found.amount_cents, found.currency, replayed=True)

    def _by_key(self, key: str) -> LocalPayment | None:
        return self.session.scalar(select(LocalPayment).where(LocalPayment.idempotency_key == key))
