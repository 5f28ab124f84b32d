"""Tables in plain text: CSV/TSV records and Markdown pipe tables, parsed with source offsets.

The csv module gives cell values but not where they were, and a masked copy must change only
the masked characters of a cell (quotes, doubled quotes and delimiters stay). So this is a
small RFC 4180 reader that is as lenient as the csv module (text after a closing quote joins
the cell; an unterminated quote runs to the end of the file) and maps every character of a
cell value back to its source span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from deident.detection.tables import header_entity
from deident.formats.common.encoding import SourceMap


@lru_cache(maxsize=4096)
def is_label(text: str) -> bool:
    """A cell that names what is next to or under it (姓名, 身份证号码：), not a value. Only
    such text is copied into locations: a "header" taken from a table without a header row
    would otherwise be someone's name in every report."""
    t = text.strip()
    if t.endswith(("：", ":")):
        return True
    if len(t) > 14 or _DIGIT.search(t):
        return False  # IDs, phones, dates, house numbers: values (and the common case)
    return header_entity(t) is not None or t in _PUBLIC_HEADERS


_DIGIT = re.compile(r"[0-9０-９]{3}")


# Headers that name no personal data but are clearly headers (shown in locations).
_PUBLIC_HEADERS = frozenset(
    "序号 编号 备注 说明 金额 项目 类别 日期 时间 年龄 性别 民族 单位 职务 人数 合计".split()
)


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    smap: SourceMap  # offsets into the buffer that was parsed
    column: int  # 1-based
    quoted: bool


@dataclass(frozen=True, slots=True)
class Record:
    start: int
    end: int
    cells: tuple[Cell, ...]


@lru_cache(maxsize=8)
def _stop(delimiter: str) -> re.Pattern[str]:
    return re.compile(f"[{re.escape(delimiter)}\r\n]")


def _add_range(starts: list[int], ends: list[int], a: int, b: int) -> None:
    starts.extend(range(a, b))
    ends.extend(range(a + 1, b + 1))


def _quoted(buf: str, pos: int, stop: re.Pattern[str], final: bool) -> tuple[Cell | None, int]:
    """A quoted cell starting at buf[pos] == '"', or (None, pos) when the buffer ends inside it."""
    n = len(buf)
    j = pos + 1
    starts: list[int] = []
    ends: list[int] = []
    parts: list[str] = []
    simple = True
    while True:
        k = buf.find('"', j)
        if k == -1:
            if not final:
                return None, pos
            parts.append(buf[j:n])
            _add_range(starts, ends, j, n)
            j = n
            break
        parts.append(buf[j:k])
        _add_range(starts, ends, j, k)
        if k + 1 < n and buf[k + 1] == '"':
            parts.append('"')
            starts.append(k)
            ends.append(k + 2)
            simple = False
            j = k + 2
            continue
        if k + 1 == n and not final:
            return None, pos  # the next buffer may start with the second quote of a pair
        j = k + 1
        break
    m = stop.search(buf, j)
    e = m.start() if m else n
    if e > j:  # text after the closing quote: the csv module keeps it in the cell
        parts.append(buf[j:e])
        _add_range(starts, ends, j, e)
        simple = False
    text = "".join(parts)
    smap = SourceMap(pos + 1) if simple else SourceMap.from_chars(starts, ends)
    return Cell(text, smap, 0, True), e


def parse_csv(buf: str, delimiter: str, final: bool) -> tuple[list[Record], int]:
    """The complete records in `buf` and the offset where parsing stopped: the start of a
    record that may continue in the next buffer (len(buf) when `final`)."""
    stop = _stop(delimiter)
    records: list[Record] = []
    n = len(buf)
    pos = 0
    while pos < n:
        rec_start = pos
        cells: list[Cell] = []
        complete = False
        while True:
            column = len(cells) + 1
            if pos < n and buf[pos] == '"':
                cell, pos = _quoted(buf, pos, stop, final)
                if cell is None:
                    break
                cells.append(Cell(cell.text, cell.smap, column, True))
            else:
                m = stop.search(buf, pos)
                e = m.start() if m else n
                cells.append(Cell(buf[pos:e], SourceMap(pos), column, False))
                pos = e
            if pos >= n:
                complete = final
                break
            ch = buf[pos]
            if ch == delimiter:
                pos += 1
                continue
            if ch == "\r" and pos + 1 == n and not final:
                break  # maybe the first half of \r\n
            pos += 2 if buf.startswith("\r\n", pos) else 1
            complete = True
            break
        if not complete:
            return records, rec_start
        records.append(Record(rec_start, pos, tuple(cells)))
    return records, n


def sniff_delimiter(buf: str, default: str, final: bool) -> str | None:
    """The delimiter of the first record, counted outside quotes; None when `buf` ends before
    the first record does. Excel in a Chinese locale writes ',', some exports ';' or a tab."""
    counts = dict.fromkeys((",", ";", "\t", "|"), 0)
    in_quotes = False
    for ch in buf:
        if ch == '"':
            in_quotes = not in_quotes
        elif in_quotes:
            continue
        elif ch in "\r\n":
            break
        elif ch in counts:
            counts[ch] += 1
    else:
        if not final:
            return None
    if counts.get(default):
        return default
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else default


# --- Markdown pipe tables ------------------------------------------------------------------

_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_PIPE = re.compile(r"(?<!\\)\|")


def is_md_separator(line: str) -> bool:
    return "|" in line and _MD_SEPARATOR.match(line) is not None


def md_cells(line: str) -> list[tuple[int, int]] | None:
    """Spans (in `line`) of the trimmed cells of a pipe-table row, or None if it is not one."""
    pipes = [m.start() for m in _PIPE.finditer(line)]
    if not pipes:
        return None
    bounds = [-1, *pipes, len(line)]
    pieces = [(bounds[i] + 1, bounds[i + 1]) for i in range(len(bounds) - 1)]
    if not line[: pipes[0]].strip():
        pieces = pieces[1:]
    if pieces and not line[pipes[-1] + 1 :].strip():
        pieces = pieces[:-1]
    spans: list[tuple[int, int]] = []
    for a, b in pieces:
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        spans.append((a, b))
    return spans
