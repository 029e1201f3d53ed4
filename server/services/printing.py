"""Print results: what a station's printer did with a label, and where the station goes next."""
from __future__ import annotations

from server.domain.scenarios import Input, Trigger
from server.models import Package, PrintJob, Station
from server.models._types import utcnow
from server.services import steps
from server.services.unit_of_work import UnitOfWork
from wire.contract import MAX_PRINT_ERROR_CHARS


class NotThisStationsJob(LookupError):
    pass


def confirm_print(uow: UnitOfWork, station: Station, job_id: int, ok: bool, error: str = "") -> dict:
    """The station reports what its printer did with a label job; its scenario moves on (commits)."""
    job = uow.session.get(PrintJob, job_id)
    if job is None or job.station_id != station.id:
        raise NotThisStationsJob(f"print job {job_id} is not this station's")
    if not ok and job.status == "printed":
        # A failure reported after the label came out (a stale or replayed report): the
        # parcel is labelled and shipped; nothing is printed again.
        given = Input.event(Trigger.LABEL_PRINTED, job_id=job.id)
    elif ok:
        _mark_printed(uow, station, job)
        given = Input.event(Trigger.LABEL_PRINTED, job_id=job.id)
    else:
        job.status, job.error = "failed", (error or "unknown")[:MAX_PRINT_ERROR_CHARS]
        uow.emit("printer_problem", station=station.code, job_id=job.id, error=job.error)
        given = Input.event(Trigger.LABEL_FAILED, job_id=job.id, error=job.error)
    uow.session.flush()
    screen = steps.run(uow, station, given).screen
    uow.commit()
    return screen


def printed_elsewhere(uow: UnitOfWork, job_id: int) -> dict | None:
    """A station's label that went to a fleet printer (the operator's backup key) came out there:
    the parcel ships and the station's screen goes on, as if its own printer had printed it
    (commits). Returns the station's screen, or None for a label that is not a station's."""
    job = uow.session.get(PrintJob, job_id)
    if job is None or job.station_id is None or job.printer_id is None or job.status not in ("printed", "sent"):
        return None
    station = uow.session.get(Station, job.station_id)
    _ship(uow, station, job)
    screen = steps.run(uow, station, Input.event(Trigger.LABEL_PRINTED, job_id=job.id)).screen
    uow.commit()
    return screen


def _mark_printed(uow: UnitOfWork, station: Station, job: PrintJob) -> None:
    if job.status == "printed":
        return  # a replayed confirmation
    job.status, job.error, job.printed_at = "printed", "", utcnow()
    _ship(uow, station, job)


def _ship(uow: UnitOfWork, station: Station, job: PrintJob) -> None:
    package = uow.session.get(Package, job.package_id) if job.package_id else None
    if package is not None and job.kind == "shipping" and package.status != "shipped":
        package.status, package.shipped_at = "shipped", utcnow()
        package.order.status = "shipped"
        uow.emit("order_shipped", order=package.order.reference, tracking=package.tracking_number,
                 carrier=package.carrier, station=station.code)
