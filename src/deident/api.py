"""The library API for CMS plugins: text and files in, typed results out.

Engines and policies are immutable, so they are built once per configuration and shared.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from pathlib import Path

from deident.config import ScanConfig
from deident.detection.engine import Engine
from deident.masking.policy import Policy
from deident.masking.rewrite import apply
from deident.model import FileReport, Finding, MaskedText, MaskReport


@functools.lru_cache(maxsize=16)
def engine_for(config: ScanConfig | None = None) -> Engine:
    return Engine.create(config or ScanConfig())


@functools.lru_cache(maxsize=16)
def _policy(name: str) -> Policy:
    return Policy.load(name)


def policy_for(policy: str | Path | Policy) -> Policy:
    return policy if isinstance(policy, Policy) else _policy(str(policy))


def scan_text(text: str, config: ScanConfig | None = None) -> list[Finding]:
    """Personal data in `text`, sorted by offset."""
    return engine_for(config).analyze(text)


def mask_text(text: str, policy: str | Path | Policy = "gov", config: ScanConfig | None = None) -> MaskedText:
    """`text` with every finding masked by `policy` (a preset name, a policy file or a Policy)."""
    findings = scan_text(text, config)
    return MaskedText(apply(text, findings, policy_for(policy)), tuple(findings))


def scan_file(path: str | Path, config: ScanConfig | None = None) -> FileReport:
    from deident.pipeline import scan_path

    cfg = config or ScanConfig()
    return scan_path(Path(path), cfg, engine=engine_for(cfg))


def mask_file(
    src: str | Path,
    dst: str | Path,
    policy: str | Path | Policy = "gov",
    config: ScanConfig | None = None,
    *,
    keep: Collection[str] = (),
) -> MaskReport:
    """Write a masked copy of `src` to `dst`. `dst` may equal `src` (in-place masking). `keep`:
    values a reviewer decided are not personal data, left readable wherever they occur."""
    from deident.pipeline import mask_path

    cfg = config or ScanConfig()
    return mask_path(Path(src), Path(dst), cfg, policy_for(policy), engine=engine_for(cfg), keep=keep)
