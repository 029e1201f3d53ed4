"""REST API ``/api/v1``. Health for probes; more endpoints arrive with intake issues."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("rest", __name__, url_prefix="/api/v1")


@bp.get("/health")
def health():
    """Liveness and database reachability, for load balancers and ``make demo``."""
    try:
        with current_app.extensions["colis"].engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        database = "ok"
    except Exception as exc:  # noqa: BLE001 - any DB failure means "not healthy"
        current_app.logger.warning("health check: database unreachable: %s", exc)
        database = "unreachable"
    status = 200 if database == "ok" else 503
    return jsonify({"status": "ok" if status == 200 else "degraded", "database": database}), status


# --- waves (docs/picking.md) ------------------------------------------------------------

def _supervisor_actor() -> str:
    from flask import abort
    from flask_login import current_user

    from server.api.dashboard import SUPERVISING_ROLES

    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in SUPERVISING_ROLES:
        abort(403)
    return f"user:{current_user.username}"


def _problem(status: int, detail: str):
    return jsonify({"error": detail}), status


@bp.get("/waves")
def waves_state():
    """The release policy, how many orders wait for a wave and tasks for a station, recent waves."""
    from server.services import waves

    _supervisor_actor()
    with current_app.extensions["colis"].uow() as uow:
        backlog = waves.backlog(uow)
        return jsonify({"kind": backlog.kind, "keep_waiting": backlog.keep_waiting,
                        "unreleased": backlog.unreleased, "waiting": backlog.waiting,
                        "recent": waves.recent_waves(uow)})


@bp.post("/waves")
def release_wave():
    """Release the next wave: ``{"max_orders": N}`` (nearest carrier cut-off first)."""
    from flask import request

    from server.services import waves

    actor = _supervisor_actor()
    body = request.get_json(silent=True) or {}
    max_orders = body.get("max_orders")
    if isinstance(max_orders, bool) or not isinstance(max_orders, int) or max_orders < 1:
        return _problem(400, "max_orders must be a whole number of at least 1")
    with current_app.extensions["colis"].uow() as uow:
        wave = waves.release_wave(uow, max_orders, actor=actor)
        uow.commit()
        if wave is None:
            return jsonify({"wave": None, "orders": 0})
        return jsonify({"wave": wave.id, "orders": wave.orders}), 201


@bp.put("/waves/policy")
def set_release_policy():
    """``{"keep_waiting": N}`` auto-release, ``0`` manual waves only, ``null`` every order at once."""
    from flask import request

    from server.services import waves

    actor = _supervisor_actor()
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "keep_waiting" not in body:
        return _problem(400, "send {\"keep_waiting\": N}, 0 (manual waves) or null (release at once)")
    keep = body["keep_waiting"]
    if keep is not None and (isinstance(keep, bool) or not isinstance(keep, int)):
        return _problem(400, "keep_waiting must be a whole number or null")
    with current_app.extensions["colis"].uow() as uow:
        try:
            wave = waves.set_policy(uow, "pick", keep, actor=actor)
        except ValueError as exc:
            return _problem(400, str(exc))
        uow.commit()
        return jsonify({"keep_waiting": keep, "released": wave.orders if wave else 0})


@bp.post("/orders/<reference>/cancel")
def cancel_order(reference: str):
    """Cancel an order no station has started; its reservations are released."""
    from flask import request

    from server.models import Order
    from server.services.allocation import CannotCancel, cancel_order as cancel

    actor = _supervisor_actor()
    order_id = Order.id_from_reference(reference)
    if order_id is None:
        return _problem(404, f"no order {reference}")
    reason = str((request.get_json(silent=True) or {}).get("reason") or "")
    with current_app.extensions["colis"].uow() as uow:
        try:
            order = cancel(uow, order_id, actor=actor, reason=reason)
        except LookupError as exc:
            return _problem(404, str(exc))
        except CannotCancel as exc:
            return _problem(409, str(exc))
        uow.commit()
        return jsonify({"order": order.reference, "status": str(order.status)})


@bp.get("/stock/alerts")
def low_stock_alerts():
    """Products whose low-stock alert stands (at or below their reorder point)."""
    from server.services import stock

    _supervisor_actor()
    with current_app.extensions["colis"].session_factory() as session:
        return jsonify({"low_stock": stock.low_stock(session)})


@bp.put("/stock/<sku_or_gtin>/reorder-point")
def set_reorder_point(sku_or_gtin: str):
    """``{"point": N, "quantity": M}``: at or below N available, one alert asking for M more."""
    from flask import request

    from server.services import stock

    actor = _supervisor_actor()
    body = request.get_json(silent=True) or {}
    point, quantity = body.get("point"), body.get("quantity")
    if any(isinstance(v, bool) or not isinstance(v, int) for v in (point, quantity)):
        return _problem(400, "send {\"point\": N, \"quantity\": M} as whole numbers")
    with current_app.extensions["colis"].uow() as uow:
        product = stock.find_product(uow.session, sku_or_gtin)
        if product is None:
            return _problem(404, f"no product with SKU or GTIN {sku_or_gtin}")
        try:
            raised = stock.set_reorder_point(uow, product, point, quantity, actor=actor)
        except stock.BadReorderPoint as exc:
            return _problem(400, str(exc))
        uow.commit()
        return jsonify({"sku": product.sku, "point": point, "quantity": quantity, "alerts": raised})


@bp.get("/stock/<sku_or_gtin>")
def product_stock(sku_or_gtin: str):
    """On hand, reserved, available by bin, and the orders and tasks holding the reservations."""
    from server.services import stock

    _supervisor_actor()
    with current_app.extensions["colis"].session_factory() as session:
        product = stock.find_product(session, sku_or_gtin)
        if product is None:
            return _problem(404, f"no product with SKU or GTIN {sku_or_gtin}")
        return jsonify(stock.product_stock(session, product).as_dict())


@bp.get("/lots/<path:lot>")
def lot_trace(lot: str):
    """Which orders got units of this lot (``?sku=`` narrows it to one product)."""
    from flask import request

    from server.services.lots import orders_with_lot

    _supervisor_actor()
    sku = request.args.get("sku") or None
    with current_app.extensions["colis"].session_factory() as session:
        return jsonify({"lot": lot, "sku": sku, "orders": orders_with_lot(session, lot, sku)})


@bp.get("/leases/expired")
def expired_leases():
    """Held tasks whose station went silent past its lease (the next claim takes them over)."""
    from server.services import dispatch

    _supervisor_actor()
    with current_app.extensions["colis"].session_factory() as session:
        return jsonify({"expired": dispatch.expired_leases(session)})
