"""The order a picker walks the bins in: the shortest walk over the floor (docs/routing.md).

The floor is one block of parallel aisles between a front and a back cross-aisle
(``domain/layout.py``); the picker starts and ends at the depot, at the front of an aisle.

* ``route_order`` — what the product uses: bin codes in walk order. The order comes from
  Ratliff & Rosenthal's dynamic programme (1983), which is exact for a single block: the walk
  it gives is the shortest there is, for any number of bins, in time linear in the aisles.
  Bins at one spot (levels of one bay) come together, lowest level first. Bins the layout
  cannot place go after the others: off-layout codes in the old serpentine order, then codes
  that are not zone-aisle-bay-level, in the order given.
* ``s_shape`` and ``largest_gap`` — the two classic heuristics (Hall 1993, as defined in
  Roodbergen & de Koster 2001), for comparison (``bench/bench_route.py``).
* ``walk_key`` — the serpentine sort key used before (odd aisles up, even aisles down).

Distances are metres along the walk; a spot is ``layout.Spot(aisle, y)``.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Callable, Iterable, NamedTuple, Sequence, TypeVar

from server.domain.layout import DEMO_LAYOUT, Layout, Spot, parse_bin

T = TypeVar("T")


class Walk(NamedTuple):
    order: tuple[Spot, ...]  # the spots in the order they are visited (depot excluded)
    length: float  # metres, from the depot back to the depot


# ---------------------------------------------------------------------------------------------
# The old serpentine key, kept for bins the layout cannot place.

def walk_key(zone: str, aisle: int, bay: int, level: int) -> tuple:
    return (zone, aisle, bay if aisle % 2 else -bay, level)


def walk_key_of_code(bin_code: str) -> tuple:
    """The walk key of a bin code; a code that is not zone-aisle-bay-level walks last."""
    try:
        zone, aisle, bay, level = bin_code.split("-")
        return walk_key(zone, int(aisle), int(bay), int(level))
    except ValueError:
        return ("\uffff", 0, 0, 0)


# ---------------------------------------------------------------------------------------------
# What the product calls.

def route_order(bin_codes: Iterable[str], layout: Layout = DEMO_LAYOUT) -> list[str]:
    """The distinct bin codes in the order the picker walks them (deterministic: the result
    depends on the set of codes, not on the order they are given in)."""
    placed: dict[Spot, list[tuple[int, str]]] = defaultdict(list)
    off_layout, malformed = [], []
    for code in dict.fromkeys(bin_codes):
        address = parse_bin(code)
        spot = None if address is None else layout.spot(address)
        if spot is not None:
            placed[spot].append((address.level, code))
        elif address is not None:
            off_layout.append(code)
        else:
            malformed.append(code)
    route = _optimal_order(tuple(sorted(placed)), layout) if placed else ()
    return ([code for spot in route for _, code in sorted(placed[spot])]
            + sorted(off_layout, key=walk_key_of_code) + malformed)


def sort_by_route(items: Iterable[T], code_of: Callable[[T], str], layout: Layout = DEMO_LAYOUT) -> list[T]:
    """``items`` in walk order of their bins; items at one bin keep the order they came in."""
    items = list(items)
    rank = {code: n for n, code in enumerate(route_order((code_of(item) for item in items), layout))}
    return sorted(items, key=lambda item: rank[code_of(item)])


# ---------------------------------------------------------------------------------------------
# Distances.

def distance(p: Spot, q: Spot, layout: Layout = DEMO_LAYOUT) -> float:
    """Shortest walk between two spots: along the aisle if they share one, otherwise out of
    ``p``'s aisle and into ``q``'s by the front or by the back cross-aisle, whichever is shorter."""
    if p.aisle == q.aisle:
        return abs(p.y - q.y)
    across = abs(layout.aisle_x(p.aisle) - layout.aisle_x(q.aisle))
    return across + min(p.y + q.y, 2 * layout.aisle_length_m - p.y - q.y)


def tour_length(order: Sequence[Spot], layout: Layout = DEMO_LAYOUT) -> float:
    """Depot, each spot in turn by its shortest walk, depot."""
    stops = [layout.depot, *order, layout.depot]
    return sum(distance(p, q, layout) for p, q in zip(stops, stops[1:]))


def _by_aisle(spots: Iterable[Spot]) -> dict[int, list[float]]:
    aisles: dict[int, set[float]] = defaultdict(set)
    for spot in spots:
        aisles[spot.aisle].add(spot.y)
    return {aisle: sorted(ys) for aisle, ys in sorted(aisles.items())}


def _cross_aisle_walk(first: int, last: int, layout: Layout) -> float:
    """Depot → front of the leftmost pick aisle ... rightmost pick aisle → depot, horizontally:
    the span between the extreme aisles is walked twice (once per cross-aisle), plus the way
    from the depot to the span and back."""
    x_depot, x_first, x_last = (layout.aisle_x(a) for a in (layout.depot_aisle, first, last))
    return abs(x_depot - x_first) + (x_last - x_first) + abs(x_last - x_depot)


# ---------------------------------------------------------------------------------------------
# The heuristics (Roodbergen & de Koster 2001, section 3; Hall 1993).

def s_shape(spots: Iterable[Spot], layout: Layout = DEMO_LAYOUT) -> Walk:
    """S-shape (traversal): every aisle holding a pick is walked from end to end, alternating
    up and down, left to right; aisles without a pick are skipped. With an odd number of pick
    aisles the last one is entered from the front and left the same way. The picker reaches the
    leftmost pick aisle and comes back from the rightmost along the front cross-aisle."""
    aisles = _by_aisle(spots)
    if not aisles:
        return Walk((), 0.0)
    length, order = layout.aisle_length_m, []
    names = list(aisles)
    for n, aisle in enumerate(names):
        ys = aisles[aisle] if n % 2 == 0 else aisles[aisle][::-1]
        order.extend(Spot(aisle, y) for y in ys)
    vertical = len(names) * length if len(names) % 2 == 0 else (
        (len(names) - 1) * length + 2 * aisles[names[-1]][-1])
    return Walk(tuple(order), vertical + _cross_aisle_walk(names[0], names[-1], layout))


def largest_gap(spots: Iterable[Spot], layout: Layout = DEMO_LAYOUT) -> Walk:
    """Largest gap: the leftmost and rightmost pick aisles are walked end to end (up the first,
    along the back, down the last); every aisle between is entered from the back and from the
    front, each time as far as its largest gap (between two adjacent picks, or between a
    cross-aisle and the nearest pick) and left the same way. A single pick aisle is a return
    trip from the front."""
    aisles = _by_aisle(spots)
    if not aisles:
        return Walk((), 0.0)
    length = layout.aisle_length_m
    names = list(aisles)
    first, last = names[0], names[-1]
    if first == last:
        ys = aisles[first]
        return Walk(tuple(Spot(first, y) for y in ys), 2 * ys[-1] + _cross_aisle_walk(first, last, layout))
    lower, upper, vertical = {}, {}, 2 * length
    for aisle in names[1:-1]:
        ys = aisles[aisle]
        bounds = [0.0, *ys, length]
        gaps = [bounds[k + 1] - bounds[k] for k in range(len(bounds) - 1)]
        cut = max(range(len(gaps)), key=gaps.__getitem__)  # picks ys[:cut] from the front
        lower[aisle], upper[aisle] = ys[:cut], ys[cut:]
        vertical += 2 * (length - gaps[cut])
    middle = names[1:-1]
    out = [a for a in reversed(middle) if a < layout.depot_aisle]  # front parts, walking left
    back = [a for a in reversed(middle) if a >= layout.depot_aisle]  # front parts, walking home
    order = [Spot(a, y) for a in out for y in lower[a]]
    order += [Spot(first, y) for y in aisles[first]]
    order += [Spot(a, y) for a in middle for y in reversed(upper[a])]
    order += [Spot(last, y) for y in reversed(aisles[last])]
    order += [Spot(a, y) for a in back for y in lower[a]]
    return Walk(tuple(order), vertical + _cross_aisle_walk(first, last, layout))


# ---------------------------------------------------------------------------------------------
# The exact router: Ratliff & Rosenthal (1983).
#
# A tour is a multigraph on the aisle ends (a_j front, b_j back), the picks and the depot in
# which every pick and the depot have a positive degree, every degree is even, and the edges
# used are connected; no edge is ever needed more than twice. The programme sweeps the aisles
# left to right. After aisle j its state is what the rest of the tour needs to know about the
# part built so far: the degree of a_j and of b_j (0, odd, even > 0) and whether the two are in
# one component (every component touches a_j or b_j, or it could never be joined again). From
# one aisle's state to the next, the tour either adds 0, 1 or 2 copies of each cross-aisle
# edge a_j–a_{j+1} and b_j–b_{j+1}, then one of the ways to cover aisle j+1's picks:
#
#   through   a → every pick → b, once             (a and b joined, each degree +1)
#   through2  the same, twice                     (joined, +2 each)
#   front     a → deepest pick and back            (+2 at a)
#   back      b → shallowest pick and back         (+2 at b)
#   gap       both sides up to the largest gap between two picks, not crossing it (+2, +2)
#   none      (an aisle without picks)
#
# Ratliff and Rosenthal show these suffice for an optimal tour; the states here are their
# seven equivalence classes (0,0 / U,U joined / E,0 / 0,E / E,E joined / E,E apart) written
# as tuples. The walk is read back as an Euler circuit of the chosen edges from the depot; the
# picks in order of first visit, each reached by its shortest walk, is a tour no longer than
# the circuit, so it is optimal too.

_ZERO, _ODD, _EVEN = 0, 1, 2
State = tuple  # (degree class at a_j, degree class at b_j, a_j and b_j in one component)


def _grow(degree: int, added: int) -> int:
    if not added:
        return degree
    return _ODD if (degree % 2 + added) % 2 else _EVEN


def _aisle_options(ys: list[float], length: float) -> list[tuple]:
    """(name, edges added at a, at b, joins a and b, metres) for each way to cover an aisle."""
    options = [("through", 1, 1, True, length), ("through2", 2, 2, True, 2 * length)]
    if not ys:
        return [("none", 0, 0, False, 0.0), *options]
    options += [("front", 2, 0, False, 2 * ys[-1]), ("back", 0, 2, False, 2 * (length - ys[0]))]
    if len(ys) > 1:
        cut = max(range(len(ys) - 1), key=lambda k: ys[k + 1] - ys[k])
        options.append((("gap", cut), 2, 2, False, 2 * (length - (ys[cut + 1] - ys[cut]))))
    return options


def _after_aisle(state: State, at_a: int, at_b: int, joins: bool) -> State:
    da, db, same = state
    na, nb = _grow(da, at_a), _grow(db, at_b)
    same = joins or (same and da != _ZERO and db != _ZERO)
    return (na, nb, bool(same and na and nb))


def _after_cross(state: State, ka: int, kb: int, depot_here: bool) -> State | None:
    """Add ka copies of a_j–a_{j+1} and kb of b_j–b_{j+1}; None if that cannot be part of a tour."""
    da, db, same = state
    for degree, copies in ((da, ka), (db, kb)):
        if (degree == _ODD) != (copies == 1):  # a_j and b_j are final now: their degree is even
            return None
    if db == _ZERO and kb:  # a spur to an unused b_j serves nothing
        return None
    if da == _ZERO and (bool(ka) != depot_here):  # the depot must be reached; no other spur
        return None
    goes_on = [bool(ka or kb)] if da and db and same else [bool(ka)] * (da != _ZERO) + [bool(kb)] * (db != _ZERO)
    if not all(goes_on):  # a component left behind could never be joined to the rest
        return None
    na, nb = (_ZERO if k == 0 else _ODD if k == 1 else _EVEN for k in (ka, kb))
    return (na, nb, bool(na and nb and da and db and same))


def _is_tour(state: State, depot_here: bool) -> bool:
    da, db, same = state
    if _ODD in (da, db) or (da == _ZERO and db == _ZERO):
        return False
    return (same or not (da and db)) and (da != _ZERO or not depot_here)


def optimal(spots: Iterable[Spot], layout: Layout = DEMO_LAYOUT) -> Walk:
    """The shortest walk from the depot through every spot and back (Ratliff & Rosenthal)."""
    aisles = _by_aisle(spots)
    if not aisles:
        return Walk((), 0.0)
    length, depot = layout.aisle_length_m, layout.depot_aisle
    lo, hi = min(min(aisles), depot), max(max(aisles), depot)
    states: dict[State, float] = {(_ZERO, _ZERO, False): 0.0}
    trail: list[dict[State, tuple]] = []  # per step: state -> (previous state, choice)
    for aisle in range(lo, hi + 1):
        if aisle > lo:  # the cross-aisle edges from aisle - 1
            across = layout.aisle_x(aisle) - layout.aisle_x(aisle - 1)
            states = _relax(states, trail, ((ka, kb) for ka in range(3) for kb in range(3)),
                            lambda s, c: _after_cross(s, *c, depot_here=aisle - 1 == depot),
                            lambda c: (c[0] + c[1]) * across)
        options = _aisle_options(aisles.get(aisle, []), length)
        states = _relax(states, trail, options, lambda s, o: _after_aisle(s, o[1], o[2], o[3]), lambda o: o[4])
    finals = [(cost, state) for state, cost in states.items() if _is_tour(state, hi == depot)]
    cost, state = min(finals, key=lambda pair: pair[0])
    choices = []
    for step in reversed(trail):
        state, choice = step[state]
        choices.append(choice)
    choices.reverse()
    order = _read_walk(choices, aisles, lo, layout)
    return Walk(order, cost)


def _relax(states, trail, choices, step, cost_of) -> dict[State, float]:
    choices = list(choices)
    best: dict[State, float] = {}
    back: dict[State, tuple] = {}
    for state, cost in states.items():
        for choice in choices:
            nxt = step(state, choice)
            if nxt is None:
                continue
            total = cost + cost_of(choice)
            if nxt not in best or total < best[nxt] - 1e-9:
                best[nxt], back[nxt] = total, (state, choice)
    trail.append(back)
    return best


def _read_walk(choices: list, aisles: dict[int, list[float]], lo: int, layout: Layout) -> tuple[Spot, ...]:
    """The chosen edges as an Euler circuit from the depot; the picks in order of first visit."""
    edges: list[tuple] = []
    aisle = lo
    for choice in choices:
        if len(choice) == 2:
            ka, kb = choice  # cross-aisle copies from `aisle` to `aisle + 1`
            edges += [(("a", aisle), ("a", aisle + 1))] * ka + [(("b", aisle), ("b", aisle + 1))] * kb
            aisle += 1
            continue
        name = choice[0]
        picks = [("p", aisle, k) for k in range(len(aisles.get(aisle, ())))]
        chain = [("a", aisle), *picks, ("b", aisle)]
        if name in ("through", "through2"):
            segments, copies = [chain], 1 if name == "through" else 2
        elif name == "front":
            segments, copies = [chain[:-1]], 2
        elif name == "back":
            segments, copies = [chain[1:]], 2
        elif name == "none":
            segments, copies = [], 0
        else:  # ("gap", cut): picks[:cut + 1] from the front, the rest from the back
            cut = name[1]
            segments, copies = [chain[:cut + 2], chain[cut + 2:]], 2
        for segment in segments:
            edges += list(zip(segment, segment[1:])) * copies
    adjacent: dict[tuple, list[tuple]] = defaultdict(list)
    for n, (u, v) in enumerate(edges):
        adjacent[u].append((v, n))
        adjacent[v].append((u, n))
    used, cursor = [False] * len(edges), defaultdict(int)
    stack, circuit = [("a", layout.depot_aisle)], []
    while stack:  # Hierholzer: vertices leave the stack in circuit order
        vertex = stack[-1]
        links, n = adjacent[vertex], cursor[vertex]
        while n < len(links) and used[links[n][1]]:
            n += 1
        cursor[vertex] = n
        if n == len(links):
            circuit.append(stack.pop())
        else:
            used[links[n][1]] = True
            stack.append(links[n][0])
    order = [Spot(v[1], aisles[v[1]][v[2]]) for v in dict.fromkeys(v for v in circuit if v[0] == "p")]
    return min(tuple(order), tuple(reversed(order)))  # a walk and its reverse: lowest aisle first


@lru_cache(maxsize=4096)
def _optimal_order(spots: tuple[Spot, ...], layout: Layout) -> tuple[Spot, ...]:
    return optimal(spots, layout).order
