"""Pick-walk lengths over the demo floor: how far a picker walks in each visiting order.

Random pick lists (seeded) of 5-30 distinct bins drawn from the demo data's 400 bins
(``server/demo_data/rows.py``: zones A, B and C's first 16 bins) on the demo layout
(``server/domain/layout.py``: 12 aisles of 12 bays, depot at the front of aisle 1). For each list:

  entry        the bins in the order they were drawn (an order's line order)
  serpentine   the sort used before: odd aisles up, even aisles down, walked leg by leg
  s-shape      the S-shape policy (Roodbergen & de Koster 2001): pick aisles walked end to end
  largest gap  the largest-gap policy (same source)
  product      ``route_order`` (Ratliff & Rosenthal's exact programme), walked leg by leg
  optimum      Held-Karp over the shortest-walk distance matrix, for lists of <= 10 bins: an
               exact method independent of the product's

Every length is metres from the depot back to the depot. Also the time to compute one route
(cold: the product's route cache cleared before each call; warm: what a repeated scan pays).
Prints, asserts nothing.

    python bench/bench_route.py [--lists 1000] [--seed 2026] [--min-bins 5] [--max-bins 30] [--exact-max 10]
"""
from __future__ import annotations

import argparse
import statistics
import time
from random import Random

from server.demo_data.rows import bin_rows
from server.domain import route as R
from server.domain.layout import DEMO_LAYOUT, Layout, Spot

COLUMNS = ("entry", "serpentine", "s-shape", "largest gap", "product")


def held_karp(spots: list[Spot], layout: Layout) -> float:
    """The shortest closed walk from the depot through every spot (exact, O(2^n n^2))."""
    stops = [layout.depot, *spots]
    d = [[R.distance(p, q, layout) for q in stops] for p in stops]
    n, inf = len(spots), float("inf")
    if n == 0:
        return 0.0
    best = [[inf] * n for _ in range(1 << n)]
    for i in range(n):
        best[1 << i][i] = d[0][i + 1]
    for mask in range(1, 1 << n):
        row = best[mask]
        for last in range(n):
            here = row[last]
            if here == inf:
                continue
            leg = d[last + 1]
            for nxt in range(n):
                bit = 1 << nxt
                if mask & bit:
                    continue
                total = here + leg[nxt + 1]
                if total < best[mask | bit][nxt]:
                    best[mask | bit][nxt] = total
    return min(best[-1][i] + d[i + 1][0] for i in range(n))


def walked(codes: list[str], layout: Layout) -> float:
    return R.tour_length([layout.spot_of_code(code) for code in codes], layout)


def measure(args) -> None:
    layout = DEMO_LAYOUT
    codes = [row["code"] for row in bin_rows(1, 400)]
    rng = Random(args.seed)
    rows, cold_ms, warm_ms, exact_ms = [], [], [], []
    for _ in range(args.lists):
        picked = rng.sample(codes, rng.randint(args.min_bins, args.max_bins))
        spots = sorted({layout.spot_of_code(code) for code in picked})
        R._optimal_order.cache_clear()
        started = time.perf_counter()
        product = R.route_order(picked, layout)
        cold_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        R.route_order(picked, layout)
        warm_ms.append((time.perf_counter() - started) * 1000)
        row = {"bins": len(picked), "spots": len(spots),
               "entry": walked(picked, layout),
               "serpentine": walked(sorted(picked, key=R.walk_key_of_code), layout),
               "s-shape": R.s_shape(spots, layout).length,
               "largest gap": R.largest_gap(spots, layout).length,
               "product": walked(product, layout)}
        if len(picked) <= args.exact_max:
            started = time.perf_counter()
            row["optimum"] = held_karp(spots, layout)
            exact_ms.append((time.perf_counter() - started) * 1000)
        rows.append(row)
    report(args, layout, rows, cold_ms, warm_ms, exact_ms)


def report(args, layout: Layout, rows: list[dict], cold_ms, warm_ms, exact_ms) -> None:
    print(f"demo layout: {layout.aisles} aisles x {layout.bays_per_aisle} bays, aisle {layout.aisle_length_m:.1f} m "
          f"between cross-aisles, {layout.aisle_spacing_m:.1f} m apart, depot at the front of aisle "
          f"{layout.depot_aisle}")
    print(f"{len(rows)} pick lists of {args.min_bins}-{args.max_bins} bins (seed {args.seed}), "
          f"mean {statistics.fmean(r['bins'] for r in rows):.1f} bins at "
          f"{statistics.fmean(r['spots'] for r in rows):.1f} distinct spots\n")
    print("all lists: mean walk (m), and against the product's")
    product = statistics.fmean(r["product"] for r in rows)
    for name in COLUMNS:
        mean = statistics.fmean(r[name] for r in rows)
        print(f"  {name:<12} {mean:8.1f} m   {mean / product:6.3f}x")

    exact = [r for r in rows if "optimum" in r]
    if exact:
        optimum = statistics.fmean(r["optimum"] for r in exact)
        print(f"\nlists of <= {args.exact_max} bins ({len(exact)}): mean walk (m), and against the optimum "
              f"(Held-Karp)")
        for name in (*COLUMNS, "optimum"):
            mean = statistics.fmean(r[name] for r in exact)
            print(f"  {name:<12} {mean:8.1f} m   {mean / optimum:6.3f}x")
        per_list = [r["product"] / r["optimum"] for r in exact]
        s_per_list = [r["s-shape"] / r["optimum"] for r in exact]
        longer = sum(r["product"] > r["optimum"] + 1e-6 for r in exact)
        print(f"  product / optimum: mean of means {statistics.fmean(r['product'] for r in exact) / optimum:.3f}, "
              f"per list mean {statistics.fmean(per_list):.3f} max {max(per_list):.3f}; "
              f"lists where the product walks further than the optimum: {longer}")
        print(f"  s-shape / optimum: mean of means {statistics.fmean(r['s-shape'] for r in exact) / optimum:.3f}, "
              f"per list mean {statistics.fmean(s_per_list):.3f} max {max(s_per_list):.3f}")
        print(f"  Held-Karp: {statistics.fmean(exact_ms):.1f} ms a list (mean), {max(exact_ms):.1f} ms max")

    print("\ntime to compute one product route (route_order, ms)")
    for label, times in (("cold", cold_ms), ("warm (cached)", warm_ms)):
        cuts = statistics.quantiles(times, n=100)
        print(f"  {label:<14} mean {statistics.fmean(times):.3f}  p50 {cuts[49]:.3f}  p95 {cuts[94]:.3f}  "
              f"max {max(times):.3f}")
    for low, high in ((5, 10), (11, 20), (21, 30)):
        times = [t for t, r in zip(cold_ms, rows) if low <= r["bins"] <= high]
        if times:
            print(f"  cold, {low:>2}-{high} bins: mean {statistics.fmean(times):.3f}  max {max(times):.3f}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lists", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--min-bins", type=int, default=5)
    parser.add_argument("--max-bins", type=int, default=30)
    parser.add_argument("--exact-max", type=int, default=10, help="Held-Karp for lists of at most this many bins")
    measure(parser.parse_args(argv))


if __name__ == "__main__":
    main()
