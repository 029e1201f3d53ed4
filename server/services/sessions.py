"""A station's session (scenario, state, context): loaded, resumed against the floor, saved.

``DbFacts`` is what a scenario may read of the floor (domain/scenarios/facts.py), loaded
lazily from the database and at most once per request. The tasks a station holds are read as
plain data in one Core query (``held_tasks``): on the scan path, building ORM objects for a
task, its lines, products, bins and order cost more than everything else a scan does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from functools import cached_property

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from server.domain.scanning import ScannedCode, gtin14
from server.domain.scenarios import SCENARIOS, ROLE_SCENARIO, Session, start_for_role
from server.domain.layout import DEMO_LAYOUT, Layout
from server.domain.pick_rules import PickRules
from server.domain.scenarios.facts import LotFacts, ReturnFacts, ReturnLineFacts, TaskFacts
from server.domain.statuses import OrderStatus, TaskStatus
from server.domain.verification import LineProgress
from server.models import (Bin, Order, OrderLine, PickedLot, PrintJob, Product, Return, ReturnLine, Station,
                           StationSession, Stock, Task, TaskLine)
from server.services import return_desk, returns
from server.services.printers import fleet_backup
from server.services.pack_facts import PackFacts
from wire.contract import ScreenState


STATION_AND_SESSION = (select(Station, StationSession)
                       .outerjoin(StationSession, StationSession.station_id == Station.id)
                       .where(Station.id == bindparam("station")))


def load_station(db, station_id: int) -> Station | None:
    """The station and its stored session in one query (every station event starts here)."""
    found = db.execute(STATION_AND_SESSION, {"station": station_id}).first()
    if found is None:
        return None
    station, row = found
    db.info.setdefault("station_sessions", {})[station.id] = row
    return station


def load(db, station: Station) -> Session:
    """The station's stored session; a new station (or one whose role changed) starts afresh."""
    row = _row(db, station)
    if row is None or row.scenario not in SCENARIOS or not _fits_role(row.scenario, station.role):
        return start_for_role(station.role)
    return Session(row.scenario, ScreenState(row.state), dict(row.context or {}))


def _fits_role(scenario: str, role: str) -> bool:
    # A returns desk moves between receive and inspect; a packer never lands in a pick scenario.
    home = ROLE_SCENARIO[role]
    return scenario == home or (role == "returns" and scenario.startswith("returns_"))


def _row(db, station: Station) -> StationSession | None:
    # Held in db.info for the transaction: the ORM's identity map keeps rows only weakly, and
    # a row dropped between load() and save() would be read a second time on every scan.
    rows = db.info.setdefault("station_sessions", {})
    if station.id not in rows:
        rows[station.id] = db.get(StationSession, station.id)
    return rows[station.id]


def stored_context(db, station: Station) -> dict:
    """The context of the station's stored session (read with the station: no query more)."""
    row = _row(db, station)
    return dict(row.context or {}) if row is not None else {}


def save(db, station: Station, session: Session) -> None:
    row = _row(db, station)
    if row is None:
        row = StationSession(station_id=station.id, scenario=session.scenario, state=str(session.state),
                             context=dict(session.context))
        db.add(row)
        db.info["station_sessions"][station.id] = row
        return
    if (row.scenario, row.state, row.context) != (session.scenario, str(session.state), dict(session.context)):
        row.scenario, row.state, row.context = session.scenario, str(session.state), dict(session.context)


def resume(db, station: Station, settings=None) -> tuple[Session, DbFacts]:
    """The session as the floor has it now (a task taken away, labels printed meanwhile).
    ``settings`` (FloorSettings): the floor's picking rules; None, the defaults."""
    facts = DbFacts(db, station, settings)
    session = load(db, station)
    return SCENARIOS[session.scenario].resume(session, facts), facts


@dataclass
class HeldLine:
    """A task line as the station's screen shows it."""

    id: int
    sku: str
    name: str
    gtin: str
    bin: str | None
    quantity: int
    done: int
    short: int = 0  # units declared missing in this bin (short pick)

    def progress(self) -> LineProgress:
        return LineProgress(self.id, gtin14(self.gtin), self.quantity, self.done, self.name, self.bin or "")


@dataclass
class HeldTask:
    """A task a station holds, with the few fields of its order that the screen shows."""

    id: int
    kind: str
    tote: str | None
    reason: str | None
    order: str | None  # the order's reference; None for a cycle count
    service_level: str | None
    ship_by: datetime | None
    lines: list[HeldLine] = field(default_factory=list)
    short: bool = False  # the order stopped short (status short): its tote goes to the supervisor

    def facts(self) -> TaskFacts:
        return TaskFacts(self.id, self.kind, self.order or "", tuple(line.progress() for line in self.lines),
                         self.tote, self.short)

    def line(self, line_id: int) -> HeldLine | None:
        return next((line for line in self.lines if line.id == line_id), None)


_tasks, _lines, _orders = Task.__table__, TaskLine.__table__, Order.__table__
_products, _bins = Product.__table__, Bin.__table__
HELD_TASKS = (
    select(_tasks.c.id, _tasks.c.kind, _tasks.c.tote, _tasks.c.reason, _orders.c.id.label("order_id"),
           _orders.c.service_level, _orders.c.promised_ship_by, _lines.c.id.label("line_id"), _products.c.sku,
           _products.c.name, _products.c.gtin, _bins.c.code.label("bin"), _lines.c.quantity, _lines.c.done_qty,
           _lines.c.short_qty, _orders.c.status.label("order_status"))
    .select_from(_tasks.join(_lines, _lines.c.task_id == _tasks.c.id)
                 .join(_products, _products.c.id == _lines.c.product_id)
                 .outerjoin(_bins, _bins.c.id == _lines.c.bin_id)
                 .outerjoin(_orders, _orders.c.id == _tasks.c.order_id))
    .where(_tasks.c.station_id == bindparam("station_id"), _tasks.c.status == TaskStatus.ASSIGNED)
    .order_by(_tasks.c.id, _lines.c.sequence, _lines.c.id))


def held_tasks(db, station_id: int) -> list[HeldTask]:
    """The tasks the station holds, oldest first, each with its lines in walk order."""
    tasks: dict[int, HeldTask] = {}
    for row in db.connection().execute(HELD_TASKS, {"station_id": station_id}):
        task = tasks.get(row.id)
        if task is None:
            reference = Order.reference_of(row.order_id) if row.order_id is not None else None
            tasks[row.id] = task = HeldTask(row.id, row.kind, row.tote, row.reason, reference,
                                            row.service_level, row.promised_ship_by,
                                            short=row.order_status == OrderStatus.SHORT)
        task.lines.append(HeldLine(row.line_id, row.sku, row.name, row.gtin, row.bin, row.quantity, row.done_qty,
                                   row.short_qty))
    return list(tasks.values())


class DbFacts(PackFacts):
    """``FloorFacts`` over the database, for one station and one request.

    Each fact is read at most once per request. An effect that changes a fact the screen
    shows in a known way (a counted unit, a bound tote) changes it here too, so the reply needs
    no second read; any other effect makes the facts be read again (``forget``).
    """

    def __init__(self, db, station: Station, settings=None):
        self.db, self.station = db, station
        self._rules = getattr(settings, "pick_rules", None) or PickRules()
        self._layout = getattr(settings, "layout", None) or DEMO_LAYOUT

    @cached_property
    def held(self) -> list[HeldTask]:
        return held_tasks(self.db, self.station.id)

    @property
    def held_task(self) -> HeldTask | None:
        return self.held[0] if self.held else None

    def task(self) -> TaskFacts | None:
        return self.held_task.facts() if self.held_task is not None else None

    def batch(self) -> tuple[TaskFacts, ...]:
        return tuple(task.facts() for task in self.held)

    def pending_labels(self) -> int:
        return len(self.pending_jobs)

    def backup_printer(self) -> str | None:
        backup = fleet_backup(self.db, self.station.id)
        return backup.name if backup is not None else None

    def pick_rules(self) -> PickRules:
        return self._rules

    def layout(self) -> Layout:
        return self._layout

    def today(self) -> date:
        return datetime.now(timezone.utc).date()

    def last_lot(self, line_id: int) -> LotFacts | None:
        row = self.db.execute(select(PickedLot.lot, PickedLot.expiry, PickedLot.serial)
                              .where(PickedLot.task_line_id == line_id)
                              .order_by(PickedLot.id.desc()).limit(1)).first()
        return LotFacts(*row) if row is not None else None

    def available_elsewhere(self, line_id: int) -> int:
        line = self.db.get(TaskLine, line_id)
        if line is None:
            return 0
        # Bins of the task's warehouse only, as the short pick's re-allocation (short_picks.py).
        free = (select(func.sum(Stock.on_hand - Stock.reserved)).join(Bin, Bin.id == Stock.bin_id)
                .where(Stock.product_id == line.product_id, Stock.bin_id != line.bin_id,
                       Bin.warehouse_id == select(Task.warehouse_id).where(Task.id == line.task_id)
                       .scalar_subquery()))
        return int(self.db.scalar(free) or 0)

    @cached_property
    def pending_jobs(self) -> list[PrintJob]:
        return list(self.db.scalars(select(PrintJob).where(PrintJob.station_id == self.station.id,
                                                           PrintJob.status.in_(("queued", "failed")))
                                    .order_by(PrintJob.id)))

    def find_return(self, code: ScannedCode, items: tuple[str, ...] = ()) -> ReturnFacts | None:
        case = return_desk.find_for_desk(self.db, code.value or code.raw, items)
        return _return_facts(case) if case is not None else None

    def restock_bin(self, return_id: int, line_id: int) -> str | None:
        line = self.db.get(ReturnLine, line_id)
        if line is None or line.return_id != return_id:
            return None
        return returns.restock_bin(self.db, line.order_line.product_id)

    def return_by_id(self, return_id) -> ReturnFacts | None:
        case = self.return_row(return_id)
        return _return_facts(case) if case is not None else None

    def return_row(self, return_id) -> Return | None:
        if not isinstance(return_id, int):
            return None
        return self.db.scalars(select(Return).where(Return.id == return_id)
                               .options(selectinload(Return.lines).joinedload(ReturnLine.order_line)
                                        .joinedload(OrderLine.product))).first()

    def counted(self, task_id: int, line_id: int, units: int = 1, **lot) -> None:
        """The database counted ``units`` more on this line: the screen shows it without a read."""
        line = self._loaded_line(task_id, line_id)
        if line is not None:
            line.done += units

    def tote_bound(self, task_id: int, tote: str) -> None:
        for task in self.__dict__.get("held", ()):
            if task.id == task_id:
                task.tote = tote

    def forget(self) -> None:
        """The floor changed in a way only a new read shows (a task done, labels queued)."""
        for name in ("held", "pending_jobs"):
            self.__dict__.pop(name, None)

    def _loaded_line(self, task_id: int, line_id: int) -> HeldLine | None:
        task = next((task for task in self.__dict__.get("held", ()) if task.id == task_id), None)
        return task.line(line_id) if task is not None else None


def _return_facts(case: Return) -> ReturnFacts:
    lines = tuple(ReturnLineFacts(line.id, gtin14(line.order_line.product.gtin), line.order_line.product.name,
                                  line.quantity, line.grade) for line in case.lines)
    return ReturnFacts(case.id, case.rma or "", case.order.reference, case.received_at, lines,
                       case.received_by, str(case.status),
                       tuple(gtin14(line.product.gtin) for line in case.order.lines))
