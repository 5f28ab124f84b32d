"""`deident mask --keep-cleared`: masked copies that honour the reviewers' decisions.

One process, in order: each file's copy may append carried decisions to the ledger, and a
ledger is written by one writer at a time anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from deident.cli.walk import blocked_mask
from deident.config import ScanConfig
from deident.model import MaskReport


def mask_cleared(
    work: Sequence[tuple[str, str, str, str | None]],
    config: ScanConfig,
    policy: str,
    ledger: Path | None,
    key_file: Path | None,
) -> list[MaskReport]:
    from deident.api import engine_for, policy_for
    from deident.cli.workflow import _open_ledger
    from deident.review.carry import mask_decided
    from deident.review.decisions import LedgerIndex

    led, _ = _open_ledger(ledger, key_file)
    index = LedgerIndex.build(led.entries())  # read once, not once per file
    engine, pol = engine_for(config), policy_for(policy)
    out = []
    for src, dst, shown, problem in work:
        if problem:
            out.append(blocked_mask(src, shown, problem))
            continue
        out.append(
            mask_decided(
                Path(src), Path(dst), config, pol, ledger=led, engine=engine, display_path=shown, index=index
            )
        )
    return out
