"""Carrier booking. Only the demo carrier exists so far: it issues tracking numbers locally.

Real carriers (Colissimo, DHL...) will sit behind the same ``book`` call and speak
their own API; tests then use a fake that speaks that API's real format.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Booking:
    carrier: str
    service: str
    tracking_number: str


SERVICES = {"express": ("DEMO", "EXPRESS"), "priority": ("DEMO", "PRIORITY"), "standard": ("DEMO", "STANDARD")}


def book(package_id: int, service_level: str) -> Booking:
    carrier, service = SERVICES.get(service_level, SERVICES["standard"])
    # Colissimo-shaped: two letters, eleven digits, unique because the package id is.
    return Booking(carrier, service, f"6A{package_id:011d}")
