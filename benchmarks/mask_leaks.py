"""After masking, is any labelled value still readable? An oracle independent of deident.

The masked text is folded (NFKC: full-width to ASCII) and stripped of separators and
zero-width characters; a labelled number leaks when its canonical value still occurs there.
Names and e-mails leak when their text occurs; addresses when their detail part (below
乡镇/街道, which the `gov` policy masks) occurs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from typing import Any

_SEPARATORS = re.compile(r"[\s\-()（）\u200b-\u200d\ufeff·]")
_NUMBER_TYPES = frozenset(
    {
        "CN_RESIDENT_ID",
        "CN_MOBILE",
        "CN_BANK_CARD",
        "CN_LANDLINE",
        "CN_PASSPORT",
        "CN_TRAVEL_PERMIT",
        "CN_LICENSE_PLATE",
    }
)


def _compact(s: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", s)).upper()


def leaked_labels(text: str, spans: list[dict[str, Any]], masked: str) -> list[dict[str, Any]]:
    """The labels of `text` whose value can still be read in `masked`."""
    compact = _compact(masked)
    out = []
    for s in spans:
        et = s["entity_type"]
        if et in _NUMBER_TYPES:
            needle = _compact(s.get("value") or s["text"])
            hit = needle in compact
        elif et == "CN_ADDRESS":
            hit = text[s["detail_start"] : s["end"]] in masked
        else:  # PERSON, EMAIL_ADDRESS
            hit = s["text"] in masked
        if hit:
            out.append(s)
    return out


def summarise(leaks: list[dict[str, Any]]) -> dict[str, int]:
    return dict(sorted(Counter(s["entity_type"] for s in leaks).items()))
