"""Personal data in the names of files and folders (上传/张三_身份证11010519491231002X.pdf).

A name is a place like any other: its findings carry the location ``{"name": true}`` and
index the shown path. The masked copy gets a masked name, and the ledger records such a
path masked, never in plain text.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deident.detection.engine import Engine
    from deident.masking.policy import Policy
    from deident.model import FileReport, Finding

NAME_LOCATION = {"name": True}
# Separators read as spaces (same length, so offsets hold): 张三_138… is two words.
_SEPARATORS = re.compile(r"[_/\\.\-+()\[\]]")


def _checked_part(shown: str) -> int:
    """Where the part of a shown path that is checked starts: all of a relative path (its
    folders are the user's content), only the file name of an absolute one (the folders
    above the working directory are the machine's)."""
    if shown.startswith("/") or re.match(r"^[A-Za-z]:[\\/]", shown):
        return len(shown) - len(PurePosixPath(shown.replace("\\", "/")).name)
    return 0


def name_findings(shown: str, engine: Engine) -> list[Finding]:
    """Findings in the shown path of a file, with offsets into `shown`."""
    start = _checked_part(shown)
    part = _SEPARATORS.sub(" ", shown[start:])
    out = []
    for f in engine.analyze(part):
        text = shown[start + f.start : start + f.end]
        out.append(
            dataclasses.replace(
                f, start=start + f.start, end=start + f.end, text=text, location=NAME_LOCATION
            )
        )
    return out


def is_name(f: Finding) -> bool:
    return bool(f.location.get("name"))


def masked_file_name(path: Path, engine: Engine, policy: Policy) -> Path:
    """`path` with personal data in its file name replaced by the policy (the suffix kept)."""
    from deident.masking.rewrite import apply

    name = path.name
    stem_end = len(name) - len(path.suffix)
    found = [f for f in engine.analyze(_SEPARATORS.sub(" ", name)) if f.end <= stem_end]
    if not found:
        return path
    found = [dataclasses.replace(f, text=name[f.start : f.end]) for f in found]
    masked = apply(name, found, policy).replace("/", "_").replace(os.sep, "_")
    return path.with_name(masked)


def shown_for_ledger(path: str, findings: Sequence[Finding]) -> str:
    """The path as the ledger may record it: the spans found in it starred out."""
    spans = sorted((f.start, f.end) for f in findings if is_name(f))
    if not spans:
        return path
    out, pos = [], 0
    for a, b in spans:
        if a < pos:
            a = pos
        out.append(path[pos:a] + "*" * max(0, b - a))
        pos = max(pos, b)
    return "".join(out) + path[pos:]


def ledger_path(report: FileReport) -> str:
    return shown_for_ledger(report.path, report.findings)
