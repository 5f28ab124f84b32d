"""IDs inside longer identifiers: 残疾人证号 is the holder's ID and two digits, 全国学籍号 is G or L
and the ID, and many local numbers are built the same way. A run of letters and digits longer
than an ID whose first or last 18 characters are a checksum-valid ID with a real birth date is
reported whole as that ID, so that masking hides at least what the ID's policy hides (the
policy keeps the run's first and last characters, never more of the ID than it keeps alone).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from deident.detection.labelled.words import unread_runs
from deident.detection.native import reading
from deident.detection.numbers.normalise import fold
from deident.detection.numbers.validators import gb11643
from deident.model import FINDING_FIELDS, Explanation, Finding, new_finding

SCORE = 0.9
_EXPLANATION = Explanation(
    "cn_resident_id", "id_inside", SCORE, "valid", notes=("a resident ID inside a longer identifier",)
)
_MAX_RUN = 40  # longer runs are hashes and encodings, not identifiers


def embedded_ids_python(text: str, found: Sequence[Finding]) -> list[Finding]:
    """Findings for the runs of `text` that hold an ID at their start or end and that no
    finding in `found` covers. The reference for the compiled `_reading.EmbeddedIds.read`."""
    out: list[Finding] = []
    for a, b in unread_runs(text, 0, len(text), [], [], 19):
        if b - a > _MAX_RUN:
            continue
        run = fold(text[a:b]).upper()
        if not (_is_id(run[:18]) or _is_id(run[-18:])):
            continue
        if any(f.start <= a and f.end >= b for f in found):
            continue
        out.append(new_finding("CN_RESIDENT_ID", a, b, text[a:b], SCORE, "cn_resident_id", _EXPLANATION))
    return out


def _is_id(value: str) -> bool:
    return value[:17].isdigit() and gb11643(value) is True


def _compiled() -> Callable[[str, Sequence[Finding]], list[Finding]]:
    if reading is not None and hasattr(reading, "EmbeddedIds"):
        compiled: Any = reading.EmbeddedIds(_EXPLANATION, SCORE, _MAX_RUN, Finding, FINDING_FIELDS)
        return compiled.read  # type: ignore[no-any-return]
    return embedded_ids_python


embedded_ids = _compiled()
