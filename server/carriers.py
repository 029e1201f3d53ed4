"""Carrier booking behind one interface: ``CarrierBooking.book(request) -> Booking``.

No carrier's API is called from here: each carrier is a fake that answers as the carrier
would, in its format (docs/carriers.md). A real API plugs in with ``register(booking)`` (an
object with ``carrier`` and ``book``); everything else (services/shipping.py, packing) only
sees the interface.

Formats: Colissimo — domestic ``6A`` + 11 digits, abroad an S10 parcel number ``CP…FR``;
Chronopost — S10 with an EMS service indicator (``EE…FR``: Chronopost carries La Poste's EMS);
DPD — the 14-digit parcel number (depot + serial; its ISO 7064 MOD 37,36 check character is
printed after it on the label, not part of the number the tracking APIs carry); UPS — ``1Z`` with the account, service 11 (Standard) and the
mod-10 check digit. The serial is the package id, so numbers are unique as packages are.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from server.domain.shipping.services import BY_CODE, LEVEL_SERVICES
from server.domain.shipping.tracking import make_dpd, make_s10, make_ups


@dataclass(frozen=True)
class Booking:
    carrier: str
    service: str
    tracking_number: str


@dataclass(frozen=True)
class BookingRequest:
    package_id: int
    service: str            # the service code (domain/shipping/services.py CATALOGUE)
    weight_g: int
    origin_country: str
    destination_country: str
    postal_code: str


class CarrierBooking(Protocol):
    carrier: str

    def book(self, request: BookingRequest) -> Booking: ...


class FakeColissimo:
    carrier = "COLISSIMO"

    def book(self, request: BookingRequest) -> Booking:
        if request.destination_country == request.origin_country:
            number = f"6A{request.package_id % 10**11:011d}"
        else:
            number = make_s10("CP", request.package_id, request.origin_country)
        return Booking(self.carrier, request.service, number)


class FakeChronopost:
    carrier = "CHRONOPOST"

    def book(self, request: BookingRequest) -> Booking:
        return Booking(self.carrier, request.service, make_s10("EE", request.package_id, request.origin_country))


class FakeDpd:
    carrier = "DPD"
    depot = "0250"

    def book(self, request: BookingRequest) -> Booking:
        return Booking(self.carrier, request.service, make_dpd(self.depot, request.package_id))


class FakeUps:
    carrier = "UPS"
    account = "7X1W94"   # the shipper account a UPS contract gives (six letters or digits)
    service_code = "11"  # UPS Standard

    def book(self, request: BookingRequest) -> Booking:
        return Booking(self.carrier, request.service, make_ups(self.account, self.service_code, request.package_id))


_BOOKINGS: dict[str, CarrierBooking] = {}


def register(booking: CarrierBooking) -> None:
    """Use ``booking`` for its carrier from now on (a real API client, or a test's fake)."""
    _BOOKINGS[booking.carrier] = booking


for _fake in (FakeColissimo(), FakeChronopost(), FakeDpd(), FakeUps()):
    register(_fake)


def tracking_format_ok(carrier: str, number: str) -> bool:
    """Does ``number`` have the shape (and check digit) the carrier's numbers have?"""
    import re

    from server.domain.shipping.tracking import is_valid_dpd, is_valid_s10, is_valid_ups

    checks = {"COLISSIMO": lambda n: bool(re.fullmatch(r"6A\d{11}", n)) or (is_valid_s10(n) and n.startswith("CP")),
              "CHRONOPOST": lambda n: is_valid_s10(n) and n.startswith("EE"),
              "DPD": is_valid_dpd,
              "UPS": is_valid_ups}
    return carrier in checks and checks[carrier](number or "")


def booking_for(carrier: str) -> CarrierBooking:
    try:
        return _BOOKINGS[carrier]
    except KeyError:
        raise LookupError(f"no booking is set up for carrier {carrier!r}") from None


# --- before services were chosen per order (kept for pages that show a level's carrier) ----

# level → (carrier, service code), from the catalogue's LEVEL_SERVICES.
SERVICES = {level: (BY_CODE[code].carrier, code) for level, code in LEVEL_SERVICES.items()}


def book(package_id: int, service_level: str) -> Booking:
    """A parcel with no service chosen (an order routed before routing existed): the service
    level's usual service, booked as from and to France."""
    carrier, service = SERVICES.get(service_level, SERVICES["standard"])
    return booking_for(carrier).book(BookingRequest(package_id, service, 0, "FR", "FR", ""))
