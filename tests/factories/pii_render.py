"""How a value is written in a document: full-width, grouped, zero-width characters inside …

Part of `tests.factories.pii` (import from there); split out to keep modules small.
"""

from __future__ import annotations

import random

# --- Rendering variants --------------------------------------------------------------

ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\ufeff")


def to_fullwidth(s: str) -> str:
    """ASCII letters, digits and '-' to their full-width forms (０-９, Ａ-Ｚ, －)."""
    return "".join(chr(ord(c) + 0xFEE0) if ("!" <= c <= "~") else ("\u3000" if c == " " else c) for c in s)


def group(s: str, sizes: tuple[int, ...], sep: str) -> str:
    parts, i = [], 0
    for n in sizes:
        parts.append(s[i : i + n])
        i += n
    if i < len(s):
        parts.append(s[i:])
    return sep.join(p for p in parts if p)


def insert_zero_width(s: str, rng: random.Random, n: int = 2) -> str:
    chars = list(s)
    for pos in sorted(rng.sample(range(1, len(s)), min(n, len(s) - 1)), reverse=True):
        chars.insert(pos, rng.choice(ZERO_WIDTH))
    return "".join(chars)


def _groups_for(value: str) -> tuple[int, ...]:
    if len(value) == 11:  # mobile 3-4-4
        return (3, 4, 4)
    if len(value) == 18:  # ID: region, birth date, sequence+check
        return (6, 8, 4)
    if len(value) == 15:
        return (6, 6, 3)
    return tuple([4] * (len(value) // 4))  # bank cards in blocks of four


def render(value: str, variant: str, rng: random.Random) -> str:
    """The text of `value` as it appears in a document, for one variant name.

    plain, fullwidth, dashes, spaces, plus86 (mobiles), zero_width, lower_x (IDs ending X),
    groups4, ideographic_space, fullwidth_dashes, parens (landlines with a dash).
    The rendering stays one span: what a detector must report is the whole rendered text.
    """
    if variant in ("plain", "in_han", "table", "checksum_invalid", "15_digit", "unallocated", "permit"):
        return value
    if variant == "fullwidth":
        return to_fullwidth(value)
    if variant == "dashes":
        return group(value, _groups_for(value), "-")
    if variant == "spaces":
        return group(value, _groups_for(value), " ")
    if variant == "plus86":
        return rng.choice(("+86 ", "+86", "86-", "+86-", "(+86)")) + value
    if variant == "zero_width":
        return insert_zero_width(value, rng)
    if variant == "lower_x":
        return value[:-1] + value[-1].lower()
    if variant == "groups4":  # as typed into forms: 4408 8119 9001 0112 33
        return group(value, (4,) * (len(value) // 4), " ")
    if variant == "ideographic_space":  # U+3000 between groups, common in Word documents
        return group(value, _groups_for(value), "\u3000")
    if variant == "fullwidth_dashes":  # １３８－１２３４－５６７８
        return to_fullwidth(group(value, _groups_for(value), "-"))
    if variant == "parens":  # landlines: (0759)6612345 or （0759）6612345
        area, _, local = value.partition("-")
        return rng.choice(("({}){}", "（{}）{}", "({}) {}")).format(area, local)
    raise ValueError(f"unknown variant {variant!r}")
