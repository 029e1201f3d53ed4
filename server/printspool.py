"""The server's print spooler: sends fleet print jobs to their printers, and watches the printers.

For each job: read the printer's ``~HS`` (and ``~HQES`` where the transport can) before
sending; a printer that is out of paper, open, out of ribbon, paused, faulted or not
answering is not sent anything. The job then goes to the printer's backup if it has one
and the backup is ready; otherwise it stays ``failed`` with the reason in words and a
time to try again (2, 4, 8… s, at most a minute): no label is lost. After sending to a
printer that answers ``~HS``, the job is ``printed`` once the printer's buffer is empty;
through a transport that cannot say (CUPS queue without a socket device, a file) it stays
``sent``.

The database is never held during I/O: a job is claimed (its ``retry_at`` moved forward,
so a second spooler skips it), sent with no transaction open, then recorded.
The drivers are station/drivers' (one interface, chosen by URL).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict, dataclass, replace
from datetime import timedelta
from typing import Callable

from sqlalchemy import or_, select, update

from server.models import PrintJob, Printer
from server.models._types import utcnow
from server.services import printers as fleet
from server.services.unit_of_work import UnitOfWork
from station.drivers import PrinterError, PrinterOffline, PrinterStatus, open_printer
from station.drivers.status import describe
from wire.contract import MAX_PRINT_ERROR_CHARS, PRINTER_PROBLEMS

log = logging.getLogger(__name__)
CLAIM_SECONDS = 30.0  # a claimed job is skipped by other spoolers this long (a crash frees it)


@dataclass(frozen=True)
class Attempt:
    printer_id: int
    printer: str
    sent: bool
    printed: bool = False
    problem: str = ""          # "", paper_out, head_open, printer_offline, printer_fault...
    status: dict | None = None  # the PrinterStatus read, as a dict


def check(driver) -> PrinterStatus:
    """``~HS``, then ``~HQES`` for the faults ``~HS`` has no flag for (when the driver can ask)."""
    status = driver.status()
    if status.ready and hasattr(driver, "errors"):
        faults = driver.errors()
        if faults:
            status = replace(status, faults=tuple(faults))
    return status


def problem_of(status: PrinterStatus) -> str:
    if not status.online:
        return "printer_offline"
    named = next((name for name in PRINTER_PROBLEMS if getattr(status, name)), "")
    return named or ("printer_fault" if status.faults else "")


def try_printer(printer_id: int, name: str, url: str, job: bytes, *, opener=open_printer,
                confirm_timeout: float = 2.0) -> Attempt:
    """One printer, one job: check, send if ready, wait for the buffer to empty (bounded)."""
    try:
        driver = opener(url)
    except ValueError as exc:
        return Attempt(printer_id, name, sent=False, problem="printer_error", status={"detail": str(exc)})
    try:
        status = check(driver)
        if problem_of(status):
            return Attempt(printer_id, name, sent=False, problem=problem_of(status), status=_as_dict(status))
        driver.send(job)
        printed, status = _confirm(driver, status, confirm_timeout)
        return Attempt(printer_id, name, sent=True, printed=printed, status=_as_dict(status))
    except PrinterOffline as exc:
        return Attempt(printer_id, name, sent=False, problem="printer_offline", status={"detail": str(exc)[:200]})
    except PrinterError as exc:
        status = getattr(exc, "status", None)
        problem = problem_of(status) if status is not None else "printer_error"
        return Attempt(printer_id, name, sent=False, problem=problem or "printer_error",
                       status=_as_dict(status) if status is not None else {"detail": str(exc)[:200]})
    finally:
        driver.close()


def _confirm(driver, status: PrinterStatus, timeout: float) -> tuple[bool, PrinterStatus]:
    if status.formats_in_buffer is None:
        return False, status  # the transport cannot say (CUPS, file): the job stays "sent"
    deadline = time.monotonic() + timeout
    while True:
        try:
            status = driver.status()
        except PrinterError:
            return False, status
        if status.idle or time.monotonic() >= deadline:
            return status.idle, status
        time.sleep(0.05)


def _as_dict(status: PrinterStatus) -> dict:
    return {key: value for key, value in asdict(status).items() if value not in (None, (), "")} | {
        "faults": list(status.faults), "online": status.online}


# --- jobs -------------------------------------------------------------------------------------

def claim(uow: UnitOfWork, job_id: int) -> list[tuple[int, str, str]] | None:
    """Claim a queued/failed fleet job that is due; its printer and backup (id, name, url), or None."""
    now = utcnow()
    claimed = uow.session.execute(
        update(PrintJob).where(PrintJob.id == job_id, PrintJob.printer_id.is_not(None),
                               PrintJob.status.in_(("queued", "failed")),
                               or_(PrintJob.retry_at.is_(None), PrintJob.retry_at <= now))
        .values(retry_at=now + timedelta(seconds=CLAIM_SECONDS))).rowcount
    if claimed != 1:
        return None
    job = uow.session.get(PrintJob, job_id)
    targets = [job.printer]
    backup = uow.session.get(Printer, job.printer.backup_id) if job.printer.backup_id else None
    if backup is not None and backup.active and backup.id != job.printer.id:
        targets.append(backup)
    plan = [(p.id, p.name, p.url) for p in targets]
    uow.commit()
    return plan


def deliver(uow_factory: Callable[[], UnitOfWork], job_id: int, *, opener=open_printer,
            confirm_timeout: float = 2.0) -> dict | None:
    """Send one fleet job (its printer, else its backup); record what happened. None if not due."""
    with uow_factory() as uow:
        targets = claim(uow, job_id)
        if targets is None:
            return None
        zpl = uow.session.get(PrintJob, job_id).zpl.encode("utf-8")
    attempts: list[Attempt] = []
    for printer_id, name, url in targets:
        attempts.append(try_printer(printer_id, name, url, zpl, opener=opener, confirm_timeout=confirm_timeout))
        if attempts[-1].sent:
            break
    with uow_factory() as uow:
        view = record(uow, job_id, attempts)
    if view["status"] == "printed" or (view["status"] == "sent" and view.get("station_id") is not None):
        release_waiting_station(uow_factory, job_id)
    return view


def backup_key(uow_factory: Callable[[], UnitOfWork], station_id: int, *, opener=open_printer) -> dict:
    """The answer to the operator's backup key, once the moved labels were sent: the station's
    screen (the next parcel when the backup printed them) saying where the label is, or why
    the backup could not print it either (it stays the spooler's)."""
    from server.domain.scenarios.engine import error, ok
    from server.models import Station
    from server.services import steps

    views = send_to_backup_now(uow_factory, station_id, opener=opener)
    with uow_factory() as uow:
        station = uow.session.get(Station, station_id)
        backup = fleet.fleet_backup(uow.session, station_id)
        name = backup.name if backup is not None else "?"
        refused = next((view for view in views if view["status"] not in ("printed", "sent")), None)
        if refused is None:
            say = ok("label_on_backup", printer=name)
        else:  # "ZD-SPARE: paper_out" (the backup's own backup, if any, after a "; ")
            problem = refused["error"].split(";")[0].rpartition(": ")[2]
            say = error("label_backup_failed", printer=name, error=problem)
        screen = steps.current_screen(uow, station, say)
        uow.commit()
        return screen


def send_to_backup_now(uow_factory: Callable[[], UnitOfWork], station_id: int, *,
                       opener=open_printer, confirm_timeout: float = 1.0) -> list[dict]:
    """The operator pressed the backup key: send the station's labels just moved to the fleet at
    once, not at the spooler's next tick, so the answer to the key can say whether they printed.
    A label the backup cannot print either stays the spooler's (retried with backoff)."""
    with uow_factory() as uow:
        jobs = list(uow.session.scalars(
            select(PrintJob.id).where(PrintJob.station_id == station_id, PrintJob.printer_id.is_not(None),
                                      PrintJob.status.in_(("queued", "failed")), PrintJob.retry_at.is_(None))
            .order_by(PrintJob.id)))
    return [view for job_id in jobs
            if (view := deliver(uow_factory, job_id, opener=opener, confirm_timeout=confirm_timeout)) is not None]


def release_waiting_station(uow_factory: Callable[[], UnitOfWork], job_id: int) -> None:
    """A fleet job that reprints a station's label not printed yet (paper out at the bench, the
    supervisor sent it to another printer): that label came out, so the station's job is
    confirmed printed as the station itself would — the parcel ships, the bench goes on (the
    station sees it at its next heartbeat or key)."""
    from server.services import printing

    with uow_factory() as uow:
        job = uow.session.get(PrintJob, job_id)
        if job.station_id is not None:  # the station's own label, moved by its backup key
            printing.printed_elsewhere(uow, job.id)
            return
        original = uow.session.get(PrintJob, job.reprint_of) if job.reprint_of else None
        if original is None or original.station_id is None or original.status not in ("queued", "failed"):
            return
        from server.models import Station

        printing.confirm_print(uow, uow.session.get(Station, original.station_id), original.id, ok=True)


def record(uow: UnitOfWork, job_id: int, attempts: list[Attempt]) -> dict:
    """What the printers said and did with the job, on the job and on each printer (commits)."""
    session = uow.session
    job = session.get(PrintJob, job_id)
    for attempt in attempts:
        fleet.record_printer_status(session.get(Printer, attempt.printer_id), attempt.status, attempt.problem)
    job.attempts += 1
    done = attempts[-1]
    first = attempts[0]
    if done.sent:
        job.printer_id, job.sent_at, job.retry_at, job.error = done.printer_id, utcnow(), None, ""
        job.status = "printed" if done.printed else "sent"
        if done.printed:
            job.printed_at = utcnow()
        if done is not first:
            uow.emit("print_job_failed_over", job_id=job.id, printer=first.printer, backup=done.printer,
                     error=first.problem)
        uow.emit(f"print_job_{job.status}", job_id=job.id, printer=done.printer, kind=job.kind)
    else:
        job.status, job.retry_at = "failed", fleet.retry_time(job.attempts)
        job.error = "; ".join(f"{a.printer}: {a.problem}" for a in attempts)[:MAX_PRINT_ERROR_CHARS]
        uow.emit("print_job_refused", job_id=job.id, printer=first.printer, error=first.problem,
                 retry_in=round(fleet.backoff_seconds(job.attempts)))
    view = fleet.job_view(job)
    view["words"] = words(attempts, job, "en")
    view["station_id"] = job.station_id
    uow.commit()
    return view


def words(attempts: list[Attempt], job: PrintJob, locale: str) -> str:
    """What happened to a job, in a sentence a person reads (FR/EN)."""
    from wire import texts

    first, done = attempts[0], attempts[-1]
    if done.sent and done is not first:
        return texts.text("fleet.failed_over", locale, printer=first.printer, backup=done.printer,
                          problem=fleet.problem_words(first.problem, locale, first.status))
    if done.sent:
        return texts.text(f"fleet.{'printed' if done.printed else 'sent'}", locale, printer=done.printer)
    return texts.text("fleet.refused", locale, printer=first.printer,
                      problem=fleet.problem_words(first.problem, locale, first.status),
                      seconds=round(fleet.backoff_seconds(job.attempts)))


def due_jobs(uow: UnitOfWork) -> list[int]:
    now = utcnow()
    return list(uow.session.scalars(
        select(PrintJob.id).where(PrintJob.printer_id.is_not(None), PrintJob.status.in_(("queued", "failed")),
                                  or_(PrintJob.retry_at.is_(None), PrintJob.retry_at <= now))
        .order_by(PrintJob.id).limit(100)))


# --- printers ---------------------------------------------------------------------------------

def watch(uow_factory: Callable[[], UnitOfWork], *, opener=open_printer) -> list[dict]:
    """Ask every active fleet printer for its status; record it. Returns the printers that changed."""
    with uow_factory() as uow:
        fleet_now = [(p.id, p.url) for p in uow.session.scalars(select(Printer).where(Printer.active.is_(True)))]
    readings = {printer_id: _read(url, opener) for printer_id, url in fleet_now}
    changed = []
    with uow_factory() as uow:
        for printer_id, (problem, status) in readings.items():
            printer = uow.session.get(Printer, printer_id)
            if printer is None:
                continue
            before = (printer.online, printer.problem)
            fleet.record_printer_status(printer, status, problem)
            if before != (printer.online, printer.problem):
                changed.append({"printer": printer.name, "online": printer.online, "problem": problem})
                uow.emit("printer_changed", printer=printer.name, online=printer.online, error=problem or "ready")
        uow.commit()
    return changed


def _read(url: str, opener) -> tuple[str, dict]:
    try:
        driver = opener(url)
        try:
            status = check(driver)
        finally:
            driver.close()
    except (PrinterError, ValueError) as exc:
        return "printer_offline" if isinstance(exc, PrinterOffline) else "printer_error", {"detail": str(exc)[:200]}
    return problem_of(status), _as_dict(status) | {"words": describe(status)}


class PrintSpooler:
    """A thread: sends due fleet jobs at once when woken, and every ``tick`` seconds; reads every
    printer's status every ``watch_every`` seconds (a printer that stops answering is offline
    within that time plus its socket timeout)."""

    def __init__(self, uow_factory: Callable[[], UnitOfWork], *, tick: float = 1.0, watch_every: float = 5.0,
                 opener=open_printer, ready: Callable[[], bool] = lambda: True):
        self.uow_factory, self.tick, self.watch_every, self.opener = uow_factory, tick, watch_every, opener
        self.ready = ready  # False until the schema is there (an app is built before `init-db`)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> PrintSpooler:
        self._thread = threading.Thread(target=self._run, daemon=True, name="print-spooler")
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5.0)

    def _schema_ready(self) -> bool:
        try:
            return self.ready()
        except Exception:  # the database not reachable yet: asked again next tick
            return False

    def run_once(self) -> list[dict]:
        with self.uow_factory() as uow:
            jobs = due_jobs(uow)
        return [view for job_id in jobs
                if (view := deliver(self.uow_factory, job_id, opener=self.opener)) is not None]

    def _run(self) -> None:
        watched = 0.0
        while not self._stop.is_set() and not self._schema_ready():
            self._wake.wait(self.tick)
            self._wake.clear()
        while not self._stop.is_set():
            try:
                if time.monotonic() - watched >= self.watch_every:
                    watched = time.monotonic()
                    watch(self.uow_factory, opener=self.opener)
                self.run_once()
            except Exception:  # a database hiccup must not end the spooler: logged, tried again
                log.exception("print spooler pass failed")
            self._wake.wait(self.tick)
            self._wake.clear()
