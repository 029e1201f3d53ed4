"""Helpers for tests that drive a live floor (demo/floor.py)."""
from __future__ import annotations

import time

from demo.floor import LiveFloor, LiveStation, start_floor

__all__ = ["LiveFloor", "LiveStation", "start_floor", "wait_for", "wait_state", "scan_and_wait"]


def wait_for(predicate, timeout: float = 10.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def wait_state(live: LiveStation, state: str, timeout: float = 10.0) -> dict:
    return wait_for(lambda: live.screen() if live.screen()["state"] == state else None, timeout,
                    f"{live.code} to show {state!r} (now {live.screen()['state']!r})")


def scan_and_wait(live: LiveStation, code: str, symbology: str | None = None, timeout: float = 10.0) -> dict:
    """Scan through the pty, then wait for the answer: every scan reply carries a new message."""
    before = live.screen()["message_id"]
    live.scanner.scan(code, symbology)

    def answered():
        screen = live.screen()
        return screen if screen["message_id"] > before and live.agent.outbox.count() == 0 else None

    return wait_for(answered, timeout, f"{live.code} reply to {code}")
