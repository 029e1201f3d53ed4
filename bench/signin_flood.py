"""One sign-in flooding process for bench_security.py (an attacker's machine): N clients posting
wrong passwords until stdin closes, then the answers' status counts as JSON on stdout.

Its own small process, importing only requests: the measuring client must share its interpreter
(and its GIL) with nobody, and a flooder must not spend the measured seconds importing the server.
"""
from __future__ import annotations

import json
import re
import sys
import threading

import requests


def flood(url: str, name: str, stop: threading.Event, counts: dict, lock: threading.Lock,
          ready: threading.Barrier) -> None:
    web = requests.Session()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get(f"{url}/login", timeout=30).text).group(1)
    ready.wait()
    while not stop.is_set():
        try:
            status = web.post(f"{url}/login", data={"username": name, "password": "wrong password",
                                                    "csrf_token": token}, timeout=30).status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        with lock:
            counts[status] = counts.get(status, 0) + 1


def main(url: str, first: int, clients: int) -> None:
    stop, lock, counts = threading.Event(), threading.Lock(), {}
    ready = threading.Barrier(clients + 1)
    workers = [threading.Thread(target=flood, args=(url, f"guess{first + n}", stop, counts, lock, ready), daemon=True)
               for n in range(clients)]
    for worker in workers:
        worker.start()
    ready.wait()
    print("flooding", flush=True)
    sys.stdin.read()  # until the bench closes our stdin
    stop.set()
    for worker in workers:
        worker.join(35)
    print(json.dumps(counts), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
