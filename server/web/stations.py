"""Stations: each one's state (operator, role, scanner, scale, printer, queued scans, last seen), its
history (recent scans and changes), and its key: issue a new one (shown once) or revoke it.
Also the returns clerk's landing until the returns desk's pages take it (issue 8)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_, select

from server.api.auth import client_address
from server.feed import describe, printer_words
from server.i18n import current_locale, t
from server.models import AuditEvent, ScanEvent, Station
from server.services.floor_stats import operators_signed_in
from server.services.stations import rekey_station, set_station_active
from server.web.access import RETURNS, SUPERVISING, roles

bp = Blueprint("stations_web", __name__)
HISTORY = 100


def _floor():
    return current_app.extensions["colis"]


def station_row(station: Station, locale: str, operator: str | None = None) -> dict:
    printer, level = printer_words(station.printer_status, locale)
    devices = station.device_status or {}
    return {"station": station, "printer": printer, "printer_level": level,
            "scanner": devices.get("scanner") or "unknown", "outbox": devices.get("outbox"),
            "scale": devices.get("scale") or "unknown", "scale_port": devices.get("scale_port"),
            "operator": operator}


@bp.get("/stations")
@roles(*SUPERVISING)
def index():
    with _floor().session_factory() as session:
        stations = session.scalars(select(Station).order_by(Station.code)).all()
        operators = operators_signed_in(session)
        return render_template("stations.html",
                               rows=[station_row(s, current_locale(), operators.get(s.id)) for s in stations])


@bp.get("/stations/<code>")
@roles(*SUPERVISING)
def show(code: str):
    with _floor().session_factory() as session:
        station = session.scalars(select(Station).where(Station.code == code)).first()
        if station is None:
            abort(404)
        scans = session.scalars(select(ScanEvent).where(ScanEvent.station_id == station.id)
                                .order_by(ScanEvent.id.desc()).limit(HISTORY)).all()
        changes = session.scalars(select(AuditEvent).where(or_(AuditEvent.subject == f"station:{code}",
                                                               AuditEvent.actor == f"station:{code}"))
                                  .order_by(AuditEvent.id.desc()).limit(HISTORY)).all()
        history = [(row.at, describe(dict(row.detail or {}, type=row.action), row.at)) for row in changes]
        operator = operators_signed_in(session).get(station.id)
        return render_template("station.html", row=station_row(station, current_locale(), operator), scans=scans,
                               history=[(at, line) for at, line in history if line is not None])


def _change(code: str, change, **kwargs):
    from server.api.station_ns import disconnect_station

    with _floor().uow() as uow:
        try:
            result = change(uow, code, actor=f"user:{current_user.username}", address=client_address(), **kwargs)
        except LookupError:
            abort(404)
        station = result[0] if isinstance(result, tuple) else result
        station_id = station.id
        uow.commit()
    disconnect_station(current_app._get_current_object(), station_id)
    return result


@bp.post("/stations/<code>/token")
@roles(*SUPERVISING)
def issue_token(code: str):
    _, token = _change(code, rekey_station)
    # Shown once, on the page that follows; never stored in clear.
    flash(t("token_shown_once", station=code, token=token), "secret")
    return redirect(url_for("stations_web.show", code=code))


@bp.post("/stations/<code>/revoke")
@roles(*SUPERVISING)
def revoke(code: str):
    _change(code, set_station_active, active=False)
    flash(t("station_revoked", station=code), "ok")
    return redirect(url_for("stations_web.show", code=code))


@bp.post("/stations/<code>/reactivate")
@roles(*SUPERVISING)
def reactivate(code: str):
    _change(code, set_station_active, active=True)
    flash(t("station_reactivated", station=code), "ok")
    return redirect(url_for("stations_web.show", code=code))


@bp.get("/returns-desk")
@roles(*RETURNS)
def returns_landing():
    return render_template("returns_landing.html", next=request.args.get("next"))
