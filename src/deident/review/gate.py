"""The publish gate: a file may go out only if it was approved at its current sha256."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from deident.fileutil import NotRegularFile, sha256_file
from deident.review.decisions import LedgerIndex
from deident.review.files import Displayer, iter_entries
from deident.review.ledger import Ledger, LedgerInvalid


@dataclass(frozen=True, slots=True)
class GateVerdict:
    path: str
    sha256: str | None
    approved: bool
    reason: str | None = None  # why it is blocked; None when approved
    reviewers: tuple[str, ...] = ()
    required: int = 1

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "verdict": "approved" if self.approved else "blocked",
            "reason": self.reason,
            "reviewers": list(self.reviewers),
            "required": self.required,
        }


def verdict_for_sha(
    index: LedgerIndex, sha256: str, *, path: str = "", require_approvals: int = 1
) -> GateVerdict:
    reviewers = index.reviewers(sha256)
    required = index.required(sha256, require_approvals)
    if not reviewers:
        earlier = index.approved_sha_by_path.get(path) if path else None
        reason = "changed after approval" if earlier and earlier != sha256 else "never approved"
        return GateVerdict(path, sha256, False, reason, (), required)
    if len(reviewers) < required:
        reason = f"needs {required} approvals from distinct reviewers, has {len(reviewers)}"
        return GateVerdict(path, sha256, False, reason, reviewers, required)
    return GateVerdict(path, sha256, True, None, reviewers, required)


def gate_paths(
    paths: Iterable[Path],
    *,
    ledger: Ledger,
    require_approvals: int = 1,
    root: Path | None = None,
    supported: Sequence[str] | None = None,
    notes: list[str] | None = None,
) -> list[GateVerdict]:
    """One verdict per file under `paths`. A ledger that does not verify blocks everything; so
    does a FIFO, device, unlistable folder or symlink out of the folder (never opened). Skipped
    tool folders are described in `notes` when given."""
    if supported is None:
        from deident.formats import supported_suffixes

        supported = supported_suffixes()
    suffixes = frozenset(supported)
    try:
        index: LedgerIndex | None = LedgerIndex.build(ledger.entries())
        ledger_problem = None
    except LedgerInvalid:
        index, ledger_problem = None, "ledger does not verify (run `deident ledger verify`)"
    out: list[GateVerdict] = []
    shown_as = Displayer(root)
    for entry in iter_entries(paths, real=True, notes=notes):
        p = entry.path
        shown = shown_as(p, real=True)
        if entry.problem is not None:
            out.append(GateVerdict(shown, None, False, f"unreadable: {entry.problem}"))
            continue
        try:
            sha = sha256_file(p)
        except OSError as exc:
            detail = str(exc) if isinstance(exc, NotRegularFile) else type(exc).__name__
            out.append(GateVerdict(shown, None, False, f"unreadable: {detail}"))
            continue
        if index is None:
            out.append(GateVerdict(shown, sha, False, ledger_problem))
        elif p.suffix.lower() not in suffixes:
            out.append(GateVerdict(shown, sha, False, "unsupported type"))
        else:
            out.append(verdict_for_sha(index, sha, path=shown, require_approvals=require_approvals))
    return out
