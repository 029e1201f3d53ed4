"""What the pack scenario reads of the floor beyond the task it holds (a ``DbFacts`` mixin).

Each is read only in the moment it is needed (a badge, a tote, the last unit, a weighing):
none is on the path of an ordinary counted unit.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import func, select

from server.domain.packing import PackPolicy, Unit
from server.domain.scanning import CodeKind, ScannedCode
from server.models import Order, Package, Product, Station, Task, TaskLine

DEFAULT_POLICY = PackPolicy()
WAITING = ("open", "assigned")


@dataclass(frozen=True)
class FoundOrder:
    task_id: int
    order: str
    station: str | None  # the station holding it now, if any


def gtin_forms(gtin14: str) -> list[str]:
    """The ways a catalog may store this GTIN-14 (8, 12, 13 or 14 digits, zeros dropped in front)."""
    return [gtin14[-size:] for size in (14, 13, 12, 8) if set(gtin14[:-size]) <= {"0"}]


class PackFacts:
    """Mixed into ``sessions.DbFacts`` (``self.db``, ``self.station``)."""

    def pack_policy(self) -> PackPolicy:
        configured = getattr(getattr(self, "settings", None), "pack_policy", None) or self.db.info.get("pack_policy")
        return configured if isinstance(configured, PackPolicy) else DEFAULT_POLICY

    def now(self) -> float:
        return time.time()

    def station_code(self) -> str:
        return self.station.code

    def operator_for_badge(self, code: ScannedCode) -> dict | None:
        from server.services.badges import user_for_badge  # the badge issuer's lookup, one indexed read

        user = user_for_badge(self.db, code.value)
        if user is None:
            return None
        return {"id": user.id, "name": user.display_name, "username": user.username, "locale": user.locale}

    def find_pack_task(self, code: ScannedCode) -> FoundOrder | None:
        """The pack task (waiting, or at a station) of the tote or order reference scanned."""
        query = (select(Task.id, Task.order_id, Station.code).outerjoin(Station, Station.id == Task.station_id)
                 .where(Task.kind == "pack", Task.status.in_(WAITING), Task.released.is_(True)))
        if code.kind is CodeKind.TOTE:
            query = query.where(Task.tote == code.value)
        else:
            order_id = Order.id_from_reference(code.raw.strip().upper())
            if order_id is None:
                return None
            query = query.where(Task.order_id == order_id)
        row = self.db.execute(query.order_by(Task.id)).first()
        return FoundOrder(row[0], Order.reference_of(row[1]), row[2]) if row else None

    def order_holding(self, code: ScannedCode, task_id: int) -> str | None:
        """Another order waiting to be packed holds this item: which (a unit put in the wrong tote)."""
        if code.kind is not CodeKind.ITEM:
            return None
        order_id = self.db.scalar(
            select(Task.order_id).join(TaskLine, TaskLine.task_id == Task.id)
            .join(Product, Product.id == TaskLine.product_id)
            .where(Task.kind == "pack", Task.status.in_(WAITING), Task.id != task_id,
                   Product.gtin.in_(gtin_forms(code.value)))
            .order_by(Task.id).limit(1))
        return Order.reference_of(order_id) if order_id is not None else None

    def parcel_units(self, task_id: int) -> list[Unit]:
        rows = self.db.execute(select(Product.weight_g, Product.length_mm, Product.width_mm, Product.height_mm,
                                      TaskLine.quantity, Product.id).select_from(TaskLine)
                               .join(Product, Product.id == TaskLine.product_id).where(TaskLine.task_id == task_id))
        return [Unit(weight, (length, width, height) if length else None, product_id)
                for weight, length, width, height, quantity, product_id in rows for _ in range(quantity)]

    def parcel_share(self, task_id: int, parcels: int) -> list:
        """What goes in each of ``parcels`` boxes (server/services/parcel_contents.py)."""
        from server.services.parcel_contents import shared_out

        return shared_out(self.db, task_id, parcels)

    def parcel_weight(self, task_id: int) -> int:
        return int(self.db.scalar(select(func.coalesce(func.sum(Product.weight_g * TaskLine.quantity), 0))
                                  .select_from(TaskLine).join(Product, Product.id == TaskLine.product_id)
                                  .where(TaskLine.task_id == task_id)))

    def last_parcel(self, task_id) -> dict | None:
        """The carrier and tracking number of the parcel this station just shipped."""
        if not isinstance(task_id, int):
            return None
        row = self.db.execute(select(Package.carrier, Package.tracking_number, Package.order_id)
                              .where(Package.task_id == task_id).order_by(Package.id.desc()).limit(1)).first()
        if row is None:
            return None
        return {"carrier": row.carrier, "tracking": row.tracking_number, "order": Order.reference_of(row.order_id)}
