"""A verdict as table rows. Values never leave as plaintext unless asked (`with_values`): each
finding carries its masked form and a keyed HMAC of the value (the ledger's key, so the two can
be joined), and the file row counts findings per entity."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from deident.masking.policy import Policy
from deident.model import FileReport, Status
from deident.review.keys import Key

# Columns of OUTPUT/files, in order (schema.py gives their Spark types).
FILE_COLUMNS = (
    "path",
    "sha256",
    "size",
    "status",
    "reason",
    "detail",
    "findings",
    "entities",
    "notes",
    "masked_to",
    "run_id",
)
# Columns of one finding inside a result row; OUTPUT/findings adds path, sha256 and run_id.
FINDING_COLUMNS = (
    "entity_type",
    "masked_text",
    "value_hmac",
    "value",
    "score",
    "recognizer",
    "location",
    "start",
    "end",
)


def file_row(
    report: FileReport,
    *,
    size: int | None,
    policy: Policy,
    key: Key,
    with_values: bool,
    masked_to: str | None = None,
) -> dict[str, Any]:
    """One result row: the file's columns plus `found`, the list of its findings."""
    found = [
        {
            "entity_type": f.entity_type,
            "masked_text": policy.replacement(f),
            "value_hmac": key.value_hmac(f.entity_type, f.text),
            "value": f.text if with_values else None,
            "score": round(float(f.score), 4),
            "recognizer": f.recognizer,
            "location": json.dumps(dict(f.location), ensure_ascii=False, sort_keys=True),
            "start": f.start,
            "end": f.end,
        }
        for f in report.findings
    ]
    return {
        "path": report.path,
        "sha256": report.sha256,
        "size": size,
        "status": report.status.value,
        "reason": report.reason,
        "detail": report.detail,
        "findings": len(found),
        "entities": dict(Counter(f.entity_type for f in report.findings)),
        "notes": list(report.notes),
        "masked_to": masked_to,
        "found": found,
    }


def blocked_row(path: str, sha256: str | None, size: int | None, reason: str, detail: str) -> dict[str, Any]:
    """A file the job could not scan to the end (timeout, crash, limit): never clean."""
    return {
        "path": path,
        "sha256": sha256,
        "size": size,
        "status": Status.BLOCKED.value,
        "reason": reason,
        "detail": detail,
        "findings": 0,
        "entities": {},
        "notes": [],
        "masked_to": None,
        "found": [],
    }
