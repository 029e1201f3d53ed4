"""Reconnect storm: N real stations scanning, their server killed and restarted under them.

Each station is the real station code (station/core.py StationCore with its SQLite outbox,
station/link.py ServerLink, the TCP printer driver polling station/drivers/simulated.py's
FakeZebraPrinter, one per client process); only the scanner is replaced by a thread that hands
the core one read a second (what SerialScanner does on each terminator). The stations are
spread over ``--clients`` processes (default 4): a station is about seven threads (core,
printer watch, link loop, Socket.IO reader, writer and pinger, scanner), and 1,400 threads
under one GIL would measure the client process rather than the server. One
``colis-server serve`` process serves them, on PostgreSQL.

After ``--warmup`` seconds of scanning, the server is killed (``--kill KILL,TERM``: SIGKILL to
its whole process group, as a crash or ``systemctl kill -s KILL``; SIGTERM to the gunicorn
master, as ``systemctl stop``), and after ``--pause`` seconds a new process is started on the
same port. The stations keep scanning into their outboxes throughout. Measured from the moment
the new server answers its health check:

- until every station's socket is connected again, and until every station's outbox has
  been empty at least once since (its offline backlog replayed);
- connect attempts the stations made (refused while the server was down, refused or failed
  by the new server, successful), and the busiest quarter second of attempts on the new server;
- at the end, with scanning stopped and every outbox drained: every scan a station generated
  is in ``scan_events`` exactly once (lost: 0, twice: 0), and per station the units taken
  from stock and the task's done quantity equal its recorded picks (no scan applied twice).

    python bench/bench_storm.py --stations 200 --postgres postgresql+psycopg://127.0.0.1/test

Prints figures; asserts nothing (issue 13's target: back in under 10 s, nothing lost or doubled).
"""
from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.bench_load import free_port, seed, server_cpu_seconds, worker_pid  # noqa: E402
from bench.bench_scan import temporary_database  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 10.0


# --- the stations (run inside the client processes) -----------------------------------------

class Recorder:
    """What one station saw, as time.monotonic() stamps (one clock for every process on Linux)."""

    def __init__(self):
        self.generated: list[tuple[str, float]] = []
        self.connected: list[float] = []
        self.disconnected: list[float] = []
        self.emptied: list[float] = []  # the outbox became empty (an ack removed its last scan)
        self.acked: list[tuple[str, float]] = []
        self.attempts: list[tuple[float, str]] = []  # (start, "ok" or why it failed)


def make_station(server_url: str, code: str, token: str, outbox_dir: str, printer_url: str):
    from station.core import StationCore
    from station.drivers import open_printer
    from station.link import ServerLink
    from station.outbox import Outbox

    record = Recorder()

    class WatchedOutbox(Outbox):
        def remove(self, scan_uuid: str) -> None:
            super().remove(scan_uuid)
            record.acked.append((scan_uuid, time.monotonic()))
            if self.count() == 0:
                record.emptied.append(time.monotonic())

    class WatchedLink(ServerLink):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            connect = self._sio.connect

            def counted_connect(*a, **kw):
                # Both the link's loop and python-socketio's reconnect task come through here.
                started = time.monotonic()
                try:
                    connect(*a, **kw)
                except Exception as exc:
                    record.attempts.append((started, f"{type(exc).__name__}: {exc}"[:80]))
                    raise
                record.attempts.append((started, "ok"))

            self._sio.connect = counted_connect

        def _handle_connect(self) -> None:
            record.connected.append(time.monotonic())
            if outbox.count() == 0:
                record.emptied.append(time.monotonic())  # nothing read meanwhile: nothing to drain
            super()._handle_connect()

        def _handle_disconnect(self, reason=None) -> None:
            record.disconnected.append(time.monotonic())
            super()._handle_disconnect(reason)

    outbox = WatchedOutbox(str(Path(outbox_dir) / f"{code}.sqlite"))
    link = WatchedLink(server_url, code, token)
    core = StationCore(link, open_printer(printer_url), outbox, station_code=code, locale="en")
    return core, record


def _link_state(core) -> str:
    """Where a station is, in words, for one that did not drain."""
    link, sio = core.link, core.link._sio
    return (f"socket {'up' if link.connected else 'down'}, eio {sio.eio.state}, "
            f"link loop {'alive' if link._thread and link._thread.is_alive() else 'dead'}, "
            f"synced {core._synced}, offline {core.board.get('offline')}")


def _thread_stacks(work_dir: str) -> str:
    """Every thread's stack in this client process, written next to the outboxes."""
    import traceback

    path = Path(work_dir) / f"stacks-{os.getpid()}.txt"
    names = {thread.ident: thread.name for thread in threading.enumerate()}
    with open(path, "w") as out:
        for ident, frame in sys._current_frames().items():
            out.write(f"--- {names.get(ident, ident)}\n{''.join(traceback.format_stack(frame))}\n")
    return str(path)


def client_process(conn, server_url: str, stations: list[tuple[str, str]], outbox_dir: str,
                   drain_seconds: float, rate: float) -> None:
    logging.basicConfig(level=logging.ERROR, format="%(asctime)s client: %(name)s: %(message)s")
    from station.drivers import ScanRead
    from station.drivers.simulated import FakeZebraPrinter

    printer = FakeZebraPrinter().start()  # one Zebra per client process, every station's driver on it
    built = [(code, *make_station(server_url, code, token, outbox_dir, printer.url)) for code, token in stations]
    for _, core, _ in built:
        core.start()
    deadline = time.monotonic() + 120
    gtins: dict[str, str] = {}
    nudge_at = time.monotonic() + 5
    while len(gtins) < len(built) and time.monotonic() < deadline:
        for code, core, _ in built:
            screen = core.screen()
            if code not in gtins and not screen["offline"] and (screen.get("task") or {}).get("next"):
                gtins[code] = screen["task"]["next"]["gtin"]
        if time.monotonic() > nudge_at:
            # A station whose request_task was answered an error (200 connecting at once can exhaust
            # the server's pool) stays idle until the server nudges it: nudge it as the server would.
            for code, core, _ in built:
                if code not in gtins and core.screen()["state"] == "idle":
                    core._inbox.put(("tasks_waiting", {}))
            nudge_at = time.monotonic() + 5
        time.sleep(0.2)
    conn.send(("ready", len(gtins), len(built)))

    stop_scanning = threading.Event()

    def scan_loop(code, core, record):
        time.sleep(random.random() / rate)  # spread the stations over the period
        next_at = time.monotonic()
        while not stop_scanning.is_set():
            now = time.monotonic()
            scan = core.submit_read(ScanRead(gtins[code], "]E0", now))
            record.generated.append((scan.uuid, now))
            next_at += 1.0 / rate
            stop_scanning.wait(max(0.0, next_at - time.monotonic()))

    assert conn.recv() == "scan"
    threads = [threading.Thread(target=scan_loop, args=entry, daemon=True) for entry in built if entry[0] in gtins]
    for thread in threads:
        thread.start()
    assert conn.recv() == "stop"
    stop_scanning.set()
    for thread in threads:
        thread.join(5)
    drain_deadline = time.monotonic() + drain_seconds
    while time.monotonic() < drain_deadline and any(core.outbox.count() for _, core, _ in built):
        time.sleep(0.2)
    drained_at = None if any(core.outbox.count() for _, core, _ in built) else time.monotonic()
    stacks = _thread_stacks(work_dir=outbox_dir) if any(core.outbox.count() for _, core, _ in built) else None
    results = {code: {"state": _link_state(core), "scanning": code in gtins, "generated": record.generated, "connected": record.connected, "emptied": record.emptied,
                      "disconnected": record.disconnected, "acked": record.acked,
                      "attempts": record.attempts, "pending": [scan.uuid for scan in core.outbox.pending()],
                      "dead": [dead.uuid for dead in core.outbox.dead_scans()]}
               for code, core, record in built}
    stoppers = [threading.Thread(target=core.stop, daemon=True) for _, core, _ in built]
    for thread in stoppers:
        thread.start()
    for thread in stoppers:
        thread.join(15)
    printer.stop()
    conn.send(("results", results, stacks, drained_at))


# --- the server -----------------------------------------------------------------------------

class Server:
    """``colis-server serve`` in its own process group (so SIGKILL can take master and worker)."""

    def __init__(self, port: int, env: dict, log_path: Path):
        self.port, self.log_path = port, log_path
        self._log = open(log_path, "ab")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "from server.cli import main; main()", "serve", "--port", str(port),
             "--log-level", "warning"],
            cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
            start_new_session=True)

    def wait_healthy(self, timeout: float = 60) -> float:
        """The moment the new server answered its health check (the worker serves)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited with {self.proc.returncode}; see {self.log_path}")
            try:
                if requests.get(f"http://127.0.0.1:{self.port}/api/v1/health", timeout=0.5).ok:
                    return time.monotonic()
            except requests.RequestException:
                pass
            time.sleep(0.02)
        raise SystemExit(f"the server did not start in {timeout:g} s; see {self.log_path}")

    def kill(self, signum: int) -> float:
        """Signal it; returns when every process of the group is gone."""
        if signum == signal.SIGKILL:
            os.killpg(self.proc.pid, signal.SIGKILL)
        else:
            self.proc.send_signal(signum)
        self.proc.wait(60)
        while not port_is_free(self.port):  # the kernel closed the worker's sockets (reaped or not)
            time.sleep(0.02)
        self._log.close()
        return time.monotonic()


def _cpu_wait(pids) -> float:
    """Seconds these processes' threads spent runnable but waiting for a CPU (/proc/<pid>/schedstat):
    on a shared machine, how much CPU they wanted and did not get."""
    total = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return total / 1e9


def _cpu(processes) -> float:
    """User + system CPU seconds of these processes."""
    total = 0.0
    for process in processes:
        fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no bar
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# --- the run ------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4, help="client processes the stations are spread over")
    parser.add_argument("--warmup", type=float, default=20, help="seconds of scanning before the first kill")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between the old server gone and the new started")
    parser.add_argument("--after", type=float, default=30, help="seconds watched after each restart")
    parser.add_argument("--kill", default="KILL,TERM", help="signals, in order, one restart each: KILL, TERM")
    parser.add_argument("--postgres", metavar="ADMIN_URL", default="postgresql+psycopg://127.0.0.1/test")
    parser.add_argument("--rate", type=float, default=1.0, help="scans per second per station")
    parser.add_argument("--drain", type=float, default=90, help="seconds allowed to drain the outboxes at the end")
    parser.add_argument("--dump", metavar="JSON", help="write every station's stamps there, for a closer look")
    args = parser.parse_args()
    signals = [getattr(signal, f"SIG{name.strip().upper()}") for name in args.kill.split(",") if name.strip()]
    with temporary_database(args.postgres) as url:
        run(url, args, signals)


def run(url: str, args, signals: list[int]) -> None:
    from server import migrate

    scan_seconds = args.warmup + len(signals) * (args.after + 15 + args.pause)
    migrate.upgrade(url)
    tokens = seed(url, args.stations, int(scan_seconds * 1.5) + 60)
    work = Path(tempfile.mkdtemp(prefix="colis-storm-"))
    port = free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("COLIS_")},
           "COLIS_DATABASE_URL": url, "COLIS_SECRET_KEY": uuid.uuid4().hex * 2,
           "COLIS_INSTANCE_PATH": str(work / "instance"), "PYTHONPATH": str(REPO), "PYTHONUNBUFFERED": "1"}
    server = Server(port, env, work / "server.log")
    server.wait_healthy()
    server_url = f"http://127.0.0.1:{port}"

    codes = sorted(tokens)
    context = multiprocessing.get_context("spawn")
    pipes, clients = [], []
    for index in range(args.clients):
        mine = [(code, tokens[code]) for code in codes[index::args.clients]]
        parent_end, child_end = context.Pipe()
        process = context.Process(target=client_process, args=(child_end, server_url, mine, str(work), args.drain, args.rate),
                                  daemon=True)
        process.start()
        pipes.append(parent_end)
        clients.append(process)
    ready = [pipe.recv() for pipe in pipes]
    print(f"{sum(r[1] for r in ready)}/{sum(r[2] for r in ready)} stations connected with a pick task, "
          f"in {args.clients} client processes; server on port {port}, log {work / 'server.log'}", flush=True)
    for pipe in pipes:
        pipe.send("scan")

    restarts = []  # (signal name, killed at, gone at, started at, up at)
    worker = int(worker_pid(server.proc.pid))
    cpu_start, clients_start, warm_start = server_cpu_seconds(server.proc.pid), _cpu(clients), time.monotonic()
    waited_start = _cpu_wait([worker]), _cpu_wait([c.pid for c in clients])
    time.sleep(args.warmup)
    warm = time.monotonic() - warm_start
    waited = _cpu_wait([worker]) - waited_start[0], _cpu_wait([c.pid for c in clients]) - waited_start[1]
    print(f"warm-up {warm:.0f} s: server worker {100 * (server_cpu_seconds(server.proc.pid) - cpu_start) / warm:.0f} % "
          f"of a core (and {100 * waited[0] / warm:.0f} % of the time runnable, waiting for a CPU), the "
          f"{args.clients} client processes {100 * (_cpu(clients) - clients_start) / warm:.0f} % (waiting "
          f"{100 * waited[1] / warm:.0f} %); machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
          flush=True)
    for signum in signals:
        killed_at = time.monotonic()
        gone_at = server.kill(signum)
        time.sleep(args.pause)
        started_at = time.monotonic()
        server = Server(port, env, work / "server.log")
        up_at = server.wait_healthy()
        restarts.append((signal.Signals(signum).name, killed_at, gone_at, started_at, up_at))
        print(f"{signal.Signals(signum).name}: old server gone {gone_at - killed_at:.2f} s after the signal, "
              f"new one answering {up_at - started_at:.2f} s after its start "
              f"({up_at - killed_at:.2f} s without a server)", flush=True)
        time.sleep(args.after)
    stopped_at = time.monotonic()
    for pipe in pipes:
        pipe.send("stop")
    results: dict[str, dict] = {}
    drained: list[float | None] = []  # when each client process had every outbox empty, after the stop
    for pipe in pipes:
        kind, part, stacks, drained_at = pipe.recv()
        results.update(part)
        drained.append(drained_at)
        if stacks:
            print(f"a client process did not drain: its threads' stacks are in {stacks}")
    for process in clients:
        process.join(30)
    server.kill(signal.SIGTERM)
    if args.dump:
        Path(args.dump).write_text(json.dumps({"restarts": restarts, "stations": results, "stopped": stopped_at}))
    report(url, args, restarts, results, work / "server.log", stopped_at)
    if None in drained:
        print(f"  after the stations stopped scanning, outboxes were still not empty {args.drain:g} s later")
    else:
        print(f"  after the stations stopped scanning, every outbox was empty {max(drained) - stopped_at:.1f} s later")


def report(url: str, args, restarts, results: dict[str, dict], server_log: Path, stopped_at: float) -> None:
    print(f"\ndatabase: postgresql; {args.stations} stations x {args.rate:g} scan/s; colis-server serve "
          f"(gunicorn, 1 gevent worker); {args.clients} client processes; pause {args.pause:g} s")
    first_kill = restarts[0][1] if restarts else float("inf")
    stamps = [t for r in results.values() for _, t in r["generated"]]
    acked = [t for r in results.values() for _, t in r["acked"]]
    if stamps and first_kill < float("inf"):
        begin = min(stamps) + 2  # the stations start within their first second
        span = first_kill - begin
        made = sum(1 for t in stamps if begin <= t < first_kill) / span
        taken = sum(1 for t in acked if begin <= t < first_kill) / span
        print(f"before the first kill: {made:.0f} scans/s made, {taken:.0f} acknowledged/s"
              + ("   <-- the floor was not keeping up before the storm" if taken < 0.95 * made else ""))
    idle = sorted(code for code, r in results.items() if not r["scanning"])
    if idle:
        print(f"  {len(idle)} stations never got a pick task and did not scan: {idle[:10]}")
    ends = [r[1] for r in restarts[1:]] + [stopped_at]  # each restart watched until the next, or the end
    for (name, killed_at, gone_at, started_at, up_at), window_end in zip(restarts, ends):
        connected, drained, not_back, behind, dropped = [], [], [], [], []
        attempts = Counter()
        new_server_attempts: list[float] = []
        scanning = [code for code, r in results.items() if r["scanning"]]
        for code in scanning:
            r = results[code]
            dropped.extend(t - killed_at for t in r["disconnected"] if killed_at <= t < up_at)
            for started, outcome in r["attempts"]:
                if killed_at <= started < window_end:
                    phase = ("no server" if started < started_at else "new server booting" if started < up_at
                             else "new server")
                    attempts[(phase, _outcome(outcome))] += 1
                    if started >= up_at:
                        new_server_attempts.append(started)
            back = next((t for t in r["connected"] if started_at <= t < window_end), None)
            if back is None:
                not_back.append(code)
                continue
            connected.append(back - up_at)
            empty = next((t for t in r["emptied"] if back <= t < window_end), None)
            if empty is None:
                behind.append(code)
            else:
                drained.append(empty - up_at)
        print(f"\n{name}: old server gone {gone_at - killed_at:.2f} s after the signal; new process answering "
              f"{up_at - started_at:.2f} s after its start")
        if dropped:
            served = sum(1 for r in results.values() for _, t in r["acked"] if killed_at <= t < killed_at + min(dropped))
            print(f"  stations dropped by the old server {min(dropped):.2f} to {max(dropped):.2f} s after the signal "
                  f"({len(dropped)} disconnects; {served} scans acknowledged between the signal and the first drop); "
                  f"{up_at - killed_at - min(dropped):.2f} s from the first drop to the new server answering")
        window = window_end - up_at
        if connected:
            print(f"  from the new server answering: {len(connected)} of {len(scanning)} stations connected again, "
                  f"the last after {max(connected):.2f} s (median {statistics.median(connected):.2f} s)"
                  + (f"; {len(not_back)} NEVER within {window:.0f} s: {not_back[:10]}" if not_back else ""))
        if drained:
            missed = bool(behind or not_back) or max(drained) >= TARGET_SECONDS
            print(f"  outboxes drained (empty once since the reconnect): {len(drained)} of {len(scanning)}, "
                  f"the last after {max(drained):.2f} s (median {statistics.median(drained):.2f} s)"
                  + (f"; {len(behind)} still behind after {window:.0f} s of scanning" if behind else "")
                  + (f"   <-- TARGET MISSED (all back and drained in < {TARGET_SECONDS:g} s)" if missed else
                     f"   (target < {TARGET_SECONDS:g} s: met)"))
        elif scanning:
            print(f"  NO outbox drained within {window:.0f} s of scanning   <-- TARGET MISSED")
        for state, count in Counter(results[code]["state"] for code in not_back + behind).most_common(3):
            print(f"    {count:4} of those not back or behind, at the end: {state}")
        for (phase, outcome), count in sorted(attempts.items()):
            print(f"  connect attempts, {phase:18}: {count:5} {outcome}")
        if new_server_attempts:
            print(f"  busiest quarter second of attempts on the new server: {_busiest(new_server_attempts, 0.25)}"
                  f"; busiest second: {_busiest(new_server_attempts, 1.0)}")
    refused_in_log = server_log.read_text(errors="replace").count("could not connect")
    print(f"\n  server log: {refused_in_log} station connections refused by the server for a failure")
    check_database(url, results)


def _outcome(outcome: str) -> str:
    if outcome == "ok":
        return "connected"
    if "One or more namespaces failed" in outcome:
        return "refused by the server (connect_error)"
    if "Connection error" in outcome or "refused" in outcome.lower():
        return "refused (no server listening)"
    return f"failed: {outcome}"


def _busiest(stamps: list[float], width: float) -> int:
    stamps, best, start = sorted(stamps), 0, 0
    for end, t in enumerate(stamps):
        while t - stamps[start] >= width:
            start += 1
        best = max(best, end - start + 1)
    return best


def check_database(url: str, results: dict[str, dict]) -> None:
    from sqlalchemy import create_engine, text

    generated = {scan_uuid for r in results.values() for scan_uuid, _ in r["generated"]}
    engine = create_engine(url)
    with engine.connect() as connection:
        counts = dict(connection.execute(text("SELECT uuid, count(*) FROM scan_events GROUP BY uuid")).all())
        outcomes = Counter(dict(connection.execute(
            text("SELECT outcome, count(*) FROM scan_events GROUP BY outcome")).all()))
        # Per station (one pick task, one line, its own bin seeded with `quantity` units): units
        # counted by its scans = the line's done quantity = units gone from the bin.
        mismatched = connection.execute(text("""
            SELECT s.code, coalesce(ev.picks, 0), tl.done_qty, tl.quantity - st.on_hand
            FROM stations s
            JOIN tasks t ON t.station_id = s.id AND t.kind = 'pick'
            JOIN task_lines tl ON tl.task_id = t.id
            JOIN stock st ON st.product_id = tl.product_id AND st.bin_id = tl.bin_id
            LEFT JOIN (SELECT station_id, count(*) AS picks FROM scan_events
                       WHERE outcome IN ('counted', 'task_complete') GROUP BY station_id) ev
                   ON ev.station_id = s.id
            WHERE NOT (coalesce(ev.picks, 0) = tl.done_qty AND tl.done_qty = tl.quantity - st.on_hand)
        """)).all()
    engine.dispose()
    pending = {u for r in results.values() for u in r["pending"]}
    dead = {u for r in results.values() for u in r["dead"]}
    lost = [u for u in generated if u not in counts and u not in pending and u not in dead]
    twice = [u for u, n in counts.items() if n > 1 and u in generated]
    print(f"  scans generated {len(generated)}; in scan_events {sum(1 for u in generated if u in counts)}; "
          f"lost {len(lost)}; recorded twice {len(twice)}; still waiting in outboxes {len(pending)} "
          f"(not drained in --drain seconds); set aside as dead letters {len(dead)} "
          f"({sum(1 for u in dead if u in counts)} of them recorded all the same)")
    print(f"  outcomes: {dict(outcomes)}")
    print(f"  stations whose picks != units taken from stock or != task done quantity: {len(mismatched)}"
          + (f" {mismatched[:5]}" if mismatched else ""))
    if lost or twice or pending or dead or mismatched:
        print("  TARGET MISSED: scans lost, doubled, left waiting or set aside (expected 0 of each)")


if __name__ == "__main__":
    main()
