"""`compiled.leading_table` only ever rules out values that the regex rejects: the compiled number
pass skips a regex call on its word, so a wrong table would lose findings."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from deident.detection.compiled import cached_specs, leading_table, shapes_by_length

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


def _shaped(shapes: dict[int, bytes], value: str) -> bool:
    n = len(value)
    tables = shapes.get(n, b"")
    return any(
        all(tables[(k * n + i) * 128 + ord(c)] for i, c in enumerate(value))
        for k in range(len(tables) // (n * 128))
    )


@settings(max_examples=1000, deadline=None)
@given(
    st.sampled_from(_PATTERNS),
    st.one_of(
        st.text(alphabet="0123456789X", min_size=8, max_size=19),
        st.builds(
            lambda a, b: a + b,
            st.sampled_from(("1", "62", "0", "010", "0755", "44")),
            st.text("0123456789", max_size=17),
        ),
    ),
)
def test_shapes_answer_as_the_regex(pattern: str, value: str) -> None:
    """`shapes_by_length` spells every match of a number pattern: the compiled number pass
    answers fullmatch from it, so it must agree with the regex on every ASCII value."""
    from deident.detection.spec import regex_width

    rx = re.compile(pattern)
    lo, hi = regex_width(pattern)
    shapes = shapes_by_length(rx, lo, min(hi, 19))
    assert shapes is not None  # every shipped number pattern is spelled
    if lo <= len(value) <= min(hi, 19):
        assert _shaped(shapes, value) == (rx.fullmatch(value) is not None)


def test_shapes_of_a_branching_pattern() -> None:
    shapes = shapes_by_length(re.compile(r"0(?:10|2\d|[3-9]\d{2})[1-9]\d{6,7}"), 10, 12)
    assert shapes is not None and {n: len(b) // (n * 128) for n, b in shapes.items()} == {10: 2, 11: 3, 12: 1}
    assert shapes_by_length(re.compile(r"\d+"), 1, 19) is None  # unbounded: the regex decides
