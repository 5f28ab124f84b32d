"""Where a PDF's pictures are: every image XObject and inline image, with the pages and places
it is drawn at.

Each page's content stream is walked with its graphics state (``q``/``Q``/``cm``), into the
form XObjects it draws (``Do``), so a picture is known with every place it is drawn: the matrix
from the picture's unit square to page space, in pdfminer's coordinates (origin at the media
box corner, rotation ignored, as `pdf_text` reads pages). Inline pictures (``BI … ID … EI``)
count as well. What is reachable but not drawn by the page content (annotation appearances,
tiling patterns, Type3 glyphs, soft-mask groups, image XObjects the content never draws,
/Alternates) is found too, without a place: a masked copy keeps every object, and
``pdfimages`` extracts any of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf

from deident.errors import BlockedError
from deident.formats.pdf.redact import inherited
from deident.formats.pdf.sanitize import appearances

Matrix = tuple[float, float, float, float, float, float]

_OPS = "q Q cm Do BI ID EI"
_MAX_DEPTH = 12
# Form and picture draws followed on one page: a form that draws itself many times over
# would otherwise be walked exponentially often.
_MAX_DRAWS = 20_000


def _mul(m: Matrix, n: Matrix) -> Matrix:
    """m then n (PDF's row-vector convention: a point p maps to p·m·n)."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _matrix(value: Any) -> Matrix | None:
    try:
        m = tuple(float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return m if len(m) == 6 else None  # type: ignore[return-value]


@dataclass(slots=True)
class Picture:
    key: str
    page: int  # 0-based: the first page it was found on
    ref: tuple[int, int] | None  # the image XObject; None for an inline picture
    holder: tuple[int, int] | None = None  # inline: the stream holding it; None: the page's content
    index: int = 0  # inline: its place among the inline pictures of that stream
    pages: list[int] = field(default_factory=list)
    placements: list[tuple[int, Matrix]] = field(default_factory=list)  # (page, unit square -> page)
    size: tuple[int, int] = (0, 0)
    inline_image: Any = None  # pikepdf.PdfInlineImage while the file is open


def picture_key(ref: tuple[int, int], inline: int | None = None) -> str:
    key = f"obj {ref[0]} {ref[1]}"
    return key if inline is None else f"{key} inline {inline}"


class Finder:
    """Every picture of a PDF, with the pages and places it is drawn at."""

    def __init__(self, pdf: pikepdf.Pdf) -> None:
        self.pdf = pdf
        self.pictures: dict[str, Picture] = {}
        self._ops: dict[tuple[int, int], list[Any]] = {}
        self._swept: set[tuple[int, int]] = set()  # streams walked without a place
        self._swept_res: set[tuple[int, int]] = set()  # resource dictionaries (or their holders)
        self._draws = 0
        self._pending: list[tuple[Any, tuple[int, int], int]] = []

    def page(self, p: int, page: pikepdf.Page) -> None:
        self._draws = 0
        box = [float(v) for v in inherited(page.obj, "/MediaBox") or (0, 0, 612, 792)]
        # pdfminer's page space (rotation ignored, as `pdf_text` reads it): origin at the box corner.
        base: Matrix = (1.0, 0.0, 0.0, 1.0, -min(box[0], box[2]), -min(box[1], box[3]))
        res = inherited(page.obj, "/Resources")
        if _may_draw_pictures(page, res):
            self._walk(page, res, base, p, None, ())
        annots = page.obj.get("/Annots")
        for annot in annots if isinstance(annots, pikepdf.Array) else ():
            if isinstance(annot, pikepdf.Dictionary):
                for _, stream in appearances(annot):
                    self._walk_unplaced(stream, stream.get("/Resources"), p, ())
        # Swept after every page's content is walked: resources shared by all pages (inherited
        # from /Pages) would otherwise put a picture drawn on page 3 on page 1.
        self._pending.append((res, page.obj.objgen, p))

    def finish(self) -> None:
        for res, owner, p in self._pending:
            self._sweep(res, owner, p, ())
        self._pending.clear()

    # --- content streams ------------------------------------------------------------------

    def _parse(self, target: Any, p: int) -> list[Any]:
        cached = None if isinstance(target, pikepdf.Page) else self._ops.get(target.objgen)
        if cached is not None:
            return cached
        try:
            ops = list(pikepdf.parse_content_stream(target, _OPS))
        except (pikepdf.PdfError, pikepdf.PikepdfError, ValueError, RuntimeError) as exc:
            raise BlockedError("corrupt: content stream cannot be read", f"page {p + 1}") from exc
        if not isinstance(target, pikepdf.Page):
            self._ops[target.objgen] = ops
        return ops

    def _walk(
        self, target: Any, resources: Any, ctm: Matrix | None, p: int, holder: Any, stack: tuple
    ) -> None:
        saved: list[Matrix | None] = []
        inline = 0
        for ins in self._parse(target, p):
            if isinstance(ins, pikepdf.ContentStreamInlineImage):
                key = f"page {p + 1} inline {inline}" if holder is None else picture_key(holder, inline)
                pic = self._add(key, p, None, ctm)
                pic.holder, pic.index, pic.inline_image = holder, inline, ins.iimage
                inline += 1
                continue
            op = str(ins.operator)
            if op == "q":
                saved.append(ctm)
            elif op == "Q":
                ctm = saved.pop() if saved else ctm
            elif op == "cm" and ctm is not None:
                m = _matrix(ins.operands)
                ctm = _mul(m, ctm) if m is not None else None
            elif op == "Do" and ins.operands:
                self._do(resources, ins.operands[0], ctm, p, stack)

    def _do(self, resources: Any, name: Any, ctm: Matrix | None, p: int, stack: tuple) -> None:
        xobjects = resources.get("/XObject") if isinstance(resources, pikepdf.Dictionary) else None
        x = xobjects.get(name) if isinstance(xobjects, pikepdf.Dictionary) else None
        if not isinstance(x, pikepdf.Stream):
            return
        self._draws += 1
        if self._draws > _MAX_DRAWS:
            raise BlockedError("too large", f"page {p + 1}: more than {_MAX_DRAWS} nested drawings")
        if x.get("/Subtype") == pikepdf.Name.Image:
            self._add_xobject(x, p, ctm)
        elif x.get("/Subtype") == pikepdf.Name.Form and x.objgen not in stack and len(stack) < _MAX_DEPTH:
            m = _matrix(x.get("/Matrix", (1, 0, 0, 1, 0, 0)))
            inner = _mul(m, ctm) if ctm is not None and m is not None else None
            own = x.get("/Resources")
            res = own if isinstance(own, pikepdf.Dictionary) else resources
            self._walk(x, res, inner, p, x.objgen, (*stack, x.objgen))
            self._sweep(res, x.objgen, p, (*stack, x.objgen))
            self._swept.add(x.objgen)

    def _walk_unplaced(self, stream: Any, resources: Any, p: int, stack: tuple) -> None:
        """A stream drawn somewhere we do not follow (appearance, pattern, glyph): its
        pictures are read, without a place on the page."""
        if stream.objgen in self._swept or stream.objgen in stack or len(stack) >= _MAX_DEPTH:
            return
        self._swept.add(stream.objgen)
        self._walk(stream, resources, None, p, stream.objgen, (*stack, stream.objgen))
        self._sweep(resources, stream.objgen, p, (*stack, stream.objgen))

    # --- resources --------------------------------------------------------------------------

    def _sweep(self, res: Any, owner: tuple[int, int], p: int, stack: tuple) -> None:
        """Pictures a resource dictionary holds that no content stream drew."""
        if not isinstance(res, pikepdf.Dictionary) or len(stack) >= _MAX_DEPTH:
            return
        mark = res.objgen if res.is_indirect else owner
        if mark in self._swept_res:
            return
        self._swept_res.add(mark)
        for x in _values(res.get("/XObject")):
            if x.get("/Subtype") == pikepdf.Name.Image:
                if picture_key(x.objgen) not in self.pictures:
                    self._add_xobject(x, p, None)
            elif x.get("/Subtype") == pikepdf.Name.Form:
                own = x.get("/Resources")
                self._walk_unplaced(x, own if isinstance(own, pikepdf.Dictionary) else res, p, stack)
        for pat in _values(res.get("/Pattern")):
            if pat.get("/PatternType") == 1:
                self._walk_unplaced(pat, pat.get("/Resources"), p, stack)
        for font in res.get("/Font", {}).values() if isinstance(res.get("/Font"), pikepdf.Dictionary) else ():
            if isinstance(font, pikepdf.Dictionary) and font.get("/Subtype") == pikepdf.Name.Type3:
                own = font.get("/Resources")
                for proc in _values(font.get("/CharProcs")):
                    self._walk_unplaced(proc, own if isinstance(own, pikepdf.Dictionary) else res, p, stack)
        gs = res.get("/ExtGState")
        for state in gs.values() if isinstance(gs, pikepdf.Dictionary) else ():
            smask = state.get("/SMask") if isinstance(state, pikepdf.Dictionary) else None
            group = smask.get("/G") if isinstance(smask, pikepdf.Dictionary) else None
            if isinstance(group, pikepdf.Stream):
                self._walk_unplaced(group, group.get("/Resources"), p, stack)

    def _add_xobject(self, x: pikepdf.Stream, p: int, ctm: Matrix | None) -> None:
        self._add(picture_key(x.objgen), p, x.objgen, ctm)
        for alt in x.get("/Alternates") or ():
            image = alt.get("/Image") if isinstance(alt, pikepdf.Dictionary) else None
            if isinstance(image, pikepdf.Stream) and picture_key(image.objgen) not in self.pictures:
                self._add(picture_key(image.objgen), p, image.objgen, None)

    def _add(self, key: str, p: int, ref: tuple[int, int] | None, ctm: Matrix | None) -> Picture:
        pic = self.pictures.get(key)
        if pic is None:
            pic = self.pictures[key] = Picture(key, p, ref)
        if p not in pic.pages:
            pic.pages.append(p)
        if ctm is not None:
            pic.placements.append((p, ctm))
        return pic


def _may_draw_pictures(page: pikepdf.Page, res: Any) -> bool:
    """The page's content can draw a picture: its resources name XObjects (``Do``), or its bytes
    hold ``BI`` (an inline picture). A page of text alone is not parsed (the slow part here)."""
    xobjects = res.get("/XObject") if isinstance(res, pikepdf.Dictionary) else None
    if isinstance(xobjects, pikepdf.Dictionary) and len(xobjects):
        return True
    contents = page.obj.get("/Contents")
    try:
        for c in contents if isinstance(contents, pikepdf.Array) else [contents]:
            if isinstance(c, pikepdf.Stream) and b"BI" in c.read_bytes():
                return True
    except pikepdf.PdfError:
        return True  # the walk reports the stream it cannot read
    return False


def _values(d: Any) -> Iterator[pikepdf.Stream]:
    if isinstance(d, pikepdf.Dictionary):
        for v in d.values():
            if isinstance(v, pikepdf.Stream):
                yield v
