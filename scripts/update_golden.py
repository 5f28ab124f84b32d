"""Regenerate the expected outputs of corpora/golden/core/*.txt (review the diff before committing).

    python scripts/update_golden.py
"""

from __future__ import annotations

import json
from pathlib import Path

import deident

GOLDEN = Path(__file__).resolve().parents[1] / "corpora" / "golden" / "core"


def expected(text: str) -> tuple[str, list[dict[str, object]]]:
    masked = deident.mask_text(text)
    findings = [
        {"entity_type": f.entity_type, "start": f.start, "end": f.end, "text": f.text} for f in masked.findings
    ]
    return masked.text, findings


def main() -> None:
    for src in sorted(GOLDEN.glob("*.txt")):
        if src.name.endswith(".masked.txt"):
            continue
        masked, findings = expected(src.read_text(encoding="utf-8"))
        src.with_suffix(".masked.txt").write_text(masked, encoding="utf-8")
        src.with_suffix(".findings.json").write_text(
            json.dumps(findings, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        print(f"{src.name}: {len(findings)} findings")


if __name__ == "__main__":
    main()
