"""Simulated operators: each reads its station's screen and scans at human pace.

They act only through the hardware a person would touch: the scanner (bytes written into
the station's pseudo-terminal) and the printer's paper tray. Now and then they make the
mistakes real people make: a wrong item, a half-read barcode, a printer out of paper.
"""
from __future__ import annotations

import logging
import queue
import random
import threading
from dataclasses import dataclass

log = logging.getLogger("demo.shift")

WRONG_ITEM = "3760123456784"  # a real GTIN that belongs to no demo order
BADGE_TAKEN = ("idle", "sign_in", "pick", "pack")  # screens where a badge signs its holder in


@dataclass
class Habits:
    pace: tuple[float, float] = (1.0, 2.2)  # seconds between two scans
    wrong_item: float = 0.06
    half_read: float = 0.03
    paper_out_every: float = 90.0  # seconds, on average, between two empty label rolls


class Operator(threading.Thread):
    def __init__(self, live, rng: random.Random, stopping: threading.Event, habits: Habits,
                 rmas: queue.Queue | None = None, badge: str | None = None):
        super().__init__(name=f"operator-{live.code}", daemon=True)
        self.live, self.rng, self.stopping, self.habits, self.rmas = live, rng, stopping, habits, rmas
        self.badge = badge  # scanned first (and again after a sign-out for inactivity)

    def run(self) -> None:
        while not self.stopping.wait(self.rng.uniform(*self.habits.pace)):
            try:
                self.act(self.live.screen())
            except Exception:  # noqa: BLE001 - a demo operator never stops the floor
                log.exception("%s: operator stumbled", self.live.code)

    def act(self, screen: dict) -> None:
        state = screen["state"]
        if self.badge and not screen.get("operator") and state in BADGE_TAKEN:
            self.live.scanner.scan(self.badge, "]C0")
        elif state in ("pick", "pack") and screen.get("task") and screen["task"].get("next"):
            self.scan_item(screen["task"]["next"]["gtin"])
        elif state == "bind_totes":
            self.take_a_tote()
        elif state == "batch_pick" and (screen.get("batch") or {}).get("next"):
            self.scan_item(screen["batch"]["next"]["gtin"])
        elif state == "put_tote" and (screen.get("batch") or {}).get("put"):
            self.live.scanner.scan(screen["batch"]["put"]["tote"], "]C0")
        elif state == "print_label":
            self.tend_printer(screen)
        elif state == "return_inspect" and screen.get("rma"):
            self.inspect(screen["rma"])
        elif state == "return_scan" and self.rmas is not None:
            self.scan_next_return()

    def scan_item(self, gtin: str) -> None:
        roll = self.rng.random()
        if roll < self.habits.half_read:
            self.live.scanner.write_raw(gtin[: len(gtin) // 2].encode())  # no terminator: a torn read
        elif roll < self.habits.half_read + self.habits.wrong_item:
            self.live.scanner.scan(WRONG_ITEM, "]E0")
        else:
            self.live.scanner.scan(gtin, "]E0")

    def take_a_tote(self) -> None:
        """The next empty tote from the stack by the cart (numbered per station, never reused in a batch)."""
        self.totes_taken = getattr(self, "totes_taken", 0) + 1
        number = (sum(map(ord, self.live.code)) * 1000 + self.totes_taken) % 100000000
        self.live.scanner.scan(f"TOTE-{number:06d}", "]C0")

    def tend_printer(self, screen: dict) -> None:
        printer = self.live.printer
        if printer.paper_out:
            printer.paper_out = False  # the packer reloads the roll...
            self.live.agent.core.reprint()  # ...and presses "reprint"

    def inspect(self, rma: dict) -> None:
        """Grade the parcel unit by unit: scan it, resellable (then scan the bin shown) or now
        and then damaged; when every unit is graded, press Done (the refund is asked for)."""
        if rma.get("status") != "received":
            self.scan_next_return()  # inspected and refunded: the next parcel
        elif rma.get("put"):
            self.live.scanner.scan(rma["put"]["bin"])
        elif rma.get("unit"):
            self.live.agent.core.submit_action("damaged" if self.rng.random() < 0.15 else "resellable")
        else:
            line = next((line for line in rma.get("lines") or [] if line.get("grade") is None), None)
            if line is not None:
                self.live.scanner.scan(line["gtin"], "]E0")
            else:
                self.live.agent.core.submit_action("done")

    def scan_next_return(self) -> None:
        try:
            rma = self.rmas.get_nowait()
        except queue.Empty:
            return
        self.live.scanner.scan(rma, "]C0")


def run_out_of_paper_now_and_then(live, rng: random.Random, stopping: threading.Event,
                                  mean_seconds: float) -> threading.Thread:
    """Every so often the label roll runs out; the next label fails until it is reloaded."""

    def watch() -> None:
        while not stopping.wait(rng.uniform(mean_seconds * 0.5, mean_seconds * 1.5)):
            live.printer.paper_out = True

    thread = threading.Thread(target=watch, name=f"paper-{live.code}", daemon=True)
    thread.start()
    return thread
