"""A normal station's scan latency alone, beside a station flooding 1,000 scans, and beside 16
clients flooding sign-in, in one run against one ``colis-server serve`` process (issue 10).

    .venv/bin/python bench/bench_security.py [--postgres postgresql+psycopg://127.0.0.1/test]

The normal station scans as a station does (one in flight, the next after the ack, every
``--interval`` seconds). The flooder sends its 1,000 scans without waiting for acks (a broken or
hostile station); the sign-in flood is 16 clients posting wrong passwords with valid CSRF tokens
from one address. Target (issue 10): the normal station's p99 within 2x of alone.
The sign-in flood runs in 4 processes of its own (bench/signin_flood.py, as from other machines),
so the measuring client shares its interpreter with nobody.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.bench_load import connect_stations, seed, server_env, start_server, stop_server  # noqa: E402
from bench.bench_scan import percentile, temporary_database  # noqa: E402
from server import migrate  # noqa: E402

HERE = Path(__file__).resolve().parent


def normal_scans(station, count: int, interval: float) -> list[float]:
    latencies = []
    for _ in range(count):
        start = time.perf_counter()
        reply = station.client.call("scan", {"uuid": str(uuid.uuid4()), "raw": station.gtin, "symbology": "]E0"},
                                    namespace="/station", timeout=10)
        latencies.append((time.perf_counter() - start) * 1000)
        assert "error" not in reply, reply
        time.sleep(max(0.0, interval - latencies[-1] / 1000))
    return latencies


def flood_scans(station, count: int, answers: dict) -> None:
    def answered(reply):
        key = "busy" if isinstance(reply, dict) and "error" in reply else "applied"
        answers[key] = answers.get(key, 0) + 1

    for _ in range(count):
        station.client.emit("scan", {"uuid": str(uuid.uuid4()), "raw": station.gtin, "symbology": "]E0"},
                            namespace="/station", callback=answered)


def flood_sign_in(url: str, clients: int, processes: int = 4) -> list[subprocess.Popen]:
    """The flood runs in processes of its own (bench/signin_flood.py), as from other machines:
    16 client threads beside the normal station's client in one interpreter measured their GIL
    contention, not the server. Returns once every client has started flooding."""
    per_process = clients // processes
    floods = [subprocess.Popen([sys.executable, str(HERE / "signin_flood.py"), url, str(n * per_process),
                                str(per_process)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
              for n in range(processes)]
    for flood in floods:
        assert flood.stdout.readline().strip() == "flooding"
    return floods


def stop_floods(floods: list[subprocess.Popen]) -> dict:
    statuses: dict = {}
    for flood in floods:
        out, _ = flood.communicate(timeout=60)  # closes stdin: the flooder stops and reports
        for status, n in json.loads(out.strip().splitlines()[-1]).items():
            statuses[status] = statuses.get(status, 0) + n
    return statuses


def summary(name: str, latencies: list[float]) -> str:
    return f"{name:<28} p50 {percentile(latencies, 50):7.1f} ms   p99 {percentile(latencies, 99):7.1f} ms   n={len(latencies)}"


def run(db: str, count: int, interval: float) -> None:
    migrate.upgrade(db)
    tokens = seed(db, 2, units=count * 3 + 1200)
    server, port = start_server(server_env(db))
    url = f"http://127.0.0.1:{port}"
    try:
        normal, flooder = connect_stations(url, tokens)
        alone = normal_scans(normal, count, interval)
        answers: dict = {}
        flood = threading.Thread(target=flood_scans, args=(flooder, 1000, answers))
        flood.start()
        beside_flood = normal_scans(normal, count, interval)
        flood.join()
        floods = flood_sign_in(url, 16)
        beside_sign_in = normal_scans(normal, count, interval)
        statuses = stop_floods(floods)
        print(summary("alone", alone))
        print(summary("beside a 1,000-scan flood", beside_flood) + f"   (flood answered: {answers})")
        print(summary("beside 16 sign-in floods", beside_sign_in) + f"   (sign-in answers: {statuses})")
        for name, sample in (("flood", beside_flood), ("sign-in", beside_sign_in)):
            ratio = percentile(sample, 99) / max(percentile(alone, 99), 0.001)
            print(f"p99 beside the {name} / alone: {ratio:.2f}x (target <= 2x)")
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=None, help="admin URL; a temporary database is made (default SQLite)")
    parser.add_argument("--count", type=int, default=200, help="normal scans per phase")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between the normal station's scans")
    args = parser.parse_args()
    with temporary_database(args.postgres) as db:
        run(db, args.count, args.interval)


if __name__ == "__main__":
    main()
