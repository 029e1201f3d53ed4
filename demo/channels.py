"""The demo's sales channels: orders keep arriving as they would in a shop, so the floor never
runs dry.

* ``ShopifyStore``: a Shopify store selling at a steady pace; each sale is an ``orders/create``
  webhook, signed with the store's secret exactly as Shopify signs it, POSTed to the server.
* ``MarketplaceDrops``: now and then a marketplace export (CSV, French Excel: semicolons,
  Windows-1252) is uploaded through ``POST /api/v1/imports``.
* ``Receiving``: a supplier's delivery tops up a product that runs low (a receiving dock
  putting units away), so orders waiting for stock are routed again (every minute).

Each says what happened in a sentence on the console.
"""
from __future__ import annotations

import json
import logging
import random
import threading
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from server.domain.intake import sign

log = logging.getLogger("demo.channels")
FIRST_NAMES = ("Élodie", "Jérôme", "Anaïs", "Loïc", "Maëlle", "François", "Zoé", "Hélène", "Noël", "Inès")
LAST_NAMES = ("Dupré", "Lefèvre", "Müller", "García", "Rossi", "Peeters", "Garnier", "Benoît", "Øster", "Moreau")
PLACES = (("FR", "69003", "Lyon", "12 rue de l'Église"), ("FR", "75011", "Paris", "8 boulevard Voltaire"),
          ("FR", "13001", "Marseille", "3 quai du Port"), ("BE", "1000", "Bruxelles", "15 rue Haute"),
          ("DE", "10115", "Berlin", "Invalidenstraße 4"), ("ES", "28013", "Madrid", "Calle Mayor 21"),
          ("IT", "20121", "Milano", "Via Brera 9"))


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price_cents: int


@dataclass(frozen=True)
class Channels:
    """What the simulated channels need to reach the server (made by ``open_channels``)."""

    shop_name: str
    shop_secret: str
    marketplace_token: str
    products: tuple[Product, ...]


def open_channels(app) -> Channels:
    """The demo's integrations: a Shopify store (its webhook secret) and a marketplace (an API
    token to upload its exports)."""
    from sqlalchemy import select

    from server.models import Product as ProductRow
    from server.services.intake.integrations import create_integration
    from server.services.intake.tokens import issue_token

    with app.extensions["colis"].uow() as uow:
        _, secret = create_integration(uow, "boutique", "shopify")
        market, _ = create_integration(uow, "marketplace", "csv")
        token = issue_token(uow, market.id, ["orders:write"])
        products = tuple(Product(sku, name, price) for sku, name, price in uow.session.execute(
            select(ProductRow.sku, ProductRow.name, ProductRow.price_cents).order_by(ProductRow.id)))
        uow.commit()
    return Channels("boutique", secret, token, products)


class _Channel(threading.Thread):
    def __init__(self, name: str, every: tuple[float, float], rng: random.Random, stopping: threading.Event):
        super().__init__(name=name, daemon=True)
        self.every, self.rng, self.stopping = every, rng, stopping

    def run(self) -> None:
        while not self.stopping.wait(self.rng.uniform(*self.every)):
            try:
                self.once()
            except (OSError, urllib.error.URLError) as exc:  # the server stopping, a busy moment
                print(f"{self.name}: could not reach the server this time ({exc.__class__.__name__}); "
                      "it tries again later.", flush=True)
            except Exception:  # noqa: BLE001 - a demo channel never stops the floor
                log.exception("%s stumbled", self.name)

    def once(self) -> None:
        raise NotImplementedError

    def customer(self) -> dict:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        country, postal, city, street = self.rng.choice(PLACES)
        return {"first": first, "last": last, "email": f"{_ascii(first)}.{_ascii(last)}{self.rng.randrange(99)}@exemple.fr",
                "country": country, "postal": postal, "city": city, "street": street}

    def basket(self, products: tuple[Product, ...]) -> list[tuple[Product, int]]:
        chosen = self.rng.sample(products, k=min(len(products), self.rng.choice((1, 1, 2, 2, 3))))
        return [(product, self.rng.choice((1, 1, 1, 2))) for product in chosen]


class ShopifyStore(_Channel):
    """One sale every ``every`` seconds, sent as Shopify sends it."""

    def __init__(self, server_url: str, channels: Channels, rng: random.Random, stopping: threading.Event,
                 every: tuple[float, float] = (8.0, 16.0)):
        super().__init__("Shopify store", every, rng, stopping)
        self.url = f"{server_url}/api/v1/webhooks/shopify/{channels.shop_name}"
        self.channels, self.number = channels, 1000

    def once(self) -> None:
        self.number += 1
        who, basket = self.customer(), self.basket(self.channels.products)
        body = json.dumps(self.payload(who, basket)).encode()
        answer = self.post(body)
        units = sum(quantity for _, quantity in basket)
        print(f"Shopify store: order #{self.number} from {who['first']} {who['last']} ({units} "
              f"item{'s' if units > 1 else ''}, to {who['city']}) {_fate(answer)}", flush=True)

    def payload(self, who: dict, basket: list[tuple[Product, int]]) -> dict:
        """The fields Shopify's REST ``Order`` resource carries that Colis reads."""
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        total = sum(product.price_cents * quantity for product, quantity in basket)
        return {"id": 5_000_000_000 + self.number, "name": f"#{self.number}", "email": who["email"],
                "created_at": now, "updated_at": now, "cancelled_at": None, "currency": "EUR",
                "total_price": f"{total / 100:.2f}",
                "customer": {"first_name": who["first"], "last_name": who["last"], "email": who["email"]},
                "shipping_address": {"first_name": who["first"], "last_name": who["last"], "address1": who["street"],
                                     "zip": who["postal"], "city": who["city"], "country_code": who["country"]},
                "line_items": [{"sku": product.sku, "title": product.name, "quantity": quantity,
                                "price": f"{product.price_cents / 100:.2f}"} for product, quantity in basket]}

    def post(self, body: bytes) -> dict:
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Shopify-Topic": "orders/create",
            "X-Shopify-Shop-Domain": "boutique-demo.myshopify.com", "X-Shopify-API-Version": "2025-01",
            "X-Shopify-Webhook-Id": str(uuid.uuid4()),
            "X-Shopify-Hmac-Sha256": sign(self.channels.shop_secret, body)})
        with urllib.request.urlopen(request, timeout=10) as reply:
            return json.loads(reply.read())


class MarketplaceDrops(_Channel):
    """Now and then a marketplace export of a few orders, uploaded as an admin would."""

    HEADER = "Commande;Nom;Adresse;Code postal;Ville;Pays;Réf;Quantité;Prix;E-mail"

    def __init__(self, server_url: str, channels: Channels, rng: random.Random, stopping: threading.Event,
                 folder: Path, every: tuple[float, float] = (90.0, 180.0)):
        super().__init__("Marketplace", every, rng, stopping)
        self.url = f"{server_url}/api/v1/imports"
        self.channels, self.folder, self.drops = channels, Path(folder), 0
        self.folder.mkdir(parents=True, exist_ok=True)

    def once(self) -> None:
        self.drops += 1
        path = self.folder / f"marketplace-{self.drops:03d}.csv"
        path.write_bytes(self.export(self.rng.randint(3, 6)))
        request = urllib.request.Request(self.url, data=path.read_bytes(), method="POST", headers={
            "Content-Type": "text/csv", "Authorization": f"Bearer {self.channels.marketplace_token}"})
        with urllib.request.urlopen(request, timeout=30) as reply:
            report = json.loads(reply.read())
        outcomes = report.get("outcomes", {})
        taken = outcomes.get("created", 0)
        refused = len(report.get("errors", []))
        print(f"Marketplace: export {path.name} uploaded, {taken} order{'s' if taken != 1 else ''} taken"
              + (f", {refused} row{'s' if refused != 1 else ''} refused." if refused else "."), flush=True)

    def export(self, orders: int) -> bytes:
        rows = [self.HEADER]
        for _ in range(orders):
            who, reference = self.customer(), f"MP-{self.drops:03d}-{self.rng.randrange(10**6):06d}"
            for product, quantity in self.basket(self.channels.products):
                price = f"{product.price_cents // 100},{product.price_cents % 100:02d}"  # French decimal comma
                rows.append(";".join([reference, f"{who['first']} {who['last']}", who["street"], who["postal"],
                                      who["city"], who["country"], product.sku, str(quantity), price, who["email"]]))
        return ("\r\n".join(rows) + "\r\n").encode("cp1252", errors="replace")


class Receiving(_Channel):
    """A supplier's delivery when a product runs low: units put away in its fullest bin."""

    def __init__(self, app, rng: random.Random, stopping: threading.Event, every: tuple[float, float] = (20.0, 40.0),
                 low: int = 4, delivered: int = 24):
        super().__init__("Receiving", every, rng, stopping)
        self.app, self.low, self.delivered = app, low, delivered

    def once(self) -> None:
        from sqlalchemy import func, select

        from server.models import Bin, Product as ProductRow, Stock

        with self.app.extensions["colis"].uow() as uow:
            db = uow.session
            low = db.execute(select(Stock.product_id, func.sum(Stock.on_hand - Stock.reserved))
                             .group_by(Stock.product_id).having(func.sum(Stock.on_hand - Stock.reserved) < self.low)
                             .limit(3)).all()
            for product_id, _ in low:
                row = db.scalars(select(Stock).where(Stock.product_id == product_id)
                                 .order_by(Stock.on_hand.desc(), Stock.id).limit(1)).first()
                row.on_hand += self.delivered
                name = db.scalar(select(ProductRow.name).where(ProductRow.id == product_id))
                code = db.scalar(select(Bin.code).where(Bin.id == row.bin_id))
                uow.emit("stock_received", actor="demo:receiving", product_id=product_id, units=self.delivered,
                         bin=code)
                print(f"Receiving: a supplier delivered {self.delivered} × {name}, put away in bin {code}.",
                      flush=True)
            uow.commit()


def start_channels(app, server_url: str, home: Path, stopping: threading.Event, rng: random.Random,
                   channels: Channels) -> list[threading.Thread]:
    threads = [ShopifyStore(server_url, channels, random.Random(rng.random()), stopping),
               MarketplaceDrops(server_url, channels, random.Random(rng.random()), stopping, home / "drops"),
               Receiving(app, random.Random(rng.random()), stopping)]
    for thread in threads:
        thread.start()
    return threads


def _fate(answer: dict) -> str:
    outcome = answer.get("outcome")
    if outcome == "created":
        return f"reached the floor as {answer.get('order')}."
    if outcome == "queued":
        return "was received; the floor takes it in the background."
    if outcome == "held":
        return f"is held: {answer.get('detail')}."
    return f"was answered {str(outcome).replace('_', ' ')}."


def _ascii(name: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
