"""``labels-preview``: write a sample label's ZPL to a file.

For checking layout changes on a real printer or in an online ZPL viewer;
printing itself is the station drivers' job, not this package's.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from labels.address import LabelAddress
from labels.gs1 import make_sscc
from labels.returns import ReturnLabelData, return_label
from labels.shipping import ShippingLabelData, shipping_label
from labels.layout import MEDIA
from labels.zpl import SUPPORTED_DPI

__all__ = ["main", "sample_return_data", "sample_shipping_data"]

WAREHOUSE = LabelAddress(
    name="Colis - Entrepot Lyon Sud",
    line1="ZI des Platanes, quai 4",
    line2="",
    postal_code="69200",
    city="Vénissieux",
    country="France",
    phone="+33 4 72 00 00 00",
)
CUSTOMER = LabelAddress(
    name="Élodie Dupré",
    line1="Résidence les Jardins de l'Abbaye, bâtiment C, 12 rue de l'Église",
    line2="Escalier 2, 3e étage, porte gauche",
    postal_code="42000",
    city="Saint-Étienne",
    country="France",
    phone="+33 6 12 34 56 78",
)


def sample_shipping_data() -> ShippingLabelData:
    """A realistic parcel for previews: accents, long street, real SSCC."""
    return ShippingLabelData(
        sender=WAREHOUSE,
        recipient=CUSTOMER,
        carrier="Colissimo",
        service="Domicile sans signature",
        tracking_number="6A12345678901",
        sscc=make_sscc(3, "7612345", 1),
        order_ref="CMD-2024-004217",
        weight_g=2350,
        ship_date=date(2024, 11, 5),
    )


def sample_return_data() -> ReturnLabelData:
    """A customer return coming back to the warehouse."""
    return ReturnLabelData(
        rma="RMA-2024-000123",
        order_ref="CMD-2024-004217",
        customer=CUSTOMER,
        return_to=WAREHOUSE,
        carrier="Colissimo Retour",
        tracking_number="8R00000000123",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labels-preview", description="Write a sample label as ZPL to a file."
    )
    parser.add_argument("kind", choices=("shipping", "return"))
    parser.add_argument("output", type=Path, help="where to write the .zpl file")
    parser.add_argument("--dpi", type=int, choices=SUPPORTED_DPI, default=203)
    parser.add_argument("--size", choices=sorted(MEDIA), default=None,
                        help="media: 4x6 (default for shipping), 100x150, 4x4 (default for returns)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``labels-preview`` console script."""
    args = _parser().parse_args(argv)
    if args.kind == "shipping":
        zpl = shipping_label(sample_shipping_data(), dpi=args.dpi, size=args.size or "4x6")
    else:
        zpl = return_label(sample_return_data(), dpi=args.dpi, size=args.size or "4x4")
    args.output.write_bytes(zpl)
    print(f"wrote {args.kind} label ({args.dpi} dpi, {len(zpl)} bytes) to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
