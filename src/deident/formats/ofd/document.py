"""An OFD document: every member of the package is read, none is skipped.

- Content parts (pages, templates, annotation appearances: any XML with TextObjects) give
  their text line by line ({"part", "page" or "template", "line"}; see text.py).
- Every other text in every XML part is a segment too: element text (DocInfo's Title, Author,
  Keywords, CustomData; annotation Parameters; custom tags; attachment lists), attribute values
  that are not geometry or references (Annot/@Remark, Attachment/@Name, CustomData/@Name …), and
  XML comments. So OFD.xml and Document.xml metadata, custom tags and whatever a producer adds
  are read without a list of where personal data may be.
- Attachments and pictures (Res/*.png, Attachs/*.docx …) are read by their own readers through
  the registry and rewritten by them; fonts are not text.
- Signature values and seals (Signs/**) are binary: their readable strings are scanned and
  cannot be rewritten (personal data there blocks masking). Masking invalidates a signature,
  which the report says.
"""

from __future__ import annotations

import io
import posixpath
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from deident.errors import BlockedError, MaskError
from deident.formats.base import Document, FormatContext, Replacement, Segment
from deident.formats.ofd import text as ofd_text
from deident.formats.ofd.package import OfdPackage, serialize
from deident.formats.ofd.rawtext import RawLine, RawText

# Geometry, references and drawing parameters: numbers and IDs, never personal data, and
# full of digit runs ("0 0 210 297") that would only make noise.
_SKIP_ATTRS = frozenset(
    "ID Boundary CTM X Y DeltaX DeltaY Size Font ResourceID LineWidth Value ColorSpace Alpha "
    "Weight Italic Bold ReadDirection CharDirection HScale Fill Stroke Cap Join MiterLimit DashOffset "
    "DashPattern Version DocType PageID BitsPerComponent CodePosition CodeCount GlyphCount Relative "
    "Visible ZOrder Index Type Serif FixedWidth Charset Format Size Print NoView ReadOnly Subtype "
    "Begin Angle Extend MapType MapUnit Position Ratio Zoom Left Top Right Bottom Width Height".split()
)
_SKIP_TEXT = frozenset(
    "TextCode Glyphs AbbreviatedData PhysicalBox ApplicationBox ContentBox BleedBox MaxUnitID".split()
)
# Paths of other members: read (a file name can hold an ID), but a masked path would point
# nowhere, so personal data there makes masking refuse (rename the file in the producer).
_REF_TEXT = frozenset(
    "BaseLoc FileLoc FontFile MediaFile DocRoot PublicRes DocumentRes Signatures Annotations "
    "Attachments CustomTags Outlines Extensions SchemaLoc SignedValue".split()
)
_REF_ATTRS = frozenset({"BaseLoc"})
_FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".woff", ".woff2", ".cff", ".pfb", ".pfa", ".fon", ".t1", ".eot")
# Signature values, seals and certificates (SES/GM/T 0031 structures): binary, read as strings.
_SIGNATURE_SUFFIXES = (".dat", ".esl", ".sig", ".p7s", ".p7b", ".cer", ".crt", ".der", ".sm2")
_LONG_DIGITS = re.compile(r"[0-9]{6,}[0-9Xx]?")


class OfdDocument:
    output_suffix = None

    def __init__(self, path: Path, ctx: FormatContext) -> None:
        self.ctx = ctx
        self.package = OfdPackage(path, ctx.limits)
        self._notes: list[str] = []
        self._trees: dict[str, etree._ElementTree] = {}
        self._targets: list[Callable[[Sequence[Replacement]], None] | None] = []
        self._texts: list[str] = []
        self._lines: dict[str, ofd_text.Lines] = {}
        self._raw: dict[str, RawText] = {}
        self._inner: dict[str, tuple[Document, dict[int, int]]] = {}
        self._tmp = tempfile.TemporaryDirectory(prefix="deident-ofd-")
        self._labels = self._content_labels()
        self.signed = any(
            n.lower().startswith(("signs/", "doc_0/signs/")) or "/signs/" in n.lower()
            for n in self.package.parts
        )
        if self.signed:
            self._notes.append("signed OFD: a masked copy no longer matches its digital signature")

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes)

    @property
    def always_rewrite(self) -> bool:
        # An attached PDF is scrubbed (JavaScript, metadata) in any masked copy, as on its own.
        return any(getattr(inner, "always_rewrite", False) for inner, _ in self._inner.values())

    def _tree(self, name: str) -> etree._ElementTree:
        if name not in self._trees:
            self._trees[name] = self.package.xml(name)
        return self._trees[name]

    def _content_labels(self) -> dict[str, dict[str, Any]]:
        """Content part -> {"page": n} or {"template": id}, from every Document.xml."""
        labels: dict[str, dict[str, Any]] = {}
        for name in self.package.parts:
            if posixpath.basename(name) != "Document.xml":
                continue
            folder = posixpath.dirname(name)
            page = 0
            for el in self._tree(name).getroot().iter():
                tag = ofd_text.local(el.tag)
                loc = el.get("BaseLoc")
                if not loc or tag not in ("Page", "TemplatePage"):
                    continue
                part = _resolve(folder, loc)
                if tag == "Page":
                    page += 1
                    labels[part] = {"page": page}
                else:
                    labels[part] = {"template": el.get("ID") or loc}
        return labels

    # ------------------------------------------------------------------ reading
    def _add(
        self, text: str, location: dict[str, Any], target: Callable[..., None] | None, **kw: Any
    ) -> Segment:
        seg = Segment(len(self._targets), text, location, maskable=target is not None, **kw)
        self._targets.append(target)
        self._texts.append(text)
        return seg

    def segments(self) -> Iterator[Segment]:
        # Segment ids count from 0 on every reading, so a second reading gives the same ids.
        self._targets, self._texts, self._lines, self._raw, self._inner = [], [], {}, {}, {}
        for name, data in self.package.parts.items():
            # The member's own name (Attachs/张三_440…_申请表.pdf): read, not renamed.
            yield self._add(posixpath.basename(name), {"part": _shown(name), "field": "name"}, None)
            lower = name.lower()
            if lower.endswith(".xml"):
                yield from self._xml_segments(name)
            elif lower.endswith(_FONT_SUFFIXES):
                continue
            elif lower.endswith(_SIGNATURE_SUFFIXES) or (
                "signs/" in lower and not lower.endswith((".png", ".jpg", ".jpeg", ".bmp"))
            ):
                yield from self._binary_strings(name, data)
            else:
                yield from self._member_segments(name, data)

    def _xml_segments(self, name: str) -> Iterator[Segment]:
        try:
            root = self._tree(name).getroot()
        except BlockedError:
            yield from self._raw_segments(name)
            return
        label = {"part": _shown(name), **self._labels.get(name, {})}
        has_text = any(ofd_text.local(el.tag) == "TextCode" for el in root.iter())
        if has_text:
            lines = ofd_text.read_lines(root)
            self._lines[name] = lines
            yield from self._line_segments(lines, label)
        for el in root.iter():
            if isinstance(el, etree._Comment):
                if (el.text or "").strip():
                    yield self._add(el.text or "", {**label, "comment": True}, _set_text(el))
                continue
            if not isinstance(el.tag, str):
                continue
            tag = ofd_text.local(el.tag)
            if tag not in _SKIP_TEXT and (el.text or "").strip():
                hint = _hint(el, tag)
                yield self._add(
                    el.text or "",
                    {**label, "element": tag},
                    None if tag in _REF_TEXT else _set_text(el),
                    hint_entity=hint[0] if hint else None,
                    hint_reason=hint[1] if hint else None,
                )
            if (el.tail or "").strip():
                yield self._add(el.tail or "", {**label, "element": tag, "tail": True}, _set_tail(el))
            for attr, value in el.attrib.items():
                key = ofd_text.local(attr)
                if key not in _SKIP_ATTRS and value.strip():
                    target = None if key in _REF_ATTRS else _set_attr(el, attr)
                    yield self._add(value, {**label, "element": tag, "attribute": key}, target)

    def _line_segments(self, lines: ofd_text.Lines, label: dict[str, Any]) -> Iterator[Segment]:
        """One segment per line; in a table (a line of two or more column headers such as
        姓名 / 身份证号码, then rows of as many cells), one per cell with its header's hint."""
        from deident.detection.tables import header_entity

        columns: list[tuple[float, str]] | None = None
        for i, line in enumerate(lines.text):
            cells = [(s, e, x) for s, e, x in lines.cells[i] if line[s:e].strip()]
            heads = [line[s:e].strip() for s, e, _ in cells]
            if len(cells) >= 2 and sum(header_entity(h) is not None for h in heads) >= 2:
                columns = [(x, h) for (_, _, x), h in zip(cells, heads, strict=True)]
            elif columns and 2 <= len(cells) <= len(columns):  # more cells than headers: not a row
                for s, e, x in cells:
                    head = min(columns, key=lambda col: abs(col[0] - x))[1]
                    entity = header_entity(head)
                    yield self._add(
                        line[s:e],
                        {**label, "line": i + 1, "column": head},
                        _LineTarget(lines, i, s),
                        hint_entity=entity,
                        hint_reason=f"column header {head}" if entity else None,
                    )
                continue
            else:
                columns = None
            if line.strip():
                yield self._add(line, {**label, "line": i + 1}, _LineTarget(lines, i))

    def _raw_segments(self, name: str) -> Iterator[Segment]:
        raw = RawText(self.package.parts[name], _shown(name))
        self._raw[name] = raw
        self._notes.append(f"{_shown(name)} is not well-formed XML: read and masked as text")
        for i in range(len(raw.lines)):
            body = raw.body(i)
            if body.strip():
                yield self._add(body, {"part": _shown(name), "line": i + 1}, RawLine(raw, i))

    def _binary_strings(self, name: str, data: bytes) -> Iterator[Segment]:
        from deident.formats.common.strings import printable_runs

        for offset, text in printable_runs(data):
            yield self._add(text, {"part": _shown(name), "offset": offset}, None)

    def _member_segments(self, name: str, data: bytes) -> Iterator[Segment]:
        from deident.formats import format_for

        folder = Path(tempfile.mkdtemp(dir=self._tmp.name))
        file = folder / (posixpath.basename(name) or "member")
        file.write_bytes(data)
        try:
            inner = format_for(file).open_document(file, self.ctx)
            inner_segments = list(inner.segments())
        except BlockedError as exc:
            raise BlockedError(exc.reason, f"OFD member {_shown(name)}: {exc.detail or exc.reason}") from None
        ids: dict[int, int] = {}
        self._inner[name] = (inner, ids)
        for note in getattr(inner, "notes", ()):
            self._notes.append(f"{_shown(name)}: {note}")
        for seg in inner_segments:
            out = self._add(
                seg.text,
                {"part": _shown(name), **seg.location},
                _InnerTarget(name) if seg.maskable else None,
                hint_entity=seg.hint_entity,
                hint_reason=seg.hint_reason,
            )
            ids[out.id] = seg.id
            yield out

    # ------------------------------------------------------------------ writing
    def write_masked(self, replacements: Mapping[int, Sequence[Replacement]], out: BinaryIO) -> None:
        dirty: set[str] = set()
        inner_reps: dict[str, dict[int, Sequence[Replacement]]] = {}
        for seg_id, reps in replacements.items():
            if not reps:
                continue
            if not 0 <= seg_id < len(self._targets):
                raise MaskError(f"unknown segment id {seg_id}")
            target = self._targets[seg_id]
            if target is None:
                raise MaskError(
                    "personal data in an OFD member name, path or signature cannot be rewritten; "
                    "rename the attachment or remove the signature in the producer"
                )
            if isinstance(target, _InnerTarget):
                inner_reps.setdefault(target.part, {})[self._inner[target.part][1][seg_id]] = reps
                continue
            target(reps)
            dirty.add(_part_of(self._trees, target))
        dropped = sum(ofd_text.commit(lines) for lines in self._lines.values())
        if dropped:
            self._notes.append(f"{dropped} glyph mapping(s) (CGTransform) of masked characters removed")
        changed = {name: serialize(self._trees[name]) for name in dirty if name in self._trees}
        for name, lines in self._lines.items():
            if any(code.changed for code in lines.codes):
                changed[name] = serialize(self._trees[name])
        changed.update({name: raw.to_bytes() for name, raw in self._raw.items() if raw.changed})
        for name, (inner, _) in self._inner.items():
            if getattr(inner, "always_rewrite", False):
                inner_reps.setdefault(name, {})
        for name, reps_by_id in inner_reps.items():
            inner = self._inner[name][0]
            buf = io.BytesIO()
            inner.write_masked(reps_by_id, buf)
            changed[name] = buf.getvalue()
        self.package.write(out, changed)


class _LineTarget:
    def __init__(self, lines: ofd_text.Lines, line: int, offset: int = 0) -> None:
        self.lines, self.line, self.offset = lines, line, offset
        self.el = lines.codes[0].el if lines.codes else None

    def __call__(self, reps: Sequence[Replacement]) -> None:
        off = self.offset
        shifted = [Replacement(r.start + off, r.end + off, r.text, r.entity_type) for r in reps]
        ofd_text.apply(self.lines, self.line, shifted)


class _InnerTarget:
    def __init__(self, part: str) -> None:
        self.part = part

    def __call__(self, reps: Sequence[Replacement]) -> None:  # rewritten by the member's reader
        raise AssertionError("inner targets are written by their own document")


class _Setter:
    def __init__(self, el: etree._Element, apply: Callable[[Sequence[Replacement]], None]) -> None:
        self.el = el
        self._apply = apply

    def __call__(self, reps: Sequence[Replacement]) -> None:
        self._apply(reps)


def _hint(el: etree._Element, tag: str) -> tuple[str, str] | None:
    """What a place declares about its value: DocInfo/Author in Chinese is a person's name;
    a custom tag or a CustomData/Parameter named like a column header (姓名, 身份证号) says
    what it holds."""
    from deident.detection.tables import header_entity

    if tag == "Author" and any("\u4e00" <= ch <= "\u9fff" for ch in el.text or ""):
        return "PERSON", "OFD document author"
    for label in (el.get("Name"), tag):
        entity = header_entity(label) if label else None
        if entity:
            return entity, f"OFD field named {label}"
    return None


def _rewrite(text: str, reps: Sequence[Replacement]) -> str:
    for r in sorted(reps, key=lambda r: r.start, reverse=True):
        text = text[: r.start] + r.text + text[r.end :]
    return text


def _set_text(el: etree._Element) -> _Setter:
    def apply(reps: Sequence[Replacement]) -> None:
        el.text = _rewrite(el.text or "", reps)

    return _Setter(el, apply)


def _set_tail(el: etree._Element) -> _Setter:
    def apply(reps: Sequence[Replacement]) -> None:
        el.tail = _rewrite(el.tail or "", reps)

    return _Setter(el, apply)


def _set_attr(el: etree._Element, attr: str) -> _Setter:
    def apply(reps: Sequence[Replacement]) -> None:
        el.set(attr, _rewrite(el.get(attr) or "", reps))

    return _Setter(el, apply)


def _part_of(trees: Mapping[str, etree._ElementTree], target: Any) -> str:
    el = getattr(target, "el", None)
    if el is None:
        return ""
    root = el.getroottree().getroot()
    for name, tree in trees.items():
        if tree.getroot() is root:
            return name
    return ""


def _shown(name: str) -> str:
    """A member name for locations, reasons and notes: an attachment named after a person's
    ID (Attachs/440881…_申请表.pdf) is not echoed by a redacted report (runs of 6+ digits cut)."""
    return _LONG_DIGITS.sub(lambda m: m[0][:3] + "*" * (len(m[0]) - 5) + m[0][-2:], name)


def _resolve(folder: str, loc: str) -> str:
    loc = loc.replace("\\", "/")
    if loc.startswith("/"):
        return posixpath.normpath(loc.lstrip("/"))
    return posixpath.normpath(posixpath.join(folder, loc))
