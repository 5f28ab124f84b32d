"""Overlap resolution, one named step: of overlapping findings the strongest wins."""

from __future__ import annotations

from collections.abc import Sequence

from deident.model import Finding


def resolve_overlaps(findings: Sequence[Finding]) -> list[Finding]:
    """Keep the highest-scored finding of every overlapping group (longer wins a tie), sorted by start."""
    ranked = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), f.start))
    kept: list[Finding] = []
    for f in ranked:
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    kept.sort(key=lambda f: (f.start, f.end))
    return kept
