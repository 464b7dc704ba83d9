"""service.auth.throttle: when repeated failed sign-ins lock a name or an address out.

Failures are counted in a sliding window per typed user name (whether it exists or not, so
the answer says nothing about existence) and per client address. At the limit, every
further attempt, right or wrong, gets 429 until the oldest counted failure ages out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Every failed sign-in is answered this much later: slows guessing at no cost to the server
# (an async sleep holds no thread).
FAILURE_DELAY_S = 0.5


@dataclass(frozen=True)
class Limits:
    """Failures allowed within ``window_s`` per user name and per client address."""

    window_s: int
    per_name: int
    per_address: int


def retry_after(
    limits: Limits,
    *,
    by_name: int,
    by_address: int,
    name_clears_in_s: float,
    address_clears_in_s: float,
) -> int | None:
    """Seconds to wait before trying again, or None when a sign-in may be attempted."""
    waits = []
    if by_name >= limits.per_name:
        waits.append(name_clears_in_s)
    if by_address >= limits.per_address:
        waits.append(address_clears_in_s)
    if not waits:
        return None
    return max(1, math.ceil(max(waits)))
