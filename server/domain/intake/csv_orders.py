"""A marketplace's CSV export, one row per order line, read into ChannelOrders.

UTF-8 (with or without BOM) or Windows-1252 (French Excel), comma or semicolon, decimal
point or comma. Row numbers are the file's line numbers (the header is row 1). A bad row is
reported with its number and reason and keeps its whole order out (a parcel with a line
missing is worse than none): the order's other rows are reported as such. Every other
order is read.
"""
from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

from server.domain.intake.model import (ChannelAddress, ChannelCustomer, ChannelLine, ChannelOrder,
                                        PayloadError, parse_timestamp)

# When the file gives no order date, every import of it carries the same version: importing
# the same file again is "unchanged", and a corrected file (same date) is applied over it.
NO_DATE = datetime(2000, 1, 1, tzinfo=timezone.utc)

COLUMNS = {
    "order_id": ("order_id", "order", "order_number", "commande", "numero_commande", "external_id"),
    "email": ("email", "e-mail", "courriel", "customer_email"),
    "name": ("name", "nom", "customer", "client", "customer_name", "ship_name"),
    "phone": ("phone", "telephone", "tel"),
    "line1": ("address1", "address", "adresse", "line1", "address_1", "adresse1"),
    "line2": ("address2", "line2", "address_2", "complement", "adresse2"),
    "postal_code": ("postal_code", "zip", "postcode", "code_postal", "cp"),
    "city": ("city", "ville"),
    "country": ("country", "pays", "country_code"),
    "sku": ("sku", "ref", "reference", "product_sku", "ean", "gtin", "barcode"),
    "quantity": ("quantity", "qty", "quantite", "qte"),
    "unit_price": ("unit_price", "price", "prix", "prix_unitaire"),
    "currency": ("currency", "devise"),
    "service_level": ("service_level", "service", "shipping_service"),
    "order_date": ("order_date", "date", "date_commande", "updated_at"),
    # the order's, read from its first row (issue 8: refunds prorate the one, refund the other)
    "discount": ("discount", "order_discount", "remise", "discount_total"),
    "shipping": ("shipping", "shipping_cost", "shipping_total", "frais_de_port", "port"),
}
REQUIRED = ("order_id", "name", "line1", "postal_code", "city", "country", "sku", "quantity")
SERVICE_LEVELS = ("standard", "priority", "express")


@dataclass(frozen=True)
class RowError:
    row: int
    reason: str


@dataclass
class CsvOrder:
    order: ChannelOrder
    rows: list[int]


@dataclass
class CsvReading:
    orders: list[CsvOrder] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","


class CsvFormatError(ValueError):
    """The file as a whole cannot be read (no header, a required column missing)."""


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 if it is (BOM or not), else Windows-1252: what French Excel writes."""
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "windows-1252"


def _key(header: str) -> str:
    folded = unicodedata.normalize("NFKD", header).encode("ascii", "ignore").decode().strip().lower()
    return folded.replace(" ", "_")


def read_csv(data: bytes) -> CsvReading:
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise CsvFormatError("the file is empty") from None
    except csv.Error as exc:
        raise CsvFormatError(f"row 1: {exc}") from None
    columns = _columns(header)
    reading = CsvReading(encoding=encoding, delimiter=delimiter)
    groups: dict[str, list[tuple[int, dict]]] = {}
    bad_orders: dict[str, int] = {}
    order_of_first_seen: list[str] = []
    previous = reader.line_num
    for raw in _rows(reader):
        row_number, previous = previous + 1, reader.line_num  # where the row starts (quoted cells span lines)
        if not any(cell.strip() for cell in raw):
            continue
        values = {name: (raw[index].strip() if index < len(raw) else "") for name, index in columns.items()}
        order_id = values["order_id"]
        if not order_id:
            reading.errors.append(RowError(row_number, "no order id"))
            continue
        if order_id not in groups:
            groups[order_id] = []
            order_of_first_seen.append(order_id)
        problem = _row_problem(values, len(raw), len(header))
        if problem:
            reading.errors.append(RowError(row_number, problem))
            bad_orders.setdefault(order_id, row_number)
        groups[order_id].append((row_number, values))
    for order_id in order_of_first_seen:
        rows = groups[order_id]
        if order_id in bad_orders:
            for row_number, _values in rows:
                if not any(e.row == row_number for e in reading.errors):
                    reading.errors.append(RowError(row_number, f"not imported: row {bad_orders[order_id]} "
                                                               f"of the same order {order_id!r} is bad"))
            continue
        try:
            reading.orders.append(CsvOrder(_order(order_id, rows), [n for n, _ in rows]))
        except PayloadError as exc:
            for row_number, _values in rows:
                reading.errors.append(RowError(row_number, str(exc)))
    reading.errors.sort(key=lambda e: e.row)
    return reading


def _rows(reader):
    """The reader's rows; a row the csv module cannot split at all refuses the file, naming it."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise CsvFormatError(f"row {reader.line_num}: {exc}") from None


def _columns(header: list[str]) -> dict[str, int]:
    keys = [_key(h) for h in header]
    found = {}
    for name, aliases in COLUMNS.items():
        for index, key in enumerate(keys):
            if key in aliases:
                found[name] = index
                break
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        raise CsvFormatError(f"row 1: missing column(s) {', '.join(missing)} "
                             f"(header read: {', '.join(h.strip() for h in header)})")
    return found


def _row_problem(values: dict, cells: int, expected: int) -> str:
    if cells > expected:
        return f"{cells} cells where the header has {expected} (a separator inside a value?)"
    for name in REQUIRED:
        if not values.get(name):
            return f"{name} is empty"
    if any(ord(c) < 32 for value in values.values() for c in value):
        return "control characters in a value"
    quantity = values["quantity"]
    if not quantity.isdigit() or not 1 <= int(quantity) <= 10_000:
        return f"quantity {quantity!r} is not a whole number from 1 to 10000"
    for name, words in (("unit_price", "unit price"), ("discount", "discount"), ("shipping", "shipping")):
        if values.get(name):
            try:
                _cents(values[name], words)
            except ValueError as exc:
                return str(exc)
    country = values["country"].upper()
    if not (len(country) == 2 and country.isascii() and country.isalpha()):
        return f"country {values['country']!r} is not an ISO 3166 two-letter code"
    level = values.get("service_level", "").lower()
    if level and level not in SERVICE_LEVELS:
        return f"service level {values['service_level']!r} is not one of {', '.join(SERVICE_LEVELS)}"
    if values.get("order_date"):
        try:
            parse_timestamp(values["order_date"], "order_date", naive_is_utc=True)
        except PayloadError:
            return f"order date {values['order_date']!r} is not an ISO 8601 date-time"
    return ""


def _cents(value: str, words: str = "unit price") -> int:
    cleaned = value.replace("\u00a0", "").replace(" ", "").replace("€", "")
    if "," in cleaned and "." not in cleaned:
        cleaned = cleaned.replace(",", ".")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"{words} {value!r} is not an amount") from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"{words} {value!r} is not an amount in cents")
    return int(amount * 100)


def _order(order_id: str, rows: list[tuple[int, dict]]) -> ChannelOrder:
    first = rows[0][1]
    stamp = first.get("order_date")
    return ChannelOrder(
        external_id=order_id[:64],
        updated_at=parse_timestamp(stamp, "order_date", naive_is_utc=True) if stamp else NO_DATE,
        cancelled=False,
        customer=ChannelCustomer(email=first.get("email", ""), name=first["name"], phone=first.get("phone", "")[:32]),
        address=ChannelAddress(name=first["name"], line1=first["line1"], line2=first.get("line2", ""),
                               postal_code=first["postal_code"], city=first["city"], country=first["country"].upper()),
        lines=tuple(ChannelLine(sku=values["sku"], title="", quantity=int(values["quantity"]),
                                unit_price_cents=_cents(values["unit_price"]) if values.get("unit_price") else 0)
                    for _n, values in rows),
        currency=(first.get("currency") or "EUR").upper()[:3],
        service_level=(first.get("service_level") or "standard").lower(),
        discount_cents=_cents(first["discount"], "discount") if first.get("discount") else None,
        shipping_cents=_cents(first["shipping"], "shipping") if first.get("shipping") else None,
    )
