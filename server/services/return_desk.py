"""The returns desk's lookup: one input finds the parcel, whatever paperwork came with it.

An RMA, the original parcel's SSCC or tracking number, an order number typed, or (no
paperwork at all) the items' barcodes and the customer's name. Each key is one indexed
lookup (bench/bench_returns_lookup.py measures them beside a bare primary-key select).
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.domain.returns import LookupKey, fold, lookup_key, name_matches
from server.domain.scanning import gtin14
from server.models import Customer, Order, OrderLine, Package, Product, Return, ReturnLine

OPEN_FIRST = ("authorized", "received")
MAX_NAME_MATCHES = 50
MAX_CANDIDATES = 5000  # (id, name) pairs read for a no-paperwork lookup


def find_returns(session, key: LookupKey, items: tuple[str, ...] = ()) -> list[Return]:
    """Every return the key names, oldest first."""
    if key.kind == "rma":
        return list(session.scalars(_returns().where(Return.rma == key.value)))
    if key.kind == "order":
        return _of_order(session, int(key.value))
    if key.kind in ("sscc", "tracking"):
        return _of_parcel(session, Package.sscc if key.kind == "sscc" else Package.tracking_number, key.value)
    if key.kind == "name":
        return _by_items_and_name(session, key.value, items)
    if key.kind == "item" and not items:
        # 14 digits can be an item's GTIN-14 or a DPD parcel number: a parcel ours wins.
        return _of_parcel(session, Package.tracking_number, key.value)
    return []


def find_for_desk(session, text: str, items: tuple[str, ...] = ()) -> Return | None:
    """The one return to open at the desk: the oldest still expected (authorized, then being
    inspected), else the latest one (it will show amber: already received)."""
    key = lookup_key(text)
    if key is None:
        return None
    found = find_returns(session, key, items)
    expected = [case for status in OPEN_FIRST for case in found if case.status == status]
    return expected[0] if expected else (found[-1] if found else None)


def search(session, text: str, limit: int = 100) -> list[Return]:
    """The returns list's search box: as the desk reads the text, except that a name lists every
    return of the customers it names (any status), newest first."""
    key = lookup_key(text)
    if key is None:
        return []
    if key.kind != "name":
        return list(reversed(find_returns(session, key)))[:limit]
    pairs = (select(Return.id, Customer.name).join(Order, Return.order_id == Order.id)
             .join(Customer, Order.customer_id == Customer.id).where(_name_holds(key.value))
             .order_by(Return.id.desc()).limit(MAX_CANDIDATES))
    ids = [return_id for return_id, name in session.execute(pairs) if name_matches(key.value, name)][:limit]
    return list(reversed(list(session.scalars(_returns().where(Return.id.in_(ids)))))) if ids else []


def _name_holds(name: str):
    """The customer's stored folded name (services/name_folding.py; trigram-indexed on
    PostgreSQL) holds the longest word typed, folded alike; the Python comparison after checks
    every word."""
    word = max(fold(name).split(), key=len).replace("\\", "").replace("%", "").replace("_", "")
    return Customer.search_name.like(f"%{word}%")


def _returns():
    return (select(Return).options(selectinload(Return.lines).joinedload(ReturnLine.order_line)
                                   .joinedload(OrderLine.product))
            .order_by(Return.id))


def _of_order(session, order_id: int) -> list[Return]:
    return list(session.scalars(_returns().where(Return.order_id == order_id)))


def _of_parcel(session, column, value: str) -> list[Return]:
    """The returns a parcel's label names: the one opened for that parcel alone first, then the
    order's returns that are no other parcel's (a customer's, a whole-order one). A return the
    carrier opened for another parcel of the order is not this parcel's (issue 11)."""
    found = session.execute(select(Package.id, Package.order_id).where(column == value)).first()
    if found is None:
        return []
    package_id, order_id = found
    cases = [case for case in _of_order(session, order_id) if case.package_id in (None, package_id)]
    return sorted(cases, key=lambda case: case.package_id != package_id)


def _by_items_and_name(session, name: str, items: tuple[str, ...]) -> list[Return]:
    """Returns still expected whose lines hold every scanned item and whose customer's name
    holds every word typed (case and accents folded). Without items, only a name that names one
    return alone, narrowed in SQL by its longest word folded (services/name_folding.py).

    Two steps: (return id, customer name) pairs only, the names compared here; then the few
    returns that match are loaded whole (loading every candidate's lines cost 5x more)."""
    wanted = {gtin14(item) for item in items}
    pairs = (select(Return.id, Customer.name).join(Order, Return.order_id == Order.id)
             .join(Customer, Order.customer_id == Customer.id).where(Return.status == "authorized"))
    for gtin in wanted:  # every item scanned must be on the return
        pairs = pairs.where(Return.id.in_(
            select(ReturnLine.return_id).join(OrderLine, ReturnLine.order_line_id == OrderLine.id)
            .join(Product, OrderLine.product_id == Product.id).where(Product.gtin.in_(_gtin_forms({gtin})))))
    if not wanted:  # with items, they narrow by index; folding every customer's name cost 2-10x more
        pairs = pairs.where(_name_holds(name))
    ids = [return_id for return_id, customer in session.execute(pairs.limit(MAX_CANDIDATES))
           if name_matches(name, customer)][:MAX_NAME_MATCHES]
    if not ids or (not wanted and len(ids) != 1):
        return []
    return list(session.scalars(_returns().where(Return.id.in_(ids))))


def _gtin_forms(gtins: set[str]) -> list[str]:
    """Products keep GTIN-13 (or 8/12/14); a scan gives GTIN-14: every stored form of each."""
    forms = set()
    for value in gtins:
        stripped = value.lstrip("0")
        forms.update({value, value[1:], stripped.zfill(8), stripped.zfill(12), stripped.zfill(13)})
    return sorted(forms)
