# cython: language_level=3, boundscheck=False, wraparound=False
"""The fast reader's per-character loop compiled: PDFium's functions called straight through
the addresses ctypes loaded them at, no ctypes call per character (five per glyph, most of a
scan's reading time). The twin and the reference is `fast_text._chars_python`: same glyphs,
same floats (the rare turned glyph is computed by Python's own math, as the twin does)."""

import math

cdef struct Rect:
    float left
    float top
    float right
    float bottom

ctypedef int (*IntFn)(void*, int) noexcept nogil
ctypedef unsigned int (*UIntFn)(void*, int) noexcept nogil
ctypedef int (*OriginFn)(void*, int, double*, double*) noexcept nogil
ctypedef int (*BoxFn)(void*, int, Rect*) noexcept nogil
ctypedef double (*SizeFn)(void*, int) noexcept nogil
ctypedef float (*AngleFn)(void*, int) noexcept nogil


def read_chars(
    size_t handle,
    int count,
    object codes,
    tuple fns,
    object glyph,
    list glyphs,
):
    """Append the glyphs of the text page `handle` to `glyphs` (`glyph`: the Glyph class); `codes`
    every character's code, or None (then each is asked for); `fns` the addresses of
    FPDFText_IsGenerated, _GetUnicode, _HasUnicodeMapError (0: absent), _GetCharOrigin,
    _GetLooseCharBox, _GetFontSize, _GetCharAngle. Returns the number of undecodable glyphs."""
    cdef void* h = <void*>handle
    cdef IntFn is_generated = <IntFn><size_t>fns[0]
    cdef UIntFn get_unicode = <UIntFn><size_t>fns[1]
    cdef size_t err_at = fns[2]
    cdef IntFn has_error = <IntFn>err_at
    cdef OriginFn get_origin = <OriginFn><size_t>fns[3]
    cdef BoxFn get_box = <BoxFn><size_t>fns[4]
    cdef SizeFn get_size = <SizeFn><size_t>fns[5]
    cdef AngleFn get_angle = <AngleFn><size_t>fns[6]
    cdef double x = 0.0, y = 0.0, x0, y0, x1, y1, size, angle, adv, ox, oy, c, s
    cdef Rect rect
    cdef unsigned long code
    cdef int k, undecodable = 0
    cdef bint have_codes = codes is not None
    rect.left = rect.top = rect.right = rect.bottom = 0.0
    for k in range(count):
        code = <unsigned long>codes[k] if have_codes else get_unicode(h, k)
        if (code == 0x20 or code == 0x0D or code == 0x0A or code == 0x02) and is_generated(h, k) == 1:
            continue
        if code == 0xFFFE or code == 0xFFFF or code == 0 or (err_at != 0 and has_error(h, k) == 1):
            undecodable += 1
            text = "\ufffd"
        elif code < 0x110000 and not (0xD800 <= code <= 0xDFFF):
            text = chr(code)
        else:
            text = "\ufffd"
        get_origin(h, k, &x, &y)
        get_box(h, k, &rect)
        if rect.left <= rect.right:
            x0, x1 = rect.left, rect.right
        else:
            x0, x1 = rect.right, rect.left
        if rect.bottom <= rect.top:
            y0, y1 = rect.bottom, rect.top
        else:
            y0, y1 = rect.top, rect.bottom
        size = get_size(h, k)
        ox, oy = x, y
        angle = get_angle(h, k)
        if angle <= 0.0:  # upright (or unknown: -1)
            adv = x1 - x0
            if not (0.1 < size < 2000):
                size = y1 - y0
            glyphs.append(glyph(text, x0, y0, x1, y1, ox, oy, ox + adv, oy, 0.1 if 0.1 > size else size, adv))
            continue
        c, s = math.cos(angle), math.sin(angle)
        adv = (
            (x1 - x0) if abs(s) < 0.05 else (y1 - y0) if abs(c) < 0.05 else math.hypot(x1 - x0, y1 - y0) / 1.4
        )
        if not (0.1 < size < 2000):
            size = (y1 - y0) if abs(s) < 0.05 else (x1 - x0) if abs(c) < 0.05 else adv
        glyphs.append(
            glyph(text, x0, y0, x1, y1, ox, oy, ox + c * adv, oy + s * adv, 0.1 if 0.1 > size else size, adv)
        )
    return undecodable
