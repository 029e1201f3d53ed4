"""Hand out work: a station gets its own open task back, or claims the next one."""
from __future__ import annotations

from server.domain.states import ScreenState
from server.models import Station
from server.models._types import utcnow
from server.services import screens
from server.services.locking import lock_next_task
from server.services.unit_of_work import UnitOfWork


def request_task(uow: UnitOfWork, station: Station) -> dict:
    """Reply for a station asking for work (call inside ``with uow``; commits)."""
    session = uow.session
    if station.role == "returns":
        return screens.screen_for(session, station, screens.message(station, "info", "scan_rma"))
    if screens.pending_prints(session, station) or screens.current_task(session, station):
        return screens.screen_for(session, station)
    task = lock_next_task(session, station.role)
    if task is None:
        uow.commit()
        return screens.reply(ScreenState.IDLE, message=screens.message(station, "info", "waiting_for_work"))
    task.status, task.station_id, task.assigned_at = "assigned", station.id, utcnow()
    task.order.status = "picking" if task.kind == "pick" else "packing"
    session.flush()
    uow.emit("task_assigned", task_id=task.id, kind=task.kind, order=task.order.reference,
             station=station.code)
    view = screens.screen_for(session, station)
    uow.commit()
    return view
