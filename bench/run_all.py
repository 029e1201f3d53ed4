"""``make bench``: every benchmark, small enough for a laptop; each prints its own figures."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent
POSTGRES = "postgresql+psycopg://127.0.0.1/test"

RUNS = [
    ["bench_scan.py", "--scans", "300"],
    ["bench_scan.py", "--scans", "300", "--postgres", POSTGRES],
    ["bench_load.py", "--stations", "50", "--seconds", "30", "--postgres", POSTGRES],
    ["bench_demo_data.py", "--orders", "100000"],
]


def main() -> int:
    failures = 0
    for args in RUNS:
        print(f"\n$ python bench/{' '.join(args)}", flush=True)
        failures += subprocess.call([sys.executable, str(HERE / args[0]), *args[1:]]) != 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
