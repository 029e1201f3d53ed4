"""Scenarios as explicit state machines (the OCA shopfloor pattern, in plain Python).

A station's session is ``(scenario, state, context)``. An input — a scan, an operator
action, or a floor event (a task assigned, a label printed) — is handled by the handler
registered for the session's state; the handler returns a ``Step``: the next state, the next
context, a message for the operator and the effects the service must apply (count a unit,
close a parcel…). Handlers read the floor through ``facts`` (``facts.py``) and never write it.

Every transition is declared where its handler is registered (``@scenario.on(..., to=...)``),
so the whole machine can be listed (``transitions()``) and drawn (docs/scenarios.md) from the
code, and a handler that steps somewhere it did not declare is a bug caught at once.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable, Mapping

from server.domain.scanning import ScannedCode
from wire.contract import MessageLevel, ScreenState


class Trigger(StrEnum):
    SCAN = "scan"
    ACTION = "action"
    TASK_ASSIGNED = "task_assigned"
    LABEL_PRINTED = "label_printed"
    LABEL_FAILED = "label_failed"


@dataclass(frozen=True)
class Input:
    trigger: Trigger
    code: ScannedCode | None = None  # with SCAN
    name: str = ""  # the action's name (ACTION) or the event's detail
    params: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def scan(cls, code: ScannedCode) -> Input:
        return cls(Trigger.SCAN, code=code)

    @classmethod
    def action(cls, name: str, **params) -> Input:
        return cls(Trigger.ACTION, name=name, params=params)

    @classmethod
    def event(cls, trigger: Trigger, **params) -> Input:
        return cls(trigger, params=params)


@dataclass(frozen=True)
class Say:
    """A message for the operator: a catalog key (wire/texts.py) and its parameters."""

    level: MessageLevel
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)


def ok(key: str, **params) -> Say:
    return Say(MessageLevel.OK, key, params)


def warn(key: str, **params) -> Say:
    return Say(MessageLevel.WARN, key, params)


def error(key: str, **params) -> Say:
    return Say(MessageLevel.ERROR, key, params)


def info(key: str, **params) -> Say:
    return Say(MessageLevel.INFO, key, params)


@dataclass(frozen=True)
class Effect:
    """A change the service applies after the step: ``kind`` and what it applies to."""

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    state: ScreenState
    context: Mapping[str, Any] = field(default_factory=dict)
    say: Say | None = None
    effects: tuple[Effect, ...] = ()
    scenario: str | None = None  # another scenario takes over (returns: receive → inspect)
    outcome: str = ""  # what a scan did, kept in scan_events (counted, wrong_item…)

    @property
    def accepted(self) -> bool:
        return self.say is not None and self.say.level in (MessageLevel.OK, MessageLevel.WARN)


@dataclass(frozen=True)
class Session:
    scenario: str
    state: ScreenState
    context: Mapping[str, Any] = field(default_factory=dict)


Handler = Callable[[Session, Input, Any], Step]


@dataclass(frozen=True)
class Transition:
    source: ScreenState
    trigger: Trigger
    targets: tuple[str, ...]  # "state" in this scenario, or "scenario:state"
    handler: str


class IllegalStep(RuntimeError):
    """A handler stepped to a state it did not declare: a bug in the scenario."""


Resume = Callable[[Session, Any], Session]


class Scenario:
    """``claims``: the task kind a station in this scenario asks work for (None: it does not);
    ``batch``: how many such tasks it takes at once, each of at most ``max_units`` units.
    ``resume``: brings a stored session back in line with the floor (after a reconnect, a task
    taken away, labels printed meanwhile); it changes nothing by default."""

    def __init__(self, name: str, initial: ScreenState, *, claims: str | None = None, batch: int = 1,
                 max_units: int | None = None, actions: Mapping[ScreenState, tuple[str, ...]] | None = None,
                 resume: Resume | None = None):
        self.name, self.initial, self.claims = name, initial, claims
        self.batch, self.max_units = batch, max_units
        self._handlers: dict[tuple[ScreenState, Trigger], tuple[Handler, tuple[str, ...]]] = {}
        self._actions = dict(actions or {})
        self._resume = resume or (lambda session, facts: session)

    def start(self) -> Session:
        return Session(self.name, self.initial, {})

    def resume(self, session: Session, facts) -> Session:
        return self._resume(session, facts)

    def on(self, state: ScreenState, trigger: Trigger, *, to: tuple[str, ...]):
        """Register the handler of ``trigger`` in ``state``, declaring where it may lead."""
        def register(handler: Handler) -> Handler:
            self._handlers[(state, trigger)] = (handler, tuple(str(target) for target in to))
            return handler
        return register

    @property
    def states(self) -> set[ScreenState]:
        return {self.initial} | {state for state, _ in self._handlers}

    def actions(self, state: ScreenState) -> tuple[str, ...]:
        """The operator keys the screen of ``state`` offers."""
        return self._actions.get(state, ())

    def handle(self, session: Session, given: Input, facts) -> Step:
        entry = self._handlers.get((session.state, given.trigger))
        if entry is None:
            return self.not_expected(session, given)
        handler, targets = entry
        step = handler(session, given, facts)
        target = f"{step.scenario}:{step.state}" if step.scenario else str(step.state)
        if target not in targets:
            raise IllegalStep(f"{self.name}.{handler.__name__}: {session.state} → {target} is not declared")
        return step

    def not_expected(self, session: Session, given: Input) -> Step:
        """An input this state has no use for: refused in red, nothing changes."""
        what = str(given.code.kind) if given.code is not None else (given.name or str(given.trigger))
        return Step(session.state, session.context, error("not_expected_here", what=what),
                    outcome="not_expected")

    def transitions(self) -> list[Transition]:
        return [Transition(state, trigger, targets, handler.__name__)
                for (state, trigger), (handler, targets) in self._handlers.items()]
