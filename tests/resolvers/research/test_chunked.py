"""Chunked sequences (resolvers/research/chunked.py): every version reads as the list it stands
for, and an edit copies only the chunks it falls in."""

from __future__ import annotations

import bisect
import random
from array import array
from typing import Any, cast

import pytest

from resolvers.research import chunked
from resolvers.research.chunked import CHUNK, Chunked, Edit


def _edits(rng: random.Random, size: int, entry: object) -> list[Edit[Any]]:
    """Random takes (distinct positions) and puts, sorted as `spliced` wants them."""
    takes = rng.sample(range(size), min(size, rng.randrange(0, 12)))
    puts = [rng.randrange(0, size + 1) for _ in range(rng.randrange(0, 12))]
    edits = [(p, True, entry) for p in takes] + [(p, False, entry) for p in puts]
    return sorted(edits, key=lambda edit: (edit[0], edit[1]))


def _applied(model: list[object], edits: list[Edit[Any]], new: list[object]) -> list[object]:
    out: list[object] = []
    done = 0
    fresh = iter(new)
    for position, take, _ in edits:
        out += model[done:position]
        done = position
        if take:
            done += 1
        else:
            out.append(next(fresh))
    return out + model[done:]


@pytest.mark.parametrize("kind", ["q", "I", 4])
def test_every_version_reads_as_its_list(kind: str | int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(chunked, "CHUNK", 8)  # many chunks, splits and emptied chunks
    rng = random.Random(7)  # noqa: S311 - test data

    def entry(n: int) -> object:
        return n.to_bytes(4, "big") if isinstance(kind, int) else n

    model = [entry(n) for n in range(50)]
    made: Chunked[Any] = Chunked.of(kind, model)
    counter = 1000
    for _ in range(300):
        edits = _edits(rng, len(model), None)
        new = [entry(counter + k) for k in range(len(edits))]
        counter += len(edits)
        fresh = iter(new)
        named = [(p, take, None if take else next(fresh)) for p, take, _ in edits]
        before, before_model = made, list(model)
        made = made.spliced(named)
        model = _applied(model, edits, [e for (_, t, e) in named if not t])
        assert list(before) == before_model  # the version before is unchanged
        assert list(made) == model and len(made) == len(model)
        assert [made[i] for i in range(len(model))] == model
        if model:
            assert made[-1] == model[-1]
        assert made[2:7] == model[2:7] and made[len(model) // 2 :] == model[len(model) // 2 :]
        assert made[3:1] == [] and made[::3] == model[::3]
        assert made == Chunked.of(kind, cast("list[Any]", model))
        assert all(len(c) > 0 for c in made.chunks)
        assert max((len(c) for c in made.chunks), default=0) <= 16 * (
            kind if isinstance(kind, int) else 1
        )
    with pytest.raises(IndexError):
        made[len(model)]


def test_bisect_finds_positions_as_in_the_list() -> None:
    values = sorted(random.Random(3).sample(range(10**9), 20_000))  # noqa: S311 - test data
    made = Chunked.of("q", values)
    names = Chunked.of(8, [v.to_bytes(8, "big") for v in values])
    for probe in [*values[::97], *(v + 1 for v in values[::89]), -1, 0, 10**9]:
        for lo in (0, 5000):
            expected = bisect.bisect_left(values, probe, lo)
            assert bisect.bisect_left(made, probe, lo) == expected
            assert made.bisect_left(probe, lo) == expected
            if probe >= 0:
                assert names.bisect_left(probe.to_bytes(8, "big"), lo) == expected


def test_an_edit_shares_every_chunk_it_does_not_fall_in() -> None:
    made = Chunked.of("q", array("q", range(100 * CHUNK)))
    edited = made.spliced([(5, True, 0), (50 * CHUNK + 3, False, -1)])
    shared = sum(1 for a, b in zip(made.chunks, edited.chunks, strict=True) if a is b)
    assert shared == 98 and len(edited) == len(made)
    assert edited[5] == 6 and edited[50 * CHUNK + 2] == -1  # one taken before it
    assert edited[50 * CHUNK + 3] == 50 * CHUNK + 3
    assert made.spliced([]) is made


def test_puts_into_an_empty_sequence() -> None:
    empty: Chunked[bytes] = Chunked.of(4, [])
    assert len(empty) == 0 and list(empty) == []
    made = empty.spliced([(0, False, b"abcd"), (0, False, b"efgh")])
    assert list(made) == [b"abcd", b"efgh"]


def test_updated_replaces_entries_and_appends_the_ones_that_follow() -> None:
    made = Chunked.of("q", range(20))
    assert list(made.updated({3: -3, 20: 100, 21: 101, 0: -1})) == [
        -1, 1, 2, -3, *range(4, 20), 100, 101,
    ]  # fmt: skip
    assert list(made) == list(range(20)) and made.updated({}) is made
    with pytest.raises(ValueError, match="gap"):
        made.updated({21: 1})  # nothing at 20
