"""An attacker of suppressed tables, independent of analysis.suppression: linear algebra.

The attacker knows every shown count and every relation `whole = sum(parts)`; a
hidden count is derivable exactly when its unit vector lies in the row space of
those equations (numpy's matrix rank), whatever chain of subtractions gets there.
`attack` also makes every single subtraction a reader can make (a known whole minus
its known parts) and reports the rests that are small.
"""

from __future__ import annotations

import numpy as np

MIN = 30


def _system(counts, relations, shown):
    keys = sorted(counts, key=str)
    index = {k: i for i, k in enumerate(keys)}
    rows = []
    for whole, parts in relations:
        row = np.zeros(len(keys))
        row[index[whole]] = 1
        for part in parts:
            row[index[part]] -= 1
        rows.append(row)
    for key in shown:
        row = np.zeros(len(keys))
        row[index[key]] = 1
        rows.append(row)
    return keys, index, np.array(rows) if rows else np.zeros((0, len(keys)))


def derivable_by_rank(counts, relations, shown) -> set:
    keys, index, system = _system(counts, relations, shown)
    rank = np.linalg.matrix_rank(system) if len(system) else 0
    found = set()
    for key in keys:
        unit = np.zeros((1, len(keys)))
        unit[0, index[key]] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            found.add(key)
    return found


def attack(counts, relations, hidden, fixed=(), minimum=MIN):
    """(small cells derivable, small rests found by one subtraction)."""
    shown = (set(counts) - hidden) | set(fixed)
    known = derivable_by_rank(counts, relations, shown)
    small_known = {k for k in hidden if k in known and counts[k] < minimum}
    small_rests = []
    for whole, parts in relations:
        if whole in known:
            rest = [p for p in parts if p not in known]
            total = counts[whole] - sum(counts[p] for p in parts if p in known)
            if 0 < total < minimum:
                small_rests.append((whole, rest, total))
    return small_known, small_rests
