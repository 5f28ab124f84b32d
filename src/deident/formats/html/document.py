"""HTML pages (.html, .htm, .shtml): every place text hides, masked without re-serialising.

Segments:
- the text of a block (a paragraph, a table cell, ...) joined across inline tags, with
  character references decoded: ``138<span>1234</span>5678`` is one number;
  ``{"element": "p", "line": 12}``; table cells add table/row/column and the header, and a
  cell under a header such as 身份证号码 carries `hint_entity`;
- attributes that hold text (alt, title, value, placeholder, aria-label, data-*, meta
  content) and URLs with tel:/mailto:/sms: or a query string, percent-decoded;
  ``{"element": "a", "attribute": "href", "line": 3}``;
- comments, <script> (JSON-LD included), <title>, <textarea>. <style> is skipped.

The masked copy is the source with only the masked characters replaced (see
`encoding.edits_for`), in the source's encoding and BOM.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

from deident.detection.tables import header_entity
from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.common.encoding import (
    SourceMap,
    TextEncoding,
    apply_edits,
    decode_bytes,
    edits_for,
    normalise_label,
)
from deident.formats.common.tabular import is_label
from deident.formats.html.lexer import Token, tokenize
from deident.formats.html.text import (
    MappedText,
    attr_escape,
    decode_into,
    decode_js_escapes,
    percent_decode,
    raw_escape,
    text_escape,
)

# Inline elements do not end a run of text; everything else (and unknown tags) does, except
# namespaced tags from Word's HTML export (<o:p>, <st1:chsdate>) which wrap inline text.
INLINE = frozenset(
    "a abbr acronym b bdi bdo big blink cite code data del dfn em font i img ins kbd label mark nobr "
    "q rp rt ruby s samp small span strike strong sub sup time tt u var wbr".split()
)
VOID = frozenset("area base br col embed hr img input keygen link meta param source track wbr".split())
TEXT_ATTRS = frozenset("alt title value placeholder aria-label label summary abbr download".split())
URL_ATTRS = frozenset("href src action cite data poster formaction background longdesc".split())
_IMPLIED_END = {
    "p": frozenset({"p"}),
    "li": frozenset({"li", "p"}),
    "td": frozenset({"td", "th", "p"}),
    "th": frozenset({"td", "th", "p"}),
    "tr": frozenset({"tr", "td", "th", "p"}),
    "option": frozenset({"option"}),
    "dt": frozenset({"dt", "dd", "p"}),
    "dd": frozenset({"dt", "dd", "p"}),
}
_MAX_DEPTH = 512
_URL_SCHEMES = ("tel:", "mailto:", "sms:", "callto:")
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)

Escape = Callable[[str], str]
# A page is held in memory with its segments (about 30 bytes per source byte for a dense
# table), so pages beyond this are blocked rather than read in part.
MAX_HTML_BYTES = 64 * 1024 * 1024
# A table repeats its few headers for every row.
_header_entity = lru_cache(maxsize=4096)(header_entity)


@dataclass
class _Table:
    number: int
    row: int = 0
    next_col: int = 1
    col: int | None = None
    header: dict[int, str] | None = None
    header_row: int = 0
    row_cells: dict[int, list[str]] = field(default_factory=dict)
    row_has_th: bool = False
    # Columns still covered by a rowspan from a row above: col -> rows left (a family's 户主
    # cell spanning its members' rows must not shift their cells under the wrong header).
    spans: dict[int, int] = field(default_factory=dict)
    covered: frozenset[int] = frozenset()

    def start_row(self) -> None:
        self.end_row()
        self.row += 1
        self.next_col = 1
        self.covered = frozenset(self.spans)
        self.spans = {c: n - 1 for c, n in self.spans.items() if n > 1}

    def place_cell(self, colspan: int, rowspan: int) -> None:
        col = self.next_col
        while col in self.covered:
            col += 1
        self.col = col
        self.next_col = col + colspan
        if rowspan > 1:
            for c in range(col, col + colspan):
                self.spans[c] = rowspan - 1

    def end_row(self) -> None:
        # The header row is the first row with a <th> or with two or more cells: a one-cell
        # first row is a caption ("2023年低保对象名单") spanning the table.
        if self.header is None and self.row_cells and (self.row_has_th or len(self.row_cells) >= 2):
            self.header = {c: " ".join(t) for c, t in self.row_cells.items()}
            self.header_row = self.row
        self.row_cells = {}
        self.row_has_th = False
        self.col = None


def _span(tok: Token, src: str, name: str) -> int:
    for a in tok.attrs:
        if a.name == name and a.value_start >= 0:
            value = src[a.value_start : a.value_end].strip()
            if value.isdigit():
                return max(1, min(int(value), 1000))
    return 1


class _Builder:
    def __init__(self, src: str, codec: str) -> None:
        self.src = src
        self.codec = codec
        self.placed: list[tuple[Segment, SourceMap, Escape]] = []
        self._newlines = [m.start() for m in re.finditer("\n", src)]
        self._block = MappedText()
        self._stack: list[str] = []
        self._tables: list[_Table] = []
        self._table_count = 0
        self._text_escape = text_escape(codec)

    def line(self, pos: int) -> int:
        return bisect.bisect_right(self._newlines, pos - 1) + 1

    def _add(self, text: str, smap: SourceMap, loc: dict[str, Any], escape: Escape, **hint: Any) -> None:
        seg = Segment(len(self.placed), text, loc, **hint)
        self.placed.append((seg, smap, escape))

    # --- blocks of text ---------------------------------------------------------------------

    def flush(self) -> None:
        if not self._block.parts:
            return  # most block tags end nothing: skip the allocation
        block, self._block = self._block, MappedText()
        text = block.text()
        stripped = text.lstrip()
        if not stripped:
            return
        first = len(text) - len(stripped)
        loc: dict[str, Any] = {"element": self._stack[-1] if self._stack else "body"}
        smap = block.smap()
        loc["line"] = self.line(smap.source_start(first))
        hint: dict[str, Any] = {}
        table = self._tables[-1] if self._tables else None
        if table is not None and table.col is not None:
            loc.update(table=table.number, row=table.row, column=table.col)
            hint = self._cell_hint(table, text.strip(), loc)
            table.row_cells.setdefault(table.col, []).append(text.strip())
        self._add(text, smap, loc, self._text_escape, **hint)

    @staticmethod
    def _cell_hint(table: _Table, value: str, loc: dict[str, Any]) -> dict[str, Any]:
        """The entity a cell's column header (or, in a form laid out as label/value pairs,
        the label cell to its left) declares. A cell that is itself a label declares nothing:
        in a 姓名 | 张三 | 身份证号 | … form the first row is not a column header."""
        if is_label(value):
            return {}
        col = table.col or 0
        head = table.header.get(col) if table.header is not None and table.row > table.header_row else None
        entity = _header_entity(head) if head else None
        if head and (entity or is_label(head)):
            loc["header"] = head
        if entity:
            return {"hint_entity": entity, "hint_reason": f"column header {head}"}
        # The nearest cell to the left that has text (dicts keep insertion order: look back).
        left = next((c for c in reversed(table.row_cells) if c < col), None)
        if left is not None:
            label = " ".join(table.row_cells[left])
            entity = _header_entity(label.rstrip("：: "))
            if entity:
                loc["label"] = label
                return {"hint_entity": entity, "hint_reason": f"row label {label}"}
        return {}

    # --- tags -------------------------------------------------------------------------------

    def start_tag(self, tok: Token) -> None:
        name = tok.name
        if name == "br":
            self._block.add("\n", tok.start, tok.start)  # a line break, written nowhere
        elif name not in INLINE and ":" not in name:
            self.flush()
            self._structure(tok)
            if name not in VOID:
                self._push(name)
        self.attributes(tok)

    def _push(self, name: str) -> None:
        stack = self._stack
        # A new <p>, <li>, <td> … ends the open one, as in a browser; without this a page of
        # unclosed paragraphs would grow the stack (and every end-tag search) without bound.
        closes = _IMPLIED_END.get(name)
        while closes and stack and stack[-1] in closes:
            stack.pop()
        stack.append(name)
        if len(stack) > _MAX_DEPTH:
            del stack[: len(stack) - _MAX_DEPTH]

    def _structure(self, tok: Token) -> None:
        name = tok.name
        if name == "table":
            self._table_count += 1
            self._tables.append(_Table(self._table_count))
            return
        if not self._tables:
            return
        table = self._tables[-1]
        if name == "tr":
            table.start_row()
        elif name in ("td", "th"):
            if table.row == 0:
                table.start_row()  # a cell without <tr>
            table.place_cell(_span(tok, self.src, "colspan"), _span(tok, self.src, "rowspan"))
            table.row_has_th |= name == "th"

    def end_tag(self, tok: Token) -> None:
        name = tok.name
        if name == "br":
            self._block.add("\n", tok.start, tok.start)
            return
        if name in INLINE or ":" in name:
            return
        self.flush()
        if self._tables:
            table = self._tables[-1]
            if name in ("td", "th"):
                table.col = None
            elif name == "tr":
                table.end_row()
            elif name == "table":
                table.end_row()
                self._tables.pop()
        stack = self._stack
        for i in range(len(stack) - 1, -1, -1):
            if stack[i] == name:
                del stack[i:]
                break

    def attributes(self, tok: Token) -> None:
        for a in tok.attrs:
            if a.value_start < 0 or a.value_end <= a.value_start:
                continue
            aname = a.name
            url = aname in URL_ATTRS
            meta_content = aname == "content" and tok.name == "meta"
            # Event handlers are script: onclick="call('138…')".
            handler = aname.startswith("on")
            if not (url or meta_content or handler or aname in TEXT_ATTRS or aname.startswith("data-")):
                continue
            mt = MappedText()
            decode_into(mt, self.src, a.value_start, a.value_end, in_attribute=True)
            if url:
                value = mt.raw_text()
                if value.lstrip()[:5].lower() == "data:":
                    continue  # an inline image or file: base64, not text
                if not value.strip().lower().startswith(_URL_SCHEMES):
                    q = value.find("?")
                    if q < 0:
                        continue  # a plain link: its path is not scanned
                    mt = mt.slice(q + 1)
                mt = percent_decode(mt)
            text = mt.text()
            if not text.strip():
                continue
            loc = {"element": tok.name, "attribute": aname, "line": self.line(a.value_start)}
            self._add(text, mt.smap(), loc, attr_escape(self.codec, a.quote, url=url))

    # --- the rest ---------------------------------------------------------------------------

    def raw(self, tok: Token, opener: Token | None) -> None:
        name = tok.name
        if name == "style" or tok.end <= tok.start:
            return
        loc: dict[str, Any] = {"element": name, "line": self.line(tok.start)}
        if name in ("title", "textarea"):
            mt = MappedText()
            decode_into(mt, self.src, tok.start, tok.end)
            text, smap, escape = mt.text(), mt.smap(), self._text_escape
        else:
            # JSON and JavaScript strings may spell text as \uXXXX (ASCII-only JSON-LD).
            mt = MappedText()
            decode_js_escapes(mt, self.src, tok.start, tok.end)
            text, smap = mt.raw_text(), mt.smap()
            escape = raw_escape(self.codec, f"</{name}")
            if opener is not None:
                for a in opener.attrs:
                    if a.name == "type" and a.value_start >= 0:
                        loc["type"] = self.src[a.value_start : a.value_end].strip().lower()
        if text.strip():
            self._add(text, smap, loc, escape)

    def comment(self, tok: Token) -> None:
        text = self.src[tok.body_start : tok.body_end]
        if text.strip():
            loc = {"element": "#comment", "line": self.line(tok.body_start)}
            self._add(text, SourceMap(tok.body_start), loc, raw_escape(self.codec, "-->"))

    def run(self) -> None:
        opener: Token | None = None
        src = self.src
        for tok in tokenize(src):
            kind = tok.kind
            if kind == "text":
                block = self._block
                if not block.parts and src[tok.start : tok.end].isspace():
                    continue  # indentation between tags: no block starts with it
                if src.find("&", tok.start, tok.end) < 0:
                    block.add_literal(src, tok.start, tok.end)
                else:
                    decode_into(block, src, tok.start, tok.end)
            elif kind == "start":
                self.start_tag(tok)
                opener = tok
            elif kind == "end":
                self.end_tag(tok)
            elif kind == "raw":
                self.raw(tok, opener)
            elif kind == "comment":
                self.comment(tok)  # a comment does not end a run of text
        self.flush()


class HtmlDocument:
    def __init__(self, data: bytes, text: str, encoding: TextEncoding) -> None:
        self.encoding = encoding
        self.notes: tuple[str, ...] = (
            () if encoding == TextEncoding("utf-8") else (f"encoding: {encoding.label}",)
        )
        self.output_suffix: str | None = None
        self._src = text
        # The masked copy re-encodes the page; that is byte-exact only if the codec round-trips.
        self._roundtrip = encoding.bom + text.encode(encoding.codec, "surrogatepass") == data
        builder = _Builder(text, encoding.codec)
        builder.run()
        self._placed = builder.placed

    def segments(self) -> list[Segment]:
        return [seg for seg, _smap, _escape in self._placed]

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        edits = []
        for seg_id, reps in replacements.items():
            if not reps:
                continue
            if not 0 <= seg_id < len(self._placed):
                raise MaskError("replacements refer to segments the page does not have")
            seg, smap, escape = self._placed[seg_id]
            edits.extend(edits_for(smap, reps, escape, length=len(seg.text)))
        if edits and not self._roundtrip:
            raise MaskError(f"this page's encoding ({self.encoding.codec}) does not round-trip byte for byte")
        masked = apply_edits(self._src, edits)
        try:
            out.write(self.encoding.bom + masked.encode(self.encoding.codec))
        except UnicodeEncodeError as exc:
            raise MaskError(f"the masked page cannot be written in {self.encoding.codec}") from exc


def open_document(path: Path, ctx: FormatContext) -> HtmlDocument:
    try:
        if not path.is_file():
            raise BlockedError("unreadable", "not a regular file")
        size = path.stat().st_size
        limit = min(ctx.limits.max_file_bytes, MAX_HTML_BYTES)
        if size > limit:
            raise BlockedError("too large", f"{size} bytes; HTML pages are read whole, the limit is {limit}")
        data = path.read_bytes()
    except OSError as exc:
        raise BlockedError("unreadable", exc.strerror or type(exc).__name__) from exc
    m = _META_CHARSET.search(data[:4096])
    declared = m.group(1).decode("ascii", "replace") if m else None
    text, encoding = decode_bytes(data, declared)
    doc = HtmlDocument(data, text, encoding)
    if declared and normalise_label(declared) not in (encoding.codec, None):
        # The page says one thing and its bytes another: worth a look before publishing.
        doc.notes += (f"declared charset {declared}, read as {encoding.codec}",)
    return doc
