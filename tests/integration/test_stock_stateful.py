"""Stock stays consistent whatever the floor does, in any order (hypothesis, stateful), on
SQLite and PostgreSQL.

Random sequences of allocate / release (a wave) / pick (a unit scanned) / short (a picker's
short key) / count (a cycle count closed with a random quantity) / cancel / restock go through
the services as the floor drives them. After every step:

* every stock row: on hand >= 0 and 0 <= reserved <= on hand;
* reserved in each bin is exactly what open and held pick lines still have to take there;
* nothing is created or lost: each product's on hand is its first stock, plus receipts, less
  units picked (done_qty) and units declared short (short_qty), plus the counts' adjustments
  (their audit rows) — and the units picked and shorted are what the floor was told.

Examples are bounded (12 runs of up to 12 steps per database) to keep the suite fast.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import delete, func, select

from server.db import Base
from server.domain.scanning import identify
from server.domain.scenarios import Input
from server.models import AuditEvent, Bin, Station, Stock, Task, TaskLine
from server.services import counting, dispatch, scans, steps, waves
from server.services import stock as stock_levels
from server.services.allocation import CannotCancel, InsufficientStock, allocate_order, cancel_order
from tests.factories import add_item, add_order, add_station
from wire.contract import Action

BINS = ("A-01-02-1", "A-03-07-2", "B-02-04-1")
EXAMPLES, STEPS = 12, 12
KEEP_ROWS = {"warehouses", "alembic_version"}  # rows every floor has (the default warehouse)


def wipe(floor) -> None:
    """An empty floor for the next example (the app and its engine are the test's)."""
    url = str(floor.engine.url.render_as_string(hide_password=False))
    if floor.engine.dialect.name == "postgresql":
        from tests.conftest import empty_tables

        empty_tables(url)
        return
    with floor.engine.begin() as connection:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name not in KEEP_ROWS:
                connection.execute(delete(table))


class FloorStock(RuleBasedStateMachine):
    floor = None  # set by the test: one app per database

    @initialize(first_stock=st.lists(st.lists(st.integers(0, 6), min_size=3, max_size=3), min_size=2, max_size=2),
                waves_by_hand=st.booleans())
    def open_the_floor(self, first_stock, waves_by_hand):
        wipe(self.floor)
        self.products, self.orders = [], []
        self.restocked, self.picked, self.shorted = {}, 0, 0
        with self.floor.uow() as uow:
            # Orders wait for a wave ("release" lets them out) or go to the floor as allocated.
            waves.set_policy(uow, "pick", 0 if waves_by_hand else None, actor="test")
            for code in BINS:
                zone, aisle, bay, level = code.split("-")
                uow.session.add(Bin(code=code, zone=zone, aisle=int(aisle), bay=int(bay), level=int(level)))
            uow.session.flush()
            for n, units in enumerate(first_stock):
            # Its own bin first, then the others (through receipts); the first stock is read back below.
                item = add_item(uow, f"Article {n}", on_hand=units[0], bin_code=BINS[n])
                for code, extra in zip(BINS, units[1:] + [0]):
                    if code != BINS[n] and extra:
                        stock_levels.restock(uow, stock_levels.find_product(uow.session, item.sku), code, extra,
                                             actor="setup")
                self.products.append(item)
            self.pickers = [add_station(uow, f"PICK-{n}", "pick")[0] for n in (1, 2)]
            self.counter = add_station(uow, "COUNT-1", "count")[0]
            uow.commit()
        self.initial = self._on_hand_now()  # the first stock as the floor holds it

    # --- what the floor does ---------------------------------------------------------------

    @rule(product=st.integers(0, 1), units=st.integers(1, 4), second=st.integers(0, 2))
    def allocate(self, product, units, second):
        with self.floor.uow() as uow:
            lines = [(self.products[product], units)]
            if second:
                lines.append((self.products[1 - product], second))
            order = add_order(uow, lines)
            try:
                allocate_order(uow, order.id)
            except InsufficientStock:
                pass  # backordered, reserves nothing
            uow.commit()
            self.orders.append(order.id)

    @rule(orders=st.integers(1, 2))
    def release(self, orders):
        with self.floor.uow() as uow:
            waves.release_wave(uow, orders, actor="test")
            uow.commit()

    @rule(picker=st.integers(0, 1))
    def pick(self, picker):
        screen = self._claim(self.pickers[picker])
        following = (screen.get("task") or {}).get("next")
        if following is None:
            return
        done_before = screen["task"]["progress"]["done"]
        cmd = scans.ScanCommand(str(uuid.uuid4()), following["gtin"], None, datetime.now(timezone.utc))
        with self.floor.uow() as uow:
            after = scans.record_scan(uow, uow.session.get_one(Station, self.pickers[picker]), cmd)
        assert after["message"]["level"] in ("ok", "warn"), after["message"]  # warn: the order stopped short
        progress = (after.get("task") or {}).get("progress")
        assert progress is None or progress["done"] == done_before + 1
        self.picked += 1

    @rule(picker=st.integers(0, 1), reason=st.sampled_from(["empty", "short", "damaged"]))
    def short(self, picker, reason):
        screen = self._claim(self.pickers[picker])
        following = (screen.get("task") or {}).get("next")
        if following is None:
            return
        with self.floor.uow() as uow:
            ran = steps.run(uow, uow.session.get_one(Station, self.pickers[picker]),
                            Input.action(Action.SHORT, line_id=following["id"], reason=reason))
            uow.commit()
        assert ran.step.outcome in ("short_reallocated", "short_held"), ran.step.outcome
        self.shorted += following["quantity"] - following["done"]

    @rule(where=st.sampled_from(BINS), found=st.integers(0, 7))
    def count(self, where, found):
        with self.floor.uow() as uow:
            try:
                counting.create_count(uow, where, "stateful test", actor="test")
                uow.commit()
            except counting.CountRefused:
                pass  # nothing stocked there, or a count of it is open already
        screen = self._claim(self.counter)
        task = screen.get("task")
        if not task:
            return
        station = self.counter
        self._step(station, scan_code=task["bin"])
        for line in task["lines"]:
            self._step(station, action=Input.action(Action.COUNT, line_id=line["id"], quantity=found))
        self._step(station, action=Input.action(Action.DONE))

    @rule(which=st.integers(0, 30))
    def cancel(self, which):
        if not self.orders:
            return
        with self.floor.uow() as uow:
            try:
                cancel_order(uow, self.orders[which % len(self.orders)], actor="test")
                uow.commit()
            except (CannotCancel, LookupError):
                pass

    @rule(product=st.integers(0, 1), where=st.sampled_from(BINS), units=st.integers(1, 5))
    def restock(self, product, where, units):
        item = self.products[product]
        with self.floor.uow() as uow:
            stock_levels.restock(uow, stock_levels.find_product(uow.session, item.sku), where, units, actor="test")
            uow.commit()
        self.restocked[item.product_id] = self.restocked.get(item.product_id, 0) + units

    # --- what must always hold ---------------------------------------------------------------

    @invariant()
    def stock_is_never_negative_nor_over_reserved(self):
        with self.floor.uow() as uow:
            for on_hand, reserved in uow.session.execute(select(Stock.on_hand, Stock.reserved)):
                assert on_hand >= 0 and 0 <= reserved <= on_hand, (on_hand, reserved)

    @invariant()
    def reserved_is_what_open_pick_lines_still_take(self):
        with self.floor.uow() as uow:
            held = dict(((product, bin_id), int(units)) for product, bin_id, units in uow.session.execute(
                select(TaskLine.product_id, TaskLine.bin_id, func.sum(TaskLine.quantity - TaskLine.done_qty))
                .join(Task, Task.id == TaskLine.task_id)
                .where(Task.kind == "pick", Task.status.in_(("open", "assigned")))
                .group_by(TaskLine.product_id, TaskLine.bin_id)))
            rows = uow.session.execute(select(Stock.product_id, Stock.bin_id, Stock.reserved))
            for product, bin_id, reserved in rows:
                assert reserved == held.get((product, bin_id), 0), (product, bin_id, reserved, held)

    @invariant()
    def nothing_is_created_or_lost(self):
        if not hasattr(self, "initial"):
            return
        with self.floor.uow() as uow:
            db = uow.session
            picked = dict(db.execute(select(TaskLine.product_id, func.sum(TaskLine.done_qty))
                                     .join(Task, Task.id == TaskLine.task_id).where(Task.kind == "pick")
                                     .group_by(TaskLine.product_id)).all())
            shorted = dict(db.execute(select(TaskLine.product_id, func.sum(TaskLine.short_qty))
                                      .group_by(TaskLine.product_id)).all())
            adjusted: dict[int, int] = {}
            for detail in db.scalars(select(AuditEvent.detail).where(AuditEvent.action == "stock_counted")):
                adjusted[detail["product_id"]] = (adjusted.get(detail["product_id"], 0)
                                                  + detail["on_hand_after"] - detail["on_hand_before"])
        on_hand = self._on_hand_now()
        for product, first in self.initial.items():
            expected = (first + self.restocked.get(product, 0) - int(picked.get(product) or 0)
                        - int(shorted.get(product) or 0) + adjusted.get(product, 0))
            assert on_hand[product] == expected, (product, on_hand[product], expected)
        assert sum(int(units or 0) for units in picked.values()) == self.picked
        assert sum(int(units or 0) for units in shorted.values()) == self.shorted

    # --- helpers -------------------------------------------------------------------------------

    def _claim(self, station_id: int) -> dict:
        with self.floor.uow() as uow:
            return dispatch.request_task(uow, uow.session.get_one(Station, station_id))

    def _step(self, station_id: int, *, scan_code: str | None = None, action: Input | None = None) -> dict:
        with self.floor.uow() as uow:
            given = action if action is not None else Input.scan(identify(scan_code))
            ran = steps.run(uow, uow.session.get_one(Station, station_id), given)
            uow.commit()
            return ran.screen

    def _on_hand_now(self) -> dict[int, int]:
        with self.floor.uow() as uow:
            return {product: int(units) for product, units in uow.session.execute(
                select(Stock.product_id, func.sum(Stock.on_hand)).group_by(Stock.product_id))}


def test_stock_stays_consistent_through_any_sequence_of_floor_events(floor):
    FloorStock.floor = floor
    try:
        run_state_machine_as_test(FloorStock, settings=settings(
            max_examples=EXAMPLES, stateful_step_count=STEPS, deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]))
    finally:
        FloorStock.floor = None
