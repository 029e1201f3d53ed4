"""The 4x6 in return label: the returns desk scans the big RMA barcode first."""

from __future__ import annotations

from dataclasses import dataclass

from labels.address import MEDIUM, SMALL, LabelAddress, draw_address
from labels.shipping import CONTENT_WIDTH, MARGIN, fit_module
from labels.zpl import DESIGN_DPI, LABEL_WIDTH, ZplLabel, code128_width, validate_code128

__all__ = ["ReturnLabelData", "return_label"]


@dataclass(frozen=True)
class ReturnLabelData:
    """A customer return authorised under ``rma``; carrier data is optional."""

    rma: str
    order_ref: str
    customer: LabelAddress
    return_to: LabelAddress
    carrier: str = ""
    tracking_number: str = ""

    def __post_init__(self) -> None:
        validate_code128(self.rma)
        for role in ("customer", "return_to"):
            if not isinstance(getattr(self, role), LabelAddress):
                raise ValueError(f"{role} must be a LabelAddress")
        if not isinstance(self.order_ref, str) or not self.order_ref.strip():
            raise ValueError("order_ref must be a non-empty string")
        if not isinstance(self.carrier, str):
            raise ValueError("carrier must be a string")
        if self.tracking_number != "":
            validate_code128(self.tracking_number)


def _centred_code128(label: ZplLabel, y: int, data: str, height: int,
                     preferred: int) -> None:
    module = fit_module(data, CONTENT_WIDTH, preferred=preferred)
    left = MARGIN + (CONTENT_WIDTH - code128_width(data, module)) // 2
    label.code128(left, y, data, height=height, module=module)


def _draw_rma(label: ZplLabel, data: ReturnLabelData) -> None:
    # White on black so the desk spots a return in a pile of outbound parcels.
    label.box(0, 0, LABEL_WIDTH, 100, thickness=100)
    label.text(MARGIN, 22, "RETOUR / RETURN", height=64, reverse=True)
    label.text(MARGIN, 120, "RMA", height=24)
    _centred_code128(label, 150, data.rma, height=220, preferred=4)
    label.text(MARGIN, 420, f"CMD / ORDER: {data.order_ref}", height=28)
    label.line(0, 460, LABEL_WIDTH, thickness=3)


def _draw_addresses(label: ZplLabel, data: ReturnLabelData) -> None:
    label.text(MARGIN, 475, "DE / FROM", height=20)
    draw_address(label, MARGIN, 500, data.customer, width=CONTENT_WIDTH, style=SMALL)
    label.line(0, 650, LABEL_WIDTH, thickness=3)
    label.text(MARGIN, 665, "A / TO", height=22)
    draw_address(label, MARGIN, 695, data.return_to, width=CONTENT_WIDTH, style=MEDIUM)


def _draw_carrier(label: ZplLabel, data: ReturnLabelData) -> None:
    if not (data.carrier.strip() or data.tracking_number):
        return
    label.line(0, 1000, LABEL_WIDTH, thickness=3)
    label.text(MARGIN, 1012, data.carrier or "SUIVI / TRACKING", height=26)
    if data.tracking_number:
        _centred_code128(label, 1045, data.tracking_number, height=120, preferred=3)


def return_label(data: ReturnLabelData, dpi: int = DESIGN_DPI) -> bytes:
    """Render the return label as UTF-8 ZPL bytes for a 203 or 300 dpi printer."""
    if not isinstance(data, ReturnLabelData):
        raise ValueError("return_label needs a ReturnLabelData")
    label = ZplLabel(dpi=dpi)
    _draw_rma(label, data)
    _draw_addresses(label, data)
    _draw_carrier(label, data)
    return label.to_zpl().encode("utf-8")
