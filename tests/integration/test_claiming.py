"""Many stations asking for work at once never get the same task (SKIP LOCKED / BEGIN IMMEDIATE)."""
from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from server.models import Station, Task
from server.services import dispatch
from server.services.allocation import allocate_order
from tests.factories import add_item, add_order, add_station

TASKS, STATIONS = 24, 6


def test_concurrent_claims_never_hand_out_a_task_twice(floor):
    with floor.uow() as uow:
        item = add_item(uow, "Carton", on_hand=TASKS)
        for _ in range(TASKS):
            allocate_order(uow, add_order(uow, [(item, 1)]).id)
        station_ids = [add_station(uow, f"PICK-{n:02d}", "pick")[0] for n in range(STATIONS)]
        uow.commit()

    claimed: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    start = threading.Barrier(STATIONS)

    def station_loop(station_id: int) -> None:
        start.wait()
        try:
            for _ in range(TASKS):
                with floor.uow() as uow:
                    station = uow.session.get(Station, station_id)
                    screen = dispatch.request_task(uow, station)
                    if screen["task"] is None:
                        return
                    task = uow.session.get(Task, screen["task"]["id"])
                    task.status = "done"  # finish it at once so the station asks again
                    uow.commit()
                with lock:
                    claimed.append(screen["task"]["id"])
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=station_loop, args=(sid,)) for sid in station_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert [task for task, n in Counter(claimed).items() if n > 1] == []
    assert len(claimed) == TASKS
    with floor.uow() as uow:
        assert uow.session.scalar(select(func.count()).select_from(Task).where(Task.status == "open")) == 0
