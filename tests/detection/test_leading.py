"""`compiled.leading_table` only ever rules out values that the regex rejects: the compiled number
pass skips a regex call on its word, so a wrong table would lose findings."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from deident.detection.compiled import cached_specs, leading_table

_PATTERNS = sorted({p.regex for s in cached_specs(None) if s.kind == "number" for p in s.patterns})
_SHAPES = (r"(?:a|bc)d\d", r"[^0-9]x", r"a*b", r"(?i)ab", r"(?:19|20)\d{2}", r"0(?:10|2\d)[1-9]", r"\d{2,3}X")


def _ruled_out(table: bytes, value: str) -> bool:
    n = len(table) // 128
    if n and len(value) < n:
        return True
    return any(ord(c) < 128 and not table[i * 128 + ord(c)] for i, c in enumerate(value[:n]))


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(_PATTERNS + list(_SHAPES)), st.text(alphabet="0123456789Xxabcd１", max_size=20))
def test_a_ruled_out_value_never_matches(pattern: str, value: str) -> None:
    rx = re.compile(pattern)
    if _ruled_out(leading_table(rx), value):
        assert rx.fullmatch(value) is None


def test_tables_of_the_number_patterns() -> None:
    table = leading_table(re.compile(r"62\d{14,17}"))
    assert len(table) == 4 * 128 and table[ord("6")] and not table[ord("5")] and table[128 + ord("2")]
    assert leading_table(re.compile(r"(?i)ab")) == b"" and leading_table(re.compile(r"a*b")) == b""
