"""Pure row builders: plain dicts for SQLAlchemy Core inserts, no database access.

Every builder takes its own ``random.Random`` and the first id to use, so the
same seed and the same starting ids always give the same rows. Human-facing
codes (SKU, GTIN, bin code, external order id) are derived from the row id,
which keeps them unique across repeated runs on the same database.
"""
from __future__ import annotations

import unicodedata
from array import array
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import accumulate
from random import Random
from typing import Iterator

from labels.gs1 import make_gtin13
from server.demo_data import vocab
from server.services.name_folding import search_texts

GS1_COMPANY_PREFIX = "3761234"  # 7 digits: leaves 5 for the item number
MAX_PRODUCT_ID = 99_999
# Bin layout per zone: 4 aisles x 12 bays x 4 levels = 192 bins, so 400 bins span A, B, C.
AISLES, BAYS, LEVELS = 4, 12, 4
EXTERNAL_ID_BASE = 100_000

# (weight %, lead time hours, ship-by window hours): express ships the same day.
SERVICE_LEVELS = (("standard", 80, 48, 96), ("express", 13, 8, 12), ("priority", 7, 24, 36))
LATE_SHARE = 0.12
# Quantity per line: cumulative probability, quantity.
QUANTITIES = ((0.75, 1), (0.92, 2), (0.98, 3), (1.0, 5))
MEAN_QUANTITY = 0.75 * 1 + 0.17 * 2 + 0.06 * 3 + 0.02 * 5
SCARCE_SHARE = 0.03  # products stocked too thinly, so a few orders backorder in demos
STOCK_MARGIN = 1.5


def product_rows(rng: Random, first_id: int, count: int) -> list[dict]:
    rows = []
    for pid in range(first_id, first_id + count):
        name = " ".join((rng.choice(vocab.PRODUCT_NOUNS), rng.choice(vocab.PRODUCT_MATERIALS),
                         rng.choice(vocab.PRODUCT_COLOURS)))
        rows.append({
            "id": pid, "sku": f"SKU-{pid:05d}",
            "gtin": make_gtin13(f"{GS1_COMPANY_PREFIX}{pid:05d}"),
            "name": name, "weight_g": rng.randrange(50, 3500, 5),
            "price_cents": rng.randrange(299, 8999, 100) + rng.choice((0, 50, 60)),
            "currency": "EUR",
        })
    return rows


def zone_name(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA ... (spreadsheet columns), at most three letters."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def bin_rows(first_id: int, count: int) -> list[dict]:
    rows = []
    for bid in range(first_id, first_id + count):
        i = bid - 1  # the code follows the id, so appended bins never reuse a code
        level, bay, aisle = i % LEVELS + 1, i // LEVELS % BAYS + 1, i // (LEVELS * BAYS) % AISLES + 1
        zone = zone_name(i // (LEVELS * BAYS * AISLES))
        rows.append({"id": bid, "code": f"{zone}-{aisle:02d}-{bay:02d}-{level}",
                     "zone": zone, "aisle": aisle, "bay": bay, "level": level})
    return rows


def stock_per_product(orders: int, products: int) -> int:
    """Units to hold per product so demand spread uniformly is covered with a margin."""
    mean_lines = sum(min(k, products) for k in range(1, 5)) / 4
    demand = orders * mean_lines * MEAN_QUANTITY / max(products, 1)
    return int(demand * STOCK_MARGIN) + 5


def stock_rows(rng: Random, first_id: int, product_ids: range, bin_ids: range,
               per_product: int) -> Iterator[dict]:
    sid = first_id
    for pid in product_ids:
        scarce = rng.random() < SCARCE_SHARE
        total = rng.randint(0, 2) if scarce else per_product + rng.randrange(0, per_product // 4 + 1)
        bins = rng.sample(bin_ids, min(rng.randint(1, 3), len(bin_ids)))
        for bid, qty in zip(bins, _split(rng, total, len(bins))):
            yield {"id": sid, "product_id": pid, "bin_id": bid, "on_hand": qty, "reserved": 0}
            sid += 1


def _split(rng: Random, total: int, parts: int) -> list[int]:
    cuts = sorted(rng.randint(0, total) for _ in range(parts - 1))
    return [b - a for a, b in zip([0, *cuts], [*cuts, total])]


def ascii_fold(text: str) -> str:
    """'Élodie Dupré' -> 'elodie dupre' for e-mail local parts; ß has no decomposition."""
    text = text.replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii()).lower()


_COUNTRY_CUMULATIVE = tuple(accumulate(c[1] for c in vocab.COUNTRIES))


def _pick_country(rng: Random) -> tuple:
    roll = rng.randrange(_COUNTRY_CUMULATIVE[-1])
    return next(c for c, top in zip(vocab.COUNTRIES, _COUNTRY_CUMULATIVE) if roll < top)


def customer_row(rng: Random, cid: int) -> tuple[dict, tuple]:
    country = _pick_country(rng)
    code, _, firsts, lasts, _, _, locale, phone = country
    first, last = rng.choice(firsts), rng.choice(lasts)
    local = ascii_fold(f"{first}.{last}").replace(" ", "").replace("'", "")
    digits = " ".join(f"{rng.randrange(100):02d}" for _ in range(4))
    name, email = f"{first} {last}", f"{local}.{cid}@{rng.choice(vocab.EMAIL_DOMAINS)}"
    # COPY bypasses the model: the search columns are written here, folded by the model's rule.
    return ({"id": cid, "email": email, "name": name, "phone": f"{phone} {digits}", "locale": locale,
             **search_texts(name, email)}, country)


def address_row(rng: Random, aid: int, customer: dict, country: tuple) -> dict:
    code, streets, cities = country[0], country[4], country[5]
    number = f"{rng.randint(1, 180)}{(' ' + s) if (s := rng.choice(vocab.HOUSE_SUFFIXES)) else ''}"
    street = rng.choice(streets)
    postal, city = rng.choice(cities)
    line2 = ""
    if code == "FR" and rng.random() < 0.06:  # business addresses: CS box + CEDEX city
        postal, city = rng.choice(vocab.FR_CEDEX)
        line2 = f"CS {rng.randrange(10000, 99999)}"
    elif rng.random() < 0.15:
        line2 = rng.choice(("Bâtiment B, 3e étage", "Appartement 12", "Résidence Les Érables",
                            "c/o Société Générale d'Équipement"))
    line1 = f"{number} {street}" if code in ("FR", "BE") else f"{street} {number}"
    return {"id": aid, "customer_id": customer["id"], "name": customer["name"], "line1": line1,
            "line2": line2, "postal_code": postal, "city": city, "country": code}


@dataclass
class CustomerBook:
    """Which addresses each generated customer has, in compact arrays (no 1M dicts)."""

    first_customer_id: int
    first_address: array  # address id of customer i's first address
    address_count: array  # 1 or 2


def customers_and_addresses(rng: Random, first_cid: int, first_aid: int, count: int,
                            book: CustomerBook) -> Iterator[tuple[dict, list[dict]]]:
    aid = first_aid
    for cid in range(first_cid, first_cid + count):
        customer, country = customer_row(rng, cid)
        n_addresses = 2 if rng.random() < 0.15 else 1
        addresses = [address_row(rng, aid + k, customer, country) for k in range(n_addresses)]
        book.first_address.append(aid)
        book.address_count.append(n_addresses)
        aid += n_addresses
        yield customer, addresses


@dataclass
class OrderPlan:
    channels: tuple[str, ...]
    now: datetime
    first_product_id: int
    prices: array  # price_cents by product index
    book: CustomerBook


def external_id(channel: str, order_id: int) -> str:
    prefix = vocab.CHANNEL_PREFIXES.get(channel, channel.upper())
    return f"{prefix}-{EXTERNAL_ID_BASE + order_id}"


def _service_level(rng: Random) -> tuple:
    roll = rng.randrange(100)
    for level in SERVICE_LEVELS:
        if roll < level[1]:
            return level
        roll -= level[1]
    raise AssertionError("service level weights must add up to 100")


def _times(rng: Random, now: datetime, level: tuple) -> tuple[datetime, datetime]:
    """Ship-by spread around ``now`` (some already late); created before ship-by and now."""
    _, _, lead_h, window_h = level
    if rng.random() < LATE_SHARE:
        ship_by = now - timedelta(minutes=rng.randrange(15, 36 * 60))
    else:
        ship_by = now + timedelta(minutes=rng.randrange(15, window_h * 60))
    # Placed before both ship-by minus the service's lead time and now (no orders from the future).
    placed_by = min(ship_by - timedelta(hours=lead_h), now)
    return ship_by, placed_by - timedelta(minutes=rng.randrange(1, 12 * 60))


def order_with_lines(rng: Random, plan: OrderPlan, index: int, oid: int,
                     first_line_id: int) -> tuple[dict, list[dict]]:
    lines = []
    n_products = len(plan.prices)
    for k, p in enumerate(rng.sample(range(n_products), min(rng.randint(1, 4), n_products))):
        roll = rng.random()
        qty = next(q for top, q in QUANTITIES if roll < top)
        lines.append({"id": first_line_id + k, "order_id": oid, "product_id": plan.first_product_id + p,
                      "quantity": qty, "unit_price_cents": plan.prices[p]})
    c = rng.randrange(len(plan.book.address_count))
    address_id = plan.book.first_address[c] + rng.randrange(plan.book.address_count[c])
    level = _service_level(rng)
    ship_by, created = _times(rng, plan.now, level)
    channel = plan.channels[index % len(plan.channels)]
    order = {"id": oid, "channel": channel, "external_id": external_id(channel, oid),
             "customer_id": plan.book.first_customer_id + c, "ship_address_id": address_id,
             "status": "new", "service_level": level[0], "promised_ship_by": ship_by,
             "created_at": created, "currency": "EUR",
             "total_cents": sum(x["quantity"] * x["unit_price_cents"] for x in lines),
             "discount_cents": 0, "shipping_cents": 0}  # demo orders: no discount, delivery free
    return order, lines
