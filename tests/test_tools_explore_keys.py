"""key.py's memory: a long key in the narrowest width that holds its numbers, and
what the Keyer keeps per value met (a _Cap only the counts below 256, a table's
reverse a list) on a real search whose values never stop growing."""
from __future__ import annotations

import pytest
from conftest import FIXTURES

from ana_story.loader import load_story
from ana_story.tools.explore import explore
from ana_story.tools.explore.key import SMALL, _Cap, codes_of, long_key


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
        self.search = search
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
