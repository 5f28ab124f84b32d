"""Tables inside plain text: a tab-separated (or Markdown pipe) header row that names its columns
(姓名, 身份证号码, 订单编号 …) makes the cells below it what the header says, in `scan_text` as in
a spreadsheet. The label must not depend on a format reader recognising a table.

A roster is hundreds of rows whose values the patterns already read, so a table is looked at
only where its findings do not already account for a named cell: letters or digits no
finding touches (a mistyped ID, a 17-digit ID), or a column that holds no one's identifier.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import Any

from deident.detection.hints import HINT_SCORE, apply_hint, explain_id
from deident.detection.labelled.words import unread_runs
from deident.detection.native import native, reading
from deident.detection.numbers.validators import id_problem
from deident.detection.tables import NON_VALUES, NOT_PERSONAL, header_entity
from deident.model import FINDING_FIELDS, Explanation, Finding

_DIGIT = re.compile(r"[0-9]")
_TAB_BLOCK = re.compile(r"[^\n]*\t[^\n]*(?:\n[^\n\t]*\t[^\n]*)*")  # lines with a tab, from a line start
_PIPE_BLOCK = re.compile(r"[ \t]*\|[^\n]*(?:\n[ \t]*\|[^\n]*)*")
_MD_RULE = re.compile(r"[ \t]*\|?[ \t]*:?-{2,}")
_MIN_RUN = 4  # shorter runs of letters and digits (serial numbers, parts of amounts) are no value
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


@functools.lru_cache(maxsize=1024)
def _columns(header: str, sep: str) -> tuple[str | None, ...] | None:
    """What each column of a header row names, or None when the row is no header (it has a digit,
    or names nothing). Cached: a site's pages repeat their tables' headers."""
    if _DIGIT.search(header) is not None:
        return None
    names = tuple(_header(header[a:b]) for a, b in _split(header, 0, sep))
    return names if any(names) else None


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
    """The tables of `text` whose header names at least one column: the first row of a block of
    tab (or pipe) rows, when it has no digits. Found a block at a time (one `str.find` and one
    match per block), not a line at a time: a roster has hundreds of lines."""
    out: list[Table] = []
    for line, end, sep in _table_blocks(text):
        _table(text, line, end, sep, out)
    return out


def table_blocks_python(text: str) -> list[tuple[int, int, str]]:
    """(first line, end, separator) of every block of tab rows, then of every block of pipe rows
    (a line with a pipe that starts no row is a block of its own, which `_table` drops). The
    reference for the compiled `_native.table_blocks`."""
    out: list[tuple[int, int, str]] = []
    for sep in ("\t", "|"):
        pos = text.find(sep)
        while pos >= 0:
            line = text.rfind("\n", 0, pos) + 1
            end = block_end_python(text, line, sep)
            end = end if end > pos else text.find("\n", pos)
            end = len(text) if end < 0 else end
            out.append((line, end, sep))
            pos = text.find(sep, end)
    return out


def block_end_python(text: str, line: int, sep: str) -> int:
    """Where the block of `sep` rows (lines with a tab; lines starting with a pipe) that starts at
    `line` ends, or -1 when the line there is no row (`_native._block_end` in C)."""
    m = (_TAB_BLOCK if sep == "\t" else _PIPE_BLOCK).match(text, line)
    return -1 if m is None else m.end()


_table_blocks = (
    native.table_blocks if native is not None and hasattr(native, "table_blocks") else table_blocks_python
)


def _table(text: str, start: int, end: int, sep: str, out: list[Table]) -> None:
    first = text.find("\n", start, end)
    if first < 0:
        return
    names = _columns(text[start:first], sep)
    if names is None:
        return
    data = first + 1
    if sep == "|" and _MD_RULE.match(text, data):
        nl = text.find("\n", data, end)
        data = end if nl < 0 else nl + 1
    if data < end:
        out.append(Table(data, end, sep, names))


def _cell_at(text: str, table: Table, at: int) -> Cell | None:
    """The named cell of `table` that holds text[at], or None."""
    sep = table.sep
    row = text.rfind("\n", table.start, at) + 1 or table.start
    col = text.count(sep, row, at) - (1 if sep == "|" else 0)
    if not 0 <= col < len(table.columns):
        return None
    entity = table.columns[col]
    if not entity:
        return None
    row_end = text.find("\n", at, table.end)
    row_end = table.end if row_end < 0 else row_end
    a = text.rfind(sep, row, at) + 1 or row
    b = text.find(sep, at, row_end)
    return a, (row_end if b < 0 else b), entity


def cells_to_check(
    text: str, table: Table, starts: list[int], ends: list[int], wants: Callable[[str], bool]
) -> list[Cell]:
    """The named cells of `table` that its findings (`starts`, `ends`: sorted, not overlapping)
    do not account for: a cell holding letters or digits no finding touches (a mistyped ID, a
    landline under 联系电话), and every finding's cell in a column that holds no one's identifier
    (its entity NOT_PERSONAL). A roster whose values the patterns read costs one compiled scan."""
    if not any(e and (e == NOT_PERSONAL or wants(e)) for e in table.columns):
        return []
    out: dict[tuple[int, int], Cell] = {}
    for a, _ in unread_runs(text, table.start, table.end, starts, ends, _MIN_RUN):
        cell = _cell_at(text, table, a)
        if cell is not None and cell[2] != NOT_PERSONAL and wants(cell[2]):
            out.setdefault(cell[:2], cell)
    if NOT_PERSONAL in table.columns:
        for k in range(bisect_left(starts, table.start), bisect_left(starts, table.end)):
            cell = _cell_at(text, table, starts[k])
            if cell is not None and cell[2] == NOT_PERSONAL:
                out.setdefault(cell[:2], cell)
    return sorted(out.values())


def table_cells_python(
    text: str,
    table: Table,
    starts: list[int],
    ends: list[int],
    owners: Mapping[str, str],
    wanted: Collection[str] | None,
    min_score: float,
) -> tuple[list[Finding], list[Cell]]:
    """`cells_to_check`, with the findings of the cells no finding touches already made: the
    cell under its header as `hints.apply_hint` reports it, kept as the engine keeps findings
    (`min_score`, `wanted`, an ID explained by `explain_id`). A cell that a finding touches, or
    a name cell (the name detectors trim it), is left to `hints.apply_cells`: (findings, cells
    left). `starts` and `ends` are the engine's resolved findings, sorted and not overlapping.
    The reference for the compiled `_reading.TableCells.read`."""
    found: list[Finding] = []
    rest: list[Cell] = []
    wants = _wants(wanted)
    for cell in cells_to_check(text, table, starts, ends, wants):
        a, b, entity = cell
        k = bisect_right(ends, a)  # the first finding that ends after the cell starts
        if (k < len(starts) and starts[k] < b) or entity == "PERSON":
            rest.append(cell)
            continue
        for f in apply_hint(text, [], entity, "column header", (), a, b, owners):
            if f.score >= min_score and wants(f.entity_type):
                found.append(
                    explain_id(f)
                    if f.entity_type == "CN_RESIDENT_ID" and f.explanation.checksum != "valid"
                    else f
                )
    return found, rest


def _wants(wanted: Collection[str] | None) -> Callable[[str], bool]:
    return (lambda e: True) if wanted is None else wanted.__contains__


class TableCells:
    """`table_cells_python` for every table of a text, compiled where `_reading` is installed."""

    def __init__(self, owners: Mapping[str, str], wanted: Collection[str] | None, min_score: float) -> None:
        self._owners, self._wanted, self._min_score = dict(owners), wanted, min_score
        self._compiled: Any = (
            reading.TableCells(
                self._owners,
                wanted,
                min_score,
                HINT_SCORE,
                _HEADER,
                id_problem,
                _id_explanation,
                NON_VALUES,
                Finding,
                FINDING_FIELDS,
            )
            if reading is not None and hasattr(reading, "TableCells")
            else None
        )

    def read(
        self, text: str, in_tables: list[Table], starts: list[int], ends: list[int], compiled: bool = True
    ) -> tuple[list[Finding], list[Cell]]:
        found: list[Finding] = []
        rest: list[Cell] = []
        for t in in_tables:
            if compiled and self._compiled is not None:
                f, c = self._compiled.read(text, t.start, t.end, t.sep, t.columns, starts, ends)
            else:
                f, c = table_cells_python(text, t, starts, ends, self._owners, self._wanted, self._min_score)
            found.extend(f)
            rest.extend(c)
        return found, rest


# What `hints.apply_hint` gives a text-table cell, and what `explain_id` makes of it when the cell
# is an ID failing a check (the differential tests hold these to those functions).
_HEADER = Explanation("table_header", "column header", HINT_SCORE, "n/a", notes=("column header",))


@functools.lru_cache(maxsize=64)
def _id_explanation(problem: str) -> Explanation:
    return dataclasses.replace(_HEADER, notes=(*_HEADER.notes, f"fails: {problem}"))
