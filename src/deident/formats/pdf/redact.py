"""True redaction in PDF content streams with pikepdf: masked glyphs are removed, not covered.

The walker interprets a page's content stream (and the form XObjects it draws, in order)
the way pdfminer.six does, producing one `GlyphSite` per glyph: which stream, which operator,
which bytes of which string. Glyph *i* here is glyph *i* of pdfminer's page (`pdf_text`);
`Redactor.check_alignment` verifies the count and the decoded unicode before anything is cut.

Cutting a glyph: its code bytes leave the string and a TJ number moves the pen by exactly the
glyph's advance (plus Tc, and Tw for a single-byte space), so the rest of the line stays in
place. Where the policy draws a character (``*`` or an ASCII token character), it is shown
centred in the gap in Helvetica, a standard font added to the stream's resources under a
fresh name, with every other text state (matrix, colour, render mode) unchanged.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from deident.errors import MaskError
from deident.formats.pdf.fonts import FontInfo, helvetica_width

_MAX_DEPTH = 12


@dataclass(slots=True)
class _TextState:
    font_name: str | None = None
    font: FontInfo | None = None
    size: float = 0.0
    tc: float = 0.0
    tw: float = 0.0
    tz: float = 100.0


@dataclass(frozen=True, slots=True)
class GlyphSite:
    stream: int  # index into Redactor.streams
    op: int  # instruction index in that stream
    item: int  # element of the TJ array (0 for Tj, ' and ")
    start: int  # byte range of the glyph code in that string
    end: int
    cid: int
    unicode: str | None
    font_name: str
    size: float
    tc: float
    tw: float
    tz: float
    multibyte: bool
    vertical: bool
    width: float | None = None  # the font's declared advance (1/1000 em), when it declares one


@dataclass(slots=True)
class _Stream:
    ops: list[Any]
    resources: Any  # pikepdf.Dictionary (may be empty)
    target: Any  # the page object (content arrays are rewritten as one stream) or the XObject stream
    is_page: bool
    edits: dict[int, list[tuple[GlyphSite, str, float]]] = field(default_factory=lambda: defaultdict(list))


def inherited(page_obj: Any, key: str) -> Any:
    node, seen = page_obj, 0
    while node is not None and seen < 64:
        if key in node:
            return node[key]
        node = node.get("/Parent")
        seen += 1
    return None


class Redactor:
    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.streams: list[_Stream] = []
        self._xobject_index: dict[tuple[tuple[int, int], int], int] = {}
        self._fonts: dict[Any, FontInfo] = {}
        self._page_stream: dict[int, int] = {}
        self._star_font: Any = None

    # --- walking --------------------------------------------------------------------

    def page_glyphs(self, page_index: int) -> list[GlyphSite]:
        page = self.pdf.pages[page_index]
        if page_index not in self._page_stream:
            try:
                ops = pikepdf.parse_content_stream(page)
            except pikepdf.PdfError as exc:
                raise MaskError(f"page {page_index + 1}: malformed content stream") from exc
            resources = inherited(page.obj, "/Resources")
            self.streams.append(
                _Stream(
                    list(ops), resources if resources is not None else pikepdf.Dictionary(), page.obj, True
                )
            )
            self._page_stream[page_index] = len(self.streams) - 1
        out: list[GlyphSite] = []
        self._walk(self._page_stream[page_index], _TextState(), out, ())
        return out

    def _font(self, resources: Any, name: str) -> FontInfo:
        fonts = resources.get("/Font") if resources is not None else None
        font = fonts.get(name) if fonts is not None else None
        if font is None or not isinstance(font, pikepdf.Dictionary):
            return FontInfo(pikepdf.Dictionary())  # pdfminer falls back to a default simple font
        key = font.objgen if font.is_indirect else id(font)
        if key not in self._fonts:
            self._fonts[key] = FontInfo(font)
        return self._fonts[key]

    def _xobject(self, xobj: Any, parent_resources: Any) -> int:
        own = xobj.get("/Resources")
        resources = own if own is not None else parent_resources
        key = (xobj.objgen, 0 if own is not None else 1)
        if key not in self._xobject_index:
            try:
                ops = pikepdf.parse_content_stream(xobj)
            except pikepdf.PdfError as exc:
                raise MaskError("malformed form XObject content stream") from exc
            self.streams.append(_Stream(list(ops), resources, xobj, False))
            self._xobject_index[key] = len(self.streams) - 1
        return self._xobject_index[key]

    def _walk(self, sidx: int, state: _TextState, out: list[GlyphSite], stack: tuple[Any, ...]) -> None:
        stream = self.streams[sidx]
        saved: list[_TextState] = []
        for oi, ins in enumerate(stream.ops):
            if isinstance(ins, pikepdf.ContentStreamInlineImage):
                continue
            op = str(ins.operator)
            args = ins.operands
            try:
                if op == "q":
                    saved.append(copy.copy(state))
                elif op == "Q":
                    if saved:
                        state = saved.pop()
                elif op == "Tf" and len(args) == 2:
                    state.font_name = str(args[0])
                    state.font = self._font(stream.resources, state.font_name)
                    state.size = float(args[1])
                elif op == "Tc" and args:
                    state.tc = float(args[0])
                elif op == "Tw" and args:
                    state.tw = float(args[0])
                elif op == "Tz" and args:
                    state.tz = float(args[0])
                elif op in ("Tj", "'") and args:
                    self._show(sidx, oi, state, [args[0]], out)
                elif op == '"' and len(args) == 3:
                    state.tw, state.tc = float(args[0]), float(args[1])
                    self._show(sidx, oi, state, [args[2]], out)
                elif op == "TJ" and args and isinstance(args[0], pikepdf.Array):
                    self._show(sidx, oi, state, list(args[0]), out)
                elif op == "Do" and args:
                    self._do(stream, str(args[0]), out, stack)
            except (TypeError, ValueError) as exc:
                raise MaskError("malformed operator in content stream") from exc

    def _do(self, stream: _Stream, name: str, out: list[GlyphSite], stack: tuple[Any, ...]) -> None:
        xobjects = stream.resources.get("/XObject") if stream.resources is not None else None
        xobj = xobjects.get(name) if xobjects is not None else None
        if not isinstance(xobj, pikepdf.Stream) or xobj.get("/Subtype") != pikepdf.Name.Form:
            return
        if "/BBox" not in xobj or xobj.objgen in stack or len(stack) >= _MAX_DEPTH:
            return  # pdfminer does not draw a form without BBox either
        child = self._xobject(xobj, stream.resources)
        # pdfminer interprets a form XObject with a fresh text state.
        self._walk(child, _TextState(), out, (*stack, xobj.objgen))

    def _show(self, sidx: int, oi: int, st: _TextState, items: Sequence[Any], out: list[GlyphSite]) -> None:
        font = st.font
        if font is None:
            return  # pdfminer shows nothing without a font
        for ii, item in enumerate(items):
            if not isinstance(item, pikepdf.String):
                continue
            data = bytes(item)
            for code in font.codes(data):
                out.append(
                    GlyphSite(
                        sidx, oi, ii, code.start, code.end, code.cid, font.unicode(code.cid),
                        st.font_name or "", st.size, st.tc, st.tw, st.tz, font.multibyte, font.vertical,
                        font.width(code.cid),
                    )
                )  # fmt: skip

    # --- cutting --------------------------------------------------------------------

    def mark(self, site: GlyphSite, draw: str, adv: float) -> None:
        """Remove the glyph at `site` (pdfminer advance `adv`) and draw `draw` ('' = nothing)."""
        if site.vertical:
            raise MaskError("vertical text cannot be masked yet")
        if site.size == 0 or site.tz == 0:
            raise MaskError("text with zero font size or scaling cannot be masked")
        edits = self.streams[site.stream].edits[site.op]
        if all((e.item, e.start) != (site.item, site.start) for e, _, _ in edits):
            edits.append((site, draw, adv))

    def apply(self) -> int:
        """Rewrite every stream that has marked glyphs; returns the number of glyphs removed."""
        removed = 0
        for stream in self.streams:
            if not stream.edits:
                continue
            star = self._star_name(stream)
            new_ops: list[Any] = []
            for oi, ins in enumerate(stream.ops):
                if oi in stream.edits:
                    new_ops.extend(_rewrite(ins, stream.edits[oi], star))
                    removed += len(stream.edits[oi])
                else:
                    new_ops.append(ins)
            data = pikepdf.unparse_content_stream(new_ops)
            if stream.is_page:
                stream.target["/Contents"] = self.pdf.make_stream(data)
            else:
                stream.target.write(data)
            stream.edits.clear()
        return removed

    def _star_name(self, stream: _Stream) -> str:
        if self._star_font is None:
            self._star_font = self.pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.Font,
                    Subtype=pikepdf.Name.Type1,
                    BaseFont=pikepdf.Name.Helvetica,
                    Encoding=pikepdf.Name.WinAnsiEncoding,
                )
            )
        res = stream.resources
        if stream.is_page and "/Resources" not in stream.target:
            # Inherited (or missing) resources: give the page its own copy before adding to it.
            res = pikepdf.Dictionary(res) if res is not None else pikepdf.Dictionary()
            stream.target["/Resources"] = res
            stream.resources = res
        elif not stream.is_page and "/Resources" not in stream.target:
            res = pikepdf.Dictionary(res) if res is not None else pikepdf.Dictionary()
            stream.target["/Resources"] = res
            stream.resources = res
        if "/Font" not in res:
            res["/Font"] = pikepdf.Dictionary()
        fonts = res["/Font"]
        for name, obj in fonts.items():
            if obj.is_indirect and obj.objgen == self._star_font.objgen:
                return name
        n = 0
        while f"/DeidentStar{n}" in fonts:
            n += 1
        fonts[f"/DeidentStar{n}"] = self._star_font
        return f"/DeidentStar{n}"


def _displacement(site: GlyphSite, adv: float) -> float:
    """The glyph's advance in TJ units (1/1000 of text space), spacing included."""
    th = site.tz / 100.0
    extra = site.tc + (site.tw if (not site.multibyte and site.cid == 32) else 0.0)
    return 1000.0 * adv / (site.size * th) + 1000.0 * extra / site.size


def _rewrite(ins: Any, edits: list[tuple[GlyphSite, str, float]], star: str) -> list[Any]:
    op = str(ins.operator)
    args = list(ins.operands)
    out: list[Any] = []
    if op == "TJ":
        items = list(args[0])
    elif op == "Tj":
        items = [args[0]]
    elif op == "'":
        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
        items = [args[0]]
    else:  # '"'
        out.append(pikepdf.ContentStreamInstruction([args[0]], pikepdf.Operator("Tw")))
        out.append(pikepdf.ContentStreamInstruction([args[1]], pikepdf.Operator("Tc")))
        out.append(pikepdf.ContentStreamInstruction([], pikepdf.Operator("T*")))
        items = [args[2]]
    by_item: dict[int, list[tuple[GlyphSite, str, float]]] = defaultdict(list)
    for e in edits:
        by_item[e[0].item].append(e)
    cur: list[Any] = []

    def flush() -> None:
        if cur:
            out.append(pikepdf.ContentStreamInstruction([pikepdf.Array(cur)], pikepdf.Operator("TJ")))
            cur.clear()

    for ii, item in enumerate(items):
        if ii not in by_item or not isinstance(item, pikepdf.String):
            cur.append(item)
            continue
        data = bytes(item)
        pos = 0
        for site, draw, adv in sorted(by_item[ii], key=lambda e: e[0].start):
            if site.start > pos:
                cur.append(pikepdf.String(data[pos : site.start]))
            pos = site.end
            d = _displacement(site, adv)
            if not draw or draw == " ":
                cur.append(round(-d, 3))
                continue
            flush()
            pad = (d - helvetica_width(draw) - 1000.0 * site.tc / site.size) / 2
            size = _num(site.size)
            out.append(pikepdf.ContentStreamInstruction([pikepdf.Name(star), size], pikepdf.Operator("Tf")))
            out.append(
                pikepdf.ContentStreamInstruction(
                    [pikepdf.Array([round(-pad, 3), pikepdf.String(draw.encode("latin-1")), round(-pad, 3)])],
                    pikepdf.Operator("TJ"),
                )
            )
            out.append(
                pikepdf.ContentStreamInstruction([pikepdf.Name(site.font_name), size], pikepdf.Operator("Tf"))
            )
        if pos < len(data):
            cur.append(pikepdf.String(data[pos:]))
    flush()
    return out


def _num(x: float) -> int | float:
    return int(x) if float(x).is_integer() else round(x, 4)


def check_alignment(sites: Sequence[GlyphSite], texts: Sequence[str], page_number: int) -> None:
    """Refuse to cut unless the walker saw exactly pdfminer's glyphs on this page."""
    if len(sites) != len(texts):
        raise MaskError(
            f"page {page_number}: glyphs could not be aligned with the text layer "
            f"({len(sites)} in content streams, {len(texts)} read)"
        )
    for i, (site, text) in enumerate(zip(sites, texts, strict=True)):
        if site.unicode is not None and site.unicode != text:
            raise MaskError(
                f"page {page_number}: glyph {i} decodes differently in content stream and text layer"
            )


def redact_pages(
    pdf: pikepdf.Pdf,
    marks: Mapping[int, Mapping[int, str]],
    page_texts: Mapping[int, Sequence[str]],
    page_advs: Mapping[int, Sequence[float]],
) -> int:
    """Cut glyphs: `marks[page_index][glyph_index] = draw`. Returns glyphs removed."""
    red = Redactor(pdf)
    for pidx in sorted(marks):
        sites = red.page_glyphs(pidx)
        check_alignment(sites, page_texts[pidx], pidx + 1)
        for gi, draw in marks[pidx].items():
            red.mark(sites[gi], draw, page_advs[pidx][gi])
    return red.apply()


def appearance_glyphs(red: Redactor, xobj: Any, resources: Any) -> list[GlyphSite]:
    """The glyphs an annotation appearance stream (a form XObject) shows, in order."""
    try:
        sidx = red._xobject(xobj, resources if resources is not None else pikepdf.Dictionary())
    except MaskError:
        return []
    out: list[GlyphSite] = []
    red._walk(sidx, _TextState(), out, (xobj.objgen,))
    return out


def declared_advance(site: GlyphSite) -> float | None:
    """The glyph's advance from the font's widths, in pdfminer's units (for streams pdfminer
    does not read, such as annotation appearances)."""
    if site.width is None:
        return None
    return site.width / 1000.0 * site.size * site.tz / 100.0
