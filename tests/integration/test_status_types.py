"""Status columns on SQLite and PostgreSQL: plain strings in the table, enums in Python,
and every ORM assignment judged by the entity's life cycle (server/domain/statuses.py)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import sessionmaker

from server.db import make_engine
from server.domain.statuses import (
    LIFE_CYCLES, IllegalTransition, OrderStatus, PackageStatus, PrintJobStatus, ReturnStatus, TaskStatus,
    UnknownStatus,
)
from server.models import Order, Package, PrintJob, Return, Station, Task
from server.models._types import StatusType
from tests.factories import add_item, add_order, random_ref

STATUS_OF = {Order: OrderStatus, Task: TaskStatus, Package: PackageStatus, Return: ReturnStatus,
             PrintJob: PrintJobStatus}


@pytest.fixture
def sessions(database_url):
    engine = make_engine(database_url)
    yield sessionmaker(engine)
    engine.dispose()


@pytest.fixture
def floor_ids(sessions) -> dict[type, int]:
    """One of each entity with a status, as it is born: an order, its pack task, parcel, label, RMA."""
    with sessions() as session:
        work = SimpleNamespace(session=session)  # what the factories need of a unit of work
        order = add_order(work, [(add_item(work, "Lampe Émeraude"), 1)])
        station = Station(code=random_ref("PACK"), name="Pack 1", role="pack", token_hash="-")
        task = Task(kind="pack", order_id=order.id)
        package = Package(order_id=order.id, carrier="colissimo", service="standard", weight_g=300)
        session.add_all([station, task, package])
        session.flush()
        job = PrintJob(station_id=station.id, package_id=package.id, kind="shipping", zpl="^XA^XZ")
        rma = Return(order_id=order.id, reason="wrong_size")
        session.add_all([job, rma])
        session.commit()
        return {Order: order.id, Task: task.id, Package: package.id, PrintJob: job.id, Return: rma.id}


def test_a_status_is_stored_as_its_plain_string_and_loads_back_as_its_enum(sessions, floor_ids):
    with sessions() as session:
        for model, row_id in floor_ids.items():
            status = session.get(model, row_id).status
            assert type(status) is STATUS_OF[model] and status in LIFE_CYCLES[STATUS_OF[model]].initial
        assert session.scalars(select(Order.status)).one() is OrderStatus.NEW
        stored = session.execute(text("SELECT status FROM orders")).scalar_one()
        assert type(stored) is str and stored == "new"
        # The services' string comparisons, in Python and in SQL, keep working.
        assert session.get(Order, floor_ids[Order]).status == "new"
        assert session.scalars(select(Task.id).where(Task.status.in_(("open", "assigned")))).all() == [
            floor_ids[Task]]


def test_an_order_walks_its_life_cycle_each_step_judged_against_the_stored_status(sessions, floor_ids):
    for step in ("allocated", "picking", "picked", "packing", "packed", "shipped", "shipped"):
        with sessions() as session:  # a fresh session: the old status is read from the table
            session.get(Order, floor_ids[Order]).status = step
            session.commit()
    with sessions() as session:
        assert session.get(Order, floor_ids[Order]).status is OrderStatus.SHIPPED


def test_an_illegal_transition_is_refused_at_assignment_and_changes_nothing(sessions, floor_ids):
    with sessions() as session:
        order = session.get(Order, floor_ids[Order])
        with pytest.raises(IllegalTransition) as refused:
            order.status = "shipped"
        assert (refused.value.entity, refused.value.old, refused.value.new) == (
            "order", OrderStatus.NEW, OrderStatus.SHIPPED)
        assert order.status is OrderStatus.NEW
        order.status = "allocated"
        session.commit()  # expires the order: the next check loads its status first
        with pytest.raises(IllegalTransition, match="from 'allocated' to 'packed'"):
            order.status = OrderStatus.PACKED
        session.commit()
    with sessions() as session:
        assert session.get(Order, floor_ids[Order]).status is OrderStatus.ALLOCATED


def test_a_new_entity_must_start_in_an_initial_status(sessions, floor_ids):
    with pytest.raises(IllegalTransition, match="a new task cannot start as 'done'") as refused:
        Task(kind="pick", order_id=floor_ids[Order], status="done")
    assert refused.value.old is None
    assert Task(kind="pick", order_id=floor_ids[Order], status="open").status is TaskStatus.OPEN


def test_an_unknown_status_is_refused_when_assigned_queried_or_read(sessions, floor_ids):
    with sessions() as session:
        job = session.get(PrintJob, floor_ids[PrintJob])
        with pytest.raises(UnknownStatus, match="'jammed' is not a known print job status"):
            job.status = "jammed"
        with pytest.raises(StatementError) as queried:
            session.scalars(select(PrintJob).where(PrintJob.status == "jammed")).all()
        assert isinstance(queried.value.orig, UnknownStatus)
    with sessions() as session:  # a row written around the ORM
        session.execute(text("UPDATE print_jobs SET status = 'jammed'"))
        session.commit()
        with pytest.raises(UnknownStatus, match="'jammed'"):
            session.get(PrintJob, floor_ids[PrintJob])


def test_replaying_the_same_status_is_allowed(sessions, floor_ids):
    with sessions() as session:
        job = session.get(PrintJob, floor_ids[PrintJob])
        job.status = "printed"
        session.commit()
        job.status = "printed"  # a print report replayed after a lost ack
        session.commit()
        assert job.status is PrintJobStatus.PRINTED


@pytest.mark.parametrize("model", list(STATUS_OF), ids=lambda m: m.__name__)
def test_each_status_column_defaults_to_an_initial_status_and_fits_every_status(model):
    column = model.__table__.c.status
    assert isinstance(column.type, StatusType) and column.type.statuses is STATUS_OF[model]
    assert column.default.arg in LIFE_CYCLES[STATUS_OF[model]].initial
    assert max(len(status) for status in STATUS_OF[model]) <= column.type.length
