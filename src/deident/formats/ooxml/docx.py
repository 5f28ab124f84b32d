"""Word .docx/.docm: every story part (body, headers, footers, footnotes, endnotes, comments,
glossary), text boxes in both copies, tracked changes, fields, content controls, alt text,
hyperlink targets and document properties.

A paragraph is one segment with its runs joined, so an ID number split over three runs is one
value; deleted text (`w:delText`) and field codes (`w:instrText`) are separate segments of the
same paragraph, because gluing them to the visible text would merge unrelated digits.
Table cells carry the hint of their column header (姓名, 身份证号码 …).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from lxml import etree

from deident.detection.tables import header_entity, is_label, is_value_cell
from deident.formats.base import FormatContext
from deident.formats.ooxml.document import NS_W, OoxmlDocument, Opener
from deident.formats.ooxml.package import Package
from deident.formats.ooxml.text import TextStream, local

W_P = f"{{{NS_W}}}p"
W_TBL = f"{{{NS_W}}}tbl"
W_TR = f"{{{NS_W}}}tr"
W_TC = f"{{{NS_W}}}tc"
W_DEL = f"{{{NS_W}}}del"
W_GRIDSPAN = f"{{{NS_W}}}gridSpan"
W_VAL = f"{{{NS_W}}}val"
W_FLDCHARTYPE = f"{{{NS_W}}}fldCharType"

# cell -> (table index, row, column); table index is 1-based in document order of the part.
CellPos = tuple[int, int, int]


class DocxDocument(OoxmlDocument):
    main_fallback = "word/document.xml"

    def __init__(
        self, package: Package, ctx: FormatContext, *, depth: int = 0, opener: Opener | None = None
    ) -> None:
        super().__init__(package, ctx, depth=depth, opener=opener)
        self._cells: dict[str, dict[etree._Element, CellPos]] = {}
        self._hints: dict[str, dict[CellPos, tuple[str, str]]] = {}
        self._kinds: dict[str, str] = {}  # header/footer part -> "header default", "footer first" …

    def prepare(self) -> None:
        # A reviewer looks for "the first-page header", not for word/header2.xml.
        rels = self.package.relationships(self.main)
        r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        for ref in (
            self.tree(self.main).getroot().iter(f"{{{NS_W}}}headerReference", f"{{{NS_W}}}footerReference")
        ):
            rel = rels.get(ref.get(r_id) or "")
            if rel is not None:
                kind = "header" if local(ref.tag) == "headerReference" else "footer"
                self._kinds[rel[1]] = f"{kind} {ref.get(f'{{{NS_W}}}type') or 'default'}"

    def scan_part(self, name: str) -> bool:
        root = self.tree(name).getroot()
        if root.tag.startswith(f"{{{NS_W}}}"):
            self._index_tables(name, root)
            if root.find(f".//{{{NS_W}}}ins") is not None or root.find(f".//{{{NS_W}}}del") is not None:
                self.note("contains tracked changes: deleted and inserted text is scanned and masked")
            if local(root.tag) == "comments" and len(root):
                self.note("contains comments")
        return False  # the generic walk does the rest, with the hooks below

    def locate_picture(self, part: str, sources: list[str]) -> dict[str, Any]:
        # A reviewer looks for "the picture in the first-page header", not for word/header2.xml.
        location = super().locate_picture(part, sources)
        story = self._kinds.get(location.get("shown_in", ""))
        if story:
            location["story"] = story
        return location

    # ------------------------------------------------------------ paragraphs
    def group_streams(self, el: etree._Element) -> list[tuple[str | None, TextStream]] | None:
        if el.tag != W_P:
            return super().group_streams(el)
        text, deleted, field = TextStream(), TextStream(), TextStream()
        last_del: etree._Element | None = None
        for node in _paragraph_nodes(el):
            name = local(node.tag)
            if name == "t":
                text.add_node(node)
            elif name == "delText":
                owner = next((a for a in node.iterancestors(W_DEL)), None)
                if owner is not last_del:
                    deleted.add_separator("\n")  # separate deletions are separate values
                    last_del = owner
                deleted.add_node(node)
            elif name in ("instrText", "delInstrText"):
                field.add_node(node)
            elif name == "fldChar" and node.get(W_FLDCHARTYPE) == "begin":
                field.add_separator("\n")
            elif name == "tab" and local(node.getparent().tag) == "r":
                text.add_separator("\t")
            elif name in ("br", "cr"):
                text.add_separator("\n")
        return [(None, text), ("deleted", deleted), ("field", field)]

    def locate_group(
        self, part: str, el: etree._Element, index: int
    ) -> tuple[dict[str, Any], tuple[str, str] | None]:
        location: dict[str, Any] = {"part": part, "paragraph": index}
        if part in self._kinds:
            location["story"] = self._kinds[part]
        cell = next(el.iterancestors(W_TC), None)
        pos = self._cells.get(part, {}).get(cell) if cell is not None else None
        if pos is None:
            return location, None
        location.update(table=pos[0], row=pos[1], column=pos[2])
        return location, self._hints.get(part, {}).get(pos)

    # ------------------------------------------------------------ tables
    def _index_tables(self, part: str, root: etree._Element) -> None:
        cells: dict[etree._Element, CellPos] = {}
        hints: dict[CellPos, tuple[str, str]] = {}
        for t_index, tbl in enumerate(root.iter(W_TBL), start=1):
            grid: list[list[tuple[int, str]]] = []  # per row: (column, cell text)
            for r_index, tr in enumerate(_own(tbl, W_TR, W_TBL), start=1):
                column = 1
                row: list[tuple[int, str]] = []
                for tc in _own(tr, W_TC, W_TR):
                    cells[tc] = (t_index, r_index, column)
                    row.append((column, _cell_text(tc)))
                    span = tc.find(f"{{{NS_W}}}tcPr/{{{NS_W}}}gridSpan")
                    column += int(span.get(W_VAL) or 1) if span is not None else 1
                grid.append(row)
            for pos, hint in _table_hints(grid).items():
                hints[(t_index, *pos)] = hint
        self._cells[part] = cells
        self._hints[part] = hints


def _table_hints(grid: list[list[tuple[int, str]]]) -> dict[tuple[int, int], tuple[str, str]]:
    """(row, column) -> (entity, reason).

    Two table shapes: a roster, whose header row names the columns (序号 | 姓名 | 身份证号码),
    hints every value cell below a naming header; a form, whose rows alternate label and
    value (姓名 | 张三 | 身份证号 | …), hints the cell to the right of each label. A cell that is
    itself a label is never hinted."""
    hints: dict[tuple[int, int], tuple[str, str]] = {}
    header_row = 0
    columns: dict[int, tuple[str, str]] = {}
    for r_index, row in enumerate(grid[:3], start=1):
        named = {c: (e, t.strip()) for c, t in row if (e := header_entity(t))}
        if named:
            header_row, columns = r_index, named
            break
    if not columns:
        return hints
    first = grid[header_row - 1]
    form = all(_value_right_of(first, i) for i, (c, _t) in enumerate(first) if c in columns)
    for r_index, row in enumerate(grid, start=1):
        for i, (column, text) in enumerate(row):
            if form:
                label_entity = header_entity(text)
                if label_entity and _value_right_of(row, i):
                    hints[(r_index, row[i + 1][0])] = (label_entity, f"label {text.strip()}")
            elif r_index > header_row and column in columns and _is_value(text):
                entity, header = columns[column]
                hints[(r_index, column)] = (entity, f"column header {header}")
    return hints


def _is_value(text: str) -> bool:
    return is_value_cell(text) and not is_label(text)


def _value_right_of(row: list[tuple[int, str]], i: int) -> bool:
    return i + 1 < len(row) and _is_value(row[i + 1][1])


def _own(parent: etree._Element, tag: str, stop: str) -> list[etree._Element]:
    """Descendants `tag` of `parent` whose nearest `stop` ancestor is `parent` (rows of this
    table, not of a nested one; rows may sit inside content controls)."""
    return [e for e in parent.iter(tag) if next(e.iterancestors(stop), None) is parent]


def _cell_text(tc: etree._Element) -> str:
    return "".join(t.text or "" for t in tc.iter(f"{{{NS_W}}}t") if next(t.iterancestors(W_TC), None) is tc)


def _paragraph_nodes(p: etree._Element) -> Iterator[etree._Element]:
    """The elements of paragraph `p` in document order, without nested paragraphs (text
    boxes), which are segments of their own."""
    stack = list(reversed(p))
    while stack:
        el = stack.pop()
        if not isinstance(el.tag, str) or el.tag == W_P:
            continue
        yield el
        stack.extend(reversed(el))
