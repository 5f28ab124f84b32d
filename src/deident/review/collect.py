"""Gather what a reviewer needs to judge each finding: its context and the masked preview.

The pipeline reports findings with offsets into the text of one place (a segment). To show a
finding in context, the document is opened again and the place's text looked up by its
location; the masked preview is the same window rewritten by the policy.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from deident.config import ScanConfig
from deident.model import FileReport, Finding, Status
from deident.review.decisions import LedgerIndex, ReviewedFinding, review_findings
from deident.review.keys import Key
from deident.review.ledger import canonical

if TYPE_CHECKING:
    from deident.masking.policy import Policy

CONTEXT_CHARS = 40


@dataclass(frozen=True, slots=True)
class FindingView:
    reviewed: ReviewedFinding
    before: str  # text before the finding in its place
    after: str
    masked_before: str  # the same window after masking
    masked_value: str
    masked_after: str


@dataclass(frozen=True, slots=True)
class ReviewItem:
    report: FileReport
    views: tuple[FindingView, ...]
    approvals: tuple[str, ...] = ()  # reviewers who approved these exact bytes


def _segment_texts(path: Path, config: ScanConfig) -> dict[str, str]:
    from deident.formats import format_for
    from deident.formats.base import FormatContext

    # The same reading as `scan` (read_only: PDF text through PDFium), so places match its findings.
    doc = format_for(path).open_document(path, FormatContext(config, read_only=True))
    return {canonical(dict(s.location)): s.text for s in doc.segments()}


def _view(rf: ReviewedFinding, text: str | None, siblings: Sequence[Finding], policy: Policy) -> FindingView:
    from deident.masking.rewrite import apply

    f = rf.finding
    if text is None or text[f.start : f.end] != f.text:
        # The place could not be found again: show the value alone.
        return FindingView(rf, "", "", "", policy.replacement(f), "")
    a, b = max(0, f.start - CONTEXT_CHARS), min(len(text), f.end + CONTEXT_CHARS)
    # Widen the window over findings cut by its edges, so no half-masked value is shown.
    for s in siblings:
        if s.start < a < s.end:
            a = s.start
        if s.start < b < s.end:
            b = s.end
    inside = [s for s in siblings if a <= s.start and s.end <= b and s is not f]

    def masked(lo: int, hi: int) -> str:
        part = [
            replace(s, start=s.start - lo, end=s.end - lo) for s in inside if lo <= s.start and s.end <= hi
        ]
        return apply(text[lo:hi], part, policy)

    return FindingView(
        rf,
        before=text[a : f.start],
        after=text[f.end : b],
        masked_before=masked(a, f.start),
        masked_value=policy.replacement(f),
        masked_after=masked(f.end, b),
    )


def collect(
    path: Path,
    report: FileReport,
    *,
    config: ScanConfig,
    policy: Policy,
    index: LedgerIndex,
    key: Key,
) -> ReviewItem:
    """`report` is the pipeline's scan of `path`; adds context, previews and ledger state."""
    approvals = index.reviewers(report.sha256) if report.sha256 else ()
    if report.status is Status.BLOCKED or not report.findings:
        return ReviewItem(report, (), approvals)
    try:
        texts: Mapping[str, str] = _segment_texts(path, config)
    except Exception:  # the scan succeeded; a failed re-read only costs the context
        texts = {}
    by_place: dict[str, list[Finding]] = {}
    for f in report.findings:
        by_place.setdefault(canonical(dict(f.location)), []).append(f)
    views = []
    for rf in review_findings(report, index, key):
        place = canonical(dict(rf.finding.location))
        views.append(_view(rf, texts.get(place), by_place.get(place, ()), policy))
    return ReviewItem(report, tuple(views), approvals)


def member_rows(item: ReviewItem) -> list[tuple[str | None, list[FindingView]]]:
    """The findings of an archive grouped by member, each named by its full path
    (附件.zip!/公示/名单.xlsx), in the order of the archive; one group named None for a file
    that is not an archive (and for an archive's own comment)."""
    groups: dict[str | None, list[FindingView]] = {}
    for v in item.views:
        member = v.reviewed.finding.location.get("member")
        key = f"{item.report.path}!/{member}" if member else None
        groups.setdefault(key, []).append(v)
    return list(groups.items())
