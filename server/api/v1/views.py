"""``/api/v1`` operations: tokens and scopes checked, requests validated, problems answered."""
from __future__ import annotations

import functools

from flask import current_app, g, jsonify, request
from flask_smorest import Blueprint
from werkzeug.exceptions import HTTPException

from server.api.v1 import schemas
from server.api.v1.problems import MEDIA_TYPE, from_api_problem, from_http_exception, problem_response
from server.domain.intake import ChannelAddress, ChannelCustomer, ChannelLine, ChannelOrder
from server.services.intake import api as service
from server.services.intake.api import ApiProblem
from server.services.intake.tokens import caller_for

bp = Blueprint("api_v1", __name__, url_prefix="/api/v1",
               description="Orders and stock, for an integration's token")
bp.register_error_handler(ApiProblem, from_api_problem)
bp.register_error_handler(HTTPException, from_http_exception)


def _floor():
    return current_app.extensions["colis"]


def problems(*codes: int):
    """Document the problem answers an operation may give (what schemathesis holds it to)."""
    def decorate(view):
        for code in codes:
            view = bp.alt_response(code, schema=schemas.Problem, content_type=MEDIA_TYPE)(view)
        return view
    return decorate


def requires(scope: str):
    """Bearer token of an active integration holding ``scope`` (or admin): 401 / 403 otherwise."""
    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = header[7:].strip() if header[:7].lower() == "bearer " else None
            with _floor().session_factory() as session:
                caller = caller_for(session, token)
            if caller is None:
                return problem_response(401, "a valid API token is needed: Authorization: Bearer <token>",
                                        headers={"WWW-Authenticate": 'Bearer realm="colis"'})
            if not caller.may(scope):
                return problem_response(403, f"this token lacks the {scope!r} scope",
                                        headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'})
            g.caller = caller
            return view(*args, **kwargs)
        return wrapper
    return decorate


def _idempotency_key() -> str | None:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip().strip('"')
    if not 1 <= len(key) <= 200 or not key.isprintable():
        raise ApiProblem(422, "Unprocessable Content", "Idempotency-Key must be 1 to 200 printable characters",
                         [{"field": "Idempotency-Key", "detail": "1 to 200 printable characters"}])
    return key


def _replay(record):
    response = jsonify(record.response)
    response.status_code = record.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _order_json(order) -> dict:
    address, customer = order.ship_address, order.customer
    return schemas.OrderOut().dump({
        "reference": order.reference, "channel": order.channel, "external_id": order.external_id,
        "status": str(order.status), "service_level": order.service_level,
        "promised_ship_by": order.promised_ship_by, "created_at": order.created_at,
        "currency": order.currency, "total_cents": order.total_cents,
        "customer": {"email": customer.email, "name": customer.name},
        "ship_to": {"name": address.name, "line1": address.line1, "line2": address.line2,
                    "postal_code": address.postal_code, "city": address.city, "country": address.country},
        "lines": [{"sku": line.product.sku, "quantity": line.quantity, "unit_price_cents": line.unit_price_cents}
                  for line in order.lines],
    })


@bp.route("/orders", methods=["POST"])
@requires("orders:write")
@bp.arguments(schemas.OrderIn, location="json")
@bp.response(201, schemas.OrderOut)
@problems(401, 403, 409)
@bp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "required": False,
                     "schema": {"type": "string", "minLength": 1, "maxLength": 200},
                     "description": "the same key again returns the first answer and creates nothing"}])
def create_order(data):
    """Create an order (scope orders:write). An unknown SKU is refused naming the line."""
    caller = g.caller
    key = _idempotency_key()
    incoming = ChannelOrder(
        external_id=data["external_id"], updated_at=service.now(), cancelled=False,
        customer=ChannelCustomer(**data["customer"]), address=ChannelAddress(**data["ship_to"]),
        lines=tuple(ChannelLine(sku=line["sku"], title="", quantity=line["quantity"],
                                unit_price_cents=line["unit_price_cents"]) for line in data["lines"]),
        currency=data["currency"], service_level=data["service_level"])
    with _floor().uow() as uow:
        if key is not None:
            first = service.claim_key(uow, caller.integration_id, key,
                                      service.request_fingerprint("POST", request.path, request.get_data()))
            if first is not None:
                return _replay(first)
        order = service.create_order(uow, caller.channel, incoming)
        body = _order_json(order)
        service.remember_answer(uow, 201, body)
        uow.commit()
    response = jsonify(body)
    response.status_code = 201
    return response


@bp.route("/orders", methods=["GET"])
@requires("read")
@bp.arguments(schemas.OrderListArgs, location="query")
@bp.response(200, schemas.OrderPage)
@problems(401, 403)
def list_orders(args):
    """Orders, oldest first, by pages: pass ``next_cursor`` back as ``cursor`` (scope read)."""
    caller = g.caller
    channel = args.get("channel") if caller.admin else caller.channel
    if not caller.admin and args.get("channel") not in (None, caller.channel):
        raise ApiProblem(403, "Forbidden", "only an admin token reads another channel's orders",
                         [{"field": "channel", "detail": "not this token's channel"}])
    after = service.decode_cursor(args.get("cursor"))
    with _floor().session_factory() as session:
        orders, last = service.list_orders(session, channel, args.get("status"), args.get("external_id"),
                                           args.get("created_after"), args.get("created_before"), after, args["limit"])
        items = [_order_json(order) for order in orders]
    return jsonify({"items": items, "next_cursor": service.encode_cursor(last)})


@bp.route("/orders/<reference>", methods=["GET"])
@requires("read")
@bp.response(200, schemas.OrderDetailOut)
@problems(401, 403, 404)
def read_order(reference: str):
    """One order by its reference (``CO-0000042``), with its life cycle's timeline (scope read)."""
    with _floor().session_factory() as session:
        order = _callers_order(session, reference)
        if order is None:
            return problem_response(404, f"no order {reference[:40]!r}")
        body = _order_json(order)
        body["timeline"] = schemas.TimelineEntry(many=True).dump(service.timeline(session, order))
        body.update(_routing_json(session, order))
        return jsonify(body)


def _routing_json(session, order) -> dict:
    """Where the order ships from, with which service, and every routing decision as a sentence."""
    from server.models import Warehouse
    from server.services.routing import decisions_of

    warehouse = session.get(Warehouse, order.warehouse_id) if order.warehouse_id else None
    return {"warehouse": warehouse.code if warehouse else None, "carrier_service": order.carrier_service,
            "promised_delivery_on": order.promised_delivery_on.isoformat() if order.promised_delivery_on else None,
            "routing": [{key: decision[key] for key in ("at", "kind", "outcome", "warehouse", "service")}
                        | {"reason": decision["text"]} for decision in decisions_of(session, order.id, "en")]}


@bp.route("/orders/<reference>/shipments", methods=["GET"])
@requires("read")
@bp.response(200, schemas.ShipmentList)
@problems(401, 403, 404)
def read_shipments(reference: str):
    """An order's parcels: carrier, service, tracking number, SSCC and where each stands (scope read)."""
    with _floor().session_factory() as session:
        order = _callers_order(session, reference)
        if order is None:
            return problem_response(404, f"no order {reference[:40]!r}")
        packages = service.packages_of(session, order)
        items = schemas.ShipmentOut(many=True).dump([{
            "sscc": p.sscc, "carrier": p.carrier, "service": p.service, "tracking_number": p.tracking_number,
            "status": str(p.status), "weight_g": p.weight_g, "created_at": p.created_at,
            "shipped_at": p.shipped_at, "delivered_at": p.delivered_at} for p in packages])
        return jsonify({"order": order.reference, "items": items})


@bp.route("/orders/<reference>/cancellation", methods=["POST"])
@requires("orders:write")
@bp.response(200, schemas.OrderOut)
@problems(401, 403, 404, 409, 422)
@bp.doc(parameters=[{"in": "header", "name": "Idempotency-Key", "required": False,
                     "schema": {"type": "string", "minLength": 1, "maxLength": 200}}])
def cancel_order(reference: str):
    """Cancel an order not yet picked; its reserved units go back (scope orders:write)."""
    caller = g.caller
    key = _idempotency_key()
    with _floor().uow() as uow:
        if key is not None:
            first = service.claim_key(uow, caller.integration_id, key,
                                      service.request_fingerprint("POST", request.path, request.get_data()))
            if first is not None:
                return _replay(first)
        order = _callers_order(uow.session, reference)
        if order is None:
            return problem_response(404, f"no order {reference[:40]!r}")
        service.cancel(uow, order, caller.channel)
        body = _order_json(order)
        service.remember_answer(uow, 200, body)
        uow.commit()
    return jsonify(body)


@bp.route("/stock", methods=["GET"])
@requires("read")
@bp.arguments(schemas.StockArgs, location="query")
@bp.response(200, schemas.StockPage)
@problems(401, 403)
def read_stock(args):
    """Stock per product, summed over bins: on hand, reserved, available (scope read)."""
    after = service.decode_cursor(args.get("cursor"))
    with _floor().session_factory() as session:
        items, last = service.list_stock(session, args.get("sku"), after, args["limit"])
    return jsonify({"items": items, "next_cursor": service.encode_cursor(last)})


MAX_IMPORT_BYTES = 10 * 1024 * 1024


@bp.route("/imports", methods=["POST"])
@requires("orders:write")
@bp.arguments(schemas.ImportArgs, location="query")
@bp.response(200, schemas.ImportOut)
@problems(401, 403, 413, 422)
@bp.doc(requestBody={"required": True, "description": "a marketplace export, one row per order line "
                     "(UTF-8 or Windows-1252, ',' or ';'; docs/intake.md)",
                     "content": {"text/csv": {"schema": {"type": "string", "format": "binary"}}}})
def import_csv(args):
    """Import a CSV export (scope orders:write): every bad row named, the same file twice creates nothing."""
    from datetime import timedelta

    from server.domain.intake.csv_orders import CsvFormatError
    from server.services.intake.imports import import_orders

    caller = g.caller
    if not caller.admin and args.get("channel") not in (None, caller.channel):
        raise ApiProblem(403, "Forbidden", "only an admin token imports into another channel",
                         [{"field": "channel", "detail": "not this token's channel"}])
    channel = args.get("channel") or caller.channel
    data = request.stream.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        return problem_response(413, f"an import is at most {MAX_IMPORT_BYTES} bytes")
    hours = float(current_app.config.get("INTAKE_SHIP_WITHIN_HOURS", 24))
    try:
        report = import_orders(_floor(), channel, data, timedelta(hours=hours))
    except CsvFormatError as exc:
        raise ApiProblem(422, "Unprocessable Content", str(exc), [{"field": "body", "detail": str(exc)}]) from None
    reading = report.reading
    return jsonify(schemas.ImportOut().dump({
        "channel": channel, "encoding": reading.encoding, "delimiter": reading.delimiter,
        "outcomes": dict(report.outcomes), "errors": [{"row": e.row, "reason": e.reason} for e in report.errors]}))


def _callers_order(session, reference: str):
    """The order named, if the calling integration may see it (an admin token sees every channel)."""
    caller = g.caller
    return service.order_by_reference(session, reference, None if caller.admin else caller.channel)
