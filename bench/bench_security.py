"""A normal station's scan latency alone, beside a station flooding 1,000 scans, and beside 16
clients flooding sign-in, against one ``colis-server serve`` process (issue 10).

    .venv/bin/python bench/bench_security.py [--postgres postgresql+psycopg://127.0.0.1/test]
                                             [--rounds 3] [--count 200]

The normal station scans as a station does (one in flight, the next after the ack, every
``--interval`` seconds: 20 a second, faster than anyone scans). The flooder (bench/scan_flood.py)
sends waves of 1,000 scans without waiting for acks and sends every ``busy`` one again 50 ms
later, for the whole phase (a broken or hostile station); the sign-in flood is 16 clients posting
wrong passwords with valid CSRF tokens from one address (bench/signin_flood.py, 4 processes).
Both floods run in processes of their own, so the measuring client shares its interpreter with
nobody.

The machine is shared: each round runs the three phases (alone, beside the scan flood, beside the
sign-in flood) back to back, in a rotated order, so a neighbour's burst falls on any of them; each
round's ratios are printed, then the pooled ones (``--rounds`` x ``--count`` samples a condition:
with 600, p99 is the 6th slowest scan, not the 2nd of 200 as before, when one stall decided it).
Target (issue 10): the normal station's p99 within 2x of alone.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
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
        station.heartbeat_if_due()  # as a station: every 15 s (not timed)
        start = time.perf_counter()
        reply = station.client.call("scan", {"uuid": str(uuid.uuid4()), "raw": station.gtin, "symbology": "]E0"},
                                    namespace="/station", timeout=10)
        latencies.append((time.perf_counter() - start) * 1000)
        assert "error" not in reply, reply  # never busy: the normal station is within its rate
        time.sleep(max(0.0, interval - latencies[-1] / 1000))
    return latencies


def flood_scans(url: str, code: str, token: str) -> list[subprocess.Popen]:
    """The flooding station in a process of its own (bench/scan_flood.py); returns once it floods."""
    flood = subprocess.Popen([sys.executable, str(HERE / "scan_flood.py"), url, code, token],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert flood.stdout.readline().strip() == "flooding"
    return [flood]


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


def summary(name: str, latencies: list[float], slowest: bool = False) -> str:
    line = f"{name:<28} p50 {percentile(latencies, 50):7.1f} ms   p99 {percentile(latencies, 99):7.1f} ms   n={len(latencies)}"
    if slowest:  # which scans of the phase (its n-th) were the slowest: a burst at the start, or spread
        worst = sorted(range(len(latencies)), key=latencies.__getitem__)[-3:]
        line += "   slowest " + ", ".join(f"#{i} {latencies[i]:.0f}" for i in sorted(worst))
    return line


PHASES = ("alone", "flood", "sign-in")
NAMES = {"alone": "alone", "flood": "beside the scan flood", "sign-in": "beside 16 sign-in floods"}


def run(db: str, rounds: int, count: int, interval: float) -> None:
    migrate.upgrade(db)
    tokens = seed(db, 2, units=20000)
    (normal_code, normal_token), (flood_code, flood_token) = tokens.items()
    server, port = start_server(server_env(db))
    url = f"http://127.0.0.1:{port}"
    samples: dict[str, list[float]] = {phase: [] for phase in PHASES}
    print(f"load average at start: {os.getloadavg()[0]:.2f}  "
          f"(STATION_EVENT_RATE={os.environ.get('COLIS_STATION_EVENT_RATE', 'default')})")
    try:
        (normal,) = connect_stations(url, {normal_code: normal_token})
        for n in range(rounds):
            mine = {}
            for phase in PHASES[n % 3:] + PHASES[:n % 3]:  # rotated each round
                floods = {"alone": lambda: [], "flood": lambda: flood_scans(url, flood_code, flood_token),
                          "sign-in": lambda: flood_sign_in(url, 16)}[phase]()
                mine[phase] = normal_scans(normal, count, interval)
                answers = stop_floods(floods) if floods else {}
                samples[phase] += mine[phase]
                print(f"round {n + 1} " + summary(NAMES[phase], mine[phase], slowest=True) + (f"   {answers}" if answers else ""))
            print(f"round {n + 1} ratios: " + ", ".join(
                f"{name} {percentile(mine[name], 99) / percentile(mine['alone'], 99):.2f}x" for name in PHASES[1:])
                + f"   (load average {os.getloadavg()[0]:.2f})")
        print("pooled:")
        for phase in PHASES:
            print("  " + summary(NAMES[phase], samples[phase]))
        for phase in PHASES[1:]:
            ratio = percentile(samples[phase], 99) / max(percentile(samples["alone"], 99), 0.001)
            print(f"p99 {NAMES[phase]} / alone: {ratio:.2f}x (target <= 2x)")
    finally:
        stop_server(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", default=None, help="admin URL; a temporary database is made (default SQLite)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the three phases")
    parser.add_argument("--count", type=int, default=200, help="normal scans per phase")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between the normal station's scans")
    args = parser.parse_args()
    with temporary_database(args.postgres) as db:
        run(db, args.rounds, args.count, args.interval)


if __name__ == "__main__":
    main()
