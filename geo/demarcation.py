"""geo.demarcation: which share of a border line is demarcated, from its markers' dates.

The rule (the definition ``service.db.progress`` documents): markers lie along one line
part at fractions ``f`` (0 at its start, 1 at its end). On a date, a *stop* is a marker
whose status is planted or later; every marker seen by then has the date it entered the
plan (``first``, its first event) and a stop has the date it was first planted (``plant``).

A piece of the line is demarcated when, on some earlier or the same date ``T``, the two
markers nearest to it on either side among those already in the plan on ``T``
(``first <= T``) were both in the ground on ``T`` (``plant <= T``), and both are still stops.
A part's end counts as a marker in the ground since always, but a piece needs at least one
real marker. Consequences:

- Between two neighbouring stops with no other marker of the plan between them, the line is
  demarcated once both stand (the plain case).
- A marker planned later between them (densification, as on the Laos border from 2004-2008
  between the markers of 1978-1987) does not undo that: it was not in the plan on ``T``.
  Nor does planting it, which only splits the stretch.
- A marker of the same plan that is still missing breaks the stretch around it.
- So the demarcated share never falls as dates advance, unless a stop stops being one (a
  marker whose status falls back out of planted-or-later: lost).

It suffices to test ``T`` at each stop's own planting date: for a stop ``S`` planted on
``T``, the nearest marker with ``first <= T`` on each side (or the part's end) bounds a
demarcated stretch when it is a stop planted by ``T``. Each such search is a binary lift
over a sparse table of range minima of ``first``, so a part of n markers costs O(n log n).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

_NEVER = np.iinfo(np.int64).max


def _next_at_or_before(
    first: npt.NDArray[np.int64], plant: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """For each i, the smallest j > i with ``first[j] <= plant[i]``, or ``len(first)``."""
    n = len(first)
    levels = max(1, int(n).bit_length())
    padded = np.concatenate([first, np.full(1 << levels, _NEVER, dtype=np.int64)])
    table = [padded]  # table[k][i] = min(first[i : i + 2**k])
    for k in range(1, levels + 1):
        prev = table[-1]
        half = 1 << (k - 1)
        table.append(np.minimum(prev[:-half], prev[half:]))
    pos = np.arange(n, dtype=np.int64)  # every j in (i, pos] has first[j] > plant[i]
    for k in range(levels, -1, -1):
        step = 1 << k
        start = pos + 1
        ok = start < n
        window = np.full(n, -1, dtype=np.int64)
        window[ok] = table[k][start[ok]]
        jump = ok & (window > plant)
        pos = np.where(jump, np.minimum(pos + step, n), pos)
    return np.minimum(pos + 1, n)


def demarcated_share(
    f: Sequence[float], stop: Sequence[bool], first: Sequence[int], plant: Sequence[int | None]
) -> float:
    """Demarcated fraction (0..1) of one line part by the rule in the module docstring.

    ``f`` ascending; ``first`` and ``plant`` as day numbers (``date.toordinal()``),
    ``plant`` None where the marker was never planted.
    """
    n = len(f)
    if n == 0 or not any(stop):
        return 0.0
    pos = np.asarray(f, dtype=float)
    is_stop = np.asarray(stop, dtype=bool)
    fd = np.asarray(first, dtype=np.int64)
    pd_ = np.asarray([_NEVER if p is None else p for p in plant], dtype=np.int64)
    query = np.where(is_stop, pd_, -1)
    pieces: list[tuple[float, float]] = []
    for direction in (1, -1):
        order = slice(None, None, direction)
        nxt = _next_at_or_before(fd[order], query[order])
        for i_rev in np.flatnonzero(is_stop[order]):
            i = i_rev if direction == 1 else n - 1 - i_rev
            j_rev = int(nxt[i_rev])
            if j_rev >= n:
                pieces.append((pos[i], 1.0) if direction == 1 else (0.0, pos[i]))
                continue
            j = j_rev if direction == 1 else n - 1 - j_rev
            if is_stop[j] and pd_[j] <= pd_[i]:
                pieces.append((min(pos[i], pos[j]), max(pos[i], pos[j])))
    return float(_union_length(pieces))


def _union_length(pieces: list[tuple[float, float]]) -> float:
    """Length covered by the union of closed intervals."""
    total, reach = 0.0, 0.0
    for lo, hi in sorted(pieces):
        lo = max(lo, reach)
        if hi > lo:
            total, reach = total + hi - lo, hi
    return total
