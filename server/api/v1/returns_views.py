"""``/api/v1`` returns (issue 8): open an RMA for lines of a shipped order, read a return with
its lines, grades and refund, and fetch the customer's label as PDF. Same tokens, scopes and
problem details as the orders operations (server/api/v1/views.py)."""
from __future__ import annotations

import marshmallow as ma
from flask import Response, g, jsonify
from marshmallow import fields, validate

from server.api.v1.problems import problem_response
from server.api.v1.schemas import Strict, text
from server.api.v1.views import _callers_order, _floor, bp, problems, requires
from server.domain.returns import RETURN_REASONS, ReturnNotAllowed, WantedLine
from server.services import refunds, return_labels, returns
from server.services.refunds import find_return

MAX_LINES = 200


class ReturnLineIn(Strict):
    sku = text(64, required=True, metadata={"example": "SKU-00042"})
    quantity = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=10_000))
    reason = fields.String(required=True, validate=validate.OneOf(RETURN_REASONS))


class ReturnIn(Strict):
    lines = fields.List(fields.Nested(ReturnLineIn), required=True, validate=validate.Length(min=1, max=MAX_LINES))


class ReturnLineOut(ma.Schema):
    sku = fields.String(required=True)
    name = fields.String(required=True)
    quantity = fields.Integer(required=True)
    reason = fields.String(required=True)
    grade = fields.String(required=True, allow_none=True, metadata={"description": "resellable, damaged, missing"})
    location = fields.String(required=True, allow_none=True)


class RefundOut(ma.Schema):
    status = fields.String(required=True)
    amount_cents = fields.Integer(required=True)
    currency = fields.String(required=True)


class ReturnOut(ma.Schema):
    rma = fields.String(required=True, metadata={"example": "RMA00000042"})
    order = fields.String(required=True, metadata={"example": "CO-0000042"})
    status = fields.String(required=True)
    source = fields.String(required=True)
    created_at = fields.DateTime(required=True)
    received_at = fields.DateTime(required=True, allow_none=True)
    lines = fields.List(fields.Nested(ReturnLineOut), required=True)
    refund = fields.Nested(RefundOut, required=True, allow_none=True)
    label_pdf = fields.String(required=True, metadata={"description": "the customer's label (same token)"})


@bp.route("/orders/<reference>/returns", methods=["POST"])
@requires("orders:write")
@bp.arguments(ReturnIn, location="json")
@bp.response(201, ReturnOut)
@problems(401, 403, 404, 422)
def open_return(data, reference: str):
    """Open a return (RMA) for units of a shipped order, each line with its reason (scope orders:write)."""
    with _floor().uow() as uow:
        order = _callers_order(uow.session, reference)
        if order is None:
            return problem_response(404, f"no order {reference[:40]!r}")
        by_sku = {line.product.sku: line.id for line in order.lines}
        unknown = [index for index, line in enumerate(data["lines"]) if line["sku"] not in by_sku]
        if unknown:
            return _unprocessable(f"lines[{unknown[0]}].sku", "is not on this order", order.reference)
        wanted = [WantedLine(by_sku[line["sku"]], line["quantity"], line["reason"]) for line in data["lines"]]
        try:
            case = returns.open_return(uow, order.id, wanted, actor=f"api:{g.caller.channel}", source="api")
            uow.commit()
        except ReturnNotAllowed as exc:
            return _unprocessable("lines", str(exc), order.reference)
        body = _return_json(uow.session, case)
    response = jsonify(body)
    response.status_code = 201
    return response


@bp.route("/returns/<rma>", methods=["GET"])
@requires("read")
@bp.response(200, ReturnOut)
@problems(401, 403, 404)
def read_return(rma: str):
    """A return with its lines, grades and refund (scope read)."""
    with _floor().session_factory() as session:
        case = _callers_return(session, rma)
        if case is None:
            return problem_response(404, f"no return {rma[:40]!r}")
        return jsonify(_return_json(session, case))


@bp.route("/returns/<rma>/label.pdf", methods=["GET"])
@requires("read")
@bp.response(200, content_type="application/pdf", description="the customer's return label")
@problems(401, 403, 404)
def read_return_label(rma: str):
    """The customer's return label as PDF: Code 128 and QR of the RMA (scope read)."""
    with _floor().uow() as uow:
        case = _callers_return(uow.session, rma)
        if case is None:
            return problem_response(404, f"no return {rma[:40]!r}")
        pdf = return_labels.return_label_pdf(case, uow.settings.warehouse_address, case.order.customer.locale or "fr")
    return Response(pdf, mimetype="application/pdf")


def _callers_return(session, rma: str):
    case = find_return(session, rma[:40])
    if case is None or _callers_order(session, case.order.reference) is None:
        return None
    return case


def _unprocessable(field: str, detail: str, order: str):
    return problem_response(422, detail, errors=[{"field": field, "detail": detail}], order=order)


def _return_json(session, case) -> dict:
    refund = refunds.find_refund(session, case)
    return ReturnOut().dump({
        "rma": case.rma, "order": case.order.reference, "status": str(case.status), "source": case.source,
        "created_at": case.created_at, "received_at": case.received_at,
        "lines": [{"sku": line.order_line.product.sku, "name": line.order_line.product.name,
                   "quantity": line.quantity, "reason": line.reason, "grade": line.grade, "location": line.location}
                  for line in case.lines],
        "refund": None if refund is None else {"status": str(refund.status), "amount_cents": refund.amount_cents,
                                               "currency": refund.currency},
        "label_pdf": f"/api/v1/returns/{case.rma}/label.pdf"})
