"""Webhook intake: signed Shopify orders per second and their answer time, beside a bare POST.

bare:      a Flask app with one POST route that reads the body and answers a small JSON: the
           least an HTTP webhook can cost in this process (Werkzeug's test client, no socket).
durable:   the same route also INSERTs the body into a one-table database and commits (the
           server's own engine settings): the least a webhook that keeps its delivery costs.
answered:  ``POST /api/v1/webhooks/shopify/<shop>`` as Shopify sends it (signed body, headers):
           the signature checked, the raw delivery stored and committed, its job enqueued in the
           embedded queue (threads store, no worker running): what the platform waits for.
processed: the jobs of those deliveries run by 2 worker threads (apply: customer, address,
           order, lines; then route and allocate): orders per second from the first job to the
           last order allocated.
inline:    the same POST with the immediate queue (tests' mode): stored, applied, routed and
           allocated before the answer, for comparison.

Each delivery is a new order (its own id) of 1-3 lines over 50 products with ample stock.
Prints orders/s, p50 and p99 of each and the ratios to the bare POST. Asserts nothing.

    python bench/bench_intake.py [--orders 300] [--postgres postgresql+psycopg://127.0.0.1/test]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, jsonify, request

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_scan import percentile, temporary_database  # noqa: E402
from server import create_app, migrate, queue  # noqa: E402
from server.domain.intake import sign  # noqa: E402
from server.models import Order  # noqa: E402
from server.services.intake.integrations import create_integration  # noqa: E402
from tests.factories import add_item  # noqa: E402

SECRET = "bench-" + "s" * 32


def bare_app(engine=None) -> Flask:
    """The floor: a POST read and answered; with ``engine``, the body kept by one INSERT + COMMIT."""
    from sqlalchemy import text

    app = Flask("bare")
    if engine is not None:
        with engine.begin() as connection:
            connection.execute(text("CREATE TABLE bench_hook (id INTEGER PRIMARY KEY, body TEXT)"))

    @app.post("/hook")
    def hook():
        body = request.get_data()
        if engine is not None:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO bench_hook (id, body) VALUES (:id, :body)"),
                                   {"id": time.time_ns() % 2**31, "body": body.decode()})
        return jsonify({"outcome": "ok", "bytes": len(body)})

    return app


def seed(app) -> list[str]:
    floor = app.extensions["colis"]
    with floor.uow() as uow:
        create_integration(uow, "boutique", "shopify", webhook_secret=SECRET)
        skus = [add_item(uow, f"Article {n}", on_hand=100_000).sku for n in range(50)]
        uow.commit()
    return skus


def deliveries(skus: list[str], count: int, first: int) -> list[bytes]:
    rng, now = random.Random(first), datetime.now(timezone.utc).isoformat(timespec="seconds")
    bodies = []
    for n in range(first, first + count):
        lines = [{"sku": sku, "title": sku, "quantity": rng.randint(1, 2), "price": "19.90"}
                 for sku in rng.sample(skus, rng.randint(1, 3))]
        bodies.append(json.dumps({
            "id": 7_000_000 + n, "name": f"#{n}", "email": f"client{n}@exemple.fr", "created_at": now,
            "updated_at": now, "cancelled_at": None, "currency": "EUR", "total_price": "39.80",
            "customer": {"first_name": "Élodie", "last_name": "Dupré"},
            "shipping_address": {"first_name": "Élodie", "last_name": "Dupré", "address1": "12 rue de l'Église",
                                 "zip": "69003", "city": "Lyon", "country_code": "FR"},
            "line_items": lines}).encode())
    return bodies


def post_all(client, path: str, bodies: list[bytes], signed: bool = True) -> list[float]:
    times = []
    for n, body in enumerate(bodies):
        headers = {"Content-Type": "application/json", "X-Shopify-Topic": "orders/create",
                   "X-Shopify-Webhook-Id": f"bench-{os.getpid()}-{time.time_ns()}-{n}"}
        if signed:
            headers["X-Shopify-Hmac-Sha256"] = sign(SECRET, body)
        start = time.perf_counter()
        reply = client.post(path, data=body, headers=headers)
        times.append((time.perf_counter() - start) * 1000)
        if reply.status_code != 200:
            raise SystemExit(f"{path} answered {reply.status_code}: {reply.get_data(as_text=True)[:200]}")
    return times


def allocated(floor) -> int:
    from sqlalchemy import func, select

    with floor.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Order).where(Order.status == "allocated"))


def line(name: str, times: list[float], bare: list[float] | None = None) -> str:
    rate = len(times) / (sum(times) / 1000)
    text = f"  {name:10} {rate:8.0f} orders/s   p50 {statistics.median(times):7.2f} ms   p99 {percentile(times, 99):7.2f} ms"
    if bare:
        text += f"   ({statistics.median(times) / statistics.median(bare):.1f}× the bare POST at p50)"
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=None)
    args = parser.parse_args()
    os.environ["COLIS_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="colis-bench-intake-")
    with temporary_database(args.postgres) as url:
        migrate.upgrade(url)
        from server.db import make_engine

        bare = post_all(bare_app().test_client(), "/hook", deliveries(["X", "Y", "Z"], args.orders, 0), signed=False)
        engine = make_engine(url)
        durable = post_all(bare_app(engine).test_client(), "/hook", deliveries(["X", "Y", "Z"], args.orders, 0),
                           signed=False)
        engine.dispose()
        app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "k" * 40, "QUEUE": "threads"})
        floor = app.extensions["colis"]
        skus = seed(app)
        answered = post_all(app.test_client(), "/api/v1/webhooks/shopify/boutique",
                            deliveries(skus, args.orders, 1))
        start = time.perf_counter()
        workers = queue.start_in_process(app, workers=2)
        while allocated(floor) < args.orders and time.perf_counter() - start < 600:
            time.sleep(0.05)
        processed_s = time.perf_counter() - start
        workers.stop()
        done = allocated(floor)
        floor.close()
        inline_app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "k" * 40, "QUEUE": "immediate"})
        inline = post_all(inline_app.test_client(), "/api/v1/webhooks/shopify/boutique",
                          deliveries(skus, args.orders, 1 + args.orders))
        inline_app.extensions["colis"].close()
    where = "PostgreSQL" if args.postgres else "SQLite"
    print(f"Webhook intake on {where}, {args.orders} signed Shopify orders each (one process, 2 cores):")
    print(line("bare POST", bare))
    print(line("durable", durable, bare))
    print(line("answered", answered, bare) + f", {statistics.median(answered) / statistics.median(durable):.1f}× the "
          "durable floor")
    print(f"  processed  {done / processed_s:8.0f} orders/s   ({done} of {args.orders} applied, routed and "
          f"allocated by 2 worker threads in {processed_s:.1f} s)")
    print(line("inline", inline, bare))


if __name__ == "__main__":
    main()
