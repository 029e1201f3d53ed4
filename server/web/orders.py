"""Orders: the list (filters, search) and one order's page, where a supervisor holds,
releases, cancels (with a reason), sends an order a packer handed over back to the packing
benches, and reprints a parcel's label to a chosen printer."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from server.domain.shipping.services import BY_CODE
from server.domain.statuses import OrderStatus
from server.services import holds, order_pages, parcel_contents
from server.services.allocation import CannotCancel, cancel_order
from server.web import service_name
from server.web.access import SUPERVISING, roles
from server.web.label_preview import label_svg, png_response
from server.i18n import t

bp = Blueprint("orders_web", __name__)


def _floor():
    return current_app.extensions["colis"]


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def _filters() -> order_pages.OrderFilters:
    args = request.args
    status = args.get("status", "")
    page = args.get("page", "1")
    return order_pages.OrderFilters(
        q=args.get("q", "")[:100], status=status if status in set(OrderStatus) else "",
        channel=args.get("channel", "")[:32], carrier=args.get("carrier", "") if args.get("carrier") in BY_CODE else "",
        late=args.get("late") == "1", on_hold=args.get("on_hold") == "1", date_from=_date("from"), date_to=_date("to"),
        page=int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1)


@bp.get("/orders")
@roles(*SUPERVISING)
def index():
    filters = _filters()
    floor = _floor()
    with floor.session_factory() as session:
        rows, more = order_pages.list_orders(session, filters, floor.timezone)
        if filters.q and len(rows) == 1 and filters.page == 1 and request.args.get("go") == "1":
            return redirect(url_for("orders_web.show", reference=rows[0][0].reference))
        return render_template("orders.html", rows=rows, more=more, filters=filters,
                               statuses=list(OrderStatus), channels=order_pages.channels(session),
                               carriers={code: service.name for code, service in BY_CODE.items()}, args=request.args.to_dict(), now=_now(),
                               open_statuses=order_pages.OPEN)


def _order_or_404(session, reference: str):
    order = order_pages.find_order(session, reference)
    if order is None:
        abort(404)
    return order


def _printers(session) -> list:
    try:
        from server.models import Printer
    except ImportError:  # the printer fleet (issue 7) not there: no reprint from the page
        return []
    return list(session.scalars(select(Printer).where(Printer.active.is_(True)).order_by(Printer.name)))


@bp.get("/orders/<reference>")
@roles(*SUPERVISING)
def show(reference: str):
    with _floor().session_factory() as session:
        order = _order_or_404(session, reference)
        from server.models.orders import OrderHold

        return render_template(
            "order.html", order=order, hold=session.get(OrderHold, order.id),
            picked=order_pages.picked_quantities(session, order.id), parcels=order_pages.parcels(session, order.id),
            returns=order_pages.returns_of(session, order.id), timeline=order_pages.timeline(session, order),
            printers=_printers(session), late=order.status in order_pages.OPEN and order.promised_ship_by < _now(),
            handed_over=order_pages.handed_over(session, order.id), contents=parcel_contents.of_order(session, order.id))


def _now():
    from server.models._types import utcnow

    return utcnow()


def _reason() -> str:
    return " ".join(request.form.get("reason", "").split())[:200]


def _actor() -> str:
    return f"user:{current_user.username}"


@bp.post("/orders/<reference>/hold")
@roles(*SUPERVISING)
def hold(reference: str):
    return _act(reference, "hold")


@bp.post("/orders/<reference>/release")
@roles(*SUPERVISING)
def release(reference: str):
    return _act(reference, "release")


@bp.post("/orders/<reference>/cancel")
@roles(*SUPERVISING)
def cancel(reference: str):
    return _act(reference, "cancel")


def _act(reference: str, action: str):
    reason = _reason()
    if action in ("hold", "cancel") and not reason:
        flash(t("reason_required"), "error")
        return redirect(url_for("orders_web.show", reference=reference))
    with _floor().uow() as uow:
        order = _order_or_404(uow.session, reference)
        try:
            if action == "hold":
                holds.hold_order(uow, order.id, reason, _actor())
            elif action == "release":
                holds.release_hold(uow, order.id, _actor())
            else:
                cancel_order(uow, order.id, actor=_actor(), reason=reason)
            uow.commit()
        except (holds.CannotHold, CannotCancel) as exc:
            flash(t("cannot_act", why=str(exc)), "error")
            return redirect(url_for("orders_web.show", reference=reference))
    done = {"hold": "order_held", "release": "hold_released", "cancel": "order_cancelled"}[action]
    flash(t(done, order=reference), "ok")
    return redirect(url_for("orders_web.show", reference=reference))


@bp.post("/orders/<reference>/send-back")
@roles(*SUPERVISING)
def send_back(reference: str):
    """A packer handed the order over (issue 12); the supervisor sorted it out: back to the
    benches, what was checked kept (audited as order_sent_back with who, on the timeline)."""
    from server.services.pack_effects import send_back as to_the_benches

    with _floor().uow() as uow:
        order = _order_or_404(uow.session, reference)
        try:
            to_the_benches(uow, order.id, _actor())
        except LookupError:  # sent back already (another supervisor, the CLI), or never handed over
            flash(t("cannot_act", why=t("not_handed_over", order=reference)), "error")
            return redirect(url_for("orders_web.show", reference=reference))
        uow.commit()
    flash(t("order_sent_back", order=reference), "ok")
    return redirect(url_for("orders_web.show", reference=reference))


@bp.post("/orders/<reference>/parcels/<int:package_id>/reprint")
@roles(*SUPERVISING)
def reprint(reference: str, package_id: int):
    try:
        from server.services.printers import FleetError, reprint_label
    except ImportError:
        flash(t("reprint_unavailable"), "error")
        return redirect(url_for("orders_web.show", reference=reference))
    printer_id = request.form.get("printer", "")
    with _floor().uow() as uow:
        order = _order_or_404(uow.session, reference)
        if not printer_id.isdigit() or package_id not in {p.id for p, _ in order_pages.parcels(uow.session, order.id)}:
            abort(404)
        try:
            job = reprint_label(uow, package_id, int(printer_id), current_user.user_id)
        except FleetError as exc:
            flash(t("cannot_act", why=exc.words(_locale())), "error")
            return redirect(url_for("orders_web.show", reference=reference))
    spooler = current_app.extensions.get("colis_spooler")
    if spooler is not None:
        spooler.wake()  # sent now, not at the spooler's next tick
    flash(t("reprint_sent", printer=job.get("printer") or ""), "ok")
    return redirect(url_for("orders_web.show", reference=reference))


def _locale() -> str:
    from server.i18n import current_locale

    return current_locale()


@bp.get("/orders/<reference>/parcels/<int:package_id>/label.png")
@roles(*SUPERVISING)
def label_picture(reference: str, package_id: int):
    """The parcel's label as it prints (labels/raster.py, from the label's own ZPL)."""
    from labels import LabelDataError
    from server.services.label_pictures import parcel_label_zpl

    with _floor().uow() as uow:
        order = _order_or_404(uow.session, reference)
        package = next((p for p, _ in order_pages.parcels(uow.session, order.id) if p.id == package_id), None)
        if package is None:
            abort(404)
        try:
            zpl = parcel_label_zpl(uow, package)
        except LabelDataError:
            zpl = None  # data no label can carry: the page says so beside the parcel, no picture
    return png_response(zpl)


@bp.get("/orders/<reference>/parcels/<int:package_id>/label.svg")
@roles(*SUPERVISING)
def label_image(reference: str, package_id: int):
    floor = _floor()
    with floor.session_factory() as session:
        order = _order_or_404(session, reference)
        parcels = [p for p, _ in order_pages.parcels(session, order.id)]
        package = next((p for p in parcels if p.id == package_id), None)
        if package is None:
            abort(404)
        address = order.ship_address
        svg = label_svg(sender=floor.settings.warehouse_address,
                        recipient={"name": address.name, "line1": address.line1, "line2": address.line2,
                                   "postal_code": address.postal_code, "city": address.city,
                                   "country": address.country},
                        carrier=package.carrier, service=service_name(package.service), weight_g=package.weight_g,
                        order_ref=order.reference, tracking=package.tracking_number, sscc=package.sscc,
                        parcel_words=f"{parcels.index(package) + 1}/{len(parcels)}")
    return Response(svg, mimetype="image/svg+xml", headers={"Cache-Control": "private, max-age=60"})
