"""ZPL II labels for Colis: shipping, returns, GS1 identifiers, previews.

This package only builds label text; station drivers move the bytes.
"""

from labels.address import LabelAddress
from labels.gs1 import (
    gs1_check_digit,
    is_valid_gtin,
    is_valid_sscc,
    make_gtin13,
    make_sscc,
    sscc_hri,
    validate_sscc,
)
from labels.layout import MEDIA, LabelSize
from labels.packing_slip import PackingSlipData, SlipLine, packing_slip
from labels.preview import barcode_svg
from labels.returns import ReturnLabelData, return_label
from labels.shipping import ShippingLabelData, shipping_label
from labels.text import LabelDataError, printable
from labels.zpl import ZplLabel, escape_field, validate_code128

__all__ = [
    "MEDIA",
    "LabelAddress",
    "LabelDataError",
    "LabelSize",
    "PackingSlipData",
    "ReturnLabelData",
    "SlipLine",
    "ShippingLabelData",
    "ZplLabel",
    "barcode_svg",
    "escape_field",
    "gs1_check_digit",
    "is_valid_gtin",
    "is_valid_sscc",
    "make_gtin13",
    "make_sscc",
    "packing_slip",
    "printable",
    "return_label",
    "shipping_label",
    "sscc_hri",
    "validate_code128",
    "validate_sscc",
]
