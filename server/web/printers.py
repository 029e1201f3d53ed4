"""The printer fleet's page (supervisors): each printer's state, the recent print jobs with
who asked, where and what happened, a station's printer and backup, and a reprint to any
printer. The spooler (server/printspool.py, started by the server commands) does the sending."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from server.feed import who
from server.i18n import current_locale, t
from server.models import Order, Package, PrintJob, Printer, Return, Station
from server.services import printers as fleet
from wire import texts

bp = Blueprint("printers_web", __name__)
SUPERVISING = ("supervisor", "admin")
HISTORY = 50


def init_app(app) -> None:
    app.register_blueprint(bp)


def start_spooler(app):
    """Start this process's print spooler (once), unless PRINT_SPOOLER is off. Called by the
    server commands (serve, run, the demo), not by every app built: a CLI command's process
    would exit in the middle of a send."""
    if "colis_spooler" in app.extensions or not app.config.get("PRINT_SPOOLER", True):
        return app.extensions.get("colis_spooler")
    from sqlalchemy import inspect

    from server.printspool import PrintSpooler

    floor = app.extensions["colis"]
    app.extensions["colis_spooler"] = PrintSpooler(
        floor.uow, tick=float(app.config.get("PRINT_SPOOLER_TICK", 1.0)),
        watch_every=float(app.config.get("PRINTER_WATCH_SECONDS", 5.0)),
        ready=lambda: inspect(floor.engine).has_table("printers")).start()
    return app.extensions["colis_spooler"]


def _supervisor() -> None:
    if not current_user.is_authenticated or current_user.role not in SUPERVISING:
        abort(403)


@bp.get("/printers")
@login_required
def index():
    _supervisor()
    locale = current_locale()
    with current_app.extensions["colis"].session_factory() as session:
        printers = list(session.scalars(select(Printer).order_by(Printer.name)))
        stations = list(session.scalars(select(Station).where(Station.active.is_(True)).order_by(Station.code)))
        jobs = list(session.scalars(select(PrintJob).order_by(PrintJob.id.desc()).limit(HISTORY)))
        names = {p.id: p.name for p in printers}
        codes = {s.id: s.code for s in stations}
        return render_template("printers.html", locale=locale, printers=printers, stations=stations,
                               states={p.id: _state(p, locale) for p in printers}, names=names, codes=codes,
                               jobs=[_job_row(session, job, names, codes, locale) for job in jobs])


@bp.post("/printers/assign")
@login_required
def assign():
    _supervisor()
    station, printer, backup = (request.form.get(key, "") for key in ("station", "printer", "backup"))
    if not (station.isdigit() and printer.isdigit() and (backup == "" or backup.isdigit())):
        flash(texts.text("fleet.bad_form", current_locale()), "error")
        return redirect(url_for("printers_web.index"))
    with current_app.extensions["colis"].uow() as uow:
        try:
            view = fleet.assign_printers(uow, int(station), int(printer), int(backup) if backup else None,
                                         current_user.user_id)
        except fleet.FleetError as exc:
            flash(exc.words(current_locale()), "error")
            return redirect(url_for("printers_web.index"))
    with current_app.extensions["colis"].session_factory() as session:
        backup_name = session.get(Printer, view["backup_id"]).name if view["backup_id"] else t("fleet.none")
        flash(texts.text("fleet.assigned", current_locale(), printer=view["name"], backup=backup_name,
                         station=session.get(Station, view["station_id"]).code), "ok")
    return redirect(url_for("printers_web.index"))


@bp.post("/printers/jobs/<int:job_id>/reprint")
@login_required
def reprint(job_id: int):
    _supervisor()
    printer_id = request.form.get("printer", "")
    with current_app.extensions["colis"].uow() as uow:
        job = uow.session.get(PrintJob, job_id)
        if job is None or not printer_id.isdigit():
            abort(404)
        try:
            if job.package_id is not None:
                view = fleet.reprint_label(uow, job.package_id, int(printer_id), current_user.user_id)
            elif job.return_id is not None:
                view = fleet.print_return_label(uow, job.return_id, int(printer_id))
            else:
                abort(404)
        except fleet.FleetError as exc:
            flash(exc.words(current_locale()), "error")
            return redirect(url_for("printers_web.index"))
    spooler = current_app.extensions.get("colis_spooler")
    if spooler is not None:
        spooler.wake()  # sent now, not at the next tick
    flash(texts.text("fleet.queued", current_locale(), printer=view["printer"]), "ok")
    return redirect(url_for("printers_web.index"))


@bp.post("/printers/jobs/<int:job_id>/cancel")
@login_required
def cancel(job_id: int):
    _supervisor()
    with current_app.extensions["colis"].uow() as uow:
        try:
            fleet.cancel_job(uow, job_id, current_user.user_id)
        except fleet.FleetError as exc:
            flash(exc.words(current_locale()), "error")
            return redirect(url_for("printers_web.index"))
    flash(texts.text("fleet.cancelled", current_locale(), job=job_id), "ok")
    return redirect(url_for("printers_web.index"))


def _state(printer: Printer, locale: str) -> tuple[str, str]:
    """(css level, words) of a printer's last status."""
    if printer.checked_at is None:
        return "", texts.text("web.fleet.not_checked", locale)
    if not printer.problem:
        return "ok", texts.text("web.fleet.ready", locale)
    return "bad", fleet.problem_words(printer.problem, locale, printer.status)


def _job_row(session, job: PrintJob, names: dict, codes: dict, locale: str) -> dict:
    if job.printer_id is not None:
        where = names.get(job.printer_id, "?")
    else:
        where = f"{texts.text('web.fleet.station_prefix', locale)} {codes.get(job.station_id, '?')}"
    return {"id": job.id, "what": _what(session, job, locale), "where": where,
            "who": who(job.requested_by, locale) if job.requested_by else "–",
            "when": job.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            "status": texts.text(f"web.fleet.job.{job.status}", locale), "failed": job.status == "failed",
            "attempts": job.attempts, "why": _why(job, locale), "can_reprint": bool(job.package_id or job.return_id),
            "can_cancel": job.printer_id is not None and job.status in ("queued", "failed")}


def _what(session, job: PrintJob, locale: str) -> str:
    kind = texts.text(f"web.fleet.kind.{job.kind}", locale) if f"web.fleet.kind.{job.kind}" in texts.CATALOG else job.kind
    if job.package_id is not None:
        package = session.get(Package, job.package_id)
        order = session.get(Order, package.order_id) if package else None
        return f"{kind} · {order.reference if order else job.package_id}"
    if job.return_id is not None:
        case = session.get(Return, job.return_id)
        return f"{kind} · {case.rma if case else job.return_id}"
    return kind


def _why(job: PrintJob, locale: str) -> str:
    """The stored reasons ("ZD-1: paper_out; ZD-2: printer_offline") in words; never a raw code."""
    if not job.error:
        return ""
    parts = []
    for part in job.error.split("; "):
        printer, _, problem = part.rpartition(": ")
        words = fleet.problem_words(problem.strip(), locale)
        parts.append(f"{printer}: {words}" if printer else words)
    return "; ".join(parts)
