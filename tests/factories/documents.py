"""Format-agnostic helpers for format tests: replacements computed from known values (no
detection engine, so a format test checks the format layer alone) and rendering a masked copy."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from deident.formats.base import Replacement


def render(doc: Any, replacements: Mapping[int, Sequence[Replacement]]) -> bytes:
    """The masked copy `doc.write_masked` writes, as bytes."""
    out = io.BytesIO()
    doc.write_masked(replacements, out)
    return out.getvalue()


def replacements_for(
    segments: Iterable[Any], values: list[str], *, same_length: bool = True
) -> dict[int, list[Replacement]]:
    """Replacements that mask every occurrence of `values` in the segments (overlapping
    occurrences merged): stars of the same length, or a shorter fixed token."""
    reps: dict[int, list[Replacement]] = {}
    for seg in segments:
        spans: list[tuple[int, int]] = []
        for v in values:
            start = seg.text.find(v)
            while start != -1:
                spans.append((start, start + len(v)))
                start = seg.text.find(v, start + len(v))
        spans.sort()
        merged: list[tuple[int, int]] = []
        for s, e in spans:
            if merged and s < merged[-1][1]:
                merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
            else:
                merged.append((s, e))
        if merged:
            reps[seg.id] = [
                Replacement(s, e, "*" * (e - s) if same_length else "〔屏蔽〕", "TEST") for s, e in merged
            ]
    return reps


def mask_value(doc: Any, value: str, masked: str) -> dict[int, list[Replacement]]:
    """Replacements writing `masked` over every occurrence of `value` in every segment."""
    reps: dict[int, list[Replacement]] = {}
    for seg in doc.segments():
        for m in re.finditer(re.escape(value), seg.text):
            reps.setdefault(seg.id, []).append(Replacement(m.start(), m.end(), masked, "X"))
    return reps
