"""The printer fleet's use cases: queue a label for a fleet printer, reprint, assign, record.

Labels for a fleet printer (a reprint from the supervisors' pages, a return label for the
returns desk) are print jobs with a ``printer_id`` and no station: the spooler
(server/printspool.py) sends them, checking the printer's ``~HS`` first, failing over to
its backup, and retrying with backoff. Each label is drawn for the printer it goes to
(its dpi and media). Nothing here opens a socket; every function is called inside
``with uow:`` and commits, like every use case.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from labels import LabelAddress, LabelDataError, ReturnLabelData, return_label, shipping_label
from server.models import Package, PrintJob, Printer, Return, Station, User
from server.models._types import utcnow
from server.services.unit_of_work import UnitOfWork
from wire import texts

SHIPPING_MEDIA = ("4x6", "100x150")  # labels/shipping.py: the GS1 logistic label needs a tall label


class FleetError(ValueError):
    """A request the fleet cannot carry out; ``key`` and ``params`` give its words (FR/EN)."""

    def __init__(self, key: str, **params):
        self.key, self.params = key, params
        super().__init__(texts.text(f"fleet.{key}", "en", **params))

    def words(self, locale: str) -> str:
        return texts.text(f"fleet.{self.key}", locale, **self.params)


# --- queueing labels -------------------------------------------------------------------------

def reprint_label(uow: UnitOfWork, package_id: int, printer_id: int, by_user_id: int) -> dict:
    """Print a parcel's shipping label again, on the chosen fleet printer (commits).

    The label is drawn anew for that printer's dpi and media; the job records who asked and
    which job it reprints. Returns the job's view (``job_view``): the spooler sends it.
    """
    session = uow.session
    printer = _usable_printer(session, printer_id)
    package = session.get(Package, package_id) if isinstance(package_id, int) else None
    if package is None or not package.sscc or not package.tracking_number:
        raise FleetError("no_package", package=package_id)
    from server.services.packing import _label_data  # the label's data is packing's business

    if printer.media not in SHIPPING_MEDIA:
        raise FleetError("media_too_small", printer=printer.name, media=printer.media)
    zpl = _drawn(lambda: shipping_label(_label_data(uow, package), dpi=printer.dpi, size=printer.media))
    earlier = session.scalars(select(PrintJob.id).where(PrintJob.package_id == package.id, PrintJob.kind == "shipping")
                              .order_by(PrintJob.id.desc())).first()
    job = _queue(uow, printer, zpl, kind="shipping", requested_by=_user(session, by_user_id),
                 package_id=package.id, reprint_of=earlier)
    uow.emit("label_reprinted", job_id=job.id, order=package.order.reference, printer=printer.name,
             reprint_of=earlier, actor=job.requested_by)
    uow.commit()
    return job_view(job)


def print_return_label(uow: UnitOfWork, return_id: int, printer_id: int | None = None,
                       status_url: str = "") -> dict:
    """Queue a return's label (RMA barcode, order, customer, return address, and a QR code of
    ``status_url`` when given: the return's status page) for the returns desk printer, or
    ``printer_id`` (commits). Returns the job's view."""
    session = uow.session
    case = session.get(Return, return_id) if isinstance(return_id, int) else None
    if case is None or not case.rma:
        raise FleetError("no_return", rma=return_id)
    printer = _usable_printer(session, printer_id) if printer_id is not None else returns_desk_printer(session)
    zpl = _drawn(lambda: return_label(return_label_data(uow, case, status_url), dpi=printer.dpi, size=printer.media))
    job = _queue(uow, printer, zpl, kind="return", requested_by="system", return_id=case.id)
    uow.emit("return_label_queued", job_id=job.id, rma=case.rma, printer=printer.name)
    uow.commit()
    return job_view(job)


def return_label_data(uow: UnitOfWork, case: Return, status_url: str = "") -> ReturnLabelData:
    """What a return's label prints: the RMA, the order, the customer, the warehouse."""
    order, address = case.order, case.order.ship_address
    customer = LabelAddress(name=address.name, line1=address.line1, line2=address.line2,
                            postal_code=address.postal_code, city=address.city, country=address.country)
    return ReturnLabelData(rma=case.rma, order_ref=order.reference, customer=customer,
                           return_to=LabelAddress(**uow.settings.warehouse_address), status_url=status_url)


def fleet_backup(session, station_id: int) -> Printer | None:
    """The backup the fleet assigns to the station's printer (active, not itself), or None."""
    printer = session.scalars(select(Printer).where(Printer.station_id == station_id, Printer.active.is_(True))
                              .order_by(Printer.id)).first()
    backup = session.get(Printer, printer.backup_id) if printer is not None and printer.backup_id else None
    return backup if backup is not None and backup.active and backup.id != printer.id else None


def station_jobs_refused(session, station_id: int) -> list[PrintJob]:
    """The labels this station's own printer was given and could not print (it reported so)."""
    return list(session.scalars(select(PrintJob).where(PrintJob.station_id == station_id, PrintJob.printer_id.is_(None),
                                                       PrintJob.status == "failed").order_by(PrintJob.id)))


def move_to_backup(uow: UnitOfWork, station: Station) -> list[int]:
    """The operator's one key: the labels the station's printer refused go to the fleet's backup.

    The same job moves (one row in the history: who, what, where it printed, its tries), drawn
    anew for the backup's dpi and media, and becomes the spooler's like any fleet job; the
    station's screen waits for it (``pending_jobs``) but no longer prints it itself. Returns the
    jobs moved. The step's flush is the caller's; nothing here opens a socket.
    """
    session = uow.session
    backup = fleet_backup(session, station.id)
    if backup is None:
        raise FleetError("no_backup", station=station.code)
    moved = []
    for job in station_jobs_refused(session, station.id):
        package = session.get(Package, job.package_id) if job.kind == "shipping" and job.package_id else None
        if package is not None:
            if backup.media not in SHIPPING_MEDIA:
                raise FleetError("media_too_small", printer=backup.name, media=backup.media)
            from server.services.packing import _label_data  # the label's data is packing's business

            job.zpl = _drawn(lambda: shipping_label(_label_data(uow, package), dpi=backup.dpi, size=backup.media))
        refused = job.error
        job.printer_id, job.retry_at = backup.id, None
        uow.emit("print_job_to_backup", job_id=job.id, station=station.code, printer=backup.name, error=refused,
                 actor=f"station:{station.code}")
        moved.append(job.id)
    return moved


def label_to_backup(uow: UnitOfWork, station: Station) -> None:
    """Effect ``label_to_backup`` (server/services/effects.py)."""
    move_to_backup(uow, station)


def returns_desk_printer(session) -> Printer:
    """The first active printer serving a returns station."""
    printer = session.scalars(select(Printer).join(Station, Printer.station_id == Station.id)
                              .where(Station.role == "returns", Printer.active.is_(True))
                              .order_by(Printer.id)).first()
    if printer is None:
        raise FleetError("no_returns_printer")
    return printer


def _queue(uow: UnitOfWork, printer: Printer, zpl: str, *, kind: str, requested_by: str,
           package_id: int | None = None, return_id: int | None = None, reprint_of: int | None = None) -> PrintJob:
    job = PrintJob(station_id=None, printer_id=printer.id, kind=kind, zpl=zpl, requested_by=requested_by,
                   package_id=package_id, return_id=return_id, reprint_of=reprint_of)
    uow.session.add(job)
    uow.session.flush()
    return job


def _usable_printer(session, printer_id) -> Printer:
    printer = session.get(Printer, printer_id) if isinstance(printer_id, int) else None
    if printer is None:
        raise FleetError("no_printer", printer=printer_id)
    if not printer.active:
        raise FleetError("printer_inactive", printer=printer.name)
    return printer


def _drawn(draw) -> str:
    try:
        return draw().decode("utf-8")
    except LabelDataError as exc:
        raise FleetError("label_refused", reason=str(exc)) from exc


def _user(session, user_id) -> str:
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    return f"user:{user.username}" if user is not None else "system"


def cancel_job(uow: UnitOfWork, job_id: int, by_user_id: int) -> dict:
    """Stop a fleet job the spooler keeps retrying (commits); printed or sent jobs stay as they are."""
    job = uow.session.get(PrintJob, job_id) if isinstance(job_id, int) else None
    if job is None or job.printer_id is None:
        raise FleetError("no_job", job=job_id)
    if job.status not in ("queued", "failed"):
        raise FleetError("job_done", job=job_id)
    job.status, job.retry_at = "cancelled", None
    uow.emit("print_job_cancelled", job_id=job.id, printer=job.printer.name, actor=_user(uow.session, by_user_id))
    uow.commit()
    return job_view(job)


# --- the fleet as a supervisor sets it up -----------------------------------------------------

def assign_printers(uow: UnitOfWork, station_id: int, printer_id: int, backup_id: int | None,
                    by_user_id: int) -> dict:
    """The station's labels go to ``printer_id``; when it cannot print, to ``backup_id`` (commits)."""
    session = uow.session
    station = session.get(Station, station_id) if isinstance(station_id, int) else None
    if station is None:
        raise FleetError("no_station", station=station_id)
    printer = _usable_printer(session, printer_id)
    backup = _usable_printer(session, backup_id) if backup_id is not None else None
    if backup is not None and backup.id == printer.id:
        raise FleetError("backup_is_itself")
    for other in session.scalars(select(Printer).where(Printer.station_id == station.id, Printer.id != printer.id)):
        other.station_id = None  # one printer serves a station; the old one becomes a spare
    printer.station_id, printer.backup_id = station.id, backup.id if backup else None
    uow.emit("printer_assigned", station=station.code, printer=printer.name,
             backup=backup.name if backup else None, actor=_user(session, by_user_id))
    uow.commit()
    return printer_view(printer)


def add_printer(uow: UnitOfWork, *, name: str, url: str, dpi: int = 203, media: str = "4x6",
                location: str = "", station_code: str | None = None, backup: str | None = None) -> dict:
    """A new fleet printer (the CLI and the demo); the URL is checked by the station drivers' rules."""
    from labels import MEDIA

    from station.drivers import open_printer

    open_printer(url)  # ValueError names what is wrong with the URL; nothing is opened yet
    if dpi not in (203, 300, 600) or media not in MEDIA:
        raise ValueError(f"dpi must be 203, 300 or 600 and media one of {sorted(MEDIA)}")
    session = uow.session
    station = session.scalars(select(Station).where(Station.code == station_code)).first() if station_code else None
    if station_code and station is None:
        raise FleetError("no_station", station=station_code)
    spare = session.scalars(select(Printer).where(Printer.name == backup)).first() if backup else None
    if backup and spare is None:
        raise FleetError("no_printer", printer=backup)
    printer = Printer(name=name, url=url, dpi=dpi, media=media, location=location,
                      station_id=station.id if station else None, backup_id=spare.id if spare else None)
    session.add(printer)
    session.flush()
    uow.emit("printer_added", printer=name, url=url)
    uow.commit()
    return printer_view(printer)


# --- what the spooler reports ------------------------------------------------------------------

def backoff_seconds(attempts: int, base: float = 2.0, cap: float = 60.0) -> float:
    """2, 4, 8… seconds between tries of a refused job, at most a minute."""
    return min(cap, base * 2 ** max(0, attempts - 1))


def record_printer_status(printer: Printer, status: dict | None, problem: str) -> None:
    printer.status, printer.problem, printer.checked_at = status, problem, utcnow()
    printer.online = problem != "printer_offline"


def problem_words(problem: str, locale: str, status: dict | None = None) -> str:
    if problem == "printer_fault":
        faults = ", ".join(fault.replace("_", " ") for fault in (status or {}).get("faults") or ())
        return texts.text("printer.printer_fault", locale) + (f" ({faults})" if faults else "")
    key = f"printer.{problem}"
    return texts.text(key if key in texts.CATALOG else "printer.not_ready", locale)


def job_view(job: PrintJob, locale: str = "en") -> dict:
    printer = job.printer
    return {"job_id": job.id, "kind": job.kind, "status": str(job.status), "printer_id": job.printer_id,
            "printer": printer.name if printer is not None else None, "requested_by": job.requested_by,
            "attempts": job.attempts, "error": job.error, "reprint_of": job.reprint_of,
            "package_id": job.package_id, "return_id": job.return_id,
            "created_at": job.created_at.isoformat() if job.created_at else None,
            "sent_at": job.sent_at.isoformat() if job.sent_at else None,
            "printed_at": job.printed_at.isoformat() if job.printed_at else None,
            "retry_at": job.retry_at.isoformat() if job.retry_at else None}


def printer_view(printer: Printer) -> dict:
    return {"id": printer.id, "name": printer.name, "url": printer.url, "dpi": printer.dpi, "media": printer.media,
            "location": printer.location, "station_id": printer.station_id, "backup_id": printer.backup_id,
            "active": printer.active, "online": printer.online, "problem": printer.problem,
            "status": printer.status,
            "checked_at": printer.checked_at.isoformat() if printer.checked_at else None}


def retry_time(attempts: int):
    return utcnow() + timedelta(seconds=backoff_seconds(attempts))
