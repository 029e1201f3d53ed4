"""Will an open order keep its promise, and what would keep it (plain Python, clock passed in).

An order is ready to leave when the floor has done its remaining work: the orders ahead of it
in the queue at ``orders_per_hour``, plus a wave's wait while it is not released. It leaves
with its carrier service's next pickup (the cut-off that day if ready before it, else the next
working day's) and arrives ``transit_days`` working days later (Monday to Friday). It misses
its promise when it would leave after the pickup its ship-by time falls in (a ship-by on a
weekend is the Monday pickup's) or arrive after its deliver-by day.

The policy is an ordered list of actions, the first that keeps the promise is taken:

* ``priority``: its pick task goes to the front, behind the urgent ones and those due no later
  than it (passing an order as due as itself would only make that one late: a full floor is
  not fixed by reshuffling it);
* ``release``: a pick task still waiting for a wave is released now;
* ``upgrade``: the cheapest other service that delivers by the promised day (even if the
  parcel then leaves after its ship-by day: the customer's date is what counts), if its extra
  cost is at most ``max_extra_cents``.

When none keeps it, the decision is ``none``: nothing changes on the floor, the customer is
told the new expected day.

Services are the carrier catalogue's (server/domain/shipping/services.py: cut-offs, transit
days, prices), the one table routing and booking use too: an order routed goes with its
service, one not routed yet with its service level's (``LEVEL_SERVICES``), and an upgrade is
to another service of the catalogue.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from server.domain.shipping import services as catalogue

ACTIONS = ("priority", "release", "upgrade")
URGENT = 0  # a pick task's priority when moved up (lower is more urgent)
HOME = "FR"  # where parcels leave from (the warehouse's country)
TYPICAL_WEIGHT_G = 1000  # a pass prices every order as this; the few at risk are priced again


@dataclass(frozen=True)
class ServiceOption:
    """A catalogue service as the watcher reasons with it: its cut-off that day in UTC, its
    transit and its price for one parcel (server/domain/shipping/services.py is the only table)."""
    code: str            # the catalogue's code: COLISSIMO_DOM, CHRONO_13...
    cutoff: time         # UTC
    transit_days: int    # working days
    cost_cents: int


def utc_cutoff(local: time, on: date, zone: str) -> time:
    return datetime.combine(on, local, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc).time()


def service_options(now: datetime, zone: str, weight_g: int = TYPICAL_WEIGHT_G,
                    country: str | None = None) -> dict[str, ServiceOption]:
    """Every catalogue service that takes this parcel there, as the watcher judges with it."""
    found = {}
    abroad = country is not None and country != HOME
    for service in catalogue.CATALOGUE:
        if country is not None and country not in service.destinations:
            continue
        transit = service.transit_days_abroad if abroad else service.transit_days
        price = service.price(weight_g, abroad)
        if transit is None or price is None:
            continue
        found[service.code] = ServiceOption(service.code, utc_cutoff(service.cutoff, now.date(), zone), transit, price)
    return found


def level_service(level: str) -> str:
    """The catalogue service an order not routed yet goes with (its service level's)."""
    return catalogue.LEVEL_SERVICES.get(level, catalogue.LEVEL_SERVICES["standard"])


@dataclass(frozen=True)
class OpenOrder:
    order_id: int
    service: str              # the catalogue service it goes with (routed, else its level's)
    ship_by: datetime
    deliver_by: date
    priority: int | None      # its pick task's (None: no pick task yet)
    released: bool
    ahead: int                # orders ahead of it in the floor's queue
    # Orders it could not pass when moved up: the urgent ones and those due no later than it
    # (passing them would only make them late instead). None: the pace's urgent_ahead.
    ahead_if_moved: int | None = None
    # The services it may be upgraded to (codes of the pace's services); empty: any of them.
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class FloorPace:
    now: datetime
    orders_per_hour: float = 120.0
    wave_wait: timedelta = timedelta(hours=1)
    urgent_ahead: int = 0     # orders already moved up: a moved-up order goes behind them
    policy: tuple[str, ...] = ACTIONS
    max_extra_cents: int = 500
    services: dict = field(default_factory=dict)  # code → ServiceOption; empty: the catalogue's
    timezone: str = "Europe/Paris"  # the warehouse's: carriers' cut-offs are local times

    def __post_init__(self):
        if not self.services:
            object.__setattr__(self, "services", service_options(self.now, self.timezone))


@dataclass(frozen=True)
class Decision:
    order_id: int
    action: str               # priority, release, upgrade, none
    reason: str
    cost_cents: int
    expected_before: date
    expected_after: date
    service: str | None = None  # upgrade: the catalogue service it goes with now


working_day = catalogue.is_working_day
# The catalogue's working days, remembered: a pass asks about a few days thousands of times.
add_working_days = lru_cache(maxsize=4096)(catalogue.add_working_days)


def leaves_on(ready: datetime, service: ServiceOption) -> date:
    day = ready.date()
    if ready.time() > service.cutoff or not working_day(day):
        day = add_working_days(day, 1)
    return day


def arrives_on(ready: datetime, service: ServiceOption) -> date:
    return add_working_days(leaves_on(ready, service), service.transit_days)


def ready_at(order: OpenOrder, pace: FloorPace, ahead: int, released: bool) -> datetime:
    wait = timedelta(hours=ahead / pace.orders_per_hour) if pace.orders_per_hour > 0 else timedelta(days=365)
    return pace.now + wait + (timedelta(0) if released else pace.wave_wait)


def default_deliver_by(ship_by: datetime, service_level: str) -> date:
    """No promised day: the ship-by day plus the transit of the level's catalogue service."""
    return add_working_days(ship_by.date(), catalogue.BY_CODE[level_service(service_level)].transit_days)


def judge(order: OpenOrder, pace: FloorPace) -> Decision | None:
    """None when the order keeps its promise as it is; else what the policy does about it."""
    service = pace.services.get(order.service) or pace.services[level_service("standard")]
    ready = ready_at(order, pace, order.ahead, order.released)
    expected = arrives_on(ready, service)
    if _keeps(order, ready, service):
        return None
    for action in pace.policy:
        decision = _try(action, order, pace, service, expected)
        if decision is not None:
            return decision
    return Decision(order.order_id, "none", f"no action keeps the promise of {order.deliver_by.isoformat()}",
                    0, expected, expected)


def _keeps(order: OpenOrder, ready: datetime, service: ServiceOption) -> bool:
    # Ship-by is kept by the pickup its time falls in: a ship-by on a Sunday, or after the day's
    # cut-off, is kept by the next working day's pickup (no carrier comes before).
    return leaves_on(ready, service) <= leaves_on(order.ship_by, service) and \
        arrives_on(ready, service) <= order.deliver_by


def _try(action: str, order: OpenOrder, pace: FloorPace, service: ServiceOption, expected: date) -> Decision | None:
    if action == "priority" and order.priority is not None and order.priority > URGENT:
        behind = min(order.ahead, pace.urgent_ahead if order.ahead_if_moved is None else order.ahead_if_moved)
        ready = ready_at(order, pace, behind, order.released)
        if behind < order.ahead and _keeps(order, ready, service):
            return Decision(order.order_id, "priority", f"moved up past {order.ahead - behind} orders due later, "
                            f"it keeps {order.deliver_by.isoformat()}", 0, expected, arrives_on(ready, service))
    if action == "release" and order.priority is not None and not order.released:
        ready = ready_at(order, pace, order.ahead, True)
        if _keeps(order, ready, service):
            return Decision(order.order_id, "release", f"released now it keeps {order.deliver_by.isoformat()}",
                            0, expected, arrives_on(ready, service))
    if action == "upgrade":
        return _upgrade(order, pace, service, expected)
    return None


def _upgrade(order: OpenOrder, pace: FloorPace, service: ServiceOption, expected: date) -> Decision | None:
    ready = ready_at(order, pace, order.ahead, order.released)
    offered = [pace.services[code] for code in order.choices if code in pace.services] if order.choices \
        else list(pace.services.values())
    keeping = [other for other in offered
               if other.code != service.code and other.cost_cents - service.cost_cents <= pace.max_extra_cents
               and arrives_on(ready, other) <= order.deliver_by]
    if not keeping:
        return None
    best = min(keeping, key=lambda other: (other.cost_cents, other.code))
    extra = max(0, best.cost_cents - service.cost_cents)
    return Decision(order.order_id, "upgrade", f"{service.code} → {best.code} delivers by "
                    f"{order.deliver_by.isoformat()} for {extra} cents more", extra, expected,
                    arrives_on(ready, best), best.code)
