from __future__ import annotations

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from labels.gs1 import is_valid_gtin
from server.db import Base


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    gtin: Mapped[str] = mapped_column(String(14), unique=True)  # validated check digit
    name: Mapped[str] = mapped_column(String(200))
    weight_g: Mapped[int] = mapped_column(Integer)
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    # Outer size of one unit as shipped, in mm (None: not measured): the packing bench proposes
    # the smallest box it fits in (server/domain/packing.py), by weight alone without it.
    length_mm: Mapped[int | None] = mapped_column(Integer)
    width_mm: Mapped[int | None] = mapped_column(Integer)
    height_mm: Mapped[int | None] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint("weight_g >= 0", name="weight"),
        CheckConstraint("price_cents >= 0", name="price"),
        # All three or none (IS NOT NULL spelled out: a CHECK passes when it comes out NULL).
        CheckConstraint("(length_mm IS NULL AND width_mm IS NULL AND height_mm IS NULL) OR "
                        "(length_mm IS NOT NULL AND width_mm IS NOT NULL AND height_mm IS NOT NULL "
                        "AND length_mm > 0 AND width_mm > 0 AND height_mm > 0)", name="size"),
    )

    @validates("gtin")
    def _check_gtin(self, _key: str, gtin: str) -> str:
        # A product whose barcode can never verify would block every order that holds it.
        if not is_valid_gtin(gtin):
            raise ValueError(f"GTIN {gtin!r} is not 8, 12, 13 or 14 digits with a valid check digit")
        return gtin


class Bin(Base):
    """A storage location, addressed zone-aisle-bay-level (e.g. ``A-03-12-2``)."""

    __tablename__ = "bins"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    zone: Mapped[str] = mapped_column(String(8))
    aisle: Mapped[int] = mapped_column(Integer)
    bay: Mapped[int] = mapped_column(Integer)
    level: Mapped[int] = mapped_column(Integer)
    # Codes stay unique across warehouses (the scan of a bin label names one place).
    warehouse_id: Mapped[int] = mapped_column(ForeignKey("warehouses.id"), default=1, server_default="1",
                                              index=True)


class Stock(Base):
    """Quantity of one product in one bin. ``reserved`` is promised to allocated orders."""

    __tablename__ = "stock"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    bin_id: Mapped[int] = mapped_column(ForeignKey("bins.id"))
    on_hand: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)

    product: Mapped[Product] = relationship()
    bin: Mapped[Bin] = relationship()

    __table_args__ = (
        UniqueConstraint("product_id", "bin_id", name="uq_stock_product_bin"),
        # The database itself refuses negative or over-reserved stock.
        CheckConstraint("on_hand >= 0", name="on_hand"),
        CheckConstraint("reserved >= 0 AND reserved <= on_hand", name="reserved"),
    )
