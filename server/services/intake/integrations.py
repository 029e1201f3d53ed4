"""Integrations: one per shop or API client, each with its own webhook secret."""
from __future__ import annotations

import secrets

from sqlalchemy import select

from server.models import Integration

PLATFORMS = ("shopify", "woocommerce", "api", "csv")


class IntegrationError(ValueError):
    pass


def create_integration(uow, name: str, platform: str, webhook_secret: str | None = None) -> tuple[Integration, str | None]:
    """A new integration; a webhook platform gets a random secret unless one is given. Returns (row, secret)."""
    name = name.strip()
    if not name or len(name) > 32 or not all(c.isalnum() or c in "-_." for c in name):
        raise IntegrationError("name: 1 to 32 letters, digits, '-', '_' or '.'")
    if platform not in PLATFORMS:
        raise IntegrationError(f"platform: one of {', '.join(PLATFORMS)}")
    if uow.session.scalars(select(Integration).where(Integration.name == name)).first():
        raise IntegrationError(f"name: an integration {name!r} already exists")
    if platform in ("shopify", "woocommerce") and not webhook_secret:
        webhook_secret = secrets.token_urlsafe(32)
    integration = Integration(name=name, platform=platform, webhook_secret=webhook_secret)
    uow.session.add(integration)
    uow.session.flush()
    uow.emit("integration_created", actor="admin", channel=name, platform=platform)
    return integration, webhook_secret
