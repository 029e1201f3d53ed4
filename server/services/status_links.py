"""Signed links to an order's status page, its return label, and unsubscribing (itsdangerous).

A status link carries the order id, signed with the app's secret key and a salt of its own, and
its time: past ``max_age`` seconds it is refused like a forged one, and either shows nothing
about any order. The return label's link is the same with the RMA and another salt. The
unsubscribe link carries the address; it does not expire (a customer may unsubscribe from an
old message). Each salt keeps one kind of link from opening another.
"""
from __future__ import annotations

from itsdangerous import BadData, URLSafeSerializer, URLSafeTimedSerializer

STATUS_SALT = "colis.status-page.v1"
UNSUBSCRIBE_SALT = "colis.unsubscribe.v1"
LABEL_SALT = "colis.return-label.v1"


def _timed_value(secret_key: str, salt: str, token: str, max_age: float, key: str, kind: type):
    """The value under ``key`` of a timed token, or None: forged, tampered with, expired, garbage."""
    try:
        data = URLSafeTimedSerializer(secret_key, salt=salt).loads(token, max_age=max_age)
    except BadData:
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return value if isinstance(value, kind) and not isinstance(value, bool) else None


def status_token(secret_key: str, order_id: int) -> str:
    return URLSafeTimedSerializer(secret_key, salt=STATUS_SALT).dumps({"o": int(order_id)})


def order_from_token(secret_key: str, token: str, max_age: float) -> int | None:
    """The order a status link opens; None when it is forged, tampered with, expired or garbage."""
    return _timed_value(secret_key, STATUS_SALT, token, max_age, "o", int)


def label_token(secret_key: str, rma: str) -> str:
    """The return label's link in the "return authorised" message (opened without a session)."""
    return URLSafeTimedSerializer(secret_key, salt=LABEL_SALT).dumps({"r": rma})


def rma_from_token(secret_key: str, token: str, max_age: float) -> str | None:
    return _timed_value(secret_key, LABEL_SALT, token, max_age, "r", str)


def unsubscribe_token(secret_key: str, address: str) -> str:
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps(address.strip().lower())


def address_from_token(secret_key: str, token: str) -> str | None:
    try:
        address = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadData:
        return None
    return address if isinstance(address, str) and "@" in address else None
