"""Overlap resolution, one named step: of overlapping findings the strongest wins."""

from __future__ import annotations

from collections.abc import Sequence
from operator import attrgetter, le, lt

from deident.model import Finding

_SPAN = attrgetter("start", "end")
_START = attrgetter("start")
_END = attrgetter("end")


def _rank(f: Finding) -> tuple[float, int, int]:
    return (-f.score, -(f.end - f.start), f.start)


def _pick(cluster: list[Finding]) -> list[Finding]:
    kept: list[Finding] = []
    for f in sorted(cluster, key=_rank):
        if all(f.end <= k.start or f.start >= k.end for k in kept):
            kept.append(f)
    return kept


def resolve_overlaps(findings: Sequence[Finding]) -> list[Finding]:
    """Keep the highest-scored finding of every overlapping group (longer wins a tie), sorted
    by start. Findings are swept into clusters of transitively overlapping spans first, so the
    quadratic choice runs only inside a cluster (almost always one or two findings)."""
    if len(findings) < 2:
        return list(findings)
    # Most texts need nothing resolved: findings in order (the number pass reports a roster's
    # values in order) and none overlapping. Checked with C-level maps before any Python loop.
    starts = list(map(_START, findings))
    if all(map(lt, starts, starts[1:])):
        ordered = list(findings)
    else:
        ordered = sorted(findings, key=_SPAN)
        starts = list(map(_START, ordered))
    if all(map(le, map(_END, ordered), starts[1:])):
        return ordered
    kept: list[Finding] = []
    cluster = [ordered[0]]
    reach = ordered[0].end
    for f in ordered[1:]:
        if f.start < reach:
            cluster.append(f)
            reach = max(reach, f.end)
            continue
        kept.extend(cluster if len(cluster) == 1 else _pick(cluster))
        cluster, reach = [f], f.end
    kept.extend(cluster if len(cluster) == 1 else _pick(cluster))
    kept.sort(key=_SPAN)
    return kept
