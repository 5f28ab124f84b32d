"""The places of a PDF outside the page content: metadata, annotations, form fields, outlines,
and the active content a masked copy must not carry (JavaScript, embedded files).

`collect_places` lists every text place in a fixed order. The reader turns them into
segments; the writer calls it again on its own copy of the file and gets the same list in
the same order, so a segment id maps to a live object there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pikepdf

from deident.formats.base import Replacement
from deident.formats.pdf.edits import apply_text, char_edits
from deident.formats.pdf.redact import GlyphSite, Redactor, appearance_glyphs, declared_advance

_INFO_KEYS = ("/Title", "/Subject", "/Keywords", "/Author", "/Creator", "/Producer")
_ANNOT_KEYS = ("/Contents", "/T", "/TU", "/V", "/RC", "/Subj", "/DV")
_MAX_OUTLINES = 100_000
_XML_TEXT = re.compile(r">([^<>]+)<")


@dataclass(slots=True)
class Place:
    location: dict[str, Any]
    text: str
    holder: Any  # the dictionary holding the value (None for XMP and appearance streams)
    key: str
    annot: Any = None  # the annotation whose appearance shows this text
    sites: list[GlyphSite] | None = None  # appearance text: the glyph of each character
    redactor: Redactor | None = None


def _text(value: Any) -> str | None:
    if isinstance(value, pikepdf.String):
        try:
            return str(value)
        except UnicodeDecodeError:
            return bytes(value).decode("latin-1")
    if isinstance(value, pikepdf.Stream):  # rich text (/RC) may be a stream
        try:
            return value.read_bytes().decode("utf-8", "replace")
        except pikepdf.PdfError:
            return None
    return None


def collect_places(pdf: pikepdf.Pdf, red: Redactor | None = None) -> list[Place]:
    """Every text place outside page content. Appearance-stream places cut their glyphs
    through `red` (call ``red.apply()`` after masking)."""
    red = red or Redactor(pdf)
    return [
        *_info(pdf),
        *_xmp(pdf),
        *_outlines(pdf),
        *_annotations(pdf, red),
        *_fields(pdf),
        *_structure(pdf),
    ]


def _structure(pdf: pikepdf.Pdf) -> Iterator[Place]:
    """Alternate descriptions and replacement text of the tagged-PDF structure tree (/Alt of
    a figure often describes the photo: "张三的身份证")."""
    root = pdf.Root.get("/StructTreeRoot")
    if not isinstance(root, pikepdf.Dictionary):
        return
    stack: list[Any] = [root.get("/K")]
    seen: set[tuple[int, int]] = set()
    n = 0
    while stack and n < _MAX_OUTLINES:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(reversed(list(node)))
            continue
        if not isinstance(node, pikepdf.Dictionary):
            continue
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        for key in ("/Alt", "/ActualText", "/T", "/E"):
            t = _text(node.get(key))
            if t and t.strip():
                yield Place({"structure": n, "key": key[1:]}, t, node, key)
        n += 1
        stack.append(node.get("/K"))


def _info(pdf: pikepdf.Pdf) -> Iterator[Place]:
    info = pdf.trailer.get("/Info")
    if not isinstance(info, pikepdf.Dictionary):
        return
    keys = [k for k in _INFO_KEYS if k in info] + sorted(k for k in info if k not in _INFO_KEYS)
    for key in keys:
        t = _text(info.get(key))
        if t and t.strip():
            yield Place({"metadata": key[1:]}, t, info, key)


def _xmp(pdf: pikepdf.Pdf) -> Iterator[Place]:
    meta = pdf.Root.get("/Metadata")
    if not isinstance(meta, pikepdf.Stream):
        return
    try:
        xml = meta.read_bytes().decode("utf-8", "replace")
    except pikepdf.PdfError:
        return
    text = "\n".join(t.strip() for t in _XML_TEXT.findall(xml) if t.strip())
    if text:
        # Never rewritten: the masked copy drops XMP metadata altogether.
        yield Place({"metadata": "XMP"}, text, None, "")


def _outlines(pdf: pikepdf.Pdf) -> Iterator[Place]:
    root = pdf.Root.get("/Outlines")
    if not isinstance(root, pikepdf.Dictionary):
        return
    stack = [root.get("/First")]
    seen: set[tuple[int, int]] = set()
    n = 0
    while stack and n < _MAX_OUTLINES:
        item = stack.pop()
        if not isinstance(item, pikepdf.Dictionary):
            continue
        if item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        t = _text(item.get("/Title"))
        if t:
            yield Place({"outline": n}, t, item, "/Title")
        n += 1
        stack.append(item.get("/Next"))
        stack.append(item.get("/First"))


def appearances(annot: Any) -> Iterator[tuple[str, Any]]:
    """An annotation's appearance streams with their name (N, R, D, or N + state: NOff)."""
    ap = annot.get("/AP")
    if not isinstance(ap, pikepdf.Dictionary):
        return
    for kind in ("/N", "/R", "/D"):
        v = ap.get(kind)
        if isinstance(v, pikepdf.Stream):
            yield kind[1:], v
        elif isinstance(v, pikepdf.Dictionary):
            for state, s in v.items():
                if isinstance(s, pikepdf.Stream):
                    yield f"{kind[1:]}{state}", s


def _annotations(pdf: pikepdf.Pdf, red: Redactor) -> Iterator[Place]:
    for pno, page in enumerate(pdf.pages, start=1):
        annots = page.obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        for i, annot in enumerate(annots):
            if not isinstance(annot, pikepdf.Dictionary):
                continue
            for key in _ANNOT_KEYS:
                t = _text(annot.get(key))
                if t and t.strip():
                    yield Place({"page": pno, "annotation": i, "key": key[1:]}, t, annot, key)
            for kind, stream in appearances(annot):
                sites = appearance_glyphs(red, stream, stream.get("/Resources"))
                per_char = [s for s in sites for _ in (s.unicode or "\ufffd")]
                t = "".join(s.unicode or "\ufffd" for s in sites)
                if t.strip():
                    loc = {"page": pno, "annotation": i, "appearance": kind}
                    yield Place(loc, t, None, "", annot, per_char, red)


def _fields(pdf: pikepdf.Pdf) -> Iterator[Place]:
    """Form field values held by non-widget (parent) field dictionaries; widgets on pages are
    annotations and were listed there."""
    form = pdf.Root.get("/AcroForm")
    if not isinstance(form, pikepdf.Dictionary):
        return
    widgets = {
        a.objgen
        for page in pdf.pages
        for a in (page.obj.get("/Annots") or [])
        if isinstance(a, pikepdf.Dictionary) and a.is_indirect
    }
    stack = [(f, "") for f in (form.get("/Fields") or [])]
    seen: set[tuple[int, int]] = set()
    while stack:
        field, parent = stack.pop()
        if not isinstance(field, pikepdf.Dictionary):
            continue
        if field.is_indirect:
            if field.objgen in seen or field.objgen in widgets:
                continue
            seen.add(field.objgen)
        name = _text(field.get("/T")) or ""
        full = f"{parent}.{name}" if parent else name
        for key in ("/V", "/DV", "/TU"):
            t = _text(field.get(key))
            if t and t.strip():
                yield Place({"field": full, "key": key[1:]}, t, field, key)
        stack.extend((k, full) for k in (field.get("/Kids") or []))


def mask_place(place: Place, repls: Sequence[Replacement]) -> None:
    """Mask one place: strings are rewritten; appearance glyphs are cut like page glyphs
    (their advance from the font's widths). An appearance whose glyphs cannot be cut safely
    is dropped instead, so the old text is not shown."""
    if place.sites is None or place.redactor is None:
        set_text(place, apply_text(place.text, repls))
        return
    for ci, draw in char_edits(place.text, repls).items():
        site = place.sites[ci]
        adv = declared_advance(site)
        if adv is None or site.vertical or site.size == 0 or site.tz == 0:
            set_text(place, "")
            return
        place.redactor.mark(site, draw, adv)


def set_text(place: Place, new: str) -> None:
    """Write a masked value back. An annotation or field whose text changed loses its
    appearance stream (it would still show the old text); viewers rebuild it."""
    if place.holder is not None:
        place.holder[place.key] = pikepdf.String(new)
        if "/AP" in place.holder and place.key in ("/V", "/Contents", "/RC", "/DV"):
            del place.holder["/AP"]
    elif place.annot is not None and "/AP" in place.annot:
        del place.annot["/AP"]


def active_content(pdf: pikepdf.Pdf) -> list[str]:
    """What a masked copy drops, for the reviewer's notes."""
    notes = []
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/JavaScript" in names:
        notes.append("contains JavaScript (removed from the masked copy)")
    if len(pdf.attachments):
        notes.append(
            f"contains {len(pdf.attachments)} embedded file(s), not scanned (removed from the masked copy)"
        )
    return notes


def scrub(pdf: pikepdf.Pdf) -> None:
    """Remove what must not travel with a masked copy: JavaScript and other actions, embedded
    files, XMP metadata, the Info author, and mark forms for appearance regeneration."""
    root = pdf.Root
    names = root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in ("/JavaScript", "/EmbeddedFiles"):
            if key in names:
                del names[key]
    for key in ("/OpenAction", "/AA", "/Metadata", "/PieceInfo"):
        if key in root:
            del root[key]
    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary) and "/Author" in info:
        # LibreOffice and Word write the clerk's name here; it is never needed for publication.
        del info["/Author"]
    for page in pdf.pages:
        obj = page.obj
        # /Thumb is a picture of the page as it was: it would still show the values.
        for key in ("/AA", "/Metadata", "/PieceInfo", "/Thumb"):
            if key in obj:
                del obj[key]
        annots = obj.get("/Annots")
        if not isinstance(annots, pikepdf.Array):
            continue
        keep = pikepdf.Array()
        for annot in annots:
            if isinstance(annot, pikepdf.Dictionary):
                if annot.get("/Subtype") == pikepdf.Name.FileAttachment:
                    continue
                action = annot.get("/A")
                if isinstance(action, pikepdf.Dictionary) and action.get("/S") in (
                    pikepdf.Name.JavaScript,
                    pikepdf.Name.Launch,
                ):
                    del annot["/A"]
                if "/AA" in annot:
                    del annot["/AA"]
            keep.append(annot)
        obj["/Annots"] = keep
    form = root.get("/AcroForm")
    if isinstance(form, pikepdf.Dictionary):
        form["/NeedAppearances"] = True
