"""Plain text, Markdown and CSV/TSV, streamed so a file of any size is read in bounded memory.

The decoded file is cut into chunks of about `CHUNK_CHARS` characters at line (or CSV record)
boundaries. Each chunk yields its segments; `write_masked` reads the source again, cuts the
same chunks, applies the replacements of each chunk and encodes it straight to the output,
so neither pass holds more than a few chunks.

Segments: one per non-blank line of text ({"line": n, "offset": character offset}); one per
non-blank CSV/TSV cell ({"row": r, "column": c, "header": ..., "line": n}); one per cell of
a Markdown pipe table. A cell under a header such as 身份证号码 carries `hint_entity`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from deident.detection.tables import header_entity
from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.common.encoding import (
    UNDECODABLE,
    Encoder,
    SourceMap,
    TextEncoding,
    apply_edits,
    detect_file,
    edits_for,
    iter_decoded,
)
from deident.formats.common.tabular import is_label, is_md_separator, md_cells, parse_csv, sniff_delimiter

# Small enough that one chunk's segments stay a few MB, large enough that per-chunk work is noise.
CHUNK_CHARS = 1 << 16
# A single CSV record (a quoted cell with line breaks) longer than this is not parsed.
MAX_RECORD_CHARS = 1 << 24
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Where a line longer than a chunk may be cut without splitting a number or a word.
_SAFE_CUT = frozenset(" \t\u3000，。；、：,.;:!?！？）)】」")

Escape = Callable[[str], str]
Placed = tuple[Segment, SourceMap, Escape | None]


@lru_cache(maxsize=1024)
def _header_hint(header: str | None) -> tuple[str | None, str | None]:
    entity = header_entity(header) if header else None
    return (entity, f"column header {header}") if entity else (None, None)


class _Lines:
    """Plain text: one segment per non-blank line."""

    def __init__(self) -> None:
        self.line = 1
        self.next_id = 0

    def _cut(self, buf: str, final: bool) -> int:
        if final:
            return len(buf)
        i = buf.rfind("\n") + 1
        if i:
            return i
        i = buf.rfind("\r", 0, len(buf) - 1) + 1  # old Mac line ends; not a final \r (of \r\n?)
        if i:
            return i
        if len(buf) < CHUNK_CHARS:
            return 0
        for j in range(CHUNK_CHARS, max(CHUNK_CHARS - 4096, 1), -1):
            if buf[j - 1] in _SAFE_CUT:
                return j
        return CHUNK_CHARS if buf[CHUNK_CHARS - 1] != "\r" else CHUNK_CHARS - 1

    def process(self, buf: str, base: int, final: bool) -> tuple[int, list[Placed]]:
        end = self._cut(buf, final)
        placed: list[Placed] = []
        pos = 0
        while pos < end:
            m = _LINE_BREAK.search(buf, pos, end)
            line_end = m.start() if m else end
            self.handle_line(buf, pos, line_end, base, placed)
            if m is None:
                break
            self.line += 1
            pos = m.end()
        return end, placed

    def handle_line(self, buf: str, s: int, e: int, base: int, placed: list[Placed]) -> None:
        self.emit_line(buf, s, e, base, placed)

    def emit_line(self, buf: str, s: int, e: int, base: int, placed: list[Placed]) -> None:
        text = buf[s:e]
        if text.strip():
            seg = Segment(self.next_id, text, {"line": self.line, "offset": base + s})
            self.next_id += 1
            placed.append((seg, SourceMap(s), None))


def _escape_md_cell(text: str) -> str:
    return text.replace("|", "\\|")


class _Markdown(_Lines):
    """Markdown: lines, and pipe tables cell by cell under their header row."""

    def __init__(self) -> None:
        super().__init__()
        self.prev_cells: list[str] | None = None
        self.header: list[str] | None = None
        self.table = 0
        self.row = 0

    def handle_line(self, buf: str, s: int, e: int, base: int, placed: list[Placed]) -> None:
        line = buf[s:e]
        if self.header is not None:
            spans = md_cells(line) if line.strip() else None
            if spans is not None:
                self.row += 1
                self._emit_cells(line, spans, s, base, placed)
                return
            self.header = None
        if self.prev_cells is not None and is_md_separator(line):
            self.header, self.prev_cells = self.prev_cells, None
            self.table += 1
            self.row = 1  # the header row, already emitted as a line
            return
        self.emit_line(buf, s, e, base, placed)
        spans = md_cells(line) if line.strip() else None
        self.prev_cells = [line[a:b] for a, b in spans] if spans else None

    def _emit_cells(
        self, line: str, spans: list[tuple[int, int]], s: int, base: int, placed: list[Placed]
    ) -> None:
        header = self.header or []
        # A key-value table (| 项目 | 内容 |, | 来电人 | 张三 |): the left cell labels the right one.
        left = line[spans[0][0] : spans[0][1]].strip() if len(spans) == 2 else ""
        for col, (a, b) in enumerate(spans, start=1):
            if a == b:
                continue
            head = header[col - 1] if col - 1 < len(header) else None
            if col == 2 and left and is_label(left) and not _header_hint(head)[0]:
                head = left
            loc: dict[str, Any] = {"line": self.line, "offset": base + s + a, "table": self.table}
            loc.update(row=self.row, column=col)
            if head and (is_label(head) or _header_hint(head)[0]):
                loc["header"] = head
            hint, reason = _header_hint(head) if not is_label(line[a:b]) else (None, None)
            seg = Segment(self.next_id, line[a:b], loc, hint_entity=hint, hint_reason=reason)
            self.next_id += 1
            placed.append((seg, SourceMap(s + a), _escape_md_cell))


class _TabText(_Lines):
    """Plain text that holds tab-separated tables (a Word or Excel table pasted as text): after
    a tab row whose cells name their content (姓名, 身份证号码 …), each row is read cell by cell
    with its column's hint, as in a TSV file. Other lines are lines."""

    def __init__(self) -> None:
        super().__init__()
        self.header: list[str] | None = None
        self.table = 0
        self.row = 0

    def handle_line(self, buf: str, s: int, e: int, base: int, placed: list[Placed]) -> None:
        line = buf[s:e]
        if "\t" in line:
            spans = _tab_cells(line)
            if self.header is not None:
                self.row += 1
                self._emit_cells(line, spans, s, base, placed)
                return
            names = [line[a:b].strip() for a, b in spans]
            if any(_header_hint(n)[0] for n in names):
                self.header, self.table, self.row = names, self.table + 1, 1
        else:
            self.header = None
        self.emit_line(buf, s, e, base, placed)

    def _emit_cells(
        self, line: str, spans: list[tuple[int, int]], s: int, base: int, placed: list[Placed]
    ) -> None:
        header = self.header or []
        for col, (a, b) in enumerate(spans, start=1):
            if not line[a:b].strip():
                continue
            head = header[col - 1] if col - 1 < len(header) else None
            loc: dict[str, Any] = {"line": self.line, "offset": base + s + a, "table": self.table}
            loc.update(row=self.row, column=col)
            if head:
                loc["header"] = head
            hint, reason = _header_hint(head)
            seg = Segment(self.next_id, line[a:b], loc, hint_entity=hint, hint_reason=reason)
            self.next_id += 1
            placed.append((seg, SourceMap(s + a), None))


def _tab_cells(line: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, c in enumerate(line):
        if c == "\t":
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(line)))
    return spans


class _Csv:
    """CSV/TSV: one segment per non-blank cell; the first record is the header row."""

    def __init__(self, default_delimiter: str) -> None:
        self.default = default_delimiter
        self.delimiter: str | None = None
        self.header: list[str] | None = None
        self.row = 0
        self.line = 1
        self.next_id = 0

    def _escape(self, quoted: bool) -> Escape:
        delimiter = self.delimiter or self.default

        def escape(text: str) -> str:
            if quoted:
                return text.replace('"', '""')
            if any(c in text for c in (delimiter, '"', "\r", "\n")):
                raise MaskError("the replacement text would change the CSV structure")
            return text

        return escape

    def process(self, buf: str, base: int, final: bool) -> tuple[int, list[Placed]]:
        if self.delimiter is None:
            self.delimiter = sniff_delimiter(buf, self.default, final)
            if self.delimiter is None:
                return 0, []  # sniff on the whole first record, not a piece of it
        records, stop = parse_csv(buf, self.delimiter, final)
        placed: list[Placed] = []
        quoted_escape, plain_escape = self._escape(True), self._escape(False)
        for rec in records:
            self.row += 1
            for cell in rec.cells:
                if not cell.text.strip():
                    continue
                head = None
                if self.header is not None and cell.column - 1 < len(self.header):
                    head = self.header[cell.column - 1] or None
                loc: dict[str, Any] = {"row": self.row, "column": cell.column}
                if head and (is_label(head) or _header_hint(head)[0]):
                    loc["header"] = head
                loc["line"] = self.line
                # A cell that is itself a label (户主 under 与户主关系) is not a value.
                value_cell = self.header is not None and not is_label(cell.text)
                hint, reason = _header_hint(head) if value_cell else (None, None)
                seg = Segment(self.next_id, cell.text, loc, hint_entity=hint, hint_reason=reason)
                self.next_id += 1
                placed.append((seg, cell.smap, quoted_escape if cell.quoted else plain_escape))
            # The header is the first record with two or more cells: exports often start
            # with a one-cell title row (2023年城乡低保对象名单).
            if self.header is None and sum(1 for c in rec.cells if c.text.strip()) >= 2:
                self.header = [c.text.strip() for c in rec.cells]
            self.line += len(_LINE_BREAK.findall(buf, rec.start, rec.end))
        return stop, placed


class TextDocument:
    def __init__(self, path: Path, encoding: TextEncoding, kind: str) -> None:
        self.path = path
        self.encoding = encoding
        self.kind = kind
        self.notes: tuple[str, ...] = (
            () if encoding == TextEncoding("utf-8") else (f"encoding: {encoding.label}",)
        )
        self.output_suffix: str | None = None
        self._stat = _stat_key(path)

    def _segmenter(self) -> _Lines | _Csv:
        if self.kind == "csv":
            return _Csv(",")
        if self.kind == "tsv":
            return _Csv("\t")
        if self.kind == "markdown":
            return _Markdown()
        return _TabText()

    def _units(self) -> Iterator[tuple[str, list[Placed]]]:
        """(chunk text, its segments); the chunks concatenated are the whole decoded file."""
        seg = self._segmenter()
        buf = ""
        base = 0
        for piece in iter_decoded(self.path, self.encoding):
            if "\x00" in piece:
                raise BlockedError(UNDECODABLE, "NUL bytes in a text file")
            buf = buf + piece if buf else piece
            while len(buf) >= CHUNK_CHARS:
                n, placed = seg.process(buf, base, final=False)
                if n == 0:
                    if len(buf) > MAX_RECORD_CHARS:
                        raise BlockedError(
                            "too large", f"one CSV record is longer than {MAX_RECORD_CHARS} characters"
                        )
                    break
                yield buf[:n], placed
                buf = buf[n:]
                base += n
        n, placed = seg.process(buf, base, final=True)
        yield buf, placed

    def segments(self) -> Iterator[Segment]:
        for _chunk, placed in self._units():
            for seg, _smap, _escape in placed:
                yield seg

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        if _stat_key(self.path) != self._stat:
            raise MaskError("the source file changed after it was scanned")
        wanted = {k for k, v in replacements.items() if v}
        seen: set[int] = set()
        encoder = Encoder(self.encoding)
        for chunk, placed in self._units():
            edits = []
            for seg, smap, escape in placed:
                reps = replacements.get(seg.id)
                if reps:
                    seen.add(seg.id)
                    edits.extend(edits_for(smap, reps, escape, length=len(seg.text)))
            out.write(encoder.encode(apply_edits(chunk, edits)))
        out.write(encoder.encode("", final=True))
        if wanted - seen:
            raise MaskError("replacements refer to segments the file does not have")
        if _stat_key(self.path) != self._stat:
            raise MaskError("the source file changed while the masked copy was written")


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError as exc:
        raise BlockedError("unreadable", exc.strerror or type(exc).__name__) from exc
    return st.st_size, st.st_mtime_ns


_KINDS = {".csv": "csv", ".tsv": "tsv", ".md": "markdown", ".markdown": "markdown"}


def open_document(path: Path, ctx: FormatContext) -> TextDocument:
    try:
        if not path.is_file():
            raise BlockedError("unreadable", "not a regular file")
        size = path.stat().st_size
    except OSError as exc:
        raise BlockedError("unreadable", exc.strerror or type(exc).__name__) from exc
    if size > ctx.limits.max_file_bytes:
        raise BlockedError("too large", f"{size} bytes; the limit is {ctx.limits.max_file_bytes}")
    encoding = detect_file(path)
    return TextDocument(path, encoding, _KINDS.get(path.suffix.lower(), "text"))
