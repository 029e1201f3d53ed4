"""Tracking numbers as the carriers write them, check digit included.

UPU S10 (postal items: Colissimo abroad, Chronopost/EMS): 2 letters of service indicator,
8 serial digits, 1 check digit, the issuing country's ISO code (``CP123456785FR``). The check
digit weighs the serial 8 6 4 2 3 5 9 7, C = 11 - (S mod 11), 10 → 0, 11 → 5 (UPU S10 standard).

UPS ``1Z``: ``1Z`` + shipper account (6) + service code (2) + package number (7) + a mod-10
check digit over those 15 characters: digits as they are, a letter as (ASCII - 63) mod 10,
every second character (2nd, 4th…) doubled, check = (10 - sum mod 10) mod 10.

DPD: the parcel number is 14 digits, a 4-digit depot and a 10-digit serial (``02501234567890``);
the label prints it followed by a check character, ISO/IEC 7064 MOD 37,36 (DPD Parcel Label
Specification: the same check closes the 27-character label barcode, postal code + parcel
number + service + country). Tracking APIs and the push carry the 14 digits without it.
"""
from __future__ import annotations

import re

S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
S10_PATTERN = re.compile(r"^([A-Z]{2})(\d{8})(\d)([A-Z]{2})$")
UPS_PATTERN = re.compile(r"^1Z([A-Z0-9]{15})([0-9])$")
DPD_PATTERN = re.compile(r"^(\d{14})([0-9A-Z])?$")
MOD37_36 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


class BadTrackingNumber(ValueError):
    """A tracking number that cannot be made (a part of the wrong shape)."""


def s10_check_digit(serial: str) -> int:
    if not re.fullmatch(r"\d{8}", serial):
        raise BadTrackingNumber(f"an S10 serial is 8 digits, got {serial!r}")
    remainder = 11 - sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS)) % 11
    return {10: 0, 11: 5}.get(remainder, remainder)


def make_s10(service_indicator: str, serial: int, country: str) -> str:
    """``make_s10("CP", 12345678, "FR")`` → ``CP123456785FR``. The serial wraps at 10⁸ (S10
    asks for no reuse within 12 months; a package id is far from that many a year)."""
    if not re.fullmatch(r"[A-Z]{2}", service_indicator) or not re.fullmatch(r"[A-Z]{2}", country):
        raise BadTrackingNumber(f"service indicator and country are two capital letters: "
                                f"{service_indicator!r}, {country!r}")
    digits = f"{serial % 10**8:08d}"
    return f"{service_indicator}{digits}{s10_check_digit(digits)}{country}"


def is_valid_s10(number: str) -> bool:
    found = S10_PATTERN.match(_compact(number))
    return bool(found) and s10_check_digit(found.group(2)) == int(found.group(3))


def _ups_value(char: str) -> int:
    return int(char) if char.isdigit() else (ord(char) - 63) % 10


def ups_check_digit(body: str) -> int:
    """The check digit of the 15 characters after ``1Z``."""
    if not re.fullmatch(r"[A-Z0-9]{15}", body):
        raise BadTrackingNumber(f"a 1Z number has 15 letters or digits before its check digit, got {body!r}")
    total = sum(_ups_value(char) * (2 if position % 2 else 1) for position, char in enumerate(body))
    return (10 - total % 10) % 10


def make_ups(shipper_account: str, service_code: str, package_number: int) -> str:
    """``1Z`` + account (6) + service (2) + package number (7 digits, wrapping) + check digit."""
    if not re.fullmatch(r"[A-Z0-9]{6}", shipper_account) or not re.fullmatch(r"[A-Z0-9]{2}", service_code):
        raise BadTrackingNumber(f"UPS account is 6 and service 2 letters or digits: {shipper_account!r}, "
                                f"{service_code!r}")
    body = f"{shipper_account}{service_code}{package_number % 10**7:07d}"
    return f"1Z{body}{ups_check_digit(body)}"


def is_valid_ups(number: str) -> bool:
    found = UPS_PATTERN.match(_compact(number))
    return bool(found) and ups_check_digit(found.group(1)) == int(found.group(2))


def iso7064_mod37_36(data: str) -> str:
    """The ISO/IEC 7064 MOD 37,36 check character of digits and capital letters (the hybrid
    system: P starts at 36; for each character S = (P + value) mod 36, 0 read as 36, P = 2S
    mod 37; the check C makes (P + C) mod 36 = 1)."""
    if not data or any(char not in MOD37_36 for char in data):
        raise BadTrackingNumber(f"MOD 37,36 checks digits and capital letters, got {data!r}")
    product = 36
    for char in data:
        total = (product + MOD37_36.index(char)) % 36 or 36
        product = total * 2 % 37
    return MOD37_36[(37 - product) % 36]


def make_dpd(depot: str, serial: int) -> str:
    """``make_dpd("0250", 42)`` → ``02500000000042``: the depot and a 10-digit serial (wrapping)."""
    if not re.fullmatch(r"\d{4}", depot):
        raise BadTrackingNumber(f"a DPD depot is 4 digits, got {depot!r}")
    return f"{depot}{serial % 10**10:010d}"


def dpd_label_number(number: str) -> str:
    """The parcel number as the label prints it: the 14 digits and their check character."""
    return f"{number}{iso7064_mod37_36(number)}"


def is_valid_dpd(number: str) -> bool:
    """14 digits, with or without the label's check character (which must then be right)."""
    found = DPD_PATTERN.match(_compact(number))
    return bool(found) and (found.group(2) is None or iso7064_mod37_36(found.group(1)) == found.group(2))


def is_valid_dpd_barcode(text: str) -> bool:
    """The label's 27 characters (postal code 7, parcel number 14, service 3, country 3) and
    the check character printed after them."""
    compact = _compact(text)
    return bool(re.fullmatch(r"[0-9A-Z]{7}[0-9A-Z]{2}\d{12}\d{3}\d{3}[0-9A-Z]", compact)) and \
        iso7064_mod37_36(compact[:-1]) == compact[-1]


def _compact(number: str) -> str:
    # As printed or read aloud: "1Z 999 AA1 01 2345 678 4" is the same number.
    return re.sub(r"\s+", "", number or "").upper()
