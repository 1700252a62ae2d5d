"""How many rows a generalisation scheme releases (P5.F), counted cheaply for the lattice
search in `release`. A scheme is given as its steps, one per quasi-identifier in QUASI order.

Rows may be distinct rows, each standing for `weights` identical ones (a census): every count
is then weighted, and the answers are those the expanded rows would give.

- Each quasi-identifier's values are small integers, and each step maps a value's code to the
  step's code (the step applied once per distinct value).
- Per pair of quasi-identifiers, how many rows groups of K would keep on that pair alone, at
  every pair of steps: an upper bound for any scheme with those two steps (grouping by more
  columns only splits groups further), from the pair's joint counts of values (a few thousand
  cells, however many customers).
- A scheme grouped in full is rolled up from the smallest grouping already made of a finer
  scheme, when each step of the coarser scheme is a function of the finer one's (the ladders
  are nested) and that grouping is much smaller than the rows; otherwise grouped from the
  rows.

Everything sized by the rows holds integers only: codes and weights in chunked arrays, a
group as one int (its step codes in mixed radix, `_places`), so that the cyclic collector
walks none of their entries (a dict of ints is not tracked; an array has no references). Each
version of the population (`patched`) shares what it does not change: the chunks of the codes
and weights no changed row falls in (`chunked`), the groupings kept (with their changes
beside them), and the joint and pair counts (a layer of changes over them, `Layered`). Copied
per version, as dicts keyed by tuples (1.7 million entries at a million customers), they cost
the collector's next pass over young objects ~40 ms, walking every key. Mixed radix keeps a
group within one or two 30-bit digits: shifting each code to a fixed 32-bit place made ints
of up to six digits and the search twice as slow.
"""

from __future__ import annotations

import copy
import itertools
import operator
from array import array
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Self, TypeVar

from resolvers.research.chunked import Chunked
from resolvers.research.hierarchy import HIERARCHY, QUASI, Value
from schema.research.view import MIN_GROUP

K = MIN_GROUP
Steps = tuple[int, ...]
Key = int  # a group: its step code per quasi-identifier, in mixed radix (`_places`)
H = TypeVar("H", bound=Hashable)  # a key counted by `_sizes`: a group, a packed pair
# Groupings kept (the smallest): to roll coarser ones up from, and patched for the next
# version, whose search asks the same schemes again (at 1M customers the search groups 8:
# keeping all 8 costs about 180 MB and saves 1.5 s of the first answer after a change).
KEPT_GROUPINGS = 8
ROLL_UP_BELOW = 3  # a roll-up costs about 3 times a grouping from the rows, per group or row


_WIDE = 1 << 32  # two codes packed in one int: a * _WIDE + b
# A patch of up to this many rows moves each row's group at every pair of steps (240 groups a
# row); more, and the pair counts are made again from the joint counts (tens of thousands).
MOVED_ROWS = 500
# A grouping kept is shared by the codes patched from it, each with its own changes, until
# these are more than this fraction of its groups (then one merged dict).
MERGED_CHANGES = 8
Cell = tuple[int, int, int, int]  # (quasi a, its step, quasi b, its step)
# The joint and pair counts of a patched version are layers of changes over counts shared
# with the versions before; past this many layers (or a patch of more than FLATTEN_ROWS rows,
# whose lookups would each walk them all) they are flattened into new counts.
LAYERS = 16
FLATTEN_ROWS = 8


class Layered:
    """Sizes per key: `base`, shared by versions and never changed, under `layers` of the
    changes made since (the newest last; the last is this version's own). A version copies
    no counts: it adds a layer of the few keys its rows moved."""

    __slots__ = ("base", "layers")

    def __init__(self, base: dict[int, int], layers: tuple[dict[int, int], ...] = ()) -> None:
        self.base, self.layers = base, layers

    def flat(self, *, copy: bool = False) -> dict[int, int]:
        """The sizes as one dict: the base itself when there is no layer, unless `copy`."""
        if not self.layers and not copy:
            return self.base
        sizes = dict(self.base)
        for layer in self.layers:
            sizes.update(layer)
        return sizes

    def next(self, *, flatten: bool = False) -> tuple[Layered, dict[int, int]]:
        """A version on top of this one, and the dict it changes: its own (empty) layer, or
        when flattened its own copy of every size (then its base, with no layer)."""
        if flatten or len(self.layers) >= LAYERS:
            sizes = self.flat(copy=True)
            return Layered(sizes), sizes
        own: dict[int, int] = {}
        return Layered(self.base, (*self.layers, own)), own

    def below(self, key: int) -> int:
        """The size of a key missing from this version's own dict (`next`): from the layers
        under its own and the base; 0 when its own dict is its base (flattened)."""
        for layer in reversed(self.layers[:-1]):
            size = layer.get(key)
            if size is not None:
                return size
        return self.base.get(key, 0) if self.layers else 0


class Codes:
    def __init__(self, rows: Sequence[Sequence[object]], weights: Sequence[int] | None) -> None:
        # Per row (chunked, `Chunked`: codes patched for a new version share every chunk no
        # change falls in): its weight (None: one row each), and its value code per quasi.
        self.weights = None if weights is None else Chunked.of("q", weights)
        # The rows' total weight (kept as patched: a sum of half a million weights is 6 ms).
        self.total = len(rows) if self.weights is None else sum(map(sum, self.weights.chunks))
        self.steps: list[list[array[int]]] = []  # [quasi][step][value code] -> step code
        self.values: list[Chunked[int]] = []  # [quasi][row] -> value code
        self.encoders: list[dict[object, int]] = []  # [quasi] value -> code
        self.step_encoders: list[list[dict[object, int]]] = []  # [quasi][step] -> step codes
        for position, quasi in enumerate(QUASI):
            codes, encoder = _encode(_same, [row[position] for row in rows])
            self.values.append(Chunked.of(codes.typecode, codes))
            self.encoders.append(encoder)
            stepped = [_encode(step.apply, encoder) for step in HIERARCHY[quasi]]
            self.steps.append([c for c, _ in stepped])
            self.step_encoders.append([e for _, e in stepped])
        # Groupings kept: sizes as made (shared with the codes patched from these, never
        # changed), and the sizes changed since, by group (`grouped` applies them).
        self.groupings: dict[Steps, dict[Key, int]] = {}
        self.changes: dict[Steps, dict[Key, int]] = {}
        self.released_counts: dict[Steps, int] = {}  # rows in groups of K, per grouping
        self.joints: dict[tuple[int, int], Layered] = {
            (a, b): self._layer(
                map(
                    operator.add,
                    map(operator.mul, self.values[a], itertools.repeat(_WIDE)),
                    self.values[b],
                )
            )
            for a, b in itertools.combinations(range(len(QUASI)), 2)
        }
        self.pairs = self._pairs()

    def _layer(self, keys: Iterable[int]) -> Layered:
        return Layered(self._sizes(keys))

    def _pairs(self) -> dict[Cell, int]:
        """Kept rows at every pair of steps of every pair of quasi-identifiers, from the
        joint counts; each pair's group sizes kept too (`cells`), for `patched`."""
        self.cells: dict[Cell, Layered] = {}  # group: (code a) * _WIDE + code b
        for (a, b), joint in self.joints.items():
            for (sa, sb), sizes in self._pair(a, b, joint.flat()).items():
                self.cells[(a, sa, b, sb)] = Layered(sizes)
        return {cell: _kept(sizes.base.values()) for cell, sizes in self.cells.items()}

    def _pair(self, a: int, b: int, joint: dict[int, int]) -> dict[tuple[int, int], dict[int, int]]:
        """Group sizes at every pair of steps of a and b: the joint counts are coarsened
        along a once per step of a, then along b."""
        cells = {}
        for sa, codes_a in enumerate(self.steps[a]):
            along_a: dict[int, int] = {}
            for ab, n in joint.items():
                va, vb = divmod(ab, _WIDE)
                key = codes_a[va] * _WIDE + vb
                along_a[key] = along_a.get(key, 0) + n
            for sb, codes_b in enumerate(self.steps[b]):
                sizes: dict[int, int] = {}
                for ab, n in along_a.items():
                    ca, vb = divmod(ab, _WIDE)
                    key = ca * _WIDE + codes_b[vb]
                    sizes[key] = sizes.get(key, 0) + n
                cells[(sa, sb)] = sizes
        return cells

    def _moved_pairs(
        self, before: Codes, changed: dict[int, int], coded: dict[int, list[int]]
    ) -> None:
        """`pairs` and `cells` of `before` with the rows in `changed` re-weighted: each
        changed row moves one group per pair of steps (a layer over `before`'s counts, which
        stay as they are); `coded`: each changed row's value codes."""
        self.cells, moving = {}, []
        flatten = len(changed) > FLATTEN_ROWS
        for cell, sizes in before.cells.items():
            layered, own = sizes.next(flatten=flatten)
            self.cells[cell] = layered
            moving.append((cell, layered, own))  # iterated per row: no key built per cell
        self.pairs = pairs = dict(before.pairs)
        steps = self.steps
        for r, d in changed.items():
            values = coded[r]
            for cell, layered, own in moving:
                a, sa, b, sb = cell
                group = steps[a][sa][values[a]] * _WIDE + steps[b][sb][values[b]]
                was = own.get(group)
                if was is None:
                    was = layered.below(group)
                own[group] = was + d
                pairs[cell] += _counted(was + d) - _counted(was)

    def patched(self, rows: Sequence[Sequence[object]], deltas: dict[int, int]) -> Self:
        """These codes for `rows` (the rows coded here, then any appended), each row's weight
        changed by `deltas` (row index -> change): what the codes of `rows` with the new
        weights would be, from the changed rows only. A copy: these stay as they are."""
        assert self.weights is not None
        new = copy.copy(self)
        new.steps = [[array(s.typecode, s) for s in q] for q in self.steps]
        new.encoders = [dict(e) for e in self.encoders]
        new.step_encoders = [[dict(e) for e in q] for q in self.step_encoders]
        old = len(self.weights)
        coded: dict[int, list[int]] = {}  # each changed or appended row's value codes
        for r, row in enumerate(rows[old:], old):
            coded[r] = []
            for q, value in enumerate(row):
                code = new.encoders[q].setdefault(value, len(new.encoders[q]))
                coded[r].append(code)
                if code == len(new.steps[q][0]):  # a value not seen before: its step codes
                    for s, step in enumerate(HIERARCHY[QUASI[q]]):
                        encoder = new.step_encoders[q][s]
                        new.steps[q][s].append(encoder.setdefault(step.apply(value), len(encoder)))
        new.values = [
            values.updated({r: codes[q] for r, codes in coded.items()})
            for q, values in enumerate(self.values)
        ]
        changed = {r: d for r, d in deltas.items() if d}
        for r in changed.keys() - coded.keys():
            coded[r] = [values[r] for values in self.values]
        weights = {r: (self.weights[r] if r < old else 0) + changed.get(r, 0) for r in coded}
        new.weights = self.weights.updated(weights)  # the changed rows', then each appended one
        new.total = self.total + sum(changed.values())
        new.joints = {}
        for (a, b), joint in self.joints.items():
            layered, own = joint.next(flatten=len(changed) > FLATTEN_ROWS)
            for r, d in changed.items():
                packed = coded[r][a] * _WIDE + coded[r][b]
                was = own.get(packed)
                own[packed] = (layered.below(packed) if was is None else was) + d
            new.joints[(a, b)] = layered
        if len(changed) <= MOVED_ROWS:
            new._moved_pairs(self, changed, coded)
        else:
            new.pairs = new._pairs()
        new.groupings, new.changes, new.released_counts = {}, {}, {}
        for steps, grouping in self.groupings.items():
            places = new._places(steps)
            if places != self._places(steps):  # a new step code: another radix, made if asked
                continue
            sizes, released = dict(self.changes.get(steps, {})), self.released_counts.get(steps)
            for r, d in changed.items():
                group = sum(new.steps[q][s][coded[r][q]] * m for q, s, m in places)
                was = sizes.get(group, grouping.get(group, 0))
                sizes[group] = was + d
                if released is not None:
                    released += _counted(was + d) - _counted(was)
            if len(sizes) * MERGED_CHANGES > len(grouping):
                grouping, sizes = grouping | sizes, {}
            new.groupings[steps], new.changes[steps] = grouping, sizes
            if released is not None:
                new.released_counts[steps] = released
        return new

    def bound(self, steps: Steps) -> int:
        return min(
            self.pairs[(a, steps[a], b, steps[b])]
            for a, b in itertools.combinations(range(len(steps)), 2)
        )

    def released(self, steps: Steps) -> int:
        counted = self.released_counts.get(steps)
        if counted is None or steps not in self.groupings:
            counted = _kept(self.grouped(steps).values())
            self.released_counts[steps] = counted
        return counted

    def grouped(self, steps: Steps) -> dict[Key, int]:
        """Rows per group under `steps`, kept to roll coarser schemes up from (and, in codes
        patched for a new version, ready for the same scheme asked again)."""
        kept = self.groupings.get(steps)
        if kept is not None:
            if self.changes.get(steps):  # a new dict: the one made may be shared
                kept = self.groupings[steps] = kept | self.changes.pop(steps)
            return kept
        finer = [
            s
            for s in self.groupings
            if all(f <= c for f, c in zip(s, steps, strict=True))
            and len(self.groupings[s]) * ROLL_UP_BELOW <= len(self.values[0])
        ]
        sizes = None
        for source in sorted(finer, key=lambda s: len(self.groupings[s])):
            sizes = self._rolled(source, steps)
            if sizes is not None:
                break
        if sizes is None:
            columns = (
                map(_times(self.steps[q][s], m).__getitem__, self.values[q])
                for q, s, m in self._places(steps)
            )
            sizes = self._sizes(_summed(columns))
        self._keep(steps, sizes)
        return sizes

    def _places(self, steps: Steps) -> list[tuple[int, int, int]]:
        """(quasi, step, place value) per quasi-identifier: a group is the sum of its step
        codes times their place values, each radix `_radix` of the step's number of codes."""
        places, value = [], 1
        for q in reversed(range(len(steps))):
            places.append((q, steps[q], value))
            value *= self._radix(q, steps[q])
        return places[::-1]

    def _radix(self, quasi: int, step: int) -> int:
        """The power of two above the step's number of codes: a value not seen before (a
        birth year, a postal area) keeps the radix, and the groupings kept stay usable
        (`patched` drops one whose radix moved, and the search groups it again)."""
        return 1 << len(self.step_encoders[quasi][step]).bit_length()

    def _rolled(self, source: Steps, steps: Steps) -> dict[Key, int] | None:
        maps = []
        for quasi, (finer, coarser) in enumerate(zip(source, steps, strict=True)):
            codes = self._coarser(quasi, finer, coarser)
            if codes is None:
                return None
            maps.append(codes)
        grouping = self.grouped(source)
        radices = [self._radix(q, s) for q, s in enumerate(source)]
        moved = (
            map(_times(codes, to).__getitem__, _digits(grouping, at, radix))
            for codes, (_, _, at), (_, _, to), radix in zip(
                maps, self._places(source), self._places(steps), radices, strict=True
            )
        )
        sizes: dict[Key, int] = {}
        for key, n in zip(_summed(moved), grouping.values(), strict=True):
            sizes[key] = sizes.get(key, 0) + n
        return sizes

    def _coarser(self, quasi: int, finer: int, coarser: int) -> list[int] | None:
        """Step `coarser`'s code for each of step `finer`'s codes, if a function of it."""
        moved: dict[int, int] = {}
        for f, c in zip(self.steps[quasi][finer], self.steps[quasi][coarser], strict=True):
            if moved.setdefault(f, c) != c:
                return None
        return [moved[f] for f in range(len(moved))]

    def _keep(self, steps: Steps, sizes: dict[Key, int]) -> None:
        self.groupings[steps] = sizes
        while len(self.groupings) > KEPT_GROUPINGS:
            largest = max(self.groupings, key=lambda s: len(self.groupings[s]))
            del self.groupings[largest]
            self.changes.pop(largest, None)

    def _sizes(self, keys: Iterable[H]) -> dict[H, int]:
        """Rows (total weight) per key."""
        if self.weights is None:
            return Counter(keys)
        sizes: dict[H, int] = {}
        get = sizes.get
        for key, weight in zip(keys, self.weights, strict=True):
            sizes[key] = get(key, 0) + weight
        return sizes


def _kept(sizes: Iterable[int]) -> int:
    """Rows in groups of at least K."""
    return sum(n for n in sizes if n >= K)


def _counted(size: int) -> int:
    """What a group of `size` adds to `_kept`."""
    return size if size >= K else 0


def _times(codes: Sequence[int], place: int) -> list[int]:
    """Each code times a place value: its part of a group."""
    return [code * place for code in codes]


def _digits(grouping: dict[Key, int], place: int, radix: int) -> Iterable[int]:
    """Each group's code at one place."""
    return map(
        operator.mod,
        map(operator.floordiv, grouping, itertools.repeat(place)),
        itertools.repeat(radix),
    )


def _summed(columns: Iterable[Iterable[int]]) -> Iterable[int]:
    """Groups from per-quasi-identifier columns of codes times their place (summed, lazily)."""
    total: Iterable[int] | None = None
    for column in columns:
        total = column if total is None else map(operator.add, total, column)
    return () if total is None else total


def _same(value: object) -> Value:
    return value  # type: ignore[return-value]  # a row's values: hashable, compared as they are


def _encode(
    apply: Callable[[object], Value], values: Iterable[object]
) -> tuple[array[int], dict[object, int]]:
    """Each value's code (the order of first appearance) under `apply`, and the codes by
    distinct value (in code order)."""
    codes: dict[object, int] = {}
    encoded = array("i", [codes.setdefault(apply(v), len(codes)) for v in values])
    return encoded, codes
