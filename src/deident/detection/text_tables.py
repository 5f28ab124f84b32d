"""Tables inside plain text: a tab-separated (or Markdown pipe) header row that names its columns
(姓名, 身份证号码, 订单编号 …) makes the cells below it what the header says, in `scan_text` as in
a spreadsheet. The label must not depend on a format reader recognising a table.

A roster is hundreds of rows whose values the patterns already read, so a table is looked at
row by row only where its findings do not already account for every named cell: a weak
match (a mistyped ID), a cell nothing matched, or a column that holds no one's identifier.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from deident.detection.tables import NOT_PERSONAL, header_entity

_DIGIT = re.compile(r"[0-9]")
_MD_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-{2,}")
Cell = tuple[int, int, str]  # start, end, the entity its header names (or NOT_PERSONAL)


@dataclass(frozen=True, slots=True)
class Table:
    start: int  # the first data row
    end: int  # the end of the last one
    sep: str
    columns: tuple[str | None, ...]


@functools.lru_cache(maxsize=4096)
def _header(cell: str) -> str | None:
    return header_entity(cell)


def _split(line: str, base: int, sep: str) -> list[tuple[int, int]]:
    out = []
    pos = base
    for part in line.split(sep):
        out.append((pos, pos + len(part)))
        pos += len(part) + 1
    if sep == "|":  # the pieces before the first and after the last pipe
        out = out[1:-1]
    return out


def tables(text: str) -> list[Table]:
    """The tables of `text` whose header names at least one column: the first row of a run of
    tab (or pipe) rows, when it has no digits."""
    tabs, pipes = "\t" in text, "|" in text
    if not tabs and not pipes:
        return []
    out: list[Table] = []
    pos = 0
    header: tuple[int, str, tuple[str | None, ...]] | None = None  # start of data, sep, columns
    prev = ""
    for line in text.split("\n"):
        sep = "\t" if tabs and "\t" in line else "|" if pipes and line.lstrip().startswith("|") else ""
        if sep != prev:
            if header is not None and header[0] < pos - 1:
                out.append(Table(header[0], pos - 1, header[1], header[2]))
            header = None
            if sep and _DIGIT.search(line) is None:
                names = tuple(_header(text[a:b]) for a, b in _split(line, pos, sep))
                if any(names):
                    header = (pos + len(line) + 1, sep, names)
        elif header is not None and sep == "|" and header[0] == pos and _MD_RULE.match(line):
            header = (pos + len(line) + 1, sep, header[2])
        prev = sep
        pos += len(line) + 1
    if header is not None and header[0] < len(text):
        out.append(Table(header[0], len(text), header[1], header[2]))
    return out


def cells(text: str, table: Table) -> Iterator[Cell]:
    """Every cell of `table` under a header that names an entity."""
    pos = table.start
    for line in text[table.start : table.end].split("\n"):
        for (a, b), entity in zip(_split(line, pos, table.sep), table.columns, strict=False):
            if entity:
                yield a, b, entity
        pos += len(line) + 1


def table_cells(text: str) -> Iterator[Cell]:
    for t in tables(text):
        yield from cells(text, t)


def cells_to_check(
    text: str,
    table: Table,
    starts: list[int],
    scores: list[float],
    min_score: float,
    wants: Callable[[str], bool],
) -> list[Cell]:
    """The named cells of `table` whose findings (`starts` sorted, with their `scores`) do not
    already account for them: every cell of a row that lacks one strong finding per named cell,
    and every cell of a column that holds no one's identifier. A table whose findings account
    for all its named cells costs two bisections."""
    columns = tuple(e if e and (e == NOT_PERSONAL or wants(e)) else None for e in table.columns)
    named = sum(1 for e in columns if e)
    if not named:
        return []
    lo, hi = bisect_left(starts, table.start), bisect_left(starts, table.end)
    everything = NOT_PERSONAL in columns
    if not everything and hi - lo == named * (text.count("\n", table.start, table.end) + 1):
        weak = [starts[i] for i in range(lo, hi) if scores[i] < min_score]
        if not weak:
            return []
        rows = sorted({text.rfind("\n", table.start, at) + 1 or table.start for at in weak})
    else:
        rows = None
    out: list[Cell] = []
    pos = table.start
    while pos < table.end:
        end = text.find("\n", pos, table.end)
        end = table.end if end < 0 else end
        if rows is None:
            a, b = bisect_left(starts, pos, lo, hi), bisect_left(starts, end, lo, hi)
            todo = everything or b - a != named or min(scores[a:b], default=1.0) < min_score
        else:
            todo = pos in rows
        if todo:
            for (c0, c1), entity in zip(_split(text[pos:end], pos, table.sep), columns, strict=False):
                if entity:
                    out.append((c0, c1, entity))
        pos = end + 1
    return out
