"""Decisions carried from a file to its masked copy.

When a reviewer confirms some findings of a file as personal data and decides others are not
(a public official's name beside a recipient's ID), the copy that is published masks the first
and leaves the second readable (`mask_path(keep=…)`). The copy is new bytes, so the ledger has no
decision on what it still shows; the not-PII decisions on the source are carried over to the
copy's findings of the same values, naming the source's reviewer and reason. Nothing else is
carried: a value the copy shows that the reviewer did not clear stays unreviewed, and approval of
the copy is refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deident.config import ScanConfig
from deident.fileutil import sha256_file
from deident.model import FileReport, MaskReport
from deident.naming import ledger_path
from deident.review.decisions import (
    NOT_PII,
    LedgerIndex,
    ReviewedFinding,
    finding_id,
    review_findings,
    today,
)
from deident.review.ledger import Ledger
from deident.verify.compare import key

if TYPE_CHECKING:
    from deident.detection.engine import Engine
    from deident.masking.policy import Policy

CARRIED = "decided on the source file"  # appended to the carried reason


def kept_values(rows: Iterable[ReviewedFinding]) -> frozenset[str]:
    """The values a masked copy may leave: every finding of the value decided not personal data.
    A value confirmed (or undecided) at any place is masked at every place."""
    rows = list(rows)
    cleared = {key(r.finding.text) for r in rows if r.state == NOT_PII}
    held = {key(r.finding.text) for r in rows if r.state != NOT_PII}
    return frozenset(k for k in cleared - held if k)


def carry_decisions(
    ledger: Ledger, source: Iterable[ReviewedFinding], copy: FileReport, *, date: str | None = None
) -> list[dict[str, Any]]:
    """Record on `copy` a not-PII decision for each of its findings whose value a reviewer
    cleared in `source` (at every place: `kept_values`). Returns the entries appended."""
    if copy.sha256 is None:
        return []
    source = list(source)
    kept = kept_values(source)
    # By the value's text: the copy may read a cleared value as another kind (a number as a
    # landline, then as a card) and it is still the value the reviewer cleared.
    reasons = {key(r.finding.text): r for r in source if r.state == NOT_PII and key(r.finding.text) in kept}
    path = ledger_path(copy)  # a file name holding personal data is starred out
    records = []
    for f in copy.findings:
        r = reasons.get(key(f.text))
        if r is None:
            continue
        records.append(
            {
                "kind": "decision",
                "verdict": NOT_PII,
                "file_sha256": copy.sha256,
                "path": path,
                "finding": finding_id(ledger.key, f),
                "entity_type": f.entity_type,
                "value_hmac": ledger.key.value_hmac(f.entity_type, f.text),
                "location": dict(f.location),
                "reviewer": r.reviewer or "",
                "reason": f"{r.reason or ''} ({CARRIED})".strip(),
                "date": date or today(),
            }
        )
    return ledger.append(records) if records else []


def cleared_on(index: LedgerIndex, sha256: str) -> bool:
    """Whether a reviewer decided any finding of these bytes is not personal data."""
    return any(s == sha256 and e.get("verdict") == NOT_PII for (s, _), e in index.decisions.items())


def mask_decided(
    src: Path,
    dst: Path,
    config: ScanConfig,
    policy: Policy,
    *,
    ledger: Ledger,
    engine: Engine,
    display_path: str | None = None,
    copy_display: str | None = None,
    index: LedgerIndex | None = None,
) -> MaskReport:
    """`mask_path` that honours the ledger: values decided not personal data at every place of
    these bytes stay readable (`kept_values`), and those decisions are carried to the copy, so
    `deident approve` accepts it. Without such decisions it is `mask_path` itself. `copy_display`:
    the copy's path as the ledger should name it (default: its path). `index`: the ledger folded
    once for many files (the decisions this call carries concern the copy's bytes, not theirs)."""
    from deident.pipeline import mask_path, scan_path

    index = index or LedgerIndex.build(ledger.entries())
    keep: frozenset[str] = frozenset()
    rows: list[ReviewedFinding] = []
    try:
        sha = sha256_file(src)
    except OSError:
        sha = ""  # unreadable: mask_path blocks it with the reason
    if sha and cleared_on(index, sha):
        report = scan_path(src, config, engine=engine, display_path=display_path)
        rows = review_findings(report, index, ledger.key)
        keep = kept_values(rows)
    masked = mask_path(src, dst, config, policy, engine=engine, display_path=display_path, keep=keep)
    if keep and masked.output is not None:
        if masked.report.sha256 != report.sha256:  # rewritten meanwhile: decided on other bytes
            return mask_path(src, dst, config, policy, engine=engine, display_path=display_path)
        out = Path(masked.output)
        shown = copy_display or str(out)  # the copy's path as the ledger records it
        carry_decisions(ledger, rows, scan_path(out, config, engine=engine, display_path=shown))
    return masked
