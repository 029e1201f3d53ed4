"""Polling La Poste Suivi v2: a fake carrier on a real HTTP socket answers in La Poste's
documented format (and its key header); what it says moves the parcels; an answer off the format
or a refused key is counted and never stops the other parcels."""
from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from server.models import Order, Package
from tests.customer_kit import laposte_answer, shipped_order

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
KEY = "okapi-test-key"


class FakeLaPoste(BaseHTTPRequestHandler):
    journeys: dict = {}

    def do_GET(self):  # noqa: N802 - http.server's name
        number = self.path.split("?")[0].rsplit("/", 1)[-1]
        if self.headers.get("X-Okapi-Key") != KEY:
            return self._answer(401, {"code": "UNAUTHORIZED", "message": "Invalid key"})
        if number not in self.journeys:
            return self._answer(404, {"returnCode": 404, "returnMessage": "Numéro inconnu", "idShip": number})
        if self.journeys[number] == "garbage":
            return self._answer(200, {"returnCode": 200, "shipment": {"idShip": number, "event": "??"}})
        return self._answer(200, laposte_answer(number, self.journeys[number]))

    def _answer(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def la_poste():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeLaPoste)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/suivi/v2", FakeLaPoste.journeys
    server.shutdown()
    server.server_close()
    FakeLaPoste.journeys.clear()


def test_a_poll_moves_each_parcel_as_its_carrier_says_and_skips_what_it_cannot_read(app, floor, la_poste):
    url, journeys = la_poste
    app.config.update(TRACKING_LAPOSTE_URL=url, TRACKING_LAPOSTE_KEY=KEY)
    with floor.uow() as uow:
        numbers, orders = [], []
        for _ in range(3):
            order, (package,) = shipped_order(uow)
            numbers.append(package.tracking_number)
            orders.append(order.id)
        uow.commit()
    journeys[numbers[0]] = [("PC1", T0), ("MD2", T0 + timedelta(days=1)), ("DI1", T0 + timedelta(days=1, hours=2))]
    journeys[numbers[1]] = "garbage"  # numbers[2]: unknown to the carrier (404 with its JSON)
    runner = app.test_cli_runner()
    done = runner.invoke(args=["poll-tracking"])
    assert done.exit_code == 0, done.output
    assert "3 parcels asked about, 3 new events, 2 failed" in done.output
    with floor.uow() as uow:
        assert [uow.session.get(Order, order_id).status for order_id in orders] == ["delivered", "shipped", "shipped"]
        delivered = uow.session.scalar(select(Package.delivered_at).where(Package.tracking_number == numbers[0]))
        assert delivered == T0 + timedelta(days=1, hours=2)
    # Delivered parcels are not asked about again; a wrong key fails each one, loudly, never silently.
    app.config["TRACKING_LAPOSTE_KEY"] = "wrong"
    again = runner.invoke(args=["poll-tracking"])
    assert "2 parcels asked about, 0 new events, 2 failed" in again.output
