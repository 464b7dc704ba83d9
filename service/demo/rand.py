"""service.demo.rand: seeded random streams that give the same numbers on every machine.

Each purpose gets its own stream (seeded with "<seed>:<purpose>"), so changing how one part
of the dataset is drawn does not shift the others. Built on the stdlib generator, whose
``random()`` sequence Python keeps stable across versions and platforms; only ``random()``
is used underneath.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Sequence
from typing import TypeVar

# The demo dataset's default seed (2011: the year of the 1,088 border communes figure).
DEFAULT_SEED = 2011

T = TypeVar("T")


class Stream:
    """A reproducible random stream for one purpose."""

    def __init__(self, seed: int, purpose: str) -> None:
        self._r = random.Random(f"{seed}:{purpose}")

    def random(self) -> float:
        return self._r.random()

    def uniform(self, a: float, b: float) -> float:
        return a + (b - a) * self._r.random()

    def below(self, n: int) -> int:
        """An integer in [0, n)."""
        return min(int(self._r.random() * n), n - 1)

    def chance(self, p: float) -> bool:
        return self._r.random() < p

    def pick(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` distinct items, in the order drawn (partial Fisher-Yates)."""
        pool = list(items)
        if k > len(pool):
            raise ValueError(f"cannot draw {k} of {len(pool)}")
        for i in range(k):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]

    def weighted_sample(self, items: Sequence[T], weights: Sequence[float], k: int) -> list[T]:
        """``k`` distinct items, drawn with the given weights (Efraimidis-Spirakis keys)."""
        keys = [
            (math.log(max(self._r.random(), 1e-300)) / w if w > 0 else -math.inf, i)
            for i, w in enumerate(weights)
        ]
        keys.sort(reverse=True)
        return [items[i] for _, i in keys[:k]]

    def beta_like(self, shape: float = 2.0) -> float:
        """A value in [0, 1) bunched in the middle (mean of ``shape`` uniforms)."""
        n = max(1, int(shape))
        return sum(self._r.random() for _ in range(n)) / n

    def date_between(self, start: dt.date, end: dt.date, u: float | None = None) -> dt.date:
        """A date in [start, end]; ``u`` in [0, 1) places it (else uniform)."""
        span = (end - start).days
        if span <= 0:
            return start
        u = self._r.random() if u is None else u
        return start + dt.timedelta(days=min(int(u * (span + 1)), span))
