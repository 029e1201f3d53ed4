"""``make bench``: every benchmark, sized for a 2-core machine; each prints its own figures.

``make soak`` runs the 10-minute soak separately (bench_soak.py), it is too long for here.
Run on a quiet machine: every figure is a ratio against a floor measured in the same run, but a
busy neighbour still moves both sides differently.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
POSTGRES = "postgresql+psycopg://127.0.0.1/test"

RUNS = [
    # one station: the scan against an echo and a bare commit (issue 13)
    ["bench_scan.py", "--scans", "300"],
    ["bench_scan.py", "--scans", "300", "--postgres", POSTGRES],
    # where a scan's server time goes, in-process (docs/performance.md)
    ["profile_scan.py", "--scans", "300"],
    ["profile_scan.py", "--scans", "300", "--postgres", POSTGRES],
    # many stations on one production process, then 1 vs 2 processes behind nginx
    ["bench_load.py", "--stations", "50", "--seconds", "60", "--postgres", POSTGRES],
    ["bench_load.py", "--stations", "200", "--seconds", "60", "--postgres", POSTGRES],
    ["bench_scaleout.py", "--stations", "200", "--seconds", "30", "--postgres", POSTGRES],
    # the whole pack flow (badge, order, units, box, weight, label and slip) under load (issue 12)
    ["bench_pack_load.py", "--stations", "50", "--seconds", "60", "--postgres", POSTGRES],
    # where a packing bench's time goes, step by step, in-process (closing the order above all)
    ["profile_pack_close.py", "--orders", "100", "--postgres", POSTGRES],
    ["profile_pack_close.py", "--orders", "100", "--parcels", "3"],
    # the server restarted under 200 stations
    ["bench_storm.py", "--stations", "200", "--postgres", POSTGRES],
    # picking: claims under contention, route lengths (issue 6)
    ["bench_claims.py", "--postgres", POSTGRES],
    ["bench_security.py"],
    ["bench_security.py", "--postgres", POSTGRES],
    ["bench_route.py", "--lists", "1000"],
    ["bench_demo_data.py", "--orders", "100000"],
    # labels built per second, and label bytes to a fake Zebra beside a bare send (issue 7)
    ["bench_labels.py", "--labels", "2000", "--prints", "200"],
    # one pass of the promise watcher over 100,000 open orders beside a bare SELECT (issue 11)
    ["bench_promises.py", "--postgres", POSTGRES, "--orders", "100000"],
    # the returns desk's lookup by RMA, tracking, SSCC, order number, name + item (issue 8)
    ["bench_returns_lookup.py", "--orders", "1000000", "--postgres", POSTGRES],
    # one floor event to 50 signed-in dashboards, beside a bare Flask-SocketIO fan-out (issue 9)
    ["bench_dashboard_fanout.py", "--dashboards", "50", "--events", "200"],
    ["bench_dashboard_fanout.py", "--dashboards", "50", "--events", "200", "--postgres", POSTGRES],
    # the orders page's search by a piece of name or e-mail, indexed (issue 9), beside a bare lookup
    ["bench_order_search.py", "--orders", "1000000", "--samples", "100", "--postgres", POSTGRES],
    ["bench_order_search.py", "--orders", "100000", "--sqlite"],
    # order intake (issue 14): signed webhooks answered, processed by the workers, beside a bare POST;
    # routing decisions over 3 warehouses with 100,000 orders beside a bare SELECT
    ["bench_intake.py", "--orders", "300"],
    ["bench_intake.py", "--orders", "300", "--postgres", POSTGRES],
    ["bench_routing.py", "--orders", "100000", "--postgres", POSTGRES],
]


def main() -> int:
    only = set(sys.argv[1:])  # e.g. `python bench/run_all.py bench_scan.py` runs just those
    failures = 0
    for args in RUNS:
        if only and args[0] not in only:
            continue
        print(f"\n$ python bench/{' '.join(args)}", flush=True)
        failures += subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
