"""Golden masked outputs for names and addresses: each input under
``corpora/golden/names-addresses/`` has ``.masked.txt`` (the `gov` masked text) and
``.findings.json`` (the PERSON and CN_ADDRESS findings a reviewer checked by hand).

After an intended change, regenerate and review the diff:
    python tests/detection/test_person_golden.py --update
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import deident

GOLDEN = Path(__file__).resolve().parents[3] / "corpora" / "golden" / "names-addresses"
INPUTS = sorted(p for p in GOLDEN.glob("*.txt") if not p.name.endswith(".masked.txt"))
ENTITIES = ("PERSON", "CN_ADDRESS")


def _render(text: str) -> tuple[str, list[dict[str, object]]]:
    masked = deident.mask_text(text)
    findings = [
        {
            "entity_type": f.entity_type,
            "text": f.text,
            "start": f.start,
            "end": f.end,
            "recognizer": f.recognizer,
            "pattern": f.explanation.pattern,
            "levels": dict(f.attributes.get("levels", {})),
        }
        for f in masked.findings
        if f.entity_type in ENTITIES
    ]
    return masked.text, findings


def _paths(src: Path) -> tuple[Path, Path]:
    return src.with_suffix(".masked.txt"), src.with_suffix(".findings.json")


def test_golden_inputs_exist() -> None:
    assert len(INPUTS) >= 3


@pytest.mark.parametrize("src", INPUTS, ids=[p.stem for p in INPUTS])
def test_golden_masked_output(src: Path) -> None:
    masked_path, findings_path = _paths(src)
    text = src.read_text(encoding="utf-8")
    masked, findings = _render(text)
    assert findings == json.loads(findings_path.read_text(encoding="utf-8"))
    assert masked == masked_path.read_text(encoding="utf-8")
    # Nothing but the masked characters changes.
    assert len(masked) == len(text)


def _update() -> None:
    for src in INPUTS:
        masked, findings = _render(src.read_text(encoding="utf-8"))
        masked_path, findings_path = _paths(src)
        masked_path.write_text(masked, encoding="utf-8")
        findings_path.write_text(json.dumps(findings, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"updated {masked_path.name}, {findings_path.name}")


if __name__ == "__main__" and "--update" in sys.argv:
    _update()
