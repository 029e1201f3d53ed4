"""CPU-heavy work that must never slow the floor: password checks, at the lowest OS priority.

A password check is one scrypt (~50 ms of CPU). Sixteen clients flooding the sign-in page kept
a core busy with them, and the stations' scans waited for the CPU behind those checks (a normal
station's p99 went 3-10x up, issue 10). The checks now run on a small pool of native threads,
each lowered to nice 19 when it starts: on Linux the nice value is per thread, and hashlib's
scrypt releases the GIL, so the scheduler gives the serving thread (the gevent hub, or
Werkzeug's request threads) the CPU first, and sign-ins take what is left. Two threads at most:
a flood cannot take both cores, and the global sign-in limit (docs/security.md) bounds the queue.
"""
from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

log = logging.getLogger(__name__)

LOWEST_PRIORITY = 19
THREADS = 2


def lower_this_thread() -> None:
    """Give the calling native thread the lowest CPU priority (Linux: per thread)."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_PRIORITY)
    except (AttributeError, OSError) as exc:  # not Linux, or a sandbox refusing it
        log.warning("cannot lower the password checks' CPU priority: %s", exc)


class ThreadRunner:
    """Werkzeug's threads (development, tests): a pool of real threads at nice 19."""

    def __init__(self, threads: int = THREADS):
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="slow-cpu", initializer=lower_this_thread)

    def __call__(self, fn: Callable, *args):
        return self._pool.submit(fn, *args).result()


class GeventRunner:
    """Under gevent, threading is patched (threads would be greenlets on the hub's own native
    thread): gevent's ThreadPool runs real native threads, lowered the same way."""

    def __init__(self, threads: int = THREADS):
        from gevent.threadpool import ThreadPool

        self._pool = ThreadPool(threads)
        self._lowered: set[int] = set()

    def __call__(self, fn: Callable, *args):
        return self._pool.apply(self._lowered_call, (fn, args))

    def _lowered_call(self, fn: Callable, args: tuple):
        ident = threading.get_native_id()
        if ident not in self._lowered:
            lower_this_thread()
            self._lowered.add(ident)
        return fn(*args)


_runners: dict[str, Callable] = {}
_runners_lock = threading.Lock()


def runner_for(async_mode: str) -> Callable:
    """One pool per process and mode, shared by every app the process builds (tests build many)."""
    kind = "gevent" if async_mode == "gevent" else "threads"
    with _runners_lock:
        if kind not in _runners:
            _runners[kind] = GeventRunner() if kind == "gevent" else ThreadRunner()
        return _runners[kind]
