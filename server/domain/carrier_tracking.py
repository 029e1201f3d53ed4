"""What carriers say about a parcel, read from their own formats, and what it adds up to.

Two real formats (docs/notifications.md, "Tracking formats"):

* **La Poste Suivi v2** (Colissimo, polled): ``GET /suivi/v2/idships/{idship}`` answers
  ``{"returnCode": 200, "shipment": {"idShip", "product", "isFinal", "event": [{"code",
  "label", "date"}...]}}``, dates ISO 8601 with their offset, events newest first. Codes:
  DR1 declared, PC1/PC2 taken in charge, ET1-ET4 being processed, EP1 waiting to be presented,
  DO1-DO3 customs, PB1/PB2 problem / solved, MD2 out for delivery, ND1 cannot be delivered,
  AG1 waiting at the post office, RE1 returned to sender, DI0/DI1 delivered, DI2 delivered
  back to the sender, DI3 delayed.
* **UPS Track Alert** (pushed to a webhook): one event per POST, ``{"trackingNumber",
  "gmtActivityDate": "YYYYMMDD", "gmtActivityTime": "HHMMSS", "activityStatus": {"type",
  "code", "description", "descriptionCode"}, "activityLocation": {...},
  "scheduledDeliveryDate", "actualDeliveryDate", ...}``; status types M/MV manifest,
  I in progress, U update, X exception, D delivery information, RS returned to shipper.
* **DPD Tracking Push** (DPD Web Connect, pushed to a URL given to DPD): one status per call,
  as query/form parameters ``pushid, pnr`` (the 14-digit parcel number), ``depot, status,
  statusdate`` (``ddMMyyyyHHmmss``, the depot's local time: Europe/Berlin for DPD Germany's
  service), ``ref, weight, receiver, pod, scaninfo, services``; answered with
  ``<push><pushid>…</pushid><status>OK</status></push>``. Statuses: start_order (order data
  received), pickup_driver, pickup_depot, delivery_depot, delivery_carload (out for delivery),
  delivery_nab (not at home), delivery_notification (a delivery obstacle, e.g. the address),
  delivery_customer (delivered), delivery_shop (left at a DPD Pickup shop), error_pickup,
  error_return (system return to the sender).

Carriers send at least once and in any order: ``fold`` sorts by the time the carrier gives,
so the parcel's state is the same whatever order the events came in.
Plain Python: no Flask, no database.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

INFO, IN_TRANSIT, OUT_FOR_DELIVERY = "info", "in_transit", "out_for_delivery"
DELIVERED, DELIVERY_FAILED, RETURNED = "delivered", "delivery_failed", "returned_to_sender"
STATUSES = (INFO, IN_TRANSIT, OUT_FOR_DELIVERY, DELIVERY_FAILED, DELIVERED, RETURNED)
# Two events at the same second: the later step of the journey wins.
_STEP = {status: rank for rank, status in enumerate(STATUSES)}

LAPOSTE_CODES = {
    "DR1": INFO, "DR2": INFO, "ID0": INFO,
    "PC1": IN_TRANSIT, "PC2": IN_TRANSIT, "ET1": IN_TRANSIT, "ET2": IN_TRANSIT, "ET3": IN_TRANSIT,
    "ET4": IN_TRANSIT, "EP1": IN_TRANSIT, "DO1": IN_TRANSIT, "DO2": IN_TRANSIT, "PB2": IN_TRANSIT,
    "DO3": DELIVERY_FAILED, "PB1": DELIVERY_FAILED, "ND1": DELIVERY_FAILED, "AG1": DELIVERY_FAILED,
    "DI3": DELIVERY_FAILED,
    "MD2": OUT_FOR_DELIVERY,
    "DI0": DELIVERED, "DI1": DELIVERED,
    "RE1": RETURNED, "DI2": RETURNED,
}
DPD_STATUSES = {
    "start_order": INFO, "error_pickup": INFO,
    "pickup_driver": IN_TRANSIT, "pickup_depot": IN_TRANSIT, "delivery_depot": IN_TRANSIT,
    "delivery_carload": OUT_FOR_DELIVERY,
    # Not at home, an address to clarify, or left at a Pickup shop for the customer to fetch:
    # not delivered to them (as La Poste's ND1 and AG1).
    "delivery_nab": DELIVERY_FAILED, "delivery_notification": DELIVERY_FAILED, "delivery_shop": DELIVERY_FAILED,
    "delivery_customer": DELIVERED,
    "error_return": RETURNED,
}
DPD_TIMEZONE = "Europe/Berlin"
UPS_OUT_FOR_DELIVERY = frozenset({"OT", "OF"})  # "Out for Delivery" (descriptionCode 021)


class TrackingFormatError(ValueError):
    """A carrier message that does not have the shape its format documents."""


@dataclass(frozen=True)
class CarrierEvent:
    tracking_number: str
    code: str                 # the carrier's own code (UPS: "type:code", e.g. "D:FS")
    status: str               # one of STATUSES
    occurred_at: datetime     # aware UTC
    label: str = ""
    location: str = ""
    expected_on: date | None = None


@dataclass(frozen=True)
class ParcelState:
    status: str | None              # the latest step in time (info events do not count); None: nothing yet
    status_at: datetime | None
    delivered_at: datetime | None   # the first delivery in time


def parse_laposte(body: object) -> list[CarrierEvent]:
    """Events of a La Poste Suivi v2 answer (one shipment)."""
    if not isinstance(body, dict) or not isinstance(body.get("shipment"), dict):
        message = body.get("returnMessage") if isinstance(body, dict) else None
        raise TrackingFormatError(f"no shipment in the answer{': ' + str(message) if message else ''}")
    shipment = body["shipment"]
    number = _text(shipment.get("idShip"), "shipment.idShip")
    events = shipment.get("event")
    if not isinstance(events, list):
        raise TrackingFormatError("shipment.event is not a list")
    return [_laposte_event(number, event, index) for index, event in enumerate(events)]


def _laposte_event(number: str, event: object, index: int) -> CarrierEvent:
    where = f"shipment.event[{index}]"
    if not isinstance(event, dict):
        raise TrackingFormatError(f"{where} is not an object")
    code = _text(event.get("code"), f"{where}.code").upper()[:24]
    when = _text(event.get("date"), f"{where}.date")
    try:
        occurred = datetime.fromisoformat(when)
    except ValueError:
        raise TrackingFormatError(f"{where}.date {when!r} is not an ISO 8601 date") from None
    if occurred.tzinfo is None:
        raise TrackingFormatError(f"{where}.date {when!r} has no UTC offset")
    return CarrierEvent(number, code, LAPOSTE_CODES.get(code, INFO), occurred.astimezone(timezone.utc),
                        str(event.get("label") or "")[:200])


def parse_ups_alert(body: object) -> CarrierEvent:
    """The one event of a UPS Track Alert webhook call."""
    if not isinstance(body, dict):
        raise TrackingFormatError("the body is not a JSON object")
    number = _text(body.get("trackingNumber"), "trackingNumber").strip().upper()
    status = body.get("activityStatus")
    if not isinstance(status, dict):
        raise TrackingFormatError("activityStatus is missing")
    kind = _text(status.get("type"), "activityStatus.type").upper()
    code = str(status.get("code") or "").upper()
    occurred = _ups_time(body.get("gmtActivityDate"), body.get("gmtActivityTime"))
    place = body.get("activityLocation") if isinstance(body.get("activityLocation"), dict) else {}
    location = ", ".join(str(place.get(key)) for key in ("city", "country") if place.get(key))
    return CarrierEvent(number, f"{kind}:{code}"[:24], _ups_status(kind, code, str(status.get("descriptionCode") or "")),
                        occurred, str(status.get("description") or "")[:200], location[:100],
                        _ups_date(body.get("scheduledDeliveryDate")))


def parse_dpd_push(params: dict) -> CarrierEvent:
    """The one status of a DPD Tracking Push call (its query or form parameters)."""
    if not hasattr(params, "get"):
        raise TrackingFormatError("no parameters")
    number = _text(params.get("pnr"), "pnr").replace(" ", "")
    if not number.isdigit() or len(number) != 14:
        raise TrackingFormatError(f"pnr {number!r} is not a 14-digit DPD parcel number")
    status = _text(params.get("status"), "status").lower()
    if status not in DPD_STATUSES:
        raise TrackingFormatError(f"status {status!r} is not a DPD push status")
    when = _text(params.get("statusdate"), "statusdate")
    try:
        local = datetime.strptime(when, "%d%m%Y%H%M%S").replace(tzinfo=ZoneInfo(DPD_TIMEZONE))
    except ValueError:
        raise TrackingFormatError(f"statusdate {when!r} is not ddMMyyyyHHmmss") from None
    depot = str(params.get("depot") or "")
    return CarrierEvent(number, status, DPD_STATUSES[status], local.astimezone(timezone.utc),
                        str(params.get("scaninfo") or "")[:200], f"DPD {depot}"[:100] if depot else "")


def _ups_status(kind: str, code: str, description_code: str) -> str:
    if kind == "RS":
        return RETURNED
    if code in UPS_OUT_FOR_DELIVERY or description_code == "021":
        return OUT_FOR_DELIVERY
    if kind == "D":
        return DELIVERED
    if kind == "X":
        return DELIVERY_FAILED
    return INFO if kind in ("M", "MV") else IN_TRANSIT


def _ups_time(day: object, clock: object) -> datetime:
    try:
        return datetime.strptime(f"{day}{clock}", "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        raise TrackingFormatError(f"gmtActivityDate/Time {day!r} {clock!r} are not YYYYMMDD and HHMMSS") from None


def _ups_date(day: object) -> date | None:
    if not day:
        return None
    try:
        return datetime.strptime(str(day), "%Y%m%d").date()
    except ValueError:
        raise TrackingFormatError(f"scheduledDeliveryDate {day!r} is not YYYYMMDD") from None


def _text(value: object, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TrackingFormatError(f"{where} is missing")
    return value.strip()


def fold(events: Iterable[tuple[str, datetime]]) -> ParcelState:
    """The parcel's state from its (status, occurred_at) events, in time order whatever the
    order they are given in."""
    ordered = sorted(events, key=lambda event: (event[1], _STEP.get(event[0], 0)))
    steps = [event for event in ordered if event[0] != INFO]
    delivered = next((at for status, at in ordered if status == DELIVERED), None)
    if not steps:
        return ParcelState(None, None, delivered)
    return ParcelState(steps[-1][0], steps[-1][1], delivered)
