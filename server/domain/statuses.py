"""Statuses of what moves through the warehouse, and the moves each one may make.

One StrEnum per entity (order, task, package, return, refund, print job) and one life cycle
per entity, declared once below: where it may start (``initial``) and, for every
status, the statuses it may go to next. ``check_transition`` is the only judge; the
ORM calls it on every status assignment (server/models/_types.py). Assigning the
status an entity already has is always allowed, so a replayed scan or print report
changes nothing and fails nothing.

Members are ``str``: ``order.status == "shipped"`` keeps working, and they serialize to
JSON as their value.

Core UPDATEs and bulk loads (the demo data COPY) go around the ORM and so around the
check: they must only write what these tables allow (the demo data writes ``new``).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Mapping, TypeVar


class OrderStatus(StrEnum):
    NEW = "new"                  # taken from a channel, nothing reserved yet
    BACKORDERED = "backordered"  # a line is short: reserves nothing, waits for stock
    ALLOCATED = "allocated"      # every unit reserved in a bin, pick task queued
    RELEASED = "released"        # sent to the floor in a wave (server/services/waves.py)
    PICKING = "picking"          # a picker holds the pick task
    PICKED = "picked"            # all units in the tote, pack task queued
    SHORT = "short"              # a line short in every bin: the tote waits for the supervisor
    PACKING = "packing"          # a packer holds the pack task
    PACKED = "packed"            # boxed, carrier booked, shipping label queued
    SHIPPED = "shipped"          # label printed: the parcel is on the dock for the carrier
    DELIVERED = "delivered"      # the carrier says the customer has it
    # Every parcel came back from the carrier undelivered (refused, unknown address, not
    # collected): the returns desk receives it, nothing goes to stock before it is inspected.
    RETURNED_TO_SENDER = "returned_to_sender"
    RETURNED = "returned"        # the customer sent it back under an RMA
    CANCELLED = "cancelled"      # stopped before any unit left its bin


class TaskStatus(StrEnum):
    OPEN = "open"            # in the queue, no station yet
    ASSIGNED = "assigned"    # one station holds it
    DONE = "done"            # every unit verified
    CANCELLED = "cancelled"  # withdrawn (its order was cancelled)


class PackageStatus(StrEnum):
    LABEL_PENDING = "label_pending"  # boxed and booked, label not printed yet
    SHIPPED = "shipped"              # label printed, handed to the carrier
    DELIVERED = "delivered"          # the carrier confirmed delivery
    RETURNED_TO_SENDER = "returned_to_sender"  # the carrier brings it back undelivered


class ReturnStatus(StrEnum):
    AUTHORIZED = "authorized"  # RMA issued, parcel not here yet
    RECEIVED = "received"      # the returns desk scanned its label
    INSPECTED = "inspected"    # every line graded (resellable, damaged, missing)
    REFUNDED = "refunded"      # money sent back
    CLOSED = "closed"          # nothing more to do (refunded, nothing due, or never came)


class RefundStatus(StrEnum):
    # One refund per return (server/services/refunds.py); the return stays inspected until it is paid.
    AWAITING_APPROVAL = "awaiting_approval"  # above the policy's amount: a supervisor approves it
    APPROVED = "approved"                    # approved (who: approved_by), the provider not paid yet
    PAID = "paid"                            # the payment provider took it (provider_ref)
    REJECTED = "rejected"                    # a supervisor refused it: the return is closed


class PrintJobStatus(StrEnum):
    QUEUED = "queued"        # waiting for the station's printer
    SENT = "sent"            # handed to a fleet printer that said it was ready; not yet seen printed
    PRINTED = "printed"      # the station says the label came out
    FAILED = "failed"        # paper out, head open...: the station prints it again
    CANCELLED = "cancelled"  # given up (a supervisor reprints it elsewhere)


Status = TypeVar("Status", bound=StrEnum)


class UnknownStatus(ValueError):
    """A string that is not one of the entity's statuses."""

    def __init__(self, entity: str, value: object, known: list[str]):
        self.entity, self.value = entity, value
        super().__init__(f"{value!r} is not a known {entity} status (one of: {', '.join(known)})")


class IllegalTransition(ValueError):
    """A status change the entity's life cycle does not declare. ``old`` is None for a new entity."""

    def __init__(self, entity: str, old: StrEnum | None, new: StrEnum, allowed: list[str] | None = None):
        self.entity, self.old, self.new = entity, old, new
        if old is None:
            detail, where = f"a new {entity} cannot start as {str(new)!r}", "starts as"
        else:
            detail, where = f"{entity} cannot go from {str(old)!r} to {str(new)!r}", f"from {old}"
        if allowed is not None:
            detail += f" ({where}: {', '.join(allowed) or 'nothing, it is final'})"
        super().__init__(detail)


@dataclass(frozen=True)
class LifeCycle:
    entity: str                                   # the word in messages: "order", "print job"
    statuses: type[StrEnum]
    initial: frozenset[StrEnum]                   # where a new one may start
    moves: Mapping[StrEnum, frozenset[StrEnum]]   # status -> statuses it may go to next

    @property
    def final(self) -> list[StrEnum]:
        return [status for status in self.statuses if not self.moves[status]]

    def allows(self, old: StrEnum | None, new: StrEnum) -> bool:
        if old is None:
            return new in self.initial
        return old == new or new in self.moves[old]


def _life_cycle(entity: str, statuses: type[StrEnum], initial: set, moves: dict) -> LifeCycle:
    # Checked at import: a new member without a row, or a move to another entity's
    # status, fails the first test run instead of the first shift that meets it.
    missing = [str(s) for s in statuses if s not in moves]
    strangers = [repr(s) for targets in [initial, *moves.values()] for s in targets
                 if not isinstance(s, statuses)]
    if missing or strangers:
        raise TypeError(f"{entity} life cycle: no row for {missing}, foreign statuses {strangers}")
    return LifeCycle(entity, statuses, frozenset(initial),
                     {status: frozenset(targets) for status, targets in moves.items()})


O, T, P, R, J, F = OrderStatus, TaskStatus, PackageStatus, ReturnStatus, PrintJobStatus, RefundStatus

ORDER = _life_cycle("order", OrderStatus, {O.NEW}, {
    O.NEW: {O.ALLOCATED, O.BACKORDERED, O.CANCELLED},
    O.BACKORDERED: {O.ALLOCATED, O.CANCELLED},  # stock arrived: allocated on a later run
    # Without waves (the default policy) the pick task is claimable at once (allocated -> picking);
    # with waves an order is released first (allocated -> released -> picking).
    O.ALLOCATED: {O.RELEASED, O.PICKING, O.CANCELLED},
    O.RELEASED: {O.PICKING, O.CANCELLED},
    # From picking on, units have left their bins: undoing that is a put-away, not a status.
    O.PICKING: {O.PICKED, O.SHORT},
    # Short picked (server/services/short_picks.py): the supervisor sends what was picked to
    # packing once the line is settled (restocked and picked, or agreed with the customer).
    O.SHORT: {O.PICKED},
    O.PICKED: {O.PACKING},
    O.PACKING: {O.PACKED},
    O.PACKED: {O.SHIPPED},
    O.SHIPPED: {O.DELIVERED, O.RETURNED_TO_SENDER, O.RETURNED},
    O.DELIVERED: {O.RETURNED},
    # A delivery the carrier reports later in time than its "returned" (a correction) wins;
    # returned once the desk has the goods back under the return opened for them.
    O.RETURNED_TO_SENDER: {O.DELIVERED, O.RETURNED},
    O.RETURNED: set(),
    O.CANCELLED: set(),
})

TASK = _life_cycle("task", TaskStatus, {T.OPEN}, {
    T.OPEN: {T.ASSIGNED, T.CANCELLED},
    T.ASSIGNED: {T.DONE, T.CANCELLED},
    T.DONE: set(),
    T.CANCELLED: set(),
})

PACKAGE = _life_cycle("package", PackageStatus, {P.LABEL_PENDING}, {
    P.LABEL_PENDING: {P.SHIPPED},
    P.SHIPPED: {P.DELIVERED, P.RETURNED_TO_SENDER},
    P.DELIVERED: set(),
    P.RETURNED_TO_SENDER: {P.DELIVERED},  # the carrier's later delivery in time wins (a correction)
})

RETURN = _life_cycle("return", ReturnStatus, {R.AUTHORIZED}, {
    R.AUTHORIZED: {R.RECEIVED, R.CLOSED},  # closed: the parcel never came
    R.RECEIVED: {R.INSPECTED},
    R.INSPECTED: {R.REFUNDED, R.CLOSED},   # closed: nothing is due (damaged, missing)
    R.REFUNDED: {R.CLOSED},
    R.CLOSED: set(),
})

REFUND = _life_cycle("refund", RefundStatus, {F.AWAITING_APPROVAL, F.APPROVED}, {
    F.AWAITING_APPROVAL: {F.APPROVED, F.REJECTED},
    # Approved but not paid: the provider call failed or the process stopped; paying it again
    # reuses the refund's idempotency key, so the provider pays it once.
    F.APPROVED: {F.PAID},
    F.PAID: set(),
    F.REJECTED: set(),
})

PRINT_JOB = _life_cycle("print job", PrintJobStatus, {J.QUEUED}, {
    J.QUEUED: {J.SENT, J.PRINTED, J.FAILED, J.CANCELLED},
    # Sent to a fleet printer: printed once its ~HS shows the format left its buffer, failed if
    # it faulted meanwhile (the spooler sends it again, to the backup if there is one).
    J.SENT: {J.PRINTED, J.FAILED},
    J.FAILED: {J.SENT, J.PRINTED, J.CANCELLED},  # reprinted after paper out
    # Printed is final: a failure reported after the print is stale (confirm_print ignores
    # it), or the parcel would get a second label after it was marked shipped.
    J.PRINTED: set(),
    J.CANCELLED: set(),
})

del O, T, P, R, J, F

LIFE_CYCLES: dict[type[StrEnum], LifeCycle] = {
    cycle.statuses: cycle for cycle in (ORDER, TASK, PACKAGE, RETURN, REFUND, PRINT_JOB)}


def life_cycle(statuses: type[StrEnum]) -> LifeCycle:
    return LIFE_CYCLES[statuses]


def parse_status(statuses: type[Status], value: object) -> Status:
    """``"shipped"`` -> ``OrderStatus.SHIPPED``; anything not a member raises UnknownStatus."""
    if isinstance(value, statuses):
        return value
    try:
        return statuses(value)
    except ValueError:
        raise UnknownStatus(life_cycle(statuses).entity, value, [str(s) for s in statuses]) from None


def check_transition(old: StrEnum | str | None, new: Status) -> Status:
    """Return ``new`` if its entity may go there from ``old`` (None: a new entity), else raise.

    ``new`` must be a member (it says which entity); ``old`` may be its plain string.
    """
    if not isinstance(new, StrEnum) or type(new) not in LIFE_CYCLES:
        raise TypeError(f"check_transition needs the new status as a member, got {new!r}; use parse_status")
    cycle = life_cycle(type(new))
    current = None if old is None else parse_status(cycle.statuses, old)
    if not cycle.allows(current, new):
        allowed = cycle.initial if current is None else cycle.moves[current]
        raise IllegalTransition(cycle.entity, current, new, _in_order(cycle, allowed))
    return new


def mermaid(statuses: type[StrEnum]) -> str:
    """The life cycle as a Mermaid ``stateDiagram-v2`` (for the docs), in declaration order."""
    cycle = life_cycle(statuses)
    lines = ["stateDiagram-v2"]
    lines += [f"    [*] --> {status}" for status in _in_order(cycle, cycle.initial)]
    for status in statuses:
        lines += [f"    {status} --> {target}" for target in _in_order(cycle, cycle.moves[status])]
    lines += [f"    {status} --> [*]" for status in cycle.final]
    return "\n".join(lines) + "\n"


def _in_order(cycle: LifeCycle, some: frozenset[StrEnum]) -> list[str]:
    # Sets have no order; the enum's declaration order keeps messages and docs stable.
    return [str(status) for status in cycle.statuses if status in some]
