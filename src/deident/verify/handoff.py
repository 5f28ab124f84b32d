"""PDFium's page texts of a PDF, handed from the first reading to the second (issue 17).

Scanning, the structured reader loads every page with PDFium (its glyphs), and the second reading
loaded every page again for PDFium's text of the same pages: a third of the second reading's
time. When the structured reader's copy and the file cannot differ in their pages (see
`deident.formats.pdf.document`: one revision, no repair, no object twice, not encrypted) it
offers the page texts PDFium gives of its copy here, keyed by the digest of the file's bytes,
and the second reading of exactly those bytes takes them instead of loading the pages again.
Everything else the second reading reads (every object, stream, attachment, revision, trailing
byte) it still reads from the file itself.

An offer is taken once; at most `_MAX` wait (a scan blocked before its second reading leaves one
behind until later offers push it out). Page texts are held in memory only.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence

_MAX = 4
_LOCK = threading.Lock()
_OFFERS: OrderedDict[bytes, tuple[str, ...]] = OrderedDict()


def _key(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def offer(data: bytes, texts: Sequence[str]) -> None:
    """PDFium's text of every page of the PDF `data` (its pages read from an equivalent copy)."""
    key = _key(data)
    with _LOCK:
        _OFFERS[key] = tuple(texts)
        _OFFERS.move_to_end(key)
        while len(_OFFERS) > _MAX:
            _OFFERS.popitem(last=False)


def take(data: bytes) -> tuple[str, ...] | None:
    """The page texts offered for exactly these bytes, once; None when none were."""
    if not _OFFERS:
        return None
    key = _key(data)
    with _LOCK:
        return _OFFERS.pop(key, None)
