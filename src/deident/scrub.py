"""Messages about a document (a blocked file's `detail`, why a masked copy was refused) name
places inside it: zip members, picture keys, sheet names, cell references. Those names come
from the document, so they can hold values: every span the detector finds in a message is
starred out before the message leaves the library."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from deident.detection.engine import Engine


def scrub(text: str | None, engine: Engine) -> str | None:
    if not text:
        return text
    found = engine.analyze(text)
    if not found:
        return text
    out, pos = [], 0
    for f in sorted(found, key=lambda f: f.start):
        start = max(f.start, pos)
        out.append(text[pos:start] + "*" * max(0, f.end - start))
        pos = max(pos, f.end)
    return "".join(out) + text[pos:]
