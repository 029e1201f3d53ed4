"""Soak: N stations at 1 scan/s for ``--minutes`` on one ``colis-server serve`` process, on PostgreSQL.

bench_load.py's stations and server (python-socketio clients over WebSocket, one scan in flight
each, against ``load_server.py``: gunicorn with one gevent worker), run minute after minute. Each
minute prints its scans, unanswered scans, p50 / p99 / max latency, and the gunicorn worker's
resident memory (VmRSS in /proc/<worker>/status; the worker is the master's child), its CPU, the
share of the minute it was runnable but waiting for a CPU (/proc/<worker>/schedstat), and the
machine's load average: on a shared machine, other work shows there rather than as drift. At
the end: every acknowledged scan recorded exactly once, and a verdict on drift:

- latency: the median p99 of the last three minutes against the first three (drift above 1.5x);
- memory: the worker's RSS at the end against the end of the first minute (the warm-up: caches,
  pools and 200 sessions filled), and its slope over the second half (drift: growing more than
  10 % and still more than 0.5 MB a minute at the end).

    python bench/bench_soak.py [--stations 200] [--minutes 10] [--postgres postgresql+psycopg://127.0.0.1/test]

Prints figures; asserts nothing (issue 13: p99 and server memory at the start and the end, no drift).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_load import (connect_stations, phase, seed, server_cpu_seconds, server_env,  # noqa: E402
                              server_rss_mb, start_server, stop_server, worker_pid)
from bench.bench_scan import percentile, temporary_database  # noqa: E402

P99_DRIFT = 1.5        # last minutes' p99 over the first minutes'
RSS_GROWTH = 0.10      # end RSS over the RSS after the first minute
RSS_SLOPE_MB_MIN = 0.5  # and still growing this fast over the second half


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--postgres", metavar="ADMIN_URL", default="postgresql+psycopg://127.0.0.1/test")
    args = parser.parse_args()
    with temporary_database(args.postgres) as url:
        run(url, args.stations, args.minutes)


def run(url: str, count: int, minutes: int) -> None:
    from server import migrate

    migrate.upgrade(url)
    tokens = seed(url, count, minutes * 60 + 120)
    server, port = start_server(server_env(url))
    rows = []  # (minute, sent, acked, busy, no ack, p50, p99, max, rss MB, cpu %, cpu wait %, load average)
    try:
        stations = connect_stations(f"http://127.0.0.1:{port}", tokens, parallel=8)
        rss_start = server_rss_mb(server.pid)
        print(f"database: postgresql; {count} stations x 1 scan/s for {minutes} min; colis-server serve "
              f"(gunicorn, 1 gevent worker); worker RSS {rss_start:.1f} MB with every station connected", flush=True)
        print(" min    sent   acked  busy  no ack   p50 ms   p99 ms   max ms   RSS MB   CPU %  CPU wait %   load",
              flush=True)
        worker = int(worker_pid(server.pid))
        for minute in range(1, minutes + 1):
            cpu, waited, started = server_cpu_seconds(server.pid), cpu_wait_seconds(worker), time.monotonic()
            acked_before = sum(len(station.acked) for station in stations)
            samples, answered, missed = phase(stations, "scan", 60)
            elapsed = time.monotonic() - started
            # bench_load counts an error answer both as answered (it has a latency) and as unanswered.
            acked = sum(len(station.acked) for station in stations) - acked_before
            busy = answered - acked  # answered with an error (the server's "try again")
            silent = missed - busy   # no answer within the ack timeout
            cpu_share = 100 * (server_cpu_seconds(server.pid) - cpu) / elapsed
            wait_share = 100 * (cpu_wait_seconds(worker) - waited) / elapsed
            rows.append((minute, answered + silent, acked, busy, silent, statistics.median(samples),
                         percentile(samples, 99), max(samples), server_rss_mb(server.pid), cpu_share, wait_share,
                         os.getloadavg()[0]))
            print(" {:3d} {:7d} {:7d} {:5d} {:7d} {:8.1f} {:8.1f} {:8.1f} {:8.1f} {:7.0f} {:11.0f} {:6.1f}".format(
                *rows[-1]), flush=True)
        for station in stations:
            station.client.disconnect()
    finally:
        stop_server(server)
    acked = [scan_id for station in stations for scan_id in station.acked]
    report(url, rows, rss_start, acked)


def report(url: str, rows: list[tuple], rss_start: float, acked: list[str]) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:
        recorded = {uuid: n for uuid, n in connection.execute(
            text("SELECT uuid, count(*) FROM scan_events GROUP BY uuid"))}
    engine.dispose()
    sent, busy, silent = (sum(r[i] for r in rows) for i in (1, 3, 4))
    missing = sum(1 for scan_id in acked if scan_id not in recorded)
    twice = sum(1 for n in recorded.values() if n > 1)
    print(f"  scans sent {sent}, acknowledged {len(acked)} ({100 * len(acked) / max(sent, 1):.2f} %), answered "
          f"\"busy, try again\" {busy} (a station would send them again), not answered within the ack timeout "
          f"{silent}; acknowledged but not recorded {missing}; recorded twice {twice}; rows {sum(recorded.values())}")

    p99s = [r[6] for r in rows]
    span = max(1, min(3, len(rows) // 2))
    first, last = statistics.median(p99s[:span]), statistics.median(p99s[-span:])
    rss_warm, rss_end = rows[0][8], rows[-1][8]
    half = rows[len(rows) // 2:]
    slope = _slope([r[0] for r in half], [r[8] for r in half]) if len(half) >= 2 else 0.0
    p99_drift = last / first > P99_DRIFT
    rss_drift = rss_end > rss_warm * (1 + RSS_GROWTH) and slope > RSS_SLOPE_MB_MIN
    print(f"  p99: first {span} min {first:.1f} ms, last {span} min {last:.1f} ms ({last / first:.2f}x); "
          f"worker RSS: {rss_start:.1f} MB at the start, {rss_warm:.1f} MB after minute 1, {rss_end:.1f} MB "
          f"at the end ({rss_end - rss_warm:+.1f} MB; {slope:+.2f} MB/min over the second half)")
    drift = []
    if p99_drift:
        drift.append(f"p99 DRIFTS (over {P99_DRIFT}x)")
    if rss_drift:
        drift.append(f"memory DRIFTS (over +{100 * RSS_GROWTH:.0f} % and still over {RSS_SLOPE_MB_MIN} MB/min)")
    print("  drift: " + ("; ".join(drift) + "   <-- TARGET MISSED" if drift else "none (p99 and memory)"))
    if missing or twice or len(acked) < sent:
        print("  scans not acknowledged, not recorded or doubled   <-- TARGET MISSED (every scan acknowledged, "
              "recorded once)")


def cpu_wait_seconds(pid: int) -> float:
    """Seconds the process's threads were runnable but waiting for a CPU (/proc/<pid>/schedstat)."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            pass
    return total / 1e9


def _slope(xs: list[float], ys: list[float]) -> float:
    """Least-squares slope of ys over xs."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    var = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / var if var else 0.0


if __name__ == "__main__":
    main()
