"""StationCore: the one place that decides what the station does next.

Every input (scanner reads, typed codes, connection changes, server nudges,
the operator's keys, printer status) goes through one queue, handled by one
worker thread, so scans reach the server strictly in the order they were read.
The core never decides what a scan means: it stores it, sends it, and draws the
screen the server answers (docs/protocol.md, wire/contract.py).

Nothing stops the floor: a scan the server refuses, or fails on
DEAD_LETTER_AFTER_ATTEMPTS times, is set aside in the outbox's dead letters,
shown red and reported, and the next scan goes on. A lost network only ever
makes scans wait.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from dataclasses import asdict
from datetime import datetime, timedelta, timezone

from station.core_devices import DevicesMixin, _error_of
from station.link import AckTimeout, ServerUnavailable
from station.outbox import DeadScan, Outbox, PendingScan
from station.ui.board import EMPTY_SCREEN, ScreenBoard
from wire.contract import (
    ACK_TIMEOUT_SECONDS, HEARTBEAT_SECONDS, MAX_PRINT_ERROR_CHARS, MAX_SCAN_CHARS, Action, ClientEvent, ErrorCode, MessageLevel, ScreenState, is_retryable,
)
from wire.payloads import (
    ActionPayload, DeadLetterPayload, ScanPayload, clean_scan_text,
)
from wire.texts import text

log = logging.getLogger(__name__)


class StationCore(DevicesMixin):
    def __init__(self, link, printer, outbox: Outbox, *, station_code: str, locale: str = "fr",
                 ack_timeout: float = ACK_TIMEOUT_SECONDS, retry_interval: float = 1.0,
                 printer_poll: float = 2.0, printer_report: float = 10.0,
                 heartbeat_interval: float = HEARTBEAT_SECONDS):
        self.link, self.printer, self.outbox = link, printer, outbox
        self.locale, self.ack_timeout, self.retry_interval = locale, ack_timeout, retry_interval
        self.printer_poll, self.printer_report = printer_poll, printer_report
        self.board = ScreenBoard({"code": station_code, "name": None, "role": None, "locale": locale})
        self._inbox: queue.Queue[tuple] = queue.Queue()
        self._last_reply: dict = dict(EMPTY_SCREEN)
        self._synced = False  # hello answered since the last outage
        self._next_sync = 0.0
        self._retry_at: float | None = None  # the server failed on the oldest scan: next try
        self._ask_again_at: float | None = None  # request_task answered "try again": next try
        self._unanswered_scan: str | None = None  # its ack timed out on a connection that stayed up
        self._report_due = True  # dead letters the server may not know about yet
        self._printed_unreported: set[int] = set()  # printed, print_result not acked yet
        self._printer_sent: tuple[dict | None, float] = (None, 0.0)
        self._scanner = None
        self._scale = None
        self._last_label = ""  # the last shipping label printed: the reprint key prints it again
        self._elsewhere_at = 0.0  # next time to ask whether the label on the backup printer came out
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._started = self._stopped = False
        self.heartbeat_interval = heartbeat_interval
        self._next_heartbeat = 0.0

    # --- inputs: safe from any thread ------------------------------------------

    def submit_read(self, read) -> PendingScan:
        """A ScanRead from the scanner thread. Stored before anything else."""
        return self._store(read.code, read.symbology, _wall_clock(read.at))

    def submit_typed(self, code: str) -> PendingScan:
        """A code typed or keyboard-wedged into the kiosk page."""
        code = clean_scan_text(code.strip("\r\n"))
        if not code:
            raise ValueError("an empty code is not a scan")
        if len(code) > MAX_SCAN_CHARS:
            # The server would refuse it: say so now rather than set it aside later.
            message = self._local_message(MessageLevel.ERROR, "scan_too_long", max=MAX_SCAN_CHARS)
            self.board.set(message=message)
            raise ValueError(message["text"])
        return self._store(code, None, datetime.now(timezone.utc).isoformat())

    def submit_rejected(self, rejected) -> None:
        self._inbox.put(("rejected", rejected))

    def submit_scanner_status(self, status) -> None:
        """A ScannerStatus from the scanner thread (unplugged, replugged, not found)."""
        self._inbox.put(("scanner_status", status))

    def submit_action(self, name: str, params: dict | None = None) -> None:
        """An operator key pressed on the kiosk (with what was typed, e.g. a counted quantity);
        a malformed name or params raise BadPayload (a ValueError)."""
        action = ActionPayload.parse({"name": name, "params": params or {}})
        if action.name == Action.REPRINT:
            return self.reprint()  # the label is printed here: the server is not asked
        self._inbox.put(("action", action))

    def reprint(self) -> None:
        self._inbox.put(("reprint",))

    def screen(self) -> dict:
        return self.board.snapshot()

    def wait_screen(self, after: int, timeout: float) -> dict:
        return self.board.wait_newer(after, timeout)

    def _store(self, raw: str, symbology: str | None, scanned_at: str) -> PendingScan:
        # Written to disk on the caller's thread, before queueing: a scan read
        # just before a power cut is replayed after the restart.
        scan = self.outbox.add(raw, symbology, scanned_at)
        self.board.set(waiting_scans=self.outbox.count())
        self._inbox.put(("scan", scan))
        return scan

    # --- lifecycle --------------------------------------------------------------

    def start(self) -> StationCore:
        if self._started:
            return self
        self._started = True
        self.board.set(waiting_scans=self.outbox.count(), dead_scans=self.outbox.dead_count())
        self.link.on_connected = lambda: self._inbox.put(("connected",))
        self.link.on_disconnected = lambda: self._inbox.put(("disconnected",))
        self.link.on_tasks_waiting = lambda payload: self._inbox.put(("tasks_waiting", payload))
        for target, name in ((self._work, "station-core"), (self._watch_printer, "station-printer")):
            thread = threading.Thread(target=target, name=name, daemon=True)
            self._threads.append(thread)
            thread.start()
        self.link.connect()
        if self._scanner is not None:
            self._scanner.start()
        if self._scale is not None:
            self._scale.start()
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._scanner is not None:
            self._scanner.stop()
        if self._scale is not None:
            self._scale.stop()
        self._stop.set()
        self._inbox.put(("stop",))
        self.link.close()  # first: wakes a worker waiting for an ack
        for thread in self._threads:
            thread.join(self.ack_timeout + 5)
        self.board.set()  # wakes long-polling pages

    # --- the worker ---------------------------------------------------------------

    def _work(self) -> None:
        handlers = {"scan": self._on_scan, "rejected": self._on_rejected, "connected": self._sync,
                    "disconnected": self._on_disconnected, "tasks_waiting": self._on_tasks_waiting,
                    "action": self._on_action, "reprint": self._on_reprint,
                    "printer_status": self._on_printer_status, "scanner_status": self._on_scanner_status,
                    "device_status": self._on_device_status, "tick": self._on_tick}
        while True:
            try:
                kind, *args = self._inbox.get(timeout=self.retry_interval / 2)
            except queue.Empty:
                kind, args = "tick", []
            if kind == "stop":
                return
            try:
                handlers[kind](*args)
                self._heartbeat_if_due()  # also between inputs: busy scanning never starves it
            except Exception:  # one bad input must not stop the station
                log.exception("station core failed handling %s", kind)

    def _on_scan(self, scan: PendingScan) -> None:
        if self._synced:
            self._flush()
        else:
            self._sync()

    def _on_rejected(self, rejected) -> None:
        log.info("scan rejected by the scanner driver: %s %r", rejected.reason, rejected.raw)
        if rejected.reason == "too_long":
            message = self._local_message(MessageLevel.ERROR, "scan_too_long", max=MAX_SCAN_CHARS)
        else:
            message = self._local_message(MessageLevel.ERROR, "scan_incomplete")
        self.board.set(message=message)

    def _on_disconnected(self) -> None:
        self._unanswered_scan = None  # the connection was cut: an ack lost on it proves nothing
        self._go_offline()

    def _on_tasks_waiting(self, payload: dict) -> None:
        self._request_task_if_idle()

    def _on_action(self, action: ActionPayload) -> None:
        if self._synced:
            self._flush()  # the scans read before the key was pressed reach the server first
        if not self._synced or self.outbox.count():
            log.info("action %s not sent: offline or scans still waiting", action.name)
            return self.board.set(message=self._local_message(MessageLevel.ERROR, "action_not_sent"))
        try:
            reply = self._call(ClientEvent.ACTION, asdict(action))
        except ServerUnavailable:
            return self._go_offline()
        if _error_of(reply):
            return self._show_server_error(_error_of(reply))
        self._apply(reply)
        self._request_task_if_idle()

    def _on_tick(self) -> None:
        now = time.monotonic()
        if not self._synced:
            if self.link.connected and now >= self._next_sync:
                self._sync()
        elif self._retry_at is not None and now >= self._retry_at:
            self._flush()
        elif self._ask_again_at is not None and now >= self._ask_again_at:
            self._ask_again_at = None
            self._request_task_if_idle()
        else:
            self._check_label_elsewhere(now)

    def _heartbeat_if_due(self) -> None:
        """Renew the leases of the tasks held; a screen in the ack (a task taken away while
        this station was silent) is drawn."""
        now = time.monotonic()
        if not self._synced or now < self._next_heartbeat:
            return
        self._next_heartbeat = now + self.heartbeat_interval
        try:
            reply = self._call(ClientEvent.HEARTBEAT, self._devices())
        except ServerUnavailable:
            return self._go_offline()
        if not _error_of(reply) and "state" in reply:
            self._apply(reply)

    # --- talking to the server -------------------------------------------------------

    def _sync(self) -> None:
        """After (re)connecting: hello, replay the outbox in order, then ask for work."""
        self._next_sync = time.monotonic() + self.retry_interval
        try:
            reply = self._call(ClientEvent.HELLO, {})
        except ServerUnavailable:
            return self._go_offline()
        if _error_of(reply):
            log.warning("server refused hello: %s", _error_of(reply))
            return self._go_offline()  # cannot work with it; hello again after retry_interval
        if isinstance(reply.get("station"), dict):
            self.board.set(station={**self.board.get("station"), **reply["station"]})
            self.locale = reply["station"].get("locale") or self.locale  # the server's setting wins
        self._synced = True
        self._report_due = True
        self._apply(reply)
        self._count_unanswered_scan()
        self._send_printer_status(force=True)
        self._flush()

    def _flush(self) -> None:
        while (scan := self.outbox.peek()) is not None:
            if self._retry_at is not None and time.monotonic() < self._retry_at:
                return  # the server failed on the oldest scan: it goes first, after a pause
            self._retry_at = None
            if not self._deliver(scan):
                return
        self._report_dead_scans()
        self._request_task_if_idle()

    def _deliver(self, scan: PendingScan) -> bool:
        """Send the oldest waiting scan. False: the scans behind it must wait."""
        payload = ScanPayload(scan.uuid, scan.raw, scan.symbology,
                              datetime.fromisoformat(scan.scanned_at)).to_wire()
        try:
            reply = self._call(ClientEvent.SCAN, payload)
        except AckTimeout:
            self._unanswered_scan = scan.uuid  # counted if the server answers hello next
            self._go_offline()
            return False
        except ServerUnavailable:
            self._go_offline()
            return False
        error = _error_of(reply)
        if error is None:
            self.outbox.remove(scan.uuid)  # acknowledged: any screen, red or duplicate
            self.board.set(waiting_scans=self.outbox.count())
            self._apply(reply)
            return True
        if error.get("code") == ErrorCode.NOT_CONNECTED:
            self._go_offline()  # the server did not look at the scan: it is not at fault
            return False
        if error.get("code") == ErrorCode.BUSY:
            # An overloaded server (pool exhausted, restarting under a storm) is never the
            # scan's fault: it waits its turn and is not counted towards setting it aside.
            log.info("server busy, scan %s waits: %s", scan.uuid, error.get("text"))
            self._retry_at = time.monotonic() + self.retry_interval
            return False
        log.warning("server could not take scan %s %r: %s", scan.uuid, scan.raw, error)
        dead = self.outbox.record_failure(scan.uuid, str(error.get("code", ErrorCode.SERVER_ERROR)),
                                          str(error.get("text", "")), retry=is_retryable(reply))
        if dead is None:
            self._retry_at = time.monotonic() + self.retry_interval
            return False
        self._tell_set_aside(dead)
        return True

    def _count_unanswered_scan(self) -> None:
        """The server answers again, so the scan it left without an ack was its failure."""
        scan_uuid, self._unanswered_scan = self._unanswered_scan, None
        if scan_uuid is None:
            return
        reason = text("scan_no_answer", self.locale)
        dead = self.outbox.record_failure(scan_uuid, str(ErrorCode.SERVER_ERROR), reason, retry=True)
        if dead is not None:
            self._tell_set_aside(dead)

    def _tell_set_aside(self, dead: DeadScan) -> None:
        """A scan was set aside so the floor goes on: the operator and the supervisor are told."""
        log.error("scan %s %r set aside after %d attempt(s): %s %s",
                  dead.uuid, dead.raw, dead.attempts, dead.code, dead.reason)
        self._report_due = True
        message = self._local_message(MessageLevel.ERROR, "scan_dead_lettered", code=dead.code, reason=dead.reason)
        self.board.set(message=message, waiting_scans=self.outbox.count(), dead_scans=self.outbox.dead_count())

    def _report_dead_scans(self) -> None:
        # Not through _call: a server that cannot take the report must not hold up the scans.
        if not self._report_due:
            return
        self._report_due = False
        for dead in self.outbox.unreported():
            try:
                reply = self.link.call(ClientEvent.SCAN_DEAD_LETTERED, _dead_letter_payload(dead),
                                       self.ack_timeout)
            except ServerUnavailable:
                return  # sent again after the next hello
            if _error_of(reply):
                log.warning("server did not take the report of dead scan %s: %s", dead.uuid, _error_of(reply))
            else:
                self.outbox.mark_reported(dead.uuid)

    def _request_task_if_idle(self) -> None:
        # Only with an empty outbox: a queued scan belongs to the task it was read for.
        if not self._synced or self._last_reply.get("state") != ScreenState.IDLE or self.outbox.count():
            return
        try:
            reply = self._call(ClientEvent.REQUEST_TASK, {})
        except ServerUnavailable:
            return self._go_offline()
        if _error_of(reply):
            if is_retryable(reply):  # nothing else would ask again (no nudge comes for old tasks)
                self._ask_again_at = time.monotonic() + self.retry_interval
            return self._show_server_error(_error_of(reply))
        shown, incoming = self.board.get("message"), reply.get("message")
        if shown and (incoming is None or incoming.get("level") == MessageLevel.INFO):
            # Keep the green/red of the scan that finished the task on screen.
            return self._apply({**reply, "message": shown}, new_message=False)
        self._apply(reply)

    def _call(self, event: ClientEvent, payload: dict) -> dict:
        try:
            reply = self.link.call(event, payload, self.ack_timeout)
        except ServerUnavailable:
            self._unanswered_scan = None  # no proof the server is alive: a cut network never counts
            raise
        if self.board.get("offline") and not _error_of(reply):
            self.board.set(offline=False)  # an error answer is no screen: the station cannot work yet
        return reply

    def _go_offline(self) -> None:
        self._synced = False
        self.board.set(offline=True, waiting_scans=self.outbox.count())

    def _show_server_error(self, error: dict) -> None:
        self.board.set(message={"level": MessageLevel.ERROR, "code": str(error.get("code", "error")),
                                "text": str(error.get("text", ""))})

    def _local_message(self, level: MessageLevel, key: str, /, **params) -> dict:
        return {"level": level, "code": key, "text": text(key, self.locale, **params)}


def _dead_letter_payload(dead: DeadScan) -> dict:
    reason = f"{dead.code}: {dead.reason}" if dead.reason else dead.code
    return DeadLetterPayload(dead.uuid, dead.raw, reason[:MAX_PRINT_ERROR_CHARS], dead.attempts).to_wire()


def _wall_clock(monotonic_at: float) -> str:
    """ISO time of a read stamped with time.monotonic() by the driver."""
    age = max(0.0, time.monotonic() - monotonic_at)
    return (datetime.now(timezone.utc) - timedelta(seconds=age)).isoformat()
