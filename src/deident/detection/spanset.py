"""A set of non-overlapping spans with O(log n) overlap queries, so detectors that check each
candidate against what they already found stay linear on long texts."""

from __future__ import annotations

import bisect


class SpanSet:
    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_right(self._starts, start)
        # The span starting at or before `start` may reach over it; the next one may begin before `end`.
        if i > 0 and self._ends[i - 1] > start:
            return True
        return i < len(self._starts) and self._starts[i] < end

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)
