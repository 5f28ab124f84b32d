"""The document shared by .docx and .xlsx: every part of the package becomes segments.

Each XML part is walked once. Text containers (a Word paragraph, a DrawingML paragraph, a
shared string, an inline string, a comment) become one segment with their text nodes joined;
any other element with text (document properties, chart caches, header/footer codes, data
validation lists, defined names, custom XML) becomes its own segment; attributes that carry
human text (alt text, authors, hyperlink targets) become segments too. Formats add their own
semantics (Word tables, sheet cells) by overriding hooks.

Binary parts are never ignored silently: macros and unreadable embedded objects block the
file, embedded .docx/.xlsx are scanned recursively and rewritten in place, and pictures are
read by OCR and repainted in place (`ooxml_media`).
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol

from lxml import etree

from deident.detection.tables import is_value_cell
from deident.errors import BlockedError, MaskError
from deident.formats.base import FormatContext, Replacement, Segment
from deident.formats.ocr.engine import OCR_MISSING
from deident.formats.ooxml.media import (
    PackagePictures,
    PictureTarget,
    blank_like,
    is_picture_part,
    is_thumbnail,
)
from deident.formats.ooxml.package import NS_REL, Package, parse_xml, serialize_xml
from deident.formats.ooxml.text import (
    AttrTarget,
    StreamTarget,
    Target,
    TextStream,
    fix_chart_number,
    local,
    ns,
    property_hint,
    qname,
    walk,
    worth_scanning,
)

NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_X = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"

_X_CONTAINERS = frozenset({f"{{{NS_X}}}si", f"{{{NS_X}}}is", f"{{{NS_X}}}text"})
_X_T = f"{{{NS_X}}}t"
_X_RPH = f"{{{NS_X}}}rPh"
_A_P = f"{{{NS_A}}}p"
_A_T = f"{{{NS_A}}}t"
_A_BR = f"{{{NS_A}}}br"

MAX_EMBED_DEPTH = 3
# Attributes that hold human-written text, wherever they appear.
TEXT_ATTRS = frozenset({"descr", "title", "alt", "author", "initials", "displayName", "userId"})
# (element, attribute) pairs: content control alias/tag, legacy form field defaults.
ELEMENT_ATTRS = frozenset(
    {
        ("alias", "val"),
        ("tag", "val"),
        ("default", "val"),
        ("listEntry", "val"),
        ("fldSimple", "instr"),
        ("hyperlink", "tooltip"),
    }
)
_TEXT_ATTR_XPATH = etree.XPath(
    "//@*["
    + " or ".join(f"local-name()='{a}'" for a in sorted(TEXT_ATTRS))
    + " or "
    + " or ".join(f"(local-name()='{a}' and local-name(..)='{e}')" for e, a in sorted(ELEMENT_ATTRS))
    + "]"
)
OOXML_SUFFIXES = (".docx", ".docm", ".xlsx", ".xlsm")


@dataclass(slots=True)
class Opener(Protocol):
    def __call__(self, package: Package, name: str, ctx: FormatContext, *, depth: int) -> OoxmlDocument: ...


@dataclass(slots=True)
class Entry:
    segment: Segment
    target: Target | None


class OoxmlDocument:
    """Base of DocxDocument and XlsxDocument. Subclasses set `main_fallback` and may override
    `scan_part` (return True when they handled the part) and the group hooks."""

    main_fallback = ""

    def __init__(
        self, package: Package, ctx: FormatContext, *, depth: int = 0, opener: Opener | None = None
    ) -> None:
        self.package = package
        # How an embedded package is opened: given by formats/ooxml/open.py, which knows both
        # document kinds, so this base class imports neither of them.
        self.opener = opener
        self.ctx = ctx
        self.depth = depth
        self.output_suffix: str | None = None
        self._notes: list[str] = []
        self.trees: dict[str, etree._ElementTree] = {}
        self.dirty: set[str] = set()
        self._entries: list[Entry] | None = None
        self._embedded: dict[str, tuple[OoxmlDocument, dict[int, int]]] = {}
        self._marks: dict[str, Callable[[], None]] = {}
        self.pictures = PackagePictures(ctx)
        self.thumbnails: list[str] = []
        self.main = package.main_part(self.main_fallback)
        self._check_active_content()
        if ns(self.tree(self.main).getroot().tag).startswith("http://purl.oclc.org/ooxml/"):
            # ISO Strict uses other namespaces for every element; reading it as unknown XML
            # would lose the structure (runs, cells) that masking relies on.
            raise BlockedError("unsupported type", "Strict Open XML; save it as a normal .docx/.xlsx")

    # ----------------------------------------------------------------- protocol
    @property
    def notes(self) -> tuple[str, ...]:
        self._ensure_built()
        return tuple(self._notes)

    def segments(self) -> Iterable[Segment]:
        return [e.segment for e in self._ensure_built()]

    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        out.write(self.masked_bytes(replacements))

    # ----------------------------------------------------------------- building
    def _ensure_built(self) -> list[Entry]:
        if self._entries is None:
            self._entries = []
            self.build()
        return self._entries

    def tree(self, part: str) -> etree._ElementTree:
        if part not in self.trees:
            self.trees[part] = parse_xml(self.package.parts[part], part, recover=part.endswith(".vml"))
        return self.trees[part]

    def add(
        self,
        text: str,
        location: Mapping[str, Any],
        target: Target | None,
        *,
        hint: tuple[str, str] | None = None,
        maskable: bool = True,
    ) -> int:
        assert self._entries is not None
        seg_id = len(self._entries)
        seg = Segment(
            id=seg_id,
            text=text,
            location=dict(location),
            hint_entity=hint[0] if hint else None,
            hint_reason=hint[1] if hint else None,
            maskable=maskable and target is not None,
        )
        self._entries.append(Entry(seg, target))
        return seg_id

    def note(self, text: str) -> None:
        if text not in self._notes:
            self._notes.append(text)

    def build(self) -> None:
        self.prepare()
        pictures: list[str] = []
        for name in self.package.parts:
            if name in self.package.xml_parts_set:
                if name.endswith(".rels"):
                    self.scan_rels(name)
                elif not self.scan_part(name):
                    self.scan_generic(name)
            elif name.lower().endswith(OOXML_SUFFIXES) and "/embeddings/" in f"/{name}":
                self.scan_embedded(name)
            elif "/embeddings/" in f"/{name}" or "/activeX/" in f"/{name}" or self._is_text_chunk(name):
                raise BlockedError(
                    "embedded object cannot be read",
                    f"{name}: extract the object, check it, and embed it again as .docx/.xlsx or remove it",
                )
            elif is_thumbnail(name):
                self.thumbnails.append(name)
            elif is_picture_part(name, self.package.content_types.get(name, "")):
                pictures.append(name)
        # Pictures last: names introduced in the text (申请人：张三) are then known when the same
        # name turns up alone in a scan's OCR lines.
        self.scan_pictures(pictures)
        if self.thumbnails:
            self.note("thumbnail (a picture of the first page): not OCR'd, blanked in a masked copy")

    # ----------------------------------------------------------------- pictures
    def scan_pictures(self, names: list[str]) -> None:
        """OCR every raster picture; its lines become segments located by the picture part and
        where it is shown (`locate_picture`)."""
        if not names:
            return
        assert self._entries is not None
        entries = self._entries
        counter = iter(range(len(entries), 1 << 62))
        segments = self.pictures.read(self.package, names, self.locate_picture, lambda: next(counter))
        for seg in segments:
            # EmbeddedImages numbered them from our counter: ids stay list positions.
            assert seg.id == len(entries)
            entries.append(Entry(seg, PictureTarget(str(seg.location.get("part", "")))))
        for text in self.pictures.notes():
            self.note(text)

    def locate_picture(self, part: str, sources: list[str]) -> dict[str, Any]:
        """Hook: where picture `part` is shown, from the parts that reference it."""
        shown = [s for s in sources if s]
        if not shown:
            return {}
        location: dict[str, Any] = {"shown_in": shown[0]}
        if len(shown) > 1:
            location["also_shown_in"] = shown[1:]
        return location

    def _is_text_chunk(self, name: str) -> bool:
        """HTML, RTF or MHT imported into a Word document (w:altChunk) or other text-like parts
        we have no reader for: their text is shown in the document, so they cannot be skipped."""
        ctype = self.package.content_types.get(name, "")
        return ctype.startswith(("text/", "message/", "application/rtf")) or name.lower().endswith(
            (".mht", ".mhtml", ".htm", ".html", ".rtf", ".txt")
        )

    def prepare(self) -> None:
        """Hook: read what later parts need (shared strings, sheet names)."""

    def scan_part(self, name: str) -> bool:
        """Hook: handle a part with format-specific semantics. False: use the generic walk."""
        return False

    def _check_active_content(self) -> None:
        for name, ctype in self.package.content_types.items():
            if name.lower().endswith("vbaproject.bin") or "macroEnabled" in ctype or "vbaProject" in ctype:
                raise BlockedError(
                    "contains macros",
                    "macro code cannot be checked for personal data; save the file without macros "
                    "(as .docx/.xlsx) and scan it again",
                )

    # ----------------------------------------------------------------- generic walk
    def group_streams(self, el: etree._Element) -> list[tuple[str | None, TextStream]] | None:
        """Hook: the text streams of a text container, or None if `el` is not one.
        The label (None for the main text) goes into the location."""
        tag = el.tag
        if tag in _X_CONTAINERS:
            main = TextStream()
            phonetic: TextStream | None = None
            for node in el.iter(_X_T):
                parent = node.getparent()
                if parent is not None and parent.tag == _X_RPH:
                    # Phonetic guides (rPh) repeat a reading of the text: a stream of their own.
                    phonetic = phonetic or TextStream()
                    phonetic.add_node(node)
                else:
                    main.add_node(node)
            return [(None, main)] if phonetic is None else [(None, main), ("phonetic", phonetic)]
        if tag == _A_P:
            main = TextStream()
            for node in el.iter(_A_T, _A_BR):
                if node.tag == _A_T:
                    main.add_node(node)
                else:
                    main.add_separator("\n")
            return [(None, main)]
        return None

    def locate_group(
        self, part: str, el: etree._Element, index: int
    ) -> tuple[dict[str, Any], tuple[str, str] | None]:
        """Hook: location and hint of the `index`-th text container of `part`."""
        return {"part": part, "paragraph": index}, None

    def skip_subtree(self, part: str, el: etree._Element) -> bool:
        """Hook: subtrees a format scans itself (sheet cells)."""
        return False

    def scan_generic(self, part: str, base: Mapping[str, Any] | None = None) -> None:
        root = self.tree(part).getroot()
        groups = 0
        tag_counts: dict[str, int] = {}
        handled: set[etree._Element] = set()
        for el in walk(root, lambda e: self.skip_subtree(part, e)):
            if not isinstance(el.tag, str):
                continue
            streams = self.group_streams(el)
            if streams is not None:
                groups += 1
                location, hint = self.locate_group(part, el, groups)
                if base:
                    location = {**base, **location}
                for label, stream in streams:
                    for piece in stream.pieces:
                        if piece.node is not None:
                            handled.add(piece.node)
                    if stream.has_text():
                        loc = location if label is None else {**location, "stream": label}
                        text = stream.text
                        seg_hint = hint if hint and is_value_cell(text) else None
                        self.add(text, loc, StreamTarget(part, stream, self._mark(part)), hint=seg_hint)
            elif el.text and el not in handled and len(el) == 0 and worth_scanning(el.text):
                name = qname(el)
                tag_counts[name] = tag_counts.get(name, 0) + 1
                stream = TextStream()
                stream.add_node(el)
                loc = {**(base or {}), "part": part, "element": name, "index": tag_counts[name]}
                target = StreamTarget(part, stream, self._after_element(part, el))
                self.add(stream.text, loc, target, hint=property_hint(el))
        self.scan_attributes(part, root, base)

    def scan_attributes(self, part: str, root: etree._Element, base: Mapping[str, Any] | None = None) -> None:
        # One XPath in C instead of a Python look at every attribute of every element.
        for value in _TEXT_ATTR_XPATH(root):
            el = value.getparent()
            if not value.strip() or el is None:
                continue
            attr = value.attrname
            loc = {**(base or {}), "part": part, "element": qname(el), "attribute": local(attr)}
            self.add(str(value), loc, AttrTarget(part, el, attr, self._mark(part)))

    def scan_rels(self, part: str) -> None:
        """External relationship targets: hyperlinks (mailto:, tel:, URLs with query strings)."""
        for el in self.tree(part).getroot():
            if el.tag == f"{{{NS_REL}}}Relationship" and el.get("TargetMode") == "External":
                target = el.get("Target") or ""
                if target.strip():
                    loc = {"part": part, "relationship": el.get("Id"), "attribute": "Target"}
                    self.add(target, loc, AttrTarget(part, el, "Target", self._mark(part)))

    def _mark(self, part: str) -> Callable[[], None]:
        # One callback per part, shared by its segments (a roster has tens of thousands).
        mark = self._marks.get(part)
        if mark is None:

            def mark() -> None:
                self.dirty.add(part)

            self._marks[part] = mark
        return mark

    def _after_element(self, part: str, el: etree._Element) -> Callable[[], None]:
        def after() -> None:
            self.dirty.add(part)
            fix_chart_number(el)

        return after

    # ----------------------------------------------------------------- embedded packages
    def scan_embedded(self, name: str) -> None:
        if self.depth >= MAX_EMBED_DEPTH:
            raise BlockedError(
                "embedded object cannot be read", f"{name}: nested more than {MAX_EMBED_DEPTH} deep"
            )
        try:
            inner_pkg = Package(self.package.parts[name], self.ctx.limits, name=posixpath.basename(name))
            if self.opener is None:
                raise BlockedError("embedded object cannot be read", "no reader for embedded packages")
            inner = self.opener(inner_pkg, name, self.ctx, depth=self.depth + 1)
            inner_segments = list(inner.segments())
        except BlockedError as exc:
            # "Install OCR" is what the user has to do, wherever the picture sits.
            reason = exc.reason if exc.reason == OCR_MISSING else "embedded object cannot be read"
            raise BlockedError(reason, f"{name}: {exc}") from None
        id_map: dict[int, int] = {}
        for seg in inner_segments:
            outer_id = self.add(
                seg.text,
                {"embedded": name, **seg.location},
                _EmbeddedTarget(name),
                hint=(seg.hint_entity, seg.hint_reason or "") if seg.hint_entity else None,
                maskable=seg.maskable,
            )
            id_map[outer_id] = seg.id
        for text in inner.notes:
            self.note(f"embedded {posixpath.basename(name)}: {text}")
        self._embedded[name] = (inner, id_map)

    # ----------------------------------------------------------------- writing
    def before_write(self) -> None:
        """Hook: fix-ups after all replacements (pivot caches refresh on open)."""

    def masked_bytes(self, replacements: Mapping[int, Sequence[Replacement]]) -> bytes:
        entries = self._ensure_built()
        embedded_reps: dict[str, dict[int, Sequence[Replacement]]] = {}
        picture_reps: dict[int, Sequence[Replacement]] = {}
        for seg_id, reps in replacements.items():
            if not reps:
                continue
            if not 0 <= seg_id < len(entries):
                raise MaskError(f"unknown segment id {seg_id}")
            entry = entries[seg_id]
            if entry.target is None or not entry.segment.maskable:
                raise MaskError(f"{entry.segment.location.get('part', 'a place')} cannot be rewritten")
            if isinstance(entry.target, _EmbeddedTarget):
                inner_id = self._embedded[entry.target.part][1][seg_id]
                embedded_reps.setdefault(entry.target.part, {})[inner_id] = reps
            elif isinstance(entry.target, PictureTarget):
                picture_reps[seg_id] = reps
            else:
                entry.target.apply(reps)
        self.before_write()
        changed = {part: serialize_xml(self.trees[part]) for part in self.dirty}
        # Same member name, same image format: content types and relationships stay valid.
        changed.update(self.pictures.masked(picture_reps))
        if any(replacements.values()):
            # The thumbnail still shows the first page as it was: blank it in any masked copy.
            changed.update({name: blank_like(self.package.parts[name]) for name in self.thumbnails})
        for name, reps_by_id in embedded_reps.items():
            changed[name] = self._embedded[name][0].masked_bytes(reps_by_id)
        return self.package.to_bytes(changed)


class _EmbeddedTarget(Target):
    def __init__(self, part: str) -> None:
        self.part = part

    def apply(self, replacements: Sequence[Replacement]) -> None:  # handled by masked_bytes
        raise AssertionError("embedded targets are rewritten by the inner document")
