"""Password checks run at the lowest CPU priority, off the serving thread (server/slow_cpu.py).

A sign-in flood used to take a core of scrypt at the stations' priority (issue 10: a normal
station's p99 3-10x up). These tests read the nice value of the thread that really ran the check.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from server import slow_cpu
from server.services import users
from tests.factories import signed_in

ROOT = Path(__file__).resolve().parents[2]


def this_threads_nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, 0)  # Linux: 0 is the calling thread


def test_a_sign_in_checks_the_password_at_nice_19_and_the_server_thread_keeps_its_priority(app, floor,
                                                                                             monkeypatch):
    seen: list[int] = []
    real_check = users.check_password_hash

    def watched_check(stored: str, password: str) -> bool:
        seen.append(this_threads_nice())
        return real_check(stored, password)

    monkeypatch.setattr(users, "check_password_hash", watched_check)
    before = this_threads_nice()
    signed_in(app, floor, "ines", "supervisor")
    assert seen == [slow_cpu.LOWEST_PRIORITY]
    assert this_threads_nice() == before, "the serving thread must keep its own priority"


def test_an_unknown_user_costs_a_check_at_the_same_low_priority(app, floor, monkeypatch):
    seen: list[int] = []
    real_check = users.check_password_hash
    monkeypatch.setattr(users, "check_password_hash",
                        lambda stored, password: seen.append(this_threads_nice()) or real_check(stored, password))
    reply = app.test_client().post("/login", data={"username": "nobody", "password": "wrong password"})
    assert reply.status_code in (200, 401)
    assert seen == [slow_cpu.LOWEST_PRIORITY]


def test_under_gevent_the_check_runs_on_a_native_thread_and_the_hub_keeps_serving():
    """In a gevent-patched process (as `colis-server serve` runs): greenlets keep running while a
    scrypt is checked, and the check's native thread is at nice 19, the hub's is not."""
    script = textwrap.dedent("""
        from gevent import monkey; monkey.patch_all()
        import os, gevent
        from werkzeug.security import check_password_hash, generate_password_hash
        from server import slow_cpu
        stored = generate_password_hash("correct horse")
        ticks = []
        def tick():
            while True:
                ticks.append(1)
                gevent.sleep(0.001)
        ticker = gevent.spawn(tick)
        gevent.sleep(0.01)
        run = slow_cpu.runner_for("gevent")
        ticks.clear()
        nice_inside = run(lambda: os.getpriority(os.PRIO_PROCESS, 0))
        ok = all(run(check_password_hash, stored, "correct horse") for _ in range(3))
        print(ok, nice_inside, os.getpriority(os.PRIO_PROCESS, 0), len(ticks))
    """)
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    ok, nice_inside, hub_nice, ticks = done.stdout.split()
    assert ok == "True"
    assert int(nice_inside) == slow_cpu.LOWEST_PRIORITY
    assert int(hub_nice) == 0
    assert int(ticks) > 0, "the hub stopped while passwords were checked"


def test_the_production_server_on_sqlite_keeps_answering_through_a_sign_in_flood(sqlite_template, tmp_path):
    """16 clients posting wrong passwords to `colis-server serve` (gevent) on the embedded SQLite.

    Found by bench_security: a sign-in held its SQLite write transaction across the password
    check, which yields the gevent hub; the next sign-in's BEGIN IMMEDIATE then waited for the
    lock inside SQLite, blocking the hub, and the server answered nothing (not even /health)
    until SQLite's 30 s busy timeout. PostgreSQL's driver waits cooperatively: SQLite only."""
    import re
    import shutil
    import threading
    import time

    import requests

    from tests.processes import cluster_env, running_servers

    database = tmp_path / "colis.sqlite"
    shutil.copy(sqlite_template, database)
    env = cluster_env(f"sqlite:///{database}", tmp_path)
    env.pop("COLIS_REDIS_URL")
    stop, failures, health = threading.Event(), [], []

    def flood(url: str, n: int) -> None:
        web = requests.Session()
        try:
            token = re.search(r'name="csrf_token" value="([^"]+)"', web.get(f"{url}/login", timeout=10).text)
            while not stop.is_set():
                web.post(f"{url}/login", timeout=10, data={"username": f"guess{n}", "password": "wrong password",
                                                            "csrf_token": token.group(1)})
        except requests.RequestException as exc:
            failures.append(exc)

    with running_servers(["solo"], env, tmp_path) as servers:
        url = servers["solo"].url
        clients = [threading.Thread(target=flood, args=(url, n), daemon=True) for n in range(16)]
        for client in clients:
            client.start()
        try:
            for _ in range(15):
                time.sleep(0.2)
                health.append(requests.get(f"{url}/api/v1/health", timeout=10).status_code)
        finally:
            stop.set()
            for client in clients:
                client.join(15)
    assert health == [200] * 15
    assert failures == []
