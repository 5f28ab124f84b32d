"""Mentions finds learned names exactly where the alternation regex of the names (longest
first) would: the set scan that replaced it (issue 13: a regex recompiled per learned name made
an archive of rosters quadratic) must not change a single finding."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deident.detection.names.mentions import Mentions
from deident.model import Explanation, Finding

_HAN = st.text(alphabet="张王李欧阳小明丽华一二", min_size=2, max_size=4)


def _person(name: str) -> Finding:
    return Finding("PERSON", 0, len(name), name, 0.9, "t", Explanation("t", "t", 0.9))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(_HAN, min_size=1, max_size=6), st.text(alphabet="张王李欧阳小明丽华一二，。 ", max_size=60))
def test_same_matches_as_the_alternation_regex(names: list[str], text: str) -> None:
    m = Mentions()
    m.learn([_person(n) for n in names])
    rx = re.compile("|".join(map(re.escape, sorted(set(names), key=len, reverse=True))))
    expected = [(x.start(), x.end()) for x in rx.finditer(text)]
    assert [(f.start, f.end) for f in m.find(text, [])] == expected
