"""The station's devices: the scanner and scale attached, labels printed from the server's screens, the
printer's and the serial scanner's state on the kiosk, and what the heartbeat tells the
dashboard of the scanner, the scale and the outbox. Part of ``StationCore`` (core.py): the
same worker thread runs it, so a label prints in the order its screen came.
"""
from __future__ import annotations

import time

from station.drivers import PrinterStatus
from station.labelprinter import print_label, read_status, status_payload
from station.link import ServerUnavailable
from wire.contract import MAX_PRINT_ERROR_CHARS, ClientEvent, ErrorCode, ScreenState
from wire.payloads import PrintResultPayload


BACKUP_CHECK_SECONDS = 2.0  # how often a bench waiting on the backup printer asks if its label came out


class DevicesMixin:
    # --- attaching the scanner and the scale ----------------------------------------

    def attach_scale(self, scale) -> None:
        """A packing bench's serial scale: it weighs when the screen says so (station/weighing.py)."""
        from station.weighing import ScaleBench

        self._scale = ScaleBench(scale, self.submit_action, self.board.set, self._operator_locale)

        def on_status(status) -> None:
            self._scale.on_status(status)  # the kiosk says it
            self._inbox.put(("device_status", status))  # and the dashboard hears of it now

        scale.on_status = on_status

    def _operator_locale(self) -> str:
        """The language of the operator signed in by badge, else the station's."""
        return (self.board.get("operator") or {}).get("locale") or self.locale

    def attach_scanner(self, scanner) -> None:
        """The core starts and stops it; its callbacks should be submit_*."""
        self._scanner = scanner
        self.board.set(scanner=None)  # unknown until the driver's first status

    # --- labels and device states ---------------------------------------------------

    def _check_label_elsewhere(self, now: float) -> None:
        """This station's label went to the backup printer (the operator's key) and the backup
        could not print it at once: the screen waits with nothing to print here. Ask the server
        now and then (``request_task`` answers the screen as it is), so the bench goes on by
        itself once the spooler has printed it there."""
        reply = self._last_reply
        if (not self._synced or reply.get("state") != ScreenState.PRINT_LABEL or reply.get("print")
                or now < self._elsewhere_at):
            return
        self._elsewhere_at = now + BACKUP_CHECK_SECONDS
        try:
            answer = self._call(ClientEvent.REQUEST_TASK, {})
        except ServerUnavailable:
            return self._go_offline()
        if _error_of(answer):
            return None
        shown, incoming = self.board.get("message"), answer.get("message")
        if answer.get("state") == reply.get("state") and shown and (incoming is None or incoming.get("level") == "info"):
            return self._apply({**answer, "message": shown}, new_message=False)  # still waiting: keep why
        self._apply(answer)

    def _on_reprint(self) -> None:
        waiting_elsewhere = self._last_reply.get("state") == ScreenState.PRINT_LABEL
        if not self._last_reply.get("print") and self._last_label and not waiting_elsewhere:
            # Nothing waiting: the last label again (torn, smudged). Printed here only: the
            # parcel was shipped with the first, the server has nothing to record. (Not while
            # this parcel's label is on the backup printer: that would be the previous parcel's.)
            return self._print({"zpl": self._last_label})
        jobs = {job.get("job_id") for job in self._last_reply.get("print") or []}
        self._printed_unreported -= jobs  # the operator wants paper, not a replayed report
        self._apply(self._last_reply, new_message=False)
        self._request_task_if_idle()


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
            if self._scale is not None:
                self._scale.on_screen(reply)
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
            if job.get("kind") == "shipping":
                self._last_label = str(job.get("zpl", ""))
                self.board.set(last_label=True)
        try:
            reply = self._call(ClientEvent.PRINT_RESULT, PrintResultPayload(job_id, ok, error).to_wire())
        except ServerUnavailable:
            return self._go_offline()
        self._printed_unreported.discard(job_id)
        if _error_of(reply):
            return self._show_server_error(_error_of(reply))
        return reply

    def _print(self, job: dict) -> tuple[bool, str]:
        printed, reason, status = print_label(self.printer, str(job.get("zpl", "")))
        if status is not None:
            self._inbox.put(("printer_status", status))  # the kiosk and dashboard see it at once
        return printed, reason

    def _devices(self) -> dict:
        """What the supervisors' dashboard shows of this station's devices (with each heartbeat)."""
        board = self.board.snapshot()
        scale = board.get("scale")  # absent: no scale at this bench (or a typed weight)
        devices = {"outbox": self.outbox.count(), "scanner": _plugged(board.get("scanner")),  # absent: a wedge
                   "scale": _plugged(scale)}
        if isinstance(scale, dict) and scale.get("port"):
            devices["scale_port"] = str(scale["port"])
        return devices

    # --- scanner status ---------------------------------------------------------------

    def _on_scanner_status(self, status) -> None:
        """The kiosk shows the serial scanner's state with its port (station-side only)."""
        self.board.set(scanner={"connected": bool(status.connected), "port": status.port,
                                "detail": str(status.detail or "")[:MAX_PRINT_ERROR_CHARS]})
        self._on_device_status(status)

    def _on_device_status(self, status) -> None:
        """A scanner or scale plugged or unplugged: the next heartbeat, which carries the
        devices' report to the dashboard, goes now rather than up to a heartbeat later."""
        self._next_heartbeat = 0.0

    # --- printer status ---------------------------------------------------------------

    def _watch_printer(self) -> None:
        # Its own thread: a dead TCP printer takes seconds to time out, and
        # scans must not wait behind that.
        while not self._stop.is_set():
            self._inbox.put(("printer_status", read_status(self.printer)))
            self._stop.wait(self.printer_poll)

    def _on_printer_status(self, status: PrinterStatus) -> None:
        payload = status_payload(status)
        if payload != self.board.get("printer"):
            self.board.set(printer=payload)
        self._send_printer_status()

    def _send_printer_status(self, force: bool = False) -> None:
        current, (sent, sent_at) = self.board.get("printer"), self._printer_sent
        due = force or current != sent or time.monotonic() - sent_at >= self.printer_report
        if current is None or not due or not self._synced:
            return
        try:
            self.link.call(ClientEvent.PRINTER_STATUS, current, self.ack_timeout)
        except ServerUnavailable:
            return  # sent again after the next hello
        self._printer_sent = (current, time.monotonic())


def _plugged(device) -> str | None:
    """A serial device's state as the dashboard names it (None: this station has none)."""
    return None if not isinstance(device, dict) else "connected" if device.get("connected") else "disconnected"

def _error_of(reply) -> dict | None:
    """The error of an `{"error": {...}}` answer (never drawn as a screen), or None."""
    error = reply.get("error") if isinstance(reply, dict) else None
    if error is None:
        return None
    return error if isinstance(error, dict) else {"code": ErrorCode.SERVER_ERROR, "text": str(error)}
