"""The patrol report: the scan JSON contract (`path` is the URL) plus a `patrol` block with
the crawl's facts, the counts per section (栏目), and — with a ledger — every published
resource whose exact bytes were never approved ("published without review").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from deident.model import FileReport, Status
from deident.patrol.model import PatrolResult, Resource

UNREVIEWED = "published without review"


@dataclass(frozen=True, slots=True)
class Unreviewed:
    url: str
    sha256: str
    section: str
    kind: str
    reason: str  # never approved | needs N approvals … (the gate's words)

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "sha256": self.sha256,
            "section": self.section,
            "kind": self.kind,
            "status": UNREVIEWED,
            "reason": self.reason,
        }


def unreviewed(resources: Sequence[Resource], index: Any, require_approvals: int = 1) -> list[Unreviewed]:
    """Resources online whose sha256 the ledger never approved (`index`: review.decisions.LedgerIndex)."""
    from deident.review.gate import verdict_for_sha

    # Approvals name local paths (uploads/公示名单.xlsx); a published file of the same name with
    # other bytes is the strongest signal there is: it changed after approval.
    by_name: dict[str, list[str]] = {}
    for path in index.approved_sha_by_path:
        by_name.setdefault(PurePosixPath(path).name, []).append(path)
    out = []
    for r in resources:
        sha = r.report.sha256
        if sha is None:
            continue  # not read completely: already blocked in the report
        v = verdict_for_sha(index, sha, path=r.url, require_approvals=require_approvals)
        if v.approved:
            continue
        reason = v.reason or "never approved"
        same_name = sorted(by_name.get(r.filename or "", ()))
        if reason == "never approved" and same_name:
            reason = f"changed after approval: differs from the approved {same_name[0]}"
        out.append(Unreviewed(r.url, sha, r.section, r.kind, reason))
    return out


def sections(resources: Sequence[Resource], unrev: Sequence[Unreviewed]) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}

    def row(name: str) -> dict[str, Any]:
        return rows.setdefault(
            name,
            {
                "section": name,
                "resources": 0,
                "pages": 0,
                "attachments": 0,
                "clean": 0,
                "with_findings": 0,
                "findings": 0,
                "blocked": 0,
                "unreviewed": 0,
                "new_or_changed": 0,
            },
        )

    for r in resources:
        s = row(r.section)
        s["resources"] += 1
        if r.kind in ("page", "attachment"):
            s[r.kind + "s"] += 1
        s["findings"] += len(r.report.findings)
        key = {Status.CLEAN: "clean", Status.FINDINGS: "with_findings", Status.BLOCKED: "blocked"}
        s[key[r.report.status]] += 1
        s["new_or_changed"] += r.change in ("new", "changed")
    for u in unrev:
        row(u.section)["unreviewed"] += 1
    return [rows[k] for k in sorted(rows)]


def evidence_free(report: FileReport) -> FileReport:
    """The report without WARC pointers in locations: for SARIF, whose fingerprints must not
    change from one run to the next."""
    if not report.findings:
        return report
    found = tuple(
        dataclasses.replace(
            f, location={k: v for k, v in f.location.items() if k not in ("warc", "record_id")}
        )
        for f in report.findings
    )
    return dataclasses.replace(report, findings=found)


def annotate(
    doc: dict[str, Any], result: PatrolResult, *, seeds: Sequence[str], unrev: Sequence[Unreviewed] | None
) -> dict[str, Any]:
    """Add the patrol's facts to a scan JSON document (`render.scan_json` of the resources'
    reports): each file's section, the unreviewed count in the summary, and a `patrol` block."""
    by_url = {r.url: r for r in result.resources}
    for f in doc["files"]:
        r = by_url.get(f["path"])
        if r is not None:
            f["section"] = r.section
    doc["summary"]["unreviewed"] = len(unrev) if unrev is not None else None
    doc["patrol"] = {
        "seeds": list(seeds),
        "warc": str(result.warc),
        "robots": "ignored (operator override)" if result.robots_ignored else "obeyed",
        "rescanned_all": result.rescanned_all,
        "stats": dataclasses.asdict(result.stats),
        "sections": sections(result.resources, unrev or ()),
        "unreviewed": [u.to_dict() for u in unrev] if unrev is not None else None,
        "broken_links": [{"url": u, "status": s} for u, s in result.broken],
        "notes": list(result.notes),
        "resources": [
            {
                "url": r.url,
                "section": r.section,
                "kind": r.kind,
                "fetch": r.fetch,
                "http_status": r.http_status,
                "scanned": r.scanned,
                "change": r.change,
                "capture": r.capture.to_dict() if r.capture else None,
            }
            for r in result.resources
        ],
    }
    return doc


def exit_code(result: PatrolResult, unrev: Sequence[Unreviewed] | None) -> int:
    """As `scan`: 0 when everything online is clean (and approved, with a ledger), else 1."""
    bad = any(r.report.status is not Status.CLEAN for r in result.resources)
    return 1 if bad or unrev else 0
