"""One flooding station for bench_security.py (a broken or hostile station PC): until stdin closes,
waves of 1,000 scans sent without waiting for their acks; a scan answered ``busy`` is sent again
after ``RESEND`` seconds (a real station waits a second: this one twenty times less), the next
wave leaves when the last is all applied; dropped by the server, it connects again at once and
starts a new wave. Then the answers' counts as JSON on stdout.

Its own process, as signin_flood.py: the flood's thousand callbacks in the measuring client's
interpreter measured their GIL contention, not the server.

    python bench/scan_flood.py URL STATION TOKEN
"""
from __future__ import annotations

import json
import queue
import random
import sys
import threading
import time
import uuid
from pathlib import Path

import socketio

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from station.link import backoff_delay  # noqa: E402

WAVE = 1000
RESEND = 0.05


def connect(url: str, code: str, token: str, counts: dict) -> socketio.Client:
    """Connected, refused connections tried again with the station agent's own back-off (a broken
    station's loop, as station/link.py runs it; a hostile client's reconnections are nginx's
    limit_conn's and the idle-socket closer's, docs/security.md)."""
    rng, failures = random.Random(), 0
    while True:
        client = socketio.Client(reconnection=False)
        try:
            client.connect(url, namespaces=["/station"], auth={"station": code, "token": token},
                           transports=["websocket"], wait_timeout=10)
            return client
        except socketio.exceptions.ConnectionError:
            counts["connects_refused"] += 1
            client.disconnect()
            failures += 1
            time.sleep(backoff_delay(failures, 0.5, 5.0, rng))


def main(url: str, code: str, token: str) -> None:
    counts = {"applied": 0, "busy": 0, "other_error": 0, "waves": 0, "dropped": 0, "connects_refused": 0}
    client = connect(url, code, token, counts)
    gtin = client.call("request_task", {}, namespace="/station", timeout=10)["task"]["next"]["gtin"]
    lock, stop = threading.Lock(), threading.Event()
    to_send: queue.Queue = queue.Queue()  # (not before, scan uuid)
    left = [0]  # scans of this wave not yet applied

    def answered(scan_id: str):
        def on_reply(reply):
            code = ((reply or {}).get("error") or {}).get("code") if isinstance(reply, dict) else None
            with lock:
                if code == "busy":
                    counts["busy"] += 1
                    to_send.put((time.monotonic() + RESEND, scan_id))
                    return
                counts["applied" if code is None else "other_error"] += 1
                left[0] -= 1
                if left[0] == 0:
                    to_send.put((0.0, None))  # the next wave
        return on_reply

    def send_wave():
        with lock:
            left[0] = WAVE
            counts["waves"] += 1
        for _ in range(WAVE):
            to_send.put((0.0, str(uuid.uuid4())))

    def sender():
        nonlocal client
        send_wave()
        while not stop.is_set():
            try:
                not_before, scan_id = to_send.get(timeout=0.1)
            except queue.Empty:
                continue
            if scan_id is None:
                send_wave()
                continue
            time.sleep(max(0.0, not_before - time.monotonic()))
            if not client.connected or "/station" not in client.namespaces:  # dropped by the server
                counts["dropped"] += 1
                client = connect(url, code, token, counts)
                with lock:  # what was in flight on the old socket is sent again
                    left[0] = 0
                to_send.put((0.0, None))
                continue
            try:
                client.emit("scan", {"uuid": scan_id, "raw": gtin, "symbology": "]E0"}, namespace="/station",
                            callback=answered(scan_id))
            except socketio.exceptions.SocketIOError:
                pass  # dropped meanwhile: seen above at the next scan

    thread = threading.Thread(target=sender, daemon=True)
    thread.start()
    print("flooding", flush=True)
    sys.stdin.read()  # until the bench closes our stdin
    stop.set()
    thread.join(10)
    with lock:
        print(json.dumps(counts), flush=True)
    if client.connected:
        client.disconnect()


if __name__ == "__main__":
    main(*sys.argv[1:4])
