"""A channel's order as Colis reads it, whatever the channel, and what keeps it from the floor."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation

MAX_QUANTITY = 10_000


class PayloadError(ValueError):
    """The payload is not an order Colis can read at all (not held: refused). ``field`` names the place."""

    def __init__(self, field: str, message: str):
        self.field = field
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class ChannelCustomer:
    email: str
    name: str
    phone: str = ""


@dataclass(frozen=True)
class ChannelAddress:
    name: str
    line1: str
    line2: str
    postal_code: str
    city: str
    country: str  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class ChannelLine:
    sku: str
    title: str
    quantity: int
    unit_price_cents: int


@dataclass(frozen=True)
class ChannelOrder:
    external_id: str
    updated_at: datetime            # the channel's own last-change time: orders deliveries
    cancelled: bool
    customer: ChannelCustomer
    address: ChannelAddress | None
    lines: tuple[ChannelLine, ...]
    currency: str = "EUR"
    total_cents: int = 0
    number: str = ""                # the shop's own order name (#1001), for people
    service_level: str = "standard"
    notes: tuple[str, ...] = field(default=())
    discount_cents: int | None = None   # off the goods, for the whole order (None: not said)
    shipping_cents: int | None = None   # what the customer paid for delivery (None: not said)

    def problems(self) -> list[str]:
        """Why this order cannot go to the floor as it is (it is held), or [] when it can."""
        found = []
        if self.address is None:
            found.append("no shipping address")
        else:
            found += _address_problems(self.address)
        if not self.lines:
            found.append("no line to ship")
        for number, line in enumerate(self.lines, start=1):
            label = f"line {number} ({line.title!r})" if line.title else f"line {number}"
            if not line.sku:
                found.append(f"{label} has no SKU")
            if not 0 < line.quantity <= MAX_QUANTITY:
                found.append(f"{label} quantity {line.quantity} is not between 1 and {MAX_QUANTITY}")
            if line.unit_price_cents < 0:
                found.append(f"{label} has a negative price")
        if len(self.customer.email) > 254:
            found.append("customer email longer than 254 characters")
        return found


def _address_problems(address: ChannelAddress) -> list[str]:
    found = []
    limits = {"name": 200, "line1": 200, "line2": 200, "postal_code": 16, "city": 100}
    for name, limit in limits.items():
        if len(getattr(address, name)) > limit:
            found.append(f"shipping address {name} longer than {limit} characters")
    for name in ("name", "line1", "city"):
        if not getattr(address, name).strip():
            found.append(f"shipping address has no {name}")
    if not (len(address.country) == 2 and address.country.isascii() and address.country.isalpha()):
        found.append(f"shipping country {address.country!r} is not an ISO 3166 two-letter code")
    return found


def money_to_cents(value, where: str) -> int:
    """``"199.00"``, ``3`` or ``12.5`` → cents, exactly (Decimal), or PayloadError naming ``where``."""
    if isinstance(value, bool) or value is None:
        raise PayloadError(where, f"{value!r} is not an amount")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        raise PayloadError(where, f"{value!r} is not an amount") from None
    if not amount.is_finite():
        raise PayloadError(where, f"{value!r} is not an amount")
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise PayloadError(where, f"{value!r} has more than two decimals")
    return int(cents)


def parse_timestamp(value, where: str, naive_is_utc: bool = False) -> datetime:
    """ISO 8601 → aware UTC. A naive time is refused unless the channel says it is GMT."""
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(where, f"{value!r} is not a date-time")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise PayloadError(where, f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        if not naive_is_utc:
            raise PayloadError(where, f"{value!r} has no time zone")
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def text(value, limit: int | None = None) -> str:
    """A payload's optional text: None → "", stripped."""
    if value is None:
        return ""
    result = str(value).strip()
    return result if limit is None else result[:limit]
