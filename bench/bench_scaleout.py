"""1 vs 2 server processes behind nginx, at a load one process cannot carry.

The floor's setup: Debian's nginx running deploy/nginx/colis.conf (the documented, tested config)
in front of ``colis-server serve`` processes (gunicorn, one gevent worker, plus bench_load's echo
namespace) that share PostgreSQL and Redis. N station clients (bench_load.Station: python-socketio
over WebSocket through nginx, each its own connection, no colis_node, so nginx spreads them at
random as it spreads a floor's stations) each scan ``--rate`` times a second, one scan in flight
at a time (a station sends the next scan after the ack; one that falls behind sends back to back).
The default, 200 stations x 2 scans/s, is more than one process takes on this kind of machine
(~156 scans/s, bench/README.md), so each run measures what its processes can carry.

The same load runs against 1 process, then against 2 (a fresh database each, seeded alike), then
the echo on the 2-process setup (10 s): what the clients, nginx and the transport carry without
the scan's work (if the 2-process scan throughput is near it, the load generator is the limit).
Every acknowledged scan is checked in the database: recorded once. Each run also reports its
workers' CPU and how busy the whole machine was: a worker near 100 % of a core is the limit a
second process lifts; a machine near 100 % (PostgreSQL, nginx, the clients, anything else) is a
limit it cannot.

    python bench/bench_scaleout.py [--stations 200] [--rate 2] [--seconds 25] [--postgres ADMIN_URL]

Prints figures; asserts nothing (issue 13's target: >= 1.6x the throughput with 2 processes on
4 cores or more; on 2 cores, where the processes, PostgreSQL, nginx and these clients share
the cores, it is reported only).
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_load import (connect_stations, phase, recorded_once, seed, server_cpu_seconds,  # noqa: E402
                              server_env, start_server, stop_server)
from bench.bench_scan import percentile, temporary_database  # noqa: E402
from server import migrate  # noqa: E402
from tests.processes import NginxProcess, nginx_binary  # noqa: E402

DEFAULT_ADMIN_URL = "postgresql+psycopg://127.0.0.1/test"
REDIS_URL = os.environ.get("COLIS_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
ECHO_SECONDS = 10


def run_setup(admin_url: str, processes: int, count: int, rate: float, seconds: float, echo: bool) -> dict:
    """``processes`` serve processes behind nginx, ``count`` stations at ``rate``: the figures."""
    with temporary_database(admin_url) as url:
        migrate.upgrade(url)
        tokens = seed(url, count, int(rate * seconds) + 30)
        shared = server_env(url, COLIS_REDIS_URL=REDIS_URL, COLIS_SOCKETIO_CHANNEL=f"colis-bench-{uuid.uuid4().hex}")
        servers = []
        nginx, nginx_dir = None, Path(tempfile.mkdtemp(prefix="colis-scaleout-"))
        try:
            with ThreadPoolExecutor(processes) as pool:  # side by side: each takes seconds to boot
                starting = [pool.submit(start_server, shared) for _ in range(processes)]
            servers.extend(future.result() for future in starting if future.exception() is None)
            for future in starting:
                if future.exception() is not None:
                    raise future.exception()  # the ones that did start are stopped below
            nginx = NginxProcess(nginx_binary(), nginx_dir, [port for _, port in servers])
            nginx.wait_ready(time.monotonic() + 5)
            stations = connect_stations(nginx.url, tokens, parallel=8)
            cpu_start = [server_cpu_seconds(server.pid) for server, _ in servers]
            machine_start, started = _machine_cpu(), time.monotonic()
            scans, answered, missed = phase(stations, "scan", seconds, interval=1 / rate)
            elapsed, machine = time.monotonic() - started, _busy_since(machine_start)
            cpu = [server_cpu_seconds(server.pid) - before for (server, _), before in zip(servers, cpu_start)]
            echoes = None
            if echo:  # a shorter run: the echo costs the server next to nothing, the clients as much
                echo_started = time.monotonic()
                samples, calls, missed_echoes = phase(stations, "echo", min(seconds, ECHO_SECONDS), 1 / rate)
                echoes = (samples, calls / (time.monotonic() - echo_started), missed_echoes)
            with ThreadPoolExecutor(16) as pool:
                list(pool.map(lambda station: station.client.disconnect(), stations))
            spread = _stations_per_process(nginx, count)
        finally:
            if nginx is not None:
                nginx.stop()
            for server, _ in servers:
                stop_server(server)
            shutil.rmtree(nginx_dir, ignore_errors=True)
        acked = [scan_id for station in stations for scan_id in station.acked]
        recorded, rows = recorded_once(url, acked)
    return {"processes": processes, "sent": answered + missed, "acked": len(acked), "recorded": recorded,
            "rows": rows, "scans": scans, "throughput": len(acked) / elapsed, "elapsed": elapsed,
            "cpu": [100 * c / elapsed for c in cpu], "machine": machine, "spread": spread, "echoes": echoes}


def _machine_cpu() -> tuple[int, int]:
    """(busy, total) jiffies of every core since boot (/proc/stat)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def _busy_since(start: tuple[int, int]) -> float:
    """% of the machine's CPU (all cores, everyone's processes) busy since ``start``."""
    busy, total = _machine_cpu()
    return 100 * (busy - start[0]) / max(total - start[1], 1)


def _stations_per_process(nginx: NginxProcess, count: int) -> list[int]:
    """How nginx spread the stations: its access log, one line per WebSocket when it closes."""
    deadline = time.monotonic() + 10
    while True:
        sockets = [e for e in nginx.requests_logged() if "transport=websocket" in e["request"]]
        if len(sockets) >= count or time.monotonic() > deadline:
            return sorted(Counter(e["upstream"] for e in sockets).values(), reverse=True)
        time.sleep(0.1)


def _line(result: dict) -> str:
    scans = result["scans"]
    acked, sent, recorded = result["acked"], result["sent"], result["recorded"]
    return (f"  {result['processes']} process{'es' if result['processes'] > 1 else '  '}  "
            f"stations {'/'.join(map(str, result['spread'])):>9}   "
            f"{result['throughput']:6.1f} scans/s   p50 {statistics.median(scans):7.1f} ms   "
            f"p99 {percentile(scans, 99):7.1f} ms   sent {sent}, acked {acked} "
            f"({100 * acked / max(sent, 1):.1f} %), recorded once {recorded}/{min(acked, 30000)} "
            f"({result['rows']} rows)   worker CPU {' + '.join(f'{c:.0f}' for c in result['cpu'])} % of a core, "
            f"machine {result['machine']:.0f} % busy")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--rate", type=float, default=2.0, help="scans a second per station (offered)")
    parser.add_argument("--seconds", type=float, default=25)
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=DEFAULT_ADMIN_URL,
                        help="several processes need PostgreSQL (a temporary database is created)")
    args = parser.parse_args()
    if nginx_binary() is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx)")
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        raise SystemExit(f"Redis unreachable at {REDIS_URL}: {exc}") from None

    print(f"{args.stations} stations x {args.rate:g} scans/s offered ({args.stations * args.rate:.0f} scans/s), "
          f"{args.seconds:g} s per run; PostgreSQL; nginx (deploy/nginx/colis.conf); Redis; "
          f"{os.cpu_count()} CPU cores for everything (load average {os.getloadavg()[0]:.1f} at the start)",
          flush=True)
    one = run_setup(args.postgres, 1, args.stations, args.rate, args.seconds, echo=False)
    print(_line(one), flush=True)
    two = run_setup(args.postgres, 2, args.stations, args.rate, args.seconds, echo=True)
    print(_line(two))
    echoes, echo_rate, echo_missed = two["echoes"]
    print(f"  echo through nginx, 2 processes (the clients', nginx's and the transport's share): "
          f"{echo_rate:6.1f} calls/s of {args.stations * args.rate:.0f} offered   "
          f"p50 {statistics.median(echoes):.1f} ms   p99 {percentile(echoes, 99):.1f} ms   unanswered {echo_missed}")
    target = "target >= 1.6x on 4 cores or more" + ("" if (os.cpu_count() or 1) >= 4 else
                                                     f"; this machine has {os.cpu_count()}: reported only")
    print(f"  throughput 2 / 1 processes: {two['throughput'] / one['throughput']:.2f}x ({target}); "
          f"scan p99 2 / 1: {percentile(two['scans'], 99) / percentile(one['scans'], 99):.2f}x")


if __name__ == "__main__":
    main()
