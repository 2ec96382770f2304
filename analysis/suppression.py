"""Complementary suppression: which cells of a published table to hide.

A table of counts publishes totals and their parts (a sector group and its sectors).
Hiding the parts with fewer than `minimum` answers is not enough: a shown total minus
its shown parts gives the hidden rest, so a lone hidden part is read by subtraction,
and two hidden parts whose sum is small give away a small group together.

`suppress` hides more cells until, for every relation `whole = sum(parts)` whose
whole can be known (shown, or derived from its parts), the parts that cannot be
known add up to 0 or at least `minimum` answers, and no cell under `minimum` can
be derived. What it adds is the shown part with the fewest answers (the least
information lost), or the whole itself when every part is hidden already. The
same hidden cells hide the satisfied counts too: they obey the same sums.

Pure: keys and counts in, the set of hidden keys out.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence

Relation = tuple[Hashable, Sequence[Hashable]]  # (whole, parts)


def suppress(counts: Mapping[Hashable, int], relations: Iterable[Relation], minimum: int,
             hidden: Iterable[Hashable] = (), fixed: Iterable[Hashable] = ()) -> set:
    """The keys to hide: those under `minimum`, `hidden` (never shown), and as few more
    as keep them from being derived. `fixed` keys are published elsewhere: they count
    as known and are never chosen for hiding."""
    relations = [(whole, tuple(parts)) for whole, parts in relations]
    fixed = set(fixed)
    out = {key for key, n in counts.items() if n < minimum and key not in fixed}
    out |= set(hidden) - fixed
    while True:
        known = derivable(counts, relations, out)
        step = _next_to_hide(counts, relations, out, known, minimum, fixed)
        if step is None:
            return out
        out.add(step)


def derivable(counts: Mapping[Hashable, int], relations: Sequence[Relation],
              hidden: set) -> set:
    """Every key whose count can be known from the shown ones through the relations."""
    known = set(counts) - hidden
    changed = True
    while changed:
        changed = False
        for whole, parts in relations:
            unknown = [p for p in parts if p not in known]
            if whole in known and len(unknown) == 1:
                known.add(unknown[0])
                changed = True
            elif whole not in known and not unknown:
                known.add(whole)
                changed = True
    return known


def _next_to_hide(counts, relations, out, known, minimum, fixed):
    """One more cell to hide, or None when nothing small can be derived any more."""
    for cells in _leaks(counts, relations, out, known, minimum):
        candidate = _cheapest_shown(cells, relations, counts, out, known, fixed)
        if candidate is not None:
            return candidate
    return None


def _leaks(counts, relations, out, known, minimum):
    """The cells of each relation that gives something small away."""
    for whole, parts in relations:
        if whole not in known:
            continue
        rest = sum(counts[p] for p in parts if p not in known)
        if 0 < rest < minimum or any(p in out and p in known and counts[p] < minimum
                                     for p in parts):
            yield [whole, *parts]
    for key in out:  # a small whole read by adding its parts up
        if key in known and counts[key] < minimum:
            yield [key]


def _cheapest_shown(start, relations, counts, out, known, fixed):
    """The shown cell with the fewest answers among `start`; when there is none, among
    the cells of the relations through which the known ones in `start` are derived."""
    seen: set = set()
    frontier = list(start)
    while frontier:
        layer = {c for c in frontier if c not in seen}
        seen |= layer
        shown = [c for c in layer if c not in out and c not in fixed]
        if shown:
            return min(shown, key=lambda c: (counts[c], str(c)))
        derived = {c for c in layer if c in known}
        frontier = [c for whole, parts in relations if derived & {whole, *parts}
                    for c in (whole, *parts)]
    return None
