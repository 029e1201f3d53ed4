"""Users and roles, for admins: create, disable or enable, reset a password, issue a badge.

Every change that should end a user's sessions (password, role, disabling) bumps their
session version (services/users.py) and closes their dashboards on every process."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from server.api.auth import client_address, disconnect_user_sockets
from server.domain.roles import USER_ROLES
from server.i18n import t
from server.models import User
from server.services import badges, users
from server.web.access import ADMINS, roles

bp = Blueprint("users_web", __name__)


def _floor():
    return current_app.extensions["colis"]


def _actor() -> str:
    return f"user:{current_user.username}"


@bp.get("/users")
@roles(*ADMINS)
def index():
    with _floor().session_factory() as session:
        rows = session.scalars(select(User).order_by(User.username)).all()
        return render_template("users.html", users=rows, roles=USER_ROLES)


@bp.post("/users")
@roles(*ADMINS)
def create():
    form = request.form
    username, password = form.get("username", "").strip()[:64], form.get("password", "")
    role, name = form.get("role", ""), form.get("display_name", "").strip()[:100]
    locale = form.get("locale", "fr") if form.get("locale") in ("fr", "en") else "fr"
    if not username or role not in USER_ROLES or not username.isprintable() or " " in username:
        flash(t("bad_form"), "error")
        return redirect(url_for("users_web.index"))
    if len(password) < 8:
        flash(t("password_too_short"), "error")
        return redirect(url_for("users_web.index"))
    with _floor().uow() as uow:
        if uow.session.scalars(select(User).where(User.username == username)).first() is not None:
            flash(t("username_taken"), "error")
            return redirect(url_for("users_web.index"))
        users.create_user(uow, username, password, role, display_name=name, locale=locale)
        uow.emit("user_saved", actor=_actor(), user=username, role=role, address=client_address())
        uow.commit()
    flash(t("user_saved", user=username), "ok")
    return redirect(url_for("users_web.index"))


def _username(user_id: int) -> str:
    with _floor().session_factory() as session:
        user = session.get(User, user_id)
        if user is None:
            abort(404)
        return user.username


@bp.post("/users/<int:user_id>/password")
@roles(*ADMINS)
def reset_password(user_id: int):
    username, password = _username(user_id), request.form.get("password", "")
    if len(password) < 8:
        flash(t("password_too_short"), "error")
        return redirect(url_for("users_web.index"))
    with _floor().uow() as uow:
        users.reset_password(uow, username, password, _actor(), client_address())
        uow.commit()
    disconnect_user_sockets(user_id)
    flash(t("password_changed", user=username), "ok")
    return redirect(url_for("users_web.index"))


@bp.post("/users/<int:user_id>/active")
@roles(*ADMINS)
def set_active(user_id: int):
    username, active = _username(user_id), request.form.get("active") == "1"
    if user_id == current_user.user_id and not active:
        flash(t("bad_form"), "error")  # an admin does not lock themselves out
        return redirect(url_for("users_web.index"))
    with _floor().uow() as uow:
        users.set_active(uow, username, active, _actor(), client_address())
        uow.commit()
    if not active:
        disconnect_user_sockets(user_id)
    flash(t("user_enabled" if active else "user_disabled", user=username), "ok")
    return redirect(url_for("users_web.index"))


@bp.post("/users/<int:user_id>/role")
@roles(*ADMINS)
def set_role(user_id: int):
    username, role = _username(user_id), request.form.get("role", "")
    if role not in USER_ROLES or user_id == current_user.user_id:
        flash(t("bad_form"), "error")  # an admin does not demote themselves by a slip
        return redirect(url_for("users_web.index"))
    with _floor().uow() as uow:
        users.change_role(uow, username, role, _actor(), client_address())
        uow.commit()
    disconnect_user_sockets(user_id)  # a demoted supervisor's dashboards close at once
    flash(t("user_saved", user=username), "ok")
    return redirect(url_for("users_web.index"))


@bp.post("/users/<int:user_id>/badge")
@roles(*ADMINS)
def issue_badge(user_id: int):
    username = _username(user_id)
    with _floor().uow() as uow:
        code = badges.issue_badge(uow, user_id, _actor())
        uow.commit()
    flash(t("badge_shown_once", user=username, badge=code), "secret")
    return redirect(url_for("users_web.index"))
