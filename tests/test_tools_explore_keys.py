"""key.py's memory: a long key in the narrowest width that holds its numbers, and
what the Keyer keeps per value met (a _Cap only the counts below 256, a table's
reverse a list) on a real search whose values never stop growing."""
from __future__ import annotations

import pytest
from conftest import FIXTURES

from ana_story.loader import load_story
from ana_story.tools.explore import explore
from ana_story.tools.explore.key import RUN, SMALL, _Cap, codes_of, growing, long_key, rank


@pytest.mark.parametrize(("codes", "width"), [
    ([300, 0, 1], 2),  # a scene past 254, small numbers: two bytes each still
    ([3, 255, 7], 2), ([3, 65_535], 2), ([3, 65_536], 4), ([2, 2**32 - 1], 4),
    ([1, 2**32, 0], 8), ([0, 2**64 - 1], 8)])
def test_a_long_key_holds_its_numbers_in_the_narrowest_width(codes, width):
    k = long_key(codes)
    assert k[0] == 255 and k[1] == width and len(k) == 2 + width * len(codes)
    assert codes_of(k) == codes


def test_long_keys_of_other_numbers_differ_and_short_keys_read_as_themselves():
    lists = [[300], [300, 0], [0, 300], [256, 1], [1, 256], [65_536], [0, 1, 0, 1],
             [1, 0, 1], [255, 0], [70_000, 0], [2**40]]
    keys = [long_key(c) for c in lists]
    assert len(set(keys)) == len(keys)
    assert codes_of(bytes([4, 0, 255, 9])) == [4, 0, 255, 9]
    with pytest.raises(OverflowError):
        long_key([2**64])


class _Kept:
    """explore's ``keep``: the search, as it ends."""

    played = None

    def searched(self, search) -> None:
        self.search, self.ids = search, search.ids
        self.keys = list(search.ids)


def test_a_search_whose_values_grow_keeps_narrow_keys_and_no_count_past_255():
    kept = _Kept()
    report = explore(load_story(FIXTURES / "features"), max_states=3000, keep=kept)
    assert report.states == 3000 and not report.complete
    keyer = kept.search.key
    long = [k for k in kept.keys if k[0] == 255]
    assert len(long) > 2000  # courage and the visits past 255 in most of them
    for k in long:
        codes = codes_of(k)
        assert k[1] == 2 and len(k) == 2 + 2 * len(codes)  # below 65,536: 2 bytes each
        assert max(codes) > 254 or codes[0] >= 255
    courage = keyer.tables["courage"]
    values = [courage.met[n] for n in range(len(courage.met))]
    assert [courage[x] for x in values] == list(range(len(values)))  # the reverse, in turn
    assert len(values) > 1000 and report.widest[0] == {"what": "variable 'courage'",
                                                       "values": len(values)}
    caps = [t for tabs in keyer.per_scene.values() for t in tabs[4]] + list(keyer.taken_caps)
    assert caps and all(isinstance(c, _Cap) and len(c) <= SMALL for c in caps)


def _each_key(keys, keyer) -> list[dict]:
    """growing's answer read key by key (Keyer.fields reads a short key as a long one)."""
    values: dict[str, set] = {}
    for k in keys:
        for what, value in keyer.fields(k):
            values.setdefault(what, set()).add(value)
    return rank(values)


@pytest.mark.parametrize(("fixture", "by_runs"), [
    ("features", True),  # a few long runs of keys of one length, long keys among them
    ("explore-blowup", True),  # short keys only
    ("tools-lint", False)])  # keys of two lengths by turns: grouped by scene
def test_what_kept_growing_is_read_from_the_stored_keys_as_key_by_key(fixture, by_runs):
    kept = _Kept()
    report = explore(load_story(FIXTURES / fixture), max_states=5000, keep=kept)
    assert not report.complete
    ids, keyer = kept.ids, kept.search.key
    sizes = [len(k) for k in kept.keys]
    runs = 1 + sum(a != b for a, b in zip(sizes, sizes[1:], strict=False))
    assert (runs * RUN <= len(sizes)) == by_runs
    assert any(k[0] == 255 for k in kept.keys) == (fixture != "explore-blowup")
    want = _each_key(kept.keys, keyer)
    assert want and growing(ids, keyer) == want == report.widest
    assert growing(kept.keys, keyer) == want  # keys as bytes (no store.Visited)
