"""API tokens: one or more per integration, each with scopes; only the SHA-256 is stored.

Scopes: ``read`` (orders and stock), ``orders:write`` (create and cancel orders), ``admin``
(everything, and every channel's orders; the others see their own integration's orders only).
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import select

from server.models import ApiToken, Integration

SCOPES = ("read", "orders:write", "admin")
PREFIX = "colis_"


@dataclass(frozen=True)
class Caller:
    integration_id: int
    channel: str
    scopes: frozenset[str]

    def may(self, scope: str) -> bool:
        return "admin" in self.scopes or scope in self.scopes

    @property
    def admin(self) -> bool:
        return "admin" in self.scopes


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(uow, integration_id: int, scopes: list[str]) -> str:
    """A new random token for the integration; the only time it is seen in clear."""
    unknown = [scope for scope in scopes if scope not in SCOPES]
    if unknown or not scopes:
        raise ValueError(f"scopes: one or more of {', '.join(SCOPES)} (got {', '.join(scopes) or 'none'})")
    token = PREFIX + secrets.token_urlsafe(32)
    uow.session.add(ApiToken(integration_id=integration_id, token_hash=token_hash(token),
                             scopes=" ".join(sorted(set(scopes)))))
    uow.session.flush()
    uow.emit("api_token_issued", actor="admin", channel=str(integration_id), scopes=sorted(set(scopes)))
    return token


def caller_for(session, token: str | None) -> Caller | None:
    if not token or len(token) > 200:
        return None
    row = session.execute(select(ApiToken, Integration).join(Integration, Integration.id == ApiToken.integration_id)
                          .where(ApiToken.token_hash == token_hash(token))).first()
    if row is None:
        return None
    api_token, integration = row
    if api_token.revoked_at is not None or not integration.active:
        return None
    return Caller(integration.id, integration.name, frozenset(api_token.scopes.split()))
