"""Orders as a customer sees them (issue 11 tests): shipped parcels, carrier messages in the
carriers' own formats (La Poste Suivi v2, UPS Track Alert, DPD Tracking Push)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from server.domain.shipping.tracking import make_dpd
from server.domain.statuses import OrderStatus, PackageStatus
from server.models import Package
from server.models._types import utcnow
from tests.factories import add_item, add_order

WALK = (OrderStatus.ALLOCATED, OrderStatus.PICKING, OrderStatus.PICKED, OrderStatus.PACKING, OrderStatus.PACKED)


def shipped_order(uow, parcels: int = 1, carrier: str = "DEMO", locale: str = "fr", email: str | None = None,
                  name: str = "Élodie Dupré"):
    """An order walked to shipped, with ``parcels`` labelled parcels; returns (order, packages)."""
    item = add_item(uow, "Lampe de bureau")
    order = add_order(uow, [(item, 1)], name=name)
    order.customer.locale = locale
    if email:
        order.customer.email = email
    for status in WALK:
        order.status = status
    packages = []
    for n in range(parcels):
        package = Package(order_id=order.id, carrier=carrier, service="STANDARD", weight_g=500)
        uow.session.add(package)
        uow.session.flush()
        package.tracking_number = {"UPS": f"1Z999AA1{package.id:010d}", "DPD": make_dpd("0250", package.id)}.get(
            carrier, f"6A{package.id:011d}")
        package.status, package.shipped_at = PackageStatus.SHIPPED, utcnow()
        packages.append(package)
    order.status = OrderStatus.SHIPPED
    uow.session.flush()
    return order, packages


def laposte_answer(number: str, events: list[tuple[str, datetime]]) -> dict:
    """A La Poste Suivi v2 answer for one shipment; events are given oldest first, sent newest first."""
    paris = timezone(timedelta(hours=1))
    return {"lang": "fr_FR", "scope": "open", "returnCode": 200,
            "shipment": {"idShip": number, "holder": 4, "product": "colissimo", "isFinal": any(
                code in ("DI1", "DI2") for code, _ in events),
                "url": f"https://www.laposte.fr/outils/suivre-vos-envois?code={number}",
                "event": [{"code": code, "label": f"libellé {code}", "date": at.astimezone(paris).isoformat()}
                          for code, at in reversed(events)]}}


DPD_PUSH_TIME = ZoneInfo("Europe/Berlin")  # the depot's local time


def dpd_push(number: str, status: str, at: datetime, push_id: str = "", depot: str = "0250") -> dict:
    """The parameters of one DPD Tracking Push call, as DPD sends them (statusdate ddMMyyyyHHmmss,
    local time)."""
    return {"pushid": push_id or f"{number}-{status}", "ref": "", "pnr": number, "depot": depot, "status": status,
            "statusdate": at.astimezone(DPD_PUSH_TIME).strftime("%d%m%Y%H%M%S"), "weight": "0.5",
            "receiver": "", "pod": "", "scaninfo": f"scan {status}", "services": ""}


def ups_alert(number: str, kind: str, code: str, at: datetime, description: str = "",
              description_code: str = "") -> dict:
    """One UPS Track Alert webhook body (the documented example's fields)."""
    delivered = kind == "D" and code not in ("OT",)
    return {"trackingNumber": number, "localActivityDate": at.strftime("%Y%m%d"),
            "localActivityTime": at.strftime("%H%M%S"),
            "activityLocation": {"city": "Lyon", "stateProvince": "", "postalCode": "", "country": "FR"},
            "activityStatus": {"type": kind, "code": code, "description": description or code,
                               "descriptionCode": description_code},
            "scheduledDeliveryDate": "" if delivered else at.strftime("%Y%m%d"),
            "actualDeliveryDate": at.strftime("%Y%m%d") if delivered else "",
            "actualDeliveryTime": at.strftime("%H%M%S") if delivered else "",
            "gmtActivityDate": at.strftime("%Y%m%d"), "gmtActivityTime": at.strftime("%H%M%S"),
            "deliveryStartTime": "", "deliveryEndTime": "", "deliveryTimeDescription": "", "deliveryPhoto": ""}
