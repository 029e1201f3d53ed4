"""The screen the kiosk draws, shared by the core (writer) and the UI (reader).

Plain data and a condition variable: no Flask here, so the core does not
depend on the web server.
"""

from __future__ import annotations

import threading

from wire.contract import ScreenState, empty_screen

EMPTY_SCREEN = empty_screen()


class ScreenBoard:
    """What the kiosk draws: the last server screen plus station-local fields.

    Thread-safe; every change bumps `version` so the UI can long-poll.
    `message_id` changes only with a new message, so the UI flashes once.
    """

    def __init__(self, station: dict):
        self._cond = threading.Condition()
        self._server = dict(EMPTY_SCREEN)
        self._local = {"offline": True, "waiting_scans": 0, "dead_scans": 0, "station": station,
                       "printer": None, "message_id": 0, "version": 0}
        self._return_label: tuple[str, dict] | None = None  # (RMA, {zpl, printed}) while it is open

    def show(self, screen: dict, new_message: bool = True) -> None:
        with self._cond:
            self._server = {key: screen.get(key, EMPTY_SCREEN[key]) for key in EMPTY_SCREEN}
            self._keep_return_label(self._server["rma"])
            if new_message and screen.get("message"):
                self._local["message_id"] += 1
            self._bump()

    def set(self, **local) -> None:
        with self._cond:
            if "message" in local:
                self._server["message"] = local.pop("message")
                self._local["message_id"] += 1
            self._local.update(local)
            self._bump()

    def _bump(self) -> None:
        self._local["version"] += 1
        self._cond.notify_all()

    def get(self, key: str):
        with self._cond:
            return self._local[key] if key in self._local else self._server[key]

    def label_zpl(self, job_id: int) -> str | None:
        """The ZPL of a label the current screen asks this station to print (for its picture)."""
        with self._cond:
            return next((str(job.get("zpl") or "") for job in self._server.get("print") or []
                         if job.get("job_id") == job_id), None)

    def _keep_return_label(self, rma) -> None:
        """The server sends the return label when it opens the RMA (docs/protocol.md): kept while
        the same RMA is on screen, forgotten with it."""
        if not isinstance(rma, dict):
            self._return_label = None
        elif "label" in rma:
            label = rma["label"]
            ok = isinstance(label, dict) and isinstance(label.get("zpl"), str) and label["zpl"]
            self._return_label = (rma.get("rma"), label) if ok else None
        elif self._return_label is not None and self._return_label[0] != rma.get("rma"):
            self._return_label = None

    def return_label_zpl(self, rma: str) -> str | None:
        """The ZPL of the return label of the RMA on screen (for its picture)."""
        with self._cond:
            kept = self._return_label
            return kept[1]["zpl"] if kept is not None and kept[0] == rma else None

    def snapshot(self) -> dict:
        with self._cond:
            view = {**self._server, **self._local}
            view["print"] = [{k: v for k, v in job.items() if k != "zpl"} for job in view["print"] or []]
            if isinstance(view["rma"], dict):  # the page gets whether there is a label, not its ZPL
                kept = self._return_label
                view["rma"] = {**view["rma"], "label": None if kept is None else
                               {"printed": bool(kept[1].get("printed"))}}
            if view["offline"]:
                view["state"] = ScreenState.OFFLINE  # set by the station itself, never by the server
            return view

    def wait_newer(self, after: int, timeout: float) -> dict:
        with self._cond:
            self._cond.wait_for(lambda: self._local["version"] > after, timeout)
            return self.snapshot()
