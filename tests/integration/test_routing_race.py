"""Two routers on one new order at once (its job and the minute sweep) on PostgreSQL: the second
waits for the first and routes nothing. Found by the full suite: two pick tasks for one order."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, select, text

from server.models import Task
from server.services import routing
from tests.integration.test_routing_warehouses import MONDAY_9H, network, order_to, stock_in  # noqa: F401
from tests.processes import wait_for


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_second_router_of_one_order_waits_and_routes_nothing(floor, network, database_url):  # noqa: F811
    with floor.uow() as uow:
        stock_in(uow, network["lamp"], network["ids"]["PARIS"], 5)
        order_id = order_to(uow, [(network["lamp"], 1)], "75011")
        uow.commit()
    second: list = []
    with floor.uow() as first:
        assert routing.route_order(first, order_id, now=MONDAY_9H).outcome == "whole"  # not committed yet

        def route_again() -> None:
            with floor.uow() as uow:
                second.append(routing.route_order(uow, order_id, now=MONDAY_9H).outcome)
                uow.commit()

        racer = threading.Thread(target=route_again)
        racer.start()
        # AUTOCOMMIT: within one transaction PostgreSQL serves pg_stat_activity from a snapshot taken
        # at its first read, so a poll that began before the second router blocked never saw it.
        watcher = create_engine(database_url, isolation_level="AUTOCOMMIT")
        with watcher.connect() as connection:  # the second router is blocked on a row lock
            assert wait_for(lambda: connection.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database() AND query ILIKE '%FROM orders%FOR UPDATE%'"
            )).scalar() >= 1, timeout=10), "the second router never waited for the order's lock"
        watcher.dispose()
        first.commit()
    racer.join(10)
    assert second == ["skipped"]
    with floor.session_factory() as session:
        assert len(session.scalars(select(Task).where(Task.order_id == order_id)).all()) == 1
