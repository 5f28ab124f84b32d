"""Text of an XML place as one string, with every character mapped back to its node.

Word splits a paragraph into runs (`w:r`) wherever formatting, spell checking or a revision
changes: an ID number can sit in three `w:t` nodes. A `TextStream` joins those nodes into one
string for the detector and applies a replacement back to the nodes it covers, so each run
keeps its formatting. Separators (a tab, a line break) are part of the text for context but
are never edited.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from lxml import etree

from deident.detection.tables import header_entity
from deident.formats.base import Replacement

NS_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


@dataclass(slots=True)
class _Piece:
    node: etree._Element | None  # None: a separator, not editable
    start: int
    text: str


@dataclass(slots=True)
class TextStream:
    """Editable text spread over the `.text` of several elements."""

    pieces: list[_Piece] = field(default_factory=list)
    length: int = 0
    _has_text: bool = False

    def add_node(self, node: etree._Element) -> None:
        text = node.text or ""
        if text:
            self.pieces.append(_Piece(node, self.length, text))
            self.length += len(text)
            self._has_text = self._has_text or not text.isspace()

    def add_separator(self, sep: str) -> None:
        # Two separators in a row or one at the start add nothing a detector needs.
        if self.pieces and self.pieces[-1].node is not None:
            self.pieces.append(_Piece(None, self.length, sep))
            self.length += len(sep)

    @property
    def text(self) -> str:
        if len(self.pieces) == 1:
            return self.pieces[0].text
        return "".join(p.text for p in self.pieces)

    def has_text(self) -> bool:
        return self._has_text

    def apply(self, replacements: Sequence[Replacement]) -> None:
        """Rewrite the nodes. Right to left, so offsets inside each node stay valid."""
        for rep in sorted(replacements, key=lambda r: r.start, reverse=True):
            self._apply_one(rep)

    def _apply_one(self, rep: Replacement) -> None:
        editable = [p for p in self.pieces if p.node is not None and _overlaps(p, rep)]
        if not editable:
            return
        same_length = len(rep.text) == rep.end - rep.start
        remaining = rep.text
        for i, p in enumerate(editable):
            a = max(rep.start, p.start) - p.start
            b = min(rep.end, p.start + len(p.text)) - p.start
            if same_length:
                # Character for character: a masked run keeps exactly its own characters.
                new = rep.text[p.start + a - rep.start : p.start + b - rep.start]
            elif i == len(editable) - 1:
                new, remaining = remaining, ""
            else:
                new, remaining = remaining[: b - a], remaining[b - a :]
            node = p.node
            assert node is not None
            current = node.text or ""
            node.text = current[:a] + new + current[b:]
            if node.text != node.text.strip():
                node.set(XML_SPACE, "preserve")


def _overlaps(p: _Piece, rep: Replacement) -> bool:
    end = p.start + len(p.text)
    if rep.start == rep.end:  # an insertion: the piece that holds its position
        return p.start <= rep.start < end
    return p.start < rep.end and end > rep.start


def apply_to_string(value: str, replacements: Sequence[Replacement]) -> str:
    for rep in sorted(replacements, key=lambda r: r.start, reverse=True):
        value = value[: rep.start] + rep.text + value[rep.end :]
    return value


class Target:
    """Where a segment's text lives; `apply` edits the parsed part in place."""

    part: str

    def apply(self, replacements: Sequence[Replacement]) -> None:  # pragma: no cover - interface
        raise NotImplementedError


class StreamTarget(Target):
    def __init__(self, part: str, stream: TextStream, after: Callable[[], None] | None = None) -> None:
        self.part = part
        self.stream = stream
        self.after = after

    def apply(self, replacements: Sequence[Replacement]) -> None:
        self.stream.apply(replacements)
        if self.after is not None:
            self.after()


class AttrTarget(Target):
    def __init__(
        self, part: str, element: etree._Element, attr: str, after: Callable[[], None] | None = None
    ) -> None:
        self.part = part
        self.element = element
        self.attr = attr
        self.after = after

    def apply(self, replacements: Sequence[Replacement]) -> None:
        self.element.set(self.attr, apply_to_string(self.element.get(self.attr) or "", replacements))
        if self.after is not None:
            self.after()


class CallbackTarget(Target):
    """A target whose rewrite needs the format's own logic (e.g. an Excel number that must
    become a string cell)."""

    def __init__(self, part: str, fn: Callable[[Sequence[Replacement]], None]) -> None:
        self.part = part
        self.fn = fn

    def apply(self, replacements: Sequence[Replacement]) -> None:
        self.fn(replacements)


def local(tag: object) -> str:
    """Local name of an element tag; '' for comments and processing instructions."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def ns(tag: object) -> str:
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    return tag[1:].split("}", 1)[0]


# ---------------------------------------------------------------- helpers of the part walk
def walk(root: etree._Element, skip: Callable[[etree._Element], bool]) -> Iterator[etree._Element]:
    """Document order, without the subtrees `skip` claims."""
    stack = [root]
    while stack:
        el = stack.pop()
        yield el
        if isinstance(el.tag, str) and skip(el):
            continue
        stack.extend(reversed(el))


def worth_scanning(text: str) -> bool:
    """Short numbers (positions, sizes, counts) cannot hold personal data."""
    t = text.strip()
    return bool(t) and not (len(t) < 7 and t.lstrip("-").replace(".", "", 1).isdigit())


def property_hint(el: etree._Element) -> tuple[str, str] | None:
    """A custom document property named like a column header (身份证号) declares its value."""
    parent = el.getparent()
    if parent is None or local(parent.tag) != "property":
        return None
    name = parent.get("name") or ""
    entity = header_entity(name)
    return (entity, f"document property named {name}") if entity else None


def qname(el: etree._Element) -> str:
    tag = local(el.tag)
    prefix = el.prefix
    return f"{prefix}:{tag}" if prefix else tag


def fix_chart_number(el: etree._Element) -> None:
    """A masked value in a chart's number cache is not a number any more: drop that cached
    point (a missing point is valid and the chart is rebuilt from the sheet)."""
    if ns(el.tag) != NS_C or local(el.tag) != "v":
        return
    pt = el.getparent()
    cache = pt.getparent() if pt is not None else None
    if pt is None or cache is None or local(cache.tag) != "numCache":
        return
    try:
        float(el.text or "")
    except ValueError:
        cache.remove(pt)
