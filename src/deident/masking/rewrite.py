"""The one place where text is rewritten: right to left over sorted, non-overlapping spans."""

from __future__ import annotations

from collections.abc import Sequence

from deident.masking.policy import Policy
from deident.model import Finding


def apply(text: str, findings: Sequence[Finding], policy: Policy) -> str:
    """`text` with every finding replaced by its masked form; nothing else changes."""
    out = text
    last_start = len(text) + 1
    for f in sorted(findings, key=lambda f: f.start, reverse=True):
        if f.end > last_start:  # overlapping spans are resolved by the engine; never rewrite twice
            continue
        out = out[: f.start] + policy.replacement(f) + out[f.end :]
        last_start = f.start
    return out
