"""The customer's side: the order status page (signed link or a form), unsubscribing, and the
carriers' tracking webhook (UPS Track Alert).

``/track/<token>``: a link signed with the app's key and an expiry (STATUS_LINK_MAX_AGE_DAYS);
a tampered, expired or made-up link shows the form and nothing about any order. ``/track``
(POST): the order number with the postal code or the e-mail, limited per address like the
sign-in (TRACK_RATE_LIMIT). ``/carriers/ups/track-alert``: UPS posts one event per call with the
``credential`` header it was given at subscription (UPS_TRACK_ALERT_CREDENTIAL; unset: 404).
"""
from __future__ import annotations

import hmac

from flask import Blueprint, Response, current_app, jsonify, redirect, render_template, request, url_for
from markupsafe import escape

from server import customer_jobs
from server.api.auth import client_address
from server.domain.carrier_tracking import TrackingFormatError, parse_dpd_push, parse_ups_alert
from server.extensions import csrf
from server.i18n import current_locale
from server.models._types import utcnow
from server.services import outbox, status_page, tracking, unit_of_work
from server.services.status_links import address_from_token, order_from_token, rma_from_token, status_token
from wire import texts

bp = Blueprint("customer", __name__)
carriers_bp = Blueprint("carrier_webhooks", __name__, url_prefix="/carriers")
csrf.exempt(carriers_bp)  # authenticated by the credential UPS was given, not by a session


@bp.record_once
def _init(state) -> None:
    # New outbox rows are sent by a queue job once their transaction committed.
    unit_of_work.notify_hook = customer_jobs.enqueue_notifications


def _say(key: str, **params) -> str:
    return texts.text(key, current_locale(), **params)


def _form(message_key: str | None = None, status: int = 200):
    return render_template("track.html", say=_say, view=None, message=message_key, locale=current_locale(),
                           number=request.form.get("order", "")), status


def _rate() -> str:
    return str(current_app.config.get("TRACK_RATE_LIMIT") or "10 per minute")


@bp.route("/track", methods=["GET", "POST"])
def track_form():
    if request.method == "GET":
        return _form()
    limiter = current_app.extensions["colis_limiter"]
    with limiter.limit(_rate, key_func=client_address, scope="track"):
        with current_app.extensions["colis"].uow() as uow:
            order_id = status_page.find_order(uow.session, request.form.get("order", ""),
                                              request.form.get("postal_or_email", ""))
        if order_id is None:
            return _form("track.not_found", 404)
        return redirect(url_for("customer.track", token=status_token(current_app.config["SECRET_KEY"], order_id)))


@bp.get("/track/<token>")
def track(token: str):
    max_age = float(current_app.config.get("STATUS_LINK_MAX_AGE_DAYS", 60)) * 86400
    order_id = order_from_token(current_app.config["SECRET_KEY"], token, max_age)
    if order_id is None:
        return _form("track.link_invalid", 404)
    with current_app.extensions["colis"].uow() as uow:
        view = status_page.status_view(uow.session, order_id, utcnow().date())
    if view is None:
        return _form("track.link_invalid", 404)
    return render_template("track.html", say=_say, view=view, message=None, locale=current_locale(),
                           when=status_page.when, return_url=_return_url(view["reference"]),
                           support_url=current_app.config.get("SUPPORT_URL") or "mailto:support@colis.example")


@bp.get("/track/label/<token>.pdf")
def return_label(token: str):
    """The customer's return label, from the signed link of the "return authorised" message."""
    from server.services.refunds import find_return
    from server.web.returns_pages import label_response

    max_age = float(current_app.config.get("STATUS_LINK_MAX_AGE_DAYS", 60)) * 86400
    rma = rma_from_token(current_app.config["SECRET_KEY"], token, max_age)
    with current_app.extensions["colis"].uow() as uow:
        if rma is None or find_return(uow.session, rma) is None:
            return _form("track.link_invalid", 404)
    return label_response(rma)


def _return_url(reference: str) -> str:
    return f"{current_app.config.get('RETURN_START_PATH') or '/return'}?order={reference}"


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token: str):
    address = address_from_token(current_app.config["SECRET_KEY"], token)
    if address is None:
        return _form("track.link_invalid", 404)
    done = request.method == "POST"
    if done:  # a POST (the page's button, or RFC 8058 one-click): a mail scanner's GET changes nothing
        with current_app.extensions["colis"].uow() as uow:
            if outbox.opt_out(uow.session, address):
                uow.emit("customer_unsubscribed", actor="customer")
            uow.commit()
    return render_template("unsubscribe.html", say=_say, email=address, done=done, locale=current_locale())


@carriers_bp.post("/ups/track-alert")
def ups_track_alert():
    expected = current_app.config.get("UPS_TRACK_ALERT_CREDENTIAL")
    if not expected:
        return jsonify({"error": "UPS Track Alert is not configured"}), 404
    given = request.headers.get("credential", "")
    if not hmac.compare_digest(given.encode(), str(expected).encode()):
        return jsonify({"error": "bad credential"}), 401
    try:
        event = parse_ups_alert(request.get_json(silent=True))
    except TrackingFormatError as exc:
        return jsonify({"error": str(exc)}), 400
    with current_app.extensions["colis"].uow() as uow:
        applied = tracking.apply_events(uow, "ups", [event], "webhook")
        uow.commit()
    # 200 also for a duplicate or a parcel not ours: another status only makes UPS send it again.
    return jsonify({"stored": applied.stored, "duplicates": applied.duplicates, "unknown": applied.unknown})


@carriers_bp.route("/dpd/push/<token>", methods=["GET", "POST"])
def dpd_push(token: str):
    """DPD Tracking Push: DPD calls the URL it was given (the secret is in it), one status per
    call; the answer names the pushid with OK, else DPD sends it again."""
    expected = current_app.config.get("DPD_PUSH_TOKEN")
    if not expected or not hmac.compare_digest(token.encode(), str(expected).encode()):
        return jsonify({"error": "not found"}), 404
    try:
        event = parse_dpd_push(request.values)
    except TrackingFormatError as exc:
        return jsonify({"error": str(exc)}), 400
    with current_app.extensions["colis"].uow() as uow:
        tracking.apply_events(uow, "dpd", [event], "webhook")
        uow.commit()
    push_id = escape(str(request.values.get("pushid") or ""))[:64]
    return Response(f"<push><pushid>{push_id}</pushid><status>OK</status></push>", mimetype="application/xml")


# --- the promise watcher's decisions, for supervisors (docs/notifications.md) ---------------------

promises_bp = Blueprint("promises_api", __name__, url_prefix="/api/v1/promises")


def _decision_json(row) -> dict:
    from server.models import Order

    return {"id": row.id, "order": Order.reference_of(row.order_id), "action": row.action, "reason": row.reason,
            "cost_cents": row.cost_cents, "at": row.at.isoformat(), "before": row.before, "after": row.after,
            "expected_before": row.expected_before.isoformat() if row.expected_before else None,
            "expected_after": row.expected_after.isoformat() if row.expected_after else None,
            "undone_at": row.undone_at.isoformat() if row.undone_at else None, "undone_by": row.undone_by}


@promises_bp.get("")
def promise_decisions():
    """The watcher's recent decisions (``?order=CO-0000042`` for one order's)."""
    from server.api.rest import _supervisor_actor
    from server.models import Order
    from server.services import promises

    _supervisor_actor()
    reference = request.args.get("order")
    order_id = Order.id_from_reference(reference) if reference else None
    if reference and order_id is None:
        return jsonify({"error": f"{reference!r} is not an order number (CO-0000042)"}), 400
    with current_app.extensions["colis"].uow() as uow:
        return jsonify({"decisions": [_decision_json(row) for row in promises.decisions_of(uow.session, order_id)]})


@promises_bp.post("/<int:decision_id>/undo")
def undo_promise_decision(decision_id: int):
    """A supervisor puts back what a decision changed; the watcher then leaves that order alone."""
    from server.api.rest import _supervisor_actor
    from server.services import promises

    actor = _supervisor_actor()
    with current_app.extensions["colis"].uow() as uow:
        try:
            row = promises.undo(uow, decision_id, actor=actor)
        except promises.UndoRefused as exc:
            return jsonify({"error": str(exc)}), 409
        uow.commit()
        return jsonify(_decision_json(row))
