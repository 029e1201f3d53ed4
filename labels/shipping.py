"""The 4x6 in shipping label stuck on every outbound parcel.

Layout in 203 dpi dots (812 x 1218), top to bottom: sender and carrier,
recipient, carrier tracking barcode, order/weight/package row, SSCC.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from labels.address import LARGE, SMALL, LabelAddress, draw_address
from labels.gs1 import sscc_hri, validate_sscc
from labels.zpl import DESIGN_DPI, LABEL_WIDTH, ZplLabel, code128_width, validate_code128

__all__ = ["LabelAddress", "ShippingLabelData", "fit_module", "shipping_label"]

MARGIN = 30
CONTENT_WIDTH = LABEL_WIDTH - 2 * MARGIN
SSCC_MODULE = 4  # 0.5 mm bars at 203 dpi, inside GS1's logistic-label range


@dataclass(frozen=True)
class ShippingLabelData:
    """Everything printed on one parcel's label; checked when built."""

    sender: LabelAddress
    recipient: LabelAddress
    carrier: str
    service: str
    tracking_number: str
    sscc: str
    order_ref: str
    weight_g: int
    package_no: int = 1
    package_count: int = 1
    ship_date: date | None = None
    # Digits of the shipper's GS1 company prefix, to group the SSCC's human-readable text.
    company_prefix_length: int | None = None

    def __post_init__(self) -> None:
        for role in ("sender", "recipient"):
            if not isinstance(getattr(self, role), LabelAddress):
                raise ValueError(f"{role} must be a LabelAddress")
        for name in ("carrier", "service", "order_ref"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name).strip():
                raise ValueError(f"{name} must be a non-empty string")
        validate_sscc(self.sscc)
        validate_code128(self.tracking_number)
        _check_positive_int("weight_g", self.weight_g)
        _check_positive_int("package_no", self.package_no)
        _check_positive_int("package_count", self.package_count)
        if self.package_no > self.package_count:
            raise ValueError(
                f"package {self.package_no} of {self.package_count} does not exist"
            )
        if self.ship_date is not None and not isinstance(self.ship_date, date):
            raise ValueError("ship_date must be a date or None")


def _check_positive_int(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive int, got {value!r}")


def fit_module(data: str, max_width: int, preferred: int = 3) -> int:
    """Widest Code 128 module (dots) that keeps ``data`` within ``max_width``.

    Quiet zones of 10 modules each side are counted so scanners can read it.
    """
    for module in range(preferred, 0, -1):
        if code128_width(data, module) + 20 * module <= max_width:
            return module
    raise ValueError(f"barcode data {data!r} is too long to fit on the label")


def format_weight(weight_g: int) -> str:
    """Grams to the kilogram figure carriers expect, e.g. 2350 -> '2.35 kg'."""
    return f"{weight_g / 1000:.2f} kg"


def _draw_header(label: ZplLabel, data: ShippingLabelData) -> None:
    label.text(MARGIN, 15, "EXPEDITEUR / FROM", height=18)
    draw_address(label, MARGIN, 40, data.sender, width=480, style=SMALL)
    label.line(530, 10, 170, vertical=True)
    label.block(545, 30, data.carrier, width=250, lines=2, height=40)
    label.block(545, 120, data.service, width=250, lines=2, height=26)
    label.line(0, 190, LABEL_WIDTH, thickness=3)


def _draw_recipient(label: ZplLabel, recipient: LabelAddress) -> None:
    label.text(MARGIN, 205, "DESTINATAIRE / TO", height=22)
    draw_address(label, MARGIN, 235, recipient, width=CONTENT_WIDTH, style=LARGE)
    label.line(0, 600, LABEL_WIDTH, thickness=3)


def _draw_tracking(label: ZplLabel, tracking_number: str) -> None:
    label.text(MARGIN, 615, "SUIVI / TRACKING", height=20)
    module = fit_module(tracking_number, CONTENT_WIDTH)
    left = MARGIN + (CONTENT_WIDTH - code128_width(tracking_number, module)) // 2
    label.code128(left, 645, tracking_number, height=130, module=module)
    label.line(0, 830, LABEL_WIDTH, thickness=3)


def _draw_parcel_row(label: ZplLabel, data: ShippingLabelData) -> None:
    label.text(MARGIN, 845, f"CMD / ORDER: {data.order_ref}", height=28)
    label.text(MARGIN, 885, f"POIDS / WEIGHT: {format_weight(data.weight_g)}", height=28)
    if data.ship_date is not None:
        label.text(560, 845, data.ship_date.isoformat(), height=28)
    label.text(560, 880, f"{data.package_no}/{data.package_count}", height=40)
    label.line(0, 930, LABEL_WIDTH, thickness=3)


def _draw_sscc(label: ZplLabel, sscc: str, company_prefix_length: int | None = None) -> None:
    label.text(MARGIN, 942, "SSCC", height=20)
    # start C + FNC1 + 10 digit pairs + check = 13 symbols, then the stop.
    left = (LABEL_WIDTH - (13 * 11 + 13) * SSCC_MODULE) // 2
    label.gs1_128(left, 968, f"(00){sscc}", height=190, module=SSCC_MODULE)
    label.block(0, 1170, sscc_hri(sscc, company_prefix_length), width=LABEL_WIDTH, lines=1, height=32,
                align="C")


def shipping_label(data: ShippingLabelData, dpi: int = DESIGN_DPI) -> bytes:
    """Render the shipping label as UTF-8 ZPL bytes for a 203 or 300 dpi printer."""
    if not isinstance(data, ShippingLabelData):
        raise ValueError("shipping_label needs a ShippingLabelData")
    label = ZplLabel(dpi=dpi)
    _draw_header(label, data)
    _draw_recipient(label, data.recipient)
    _draw_tracking(label, data.tracking_number)
    _draw_parcel_row(label, data)
    _draw_sscc(label, data.sscc, data.company_prefix_length)
    return label.to_zpl().encode("utf-8")
