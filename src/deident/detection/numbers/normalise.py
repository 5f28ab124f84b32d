"""Folding and number-run extraction with offsets that map back to the original text.

`fold` is length-preserving: full-width digits, letters and a few symbols become ASCII,
the ideographic space a space, zero-width characters a zero-width space (which number runs
treat as a separator). Every offset in the folded text is therefore an offset in the original.
"""

from __future__ import annotations

import re

from deident.detection.native import native

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_FOLD_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_FOLD_TABLE.update(
    {0x3000: 0x20, 0x00A0: 0x20, 0x2010: 0x2D, 0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D, 0x2014: 0x2D}
)
_FOLD_TABLE.update({ord(c): 0x200B for c in _ZERO_WIDTH})
# Full-width punctuation is common in Chinese prose and harmless, so folding is only worth its cost
# when a character that can be part of a value is present.
_FOLDABLE = (
    "\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff20\uff0b\uff0d\uff0e\u3000\u00a0\u2010-\u2014" + _ZERO_WIDTH
)
# Written "[c][c]*", not "[c]+": `re` scans quickly for a leading character class only.
_NEEDS_FOLD = re.compile("[" + _FOLDABLE + "][" + _FOLDABLE + "]*")
_FOLD_TRANS = str.maketrans(_FOLD_TABLE)


def _fold_run(m: re.Match[str]) -> str:
    return m.group().translate(_FOLD_TRANS)


def fold_python(text: str) -> str:
    """`fold` in Python: the reference for (and fallback of) the compiled one."""
    # Only runs of foldable characters are translated (a full-width ID is one run, one call):
    # str.translate over a whole CJK document is ~12x slower than re finding the few runs.
    # With no match, re.sub hands back `text` itself, so there is no separate search first.
    return _NEEDS_FOLD.sub(_fold_run, text)


fold = native.fold if native is not None else fold_python


# A number-like run: digits with at most two separators between them (space, hyphen, zero-width
# space), an optional country prefix, and an optional trailing X (ID check character). Seven
# digits at least: shorter runs (years, article numbers) cannot be any entity here.
_SEP = "[ \\-\u200b)）]"  # ")" joins "(020)87654321"; the engine picks the best reading
# The left boundary is a lookbehind *after* the first digit: a pattern that starts with a
# character class is scanned ~3x faster by `re` than one that starts with a lookbehind.
NUMBER_RUN = re.compile(
    r"[0-9](?<![0-9A-Za-z][0-9])(?:" + _SEP + r"{0,2}[0-9]){6,}(?:" + _SEP + r"?[Xx])?(?![0-9A-Za-z])"
)
# Characters that masking tools write; a run touching one is part of an already masked value
# (440881********1234 has runs too short to match, but 4408811990****1234 does not).
MASK_CHARS = frozenset("*＊×●")


def touches_mask(folded: str, start: int, end: int) -> bool:
    return (start > 0 and folded[start - 1] in MASK_CHARS) or (
        end < len(folded) and folded[end] in MASK_CHARS
    )


def is_masked_value(text: str) -> bool:
    return not MASK_CHARS.isdisjoint(text)
