"""Signed links to an order's status page and to unsubscribing (itsdangerous).

A status link carries the order id, signed with the app's secret key and a salt of its own, and
its time: past ``max_age`` seconds it is refused like a forged one, and either shows nothing
about any order. The unsubscribe link carries the address; it does not expire (a customer
may unsubscribe from an old message), and its salt keeps it from opening a status page.
"""
from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

STATUS_SALT = "colis.status-page.v1"
UNSUBSCRIBE_SALT = "colis.unsubscribe.v1"
LABEL_SALT = "colis.return-label.v1"


def status_token(secret_key: str, order_id: int) -> str:
    return URLSafeTimedSerializer(secret_key, salt=STATUS_SALT).dumps({"o": int(order_id)})


def order_from_token(secret_key: str, token: str, max_age: float) -> int | None:
    """The order a status link opens; None when it is forged, tampered with, expired or garbage."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=STATUS_SALT).loads(token, max_age=max_age)
    except BadData:
        return None
    order_id = data.get("o") if isinstance(data, dict) else None
    return order_id if isinstance(order_id, int) and not isinstance(order_id, bool) else None


def unsubscribe_token(secret_key: str, address: str) -> str:
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps(address.strip().lower())


def address_from_token(secret_key: str, token: str) -> str | None:
    try:
        address = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadData:
        return None
    return address if isinstance(address, str) and "@" in address else None


def label_token(secret_key: str, rma: str) -> str:
    """The return label's link in the "return authorised" message (opened without a session)."""
    return URLSafeTimedSerializer(secret_key, salt=LABEL_SALT).dumps({"r": rma})


def rma_from_token(secret_key: str, token: str, max_age: float) -> str | None:
    try:
        data = URLSafeTimedSerializer(secret_key, salt=LABEL_SALT).loads(token, max_age=max_age)
    except BadData:
        return None
    rma = data.get("r") if isinstance(data, dict) else None
    return rma if isinstance(rma, str) else None
