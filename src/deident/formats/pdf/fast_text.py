"""Per-character text of PDF pages with PDFium, for reading without masking (`scan`).

PDFium reads a page about 25 times faster than pdfminer's content-stream interpreter. The
glyphs, rulings and picture area it gives are rebuilt into lines and cells by the same code
(`text.build_blocks`), so a scan finds what a mask finds; masking still walks the glyphs with
pdfminer, in the order the redactor edits them (glyph *i* there is glyph *i* here only there).

Characters PDFium generates (spaces and line breaks it infers) are left out: the rebuilding
infers its own. A character whose font has no usable unicode mapping counts as undecodable,
as pdfminer's ``(cid:N)`` does. A text object that draws only blank glyphs (LibreOffice writes
an ideographic space U+3000 as one) has no characters in PDFium's text: it is put back as a
space one em wide after the glyph it follows, as pdfminer reads it, because a line that ends
with it reaches the margin and wraps (公民身份号码为360102　20150306　/ 0234).
"""

from __future__ import annotations

import ctypes
import functools
import math
import os
from collections.abc import Iterator
from typing import Any

from deident.formats.pdf.text import Glyph, PageText, add_rule

_TEXT, _PATH, _IMAGE, _FORM = 1, 2, 3, 5
# Blank text objects put back per page, at most (more is no layout a wrap depends on).
_MAX_BLANKS = 5000


class NeedsGlyphWalk(Exception):
    """A page this reader does not rebuild as pdfminer's walk would; read the file with it."""


def _getter(raw, form):  # PDFium handles
    return lambda k: raw.FPDFFormObj_GetObject(form, k)


def extract_pages_fast(data: bytes, *, max_pages: int, texts: list[str] | None = None) -> Iterator[PageText]:
    """Yield every page's glyphs, rulings and picture area; with `texts`, PDFium's text of each
    page is appended to it (what the second reading reads). Raises whatever PDFium raises."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    doc = pdfium.PdfDocument(data)
    try:
        if len(doc) > max_pages:
            raise OverflowError(len(doc))
        for i in range(len(doc)):
            page = doc[i]
            try:
                yield _page(raw, page, i + 1, texts)
            finally:
                page.close()
    finally:
        doc.close()


def _compiled() -> Any:
    """The compiled loop (`_glyphs.pyx`) when this installation has it, else None (the Python
    twin runs: same glyphs, slower). ``DEIDENT_PURE_PYTHON=1`` rules it out, as for the engine."""
    if os.environ.get("DEIDENT_PURE_PYTHON", "") not in ("", "0"):
        return None
    try:
        from deident.formats.pdf import _glyphs
    except ImportError:
        return None
    return _glyphs


_GLYPHS = _compiled()
_NAMES = (
    "FPDFText_IsGenerated",
    "FPDFText_GetUnicode",
    "FPDFText_HasUnicodeMapError",
    "FPDFText_GetCharOrigin",
    "FPDFText_GetLooseCharBox",
    "FPDFText_GetFontSize",
    "FPDFText_GetCharAngle",
)


@functools.cache
def _addresses(raw) -> tuple[int, ...]:  # PDFium's bindings
    """Where PDFium's per-character functions are (0: this PDFium lacks the function)."""
    return tuple(
        ctypes.cast(fn, ctypes.c_void_p).value or 0 if (fn := getattr(raw, name, None)) is not None else 0
        for name in _NAMES
    )


def _chars(raw, tp, out: PageText) -> None:  # PDFium handles
    count = tp.count_chars()
    codes = _codes(raw, tp.raw, count)
    fns = _addresses(raw) if _GLYPHS is not None else ()
    if fns and all(fns[:2]) and all(fns[3:]):
        handle = ctypes.cast(tp.raw, ctypes.c_void_p).value or 0
        out.undecodable += _GLYPHS.read_chars(handle, count, codes, fns, Glyph, out.glyphs)
        return
    _chars_python(raw, tp, out, count, codes)


def _chars_python(raw, tp, out: PageText, count: int, codes: list[int] | None) -> None:  # PDFium handles
    handle = tp.raw
    x, y = ctypes.c_double(), ctypes.c_double()
    rect = raw.FS_RECTF()
    is_generated, get_unicode = raw.FPDFText_IsGenerated, raw.FPDFText_GetUnicode
    get_origin, get_box = raw.FPDFText_GetCharOrigin, raw.FPDFText_GetLooseCharBox
    get_angle, get_size = raw.FPDFText_GetCharAngle, raw.FPDFText_GetFontSize
    has_error = getattr(raw, "FPDFText_HasUnicodeMapError", None)
    glyphs = out.glyphs
    for k in range(count):
        code = codes[k] if codes is not None else get_unicode(handle, k)
        # PDFium's inferred spaces and line breaks: the rebuilding infers its own.
        if code in (0x20, 0x0D, 0x0A, 0x02) and is_generated(handle, k) == 1:
            continue
        if code in (0xFFFE, 0xFFFF, 0) or (has_error is not None and has_error(handle, k) == 1):
            out.undecodable += 1
            text = "\ufffd"
        else:
            text = chr(code) if code < 0x110000 and not 0xD800 <= code <= 0xDFFF else "\ufffd"
        get_origin(handle, k, x, y)
        get_box(handle, k, rect)
        x0, x1 = (rect.left, rect.right) if rect.left <= rect.right else (rect.right, rect.left)
        y0, y1 = (rect.bottom, rect.top) if rect.bottom <= rect.top else (rect.top, rect.bottom)
        size = get_size(handle, k)
        ox, oy = x.value, y.value
        angle = get_angle(handle, k)
        if angle <= 0.0:  # upright (or unknown: -1)
            adv = x1 - x0
            if not 0.1 < size < 2000:
                size = y1 - y0
            glyphs.append(Glyph(text, x0, y0, x1, y1, ox, oy, ox + adv, oy, max(size, 0.1), adv))
            continue
        c, s = math.cos(angle), math.sin(angle)
        adv = (
            (x1 - x0) if abs(s) < 0.05 else (y1 - y0) if abs(c) < 0.05 else math.hypot(x1 - x0, y1 - y0) / 1.4
        )
        if not 0.1 < size < 2000:
            size = (y1 - y0) if abs(s) < 0.05 else (x1 - x0) if abs(c) < 0.05 else adv
        glyphs.append(Glyph(text, x0, y0, x1, y1, ox, oy, ox + c * adv, oy + s * adv, max(size, 0.1), adv))


def _codes(raw, handle, count: int) -> list[int] | None:  # PDFium handles
    """Every character's code in one call, or None when the page's text does not give one
    UTF-16 unit per character (a character outside the BMP, a character left out): then each
    character is asked for its own."""
    if count <= 0:
        return []
    buf = (ctypes.c_ushort * (count + 1))()
    written = raw.FPDFText_GetText(handle, 0, count, buf)
    if written != count + 1:
        return None
    codes = list(buf[:count])
    if any(0xD800 <= c <= 0xDFFF for c in codes):
        return None
    return codes


def _page(raw, page, number: int, texts: list[str] | None = None) -> PageText:
    if page.get_rotation() % 360:
        # PDFium orders the characters of a turned page for its display, not in content-stream
        # order, which the rebuilding of lines and cells relies on.
        raise NeedsGlyphWalk(number)
    width, height = page.get_size()
    out = PageText(number, width, height, [], [], [])
    tp = page.get_textpage()
    try:
        _chars(raw, tp, out)
        if texts is not None:
            texts.append(tp.get_text_bounded())
    finally:
        tp.close()
    page_area = max(width * height, 1.0)
    image_area = 0.0
    bx0, by0, bx1, by1 = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    blanks: list[tuple[float, float, float]] = []
    pending = [(raw.FPDFPage_CountObjects(page.raw), lambda k: raw.FPDFPage_GetObject(page.raw, k), 0)]
    while pending:
        count, get, depth = pending.pop()
        for k in range(count):
            obj = get(k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == _FORM and depth < 8:
                pending.append((raw.FPDFFormObj_CountObjects(obj), _getter(raw, obj), depth + 1))
                continue
            if kind == _TEXT and depth == 0:
                blank = _blank_text(raw, obj, bx0, by0, bx1, by1)
                if blank is not None:
                    blanks.append(blank)
                continue
            if kind not in (_PATH, _IMAGE) or not raw.FPDFPageObj_GetBounds(obj, bx0, by0, bx1, by1):
                continue
            if kind == _IMAGE:
                w = max(0.0, min(bx1.value, width) - max(bx0.value, 0.0))
                h = max(0.0, min(by1.value, height) - max(by0.value, 0.0))
                image_area += w * h
            else:
                add_rule(out, bx0.value, by0.value, bx1.value, by1.value, raw.FPDFPath_CountSegments(obj))
    out.image_area = min(1.0, image_area / page_area)
    if blanks:
        _put_back_blanks(out, blanks)
    return out


def _blank_text(raw, obj, bx0, by0, bx1, by1) -> tuple[float, float, float] | None:  # PDFium handles
    """(x, y, em) of a text object that draws nothing (its bounds are a point), else None."""
    if not raw.FPDFPageObj_GetBounds(obj, bx0, by0, bx1, by1):
        return None
    if bx1.value - bx0.value > 0.01 or by1.value - by0.value > 0.01:
        return None
    size, m = ctypes.c_float(), raw.FS_MATRIX()
    if not raw.FPDFTextObj_GetFontSize(obj, size) or not raw.FPDFPageObj_GetMatrix(obj, m):
        return None
    if abs(m.b) > 1e-3 or abs(m.c) > 1e-3:
        return None  # turned text: its place in a line is not rebuilt here
    em = size.value * abs(m.a)
    return (bx0.value, by0.value, em) if 0.1 < em < 2000 else None


def _put_back_blanks(out: PageText, blanks: list[tuple[float, float, float]]) -> None:
    """Each blank as a space glyph right after the glyph that ends where it starts (found through
    a grid of glyph ends, so a page of many blanks costs no more than its glyphs)."""
    glyphs = out.glyphs
    ends: dict[tuple[int, int], list[int]] = {}
    for i, g in enumerate(glyphs):
        if g.ey == g.oy:  # upright
            ends.setdefault((round(g.ex), round(g.ey)), []).append(i)
    after: dict[int, list[Glyph]] = {}
    for x, y, em in blanks[:_MAX_BLANKS]:
        tol = 0.1 * em
        reach = int(tol) + 1
        near = [
            i
            for gx in range(round(x) - reach, round(x) + reach + 1)
            for gy in range(round(y) - reach, round(y) + reach + 1)
            for i in ends.get((gx, gy), ())
            if abs(glyphs[i].ex - x) <= tol and abs(glyphs[i].ey - y) <= tol
        ]
        if not near:
            continue
        i = max(near)  # the last glyph drawn there
        nxt = glyphs[i + 1] if i + 1 < len(glyphs) else None
        if nxt is not None and abs(nxt.oy - y) <= tol and nxt.ox > x - tol:
            # Not at the line's end: the blank fills the gap to the next glyph, no more (a
            # narrow space is narrower than an em); an empty gap needs no space.
            em = min(em, nxt.ox - x)
        if em > tol:
            after.setdefault(i, []).append(Glyph(" ", x, y, x + em, y + em, x, y, x + em, y, em, em))
    if after:
        merged: list[Glyph] = []
        for i, g in enumerate(glyphs):
            merged.append(g)
            merged.extend(after.get(i, ()))
        out.glyphs = merged
