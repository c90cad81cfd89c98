"""Agents for an hour by Erlang C (SPEC §12 step 2).

The offered load a = λ * aht / 3600 and the bounds N > a, a/N <= max_occupancy
are exact rationals. Only the service level is a float, because it needs
exp(): the Erlang C probability of waiting comes from the Erlang B recursion
B(0) = 1, B(k) = a*B(k-1) / (k + a*B(k-1)), C = N*B / (N - a*(1 - B)), which
is numerically stable for thousands of servers (no factorials, no powers).
The recursion is walked once, up to the answer, so the cost is O(N).
"""

from __future__ import annotations

import math
from fractions import Fraction

from ledger.errors import OutOfRangeError

MAX_LOAD = 100_000  # erlangs in one hour: beyond any shop; bounds the O(N) walk


def offered_load(inquiries: Fraction, aht_s: int) -> Fraction:
    """a = λ * aht_s / 3600 (§12 step 2), exact."""
    return Fraction(inquiries) * aht_s / 3600


def erlang_b_step(a: float, k: int, previous: float) -> float:
    """B(k) from B(k-1): a*B / (k + a*B)."""
    return a * previous / (k + a * previous)


def erlang_c(a: float, servers: int, blocking: float) -> float:
    """P(wait) for N servers from B(N): N*B / (N - a*(1 - B))."""
    return servers * blocking / (servers - a * (1 - blocking))


def service_level(a: float, servers: int, blocking: float, answer_within_s: int, aht_s: int) -> float:
    """SL = 1 - C * exp(-(N - a) * answer_within_s / aht_s) (§12 step 2)."""
    waiting = erlang_c(a, servers, blocking)
    return 1.0 - waiting * math.exp(-(servers - a) * answer_within_s / aht_s)


def erlang_b(a: float, servers: int) -> float:
    """B(N) by the recursion from B(0) = 1."""
    blocking = 1.0
    for k in range(1, servers + 1):
        blocking = erlang_b_step(a, k, blocking)
    return blocking


def agents_for_hour(inquiries: Fraction, aht_s: int, concurrency: int, answer_within_s: int,
                    target: Fraction, max_occupancy: Fraction) -> int:
    """The smallest n >= 1 whose N = n * concurrency servers give N > a,
    a/N <= max_occupancy and SL >= target (all inclusive); 0 when λ = 0 (§12 step 2).

    Raises ``OutOfRangeError`` (no field: the caller names it) when a exceeds
    ``MAX_LOAD`` erlangs, or the bounds cannot be met (a target >= 1 never is).
    """
    if inquiries <= 0:
        return 0
    a = offered_load(inquiries, aht_s)
    if a > MAX_LOAD:
        raise OutOfRangeError(f"an offered load of {float(a):.0f} erlangs is above {MAX_LOAD}")
    if max_occupancy <= 0 or target >= 1:
        raise OutOfRangeError("max_occupancy must be > 0 and the service level below 1")
    # the smallest n the exact bounds allow: n*c > a and n*c >= a / max_occupancy
    above = math.floor(a / concurrency) + 1
    share = a / (max_occupancy * concurrency)
    n = max(1, above, -(-share.numerator // share.denominator))
    af = float(a)
    blocking = erlang_b(af, n * concurrency)
    k = n * concurrency
    while True:
        if Fraction(service_level(af, k, blocking, answer_within_s, aht_s)) >= target:
            return n
        n += 1
        while k < n * concurrency:
            k += 1
            blocking = erlang_b_step(af, k, blocking)
