"""The 先审后发 endpoints: gate verdicts, approvals and decisions over HTTP.

Write endpoints authenticate first (the reviewer is the token's name), then read the file:
approvals and decisions bind to the sha256 of the bytes uploaded, exactly as the CLI does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Protocol

from deident.model import FileReport
from deident.review.ledger import Ledger, LedgerInvalid
from deident.service.upload import HttpError, Upload


class Handler(Protocol):
    """What these endpoints need of the request handler (server.Handler): declared here so
    that this module does not import the server, which imports it."""

    server: Any  # DeidentServer: .cfg (ServiceConfig) and .engine
    query: dict[str, str]

    def _json(self, status: int, doc: Any, headers: dict[str, str] | None = None) -> None: ...
    def _upload(self) -> Upload: ...
    def _reviewer(self) -> str: ...
    def _scan_upload(self, up: Upload, tmp: Path) -> tuple[FileReport, Path]: ...


def _ledger(h: Handler) -> Ledger:
    led = h.server.cfg.ledger
    if led is None:
        raise HttpError(503, "no ledger configured")
    return led


def _int(h: Handler, name: str, fields: dict[str, str] | None = None, default: int = 1) -> int:
    raw = h.query.get(name) or (fields or {}).get(name) or str(default)
    try:
        value = int(raw)
    except ValueError as exc:
        raise HttpError(400, f"{name} must be an integer") from exc
    if value < 1:
        raise HttpError(400, f"{name} must be at least 1")
    return value


def annotate(doc: dict[str, Any], report: FileReport, ledger: Ledger) -> None:
    """Give each finding of a findings document its keyed id and review state, so a CMS can
    post decisions about it."""
    from deident.review.decisions import LedgerIndex, review_findings

    try:
        index = LedgerIndex.build(ledger.entries())
    except LedgerInvalid:
        index = LedgerIndex()  # states unknown; ids still useful, the gate will refuse anyway
    for d, r in zip(doc["findings"], review_findings(report, index, ledger.key), strict=True):
        d["id"] = r.id
        d["review"] = r.state


def gate(h: Handler, sha: str) -> None:
    from deident.review.decisions import LedgerIndex
    from deident.review.gate import verdict_for_sha

    led = _ledger(h)
    require = _int(h, "require_approvals")
    try:
        index = LedgerIndex.build(led.entries())
    except LedgerInvalid:
        doc = {"sha256": sha, "verdict": "blocked", "reason": "ledger does not verify"}
        h._json(200, {**doc, "reviewers": [], "required": require})
        return
    v = verdict_for_sha(index, sha, require_approvals=require).to_dict()
    v.pop("path")
    h._json(200, v)


def _scanned_file(h: Handler) -> tuple[FileReport, dict[str, str]]:
    up = h._upload()
    if up.filename is None:
        raise HttpError(
            400, "send the file itself (application/octet-stream with ?filename=, or multipart 'file')"
        )
    with tempfile.TemporaryDirectory(prefix="deident-serve-") as d:
        report, _ = h._scan_upload(up, Path(d))
    return report, up.fields


def approve(h: Handler) -> None:
    from deident.review.approve import ApprovalRefused, approve_report

    reviewer = h._reviewer()  # authenticate before reading a possibly large body
    led = _ledger(h)
    report, fields = _scanned_file(h)
    require = _int(h, "require_approvals", fields)
    policy = h.query.get("policy") or fields.get("policy") or h.server.cfg.policy
    try:
        o = approve_report(
            report,
            ledger=led,
            reviewer=reviewer,
            policy=policy,
            require_approvals=require,
            engine=h.server.engine,
        )
    except ApprovalRefused as exc:
        h._json(409, {"error": exc.reason, "status": 409, "sha256": report.sha256})
        return
    h._json(
        201,
        {
            "sha256": o.sha256,
            "verdict": "approved" if o.complete else "pending",
            "reviewers": list(o.reviewers),
            "required": o.required,
            "entry": o.entry["hash"],
        },
    )


def decide(h: Handler) -> None:
    """Record decisions on findings of the uploaded file: `finding` (ids, comma-separated),
    `verdict` (not_pii | confirmed) and `reason`, as query parameters or multipart fields."""
    from deident.review.decisions import DecisionError, record_decisions

    reviewer = h._reviewer()
    led = _ledger(h)
    report, fields = _scanned_file(h)

    def param(name: str) -> str | None:
        return h.query.get(name) or fields.get(name)

    ids = [i.strip() for i in (param("finding") or "").split(",") if i.strip()]
    verdict = param("verdict")
    reason = param("reason")
    if not ids or verdict not in ("not_pii", "confirmed"):
        raise HttpError(400, "a decision needs finding=<id,…> and verdict=not_pii|confirmed")
    if report.status.value == "blocked":
        h._json(409, {"error": f"blocked: {report.reason}", "status": 409, "sha256": report.sha256})
        return
    if reason and h.server.engine.analyze(reason):
        raise HttpError(400, "the reason contains personal data; describe the finding without quoting it")
    try:
        entries = record_decisions(
            led,
            report,
            ids,
            verdict=verdict,
            reviewer=reviewer,
            reason=reason,
            path=report.path,
            engine=h.server.engine,
        )
    except DecisionError as exc:
        raise HttpError(409 if "no finding" in str(exc) else 400, str(exc)) from exc
    h._json(201, {"sha256": report.sha256, "recorded": [e["finding"] for e in entries], "verdict": verdict})
