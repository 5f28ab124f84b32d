"""Sheet cells of an .xlsx: shared, inline and formula strings, numbers, formulas, and the
column-header hints (姓名, 身份证号码 …) that make a cell an entity even when no pattern
matches.

Shared strings: one string can be used by several cells, but hints are per cell. A shared
string is one segment, located at its first use (the shared-string table lists every use),
masked in the table, so every cell that shows it is masked. If any use sits under a naming
header, the whole item carries that hint: a value that is someone's ID in the 身份证号码 column
is the same ID when it is repeated in a 备注 column, and leaving it there would leak it. When
uses sit under headers of different entities (the same string under 身份证号码 and 银行账号),
the item carries the first hint and each cell hinted otherwise becomes its own segment,
rewritten as an inline string (a copy of the shared item, rich text kept).

Numbers: a phone typed as a number is rendered as its digits. An 18-digit ID stored as a number
has lost its last digits (a double holds 15-17 significant digits): it is reported as a
damaged ID and masked by turning the cell into a string cell, so Excel still opens it.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from deident.detection.tables import header_entity, is_value_cell
from deident.errors import BlockedError
from deident.formats.base import Replacement
from deident.formats.ooxml.document import NS_X, OoxmlDocument
from deident.formats.ooxml.text import CallbackTarget, StreamTarget, TextStream, apply_to_string

X_ROW = f"{{{NS_X}}}row"
X_C = f"{{{NS_X}}}c"
X_V = f"{{{NS_X}}}v"
X_F = f"{{{NS_X}}}f"
X_IS = f"{{{NS_X}}}is"
X_T = f"{{{NS_X}}}t"
_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
HEADER_SCAN_ROWS = 10
# Numbers with fewer digits cannot be any entity we look for, unless a header says so.
MIN_NUMBER_DIGITS = 7
DIGITS_LOST = "digit number stored as a number: digits lost"
# WPS shows a picture in a cell with the formula _xlfn.DISPIMG("ID_…",1) and caches the text
# =DISPIMG("ID_…",1): a placeholder, not the cell's value, even under a 身份证 header (the
# picture itself is read by OCR and located at this cell).
DISPIMG = re.compile(r'^=?(?:_xlfn\.)?DISPIMG\(\s*"([^"]+)"\s*(?:,\s*\d+\s*)?\)$')

Hint = tuple[str, str]


@dataclass(slots=True)
class SharedUse:
    sheet: str
    cell: str
    element: etree._Element
    hint: Hint | None
    state: str | None


@dataclass(slots=True)
class SharedStrings:
    part: str | None
    items: list[etree._Element] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    streams: list[list[tuple[str | None, TextStream]]] = field(default_factory=list)
    uses: dict[int, list[SharedUse]] = field(default_factory=dict)


def column_letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def render_number(value: str) -> str | None:
    """The integer digits of a numeric cell value ('1.38001380000E10' -> '13800138000'), or
    None when it is not an integer."""
    try:
        d = Decimal(value.strip())
    except InvalidOperation:
        return None
    if not d.is_finite() or d != d.to_integral_value():
        return None
    return str(int(d))


def number_hint(digits: str) -> Hint | None:
    n = len(digits.lstrip("-"))
    if n == 18:
        return "CN_RESIDENT_ID", f"18-{DIGITS_LOST}"
    if n in (16, 17, 19) and abs(int(digits)) > 2**53:
        return "CN_BANK_CARD", f"{n}-{DIGITS_LOST}"
    return None


class SheetScanner:
    """Adds the cell segments of one worksheet to `doc`."""

    def __init__(self, doc: OoxmlDocument, sst: SharedStrings) -> None:
        self.doc = doc
        self.sst = sst

    def scan(self, part: str, sheet: str, state: str | None) -> None:
        root = self.doc.tree(part).getroot()
        rows = _rows(root)
        headers, header_row = self._headers(rows)
        base: dict[str, Any] = {"sheet": sheet}
        if state:
            base["state"] = state
        # Hints are built once per column, not per cell.
        hints = {col: (entity, f"column header {header}") for col, (entity, header) in headers.items()}
        sst_uses = self.sst.uses
        n_items = len(self.sst.items)
        for row_num, cells in rows:
            below_header = row_num > header_row
            for col, c in cells:
                hint = hints.get(col) if below_header else None
                t = c.get("t")
                if t == "s" and len(c) == 1 and c[0].tag == X_V:
                    # The common case, kept cheap: a shared string without a formula.
                    try:
                        idx = int(c[0].text or "")
                    except ValueError:
                        idx = -1
                    ref = c.get("r") or f"{column_letters(col)}{row_num}"
                    if not 0 <= idx < n_items:
                        raise BlockedError("corrupt: bad shared string index", f"cell {ref}")
                    sst_uses.setdefault(idx, []).append(SharedUse(sheet, ref, c, hint, state))
                    continue
                ref = c.get("r") or f"{column_letters(col)}{row_num}"
                self._cell(part, c, {**base, "cell": ref}, hint, state)

    def _headers(
        self, rows: list[tuple[int, list[tuple[int, etree._Element]]]]
    ) -> tuple[dict[int, Hint], int]:
        """Columns named by the first row (within the first rows) that has naming headers."""
        for row_num, cells in rows[:HEADER_SCAN_ROWS]:
            named: dict[int, Hint] = {}
            for col, c in cells:
                text = self._plain_text(c)
                entity = header_entity(text) if text else None
                if entity:
                    named[col] = (entity, text.strip())
            if named:
                return named, row_num
        return {}, 0

    def _plain_text(self, c: etree._Element) -> str:
        t = c.get("t")
        if t == "s":
            v = c.find(X_V)
            try:
                return self.sst.texts[int((v.text or "").strip())] if v is not None else ""
            except (ValueError, IndexError):
                return ""
        if t == "inlineStr":
            return "".join(n.text or "" for n in c.iter(X_T))
        if t == "str":
            v = c.find(X_V)
            return (v.text or "") if v is not None else ""
        return ""

    def _cell(
        self, part: str, c: etree._Element, loc: dict[str, Any], hint: Hint | None, state: str | None
    ) -> None:
        doc = self.doc
        f = c.find(X_F)
        if f is not None and f.text and f.text.strip():
            stream = TextStream()
            stream.add_node(f)
            doc.add(f.text, {**loc, "formula": True}, StreamTarget(part, stream, doc._mark(part)))
        t = c.get("t") or "n"
        v = c.find(X_V)
        if t == "s" and v is not None:
            try:
                idx = int((v.text or "").strip())
            except ValueError:
                idx = -1
            if not 0 <= idx < len(self.sst.items):
                raise BlockedError("corrupt: bad shared string index", f"cell {loc['cell']}")
            use = SharedUse(loc["sheet"], loc["cell"], c, hint, state)
            self.sst.uses.setdefault(idx, []).append(use)
        elif t == "inlineStr":
            is_el = c.find(X_IS)
            if is_el is not None:
                self._streams(part, is_el, loc, hint)
        elif t == "str" and v is not None and v.text:
            stream = TextStream()
            stream.add_node(v)
            value_cell = is_value_cell(v.text) and not DISPIMG.match(v.text.strip())
            seg_hint = hint if hint and value_cell else None
            doc.add(v.text, loc, StreamTarget(part, stream, doc._mark(part)), hint=seg_hint)
        elif t == "n" and v is not None and v.text:
            self._number(part, c, v, loc, hint)

    def _streams(
        self,
        part: str,
        container: etree._Element,
        loc: dict[str, Any],
        hint: Hint | None,
        streams: list[tuple[str | None, TextStream]] | None = None,
    ) -> None:
        if streams is None:
            streams = self.doc.group_streams(container) or []
        for label, stream in streams:
            if stream.has_text():
                text = stream.text
                seg_hint = hint if hint and label is None and is_value_cell(text) else None
                where = loc if label is None else {**loc, "stream": label}
                self.doc.add(text, where, StreamTarget(part, stream, self.doc._mark(part)), hint=seg_hint)

    def _number(
        self, part: str, c: etree._Element, v: etree._Element, loc: dict[str, Any], hint: Hint | None
    ) -> None:
        digits = render_number(v.text or "")
        if digits is None:
            if hint:  # a header says this is an entity: let the engine see the raw value
                digits = (v.text or "").strip()
            else:
                return
        elif len(digits.lstrip("-")) < MIN_NUMBER_DIGITS and not hint:
            return
        hint = hint or number_hint(digits)
        if hint and not is_value_cell(digits):
            hint = None
        doc = self.doc

        def to_string(reps: Sequence[Replacement], digits: str = digits) -> None:
            doc.dirty.add(part)
            masked = apply_to_string(digits, reps)
            if c.find(X_F) is not None:  # a formula result: keep the formula, cache a string
                c.set("t", "str")
                v.text = masked
                return
            c.remove(v)
            c.set("t", "inlineStr")
            is_el = etree.SubElement(c, X_IS)
            etree.SubElement(is_el, X_T).text = masked

        doc.add(digits, {**loc, "number": True}, CallbackTarget(part, to_string), hint=hint)

    # ------------------------------------------------------------------ shared strings
    def finish_shared(self) -> None:
        """Segments of the shared-string table, once every sheet has recorded its uses."""
        sst = self.sst
        if sst.part is None:
            return
        for idx, si in enumerate(sst.items):
            uses = sst.uses.get(idx, [])
            hinted = [u for u in uses if u.hint is not None]
            primary = hinted[0] if hinted else (uses[0] if uses else None)
            base: dict[str, Any] = {"part": sst.part, "index": idx}
            if primary is not None:
                base = {"sheet": primary.sheet, "cell": primary.cell, **base}
                if primary.state:
                    base["state"] = primary.state
                if len(uses) > 1:
                    base["uses"] = len(uses)
            self._streams(sst.part, si, base, primary.hint if primary else None, sst.streams[idx])
            for use in hinted:
                if primary is not None and primary.hint and use.hint and use.hint[0] != primary.hint[0]:
                    self._inline_copy(si, use)

    def _inline_copy(self, si: etree._Element, use: SharedUse) -> None:
        """A hinted cell that shares its string with other cells: masked as its own inline
        string, a copy of the shared item so rich-text runs keep their formatting."""
        copy_is = copy.deepcopy(si)
        copy_is.tag = X_IS
        streams = self.doc.group_streams(copy_is) or []
        main = streams[0][1] if streams else TextStream()
        if not main.has_text() or not is_value_cell(main.text):
            return
        part = self.doc.sheet_parts[use.sheet]  # type: ignore[attr-defined]
        c = use.element

        def to_inline(reps: Sequence[Replacement]) -> None:
            self.doc.dirty.add(part)
            main.apply(reps)
            v = c.find(X_V)
            if v is not None:
                c.remove(v)
            c.set("t", "inlineStr")
            c.append(copy_is)

        loc: dict[str, Any] = {"sheet": use.sheet, "cell": use.cell}
        if use.state:
            loc["state"] = use.state
        self.doc.add(main.text, loc, CallbackTarget(part, to_inline), hint=use.hint)


def _rows(root: etree._Element) -> list[tuple[int, list[tuple[int, etree._Element]]]]:
    """(row number, [(column number, cell)]) in sheet order; positions are computed when the
    `r` attributes are missing (allowed by the standard, written by some generators)."""
    result: list[tuple[int, list[tuple[int, etree._Element]]]] = []
    sheet_data = root.find(f"{{{NS_X}}}sheetData")
    if sheet_data is None:
        return result
    row_num = 0
    for row in sheet_data.iterchildren(X_ROW):
        r = row.get("r")
        row_num = int(r) if r and r.isdigit() else row_num + 1
        cells: list[tuple[int, etree._Element]] = []
        col = 0
        for c in row.iterchildren(X_C):
            m = _REF.match(c.get("r") or "")
            col = column_number(m.group(1)) if m else col + 1
            cells.append((col, c))
        result.append((row_num, cells))
    return result
