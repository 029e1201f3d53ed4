"""Web sign-in for supervisors, returns clerks and admins (Flask-Login, hashed passwords)."""
from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import UserMixin, current_user, login_required, login_user, logout_user

from server.extensions import login_manager, socketio
from server.i18n import t
from server.models import User
from server.services import users

bp = Blueprint("auth", __name__)


class WebUser(UserMixin):
    """The signed-in user as the web layer sees it (detached from any DB session)."""

    def __init__(self, user: User):
        self.user_id, self.username, self.role = user.id, user.username, user.role
        self.display_name, self.locale, self.session_version = user.display_name, user.locale, user.session_version

    def get_id(self) -> str:
        # The session version is part of the id: logging out bumps it, so every
        # cookie (and socket) issued before is refused afterwards.
        return f"{self.user_id}:{self.session_version}"


@login_manager.user_loader
def load_user(user_id: str) -> WebUser | None:
    uid, _, version = user_id.partition(":")
    with current_app.extensions["colis"].session_factory() as session:
        user = session.get(User, int(uid)) if uid.isdigit() else None
        if user is None or not user.active or str(user.session_version) != version:
            return None
        return WebUser(user)


login_manager.login_view = "auth.login"


@bp.route("/login", methods=["GET", "POST"])
def login():
    if request.method == "POST":
        username = request.form.get("username", "")[:64]
        with current_app.extensions["colis"].uow() as uow:
            user = users.check_login(uow, username, request.form.get("password", ""))
            web_user = WebUser(user) if user else None
            uow.emit("user_signed_in" if user else "sign_in_refused", actor=f"user:{username}",
                     address=request.remote_addr)
            uow.commit()
        if web_user:
            login_user(web_user)
            return redirect(_safe_next(request.args.get("next")))
        flash(t("bad_login"))
        return render_template("login.html"), 401
    return render_template("login.html")


@bp.post("/logout")
@login_required
def logout():
    user_id = current_user.user_id
    with current_app.extensions["colis"].uow() as uow:
        uow.session.get(User, user_id).session_version += 1
        uow.emit("user_signed_out", actor=f"user:{current_user.username}")
        uow.commit()
    logout_user()
    _disconnect_sockets(user_id)
    return redirect(url_for("auth.login"))


def _disconnect_sockets(user_id: int) -> None:
    # The registry knows sockets on every process; the message queue reaches them.
    for sid in current_app.extensions["colis_sockets"].sids(user_id):
        socketio.server.disconnect(sid, namespace="/dashboard")


def _safe_next(target: str | None) -> str:
    # Only local paths: never bounce a signed-in user to another site.
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("dashboard.page")
