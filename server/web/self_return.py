"""The customers' self-service return page (``/return``), open to anyone.

The customer proves the order is theirs with its number plus the delivery postal code or the
email address; then chooses lines, quantities and reasons, and gets the RMA and its PDF label.
Someone with only one of the two learns nothing: an unknown order, a wrong postal code and an
order not returnable get the same page, same status, after the same work. Attempts are limited
per address with Flask-Limiter's storage and strategy (``RETURNS_SELF_SERVICE_LIMIT``; Redis
when several processes run), and the proof lives 30 minutes in the signed session cookie.
"""
from __future__ import annotations

import hmac
import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from limits import parse

from server.api.auth import client_address
from server.domain.returns import RETURN_REASONS, ReturnNotAllowed
from server.models import Order
from server.services import returns
from server.services.refunds import find_return
from server.web.returns_pages import _returnable_lines, label_response, rt, wanted_from_form

bp = Blueprint("self_return", __name__)
PROOF_SECONDS = 30 * 60
RETURNABLE = ("shipped", "delivered")


def _over_the_limit() -> bool:
    limiter = current_app.extensions["colis_limiter"]
    rate = parse(str(current_app.config.get("RETURNS_SELF_SERVICE_LIMIT", "10 per minute")))
    # The app's key prefix (its SOCKETIO_CHANNEL) first, as Flask-Limiter's own limits have it:
    # the strategy called directly adds none, and floors (or parallel tests) sharing one Redis
    # counted each other's attempts.
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return not limiter.limiter.hit(rate, prefix, "self-return", client_address())


@bp.route("/return", methods=["GET", "POST"])
def start():
    if request.method == "GET":
        return render_template("return_self.html", step="start")
    if _over_the_limit():
        return render_template("return_self.html", step="start", refused=rt("self_too_many")), 429
    order_id = proven_order(request.form.get("order", ""), request.form.get("secret", ""))
    if order_id is None:
        return render_template("return_self.html", step="start", refused=rt("self_no_match")), 404
    session["self_return"] = {"order_id": order_id, "until": time.time() + PROOF_SECONDS}
    return redirect(url_for(".lines"))


def proven_order(reference: str, secret: str) -> int | None:
    """The order id when ``secret`` is its delivery postal code or its customer's email, and the
    order can be returned; else None (whichever part was wrong)."""
    order_id = Order.id_from_reference(reference[:40]) if reference else None
    with current_app.extensions["colis"].uow() as uow:
        order = uow.session.get(Order, order_id) if order_id and order_id < 2**31 else None
        postal = _plain(order.ship_address.postal_code) if order else "-"
        email = order.customer.email.strip().casefold() if order else "-"
        given = secret.strip()[:254]
        # Both compared every time, in constant time: the answer's timing does not say which failed.
        matches = hmac.compare_digest(_plain(given).encode(), postal.encode()) | hmac.compare_digest(
            given.casefold().encode(), email.encode())
        if order is None or not matches or not given or order.status not in RETURNABLE:
            return None
        return order.id


def _plain(postal_code: str) -> str:
    return "".join(postal_code.split()).upper()


def _proven() -> int | None:
    proof = session.get("self_return")
    if not isinstance(proof, dict) or float(proof.get("until", 0)) < time.time():
        return None
    return proof.get("order_id") if isinstance(proof.get("order_id"), int) else None


@bp.route("/return/lines", methods=["GET", "POST"])
def lines():
    order_id = _proven()
    if order_id is None:
        flash(rt("self_expired"), "error")
        return redirect(url_for(".start"))
    with current_app.extensions["colis"].uow() as uow:
        order = uow.session.get(Order, order_id)
        choices = _returnable_lines(uow.session, order)
        page = {"step": "lines", "order": order.reference, "lines": choices, "reasons": RETURN_REASONS}
        if request.method == "GET":
            return render_template("return_self.html", **page)
        wanted = wanted_from_form(request.form, choices)
        try:
            case = returns.open_return(uow, order.id, wanted, actor="customer", source="self_service")
            uow.commit()
        except ReturnNotAllowed as exc:
            why = rt("choose_lines") if not wanted else rt("refused", why=str(exc))
            return render_template("return_self.html", refused=why, **page), 422
        rma = case.rma
    session["self_return_rmas"] = (session.get("self_return_rmas") or [])[-9:] + [rma]
    return redirect(url_for(".done", rma=rma))


def _mine(rma: str) -> str:
    if rma not in (session.get("self_return_rmas") or []):
        abort(404)
    return rma


@bp.get("/return/done/<rma>")
def done(rma: str):
    return render_template("return_self.html", step="done", rma=_mine(rma))


@bp.get("/return/label/<rma>.pdf")
def label(rma: str):
    _mine(rma)
    with current_app.extensions["colis"].uow() as uow:
        if find_return(uow.session, rma) is None:
            abort(404)
    return label_response(rma)
