"""Webhook signatures as Shopify and WooCommerce compute them.

Both send ``base64(HMAC-SHA256(secret, raw request body))`` in a header
(``X-Shopify-Hmac-Sha256``, ``X-WC-Webhook-Signature``). The check runs on the raw bytes
as received, never on re-serialized JSON, and compares in constant time.
"""
from __future__ import annotations

import base64
import hashlib
import hmac


def sign(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()).decode("ascii")


def signature_matches(secret: str | None, body: bytes, header: str | None) -> bool:
    """True only for a present header equal to the body's signature under a non-empty secret."""
    if not secret or not header:
        return False
    expected = sign(secret, body).encode("ascii")
    try:
        given = header.strip().encode("ascii")
    except UnicodeEncodeError:
        return False
    return hmac.compare_digest(expected, given)
