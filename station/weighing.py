"""The station's scale at the packing bench: it weighs when the screen says ``weigh``.

When the server's screen is ``weigh`` the parcel is on the scale: a thread asks the scale for a
stable weight (station/drivers/scale.py) and sends it as the ``weigh`` key, like an operator's
key, so it goes through the core's queue after any scan read before it. An empty pan is not a
parcel; for the next parcel of an order (screen ``pack.weighed`` > 0) the pan must be emptied
first, so one parcel is never sent twice. A scale that cannot
weigh (overload, pan missing, unplugged, not settling) is said on the kiosk in words and asked
again every ``pause`` seconds until the screen moves on; nothing is sent in the meantime.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from station.drivers.scale import ScaleError
from wire.contract import Action, MessageLevel, ScreenState
from wire.texts import text

log = logging.getLogger(__name__)


EMPTY_G = 5  # at most this on the pan: the parcel was taken off


class ScaleBench:
    def __init__(self, scale, submit_action: Callable[[str, dict], None], show: Callable[..., None],
                 locale: Callable[[], str], *, timeout: float = 5.0, pause: float = 1.0):
        self.scale, self.submit_action, self.show, self.locale = scale, submit_action, show, locale
        self.timeout, self.pause = timeout, pause
        self._wanted = threading.Event()  # the screen is "weigh"
        self._next_parcel = False  # the screen waits for parcel n > 1: the last one must leave first
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def on_screen(self, screen: dict) -> None:
        """Every screen the core draws: weighing goes on while it is ``weigh``."""
        if screen.get("state") != ScreenState.WEIGH or screen.get("offline"):
            self._wanted.clear()
            return
        self._next_parcel = bool((screen.get("pack") or {}).get("weighed"))
        self._wanted.set()

    def start(self) -> ScaleBench:
        """The weighing thread, for the station's life; it first looks for the scale."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._weigh_while_asked, name="station-scale", daemon=True)
                self._thread.start()
        return self

    def on_status(self, status) -> None:
        self.show(scale={"connected": bool(status.connected), "port": status.port, "detail": str(status.detail)[:200]})

    def stop(self) -> None:
        self._stopped.set()
        self._wanted.set()  # wakes the thread, which sees the stop
        if self._thread is not None:
            self._thread.join(self.timeout + 1)
        self.scale.close()

    def _weigh_while_asked(self) -> None:
        check = getattr(self.scale, "check", None)
        if check is not None:
            check()  # the kiosk says at once whether the scale is there
        said, emptied, last = None, False, 0
        while not self._stopped.is_set():
            if not self._wanted.wait(0.2) or self._stopped.is_set():
                emptied = False
                continue
            try:
                grams = self.scale.weigh(self.timeout)
            except ScaleError as exc:
                if exc.reason != said:  # once per problem, not once a second
                    said = exc.reason
                    log.info("scale: %s", exc)
                    self._say_problem(exc.reason)
                self._stopped.wait(self.pause)
                continue
            said = None
            if self._next_parcel and not emptied and abs(grams - last) <= EMPTY_G:
                # Parcel 2 of 3 is weighed once parcel 1 has left the pan (or another load is
                # on it), never parcel 1 again.
                emptied = grams <= EMPTY_G
                self._stopped.wait(0.2)
                continue
            if grams > EMPTY_G and self._wanted.is_set():
                self._wanted.clear()
                emptied, last = False, grams
                self.submit_action(Action.WEIGH, {"grams": grams})
            else:
                self._stopped.wait(0.2)  # nothing on the pan yet

    def _say_problem(self, reason: str) -> None:
        key = f"scale.{reason}"
        try:
            words = text(key, self.locale())
        except KeyError:
            words = reason
        self.show(message={"level": MessageLevel.ERROR, "code": "scale_failed",
                           "text": text("scale_failed", self.locale(), reason=words)})
