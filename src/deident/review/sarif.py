"""SARIF 2.1.0 for code-scanning dashboards (`deident scan --format sarif`).

One rule per entity type, one result per finding (level error: personal data must not be
published), one result per blocked file (rule ``deident/blocked``: a file that cannot be
read is never clean) plus a tool notification for it. URIs are relative to `root`.
Fingerprints are sha256 of path, entity, location and span: stable across runs, and they
never contain or derive only from the personal data itself.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path, PurePath
from typing import Any
from urllib.parse import quote

from deident.model import FileReport, Finding, Status

SCHEMA_URI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
BLOCKED_RULE = "deident/blocked"

# Chinese and English names a reviewer recognises, for rule descriptions.
ENTITY_NAMES: Mapping[str, str] = {
    "CN_RESIDENT_ID": "身份证号 (resident ID number)",
    "CN_MOBILE": "手机号码 (mobile phone number)",
    "CN_LANDLINE": "固定电话 (landline number)",
    "CN_BANK_CARD": "银行卡号 (bank card number)",
    "CN_PASSPORT": "护照号码 (passport number)",
    "CN_TRAVEL_PERMIT": "通行证号码 (travel permit number)",
    "CN_LICENSE_PLATE": "车牌号 (vehicle plate)",
    "EMAIL_ADDRESS": "电子邮箱 (e-mail address)",
    "PERSON": "姓名 (name of a private person)",
    "CN_ADDRESS": "住址 (home address)",
}


def _uri(path: str, root: Path | None) -> str:
    p = Path(path)
    base = (root or Path.cwd()).resolve()
    if p.is_absolute() or p.exists():
        try:
            rel = p.resolve().relative_to(base)
            return quote(rel.as_posix().encode("utf-8", "surrogateescape"))
        except ValueError:
            if p.is_absolute():
                return p.resolve().as_uri()
    # A name that is not valid UTF-8 is written as the percent-encoded bytes it is made of.
    return quote(PurePath(path.replace(os.sep, "/")).as_posix().encode("utf-8", "surrogateescape"))


def describe_location(location: Mapping[str, Any]) -> str:
    """A human name for a format location: 'sheet 名单 cell D5', 'page 2', 'paragraph 3'."""
    if location.get("name") is True:
        return "the file or folder name"
    parts = []
    for k, v in location.items():
        if k == "bbox" or isinstance(v, (list, dict)):
            continue
        parts.append(f"{k} {v}")
    return ", ".join(parts) or "file"


def fingerprint(uri: str, finding: Finding) -> str:
    data = json.dumps(
        [uri, finding.entity_type, dict(finding.location), finding.start, finding.end],
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _region(location: Mapping[str, Any], finding: Finding) -> dict[str, Any] | None:
    line = location.get("line")
    if isinstance(line, int) and line >= 1:
        return {"startLine": line, "startColumn": finding.start + 1, "endColumn": finding.end + 1}
    return None


def _rule(rule_id: str) -> dict[str, Any]:
    if rule_id == BLOCKED_RULE:
        return {
            "id": BLOCKED_RULE,
            "name": "BlockedFile",
            "shortDescription": {"text": "File cannot be read completely, so it cannot be cleared"},
            "fullDescription": {
                "text": "Encrypted, corrupt, unsupported, too large or scanned without a text layer: "
                "a reviewer must handle it by hand."
            },
            "defaultConfiguration": {"level": "error"},
        }
    name = ENTITY_NAMES.get(rule_id, rule_id)
    return {
        "id": rule_id,
        "name": "".join(w.capitalize() for w in rule_id.lower().split("_")),
        "shortDescription": {"text": f"Personal data: {name}"},
        "fullDescription": {"text": f"{name} found; mask it (deident mask) or mark it as not personal data."},
        "defaultConfiguration": {"level": "error"},
        "properties": {"tags": ["privacy", "pii"]},
    }


def sarif_log(
    reports: Sequence[FileReport],
    *,
    root: Path | None = None,
    redact: Callable[[Finding], str] | None = None,
) -> dict[str, Any]:
    """The SARIF log of a scan. With `redact`, messages show the redacted value; without it
    they name the entity and place only, never the value (SARIF files travel to dashboards)."""
    from deident import __version__

    results: list[dict[str, Any]] = []
    notifications: list[dict[str, Any]] = []
    rule_ids: list[str] = []
    for rep in reports:
        uri = _uri(rep.path, root)
        art = {"uri": uri}
        if rep.status is Status.BLOCKED:
            rule_ids.append(BLOCKED_RULE)
            text = f"Blocked: {rep.reason or 'cannot be read'}. Not cleared for publication."
            results.append(
                {
                    "ruleId": BLOCKED_RULE,
                    "level": "error",
                    "kind": "fail",
                    "message": {"text": text},
                    "locations": [{"physicalLocation": {"artifactLocation": art}}],
                    "partialFingerprints": {
                        "deidentBlocked/v1": hashlib.sha256(f"{uri}\x00blocked".encode()).hexdigest()
                    },
                    "properties": {"reason": rep.reason, "sha256": rep.sha256},
                }
            )
            notifications.append(
                {
                    "level": "error",
                    "message": {"text": f"{uri}: {rep.reason or 'blocked'}"},
                    "locations": [{"physicalLocation": {"artifactLocation": art}}],
                    "descriptor": {"id": BLOCKED_RULE},
                }
            )
            continue
        for f in rep.findings:
            rule_ids.append(f.entity_type)
            where = describe_location(f.location)
            shown = f" '{redact(f)}'" if redact is not None else ""
            phys: dict[str, Any] = {"artifactLocation": art}
            region = _region(f.location, f)
            if region:
                phys["region"] = region
            results.append(
                {
                    "ruleId": f.entity_type,
                    "level": "error",
                    "kind": "fail",
                    "message": {
                        "text": f"{ENTITY_NAMES.get(f.entity_type, f.entity_type)}{shown} at {where}"
                    },
                    "locations": [
                        {
                            "physicalLocation": phys,
                            "logicalLocations": [{"name": where, "kind": "element"}],
                        }
                    ],
                    "partialFingerprints": {"deidentFinding/v1": fingerprint(uri, f)},
                    "properties": {
                        "recognizer": f.recognizer,
                        "score": round(f.score, 4),
                        "location": dict(f.location),
                        "start": f.start,
                        "end": f.end,
                    },
                }
            )
    rules = [_rule(r) for r in dict.fromkeys(sorted(rule_ids))]
    index = {r["id"]: i for i, r in enumerate(rules)}
    for res in results:
        res["ruleIndex"] = index[res["ruleId"]]
    for n in notifications:
        n["descriptor"]["index"] = index[BLOCKED_RULE]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "deident",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": notifications,
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
