"""Carrier services and the cheapest one that keeps the promise.

A service is handed parcels until its daily cut-off (later ones leave the next working day),
then takes ``transit_days`` working days (``transit_days_abroad`` beyond the warehouse's
country; None: it does not go abroad). It takes parcels up to ``max_weight_g`` to the
countries it lists, at the price of the first rate band the weight fits in, plus
``abroad_cents`` beyond the warehouse's country.

``choose_service`` keeps the services that can carry the parcel there, works out the day each
would deliver, and takes the cheapest of those that deliver by the promised date (ties: the
earlier delivery, then the code). When none can keep the promise, the fastest one that can
carry the parcel is taken and the choice says the promise is missed (a person decides; the
parcel is not held back by a rule). Working days are Monday to Friday: carriers hand over and
deliver on them (Saturday delivery is not counted on).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())


@dataclass(frozen=True)
class RateBand:
    max_weight_g: int
    cents: int


@dataclass(frozen=True)
class CarrierService:
    code: str                      # stored on the order and the package: "CHRONO_13"
    carrier: str                   # who books it (server/carriers.py): "CHRONOPOST"
    name: str                      # what a person reads: "Chronopost 13h"
    cutoff: time                   # handed over after it: leaves the next working day
    transit_days: int              # working days, hand-over to delivery, same country
    transit_days_abroad: int | None
    max_weight_g: int
    destinations: frozenset[str]   # ISO 3166 alpha-2
    rates: tuple[RateBand, ...]    # ascending; the last band's limit is max_weight_g
    abroad_cents: int = 0

    def price(self, weight_g: int, abroad: bool) -> int | None:
        band = next((band for band in self.rates if weight_g <= band.max_weight_g), None)
        if band is None or weight_g > self.max_weight_g:
            return None
        return band.cents + (self.abroad_cents if abroad else 0)


def _bands(*pairs: tuple[int, int]) -> tuple[RateBand, ...]:
    return tuple(RateBand(weight, cents) for weight, cents in pairs)


# The catalogue a French warehouse works with (prices in euro cents, before VAT: illustrative
# contract rates, not a carrier's public price list).
CATALOGUE: tuple[CarrierService, ...] = (
    CarrierService("COLISSIMO_DOM", "COLISSIMO", "Colissimo Domicile", time(16, 0), 2, 4, 30000, EU,
                   _bands((500, 649), (1000, 799), (2000, 899), (5000, 1399), (10000, 2049), (30000, 2899)),
                   abroad_cents=900),
    CarrierService("CHRONO_13", "CHRONOPOST", "Chronopost 13h", time(18, 0), 1, None, 30000, frozenset({"FR"}),
                   _bands((500, 1590), (1000, 1790), (2000, 2190), (5000, 2690), (10000, 3590), (30000, 4990))),
    CarrierService("DPD_PREDICT", "DPD", "DPD Predict", time(17, 0), 2, 3, 31500,
                   frozenset({"FR", "BE", "DE", "ES", "IT", "LU", "NL", "PT", "AT"}),
                   _bands((1000, 699), (3000, 849), (5000, 1049), (10000, 1449), (31500, 2349)), abroad_cents=500),
    CarrierService("UPS_STANDARD", "UPS", "UPS Standard", time(18, 30), 1, 3, 70000, EU | {"GB", "CH", "NO"},
                   _bands((1000, 1190), (5000, 1590), (10000, 2190), (30000, 3490), (70000, 5990)), abroad_cents=800),
)
BY_CODE = {service.code: service for service in CATALOGUE}
# The service a shop's level stands for until routing chooses one for the parcel: a parcel
# booked with no service chosen goes with it (server/carriers.py ``book``), and the promise
# watcher judges an order not routed yet with it (server/domain/promises.py).
LEVEL_SERVICES = {"standard": "COLISSIMO_DOM", "priority": "UPS_STANDARD", "express": "CHRONO_13"}


def is_working_day(day: date) -> bool:
    return day.weekday() < 5


def add_working_days(day: date, days: int) -> date:
    while days > 0:
        day += timedelta(days=1)
        days -= int(is_working_day(day))
    return day


def next_working_day(day: date) -> date:
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def hand_over_day(service: CarrierService, now_local: datetime) -> date:
    """The day the parcel leaves with the carrier if it is ready now (local warehouse time)."""
    today = now_local.date()
    if is_working_day(today) and now_local.time() < service.cutoff:
        return today
    return next_working_day(today + timedelta(days=1))


def delivery_day(service: CarrierService, now_local: datetime, abroad: bool) -> date | None:
    transit = service.transit_days_abroad if abroad else service.transit_days
    if transit is None:
        return None
    return add_working_days(hand_over_day(service, now_local), transit)


PROMISE_DAYS = {"express": 1, "priority": 2, "standard": 4}


def promised_delivery(ordered_local: datetime, service_level: str, days: dict | None = None) -> date:
    """The delivery date a shop promises for its service level: N working days after the order."""
    wanted = (days or PROMISE_DAYS).get(service_level, PROMISE_DAYS["standard"])
    return add_working_days(ordered_local.date(), wanted)


@dataclass(frozen=True)
class Parcel:
    origin: str          # the warehouse's country
    destination: str     # the customer's country
    weight_g: int

    @property
    def abroad(self) -> bool:
        return self.origin != self.destination


@dataclass(frozen=True)
class ServiceChoice:
    service: CarrierService
    hand_over: date
    delivers_on: date
    cost_cents: int
    meets_promise: bool
    promised_by: date
    # Why each other service was not taken: (code, reason code, params).
    passed_over: tuple[tuple[str, str, dict], ...] = field(default=())

    @property
    def reason(self) -> tuple[str, dict]:
        params = {"service": self.service.name, "cost": self.cost_cents, "delivers": self.delivers_on.isoformat(),
                  "promised": self.promised_by.isoformat()}
        return ("service_cheapest_on_time" if self.meets_promise else "service_fastest_late"), params


class NoServiceFits(Exception):
    """No service carries this parcel there (too heavy for all, or a country none serves)."""

    def __init__(self, parcel: Parcel, passed_over: list[tuple[str, str, dict]]):
        self.parcel, self.passed_over = parcel, passed_over
        why = "; ".join(f"{code}: {reason}" for code, reason, _ in passed_over)
        super().__init__(f"no carrier service takes {parcel.weight_g} g to {parcel.destination} ({why})")


def choose_service(parcel: Parcel, promised_by: date, now_local: datetime,
                   services: tuple[CarrierService, ...] = CATALOGUE) -> ServiceChoice:
    """The cheapest service delivering by ``promised_by``; else the fastest that can carry it."""
    passed_over: list[tuple[str, str, dict]] = []
    options = []
    for service in services:
        why = _cannot_carry(service, parcel)
        if why:
            passed_over.append((service.code, *why))
            continue
        delivers = delivery_day(service, now_local, parcel.abroad)
        options.append((service, delivers, service.price(parcel.weight_g, parcel.abroad)))
    if not options:
        raise NoServiceFits(parcel, passed_over)
    on_time = [option for option in options if option[1] <= promised_by]
    if on_time:
        best = min(on_time, key=lambda o: (o[2], o[1], o[0].code))
    else:
        best = min(options, key=lambda o: (o[1], o[2], o[0].code))
    for service, delivers, cost in options:
        if service is not best[0]:
            reason = "late" if delivers > promised_by else "dearer"
            passed_over.append((service.code, reason, {"delivers": delivers.isoformat(), "cost": cost}))
    service, delivers, cost = best
    return ServiceChoice(service, hand_over_day(service, now_local), delivers, cost, delivers <= promised_by,
                         promised_by, tuple(passed_over))


def _cannot_carry(service: CarrierService, parcel: Parcel) -> tuple[str, dict] | None:
    if parcel.destination not in service.destinations or (parcel.abroad and service.transit_days_abroad is None):
        return "no_destination", {"country": parcel.destination}
    if parcel.weight_g > service.max_weight_g:
        return "too_heavy", {"weight_g": parcel.weight_g, "max_weight_g": service.max_weight_g}
    return None
