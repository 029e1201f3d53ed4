from __future__ import annotations

from datetime import datetime, timezone
from enum import StrEnum

from sqlalchemy import DateTime, String, event
from sqlalchemy.orm import Mapper
from sqlalchemy.orm.base import NEVER_SET, NO_VALUE
from sqlalchemy.types import TypeDecorator

from server.domain.statuses import check_transition, parse_status


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UtcDateTime(TypeDecorator):
    """Timestamps are stored and returned as aware UTC on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: Colis stores aware UTC timestamps only")
        return value.astimezone(timezone.utc) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value


class StatusType(TypeDecorator):
    """A status column: stored as the plain string (VARCHAR of the migration), read as its StrEnum.

    A string that is not a member is refused both ways: written (UnknownStatus at flush or
    in a query) and read (a row written around the ORM).
    """

    impl = String
    cache_ok = True

    def __init__(self, statuses: type[StrEnum], length: int):
        super().__init__(length)
        self.statuses = statuses

    @property
    def python_type(self) -> type[StrEnum]:
        return self.statuses

    def process_bind_param(self, value, dialect):
        # The member's plain value: psycopg would write an Enum's *name* ("NEW").
        return None if value is None else parse_status(self.statuses, value).value

    def process_result_value(self, value, dialect):
        return None if value is None else parse_status(self.statuses, value)


# --- the one place every ORM status assignment is checked ------------------------------

@event.listens_for(Mapper, "mapper_configured")
def _guard_status_columns(mapper: Mapper, class_: type) -> None:
    """Every StatusType column of every model gets the transition check, none forgotten."""
    for prop in mapper.column_attrs:
        column_type = prop.columns[0].type
        if isinstance(column_type, StatusType):
            # active_history: the old status is loaded (if expired) so the move can be judged.
            event.listen(prop.class_attribute, "set", _status_guard(column_type.statuses),
                         retval=True, active_history=True)


def _status_guard(statuses: type[StrEnum]):
    def check_status_assignment(target, value, oldvalue, initiator):
        new = parse_status(statuses, value)
        return check_transition(_previous(oldvalue), new)
    return check_status_assignment


def _previous(oldvalue):
    # Nothing set yet: a new object, judged against the life cycle's initial statuses.
    return None if oldvalue is None or oldvalue is NO_VALUE or oldvalue is NEVER_SET else oldvalue
