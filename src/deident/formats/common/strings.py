"""Readable strings inside binary data (what `strings` prints), for members that have no text
structure but may carry names or numbers: OFD signature values and seals, macOS metadata
files in zips (AppleDouble `__MACOSX/._*`, `.DS_Store`), Windows `Thumbs.db`.

Runs of printable ASCII or UTF-8 (4+ characters, Han included) and of UTF-16LE (how
`.DS_Store` and OLE files store names) are returned with their byte offsets.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from deident.hanzi import plausible_text

_UTF8 = re.compile(rb"(?:[\x20-\x7e]|[\xe0-\xef][\x80-\xbf]{2}){4,}")
_UTF16 = re.compile(rb"(?:[\x20-\x7e]\x00|[\x00-\xff][\x4e-\x9f]){4,}")


def printable_runs(data: bytes) -> Iterator[tuple[int, str]]:
    """Runs with their byte offsets; Han runs that cannot be text (`plausible_text`) are left out."""
    for m in _UTF8.finditer(data):
        text = m.group().decode("utf-8", "replace")
        if plausible_text(text):
            yield m.start(), text
    for m in _UTF16.finditer(data):
        text = m.group().decode("utf-16-le", "replace")
        if (any(ch > "\x7f" for ch in text) or len(text) >= 6) and plausible_text(text):
            yield m.start(), text
