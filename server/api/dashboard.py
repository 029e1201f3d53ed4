"""Supervisor dashboard: the page, its JSON snapshot, and the ``/dashboard`` namespace."""
from __future__ import annotations

from functools import wraps

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from server.i18n import current_locale, t

bp = Blueprint("dashboard", __name__)
SUPERVISING_ROLES = ("supervisor", "admin")


def supervisors_only(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role not in SUPERVISING_ROLES:
            abort(403, t("not_allowed"))
        return view(*args, **kwargs)

    return wrapper


@bp.get("/")
def home():
    return redirect(url_for("dashboard.page"))


@bp.get("/dashboard")
@supervisors_only
def page():
    return render_template("dashboard.html", locale=current_locale())


@bp.get("/dashboard/snapshot.json")
@supervisors_only
def snapshot():
    return jsonify(current_app.extensions["colis"].snapshot())


class DashboardNamespace(Namespace):
    """Read-only live feed. Only signed-in supervisors and admins may connect."""

    def on_connect(self, auth=None):
        if not current_user.is_authenticated or current_user.role not in SUPERVISING_ROLES:
            raise ConnectionRefusedError("unauthorized")
        join_room("supervisors")
        _owners[request.sid] = current_user.user_id
        current_app.extensions["colis_sockets"].add(current_user.user_id, request.sid)
        emit("floor_update", {"events": [], "snapshot": current_app.extensions["colis"].snapshot()})

    def on_disconnect(self, reason=None):
        user_id = _owners.pop(request.sid, None)
        if user_id is not None:
            current_app.extensions["colis_sockets"].remove(user_id, request.sid)


# sid -> user id, for the sockets this process holds (a disconnect is seen where it happens).
_owners: dict[str, int] = {}
