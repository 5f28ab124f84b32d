"""Which characters of a PDF text place change under a set of replacements, and what is
drawn in their place. Glyphs are cut one by one, so a replacement is turned into per-character
edits: unchanged characters (the kept ends of ``440881********1233``) stay untouched."""

from __future__ import annotations

from collections.abc import Sequence

from deident.formats.base import Replacement


def char_edits(text: str, repls: Sequence[Replacement]) -> dict[int, str]:
    """Which characters of `text` change, and what to draw in each place ('' = nothing).
    Only ASCII can be drawn in the standard font; anything else becomes '*'."""
    edits: dict[int, str] = {}
    for r in repls:
        orig, new = text[r.start : r.end], r.text
        if len(new) == len(orig):
            for k, (a, b) in enumerate(zip(orig, new, strict=True)):
                if a != b:
                    edits[r.start + k] = _drawable(b)
            continue
        p = 0
        while p < min(len(orig), len(new)) and orig[p] == new[p]:
            p += 1
        s = 0
        while s < min(len(orig), len(new)) - p and orig[-1 - s] == new[-1 - s]:
            s += 1
        middle_old = range(r.start + p, r.end - s)
        middle_new = new[p : len(new) - s]
        if middle_new and all(_drawable(c) == c for c in middle_new) and len(middle_new) <= len(middle_old):
            for k, ci in enumerate(middle_old):
                edits[ci] = middle_new[k] if k < len(middle_new) else ""
        else:
            for ci in middle_old:
                edits[ci] = "*" if middle_new else ""
    return edits


def _drawable(c: str) -> str:
    return c if len(c) == 1 and "!" <= c <= "~" else "*"


def apply_text(text: str, repls: Sequence[Replacement]) -> str:
    for r in sorted(repls, key=lambda r: r.start, reverse=True):
        text = text[: r.start] + r.text + text[r.end :]
    return text
