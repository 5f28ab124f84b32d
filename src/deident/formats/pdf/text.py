"""Per-character text of PDF pages with pdfminer.six, and the rebuilding of lines and table cells.

pdfminer runs without layout analysis (``laparams=None``): we get every glyph as an `LTChar`
in content-stream order (form XObjects inline, in the order they are drawn). That order is
what the redactor (`pdf_redact`) walks too, so glyph *i* of a page here is glyph *i* there.

Rebuilding text: consecutive glyphs that continue each other (same direction, next origin
where the previous glyph ended) form a fragment; a large gap or a vertical ruling between
two glyphs starts a new one (table columns). Fragments are then joined into blocks when the
upper one fills its box (reaches a vertical ruling or the page's right text margin) and the
lower one continues it one line below with no horizontal ruling in between: this is how
Word/WPS exports wrap ``3502031`` / ``9951020`` / ``6545`` inside a narrow cell, and how a
Chinese paragraph wraps. Each character of a block's text maps back to its glyph index.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from deident.detection.tables import header_entity, is_value_cell

# pdfminer logs warnings about malformed content with the offending operands (document text)
# and Python prints unconfigured warnings to stderr. Unless the application configured the
# pdfminer logger itself, keep it to errors so no document text reaches a log.
_PDFMINER_LOG = logging.getLogger("pdfminer")
if _PDFMINER_LOG.level == logging.NOTSET:
    _PDFMINER_LOG.setLevel(logging.ERROR)

_CID = re.compile(r"\(cid:\d+\)")
_DIGITS_END = re.compile(r"[0-9]{3,}$")
_DIGITS_ONLY = re.compile(r"[0-9Xx]{1,18}")
_DIGIT_TAIL = re.compile(r"[0-9０-９]+$")
_DIGIT_HEAD = re.compile(r"[0-9０-９]+[Xx]?")
_LATIN = re.compile(r"[A-Za-z]")


@dataclass(slots=True)
class Glyph:
    text: str
    x0: float
    y0: float
    x1: float
    y1: float
    ox: float  # origin (device space)
    oy: float
    ex: float  # where the next glyph would start
    ey: float
    size: float
    adv: float  # pdfminer's advance (text space, scaled by font size and Tz)


@dataclass(slots=True)
class PageText:
    number: int  # 1-based
    width: float
    height: float
    glyphs: list[Glyph]
    hrules: list[tuple[float, float, float]]  # (x0, x1, y)
    vrules: list[tuple[float, float, float]]  # (y0, y1, x)
    image_area: float = 0.0  # fraction of the page covered by images (clipped to the page)
    undecodable: int = 0  # glyphs without a usable unicode mapping ((cid:N))


@dataclass(slots=True)
class Block:
    """Text of one place on a page: a line fragment, or wrapped lines of one cell/paragraph."""

    text: str
    glyph_of: list[int | None]  # per character of `text`: index into PageText.glyphs (None: inserted space)
    bbox: tuple[float, float, float, float]
    hint_entity: str | None = None
    hint_reason: str | None = None
    column: tuple[int, ...] | None = field(default=None, repr=False)


def extract_pages(data: bytes, *, max_pages: int) -> Iterator[PageText]:
    """Yield every page's glyphs. Raises whatever pdfminer raises (the caller maps it)."""
    import io

    from pdfminer.converter import PDFPageAggregator
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    doc = PDFDocument(PDFParser(io.BytesIO(data)))
    rsrc = PDFResourceManager(caching=True)
    device = PDFPageAggregator(rsrc, laparams=None)
    interp = PDFPageInterpreter(rsrc, device)
    for n, page in enumerate(PDFPage.create_pages(doc), start=1):
        if n > max_pages:
            raise OverflowError(n)
        # Read in the page's own coordinates, as authored: a /Rotate only turns the display,
        # and lines are rebuilt far more reliably upright. Boxes are then PDF user space.
        page.rotate = 0
        interp.process_page(page)
        yield _collect(n, device.get_result())


def _collect(number: int, layout) -> PageText:
    from pdfminer.layout import LTChar, LTCurve, LTFigure, LTImage

    page = PageText(number, layout.width, layout.height, [], [], [])
    page_area = max(layout.width * layout.height, 1.0)
    image_area = 0.0

    def walk(container) -> None:
        nonlocal image_area
        for obj in container:
            if isinstance(obj, LTChar):
                a, b, _c, _d, e, f = obj.matrix
                ex, ey = a * obj.adv + e, b * obj.adv + f
                text = obj.get_text()
                if _CID.fullmatch(text):
                    page.undecodable += 1
                page.glyphs.append(
                    Glyph(text, obj.x0, obj.y0, obj.x1, obj.y1, e, f, ex, ey, max(obj.size, 0.1), obj.adv)
                )
            elif isinstance(obj, LTImage):
                w = max(0.0, min(obj.x1, layout.x1) - max(obj.x0, layout.x0))
                h = max(0.0, min(obj.y1, layout.y1) - max(obj.y0, layout.y0))
                image_area += w * h
            elif isinstance(obj, LTFigure):
                walk(obj)
            elif isinstance(obj, LTCurve):  # LTLine and LTRect are curves too
                _add_rules(page, obj)

    walk(layout)
    page.image_area = min(1.0, image_area / page_area)
    return page


def _add_rules(page: PageText, obj) -> None:
    add_rule(page, obj.x0, obj.y0, obj.x1, obj.y1, len(getattr(obj, "pts", ())))


def add_rule(page: PageText, x0: float, y0: float, x1: float, y1: float, points: int) -> None:
    """Table borders: thin boxes and straight segments, horizontal or vertical."""
    w, h = x1 - x0, y1 - y0
    if h < 2.0 and w > 2.0:
        page.hrules.append((x0, x1, (y0 + y1) / 2))
    elif w < 2.0 and h > 2.0:
        page.vrules.append((y0, y1, (x0 + x1) / 2))
    elif w > 2.0 and h > 2.0 and points <= 5:
        # A rectangle (cell box): its four edges.
        page.hrules += [(x0, x1, y0), (x0, x1, y1)]
        page.vrules += [(y0, y1, x0), (y0, y1, x1)]


# --- fragments ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Frag:
    idx: list[int]
    spaces_before: set[int]  # positions in idx before which a space is inserted
    x0: float
    y0: float
    x1: float
    y1: float
    base: float  # baseline (origin y of first glyph)
    size: float
    upright: bool
    text: str = ""


def _vrule_between(page: PageText, xa: float, xb: float, y: float) -> bool:
    lo, hi = (xa, xb) if xa <= xb else (xb, xa)
    return any(lo - 0.5 < x < hi + 0.5 and y0 - 1 <= y <= y1 + 1 for y0, y1, x in page.vrules)


def _fragments(page: PageText) -> list[_Frag]:
    frags: list[_Frag] = []
    cur: _Frag | None = None
    prev: Glyph | None = None
    for i, g in enumerate(page.glyphs):
        upright = abs(g.ey - g.oy) <= abs(g.ex - g.ox) * 0.05 + 1e-6
        start_new = cur is None or prev is None
        space = False
        if not start_new:
            assert prev is not None and cur is not None
            dx, dy = g.ox - prev.ex, g.oy - prev.ey
            if prev.ey == prev.oy and prev.ex > prev.ox:
                along, perp = dx, dy  # left to right on a level baseline (most glyphs): no rotation
            else:
                length = math.hypot(prev.ex - prev.ox, prev.ey - prev.oy) or prev.size
                ux, uy = (prev.ex - prev.ox) / length, (prev.ey - prev.oy) / length
                along, perp = dx * ux + dy * uy, -dx * uy + dy * ux
            h = prev.size if prev.size >= g.size else g.size
            jump = upright != cur.upright or abs(perp) > 0.45 * h or along < -0.6 * h or along > 1.6 * h
            if jump or (
                upright and along > 0.15 * h and _vrule_between(page, prev.ex, g.ox, (g.y0 + g.y1) / 2)
            ):
                start_new = True
            elif along > 0.3 * h and prev.text != " " and g.text != " ":
                space = True
        if start_new:
            cur = _Frag([i], set(), g.x0, g.y0, g.x1, g.y1, g.oy, g.size, upright)
            frags.append(cur)
        else:
            assert cur is not None
            if space:
                cur.spaces_before.add(len(cur.idx))
            cur.idx.append(i)
            if g.x0 < cur.x0:
                cur.x0 = g.x0
            if g.y0 < cur.y0:
                cur.y0 = g.y0
            if g.x1 > cur.x1:
                cur.x1 = g.x1
            if g.y1 > cur.y1:
                cur.y1 = g.y1
        prev = g
    frags = _merge_same_line(page, frags)
    for f in frags:
        f.text = "".join(page.glyphs[i].text for i in f.idx)
    return [f for f in frags if f.text.strip()]


def _merge_same_line(page: PageText, frags: list[_Frag]) -> list[_Frag]:
    """Glyphs drawn out of order (a fallback-font ``‧`` painted after the rest of its line,
    text objects split mid-line) start fragments of their own; put back together fragments
    on one baseline that touch, in x order."""
    upright = sorted((f for f in frags if f.upright), key=lambda f: (-f.base, f.x0))
    merged_into: dict[int, _Frag] = {}
    i = 0
    while i < len(upright):
        cur = upright[i]
        j = i + 1
        while j < len(upright) and abs(upright[j].base - cur.base) <= 0.2 * cur.size:
            nxt = upright[j]
            h = max(cur.size, nxt.size)
            touches = cur.x1 - 0.6 * h <= nxt.x0 <= cur.x1 + 0.3 * h
            tucked_in = len(nxt.idx) <= 3 and cur.x0 - 0.1 * h <= nxt.x0 and nxt.x1 <= cur.x1 + 0.1 * h
            mid = (nxt.y0 + nxt.y1) / 2
            if not (touches or tucked_in) or _vrule_between(page, cur.x1, nxt.x0, mid):
                break
            cur.idx = sorted(cur.idx + nxt.idx, key=lambda k: page.glyphs[k].ox)
            cur.x0, cur.y0 = min(cur.x0, nxt.x0), min(cur.y0, nxt.y0)
            cur.x1, cur.y1 = max(cur.x1, nxt.x1), max(cur.y1, nxt.y1)
            merged_into[id(nxt)] = cur
            j += 1
        i = j
    if not merged_into:
        return frags
    out = [f for f in frags if id(f) not in merged_into]
    for f in out:
        if f.upright:
            f.spaces_before = _spaces(page, f.idx)
    return sorted(out, key=lambda f: min(f.idx))


def _spaces(page: PageText, idx: list[int]) -> set[int]:
    out = set()
    for pos in range(1, len(idx)):
        a, b = page.glyphs[idx[pos - 1]], page.glyphs[idx[pos]]
        if b.ox - a.ex > 0.3 * max(a.size, b.size) and a.text != " " and b.text != " ":
            out.add(pos)
    return out


# --- joining wrapped lines -------------------------------------------------------------


def _column(page: PageText, x0: float, x1: float, y: float) -> tuple[int, int] | None:
    """The box between the nearest vertical rulings left and right of [x0, x1] at height y."""
    left = right = None
    for y0, y1, x in page.vrules:
        if y0 - 1 <= y <= y1 + 1:
            if x <= x0 + 1 and (left is None or x > left):
                left = x
            elif x >= x1 - 1 and (right is None or x < right):
                right = x
    return None if left is None or right is None else (round(left), round(right))


def _hrule_between(page: PageText, upper: _Frag, lower: _Frag) -> bool:
    lo_x, hi_x = max(upper.x0, lower.x0), min(upper.x1, lower.x1)
    if hi_x <= lo_x:
        lo_x, hi_x = min(upper.x0, lower.x0), max(upper.x1, lower.x1)
    mid_lo, mid_hi = lower.base, upper.base
    return any(mid_lo < y < mid_hi and x0 < hi_x - 0.5 and x1 > lo_x + 0.5 for x0, x1, y in page.hrules)


# The first unbreakable piece of a line: a run of letters/digits (half or full width) or
# one character, with the closing punctuation that may not start a line (禁则).
_AN = r"[0-9A-Za-z\uff10-\uff19\uff21-\uff3a\uff41-\uff5a@._+\-]"
_CLOSE = r"[，。、；：？！）》」』”’,.;:?!)\]]"
_LEAD = re.compile(rf"(?:{_AN}+|.)(?:{_CLOSE}+{_AN}+)*{_CLOSE}*")


def _lead_width(page: PageText, f: _Frag) -> float:
    m = _LEAD.match(f.text)
    n = len(m.group()) if m else 1
    last = page.glyphs[f.idx[min(n, len(f.idx)) - 1]]
    return last.x1 - f.x0


def _overflows(a: _Frag, b: _Frag) -> bool:
    """Joining would glue two numbers into one longer than any we look for (a 19-digit bank
    card is the longest): 13812345678 / 13987654321 on two lines are two numbers."""
    end = _DIGIT_TAIL.search(a.text.rstrip())
    start = _DIGIT_HEAD.match(b.text.lstrip())
    return bool(end and start) and len(end.group()) + len(start.group()) > 19


def _continues(page: PageText, a: _Frag, b: _Frag, margin: float, left: float) -> bool:
    return _wraps(page, a, b, margin, left) and not _overflows(a, b)


def _wraps(page: PageText, a: _Frag, b: _Frag, margin: float, left: float) -> bool:
    if not (a.upright and b.upright):
        return False
    h = max(a.size, b.size)
    step = a.base - b.base
    if not 0.7 * h <= step <= 2.0 * h or b.x1 < a.x0 or b.x0 > a.x1 + h:
        return False
    if _hrule_between(page, a, b):
        return False
    col_a = _column(page, a.x0, a.x1, (a.y0 + a.y1) / 2)
    if col_a is not None:
        # Inside a ruled cell every line below, down to the next ruling, is the same cell.
        return col_a == _column(page, b.x0, b.x1, (b.y0 + b.y1) / 2)
    # A paragraph line that spans the text width (from the left margin, maybe indented, to
    # the right margin) continues on the next line, which starts at the left margin. The
    # last column of a borderless table also reaches the right margin, but not the left.
    # "Reaches" means the first unbreakable piece of the next line (a number, a word with
    # its punctuation, or one Han character) would not have fitted after it.
    # (On a page of short lines, a list of numbers exported from a text file, every line
    # reaches the "margin": `_overflows` keeps two numbers on two lines apart.)
    starts_left = a.x0 <= left + 3.2 * h and abs(b.x0 - left) <= 3.2 * h
    if starts_left and a.x1 + max(_lead_width(page, b), 1.1 * h) >= margin - 0.5:
        return True
    # Borderless tables: a digit run that continues with digits directly below, left-aligned,
    # and together no longer than the longest number we look for (two phone numbers in
    # consecutive rows are 22 digits and stay apart).
    m = _DIGITS_END.search(a.text.strip())
    if m and _DIGITS_ONLY.fullmatch(b.text.strip()) and abs(b.x0 - a.x0) < 0.6 * h:
        return len(m.group()) + len(b.text.strip()) <= 19 and len(b.text.strip()) <= len(a.text.strip())
    return False


def build_blocks(
    page: PageText, headers: dict[tuple[int, ...], tuple[float, str, str]] | None = None
) -> list[Block]:
    """The blocks of one page. `headers` carries table column headers from page to page (a
    roster's header row is printed once, on its first page)."""
    frags = _fragments(page)
    if not frags:
        return []
    upright = [f for f in frags if f.upright]
    margin = max((f.x1 for f in upright), default=math.inf)
    left = min((f.x0 for f in upright), default=-math.inf)
    nxt: dict[int, int] = {}
    has_prev: set[int] = set()
    for i, a in enumerate(frags):
        # The continuation is usually the next fragment in stream order; look a little further
        # for exports that interleave cells of one row.
        for j in range(i + 1, min(len(frags), i + 12)):
            if j in has_prev:
                continue
            b = frags[j]
            step, h = a.base - b.base, a.size if a.size >= b.size else b.size
            if not 0.7 * h <= step <= 2.0 * h:
                continue  # not the next line down (`_wraps` says no first thing)
            if _continues(page, a, b, margin, left):
                nxt[i] = j
                has_prev.add(j)
                break
    blocks = []
    for i in range(len(frags)):
        if i in has_prev:
            continue
        chain = [frags[i]]
        k = i
        while k in nxt:
            k = nxt[k]
            chain.append(frags[k])
        blocks.append(_block(page, chain))
    _column_hints(page, blocks, {} if headers is None else headers)
    return blocks


def _block(page: PageText, chain: list[_Frag]) -> Block:
    text: list[str] = []
    glyph_of: list[int | None] = []
    for n, f in enumerate(chain):
        if n and text and _LATIN.match(text[-1][-1:]) and _LATIN.match(f.text[:1]):
            text.append(" ")
            glyph_of.append(None)
        glyphs = page.glyphs
        if not f.spaces_before and all(len(glyphs[gi].text) == 1 for gi in f.idx):  # the usual case
            text.append(f.text)
            glyph_of.extend(f.idx)
            continue
        for pos, gi in enumerate(f.idx):
            if pos in f.spaces_before:
                text.append(" ")
                glyph_of.append(None)
            t = page.glyphs[gi].text
            text.append(t)
            glyph_of.extend([gi] * len(t))
    bbox = (
        min(f.x0 for f in chain),
        min(f.y0 for f in chain),
        max(f.x1 for f in chain),
        max(f.y1 for f in chain),
    )
    return Block("".join(text), glyph_of, bbox)


def _column_hints(
    page: PageText, blocks: list[Block], headers: dict[tuple[int, ...], tuple[float, str, str]]
) -> None:
    """Cells below a header such as 身份证号码 (same column between the same rulings) get the
    header's entity as a hint, so a mistyped value is still reported."""
    if page.vrules:
        for b in blocks:
            b.column = _column(page, b.bbox[0], b.bbox[2], (b.bbox[1] + b.bbox[3]) / 2)
    else:
        _borderless_columns(blocks, headers)
    carried = dict(headers)
    for col, (_top, entity, name) in carried.items():
        headers[col] = (math.inf, entity, name)  # a header from an earlier page is above everything
    for b in blocks:
        if b.column is None:
            continue
        entity = header_entity(b.text)
        if entity is not None and (
            b.column not in headers or b.column in carried or headers[b.column][0] < b.bbox[1]
        ):
            carried.pop(b.column, None)
            headers[b.column] = (b.bbox[1], entity, re.sub(r"\s+", "", b.text))
    for b in blocks:
        if b.column in headers:
            top, entity, name = headers[b.column]
            if b.bbox[3] <= top + 0.5 and is_value_cell(b.text) and header_entity(b.text) is None:
                b.hint_entity = entity
                b.hint_reason = f"column header {name}"


def _borderless_columns(blocks: list[Block], headers: dict[tuple[int, ...], tuple[float, str, str]]) -> None:
    """A table without rulings: a row of short blocks on one baseline, one of which names its
    content (户主姓名, 身份证号码), sets the columns. A block belongs to a column when it lies
    between the neighbouring headers and overlaps its own header horizontally: prose lines
    cross columns and never get a hint, nor do the cells of a column without a header."""
    rows: dict[int, list[Block]] = {}
    for b in blocks:
        rows.setdefault(round(b.bbox[1]), []).append(b)
    # (left bound, right bound, header x0, header x1); carried over from an earlier page too
    columns = [c for c in headers if len(c) == 4]
    for row in rows.values():
        if len(row) < 2 or any(len(b.text.strip()) > 12 for b in row):
            continue
        if not any(header_entity(b.text) for b in row):
            continue
        row.sort(key=lambda b: b.bbox[0])
        for i, b in enumerate(row):
            left = row[i - 1].bbox[2] if i else -1e9
            right = row[i + 1].bbox[0] if i + 1 < len(row) else 1e9
            b.column = (round(left), round(right), round(b.bbox[0]), round(b.bbox[2]))
            columns.append(b.column)
    for b in blocks:
        if b.column is None:
            for col in columns:
                left, right, hx0, hx1 = col
                fits = left - 0.5 <= b.bbox[0] and b.bbox[2] <= right + 0.5
                if fits and b.bbox[0] < hx1 and b.bbox[2] > hx0:
                    b.column = col
                    break
