"""An XML part that is not well-formed, read and masked as plain text.

Real producers write such parts: e-invoices carry a custom tag `<:eInvoice xmlns:="">` that no
XML parser accepts. Refusing the whole OFD for it would block every such invoice; a
recovering parser may drop text silently. The part is not structure anyone relies on, so it
is read line by line as text (every character of it, tags included) and masked by replacing
characters in those lines; the rest of the bytes stay as they were.
"""

from __future__ import annotations

from collections.abc import Sequence

from deident.errors import BlockedError
from deident.formats.base import Replacement


class RawText:
    def __init__(self, data: bytes, name: str) -> None:
        for encoding in ("utf-8", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise BlockedError("corrupt: bad XML", f"{name}: neither well-formed nor readable text")
        self.encoding = encoding
        self.lines = text.splitlines(keepends=True)
        self.changed = False

    def body(self, i: int) -> str:
        return self.lines[i].rstrip("\r\n")

    def apply(self, i: int, reps: Sequence[Replacement]) -> None:
        line = self.lines[i]
        body = self.body(i)
        for r in sorted(reps, key=lambda r: r.start, reverse=True):
            body = body[: r.start] + r.text + body[r.end :]
        self.lines[i] = body + line[len(line.rstrip("\r\n")) :]
        self.changed = True

    def to_bytes(self) -> bytes:
        return "".join(self.lines).encode(self.encoding)


class RawLine:
    def __init__(self, raw: RawText, line: int) -> None:
        self.raw, self.line = raw, line

    def __call__(self, reps: Sequence[Replacement]) -> None:
        self.raw.apply(self.line, reps)
