"""What every scanning command shares: exit codes and the ScanConfig its options make.

Commands in their own modules (spark-scan, patrol) import this, not cli/app.py, which imports
them to register them.
"""

from __future__ import annotations

import typer

from deident.config import ScanConfig

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def scan_config(
    min_score: float,
    entities: str | None,
    use_model: bool = False,
    flag_officials: bool = False,
    verify: str | None = None,
) -> ScanConfig:
    from deident.detection.spec import load_specs

    wanted = None
    if entities:
        wanted = frozenset(e.strip().upper() for e in entities.split(",") if e.strip())
        # The recognizer files name the entities; no need to build a whole engine for that.
        known = {s.entity for s in load_specs()}
        unknown = wanted - known
        if unknown:
            raise typer.BadParameter(
                f"unknown entity type(s): {', '.join(sorted(unknown))}; known: {', '.join(sorted(known))}"
            )
    if verify not in (None, "ocr"):
        raise typer.BadParameter(f"unknown --verify mode {verify!r}; known: ocr")
    return ScanConfig(
        min_score=min_score,
        entities=wanted,
        use_model=use_model,
        flag_officials=flag_officials,
        verify_ocr=verify == "ocr",
    )
