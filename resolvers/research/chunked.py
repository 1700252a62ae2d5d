"""A long sequence kept in chunks, so that a version made with a few edits shares the rest.

Research keeps a million-entry array per column of a census and of a release, and each change
to the population makes a new version of them while the one before may still be read. Copied
whole, that was 60-90 MB of copying per change at a million customers, most of it into fresh
memory: page faults, which on a shared VM took 100-300 ms where the copy itself took 5 ms.
Here an edit copies only the chunks it falls in (CHUNK entries each) and the versions share
the others: a change costs a few chunks, whatever the population.

Two kinds of entry: ints (each chunk an `array` of one typecode) and fixed-width byte strings
(`width` bytes each, each chunk one `bytes`). Reads: `len`, an entry by position (the chunk
found by bisecting the chunks' starts), iteration (chained chunks), and `bisect_left` on sorted
entries (the chunk by its first entry, then the entry in it, each at C speed; `bisect` through
the Sequence protocol works too, at a Python call per probe).
"""

from __future__ import annotations

import bisect
import itertools
from array import array
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Generic, TypeAlias, TypeVar, overload

CHUNK = 4096  # entries per chunk as made; an edited chunk past twice this is split again

T = TypeVar("T", int, bytes)
Piece: TypeAlias = "array[int] | bytes"
# An edit at a position of the sequence before: take the entry there (True), or put `entry`
# before it (False). Edits are given sorted by position, puts before a take at the same one.
Edit: TypeAlias = "tuple[int, bool, T]"


class Chunked(Sequence[T], Generic[T]):
    __slots__ = ("chunks", "firsts", "kind", "starts")

    def __init__(self, kind: str | int, chunks: Iterable[Piece]) -> None:
        """`kind`: an array typecode (int entries) or a width in bytes (byte-string entries);
        `chunks`: pieces of that kind, none empty."""
        self.kind = kind
        self.chunks: tuple[Piece, ...] = tuple(chunks)
        lengths = (len(chunk) for chunk in self.chunks)
        if isinstance(kind, int):
            lengths = (n // kind for n in lengths)
        self.starts = array("q", itertools.accumulate(lengths, initial=0))
        # Each chunk's first entry (`bisect_left` finds the chunk at C speed, then the entry).
        self.firsts: Sequence[T] = (
            [chunk[:kind] for chunk in self.chunks]  # type: ignore[assignment, misc]
            if isinstance(kind, int)
            else array(kind, [chunk[0] for chunk in self.chunks])
        )

    @classmethod
    def of(cls, kind: str | int, entries: Iterable[T]) -> Chunked[T]:
        """`entries` (ints for a typecode, byte strings of the width otherwise), chunked."""
        if isinstance(kind, int):
            return cls.packed(kind, b"".join(entries))  # type: ignore[arg-type, return-value]
        values: array[int] = array(kind, entries)  # type: ignore[arg-type]
        view, step = memoryview(values).cast("B"), CHUNK * values.itemsize
        return cls(kind, (_ints(kind, view[at : at + step]) for at in range(0, len(view), step)))

    def __len__(self) -> int:
        return self.starts[-1]

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[T]: ...
    def __getitem__(self, i: int | slice) -> T | Sequence[T]:
        if isinstance(i, slice):
            start, stop, step = i.indices(len(self))
            if step != 1:
                return list(self)[i]
            return list(itertools.islice(self._from(start), max(0, stop - start)))
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("position out of range")
        c = bisect.bisect_right(self.starts, i) - 1
        return self._entry(self.chunks[c], i - self.starts[c])

    def _entry(self, chunk: Piece, at: int) -> T:
        if isinstance(self.kind, int):
            return chunk[at * self.kind : (at + 1) * self.kind]  # type: ignore[return-value]
        return chunk[at]  # type: ignore[return-value]

    def bisect_left(self, entry: T, lo: int = 0) -> int:
        """`bisect.bisect_left(self, entry, lo)` on sorted entries, without a Python call
        per probe: the chunk first (the last whose first entry is below `entry`), then the
        position in it."""
        c = bisect.bisect_left(self.firsts, entry) - 1
        if c < 0:
            return lo
        chunk = self.chunks[c]
        if isinstance(self.kind, int):
            at = _bisect_packed(chunk, self.kind, entry)  # type: ignore[arg-type]
        else:
            at = bisect.bisect_left(chunk, entry)
        return max(lo, self.starts[c] + at)

    def __iter__(self) -> Iterator[T]:
        return self._from(0)

    def _from(self, start: int) -> Iterator[T]:
        """The entries from position `start` on (the chunks before it skipped, not read)."""
        if start >= len(self):
            return iter(())
        c = bisect.bisect_right(self.starts, start) - 1
        offset = start - self.starts[c]
        if isinstance(self.kind, int):
            width = self.kind
            return (
                chunk[at : at + width]  # type: ignore[misc]
                for n, chunk in enumerate(self.chunks[c:])
                for at in range(offset * width if n == 0 else 0, len(chunk), width)
            )
        rest = itertools.chain.from_iterable(self.chunks[c + 1 :])
        return itertools.chain(self.chunks[c][offset:], rest)  # type: ignore[arg-type]

    @classmethod
    def packed(cls, width: int, data: bytes) -> Chunked[bytes]:
        """Byte strings of `width` laid end to end in `data`, chunked."""
        step = CHUNK * width
        return Chunked(width, (data[at : at + step] for at in range(0, len(data), step)))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Chunked):
            return NotImplemented
        return self.kind == other.kind and b"".join(self.chunks) == b"".join(other.chunks)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Chunked({self.kind!r}, {len(self)} entries in {len(self.chunks)} chunks)"

    def spliced(self, edits: Sequence[Edit[T]]) -> Chunked[T]:
        """A new version with `edits` made (positions in this one, sorted), sharing every
        chunk no edit falls in. A put at the very end goes into the last chunk."""
        if not edits:
            return self
        if not self.chunks:
            return Chunked.of(self.kind, [entry for _, _, entry in edits])
        last, out, e = len(self.chunks) - 1, [], 0
        for c, chunk in enumerate(self.chunks):
            low, high = self.starts[c], self.starts[c + 1]
            end = e
            while end < len(edits) and (edits[end][0] < high or c == last):
                end += 1
            if end == e:
                out.append(chunk)
                continue
            out.extend(self._split(self._edited(chunk, low, edits[e:end])))
            e = end
        return Chunked(self.kind, (piece for piece in out if len(piece)))

    def updated(self, entries: Mapping[int, T]) -> Chunked[T]:
        """A new version with the entry at each position of `entries` below `len(self)`
        replaced, and those from `len(self)` on (each next in turn) appended; `spliced`."""
        size, appended = len(self), 0
        edits: list[Edit[T]] = []
        for position in sorted(entries):
            entry = entries[position]
            if position < size:
                edits += [(position, False, entry), (position, True, entry)]
            elif position == size + appended:
                edits.append((size, False, entry))
                appended += 1
            else:
                raise ValueError(f"position {position} would leave a gap")
        return self.spliced(edits)

    def _edited(self, chunk: Piece, low: int, edits: Sequence[Edit[T]]) -> Piece:
        """`chunk` (its first entry at `low`) with `edits`, each old byte copied once."""
        width = self.kind if isinstance(self.kind, int) else chunk.itemsize  # type: ignore[union-attr]
        old = memoryview(chunk).cast("B")
        parts: list[bytes | memoryview] = []
        done = 0
        for position, take, entry in edits:
            at = position - low
            parts.append(old[done * width : at * width])
            done = at + 1 if take else at
            if not take:
                parts.append(entry if isinstance(entry, bytes) else array(self.kind, [entry]))  # type: ignore[arg-type]
        parts.append(old[done * width :])
        joined = b"".join(parts)
        return joined if isinstance(self.kind, int) else _ints(self.kind, joined)

    def _split(self, piece: Piece) -> list[Piece]:
        """A piece grown past twice CHUNK entries, cut in CHUNK-entry chunks."""
        width = self.kind if isinstance(self.kind, int) else 1
        if len(piece) <= 2 * CHUNK * width:
            return [piece]
        step = CHUNK * width
        return [piece[at : at + step] for at in range(0, len(piece), step)]


def _ints(typecode: str, data: bytes | memoryview) -> array[int]:
    """An array of `typecode` holding `data`'s bytes (one copy)."""
    values = array(typecode)
    values.frombytes(data)
    return values


def _bisect_packed(chunk: bytes, width: int, entry: bytes) -> int:
    """bisect_left over byte strings of `width` laid end to end in `chunk`."""
    low, high = 0, len(chunk) // width
    while low < high:
        middle = (low + high) // 2
        if chunk[middle * width : (middle + 1) * width] < entry:
            low = middle + 1
        else:
            high = middle
    return low
