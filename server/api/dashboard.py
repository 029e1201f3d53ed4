"""Supervisor dashboard: the page, its JSON snapshot, and the ``/dashboard`` namespace."""
from __future__ import annotations

import logging
import threading
from functools import wraps
from typing import NamedTuple

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_socketio import ConnectionRefusedError, Namespace, emit, join_room

from server.extensions import socketio
from server import feed
from server.i18n import current_locale
from wire import texts

log = logging.getLogger(__name__)
bp = Blueprint("dashboard", __name__)
# How often this process checks its open dashboards' users against the database: a password
# reset, role change or deactivation made anywhere (another process, the CLI without Redis)
# ends their sockets within this many seconds; with Redis it is at once (auth.disconnect_user_sockets).
REVALIDATE_EVERY = 5.0
SUPERVISING_ROLES = ("supervisor", "admin")


def supervisors_only(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if current_user.role not in SUPERVISING_ROLES:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/")
def home():
    """Each role's own start page: supervisors the dashboard, a returns clerk the returns pages."""
    from server.web.access import landing_for

    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    return redirect(landing_for(current_user.role))


# The catalog sections the page's script names codes with (no code reaches the screen).
PAGE_WORDS = ("printer", "printer_state", "role", "scanner", "scale_state", "status.order", "channel", "reason")


def page_words(locale: str) -> dict:
    words = {prefix: texts.section(prefix, locale) for prefix in PAGE_WORDS}
    words["web"] = texts.section("web", locale)
    # Times in the floor's zone, as the server-rendered pages show them (not the browser's).
    words["timezone"] = str(current_app.extensions["colis"].timezone)
    return words


@bp.get("/dashboard")
@supervisors_only
def page():
    locale = current_locale()
    return render_template("dashboard.html", locale=locale, words=page_words(locale))


@bp.get("/dashboard/snapshot.json")
@supervisors_only
def snapshot():
    floor = current_app.extensions["colis"]
    with floor.session_factory() as session:
        history = feed.recent(session)
    return jsonify({**floor.snapshot(), "history": history})


class DashboardNamespace(Namespace):
    """Read-only live feed. Only signed-in supervisors and admins may connect."""

    def on_connect(self, auth=None):
        if not current_user.is_authenticated or current_user.role not in SUPERVISING_ROLES:
            raise ConnectionRefusedError("unauthorized")
        from server.api.station_ns import sweep_stale_presence

        sweep_stale_presence(current_app)
        join_room("supervisors")
        app = current_app._get_current_object()
        with _lock:
            _owners[request.sid] = Owner(app, current_user.user_id, current_user.session_version)
        current_app.extensions["colis_sockets"].add(current_user.user_id, request.sid)
        _start_revalidation()
        # Every (re)connect starts from the database: counters, charts and the feed's recent
        # history, so a page that was away never drifts silently.
        floor = current_app.extensions["colis"]
        with floor.session_factory() as session:
            history = feed.recent(session)
        emit("floor_update", {"events": [], "snapshot": floor.snapshot(fresh_charts=True), "history": history})

    def on_disconnect(self, reason=None):
        with _lock:
            owner = _owners.pop(request.sid, None)
        if owner is not None:
            current_app.extensions["colis_sockets"].remove(owner.user_id, request.sid)


class Owner(NamedTuple):
    app: object
    user_id: int
    session_version: int


# sid -> whose it is, for the sockets this process holds (a disconnect is seen where it happens).
_owners: dict[str, Owner] = {}
_lock = threading.Lock()
_revalidating = False


def revoked_sockets() -> list[str]:
    """This process's dashboard sockets whose user was since signed out, reset, demoted or
    deactivated (their session version moved on, or they no longer supervise)."""
    from sqlalchemy import select

    from server.models import User

    with _lock:
        owners = dict(_owners)
    by_app: dict[object, dict[str, Owner]] = {}
    for sid, owner in owners.items():
        by_app.setdefault(owner.app, {})[sid] = owner
    revoked = []
    for app, sockets in by_app.items():
        ids = {owner.user_id for owner in sockets.values()}
        try:
            with app.extensions["colis"].session_factory() as session:
                rows = session.execute(select(User.id, User.session_version, User.active, User.role)
                                       .where(User.id.in_(ids))).all()
        except Exception:  # noqa: BLE001 - one floor's database down: the others are still checked
            log.exception("dashboard sockets: could not revalidate %d socket(s)", len(sockets))
            continue
        valid = {row.id: row.session_version for row in rows if row.active and row.role in SUPERVISING_ROLES}
        revoked += [sid for sid, owner in sockets.items() if valid.get(owner.user_id) != owner.session_version]
    return revoked


def revalidate() -> int:
    """Disconnect the revoked sockets of this process; returns how many."""
    revoked = revoked_sockets()
    for sid in revoked:
        socketio.server.disconnect(sid, namespace="/dashboard")
    return len(revoked)


def _start_revalidation() -> None:
    global _revalidating
    with _lock:
        if _revalidating:
            return
        _revalidating = True
    socketio.start_background_task(_revalidation_loop)


def _revalidation_loop() -> None:
    """Runs while this process holds dashboard sockets; the next connect starts it again."""
    global _revalidating
    while True:
        socketio.sleep(REVALIDATE_EVERY)
        with _lock:
            if not _owners:
                _revalidating = False
                return
        try:
            revalidate()
        except Exception:  # noqa: BLE001 - a database hiccup: the next round tries again
            log.exception("dashboard sockets: revalidation failed")
