"""Polling carriers that do not push (La Poste Suivi v2 for Colissimo and the demo carrier).

``LaPosteSuivi`` asks ``GET {base}/idships/{number}`` with the ``X-Okapi-Key`` header, as La
Poste documents it; tests point ``TRACKING_LAPOSTE_URL`` at a fake carrier speaking that
format. ``poll_parcels`` asks about every parcel shipped and not delivered yet whose carrier is
polled (``TRACKING_POLLED_CARRIERS``), each in its own transaction: one carrier answer that
is off its format is logged and skipped, never stops the others.
"""
from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from sqlalchemy import select

from server.domain.carrier_tracking import TrackingFormatError, parse_laposte
from server.domain.statuses import PackageStatus
from server.models import Package
from server.services import tracking

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LaPosteSuivi:
    base_url: str = "https://api.laposte.fr/suivi/v2"
    key: str = ""
    timeout: float = 10.0

    def fetch(self, number: str) -> dict:
        if not self.base_url.startswith(("https://", "http://")):
            raise TrackingFormatError(f"TRACKING_LAPOSTE_URL must be an http(s) URL, not {self.base_url!r}")
        url = f"{self.base_url.rstrip('/')}/idships/{urllib.parse.quote(number, safe='')}?lang=fr_FR"
        request = urllib.request.Request(url, headers={"X-Okapi-Key": self.key, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310 - checked above
                return json.load(answer)
        except urllib.error.HTTPError as exc:  # 404 and 207 carry a JSON body with returnMessage
            body = exc.read()
            try:
                return json.loads(body)
            except ValueError:
                raise TrackingFormatError(f"La Poste answered {exc.code} without JSON") from None


@dataclass
class PollReport:
    asked: int = 0
    stored: int = 0
    failed: int = 0


def poll_parcels(floor, client: LaPosteSuivi, carriers: list[str], limit: int = 1000) -> PollReport:
    report = PollReport()
    with floor.uow() as uow:
        parcels = uow.session.execute(select(Package.id, Package.tracking_number).where(
            Package.status == PackageStatus.SHIPPED, Package.carrier.in_(carriers),
            Package.tracking_number.is_not(None)).order_by(Package.id).limit(limit)).all()
    for _, number in parcels:
        report.asked += 1
        try:
            events = parse_laposte(client.fetch(number))
        except (TrackingFormatError, OSError, ValueError) as exc:
            report.failed += 1
            log.warning("tracking poll of %s failed: %s", number, exc)
            continue
        with floor.uow() as uow:
            report.stored += tracking.apply_events(uow, "laposte", events, "poll").stored
            uow.commit()
    return report
