"""The text of an OFD content part (page, template, annotation appearance): every TextCode in
drawing order, joined into lines by glyph position, each character mapped back to its TextCode.

Why lines and not TextCodes: producers write one TextObject per span, per word or per glyph
(converters from PDF), so an ID number is often spread over several TextCodes. Characters
on one baseline are joined (a space where the gap is wider than a third of the font size, so
two table cells never merge into one digit run); a new baseline starts a new line.

Glyph positions: TextCode/@X, @Y inside the TextObject's @Boundary (through @CTM), then
@DeltaX/@DeltaY advances ("g n d" repeats d n times). Masking replaces characters one for one
and leaves X, Y, DeltaX and DeltaY untouched, so every glyph keeps its place; a CGTransform
that maps the masked characters to glyphs is removed, or the old glyphs would still be drawn.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from deident.formats.base import Replacement

MASK_CHAR = "*"


def local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def deltas(spec: str | None, n: int) -> list[float] | None:
    """The n advances of a DeltaX/DeltaY attribute ("g 3 5.2" means 5.2 three times)."""
    if not spec:
        return None
    out: list[float] = []
    toks = spec.split()
    i = 0
    try:
        while i < len(toks) and len(out) < n:
            if toks[i] == "g":
                out += [float(toks[i + 2])] * int(toks[i + 1])
                i += 3
            else:
                out.append(float(toks[i]))
                i += 1
    except (IndexError, ValueError):
        return None
    return (out + [out[-1] if out else 0.0] * n)[:n]


def _floats(spec: str | None, n: int) -> list[float] | None:
    try:
        vals = [float(v) for v in (spec or "").split()]
    except ValueError:
        return None
    return vals if len(vals) == n else None


@dataclass
class Code:
    """One TextCode: its element, its characters (edited in place) and its object."""

    el: etree._Element
    obj: etree._Element
    chars: list[str]
    changed: set[int] = field(default_factory=set)


@dataclass
class Lines:
    text: list[str]  # one string per line
    where: list[list[tuple[int, int] | None]]  # per line, per character: (code index, char index)
    codes: list[Code]
    # per line, its cells: runs separated by a gap, as (start, end, x of the first glyph)
    cells: list[list[tuple[int, int, float]]] = field(default_factory=list)


def read_lines(root: etree._Element) -> Lines:
    codes: list[Code] = []
    glyphs: list[tuple[float, float, float, str, tuple[int, int]]] = []  # x, y, size, char, where
    for obj in root.iter():
        if local(obj.tag) != "TextObject":
            continue
        ox, oy = (_floats(obj.get("Boundary"), 4) or [0.0, 0.0])[:2]
        a, b, c, d, e, f = _floats(obj.get("CTM"), 6) or [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
        scale = math.sqrt(abs(a * d - b * c)) or 1.0
        size = float(obj.get("Size") or 3.5) * scale
        x = y = 0.0
        for tc in obj:
            if local(tc.tag) != "TextCode":
                continue
            text = tc.text or ""
            idx = len(codes)
            codes.append(Code(tc, obj, list(text)))
            x = float(tc.get("X", x))
            y = float(tc.get("Y", y))
            dx = deltas(tc.get("DeltaX"), len(text) - 1) or [0.0 if tc.get("DeltaY") else size] * (
                len(text) - 1
            )
            dy = deltas(tc.get("DeltaY"), len(text) - 1) or [0.0] * (len(text) - 1)
            for i, ch in enumerate(text):
                px, py = ox + a * x + c * y + e, oy + b * x + d * y + f
                glyphs.append((px, py, size, ch, (idx, i)))
                if i < len(text) - 1:
                    x, y = x + dx[i], y + dy[i]
            x += size
    return _join(glyphs, codes)


def _join(glyphs: list[tuple[float, float, float, str, tuple[int, int]]], codes: list[Code]) -> Lines:
    out = Lines([], [], codes, [])
    cur: list[str] = []
    cur_where: list[tuple[int, int] | None] = []
    cells: list[tuple[int, int, float]] = []
    cell_start, cell_x = 0, 0.0

    def flush() -> None:
        cells.append((cell_start, len(cur), cell_x))
        out.text.append("".join(cur))
        out.where.append(list(cur_where))
        out.cells.append(list(cells))

    prev: tuple[float, float, float] | None = None
    for x, y, size, ch, at in glyphs:
        if prev is None:
            cell_x = x
        else:
            px, py, psize = prev
            same_line = abs(y - py) <= 0.5 * max(size, psize)
            vertical = abs(x - px) <= 0.5 * max(size, psize) and 0 < y - py <= 1.6 * max(size, psize)
            if (not same_line and not vertical) or (same_line and x < px - 0.5 * psize):
                flush()
                cur.clear()
                cur_where.clear()
                cells.clear()
                cell_start, cell_x = 0, x
            elif same_line and x - (px + psize) > 0.34 * max(size, psize):
                cells.append((cell_start, len(cur), cell_x))
                cur.append(" ")
                cur_where.append(None)
                cell_start, cell_x = len(cur), x
        cur.append(ch)
        cur_where.append(at)
        prev = (x, y, size)
    if cur:
        flush()
    return out


def apply(lines: Lines, line: int, reps: Sequence[Replacement]) -> None:
    """Replace characters of one line in their TextCodes, one for one: a masked form longer
    than the value is cut, a shorter one filled with '*', so no glyph moves."""
    where = lines.where[line]
    for r in reps:
        spots = [w for w in where[r.start : r.end] if w is not None]
        text = (r.text + MASK_CHAR * len(spots))[: len(spots)]
        for (ci, i), ch in zip(spots, text, strict=True):
            code = lines.codes[ci]
            code.chars[i] = ch
            code.changed.add(i)


def commit(lines: Lines) -> int:
    """Write changed characters into the XML; returns how many CGTransforms were dropped."""
    dropped = 0
    offsets: dict[int, int] = {}  # object -> code offset of the next TextCode within it
    for code in lines.codes:
        start = offsets.get(id(code.obj), 0)
        offsets[id(code.obj)] = start + len(code.chars)
        if not code.changed:
            continue
        code.el.text = "".join(code.chars)
        for cg in [el for el in code.obj if local(el.tag) == "CGTransform"]:
            pos, count = int(cg.get("CodePosition", "0")), int(cg.get("CodeCount", "1"))
            if any(pos <= start + i < pos + count for i in code.changed):
                code.obj.remove(cg)
                dropped += 1
    return dropped
