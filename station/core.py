"""StationCore: the one place that decides what the station does next.

Every input (scanner reads, typed codes, connection changes, server nudges,
the reprint key, printer status) goes through one queue, handled by one worker
thread, so scans reach the server strictly in the order they were read. The
core never decides what a scan means: it stores it, sends it, and draws the
screen the server answers (docs/protocol.md).
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from datetime import datetime, timedelta, timezone

from station.drivers import PrinterError, PrinterNotReady, PrinterOffline, PrinterStatus
from station.link import ServerUnavailable
from station.outbox import Outbox, PendingScan
from station.ui.board import EMPTY_SCREEN, ScreenBoard

log = logging.getLogger(__name__)

MAX_RAW = 512
LOCAL_TEXTS = {
    "scan_incomplete": {"fr": "Lecture incomplète, rescannez", "en": "Incomplete read, scan again"},
}
NOT_READY_REASONS = ("paper_out", "head_open", "paused", "ribbon_out", "buffer_full")
class StationCore:
    def __init__(self, link, printer, outbox: Outbox, *, station_code: str, locale: str = "fr",
                 ack_timeout: float = 5.0, retry_interval: float = 1.0,
                 printer_poll: float = 2.0, printer_report: float = 10.0):
        self.link, self.printer, self.outbox = link, printer, outbox
        self.locale, self.ack_timeout, self.retry_interval = locale, ack_timeout, retry_interval
        self.printer_poll, self.printer_report = printer_poll, printer_report
        self.board = ScreenBoard({"code": station_code, "name": None, "role": None, "locale": locale})
        self._inbox: queue.Queue[tuple] = queue.Queue()
        self._last_reply: dict = dict(EMPTY_SCREEN)
        self._synced = False  # hello answered since the last outage
        self._next_sync = 0.0
        self._printed_unreported: set[int] = set()  # printed, print_result not acked yet
        self._printer_sent: tuple[dict | None, float] = (None, 0.0)
        self._scanner = None
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._started = self._stopped = False

    # --- inputs: safe from any thread ------------------------------------------

    def submit_read(self, read) -> PendingScan:
        """A ScanRead from the scanner thread. Stored before anything else."""
        return self._store(read.code, read.symbology, _wall_clock(read.at))

    def submit_typed(self, code: str) -> PendingScan:
        """A code typed or keyboard-wedged into the kiosk page."""
        code = code.strip("\r\n").replace("\x00", "\ufffd")
        if not 0 < len(code) <= MAX_RAW:
            raise ValueError(f"a scan is 1 to {MAX_RAW} characters")
        return self._store(code, None, datetime.now(timezone.utc).isoformat())

    def submit_rejected(self, rejected) -> None:
        self._inbox.put(("rejected", rejected))

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

    def attach_scanner(self, scanner) -> None:
        """The core starts and stops it; its callbacks should be submit_*."""
        self._scanner = scanner

    def start(self) -> StationCore:
        if self._started:
            return self
        self._started = True
        self.board.set(waiting_scans=self.outbox.count())
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
        return self

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._scanner is not None:
            self._scanner.stop()
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
                    "reprint": self._on_reprint, "printer_status": self._on_printer_status,
                    "tick": self._on_tick}
        while True:
            try:
                kind, *args = self._inbox.get(timeout=self.retry_interval / 2)
            except queue.Empty:
                kind, args = "tick", []
            if kind == "stop":
                return
            try:
                handlers[kind](*args)
            except Exception:  # one bad input must not stop the station
                log.exception("station core failed handling %s", kind)

    def _on_scan(self, scan: PendingScan) -> None:
        if self._synced:
            self._flush()
        else:
            self._sync()

    def _on_rejected(self, rejected) -> None:
        log.info("scan rejected by the scanner driver: %s %r", rejected.reason, rejected.raw)
        self.board.set(message=self._local_message("error", "scan_incomplete"))

    def _on_disconnected(self) -> None:
        self._go_offline()

    def _on_tasks_waiting(self, payload: dict) -> None:
        self._request_task_if_idle()

    def _on_reprint(self) -> None:
        jobs = {job.get("job_id") for job in self._last_reply.get("print") or []}
        self._printed_unreported -= jobs  # the operator wants paper, not a replayed report
        self._apply(self._last_reply, new_message=False)
        self._request_task_if_idle()

    def _on_tick(self) -> None:
        if not self._synced and self.link.connected and time.monotonic() >= self._next_sync:
            self._sync()

    # --- talking to the server -------------------------------------------------------

    def _sync(self) -> None:
        """After (re)connecting: hello, replay the outbox in order, then ask for work."""
        self._next_sync = time.monotonic() + self.retry_interval
        try:
            reply = self._call("hello", {})
        except ServerUnavailable:
            return self._go_offline()
        if isinstance(reply.get("station"), dict):
            self.board.set(station={**self.board.get("station"), **reply["station"]})
            self.locale = reply["station"].get("locale") or self.locale  # the server's setting wins
        self._synced = True
        self._apply(reply)
        self._send_printer_status(force=True)
        self._flush()

    def _flush(self) -> None:
        while (scan := self.outbox.peek()) is not None:
            payload = {"uuid": scan.uuid, "raw": scan.raw, "symbology": scan.symbology,
                       "scanned_at": scan.scanned_at}
            try:
                reply = self._call("scan", payload)
            except ServerUnavailable:
                return self._go_offline()
            self.outbox.remove(scan.uuid)  # acknowledged: any screen, red or duplicate
            self.board.set(waiting_scans=self.outbox.count())
            if "error" in reply:
                log.warning("server refused scan %s %r: %s", scan.uuid, scan.raw, reply["error"])
                self._show_server_error(reply["error"])
            else:
                self._apply(reply)
        self._request_task_if_idle()

    def _request_task_if_idle(self) -> None:
        # Only with an empty outbox: a queued scan belongs to the task it was read for.
        if not self._synced or self._last_reply.get("state") != "idle" or self.outbox.count():
            return
        try:
            reply = self._call("request_task", {})
        except ServerUnavailable:
            return self._go_offline()
        if "error" in reply:
            return self._show_server_error(reply["error"])
        shown, incoming = self.board.get("message"), reply.get("message")
        if shown and (incoming is None or incoming.get("level") == "info"):
            # Keep the green/red of the scan that finished the task on screen.
            return self._apply({**reply, "message": shown}, new_message=False)
        self._apply(reply)

    def _call(self, event: str, payload: dict) -> dict:
        reply = self.link.call(event, payload, self.ack_timeout)
        if self.board.get("offline"):
            self.board.set(offline=False)
        return reply

    def _go_offline(self) -> None:
        self._synced = False
        self.board.set(offline=True, waiting_scans=self.outbox.count())

    def _show_server_error(self, error) -> None:
        error = error if isinstance(error, dict) else {}
        self.board.set(message={"level": "error", "code": str(error.get("code", "error")),
                                "text": str(error.get("text", ""))})

    def _local_message(self, level: str, code: str) -> dict:
        texts = LOCAL_TEXTS[code]
        return {"level": level, "code": code, "text": texts.get(self.locale, texts["en"])}

    # --- screens and labels ------------------------------------------------------------

    def _apply(self, reply: dict, new_message: bool = True) -> None:
        """Draw `reply`, print its jobs and draw each print_result answer.

        Each job is tried at most once per application, so a job that keeps
        failing (paper out) waits for the reprint key instead of looping.
        """
        tried: set = set()
        while reply is not None:
            self._last_reply = reply
            self.board.show(reply, new_message)
            new_message = True
            job = next((j for j in reply.get("print") or [] if j.get("job_id") not in tried), None)
            if job is None:
                return
            tried.add(job.get("job_id"))
            reply = self._print_and_report(job)

    def _print_and_report(self, job: dict) -> dict | None:
        job_id = job.get("job_id")
        if job_id in self._printed_unreported:
            ok, error = True, ""  # printed before an outage: report it, do not print twice
        else:
            ok, error = self._print(job)
        if ok:
            self._printed_unreported.add(job_id)
        try:
            reply = self._call("print_result", {"job_id": job_id, "ok": ok, "error": error})
        except ServerUnavailable:
            return self._go_offline()
        self._printed_unreported.discard(job_id)
        if "error" in reply:
            return self._show_server_error(reply["error"])
        return reply

    def _print(self, job: dict) -> tuple[bool, str]:
        try:
            status = self.printer.status()
            self._inbox.put(("printer_status", status))
            if not status.online:
                raise PrinterOffline(status.detail)
            if not status.ready:
                raise PrinterNotReady(status)
            self.printer.send(str(job.get("zpl", "")).encode("utf-8"))
        except PrinterNotReady as exc:
            return False, _not_ready_reason(exc.status)
        except PrinterOffline:
            return False, "printer_offline"
        except PrinterError as exc:
            log.warning("printer error on job %s: %s", job.get("job_id"), exc)
            return False, "printer_error"
        return True, ""

    # --- printer status ---------------------------------------------------------------

    def _watch_printer(self) -> None:
        # Its own thread: a dead TCP printer takes seconds to time out, and
        # scans must not wait behind that.
        while not self._stop.is_set():
            self._inbox.put(("printer_status", _read_status(self.printer)))
            self._stop.wait(self.printer_poll)

    def _on_printer_status(self, status: PrinterStatus) -> None:
        payload = _status_payload(status)
        if payload != self.board.get("printer"):
            self.board.set(printer=payload)
        self._send_printer_status()

    def _send_printer_status(self, force: bool = False) -> None:
        current, (sent, sent_at) = self.board.get("printer"), self._printer_sent
        due = force or current != sent or time.monotonic() - sent_at >= self.printer_report
        if current is None or not due or not self._synced:
            return
        try:
            self.link.call("printer_status", current, self.ack_timeout)
        except ServerUnavailable:
            return  # sent again after the next hello
        self._printer_sent = (current, time.monotonic())


def _read_status(printer) -> PrinterStatus:
    try:
        return printer.status()
    except PrinterError as exc:
        return PrinterStatus(online=False, detail=str(exc))


def _status_payload(status: PrinterStatus) -> dict:
    return {"online": status.online, "ready": status.ready, "paper_out": status.paper_out,
            "paused": status.paused, "head_open": status.head_open,
            "ribbon_out": status.ribbon_out, "detail": status.detail}


def _not_ready_reason(status: PrinterStatus) -> str:
    return next((name for name in NOT_READY_REASONS if getattr(status, name)), "not_ready")


def _wall_clock(monotonic_at: float) -> str:
    """ISO time of a read stamped with time.monotonic() by the driver."""
    age = max(0.0, time.monotonic() - monotonic_at)
    return (datetime.now(timezone.utc) - timedelta(seconds=age)).isoformat()
