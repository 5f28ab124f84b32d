"""Tables inside plain text: a tab-separated (or Markdown pipe) header row that names its columns
(姓名, 身份证号码, 订单编号 …) makes the cells below it what the header says, in `scan_text` as in
a spreadsheet. The label must not depend on a format reader recognising a table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from deident.detection.tables import header_entity

_LINE = re.compile(r"[^\r\n]*")
_DIGITS = re.compile(r"[0-9]{3}")
Cell = tuple[int, int, str]  # start, end, the entity its header names (or NOT_PERSONAL)


def _cells(line: str, base: int) -> list[tuple[int, int]] | None:
    """The cells of a table row, or None when the line is not one."""
    if "\t" in line:
        sep = "\t"
    elif line.count("|") >= 2 and line.lstrip().startswith("|"):
        sep = "|"
    else:
        return None
    out = []
    pos = 0
    for part in line.split(sep):
        out.append((base + pos, base + pos + len(part)))
        pos += len(part) + 1
    if sep == "|":  # the empty pieces before the first and after the last pipe
        out = out[1:-1] if len(out) > 2 else out
    return out if len(out) >= 2 else None


def table_cells(text: str) -> Iterator[Cell]:
    """Every cell of a text table under a header that names an entity."""
    if "\t" not in text and "|" not in text:
        return
    header: list[str | None] | None = None
    for m in _LINE.finditer(text):
        line = m.group()
        if not line and m.start() > 0 and text[m.start() - 1] not in "\r\n":
            continue  # finditer's empty match after each line
        cells = _cells(line, m.start())
        if cells is None:
            header = None
            continue
        names = [header_entity(text[a:b]) for a, b in cells]
        if any(names) and not any(_DIGITS.search(text, a, b) for a, b in cells):
            header = names
            continue
        if header is None:
            continue
        for (a, b), entity in zip(cells, header, strict=False):
            if entity:
                yield a, b, entity
