"""Overlap resolution, one named step: of overlapping findings the strongest wins."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from operator import attrgetter, le, lt
from typing import Any

from deident.detection.hints import explain_id
from deident.detection.native import reading
from deident.model import FINDING_FIELDS, Finding

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


def resolve_overlaps_python(findings: Sequence[Finding]) -> list[Finding]:
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


def keep_python(found: list[Finding], min_score: float, wanted: Collection[str] | None) -> list[Finding]:
    """The findings that reach `min_score` and are of a `wanted` entity (None: all), in order; an
    ID reported without passing its checksum says which check it fails (`explain_id`). The
    reference for the compiled `_reading.Keeper.keep`."""
    return [
        explain_id(f) if f.entity_type == "CN_RESIDENT_ID" and f.explanation.checksum != "valid" else f
        for f in found
        if f.score >= min_score and (wanted is None or f.entity_type in wanted)
    ]


def keeper(min_score: float, wanted: Collection[str] | None) -> Callable[[list[Finding]], list[Finding]]:
    """`keep_python` for one threshold and entity set, compiled where `_reading` is installed."""
    if reading is not None and hasattr(reading, "Keeper"):
        compiled: Any = reading.Keeper(min_score, wanted, explain_id, Finding, FINDING_FIELDS)
        return compiled.keep  # type: ignore[no-any-return]
    return lambda found: keep_python(found, min_score, wanted)


def _resolver() -> Callable[[Sequence[Finding]], list[Finding]]:
    if reading is not None and hasattr(reading, "Resolver"):
        compiled: Any = reading.Resolver(resolve_overlaps_python, Finding, FINDING_FIELDS)
        return compiled  # type: ignore[no-any-return]
    return resolve_overlaps_python


# `resolve_overlaps_python`, in C where compiled (a list of findings with int offsets and float scores).
resolve_overlaps = _resolver()


def spans_python(found: Sequence[Finding]) -> tuple[list[int], list[int]]:
    """The starts and the ends of `found`, as two lists."""
    return [f.start for f in found], [f.end for f in found]


def by_start_python(a: Sequence[Finding], b: Sequence[Finding]) -> list[Finding]:
    """`a` and `b` in one list sorted by start (stable: a tie keeps the finding of `a` first)."""
    return sorted([*a, *b], key=_START)


_spans: Any = (
    reading.Spans(spans_python, by_start_python, Finding, FINDING_FIELDS)
    if reading is not None and hasattr(reading, "Spans")
    else None
)
# The twins above, in C where compiled (lists of findings with int offsets).
spans: Callable[[Sequence[Finding]], tuple[list[int], list[int]]] = (
    _spans.spans if _spans is not None else spans_python
)
by_start: Callable[[Sequence[Finding], Sequence[Finding]], list[Finding]] = (
    _spans.by_start if _spans is not None else by_start_python
)
