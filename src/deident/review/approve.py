"""Approval of the exact bytes of a file: the 先 of 先审后发."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deident.config import ScanConfig
from deident.errors import DeidentError
from deident.model import FileReport, Status
from deident.naming import ledger_path
from deident.review.decisions import LedgerIndex, review_findings, today
from deident.review.files import display_path
from deident.review.ledger import Ledger

if TYPE_CHECKING:
    from deident.detection.engine import Engine


class ApprovalRefused(DeidentError):
    """The file must not be approved as it is; `reason` says why (no personal data in it)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


@dataclass(frozen=True, slots=True)
class ApprovalOutcome:
    path: str
    sha256: str
    reviewers: tuple[str, ...]  # distinct reviewers of these bytes, including this one
    required: int
    entry: dict[str, Any]

    @property
    def complete(self) -> bool:
        return len(self.reviewers) >= self.required


def approve_report(
    report: FileReport,
    *,
    ledger: Ledger,
    reviewer: str,
    policy: str = "gov",
    require_approvals: int = 1,
    date: str | None = None,
    engine: Engine | None = None,
) -> ApprovalOutcome:
    """Record an approval for a file already scanned into `report` (whose sha256 is the
    digest of the bytes that were scanned). Refuses blocked files, files with findings not
    marked as not personal data, and a second approval by the same reviewer; with `engine`,
    a reviewer name holding personal data (other than a person's own name)."""
    path = report.path
    reviewer = reviewer.strip()
    if not reviewer:
        raise ApprovalRefused(path, "an approval needs --reviewer")
    if engine is not None:
        from deident.review.freetext import refuse_personal_data

        refusal = refuse_personal_data(reviewer, "reviewer name", engine, own_name=True)
        if refusal:
            raise ApprovalRefused(path, refusal)
    if require_approvals < 1:
        raise ApprovalRefused(path, "--require-approvals must be at least 1")
    if report.status is Status.BLOCKED or report.sha256 is None:
        why = report.reason or "cannot be read"
        raise ApprovalRefused(path, f"blocked: {why}" + (f" ({report.detail})" if report.detail else ""))
    index = LedgerIndex.build(ledger.entries())
    reviewed = review_findings(report, index, ledger.key)
    unresolved = [r for r in reviewed if not r.resolved]
    if unresolved:
        confirmed = sum(1 for r in unresolved if r.state == "confirmed")
        detail = f" ({confirmed} confirmed as personal data: mask the file)" if confirmed else ""
        raise ApprovalRefused(
            path,
            f"{len(unresolved)} unresolved finding(s){detail}; mask them or mark them with "
            "`deident decide --not-pii`",
        )
    before = index.reviewers(report.sha256)
    if reviewer in before:
        raise ApprovalRefused(
            path, f"already approved by {reviewer}; a further approval needs another reviewer"
        )
    entry = ledger.append(
        [
            {
                "kind": "approval",
                "file_sha256": report.sha256,
                "path": ledger_path(report),  # a name holding personal data is starred out
                "policy": policy,
                "findings": len(report.findings),
                "reviewer": reviewer,
                "required_approvals": require_approvals,
                "date": date or today(),
            }
        ]
    )[0]
    reviewers = (*before, reviewer)
    required = max(require_approvals, index.required(report.sha256))
    return ApprovalOutcome(path, report.sha256, reviewers, required, entry)


def approve_file(
    path: Path,
    *,
    ledger: Ledger,
    config: ScanConfig,
    reviewer: str,
    policy: str = "gov",
    require_approvals: int = 1,
    engine: Engine | None = None,
    root: Path | None = None,
    date: str | None = None,
) -> ApprovalOutcome:
    """Scan `path` with the pipeline and approve it (see `approve_report`). The pipeline reads a
    private copy hashed as it is copied, so the approval binds to the bytes that were scanned:
    a file rewritten or swapped meanwhile is approved at its old digest only, which the gate
    then refuses for the new bytes."""
    from deident.api import engine_for
    from deident.pipeline import scan_path

    engine = engine or engine_for(config)
    shown = display_path(path, root)
    report = scan_path(path, config, engine=engine, display_path=shown)
    return approve_report(
        report,
        ledger=ledger,
        reviewer=reviewer,
        policy=policy,
        require_approvals=require_approvals,
        date=date,
        engine=engine,
    )
