"""One transaction per use case; events leave only after the commit succeeded.

A retried or rolled-back transaction therefore never prints, mails or broadcasts twice.
The same events are the audit trail: each state change is written as an ``audit_events``
row in the transaction that made it (who, what, when), so the trail and the change can
never disagree. Scans have their own trail (``scan_events``).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker

from server.domain.layout import DEMO_LAYOUT, Layout
from server.domain.pick_rules import PickRules
from server.domain.refunds import RefundPolicy
from server.models import AuditEvent
from server.models._types import utcnow
from server.services.layouts import layout_from_config

log = logging.getLogger(__name__)
Publisher = Callable[[list[dict]], None]
NOT_AUDITED = ("scan_recorded", "tasks_waiting")  # scans: scan_events; nudges change nothing
SUBJECT_KEYS = ("rma", "order", "task_id", "job_id", "station")
# Set by the app (server/api/customer.py): enqueues the sending of new outbox rows (their ids).
notify_hook: Callable[[list[int]], None] | None = None


@dataclass(frozen=True)
class FloorSettings:
    """The few config values the use cases need, so services never import Flask."""

    warehouse_address: dict = field(default_factory=lambda: {
        "name": "Colis", "line1": "1 rue du Dépôt", "line2": "", "postal_code": "69001",
        "city": "Lyon", "country": "FR"})
    gs1_company_prefix: str = "3761234"
    sscc_extension_digit: int = 0
    label_dpi: int = 203
    task_lease_seconds: float = 90.0  # server/domain/leases.py
    wave_keep_waiting: int | None = None  # server/domain/waves.py: None releases orders at once
    refund_policy: RefundPolicy = field(default_factory=RefundPolicy)  # REFUND_* keys (docs/returns.md)
    quarantine_location: str = "Q-RETOURS"  # where damaged returned units wait, never stock
    # The floor's geometry for pick routes (LAYOUT / LAYOUT_FILE, docs/routing.md) and its picking
    # rules (PICK_SCAN_BIN_FIRST, PICK_MIN_SHELF_LIFE_DAYS, docs/picking.md).
    layout: Layout = DEMO_LAYOUT
    pick_rules: PickRules = PickRules()

    # Warehouse routing (docs/routing.md, "Warehouses"): an order no warehouse can ship whole is
    # split (over at most routing_max_parts warehouses) or held; ROUTING_POLICY, ROUTING_MAX_PARTS.
    routing_policy: str = "split"
    routing_max_parts: int = 3

    @classmethod
    def from_config(cls, config) -> FloorSettings:
        return cls(warehouse_address=dict(config["WAREHOUSE_ADDRESS"]),
                   gs1_company_prefix=str(config["GS1_COMPANY_PREFIX"]),
                   sscc_extension_digit=int(config["SSCC_EXTENSION_DIGIT"]),
                   label_dpi=int(config["LABEL_DPI"]),
                   task_lease_seconds=float(config.get("TASK_LEASE_SECONDS", 90.0)),
                   wave_keep_waiting=config.get("WAVE_KEEP_WAITING"),
                   refund_policy=RefundPolicy.from_mapping(config),
                   layout=layout_from_config(config),
                   pick_rules=PickRules.from_settings(config.get("PICK_SCAN_BIN_FIRST", False),
                                                      config.get("PICK_MIN_SHELF_LIFE_DAYS", 0)),
                   quarantine_location=str(config.get("RETURNS_QUARANTINE_LOCATION", "Q-RETOURS")),
                   routing_policy=str(config.get("ROUTING_POLICY", "split")),
                   routing_max_parts=int(config.get("ROUTING_MAX_PARTS", 3)))


class UnitOfWork:
    def __init__(self, session_factory: sessionmaker, publish: Publisher | None = None,
                 settings: FloorSettings | None = None):
        self._session_factory = session_factory
        self._publish = publish
        self.settings = settings or FloorSettings()
        self.session: Session
        self.events: list[dict] = []
        self._after_commit: list[Callable[[], None]] = []
        self._committed = False

    def __enter__(self) -> UnitOfWork:
        self.session = self._session_factory()
        self.events = []
        self._after_commit = []
        self._committed = False
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if not self._committed:
                self.session.rollback()
        finally:
            self.session.close()
        if self._committed and exc_type is None and self.events and self._publish:
            self._publish(list(self.events))
        if self._committed and exc_type is None:
            self._run_after_commit()

    def after_commit(self, action: Callable[[], None]) -> None:
        """Run ``action`` once this unit of work has committed (enqueue a job); dropped on rollback."""
        self._after_commit.append(action)

    def _run_after_commit(self) -> None:
        actions, self._after_commit = self._after_commit, []
        for action in actions:
            try:
                action()
            except Exception:  # noqa: BLE001 - the change is committed; a failed enqueue is logged
                log.exception("after-commit action failed (the change itself is committed)")

    def emit(self, event_type: str, **payload) -> None:
        """Queue an event for after the commit (dashboards, station nudges)."""
        self.events.append({"type": event_type, **payload})

    def commit(self) -> None:
        rows = audit_values(self.events)
        if rows:
            # Core, not the ORM: nothing to track, and a flush of N objects costs far more CPU
            # than one INSERT (every claim writes one).
            self.session.flush()
            self.session.connection().execute(AUDIT_INSERT, rows)
            self._write_notifications()
        self.session.commit()
        self._committed = True

    def _write_notifications(self) -> None:
        """The customer's messages these events call for, in this transaction (the outbox,
        server/services/outbox.py); sent by a job once the commit succeeded."""
        from server.services.outbox import write_for_events

        written = write_for_events(self.session, self.events)
        if written and notify_hook is not None:
            self.after_commit(lambda: notify_hook(written))

    def rollback(self) -> None:
        self.session.rollback()
        self.session.info.clear()  # rows cached for the transaction (station sessions) are void
        self.events = []
        self._after_commit = []


AUDIT_INSERT = insert(AuditEvent.__table__)


def audit_values(events: list[dict]) -> list[dict]:
    return [{"at": utcnow(), "actor": _actor(event), "action": event["type"], "subject": _subject(event),
             "detail": event} for event in events if event["type"] not in NOT_AUDITED]


def audit_rows(events: list[dict]) -> list[AuditEvent]:
    return [AuditEvent(actor=_actor(event), action=event["type"], subject=_subject(event), detail=event)
            for event in events if event["type"] not in NOT_AUDITED]


def _actor(event: dict) -> str:
    if event.get("actor"):
        return str(event["actor"])[:64]
    return f"station:{event['station']}" if event.get("station") else "system"


def _subject(event: dict) -> str:
    key = next((key for key in SUBJECT_KEYS if event.get(key) is not None), None)
    return f"{key.removesuffix('_id')}:{event[key]}"[:64] if key else ""
