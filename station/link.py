"""The station's Socket.IO connection to the server's /station namespace.

Knows the transport, not the meaning: `call()` sends an event and returns the
server's ack (a screen), or raises ServerUnavailable. See docs/protocol.md.
"""

from __future__ import annotations

import logging
import random
import threading
from typing import Callable

import socketio
from socketio import exceptions as sio_errors

from wire.contract import STATION_NAMESPACE, ErrorCode, ServerEvent, error_reply

log = logging.getLogger(__name__)

NAMESPACE = STATION_NAMESPACE
CALL_ERRORS = (sio_errors.TimeoutError, sio_errors.BadNamespaceError, sio_errors.DisconnectedError)


class ServerUnavailable(Exception):
    """No ack: not connected, disconnected while waiting, or timed out."""


class AckTimeout(ServerUnavailable):
    """The event left on a connection that stayed up, and no ack came in time.

    Either the network died silently or the server choked on this very event;
    the core tells them apart by whether the server answers what it sends next.
    """


class ServerLink:
    def __init__(self, server_url: str, station_code: str, token: str,
                 retry_delay: float = 0.5, retry_delay_max: float = 5.0, rng: random.Random | None = None):
        self.server_url = server_url
        self.station_code = station_code
        self._auth = {"station": station_code, "token": token}
        self._retry = (retry_delay, retry_delay_max)
        self._rng = rng if rng is not None else random.Random()  # injected by tests: jitter they can check
        self.on_connected: Callable[[], None] = lambda: None
        self.on_disconnected: Callable[[], None] = lambda: None
        self.on_tasks_waiting: Callable[[dict], None] = lambda payload: None
        # handle_sigint=False: otherwise the client library chains its own Ctrl-C handler,
        # which drops every connection one by one (3 s each) before the station's orderly
        # stop runs, and the link reconnects them meanwhile.
        # reconnection=False: the link alone reconnects, with jitter (_keep_connected).
        self._sio = socketio.Client(reconnection=False, handle_sigint=False)
        self._sio.on("connect", self._handle_connect, namespace=NAMESPACE)
        self._sio.on("disconnect", self._handle_disconnect, namespace=NAMESPACE)
        self._sio.on("connect_error", self._handle_connect_error, namespace=NAMESPACE)
        self._sio.on(ServerEvent.TASKS_WAITING, self._handle_tasks_waiting, namespace=NAMESPACE)
        self._emit_lock = threading.Lock()  # Client.emit is not thread-safe
        self._waiting: set[threading.Event] = set()
        self._waiting_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def connected(self) -> bool:
        return self._sio.connected and NAMESPACE in self._sio.namespaces

    def connect(self) -> None:
        """Start connecting in the background; returns at once."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._keep_connected, daemon=True,
                                            name=f"link {self.station_code}")
            self._thread.start()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)
        self._sio.shutdown()
        self._fail_waiting_calls()

    def call(self, event: str, payload: dict, timeout: float) -> dict:
        # Not Client.call(): it keeps waiting after a disconnect until the
        # timeout; here a drop wakes the caller at once (_fail_waiting_calls).
        answered, replies = threading.Event(), []

        def on_ack(*args):
            replies.append(args[0] if args else None)
            answered.set()

        with self._waiting_lock:
            self._waiting.add(answered)
        try:
            with self._emit_lock:
                self._sio.emit(event, payload, namespace=NAMESPACE, callback=on_ack)
            if not answered.wait(timeout):
                raise AckTimeout(f"no ack for {event!r} within {timeout:g} s")
        except CALL_ERRORS as exc:
            raise ServerUnavailable(f"{event!r}: {exc or type(exc).__name__}") from exc
        finally:
            with self._waiting_lock:
                self._waiting.discard(answered)
        if not replies:
            raise ServerUnavailable(f"disconnected while waiting for the ack of {event!r}")
        return _as_reply(event, replies[0])

    # --- connection upkeep ----------------------------------------------------

    def _keep_connected(self) -> None:
        """Connect, and reconnect after every drop, waiting a jittered time before each attempt
        after a drop and after each failure (backoff_delay), so that the stations a crashed or
        restarted server dropped all at once do not knock again at the same instants.

        python-socketio's own reconnect task is off (reconnection=False): it waits the same
        instants for every station give or take 0.5 s, and gives each attempt a fixed 1 s to
        connect, so against a restarted server busy with the others' connects it abandons
        attempts the server had already done the work of, and tries again (issue 13's
        storm benchmark, bench/bench_storm.py, measured both). Nor does it retry a failed
        first connect or a session the server closed: this loop had to anyway.
        """
        poll, failures = self._retry[0], 0
        was_up = False  # at start, connect at once
        while not self._stop.is_set():
            wait = poll
            if self.connected:
                was_up, failures = True, 0
            elif was_up:
                was_up = False  # just dropped: first attempt after a jittered moment
                wait = backoff_delay(0, *self._retry, self._rng)
            elif self._try_connect():
                failures = 0
            else:
                failures += 1
                wait = backoff_delay(failures, *self._retry, self._rng)
            self._stop.wait(wait)

    def _try_connect(self) -> bool:
        try:
            self._sio.connect(self.server_url, auth=self._auth, transports=["websocket"],
                              namespaces=[NAMESPACE], wait_timeout=5)
        except (sio_errors.ConnectionError, ValueError) as exc:
            # Refused (bad token, server down) or still disconnecting: try later.
            log.info("station %s cannot connect to %s: %s", self.station_code, self.server_url, exc)
            return False
        except Exception:  # noqa: BLE001 - whatever the client library raises, the loop must go on
            log.exception("station %s: connecting to %s failed unexpectedly", self.station_code, self.server_url)
            return False
        if self._stop.is_set():  # close() ran while we were connecting
            self._sio.disconnect()
        return True

    # --- client callbacks (run on the client's threads: keep them short) ------

    def _handle_connect(self) -> None:
        log.info("station %s connected to %s", self.station_code, self.server_url)
        self.on_connected()

    def _handle_disconnect(self, reason=None) -> None:
        log.info("station %s disconnected (%s)", self.station_code, reason)
        self._fail_waiting_calls()
        self.on_disconnected()

    def _handle_connect_error(self, data=None) -> None:
        # A bad token says {"message": "unauthorized"}; a server that is down, "Connection error".
        log.warning("station %s cannot connect: %s", self.station_code, data)

    def _handle_tasks_waiting(self, payload=None) -> None:
        self.on_tasks_waiting(payload if isinstance(payload, dict) else {})

    def _fail_waiting_calls(self) -> None:
        with self._waiting_lock:
            for event in self._waiting:
                event.set()  # without a reply: call() raises ServerUnavailable


def backoff_delay(failures: int, base: float, cap: float, rng: random.Random) -> float:
    """How long to wait after the `failures`-th failed connect in a row (0: after a drop),
    with "full jitter": uniform over [0, min(cap, base * 2**failures)] (AWS Architecture Blog,
    "Exponential Backoff And Jitter", 2015).

    The ceiling doubles as the un-jittered loop's delay did (0.5 s, then 1, 2, 4, 5, 5...);
    the wait is anywhere below it. Full rather than decorrelated jitter
    (min(cap, uniform(base, 3 * previous))): with a cap only ten times the base, most
    decorrelated draws land above the cap and are clipped to exactly it, so stations that
    keep failing fall back into a common 5 s rhythm; full jitter keeps every wait spread
    over the whole window, and its mean (cap / 2) is also the expected time a station takes
    to notice that its server is back. AWS's simulation finds it the least total work for
    a completion time as good as the others'.

    For comparison, python-socketio's reconnect task waits min(cap, base * 2**n) plus
    `randomization_factor` (0.5, in seconds, not a fraction) times uniform(-1, 1): every
    station within 0.5 s of the same instants (socketio/client.py, _handle_reconnect).
    """
    ceiling = min(cap, base * 2 ** min(failures, 32))
    return rng.uniform(0.0, ceiling)


def _as_reply(event: str, reply) -> dict:
    if isinstance(reply, dict):
        return reply
    # A server without a handler for the event acks with nothing: its failure, not the payload's.
    log.error("server answered %r with %r, not an object", event, reply)
    return error_reply(ErrorCode.SERVER_ERROR, f"unexpected reply to {event}")
