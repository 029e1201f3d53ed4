"""The returns pages (issue 8): the returns list with the refunds waiting for a supervisor
(approve / reject), a return's page, opening an RMA for an order (customer service), the
customer's label as PDF, and the returns analysis with its CSV export.

A returns clerk lands on ``/returns`` after signing in and sees only these pages; approving or
rejecting a refund is a supervisor's (services/refunds.py checks the role again).
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from server.domain.returns import RETURN_REASONS, ReturnNotAllowed, WantedLine
from server.i18n import current_locale
from server.models import Order, Package, Return
from server.models._types import utcnow
from server.services import refunds, return_labels, return_stats, returns
from server.services.refunds import RefundRefused, find_return
from server.services.return_desk import search
from server.services.screens import desk_view
from server.web.access import RETURNS, SUPERVISING, roles
from server.web.label_preview import png_response
from wire import texts

bp = Blueprint("returns_pages", __name__)
MAX_LISTED = 100


def rt(key: str, **params) -> str:
    """A returns page word (``web.ret.<key>``) in the page's language."""
    return texts.text(f"web.ret.{key}", current_locale(), **params)


@bp.app_context_processor
def returns_words() -> dict:
    return {"rt": rt, "euros": _euros}


def _euros(cents: int | None, currency: str = "EUR") -> str:
    value = f"{(cents or 0) / 100:,.2f}"
    if current_locale() == "fr":
        value = value.replace(",", " ").replace(".", ",")
    return f"{value} {'€' if currency == 'EUR' else currency}"


def _floor():
    return current_app.extensions["colis"]


def _actor() -> str:
    return f"user:{current_user.username}"


@bp.get("/returns")
@roles(*RETURNS)
def index():
    query = request.args.get("q", "").strip()[:200]
    with _floor().uow() as uow:
        session = uow.session
        if query:
            listed = search(session, query, MAX_LISTED)
        else:
            listed = list(session.scalars(select(Return).order_by(Return.id.desc()).limit(MAX_LISTED)))
        waiting = refunds.waiting_for_approval(session)
        return render_template("returns_index.html", listed=[_row(session, case) for case in listed],
                               waiting=[_row(session, refund_case(session, refund)) for refund in waiting],
                               query=query, may_approve=current_user.role in SUPERVISING)


def refund_case(session, refund) -> Return:
    return session.get(Return, refund.return_id)


def _row(session, case: Return) -> dict:
    refund = refunds.find_refund(session, case)
    return {"rma": case.rma, "order": case.order.reference, "customer": case.order.customer.name,
            "status": str(case.status), "created_at": case.created_at, "received_at": case.received_at,
            "received_by": case.received_by, "units": sum(line.quantity for line in case.lines),
            "reasons": sorted({line.reason for line in case.lines if line.reason}),
            "refund": None if refund is None else {"status": str(refund.status), "amount_cents": refund.amount_cents,
                                                   "currency": refund.currency, "requested_by": refund.requested_by}}


@bp.get("/returns/<rma>")
@roles(*RETURNS)
def show(rma: str):
    with _floor().uow() as uow:
        case = find_return(uow.session, rma)
        if case is None:
            abort(404)
        view = desk_view(uow.session, case)
        # The carrier's return of one parcel of several: which one (issue 11).
        parcel = uow.session.get(Package, case.package_id) if case.package_id is not None else None
        return render_template("returns_show.html", view=view, may_approve=current_user.role in SUPERVISING,
                               photos=return_photos.photo_lines(case.rma), parcel=parcel)


@bp.post("/returns/<rma>/approve")
@roles(*SUPERVISING)
def approve(rma: str):
    return _decide(rma, refunds.approve_refund, "approved")


@bp.post("/returns/<rma>/reject")
@roles(*SUPERVISING)
def reject(rma: str):
    return _decide(rma, refunds.reject_refund, "rejected")


def _decide(rma: str, decide, said: str):
    with _floor().uow() as uow:
        case = find_return(uow.session, rma)
        if case is None:
            abort(404)
        try:
            decide(uow, case.id, actor=_actor(), role=current_user.role)
            uow.commit()
            flash(rt(said, rma=case.rma), "ok")
        except RefundRefused as exc:
            flash(rt("refused", why=str(exc)), "error")
    return redirect(request.form.get("back") == "show" and url_for(".show", rma=rma) or url_for(".index"))


@bp.route("/returns/new", methods=["GET", "POST"])
@roles(*RETURNS)
def new():
    reference = (request.values.get("order") or "").strip()[:40]
    order_id = Order.id_from_reference(reference) if reference else None
    with _floor().uow() as uow:
        order = uow.session.get(Order, order_id) if order_id else None
        if order is None:
            if reference:
                flash(rt("order_unknown"), "error")
            return render_template("returns_new.html", order=None, lines=[], reasons=RETURN_REASONS,
                                   reference=reference), (404 if reference else 200)
        lines = _returnable_lines(uow.session, order)
        if request.method == "POST":
            wanted = wanted_from_form(request.form, lines)
            try:
                case = returns.open_return(uow, order.id, wanted, actor=_actor(), source="customer_service")
                uow.commit()
            except ReturnNotAllowed as exc:
                flash(rt("refused", why=str(exc)) if wanted else rt("choose_lines"), "error")
                return render_template("returns_new.html", order=order, lines=lines, reasons=RETURN_REASONS,
                                       reference=reference), 422
            rma = case.rma
            _print_at_desk(rma)
            flash(rt("created_ok", rma=rma), "ok")
            return redirect(url_for(".show", rma=rma))
        return render_template("returns_new.html", order=order, lines=lines, reasons=RETURN_REASONS,
                               reference=reference)


def _returnable_lines(session, order: Order) -> list[dict]:
    left = returns.returnable(session, order)
    return [{"id": line.id, "sku": line.product.sku, "name": line.product.name, "ordered": line.quantity,
             "returnable": left[line.id]} for line in order.lines]


def wanted_from_form(form, lines: list[dict]) -> list[WantedLine]:
    """``qty-<line id>`` and ``reason-<line id>`` fields; empty or 0 quantities are skipped,
    anything else not a whole number is refused by the domain's check."""
    wanted = []
    for line in lines:
        raw = (form.get(f"qty-{line['id']}") or "").strip()
        if raw in ("", "0"):
            continue
        quantity = int(raw) if raw.isdigit() else -1
        wanted.append(WantedLine(line["id"], quantity, (form.get(f"reason-{line['id']}") or "").strip()[:32]))
    return wanted


def _print_at_desk(rma: str) -> None:
    with _floor().uow() as uow:
        case = find_return(uow.session, rma)
        printed = return_labels.print_at_desk(uow, case)
    if printed is not None and "error" not in printed:
        flash(rt("label_printed"), "ok")
    elif printed is not None:
        flash(rt("label_not_printed", why=printed["text"]), "warn")


@bp.get("/returns/<rma>/label.pdf")
@roles(*RETURNS)
def label_pdf(rma: str):
    return label_response(rma)


def label_response(rma: str) -> Response:
    with _floor().uow() as uow:
        case = find_return(uow.session, rma)
        if case is None:
            abort(404)
        pdf = return_labels.return_label_pdf(case, uow.settings.warehouse_address, current_locale())
        name = case.rma
    return Response(pdf, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}.pdf"'})


@bp.get("/returns/<rma>/label.png")
@roles(*RETURNS)
def label_picture(rma: str):
    """The return label as the desk printer prints it (labels/raster.py, from its own ZPL)."""
    from labels import LabelDataError
    from server.services.label_pictures import return_label_zpl

    with _floor().uow() as uow:
        case = find_return(uow.session, rma)
        if case is None:
            abort(404)
        try:
            zpl = return_label_zpl(uow, case)
        except LabelDataError:
            zpl = None
    return png_response(zpl)


@bp.get("/returns/analytics")
@roles(*RETURNS)
def analytics():
    days = _days()
    with _floor().uow() as uow:
        found = return_stats.rows(uow.session, utcnow() - timedelta(days=days))
    return render_template("returns_analytics.html", summary=return_stats.summary(found), days=days,
                           total={"returns": len({row["rma"] for row in found}),
                                  "units": sum(row["quantity"] for row in found),
                                  "value_cents": sum(row["value_cents"] for row in found)})


@bp.get("/returns/export.csv")
@roles(*RETURNS)
def export_csv():
    with _floor().uow() as uow:
        found = return_stats.rows(uow.session, utcnow() - timedelta(days=_days()))
    return Response(return_stats.to_csv(found), mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="returns.csv"'})


def _days() -> int:
    raw = request.args.get("days", "90")
    return min(3660, max(1, int(raw))) if raw.isdigit() else 90


# A unit's photo (return_photos.py) adds its routes to this blueprint: imported last, it reads
# this module's names.
from server.web import return_photos  # noqa: E402
