"""The station's scale at the packing bench: it weighs when the screen says ``weigh``.

When the server's screen is ``weigh`` the parcel is on the scale: a thread asks the scale for a
stable weight (station/drivers/scale.py) and sends it as the ``weigh`` key, like an operator's
key, so it goes through the core's queue after any scan read before it. A scale that cannot
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


class ScaleBench:
    def __init__(self, scale, submit_action: Callable[[str, dict], None], show: Callable[..., None],
                 locale: Callable[[], str], *, timeout: float = 5.0, pause: float = 1.0):
        self.scale, self.submit_action, self.show, self.locale = scale, submit_action, show, locale
        self.timeout, self.pause = timeout, pause
        self._wanted = threading.Event()  # the screen is "weigh"
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def on_screen(self, screen: dict) -> None:
        """Every screen the core draws: a weighing starts on ``weigh`` and stops off it."""
        if screen.get("state") != ScreenState.WEIGH or screen.get("offline"):
            self._wanted.clear()
            return
        self._wanted.set()
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._weigh_until_sent, name="station-scale", daemon=True)
                self._thread.start()

    def on_status(self, status) -> None:
        self.show(scale={"connected": bool(status.connected), "port": status.port, "detail": str(status.detail)[:200]})

    def stop(self) -> None:
        self._stopped.set()
        self._wanted.clear()
        if self._thread is not None:
            self._thread.join(self.timeout + 1)
        self.scale.close()

    def _weigh_until_sent(self) -> None:
        said = None
        while self._wanted.is_set() and not self._stopped.is_set():
            try:
                grams = self.scale.weigh(self.timeout)
            except ScaleError as exc:
                if exc.reason != said:  # once per problem, not once a second
                    said = exc.reason
                    log.info("scale: %s", exc)
                    self._say_problem(exc.reason)
                self._stopped.wait(self.pause)
                continue
            if self._wanted.is_set():
                self._wanted.clear()
                self.submit_action(Action.WEIGH, {"grams": grams})
            return

    def _say_problem(self, reason: str) -> None:
        key = f"scale.{reason}"
        try:
            words = text(key, self.locale())
        except KeyError:
            words = reason
        self.show(message={"level": MessageLevel.ERROR, "code": "scale_failed",
                           "text": text("scale_failed", self.locale(), reason=words)})
