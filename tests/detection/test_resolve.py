"""Overlap resolution keeps, of every group of overlapping findings, the strongest ones."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from deident.detection.resolve import (
    by_start,
    by_start_python,
    resolve_overlaps,
    resolve_overlaps_python,
    spans,
    spans_python,
)
from deident.model import Explanation, Finding

_EXPLANATION = Explanation("r", "p", 0.5)


def _finding(start: int, length: int, score: float, entity: str) -> Finding:
    return Finding(entity, start, start + length, "x" * length, score, "r", _EXPLANATION)


findings = st.lists(
    st.builds(
        _finding,
        st.integers(0, 60),
        st.integers(1, 20),
        st.sampled_from((0.3, 0.5, 0.9, 1.0)),
        st.sampled_from(("A", "B")),
    ),
    max_size=25,
)


def _reference(found: list[Finding]) -> list[Finding]:
    """Greedy by rank over the findings in span order: the strongest first, then whatever
    does not overlap what is kept."""
    in_order = sorted(found, key=lambda f: (f.start, f.end))
    kept: list[Finding] = []
    for f in sorted(in_order, key=lambda f: (-f.score, -(f.end - f.start), f.start)):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: (f.start, f.end))


@given(findings)
def test_resolution_is_greedy_by_score_then_length(found: list[Finding]) -> None:
    assert resolve_overlaps(found) == _reference(found)


@given(findings)
def test_result_is_sorted_and_free_of_overlaps(found: list[Finding]) -> None:
    kept = resolve_overlaps(found)
    assert all(a.end <= b.start for a, b in pairwise(kept))


def test_sorted_findings_without_overlaps_come_back_as_they_are() -> None:
    found = [_finding(0, 5, 0.5, "A"), _finding(5, 3, 0.9, "B"), _finding(20, 2, 0.3, "A")]
    assert resolve_overlaps(found) == found
    assert resolve_overlaps(found[::-1]) == found


apart = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 6), st.sampled_from((0.3, 0.9))), max_size=25
).map(lambda steps: _apart(steps))


def _apart(steps: list[tuple[int, int, float]]) -> list[Finding]:
    """Findings in order, each `gap` after the last (0: touching), zero-length ones included."""
    out, at = [], 0
    for gap, length, score in steps:
        at += gap
        out.append(Finding("A", at, at + length, "x" * length, score, "r", _EXPLANATION))
        at += length
    return out


@given(st.one_of(apart, findings))
def test_the_compiled_shortcut_and_the_python_resolution_agree(found: list[Finding]) -> None:
    """Lists already in order and apart are answered in C where compiled; every list gives
    what the Python resolution (the reference) gives."""
    assert resolve_overlaps(found) == resolve_overlaps_python(found)
    # Zero-length findings at one offset are all kept; the reference may order them otherwise.
    assert sorted(resolve_overlaps(found), key=_key) == sorted(_reference(found), key=_key)


def _key(f: Finding) -> tuple[int, int, float, str]:
    return (f.start, f.end, f.score, f.entity_type)


crowded = st.lists(
    st.builds(
        _finding,
        st.integers(0, 12),
        st.integers(0, 6),
        st.sampled_from((0.3, 0.5, 0.5, 0.9, 1.0, -0.0, 0.0)),
        st.sampled_from(("A", "B", "C")),
    ),
    max_size=40,
)


@given(st.one_of(crowded, findings))
def test_compiled_resolution_keeps_the_same_objects_in_the_same_order(found: list[Finding]) -> None:
    """Unordered and overlapping lists are resolved in C too: the same finding objects as the
    Python twin, ties of rank and of span (equal spans, zero-length ones) kept as sorted() keeps them."""
    assert [id(f) for f in resolve_overlaps(found)] == [id(f) for f in resolve_overlaps_python(found)]


@given(st.one_of(crowded, findings, apart), st.one_of(crowded, findings, apart))
def test_compiled_spans_and_ordering_agree_with_python(a: list[Finding], b: list[Finding]) -> None:
    """`spans` and `by_start` (compiled `_reading.Spans`) give what their twins give: the same
    offsets, the same objects in the same order (a tie of starts keeps `a`'s finding first)."""
    assert spans(a) == spans_python(a)
    assert [id(f) for f in by_start(a, b)] == [id(f) for f in by_start_python(a, b)]
