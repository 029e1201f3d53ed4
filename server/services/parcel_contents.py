"""Which units went into which parcel (issue 12): the bench shares an order's units out over
its parcels (server/domain/packing.py ``share_out``), shows the packer each parcel's share on
the weigh screen, and records it (``package_contents``) when the order is closed; the order page
and each parcel's packing slip read it back.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select

from server.domain.packing import share_out
from server.models import Package, PackageContent, Product, TaskLine


@dataclass(frozen=True)
class ParcelLine:
    product_id: int
    sku: str
    name: str
    quantity: int


def task_products(session, task_id: int) -> list[tuple[int, str, str, int, int]]:
    """(product id, SKU, name, weight in g, units) of each product of the task, in the order's line order."""
    rows = session.execute(select(Product.id, Product.sku, Product.name, Product.weight_g, TaskLine.quantity)
                           .select_from(TaskLine).join(Product, Product.id == TaskLine.product_id)
                           .where(TaskLine.task_id == task_id).order_by(TaskLine.order_line_id, TaskLine.id)).all()
    merged: dict[int, list] = {}
    for product_id, sku, name, weight, quantity in rows:  # one product on two lines (two bins): one entry
        if product_id in merged:
            merged[product_id][4] += quantity
        else:
            merged[product_id] = [product_id, sku, name, weight, quantity]
    return [tuple(row) for row in merged.values() if row[4] > 0]


def shared_out(session, task_id: int, parcels: int) -> list[list[ParcelLine]]:
    """The task's units over ``parcels`` parcels, each parcel's lines in the order's line order."""
    return share(task_products(session, task_id), parcels)


def share(products: list[tuple[int, str, str, int, int]], parcels: int) -> list[list[ParcelLine]]:
    """``products`` (``task_products``'s rows) over ``parcels`` parcels."""
    units = [(product_id, weight) for product_id, _, _, weight, quantity in products for _ in range(quantity)]
    boxes = share_out(units, parcels)
    return [[ParcelLine(product_id, sku, name, box[product_id])
             for product_id, sku, name, _, _ in products if box.get(product_id)] for box in boxes]


def record(session, packages: list[Package], products: list[tuple[int, str, str, int, int]]) -> list[list[ParcelLine]]:
    """Write each parcel's contents (``packages`` in order: parcel 1 of m first; ``products``:
    ``task_products``'s rows of their task)."""
    parcels = share(products, len(packages))
    rows = [{"package_id": package.id, "product_id": line.product_id, "quantity": line.quantity}
            for package, lines in zip(packages, parcels) for line in lines]
    if rows:  # one INSERT for every parcel's lines (nothing reads their ids back)
        session.execute(insert(PackageContent.__table__), rows)
    return parcels


def of_order(session, order_id: int) -> dict[int, list[ParcelLine]]:
    """Each parcel of the order's recorded contents by package id (none: packed before they were)."""
    rows = session.execute(select(PackageContent.package_id, Product.id, Product.sku, Product.name,
                                  PackageContent.quantity)
                           .join(Package, Package.id == PackageContent.package_id)
                           .join(Product, Product.id == PackageContent.product_id)
                           .where(Package.order_id == order_id).order_by(PackageContent.id)).all()
    contents: dict[int, list[ParcelLine]] = {}
    for package_id, product_id, sku, name, quantity in rows:
        contents.setdefault(package_id, []).append(ParcelLine(product_id, sku, name, quantity))
    return contents
