"""``/imports``: the admins' CSV upload, with the same reading and rules as ``colis-server
import-orders`` and ``POST /api/v1/imports`` (server/services/intake/imports.py).

The file is imported into an integration's channel (its name), and the page answers with the
counts and every refused row, numbered as in the file. A file the reader cannot take as a
whole (no header, a required column missing) is refused naming why; nothing is lost: the
good orders of a file with bad rows are imported, and the same file again creates nothing."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, render_template, request
from flask_login import current_user
from sqlalchemy import select

from server.api.auth import client_address
from server.domain.intake.csv_orders import CsvFormatError
from server.i18n import t
from server.models import Integration
from server.services.intake.imports import import_orders
from server.web.access import ADMINS, roles

bp = Blueprint("imports_web", __name__)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


def _floor():
    return current_app.extensions["colis"]


def _channels() -> list[str]:
    with _floor().session_factory() as session:
        return list(session.scalars(select(Integration.name).where(Integration.active.is_(True))
                                    .order_by(Integration.name)))


@bp.get("/imports")
@roles(*ADMINS)
def index():
    return render_template("imports.html", channels=_channels(), report=None, error=None, chosen=None)


@bp.post("/imports")
@roles(*ADMINS)
def upload():
    channels = _channels()
    channel, upload_ = request.form.get("channel", ""), request.files.get("file")
    if channel not in channels:
        return _refused(channels, t("imports.bad_channel"))
    if upload_ is None or not upload_.filename:
        return _refused(channels, t("imports.no_file"))
    data = upload_.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        return _refused(channels, t("imports.too_big"), 413)
    hours = float(current_app.config.get("INTAKE_SHIP_WITHIN_HOURS", 24))
    try:
        report = import_orders(_floor(), channel, data, timedelta(hours=hours))
    except CsvFormatError as exc:
        return _refused(channels, t("imports.bad_file", reason=str(exc)))
    _audit(channel, upload_.filename, report)
    return render_template("imports.html", channels=channels, report=report, error=None,
                           filename=upload_.filename[:120], chosen=channel)


def _refused(channels: list[str], why: str, status: int = 400):
    return render_template("imports.html", channels=channels, report=None, error=why, chosen=None), status


def _audit(channel: str, filename: str, report) -> None:
    with _floor().uow() as uow:
        uow.emit("orders_imported", actor=f"user:{current_user.username}", channel=channel, file=filename[:120],
                 outcomes=dict(report.outcomes), refused_rows=len(report.errors), address=client_address())
        uow.commit()
