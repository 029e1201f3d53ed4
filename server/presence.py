"""Which stations are online, with one process or several: silent stations are swept offline.

A station is online from its connect to its disconnect. A process killed with -9 (or a host that
loses power) sends no disconnect: with one process, the next start clears every flag
(station_ns.sweep_stale_presence); with several behind nginx, no process can tell another's
stations from dead ones, so every ``serve`` process also runs this sweeper: a station online but
not heard of (connect, heartbeat every 15 s, printer report) for PRESENCE_TIMEOUT_SECONDS is
marked offline (one atomic UPDATE; services/stations.clear_silent_stations). Its next heartbeat,
if it is in fact alive, marks it online again (services/dispatch.heartbeat). The same sweep
closes the sockets of stations re-keyed or deactivated since they signed in.
"""
from __future__ import annotations

import logging
import threading

from server.api import station_ns
from server.extensions import socketio
from server.services import stations

log = logging.getLogger(__name__)


def start_sweeper(app) -> threading.Event:
    """Sweep every PRESENCE_SWEEP_SECONDS in a background task of the server; set the returned
    event to stop it. Started by the server commands (serve, run), not by every app built."""
    floor = app.extensions["colis"]
    every = float(app.config["PRESENCE_SWEEP_SECONDS"])
    silent_for = float(app.config["PRESENCE_TIMEOUT_SECONDS"])
    stop = threading.Event()

    def sweep_now_and_then() -> None:
        while not stop.is_set():
            socketio.sleep(every)
            try:
                with floor.uow() as uow:
                    gone = stations.clear_silent_stations(uow, silent_for)
                if gone:
                    log.warning("stations silent for %.0f s marked offline: %s", silent_for, ", ".join(gone))
                # A station re-keyed or deactivated elsewhere (the CLI is another process, and
                # without Redis nothing tells this one) loses its open socket here.
                if station_ns.drop_revoked_sockets(app):
                    log.warning("closed the sockets of re-keyed or deactivated stations")
            except Exception:  # noqa: BLE001 - the next sweep tries again; the floor goes on
                log.exception("presence sweep failed")

    socketio.start_background_task(sweep_now_and_then)
    return stop
