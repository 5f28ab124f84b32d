"""Reviewer decisions on findings, and the index of the ledger that answers "is this
finding resolved?" and "is this file approved?".

A finding is identified by a keyed digest of (entity, location, span, value): stable across
runs and machines of one deployment, meaningless without the key. A decision binds to the
file's sha256 *and* to the keyed HMAC of the value, so a decision taken on one version of a
file never silently carries over to another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from deident.model import FileReport, Finding
from deident.naming import shown_for_ledger
from deident.review.keys import Key
from deident.review.ledger import Ledger, canonical

if TYPE_CHECKING:
    from deident.detection.engine import Engine

UNREVIEWED = "unreviewed"
NOT_PII = "not_pii"
CONFIRMED = "confirmed"


def today() -> str:
    """The decision's own date (UTC, day precision): data of the decision, not a stamp."""
    return dt.datetime.now(dt.timezone.utc).date().isoformat()


def finding_id(key: Key, finding: Finding) -> str:
    vh = key.value_hmac(finding.entity_type, finding.text)
    loc = canonical(dict(finding.location))
    data = f"finding\x00{finding.entity_type}\x00{loc}\x00{finding.start}\x00{finding.end}\x00{vh}"
    return key.mac(data.encode("utf-8"))[:16]


@dataclass(frozen=True, slots=True)
class ReviewedFinding:
    finding: Finding
    id: str
    value_hmac: str
    state: str  # unreviewed | not_pii | confirmed
    reviewer: str | None = None
    reason: str | None = None

    @property
    def resolved(self) -> bool:
        """Only an explicit not-PII decision clears a finding; a confirmed one must be masked."""
        return self.state == NOT_PII


@dataclass
class LedgerIndex:
    """The ledger folded into lookups. Later decisions on the same finding win."""

    decisions: dict[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    approvals: dict[str, list[Mapping[str, Any]]] = field(default_factory=dict)
    approved_sha_by_path: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, entries: Iterable[Mapping[str, Any]]) -> LedgerIndex:
        idx = cls()
        for e in entries:
            if e["kind"] == "decision":
                idx.decisions[(e["file_sha256"], e["finding"])] = e
            elif e["kind"] == "approval":
                idx.approvals.setdefault(e["file_sha256"], []).append(e)
                idx.approved_sha_by_path[e["path"]] = e["file_sha256"]
        return idx

    def decision(self, sha256: str, fid: str, value_hmac: str) -> Mapping[str, Any] | None:
        e = self.decisions.get((sha256, fid))
        if e is None or e.get("value_hmac") != value_hmac:
            return None
        return e

    def reviewers(self, sha256: str) -> tuple[str, ...]:
        """Distinct reviewers who approved these exact bytes, in ledger order."""
        seen: dict[str, None] = {}
        for e in self.approvals.get(sha256, ()):
            seen.setdefault(e["reviewer"], None)
        return tuple(seen)

    def required(self, sha256: str, minimum: int = 1) -> int:
        """The strictest number of approvals any approval of these bytes asked for."""
        return max([minimum, *(int(e.get("required_approvals", 1)) for e in self.approvals.get(sha256, ()))])


def review_findings(report: FileReport, index: LedgerIndex, key: Key) -> list[ReviewedFinding]:
    out: list[ReviewedFinding] = []
    sha = report.sha256 or ""
    for f in report.findings:
        fid = finding_id(key, f)
        vh = key.value_hmac(f.entity_type, f.text)
        d = index.decision(sha, fid, vh)
        if d is None:
            out.append(ReviewedFinding(f, fid, vh, UNREVIEWED))
        else:
            out.append(ReviewedFinding(f, fid, vh, d["verdict"], d.get("reviewer"), d.get("reason")))
    return out


class DecisionError(ValueError):
    """A decision cannot be recorded (unknown finding id, missing reason…)."""


def record_decisions(
    ledger: Ledger,
    report: FileReport,
    finding_ids: Sequence[str],
    *,
    verdict: str,
    reviewer: str,
    reason: str | None,
    path: str,
    date: str | None = None,
    engine: Engine | None = None,
) -> list[dict[str, Any]]:
    """Append one decision per finding id (all or nothing). A not-PII verdict needs a reason:
    the next reviewer must be able to tell why a finding was let through. With `engine`, the
    reviewer's name and the reason are refused when they hold personal data (the ledger and
    every report show them)."""
    if verdict not in (NOT_PII, CONFIRMED):
        raise DecisionError(f"unknown verdict {verdict!r}")
    if not reviewer.strip():
        raise DecisionError("a decision needs --reviewer")
    if verdict == NOT_PII and not (reason and reason.strip()):
        raise DecisionError("marking a finding as not personal data needs --reason")
    if report.sha256 is None:
        raise DecisionError("the file could not be read; nothing to decide on")
    if engine is not None:
        from deident.review.freetext import refuse_personal_data

        values = [f.text for f in report.findings]
        for text, what, own in ((reviewer, "reviewer name", True), (reason, "reason", False)):
            refusal = refuse_personal_data(text, what, engine, values=values, own_name=own)
            if refusal:
                raise DecisionError(refusal)
    by_id = {finding_id(ledger.key, f): f for f in report.findings}
    unknown = [i for i in finding_ids if i not in by_id]
    if unknown:
        raise DecisionError(f"no finding {', '.join(unknown)} in the current version of {path}")
    # The ledger never holds a name that is personal data: the path is recorded starred out.
    path = shown_for_ledger(path, report.findings) if path == report.path else path
    records = []
    for fid in dict.fromkeys(finding_ids):
        f = by_id[fid]
        rec: dict[str, Any] = {
            "kind": "decision",
            "verdict": verdict,
            "file_sha256": report.sha256,
            "path": path,
            "finding": fid,
            "entity_type": f.entity_type,
            "value_hmac": ledger.key.value_hmac(f.entity_type, f.text),
            "location": dict(f.location),
            "reviewer": reviewer.strip(),
            "date": date or today(),
        }
        if reason:
            rec["reason"] = reason.strip()
        records.append(rec)
    return ledger.append(records)
