"""A station's session (scenario, state, context): loaded, resumed against the floor, saved.

``DbFacts`` is what a scenario may read of the floor (domain/scenarios/facts.py), loaded
lazily from the database and at most once per request.
"""
from __future__ import annotations

from functools import cached_property

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from server.domain.scanning import ScannedCode, gtin14
from server.domain.scenarios import SCENARIOS, ROLE_SCENARIO, Session, start_for_role
from server.domain.scenarios.facts import ReturnFacts, ReturnLineFacts, TaskFacts
from server.domain.verification import LineProgress
from server.models import OrderLine, PrintJob, Return, ReturnLine, Station, StationSession, Task, TaskLine
from wire.contract import ScreenState


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


def resume(db, station: Station) -> tuple[Session, DbFacts]:
    """The session as the floor has it now (a task taken away, labels printed meanwhile)."""
    facts = DbFacts(db, station)
    session = load(db, station)
    return SCENARIOS[session.scenario].resume(session, facts), facts


class DbFacts:
    """``FloorFacts`` over the database, for one station and one request."""

    def __init__(self, db, station: Station):
        self.db, self.station = db, station

    def task(self) -> TaskFacts | None:
        return _task_facts(self.task_row) if self.task_row is not None else None

    def batch(self) -> tuple[TaskFacts, ...]:
        return tuple(_task_facts(task) for task in self.batch_rows)

    @cached_property
    def batch_rows(self) -> list[Task]:
        return list(self.db.scalars(self._held_tasks()))

    @cached_property
    def task_row(self) -> Task | None:
        return self.db.scalars(self._held_tasks().limit(1)).first()

    def _held_tasks(self):
        # Everything the screen shows, in one round of queries: lines, products, bins, order.
        return (select(Task).where(Task.station_id == self.station.id, Task.status == "assigned")
                .options(joinedload(Task.order),
                         selectinload(Task.lines).options(joinedload(TaskLine.product), joinedload(TaskLine.bin)))
                .order_by(Task.id))

    def pending_labels(self) -> int:
        return len(self.pending_jobs)

    @cached_property
    def pending_jobs(self) -> list[PrintJob]:
        return list(self.db.scalars(select(PrintJob).where(PrintJob.station_id == self.station.id,
                                                           PrintJob.status.in_(("queued", "failed")))
                                    .order_by(PrintJob.id)))

    def find_return(self, code: ScannedCode) -> ReturnFacts | None:
        case = self.db.scalars(select(Return).where(Return.rma == code.value)).first()
        return _return_facts(case) if case is not None else None

    def return_by_id(self, return_id) -> ReturnFacts | None:
        case = self.return_row(return_id)
        return _return_facts(case) if case is not None else None

    def return_row(self, return_id) -> Return | None:
        if not isinstance(return_id, int):
            return None
        return self.db.scalars(select(Return).where(Return.id == return_id)
                               .options(selectinload(Return.lines).joinedload(ReturnLine.order_line)
                                        .joinedload(OrderLine.product))).first()

    def forget(self, *, task: bool = True, jobs: bool = True) -> None:
        """Effects changed the floor: read these again for the screen.

        A counted unit changes the task's rows in place (same identity map), so a scan
        forgets only the print jobs and the screen needs no second query of the task.
        """
        for name, wanted in (("task_row", task), ("batch_rows", task), ("pending_jobs", jobs)):
            if wanted:
                self.__dict__.pop(name, None)


def _task_facts(task: Task) -> TaskFacts:
    lines = tuple(LineProgress(line.id, gtin14(line.product.gtin), line.quantity, line.done_qty,
                               line.product.name, line.bin.code if line.bin else "") for line in task.lines)
    return TaskFacts(task.id, task.kind, task.order.reference if task.order else "", lines, task.tote)


def _return_facts(case: Return) -> ReturnFacts:
    lines = tuple(ReturnLineFacts(line.id, gtin14(line.order_line.product.gtin), line.order_line.product.name,
                                  line.quantity) for line in case.lines)
    return ReturnFacts(case.id, case.rma or "", case.order.reference, case.received_at, lines)
